"""Task metrics for `gdprep evaluate`: generate greedily on the test split with the adapter and with the bare
base model, and score both by the task type the training config declares. For a DPO adapter, also the implicit
reward on the test pairs and an automated win rate against the reference model.

The examples a report carries (5 at most) hold test-split text and model output, so they contain personal data
only as far as the redacted test split does.
"""

from __future__ import annotations

import json
import re
import string
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from gdprep.errors import ConfigError
from gdprep.offline import enforce_offline
from gdprep.training.config import TaskType
from gdprep.training.modelio import LoadedModel, adapter_base_dir, generate, load_model
from gdprep.training.train import _pairs, _read_rows, answer_text

TASKS: tuple[str, ...] = get_args(TaskType)
N_EXAMPLES = 5

_PUNCTUATION = set(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_WORD = re.compile(r"\w+")
_FENCE = re.compile(r"```(?:json)?[ \t]*\n?(.*?)\n?```", re.DOTALL | re.IGNORECASE)


def _check_lengths(preds: Sequence[str], refs: Sequence[str]) -> None:
    if len(preds) != len(refs):
        raise ValueError(f"{len(preds)} predictions but {len(refs)} references")


def _mean(values: Sequence[float]) -> float:
    """The mean, or 0.0 for no values (an empty split scores 0, never NaN)."""
    return sum(values) / len(values) if values else 0.0


def normalise_answer(s: str) -> str:
    """SQuAD normalisation: lower case, no punctuation, no articles (a, an, the), single spaces."""
    text = "".join(ch for ch in s.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def exact_match(preds: Sequence[str], refs: Sequence[str]) -> float:
    """Share of predictions equal to their reference after `normalise_answer`."""
    _check_lengths(preds, refs)
    return _mean([float(normalise_answer(p) == normalise_answer(r)) for p, r in zip(preds, refs, strict=True)])


def _f1(pred_tokens: Sequence[str], ref_tokens: Sequence[str]) -> float:
    if not pred_tokens or not ref_tokens:
        return float(pred_tokens == ref_tokens)  # SQuAD v2: two empty answers agree
    same = sum((Counter(pred_tokens) & Counter(ref_tokens)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred_tokens), same / len(ref_tokens)
    return 2 * precision * recall / (precision + recall)


def token_f1(preds: Sequence[str], refs: Sequence[str]) -> float:
    """SQuAD token F1 (bag of normalised words), averaged over examples."""
    _check_lengths(preds, refs)
    return _mean([_f1(normalise_answer(p).split(), normalise_answer(r).split())
                  for p, r in zip(preds, refs, strict=True)])


def _label(s: str) -> str:
    return s.strip().casefold()


def accuracy(preds: Sequence[str], refs: Sequence[str]) -> float:
    """Share of predicted labels equal to the reference label (compared after strip and casefold)."""
    _check_lengths(preds, refs)
    return _mean([float(_label(p) == _label(r)) for p, r in zip(preds, refs, strict=True)])


def macro_f1(preds: Sequence[str], refs: Sequence[str]) -> float:
    """Unweighted mean F1 over the classes in the references (labels compared after strip and casefold).

    A predicted label that no reference has is not a class of its own (it would only add a 0 to the mean); it
    counts as a false negative for the example's true class. This equals scikit-learn's
    `f1_score(refs, preds, average="macro", labels=sorted(set(refs)))`."""
    _check_lengths(preds, refs)
    pairs = [(_label(p), _label(r)) for p, r in zip(preds, refs, strict=True)]
    scores = []
    for cls in sorted({r for _, r in pairs}):
        tp = sum(p == cls and r == cls for p, r in pairs)
        fp = sum(p == cls and r != cls for p, r in pairs)
        fn = sum(p != cls and r == cls for p, r in pairs)
        scores.append(2 * tp / (2 * tp + fp + fn))  # fn >= 1 or tp >= 1: the class is in the references
    return _mean(scores)


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(preds: Sequence[str], refs: Sequence[str]) -> float:
    """Mean ROUGE-L F-measure (beta = 1) over lower-case word tokens; an empty prediction or reference scores
    0, as in Google's `rouge-score`."""
    _check_lengths(preds, refs)
    scores = []
    for p, r in zip(preds, refs, strict=True):
        pred_tokens, ref_tokens = _WORD.findall(p.lower()), _WORD.findall(r.lower())
        lcs = _lcs_length(pred_tokens, ref_tokens) if pred_tokens and ref_tokens else 0
        if lcs == 0:
            scores.append(0.0)
            continue
        precision, recall = lcs / len(pred_tokens), lcs / len(ref_tokens)
        scores.append(2 * precision * recall / (precision + recall))
    return _mean(scores)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(text: str) -> tuple[bool, Any]:
    """(True, value) when `text` is JSON, or a ```json (or bare ```) fenced block around JSON and nothing
    else; (False, None) otherwise. NaN and Infinity are not JSON."""
    text = text.strip()
    fence = _FENCE.fullmatch(text)
    if fence:
        text = fence.group(1)
    try:
        return True, json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return False, None


def schema_checker(schema: dict[str, Any]) -> Callable[[Any], bool]:
    """A function telling whether a parsed JSON value meets `schema` (any draft `jsonschema` knows; the
    `$schema` key picks it, else the latest). Raises ConfigError for an invalid schema."""
    import jsonschema

    validator_class = jsonschema.validators.validator_for(schema)
    try:
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as exc:
        raise ConfigError(f"invalid JSON schema: {exc.message} (at {'/'.join(map(str, exc.path)) or 'the top'})"
                          ) from None
    return validator_class(schema).is_valid


def load_schema(path: Path) -> dict[str, Any]:
    """A JSON Schema file, checked to be one this build can validate."""
    try:
        schema = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"JSON schema file {path} cannot be read ({exc.strerror}); set `json_schema` in the "
                          "training config to a readable JSON Schema file") from None
    except ValueError as exc:
        raise ConfigError(f"JSON schema file {path} is not valid JSON ({exc}); fix the file") from None
    if not isinstance(schema, dict):
        raise ConfigError(f"JSON schema file {path} must hold a JSON object (got {type(schema).__name__})")
    schema_checker(schema)
    return schema


def json_metrics(preds: Sequence[str], schema: dict[str, Any] | None = None) -> dict[str, float]:
    """`json_valid_rate` (share of predictions that parse, see `parse_json`) and, when a schema is given,
    `schema_compliance_rate` (share that parse and meet the schema). Without a schema there is nothing to comply
    with, so that key is left out rather than reported as a copy of the valid rate."""
    parsed = [parse_json(p) for p in preds]
    out = {"json_valid_rate": _mean([float(ok) for ok, _ in parsed])}
    if schema is not None:
        meets = schema_checker(schema)
        out["schema_compliance_rate"] = _mean([float(ok and meets(value)) for ok, value in parsed])
    return out


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise ConfigError(f"unknown task {task!r}; `task` must be one of {', '.join(TASKS)}")


def task_metrics(task: str, preds: Sequence[str], refs: Sequence[str],
                 schema: dict[str, Any] | None = None) -> dict[str, float]:
    """The metrics of a task type, plus `n` (the number of examples)."""
    _check_task(task)
    _check_lengths(preds, refs)
    metrics: dict[str, float]
    if task == "extraction":
        metrics = {"exact_match": exact_match(preds, refs), "token_f1": token_f1(preds, refs)}
    elif task == "classification":
        metrics = {"accuracy": accuracy(preds, refs), "macro_f1": macro_f1(preds, refs)}
    elif task == "summarisation":
        metrics = {"rouge_l": rouge_l(preds, refs)}
    elif task == "structured":
        metrics = {**json_metrics(preds, schema), "exact_match": exact_match(preds, refs)}
    else:  # generation
        metrics = {"token_f1": token_f1(preds, refs), "rouge_l": rouge_l(preds, refs)}
    return {**metrics, "n": len(preds)}


def _predict(loaded: LoadedModel, rows: Sequence[dict[str, Any]], *, max_new_tokens: int,
             batch_size: int) -> tuple[list[int], list[str], list[str]]:
    """(indices of the rows with a prompt, greedy completions of their prompts, their reference completions)."""
    tokenizer = loaded.tokenizer
    used: list[int] = []
    prompts: list[list[int]] = []
    refs: list[str] = []
    for i, row in enumerate(rows):
        prompt, reference = _pairs(row, tokenizer)
        if not prompt:
            continue
        used.append(i)
        prompts.append(tokenizer(prompt, add_special_tokens=False)["input_ids"])
        refs.append(reference.strip())
    outputs = generate(loaded, prompts, max_new_tokens=max_new_tokens, batch_size=batch_size)
    return used, [tokenizer.decode(out[0], skip_special_tokens=True).strip() for out in outputs], refs


def classification_references(rows: Sequence[dict[str, Any]], used: Sequence[int],
                              label_field: str = "label") -> list[str] | None:
    """The label of each used row, when every one of them has one (`task: classification` scores it); None
    when some row has none (the completion is scored then)."""
    labels = [rows[i].get(label_field) for i in used]
    if not labels or not all(isinstance(v, (str, int)) and not isinstance(v, bool) and str(v).strip()
                             for v in labels):
        return None
    return [str(v).strip() for v in labels]


def evaluate_model(loaded: LoadedModel, rows: Sequence[dict[str, Any]], task: str, *,
                   schema: dict[str, Any] | None = None, max_new_tokens: int = 64,
                   batch_size: int = 16, predictions: list[str] | None = None,
                   label_field: str = "label") -> dict[str, Any]:
    """Greedy completions of each row's prompt, scored against its completion (a preference pair's: its
    chosen answer), or for `task: classification` against its `label_field` when every row has one;
    `scored_field` says which. Rows without a prompt (plain `text` records) are skipped and counted.
    `predictions`, when given, receives the completions."""
    _check_task(task)
    used, preds, refs = _predict(loaded, rows, max_new_tokens=max_new_tokens, batch_size=batch_size)
    scored = "completion"
    if task == "classification" and (labels := classification_references(rows, used, label_field)) is not None:
        refs, scored = labels, label_field
    if predictions is not None:
        predictions.extend(preds)
    ids = [rows[i].get("id", i) for i in used]
    return {"task": task, "scored_field": scored, "metrics": task_metrics(task, preds, refs, schema), "n": len(preds),
            "skipped": len(rows) - len(preds),
            "examples": [{"id": i, "prediction": p, "reference": r}
                         for i, p, r in zip(ids[:N_EXAMPLES], preds, refs, strict=False)]}


@dataclass(frozen=True)
class PreferenceEvaluation:
    """How to evaluate a DPO adapter on preference pairs: its beta, the training `max_length`, and the
    reference model's adapter (None: the bare base model)."""

    beta: float
    max_length: int
    reference_adapter: Path | None = None


def win_rate(adapter_outputs: Sequence[str], reference_outputs: Sequence[str],
             pairs: Sequence[tuple[str, str]], *, resamples: int = 1_000, seed: int = 0) -> dict[str, Any]:
    """Automated win rate of the adapter's generations against the reference model's, judged by the test
    pairs themselves: a generation scores ROUGE-L(generation, chosen) - ROUGE-L(generation, rejected), the
    higher score wins the prompt and equal scores tie (counted half). It measures whether the generations
    moved towards the wording of the preferred answers and away from the rejected ones; it is not a judgement
    of quality (a paraphrase of the chosen answer scores low), and it is no substitute for the blind human
    evaluation."""
    import numpy as np

    outcomes = []
    for ours, theirs, (chosen, rejected) in zip(adapter_outputs, reference_outputs, pairs, strict=True):
        mine = rouge_l([ours], [chosen]) - rouge_l([ours], [rejected])
        other = rouge_l([theirs], [chosen]) - rouge_l([theirs], [rejected])
        outcomes.append(1.0 if mine > other else 0.5 if mine == other else 0.0)
    n = len(outcomes)
    if not n:
        return {"n": 0, "win_rate": None, "scorer": "rouge_l_chosen_minus_rejected"}
    values = np.asarray(outcomes)
    rng = np.random.default_rng(seed)
    boots = [values[rng.integers(0, n, n)].mean() for _ in range(resamples)]
    low, high = np.percentile(boots, [2.5, 97.5])
    return {"n": n, "win_rate": float(values.mean()), "win_rate_ci": [float(low), float(high)],
            "wins": int((values == 1.0).sum()), "ties": int((values == 0.5).sum()),
            "losses": int((values == 0.0).sum()), "scorer": "rouge_l_chosen_minus_rejected",
            "measures": "whether the adapter's greedy generation is closer than the reference model's to the "
                        "test pair's chosen answer relative to its rejected one (ROUGE-L); lexical, not a quality "
                        "judgement"}


def evaluate_run(adapter_dir: Path, test_file: Path, task: str, *, schema_path: Path | None = None,
                 device: str = "auto", max_new_tokens: int = 64,
                 preference: PreferenceEvaluation | None = None) -> dict[str, Any]:
    """Task metrics of a trained adapter and of its bare base model on the test split, and the difference
    (`delta`: adapter minus base, per metric). With `preference` (a DPO adapter on preference pairs), also
    the reward accuracy and margins on the test pairs and the win rate against the reference model
    (`preference_figures`)."""
    enforce_offline()
    _check_task(task)
    if not test_file.is_file():
        raise ConfigError(f"test split {test_file} does not exist; run `gdprep curate` to write it, or set "
                          "`test_file` in the training config")
    schema = load_schema(schema_path) if schema_path is not None else None
    rows = _read_rows(test_file)
    if preference is not None:
        from gdprep.training.dpo import check_pairs

        check_pairs(rows, test_file)
    if not any(_pairs(row, None)[0] for row in rows):
        raise ConfigError(f"test split {test_file} has no prompt/completion or chat records to evaluate; "
                          "evaluation needs a prompt to complete")
    base_dir = adapter_base_dir(adapter_dir)
    results: dict[str, Any] = {}
    outputs: dict[str, list[str]] = {"adapter": [], "base": []}
    for name, adapter in (("adapter", adapter_dir), ("base", None)):
        loaded = load_model(base_dir, adapter, device=device)
        results[name] = evaluate_model(loaded, rows, task, schema=schema, max_new_tokens=max_new_tokens,
                                       predictions=outputs[name])
        del loaded  # one model in memory at a time
    base_metrics = results["base"]["metrics"]
    results["delta"] = {k: v - base_metrics[k] for k, v in results["adapter"]["metrics"].items() if k != "n"}
    if preference is not None:
        results["preference"] = preference_figures(base_dir, adapter_dir, rows, preference, outputs,
                                                    device=device, max_new_tokens=max_new_tokens)
    return results


def preference_figures(base_dir: Path, adapter_dir: Path, rows: Sequence[dict[str, Any]],
                       preference: PreferenceEvaluation, outputs: dict[str, list[str]], *, device: str,
                       max_new_tokens: int) -> dict[str, Any]:
    """On the test pairs: the implicit DPO reward of the chosen and rejected answers (reward accuracy and
    margins, `beta * (log p_adapter - log p_reference)`), and the win rate of the adapter's generations
    against the reference model's (`win_rate`). `outputs` holds the adapter's and the base model's
    generations already made; the reference model's are made here when it is not the base model."""
    from gdprep.training.dpo import answer_logps, encode_pair, reward_figures

    logps = {}
    for name, adapter in (("adapter", adapter_dir), ("reference", preference.reference_adapter)):
        loaded = load_model(base_dir, adapter, device=device)
        encoded = [encode_pair(row, loaded.tokenizer) for row in rows]
        logps[name] = answer_logps(loaded, encoded, max_length=preference.max_length)
        if name == "reference" and adapter is not None:
            outputs["reference"] = _predict(loaded, rows, max_new_tokens=max_new_tokens, batch_size=16)[1]
        del loaded
    reference_outputs = outputs.get("reference", outputs["base"])
    with_prompt = [row for row in rows if _pairs(row, None)[0]]
    answers = [(answer_text(row["chosen"]).strip(), answer_text(row["rejected"]).strip()) for row in with_prompt]
    return {"rewards": reward_figures(logps["adapter"], logps["reference"], preference.beta),
            "win_rate": win_rate(outputs["adapter"], reference_outputs, answers),
            "reference_model": "base model + " + str(preference.reference_adapter)
            if preference.reference_adapter else "base model"}
