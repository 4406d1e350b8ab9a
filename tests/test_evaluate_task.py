"""Task metrics of `gdprep evaluate`: hand-computed metric values, the JSON Schema subset, the evaluation loop
with a fake model, and one run of a smoke model with a fresh LoRA adapter (not a real model)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gdprep.errors import ConfigError
from gdprep.training import evaluate as ev
from gdprep.training.evaluate import (
    accuracy,
    evaluate_model,
    evaluate_run,
    exact_match,
    json_metrics,
    load_schema,
    macro_f1,
    normalise_answer,
    parse_json,
    rouge_l,
    task_metrics,
    token_f1,
)
from gdprep.training.modelio import LoadedModel

from .conftest import write_jsonl


@pytest.mark.parametrize(("text", "expected"), [
    ("The  Cat, sat!", "cat sat"),
    ("An apple a day", "apple day"),
    ("theatre, Another", "theatre another"),  # articles only as whole words
    ("  \t\n", ""),
    ("", ""),
])
def test_normalise_answer(text: str, expected: str) -> None:
    assert normalise_answer(text) == expected


def test_exact_match() -> None:
    assert exact_match(["The cat.", "dog", ""], ["cat", "a dog!", "x"]) == pytest.approx(2 / 3)
    assert exact_match(["x", "y"], ["a", "b"]) == 0.0
    assert exact_match(["the"], [""]) == 1.0  # both normalise to nothing


@pytest.mark.parametrize(("pred", "ref", "expected"), [
    ("the cat sat on the mat", "a cat on a mat", 6 / 7),  # P = 3/4, R = 1
    ("go go go", "go", 0.5),  # repeated tokens count once per match: P = 1/3, R = 1
    ("Cat!", "cat", 1.0),
    ("x y", "z", 0.0),
    ("", "x", 0.0),
    ("x", "", 0.0),
    ("", "the", 1.0),  # both empty after normalisation (SQuAD v2)
])
def test_token_f1_per_example(pred: str, ref: str, expected: float) -> None:
    assert token_f1([pred], [ref]) == pytest.approx(expected)


def test_token_f1_is_the_mean_over_examples() -> None:
    assert token_f1(["the cat sat on the mat", "go go go"], ["a cat on a mat", "go"]) == pytest.approx(19 / 28)


def test_accuracy_compares_stripped_casefolded_labels() -> None:
    assert accuracy(["Spam ", "HAM", "spam"], ["spam", "ham", "ham"]) == pytest.approx(2 / 3)
    assert accuracy(["b", "a"], ["a", "b"]) == 0.0


def test_macro_f1_with_an_unseen_predicted_label() -> None:
    # class a: tp 1, fp 1, fn 1 -> 1/2; class b: tp 1, fp 0, fn 1 -> 2/3; "c" is no class of its own
    # (counting it would give (1/2 + 2/3 + 0) / 3 = 7/18)
    assert macro_f1(["a", "c", "b", "a"], ["a", "a", "b", "b"]) == pytest.approx(7 / 12)


@pytest.mark.parametrize(("preds", "refs", "expected"), [
    ([" A", "b"], ["a", "B"], 1.0),
    (["b", "a"], ["a", "b"], 0.0),
    (["a", "a", "a", "a"], ["a", "a", "a", "b"], (6 / 7 + 0) / 2),  # a: tp 3, fp 1; b: fn 1
    (["x", "x"], ["a", "a"], 0.0),
])
def test_macro_f1(preds: list[str], refs: list[str], expected: float) -> None:
    assert macro_f1(preds, refs) == pytest.approx(expected)


@pytest.mark.parametrize(("pred", "ref", "expected"), [
    ("the cat sat on the mat", "the cat is on the mat", 5 / 6),  # LCS 5 of 6 and 6
    ("the gunman police killed", "police killed the gunman", 0.5),  # LCS 2 of 4 and 4
    ("a x b y c", "a b c", 0.75),  # LCS need not be contiguous: P = 3/5, R = 1
    ("a b c d", "a c", 2 / 3),
    ("The Cat, dog!", "the cat dog", 1.0),
    ("", "the cat", 0.0),
    ("the cat", "", 0.0),
    ("x y", "a b", 0.0),
])
def test_rouge_l_per_example(pred: str, ref: str, expected: float) -> None:
    assert rouge_l([pred], [ref]) == pytest.approx(expected)


def test_rouge_l_is_the_mean_over_examples() -> None:
    assert rouge_l(["a b c d", "x"], ["a c", "x"]) == pytest.approx((2 / 3 + 1) / 2)


@pytest.mark.parametrize(("text", "ok", "value"), [
    ('{"a": 1}', True, {"a": 1}),
    ('  [1, 2]\n', True, [1, 2]),
    ('```json\n{"a": 1}\n```', True, {"a": 1}),
    ('```JSON {"a": 1}```', True, {"a": 1}),
    ('```\n"x"\n```', True, "x"),
    ('Here it is: ```json\n{"a": 1}\n```', False, None),  # only a fence around the whole answer
    ('{"a": 1', False, None),
    ("NaN", False, None),
    ('{"a": Infinity}', False, None),
    ("", False, None),
    ("not json", False, None),
])
def test_parse_json(text: str, ok: bool, value: Any) -> None:
    assert parse_json(text) == (ok, value)


PERSON_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["name"], "additionalProperties": False,
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
}


def test_json_metrics_valid_and_compliant_rates() -> None:
    preds = ['{"name": "Ada", "age": 36}', '```json\n{"name": "Bo"}\n```', "not json", '{"name": 5}',
             "```\n[1, 2]\n```", "NaN", ""]
    assert json_metrics(preds, PERSON_SCHEMA) == {"json_valid_rate": pytest.approx(4 / 7),
                                                  "schema_compliance_rate": pytest.approx(2 / 7)}


def test_json_metrics_without_a_schema_reports_validity_only() -> None:
    assert json_metrics(['{"a": 1}', "{"]) == {"json_valid_rate": 0.5}


@pytest.mark.parametrize(("schema", "text", "compliant"), [
    (PERSON_SCHEMA, '{"name": "Ada", "age": 36}', True),
    (PERSON_SCHEMA, '{"age": 36}', False),  # required
    (PERSON_SCHEMA, '{"name": "Ada", "email": "x"}', False),  # additionalProperties: false
    (PERSON_SCHEMA, '{"name": "Ada", "age": "36"}', False),  # properties
    (PERSON_SCHEMA, '{"name": "Ada", "age": 36.5}', False),
    (PERSON_SCHEMA, '["Ada"]', False),
    ({"type": "integer"}, "3.0", True),
    ({"type": "integer"}, "true", False),  # a boolean is not a number
    ({"type": "number"}, "1.5", True),
    ({"type": ["string", "null"]}, "null", True),
    ({"type": ["string", "null"]}, "0", False),
    ({"enum": ["red", "green"]}, '"red"', True),
    ({"enum": ["red", "green"]}, '"blue"', False),
    ({"enum": [1]}, "true", False),
    ({"type": "array", "items": {"type": "integer"}}, "[1, 2, 3]", True),
    ({"type": "array", "items": {"type": "integer"}}, '[1, "2"]', False),
    ({"additionalProperties": {"type": "string"}}, '{"a": "x"}', True),
    ({"additionalProperties": {"type": "string"}}, '{"a": 1}', False),
    ({"properties": {"p": {"type": "object", "required": ["id"]}}}, '{"p": {"id": 1}}', True),
    ({"properties": {"p": {"type": "object", "required": ["id"]}}}, '{"p": {}}', False),
    ({"title": "anything", "description": "annotations are ignored"}, '{"a": [1]}', True),
])
def test_schema_compliance(schema: dict[str, Any], text: str, compliant: bool) -> None:
    assert json_metrics([text], schema)["schema_compliance_rate"] == float(compliant)


@pytest.mark.parametrize(("schema", "message"), [
    ({"type": "text"}, "invalid JSON schema"),
    ({"properties": {"a": {"minimum": "zero"}}}, "properties/a/minimum"),
])
def test_an_invalid_schema_is_refused_with_where(schema: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        json_metrics(['"a"'], schema)


@pytest.mark.parametrize(("task", "keys"), [
    ("extraction", {"exact_match", "token_f1"}),
    ("classification", {"accuracy", "macro_f1"}),
    ("summarisation", {"rouge_l"}),
    ("structured", {"json_valid_rate", "exact_match"}),
    ("generation", {"token_f1", "rouge_l"}),
])
def test_task_metrics_picks_the_metrics_of_the_task(task: str, keys: set[str]) -> None:
    metrics = task_metrics(task, ["a b", "c"], ["a b", "d"])
    assert set(metrics) == keys | {"n"} and metrics["n"] == 2
    assert all(metrics[k] == 0.5 for k in keys if k != "json_valid_rate")


def test_task_metrics_structured_with_a_schema() -> None:
    metrics = task_metrics("structured", ['{"name": "Ada"}', '{"x": 1}'], ['{"name": "Ada"}', "{}"],
                           PERSON_SCHEMA)
    assert metrics == {"json_valid_rate": 1.0, "schema_compliance_rate": 0.5, "exact_match": 0.5, "n": 2}


def test_task_metrics_on_no_examples_and_bad_calls() -> None:
    assert task_metrics("classification", [], []) == {"accuracy": 0.0, "macro_f1": 0.0, "n": 0}
    with pytest.raises(ConfigError, match="unknown task 'translation'"):
        task_metrics("translation", ["a"], ["a"])
    with pytest.raises(ValueError, match="2 predictions but 1 references"):
        task_metrics("extraction", ["a", "b"], ["a"])


def test_load_schema(tmp_path: Path) -> None:
    good = tmp_path / "s.json"
    good.write_text(json.dumps(PERSON_SCHEMA), encoding="utf-8")
    assert load_schema(good) == PERSON_SCHEMA
    with pytest.raises(ConfigError, match=r"missing\.json cannot be read.*json_schema"):
        load_schema(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.json is not valid JSON"):
        load_schema(bad)
    bad.write_text("[1]", encoding="utf-8")
    with pytest.raises(ConfigError, match="must hold a JSON object"):
        load_schema(bad)


class _FakeTokenizer:
    """Encodes a prompt as [its index]; decodes [i] to padded text, so stripping can be checked."""

    chat_template = None

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def __call__(self, text: str, *, add_special_tokens: bool) -> dict[str, list[int]]:
        assert add_special_tokens is False
        self.prompts.append(text)
        return {"input_ids": [len(self.prompts) - 1]}

    def decode(self, ids: list[int], *, skip_special_tokens: bool) -> str:
        assert skip_special_tokens is True
        return ("  yes\n", " NO ")[ids[0] % 2]


def test_evaluate_model_generates_for_prompted_rows_and_scores_them(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: dict[str, Any] = {}

    def fake_generate(loaded: Any, prompts: list[list[int]], *, max_new_tokens: int,
                      batch_size: int) -> list[list[list[int]]]:
        calls.update(prompts=prompts, max_new_tokens=max_new_tokens, batch_size=batch_size)
        return [[list(p)] for p in prompts]

    monkeypatch.setattr(ev, "generate", fake_generate)
    tok = _FakeTokenizer()
    rows: list[dict[str, Any]] = [{"id": f"r{i}", "prompt": f"q{i}", "completion": " yes\n"} for i in range(7)]
    rows.insert(2, {"id": "plain", "text": "no prompt here"})
    loaded = LoadedModel(model=None, tokenizer=tok, device="cpu", base_dir=Path("."), adapter_dir=None)
    result = evaluate_model(loaded, rows, "classification", max_new_tokens=3, batch_size=2)
    assert tok.prompts == [f"q{i}\n" for i in range(7)]
    assert calls == {"prompts": [[i] for i in range(7)], "max_new_tokens": 3, "batch_size": 2}
    assert result["n"] == 7 and result["skipped"] == 1 and result["task"] == "classification"
    assert result["scored_field"] == "completion"  # no row has a label
    # predictions alternate yes / NO against all-"yes" references: 4 of 7 right; only class "yes" counts
    assert result["metrics"] == {"accuracy": pytest.approx(4 / 7), "macro_f1": pytest.approx(8 / 11), "n": 7}
    assert result["examples"] == [{"id": f"r{i}", "prediction": ("yes", "NO")[i % 2], "reference": "yes"}
                                  for i in range(5)]


@pytest.mark.parametrize(("labels", "scored", "accuracy"), [
    (["yes"] * 4, "label", 2 / 4),                # the label field is scored, not the completion ("answer ...")
    (["YES ", "no", "yes", "no"], "label", 1.0),  # compared after strip and casefold
    (["yes", None, "yes", "no"], "completion", 0.0),  # a row without a label: the completion is scored
])
def test_classification_scores_the_label_field_and_says_so(monkeypatch: pytest.MonkeyPatch, labels: list[Any],
                                                           scored: str, accuracy: float) -> None:
    monkeypatch.setattr(ev, "generate", lambda loaded, prompts, **kw: [[list(p)] for p in prompts])
    rows: list[dict[str, Any]] = [{"id": f"r{i}", "prompt": f"q{i}", "completion": f"answer {i}"} for i in range(4)]
    for row, label in zip(rows, labels, strict=True):
        if label is not None:
            row["label"] = label
    loaded = LoadedModel(model=None, tokenizer=_FakeTokenizer(), device="cpu", base_dir=Path("."), adapter_dir=None)
    result = evaluate_model(loaded, rows, "classification", max_new_tokens=3)
    assert result["scored_field"] == scored
    assert result["metrics"]["accuracy"] == pytest.approx(accuracy)
    assert evaluate_model(loaded, rows, "generation", max_new_tokens=3)["scored_field"] == "completion"


def test_evaluate_run_refuses_missing_or_unusable_inputs(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"test split .*test\.jsonl does not exist; run `gdprep curate`"):
        evaluate_run(tmp_path / "adapter", tmp_path / "test.jsonl", "classification")
    test_file = write_jsonl(tmp_path / "test.jsonl", [{"prompt": "q", "completion": "a"}])
    with pytest.raises(ConfigError, match=r"schema\.json cannot be read"):
        evaluate_run(tmp_path / "adapter", test_file, "structured", schema_path=tmp_path / "schema.json")
    with pytest.raises(ConfigError, match="unknown task"):
        evaluate_run(tmp_path / "adapter", test_file, "translation")
    plain = write_jsonl(tmp_path / "plain.jsonl", [{"text": "no prompt"}])
    with pytest.raises(ConfigError, match="has no prompt/completion or chat records"):
        evaluate_run(tmp_path / "adapter", plain, "generation")


def test_evaluate_run_on_a_smoke_model_with_a_fresh_adapter(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("peft")
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from gdprep.training.smoke import build_smoke_model

    rows = [{"id": f"t{i}", "prompt": f"Is ticket {i} about billing?", "completion": ("yes", "no")[i % 2]}
            for i in range(4)]
    model_dir = build_smoke_model([r["prompt"] + " " + r["completion"] for r in rows] * 5, tmp_path / "model")
    adapter_dir = tmp_path / "adapter"
    lora = LoraConfig(r=4, lora_alpha=8, target_modules="all-linear", task_type="CAUSAL_LM")
    get_peft_model(AutoModelForCausalLM.from_pretrained(model_dir), lora).save_pretrained(str(adapter_dir))
    test_file = write_jsonl(tmp_path / "test.jsonl", rows)
    loads: list[tuple[Path, Path | None, str]] = []

    def recording_load(base_dir: Path, adapter: Path | None = None, **kwargs: Any) -> LoadedModel:
        loaded = real_load(base_dir, adapter, **kwargs)
        loads.append((base_dir, adapter, type(loaded.model).__name__))
        return loaded

    real_load = ev.load_model
    monkeypatch.setattr(ev, "load_model", recording_load)

    result = evaluate_run(adapter_dir, test_file, "classification", device="cpu", max_new_tokens=4)

    # the adapter is merged into the base weights for inference, so both load as plain Llama models
    assert loads == [(model_dir, adapter_dir, "LlamaForCausalLM"), (model_dir, None, "LlamaForCausalLM")]
    assert set(result) == {"adapter", "base", "delta"}
    for name in ("adapter", "base"):
        run = result[name]
        assert run["n"] == 4 and run["skipped"] == 0 and run["metrics"]["n"] == 4
        assert set(run["metrics"]) == {"accuracy", "macro_f1", "n"}
        assert all(0.0 <= run["metrics"][k] <= 1.0 for k in ("accuracy", "macro_f1"))
        assert [e["id"] for e in run["examples"]] == ["t0", "t1", "t2", "t3"]
    # a fresh LoRA adapter (B = 0) changes nothing: greedy outputs and metrics equal the base model's
    assert [e["prediction"] for e in result["adapter"]["examples"]] == \
        [e["prediction"] for e in result["base"]["examples"]]
    assert result["delta"] == {"accuracy": 0.0, "macro_f1": 0.0}
