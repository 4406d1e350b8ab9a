"""`gdprep synth` on the tiny smoke model (a stand-in, not a real language model), the filters every generation
passes (tested with injected generations, labelled as such), curation's cap on synthetic records, and the chain
redact -> curate -> synth -> curate -> training gate."""

from __future__ import annotations

import csv
import json
import math
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gdprep.audit.ledger import Ledger
from gdprep.audit.trace import trace_record
from gdprep.curation import curate
from gdprep.curation.config import load_curation_config
from gdprep.curation.synthetic import allowed_synthetic
from gdprep.policies import load_policy
from gdprep.service import stages
from gdprep.service.cli import app
from gdprep.synthetic import mark_synthetic, synthetic_marker
from gdprep.training.gate import GateRefused, check_gate
from gdprep.training.smoke import build_smoke_model
from gdprep.training.synth import Generation, SynthSettings
from gdprep.training.synth_prompt import TEMPLATE_SHA256, Layout, build_prompt, parse, render
from gdprep.training.train import weights_sha256

from .conftest import read_jsonl, redact_and_curate, write_jsonl

pytest.importorskip("torch")

TOPICS = ["router", "printer", "invoice", "parcel", "password", "screen", "battery", "refund", "modem", "account"]
ACTIONS = ["restart", "check", "replace", "update", "reset", "clean"]
#: the real records: support questions, one in five of the under-represented label "rare"
ROWS = [{"id": f"r{i}", "prompt": f"Where is parcel {i}?", "completion": f"It ships in {i % 5 + 1} days.",
         "label": "rare" if i % 5 == 0 else "common"} for i in range(60)]
CURATE_YAML = "fields: {label_field: label}\noutput: {hf_dataset: false}\nquality: {languages: []}\n"


def _generic(i: int) -> dict[str, str]:
    topic, action = TOPICS[i % len(TOPICS)], ACTIONS[(i // 3) % len(ACTIONS)]
    return {"prompt": f"Where is my {topic}?", "completion": f"Please {action} the {topic} today."}


@pytest.fixture(scope="module")
def smoke_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smoke model pre-trained on generic support text laid out in the synth template (never the records
    above), so that it writes records in that layout, some of them parseable."""
    layout = Layout("pair")
    docs = [build_prompt(layout, ("help", "rare", "common")[j % 3], [_generic(j), _generic(j + 3)]) + " "
            + render(layout, _generic(j + 7)).removeprefix("Prompt:").strip() + "\n### Example\n" for j in range(80)]
    return build_smoke_model(docs, tmp_path_factory.mktemp("synth") / "model", vocab_size=600, pretrain_texts=docs,
                             pretrain_epochs=30)


def _synth_args(model: Path, source: Path, out: Path, *extra: str) -> list[str]:
    return ["synth", "--model", str(model), "--from", str(source), "--label", "rare", "--n", "16", "--output",
            str(out), "--seed", "3", "--few-shot", "2", "--max-new-tokens", "40", "--temperature", "0.7",
            "--region", "GB", "--config", str(out.parent / "curate.yaml"), *extra]


def _runs(stage: str) -> list[Any]:
    return [e for e in Ledger().iter_entries() if e.kind == "run_started" and e.payload["stage"] == stage]


def test_synth_with_the_smoke_model_is_deterministic_accounted_marked_and_recorded(
        tmp_path: Path, smoke_model: Path) -> None:
    redact_and_curate(tmp_path, ROWS, CURATE_YAML)
    train = tmp_path / "cur" / "train.jsonl"
    runner = CliRunner()
    first = runner.invoke(app, _synth_args(smoke_model, train, tmp_path / "a.jsonl"))
    assert first.exit_code == 0, first.output
    assert "synth: 16 generated ->" in first.output and "memorisation signals" in first.output
    kept, drops = read_jsonl(tmp_path / "a.jsonl"), read_jsonl(tmp_path / "a.drops.jsonl")
    # every generation is kept or dropped with a reason, once
    assert len(kept) + len(drops) == 16
    assert sorted([r["id"] for r in kept] + [d["id"] for d in drops]) == sorted({*(r["id"] for r in kept),
                                                                                 *(d["id"] for d in drops)})
    assert all(d["reason"] for d in drops) and kept, "the smoke model writes some parseable records"
    digest = __import__("hashlib").sha256("".join(f"{k}:{v}\n" for k, v in sorted(
        weights_sha256(smoke_model).items())).encode()).hexdigest()
    for record in kept:
        marker = synthetic_marker(record)
        assert marker is not None and record["label"] == "rare" and record["prompt"] and record["completion"]
        assert marker["generator_weights_sha256"] == digest and marker["prompt_template_sha256"] == TEMPLATE_SHA256
        assert marker["seed"] == 3 and marker["generator_model"] == smoke_model.name
    # same inputs and seed: byte-identical files
    second = runner.invoke(app, _synth_args(smoke_model, train, tmp_path / "b.jsonl"))
    assert second.exit_code == 0, second.output
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert (tmp_path / "a.drops.jsonl").read_bytes() == (tmp_path / "b.drops.jsonl").read_bytes()
    other = runner.invoke(app, _synth_args(smoke_model, train, tmp_path / "c.jsonl", "--seed", "4"))
    assert other.exit_code == 0
    assert (tmp_path / "c.jsonl").read_bytes() + (tmp_path / "c.drops.jsonl").read_bytes() != \
        (tmp_path / "a.jsonl").read_bytes() + (tmp_path / "a.drops.jsonl").read_bytes()

    ledger = Ledger()
    run = _runs("synthesis")[0]
    entries = [e for e in ledger.iter_entries() if e.run_id == run.run_id]
    assert run.payload["config"]["prompt_template_sha256"] == TEMPLATE_SHA256
    assert run.payload["config"]["generator_weights_sha256"] == weights_sha256(smoke_model)
    assert run.payload["config"]["source_sha256"] == __import__("gdprep.records").records.file_sha256(train)
    assert entries[-1].kind == "run_completed"
    assert sum(e.kind == "record_synthesised" for e in entries) == 16
    output = next(e.payload for e in entries if e.kind == "dataset_version" and e.payload["role"] == "output")
    assert output["records"] == len(kept) and output["synthetic"]["prompt_template_sha256"] == TEMPLATE_SHA256
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0

    bundle = tmp_path / "bundle"
    assert runner.invoke(app, ["audit", "export", "--view", "csv", "--out", str(bundle)]).exit_code == 0
    with (bundle / "runs.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["run_id"] == run.run_id]
    marked = [r for r in rows if r["synthetic"]]
    assert [(r["stage"], r["role"]) for r in marked] == [("synthesis", "output")]
    assert json.loads(marked[0]["synthetic"])["generator_weights_sha256"] == digest
    assert runner.invoke(app, ["audit", "export", "--view", "openlineage", "--out", str(bundle)]).exit_code == 0
    events = json.loads((bundle / "openlineage.json").read_text(encoding="utf-8"))
    done = [e for e in events if e["job"]["name"] == "gdprep.synthesis" and e["eventType"] == "COMPLETE"]
    assert any("gdprep_synthetic" in o["facets"] for e in done for o in e["outputs"])


class Injected:
    """Stands in for the model to test the filters: returns these continuations (of the prompt's `Prompt:`)."""

    def __init__(self, texts: Sequence[str | Generation]) -> None:
        self.texts = texts

    def __call__(self, prompts: Sequence[str]) -> list[Generation]:
        assert len(prompts) == len(self.texts)
        return [t if isinstance(t, Generation) else Generation(t) for t in self.texts]


def _pair(prompt: str, completion: str) -> str:
    return f" {prompt}\nCompletion: {completion}\n### Example\n"


def _injected(copy: dict[str, Any], held_out: dict[str, Any]) -> list[str | Generation]:
    return [
        _pair("My parcel never came, can you help?", "We will send a replacement parcel this week."),  # kept
        _pair(copy["prompt"], copy["completion"]),  # a real training record, verbatim: memorisation
        _pair("Please call me back about my parcel.",
              "Of course, we will call you on +44 7700 900123 or write to jane.doe@example.com."),  # PII
        "no markers at all, just words",  # unparseable
        _pair("My parcel never came, can you help?", "We will send a replacement parcel this week."),  # exact dup
        _pair("Where is parcel 77 now?", "Where is parcel 77 now?"),  # quality: completion equals prompt
        Generation(" Where is my parcel?\nCompletion: It will arr", finished=False),  # cut off at the token limit
        _pair(held_out["prompt"], held_out["completion"]),  # a test-split record (given with --against)
    ]


def test_injected_generations_are_redacted_compared_with_the_real_data_and_chained_past_the_gate(
        tmp_path: Path, smoke_model: Path) -> None:
    redact_and_curate(tmp_path, ROWS, CURATE_YAML)
    train = tmp_path / "cur" / "train.jsonl"
    copy = next(r for r in read_jsonl(train) if r["label"] == "common")
    test_split = tmp_path / "cur" / "test.jsonl"
    held_out = read_jsonl(test_split)[0]
    generations = _injected(copy, held_out)
    out = tmp_path / "synth.jsonl"
    settings = SynthSettings(model_dir=smoke_model, source=train, label="rare", n=len(generations), output=out,
                             seed=5, few_shot=2, region="GB", against=(test_split,))
    cfg = load_curation_config(tmp_path / "curate.yaml")
    report = stages.synthesise(Ledger(), settings, load_policy(None), cfg, command="test",
                               generator=Injected(generations))
    kept, drops = read_jsonl(out), read_jsonl(tmp_path / "synth.drops.jsonl")
    by_index = {d["index"]: d for d in drops}
    assert {i: d["reason"] for i, d in by_index.items()} == {
        1: "near_copy_of_real", 3: "unparseable", 4: "exact_dup", 5: "quality:completion_equals_prompt",
        6: "unparseable", 7: "near_copy_of_real"}
    assert by_index[1]["details"] == {"real_record": copy["id"], "jaccard": 1.0}
    assert by_index[7]["details"] == {"real_record": held_out["id"], "jaccard": 1.0}
    assert by_index[6]["details"] == {"problem": "truncated"} and by_index[4]["details"]["kept_id"] == kept[0]["id"]
    assert report["memorisation"]["signals"] == 2 and report["counts"]["kept"] == 2 == len(kept)
    assert report["counts"]["dropped"] == {"exact_dup": 1, "near_copy_of_real": 2, "quality:completion_equals_prompt":
                                           1, "unparseable": 2}
    # the generated phone number and e-mail address are redacted before anything is written
    text = out.read_text(encoding="utf-8") + (tmp_path / "synth.drops.jsonl").read_text(encoding="utf-8")
    assert "jane.doe@example.com" not in text and "7700 900123" not in text
    assert report["privacy"]["findings_redacted"] >= 2
    assert {"EMAIL_ADDRESS", "PHONE_NUMBER"} <= set(report["privacy"]["by_entity_type"])
    assert (tmp_path / "synth.redaction.json").is_file() and not list(tmp_path.glob(".synth.jsonl.*"))
    ledger = Ledger()
    copies = [e for e in ledger.iter_entries() if e.kind == "record_synthesised" and e.payload.get("real_record")]
    assert [e.payload["real_record"] for e in copies] == [ledger.record_key(copy["id"]),
                                                          ledger.record_key(held_out["id"])]
    run = _runs("synthesis")[0].run_id
    read = [(e.payload["role"], e.payload["name"]) for e in ledger.iter_entries()
            if e.run_id == run and e.kind == "dataset_version" and e.payload.get("direction") == "input"]
    assert read == [("source", "train.jsonl"), ("compared", "test.jsonl")]
    trace = trace_record(ledger, kept[1]["id"])
    assert [e["summary"] for e in trace["events"] if e["kind"] == "record_synthesised"] == ["synthesis: kept"]
    assert any(e["kind"] == "record_redacted" and "EMAIL_ADDRESS" in e["summary"] for e in trace["events"])

    # real and synthetic curated together: the train split passes the training gate, test holds no synthetic
    runner = CliRunner()
    both = runner.invoke(app, ["curate", "-i", str(tmp_path / "red.jsonl"), "-i", str(out), "-o",
                               str(tmp_path / "cur2"), "-c", str(tmp_path / "curate.yaml")])
    assert both.exit_code == 0, both.output
    splits = {s: read_jsonl(tmp_path / "cur2" / f"{s}.jsonl") for s in ("train", "validation", "test")}
    assert not [r for s in ("validation", "test") for r in splits[s] if synthetic_marker(r)]
    placed = [r["id"] for r in splits["train"] if synthetic_marker(r)]
    removed = [r["id"] for r in read_jsonl(tmp_path / "cur2" / "removals.jsonl") if r["stage"] == "synthetic"]
    assert sorted(placed + removed) == sorted(r["id"] for r in kept) and placed
    allowed = load_policy(None).residency.allowed_regions
    gate = check_gate(ledger, tmp_path / "cur2" / "train.jsonl", region="GB", allowed_regions=allowed)
    [privacy_run] = [e.run_id for e in _runs("privacy")]
    synthesis_runs = {e.run_id for e in _runs("synthesis")}
    # the redacted file's privacy run, and every redacting run the probes read vault values of
    assert gate.privacy_run == privacy_run and set(gate.privacy_runs) == {privacy_run} | synthesis_runs
    # given the synthetic file first, the privacy run is still the one named
    first = runner.invoke(app, ["curate", "-i", str(out), "-i", str(tmp_path / "red.jsonl"), "-o",
                                str(tmp_path / "cur4"), "-c", str(tmp_path / "curate.yaml")])
    assert first.exit_code == 0, first.output
    assert check_gate(ledger, tmp_path / "cur4" / "train.jsonl", region="GB",
                      allowed_regions=allowed).privacy_run == privacy_run
    # one raw input beside the redacted and synthetic ones: the gate refuses the curated data
    raw = write_jsonl(tmp_path / "raw.jsonl", [{"id": "x1", "prompt": "Where is parcel 99?",
                                                "completion": "It ships in 9 days.", "label": "common"}])
    mixed = runner.invoke(app, ["curate", "-i", str(tmp_path / "red.jsonl"), "-i", str(out), "-i", str(raw), "-o",
                                str(tmp_path / "cur3"), "-c", str(tmp_path / "curate.yaml")])
    assert mixed.exit_code == 0, mixed.output
    with pytest.raises(GateRefused, match="not recorded as the output of a privacy run"):
        check_gate(ledger, tmp_path / "cur3" / "train.jsonl", region="GB", allowed_regions=allowed)


def _capped(n_real: int, n_synthetic: int, **overrides: Any) -> Any:
    rows = [{"id": f"real{i}", "prompt": f"Where is my order number {i} today?",
             "completion": f"Order {i} left the warehouse {i % 9 + 1} days ago and arrives soon."}
            for i in range(n_real)]
    marker = {"generator_model": "m", "seed": 1}
    rows += [mark_synthetic({"id": f"syn{i}", "prompt": f"Can you track shipment code {i * 31} for me?",
                             "completion": f"Shipment {i * 31} is with the courier, expected in {i % 4 + 2} days."},
                            marker) for i in range(n_synthetic)]
    cfg = load_curation_config(None, {"quality.languages": [], **overrides})
    return curate(rows, cfg)


def test_curation_keeps_synthetic_records_out_of_validation_and_test_by_default() -> None:
    result = _capped(40, 20)
    synthetic = {s: [r for r in rows if synthetic_marker(r)] for s, rows in result.rows.items()}
    assert synthetic["validation"] == [] == synthetic["test"] and len(synthetic["train"]) == 20
    moved = [d for d in result.decisions if d.details.get("moved_from")]
    assert moved and all(d.stage == "synthetic" and d.split == "train" for d in moved)
    info = result.report["synthetic"]
    assert info["per_split"] == {"train": 20, "validation": 0, "test": 0}
    assert sum(info["moved_to_train"].values()) == len(moved) == sum(
        v for k, v in info["per_split_before_cap"].items() if k != "train")
    assert result.report["counts"]["conserved"]


@pytest.mark.parametrize(("overrides", "train_cap"), [
    ({"synthetic.max_share": {"train": 0.2}}, 0.2),
    ({"synthetic.max_share": {"train": 0.5, "test": 0.0}, "synthetic.over_cap": "drop"}, 0.5),
])
def test_curation_caps_the_synthetic_share_and_says_why_it_removed_each_record(
        overrides: dict[str, Any], train_cap: float) -> None:
    result = _capped(40, 30, **overrides)
    real = {s: len([r for r in rows if not synthetic_marker(r)]) for s, rows in result.rows.items()}
    synthetic = {s: len([r for r in rows if synthetic_marker(r)]) for s, rows in result.rows.items()}
    info = result.report["synthetic"]
    offered = info["per_split_before_cap"]["train"] + sum(info["moved_to_train"].values())
    assert synthetic["train"] == min(offered, allowed_synthetic(real["train"], train_cap)) < 30
    assert synthetic["train"] / (synthetic["train"] + real["train"]) <= train_cap
    removed = [r for r in result.removals if r["stage"] == "synthetic"]
    assert len(removed) == 30 - synthetic["train"] and all(r["reason"] == "synthetic_over_cap" for r in removed)
    assert all(r["id"].startswith("syn") for r in removed) and result.report["counts"]["conserved"]
    if overrides.get("synthetic.over_cap") == "drop":
        assert not [d for d in result.decisions if d.details.get("moved_from")]
        assert {r["details"]["split"] for r in removed} >= {"validation", "test"} - {s for s in ("validation", "test")
                                                                                      if not real[s]}


def test_the_cap_counts_the_copies_label_balancing_writes() -> None:
    """Synthetic records are generated for a rare label, which balancing then repeats: the share written to
    train must stay under the cap counting every copy."""
    rows = [{"id": f"real{i}", "label": "common", "prompt": f"Where is my order number {i} today?",
             "completion": f"Order {i} left the warehouse {i % 9 + 1} days ago and arrives soon."} for i in range(60)]
    rows += [{"id": f"rare{i}", "label": "rare", "prompt": f"Can I change the billing address on invoice {i}?",
              "completion": f"Yes, invoice {i} can be reissued to the new address within {i % 3 + 1} days."}
             for i in range(6)]
    rows += [mark_synthetic({"id": f"syn{i}", "label": "rare", "prompt": f"Could invoice {i * 7} go to my office?",
                             "completion": f"Invoice {i * 7} will be reissued to your office address."},
                            {"generator_model": "m", "seed": 1}) for i in range(12)]
    cfg = load_curation_config(None, {"quality.languages": [], "fields.label_field": "label",
                                      "balance.enabled": True, "balance.upsample": True,
                                      "balance.target": {"common": 0.5, "rare": 0.5}, "balance.max_upsample_factor": 3,
                                      "synthetic.max_share": {"train": 0.15}})
    result = curate(rows, cfg)
    train = result.rows["train"]
    synthetic = sum(1 for r in train if synthetic_marker(r))
    assert [r for r in train if "#upsample" in r["id"]]  # balancing did repeat records
    assert synthetic / len(train) <= 0.15, (synthetic, len(train))  # every copy counted
    assert result.report["counts"]["conserved"]


def test_allowed_synthetic_share() -> None:
    assert allowed_synthetic(80, 1.0) == math.inf
    assert allowed_synthetic(80, 0.0) == 0
    assert allowed_synthetic(80, 0.2) == 20 and allowed_synthetic(81, 0.2) == 20 and allowed_synthetic(3, 0.5) == 3


@pytest.mark.parametrize(("region", "message"), [
    ("us-east-1", "region 'us-east-1' is not allowed for synthesis"),
    (None, "no region declared: pass --region"),
])
def test_a_region_the_policy_does_not_allow_is_refused_before_any_run(
        tmp_path: Path, smoke_model: Path, monkeypatch: pytest.MonkeyPatch, region: str | None, message: str) -> None:
    monkeypatch.delenv("GDPREP_REGION", raising=False)
    source = write_jsonl(tmp_path / "src.jsonl", ROWS)
    (tmp_path / "curate.yaml").write_text(CURATE_YAML, encoding="utf-8")
    args = _synth_args(smoke_model, source, tmp_path / "s.jsonl")
    at = args.index("--region")
    args = args[:at] + ([args[at], region] if region else []) + args[at + 2:]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output
    assert _runs("synthesis") == [] and not (tmp_path / "s.jsonl").exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"--model": "missing-model"}, "is not a directory"),
    ({"--label": "nope"}, "no record has label = 'nope'; labels in the file: common (48), rare (12)"),
    ({"--label-field": "category"}, "no record has the label field 'category'"),
    ({"--output": "s.csv"}, "synthetic records are written as JSONL"),
    ({"--from": "absent.jsonl"}, "absent.jsonl does not exist"),
    ({"--from": "broken.jsonl"}, "broken.jsonl:3: is not valid JSON"),
    ({"--model": "foo-model"}, "names architecture FooForCausalLM"),
    ({"--model": "no-tokenizer"}, "has no tokenizer"),
])
def test_bad_input_is_a_clear_error_naming_the_file_or_field(tmp_path: Path, smoke_model: Path,
                                                             change: dict[str, str], message: str) -> None:
    """Each refused before the synthesis run opens."""
    source = write_jsonl(tmp_path / "src.jsonl", ROWS)
    lines = source.read_text(encoding="utf-8").splitlines()
    (tmp_path / "broken.jsonl").write_text("\n".join([*lines[:2], "{not json", *lines[2:]]) + "\n", encoding="utf-8")
    shutil.copytree(smoke_model, tmp_path / "foo-model")
    config = json.loads((tmp_path / "foo-model" / "config.json").read_text(encoding="utf-8"))
    (tmp_path / "foo-model" / "config.json").write_text(json.dumps({**config, "architectures": ["FooForCausalLM"]}),
                                                        encoding="utf-8")
    shutil.copytree(smoke_model, tmp_path / "no-tokenizer", ignore=shutil.ignore_patterns("tokenizer*"))
    (tmp_path / "curate.yaml").write_text(CURATE_YAML, encoding="utf-8")
    args = _synth_args(smoke_model, source, tmp_path / "s.jsonl")
    for option, value in change.items():
        value = str(tmp_path / value) if option in ("--model", "--output", "--from") else value
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split()) and "Traceback" not in result.output
    assert "--on-error" not in result.output  # synth has no such option
    assert _runs("synthesis") == []


@pytest.mark.parametrize(("shape", "start", "generated", "expected"), [
    ("pair", "Prompt:", " Hi there\nCompletion: Hello!\n### Example", {"prompt": "Hi there", "completion": "Hello!"}),
    ("pair", "Prompt:", " Hi there\nCompletion:\n### Example", "empty_field"),
    ("pair", "Prompt:", " Hi there", "missing_completion"),
    ("pair", "Prompt:", " a\nCompletion: b\nPrompt: c\nCompletion: d", "repeated_marker"),
    ("text", "Text:", " A note about billing.\n### Example\nText: more", {"text": "A note about billing."}),
    ("text", "Text:", "   ", "empty_field"),
    ("chat", "user:", " Where is it?\nassistant: On its way.\nIt left today.",
     {"messages": [{"role": "user", "content": "Where is it?"},
                   {"role": "assistant", "content": "On its way.\nIt left today."}]}),
    ("chat", "user:", " Where is it?", "one_sided_chat"),
])
def test_the_parser_reads_back_a_record_or_names_the_problem(shape: Any, start: str, generated: str,
                                                             expected: dict[str, Any] | str) -> None:
    parsed = parse(Layout(shape), start, generated, roles=["user", "assistant"])
    if isinstance(expected, str):
        assert parsed.fields is None and parsed.problem == expected
    else:
        assert parsed.fields == expected and parsed.problem is None


def test_runs_that_generate_differently_give_their_records_other_ids(tmp_path: Path, smoke_model: Path) -> None:
    """Curated together, two synth files would lose every record of the second as a duplicate id."""
    source = write_jsonl(tmp_path / "src.jsonl", ROWS)
    (tmp_path / "curate.yaml").write_text(CURATE_YAML, encoding="utf-8")
    ids = []
    for name, temperature in (("a", "0.7"), ("b", "0.9"), ("c", "0.7")):
        args = [*_synth_args(smoke_model, source, tmp_path / f"{name}.jsonl"), "--n", "3"]
        args[args.index("--temperature") + 1] = temperature
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        drops = read_jsonl(tmp_path / f"{name}.drops.jsonl") if (tmp_path / f"{name}.drops.jsonl").exists() else []
        ids.append({r["id"] for r in read_jsonl(tmp_path / f"{name}.jsonl")} | {d["id"] for d in drops})
    assert len(ids[0]) == 3 and not ids[0] & ids[1]
    assert ids[0] == ids[2]  # the same options: the same ids


def test_the_python_api_synthesises_what_the_cli_does(tmp_path: Path, smoke_model: Path) -> None:
    import gdprep

    source = write_jsonl(tmp_path / "src.jsonl", ROWS)
    (tmp_path / "curate.yaml").write_text(CURATE_YAML, encoding="utf-8")
    cli = CliRunner().invoke(app, [*_synth_args(smoke_model, source, tmp_path / "cli.jsonl"), "--n", "4"])
    assert cli.exit_code == 0, cli.output
    report = gdprep.synth(smoke_model, source, "rare", tmp_path / "api.jsonl", n=4, region="GB", seed=3, few_shot=2,
                          max_new_tokens=40, temperature=0.7, config=tmp_path / "curate.yaml")
    assert (tmp_path / "api.jsonl").read_bytes() == (tmp_path / "cli.jsonl").read_bytes()
    assert report["counts"]["generated"] == 4
    assert [r.payload["command"] for r in _runs("synthesis")][-1].startswith("gdprep.synth(")
