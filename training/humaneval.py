"""Blind human evaluation of generated answers: which two models are compared (an adapter against its base
model, or a candidate registry version against the version in production), the sampled test prompts, the
answers both generate, their privacy scan (each finding masked by its type, counted as a regurgitation
signal), the blind pairs (the candidate's side picked per item, seeded) and the report from the ratings.

The ledger run around the generation and the report's ledger entry are opened by `gdprep.service.evaluations`.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from gdprep.audit.entries import Entry
from gdprep.audit.ledger import Ledger
from gdprep.audit.lineage import RunRecorder
from gdprep.audit.models import VersionState, model_states, registry_entries
from gdprep.errors import ConfigError
from gdprep.policies import Policy
from gdprep.privacy.findings import Finding
from gdprep.privacy.report import MARK_CLOSE, MARK_OPEN
from gdprep.training.humaneval_stats import summarise
from gdprep.training.humaneval_store import EvaluationStore, Item
from gdprep.training.release import TrainedAdapter, find_adapter

DEFAULT_SAMPLE: Final = 150
REPORT_ENTRY: Final = "human_evaluation_report"
REPORT_SCHEMA: Final = "gdprep.human_evaluation_report/1"
STAGE: Final = "human_evaluation"


@dataclass(frozen=True)
class Contender:
    """One of the two models compared: an adapter (on its base model) or the bare base model."""

    label: str
    kind: str                        # adapter | registry | base
    base_dir: Path
    adapter_dir: Path | None = None
    training_run: str | None = None
    adapter_sha256: str | None = None
    name: str | None = None          # registered model and version, for registry contenders
    version: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["base_dir"] = str(self.base_dir)
        data["adapter_dir"] = str(self.adapter_dir) if self.adapter_dir else None
        return data


def _adapter_contender(found: TrainedAdapter, kind: str, label: str, name: str | None = None,
                       version: str | None = None) -> Contender:
    return Contender(label, kind, found.base_dir, found.adapter_dir, found.training_run, found.sha256, name, version)


@dataclass(frozen=True)
class EvaluationPlan:
    """What to compare and on which sampled test prompts, settled before any model is loaded."""

    candidate: Contender
    baseline: Contender
    test_file: Path
    rows: list[dict[str, Any]]       # the sampled test records, in sample order
    seed: int
    requested: int
    test_records: int

    @property
    def run_config(self) -> dict[str, Any]:
        return {"candidate": self.candidate.to_json(), "baseline": self.baseline.to_json(), "seed": self.seed,
                "requested": self.requested, "sampled": len(self.rows), "test_file": str(self.test_file)}


def _contenders(ledger: Ledger, run_id: str | None, adapter_dir: Path | None,
                model_ref: str | None) -> tuple[Contender, Contender, TrainedAdapter]:
    if model_ref is None:
        found = find_adapter(ledger, run_id=run_id, adapter_dir=adapter_dir)
        label = f"adapter of training run {(found.training_run or '?')[:12]}"
        return _adapter_contender(found, "adapter", label), Contender("base model", "base", found.base_dir), found
    if run_id is not None or adapter_dir is not None:
        raise ConfigError("give --model NAME:VERSION, or --run / --adapter, not both")
    name, _, version = model_ref.partition(":")
    models = model_states(registry_entries(ledger))
    if name not in models or not version or version not in models[name].versions:
        known = ", ".join(sorted(v.key for m in models.values() for v in m.versions.values())) or "none"
        raise ConfigError(f"--model {model_ref!r}: no such registered version in the ledger (registered: {known})")
    state = models[name].versions[version]
    found = find_adapter(ledger, run_id=state.training_run)
    candidate = _adapter_contender(found, "registry", state.key, name, version)
    production = models[name].production
    if production is None or production == version:
        return candidate, Contender("base model", "base", found.base_dir), found
    prod = models[name].versions[production]
    baseline = _adapter_contender(find_adapter(ledger, run_id=prod.training_run), "registry",
                                  f"{prod.key} (production)", name, production)
    return candidate, baseline, found


def plan_evaluation(ledger: Ledger, *, run_id: str | None = None, adapter_dir: Path | None = None,
                    model_ref: str | None = None, n: int = DEFAULT_SAMPLE, seed: int = 0) -> EvaluationPlan:
    """The candidate and the baseline (`model_ref` NAME:VERSION: against the version in production, else the
    base model; an adapter: against its base model), and `n` test prompts sampled with `seed` from the
    candidate's test split (all of them when it has fewer)."""
    from gdprep.training.train import _pairs, _read_rows

    if n < 1:
        raise ConfigError(f"--sample must be at least 1 (got {n})")
    candidate, baseline, found = _contenders(ledger, run_id, adapter_dir, model_ref)
    test_file = found.test_file
    if test_file is None or not test_file.is_file():
        raise ConfigError(f"no test split for this adapter ({test_file or 'none recorded'}); human evaluation "
                          "samples its prompts from the test split `gdprep curate` wrote")
    rows = [r for r in _read_rows(test_file) if _pairs(r, None)[0]]
    if not rows:
        raise ConfigError(f"test split {test_file} has no prompt/completion or chat records; evaluation needs "
                          "prompts to answer")
    picked = sorted(random.Random(seed).sample(range(len(rows)), min(n, len(rows))))
    return EvaluationPlan(candidate, baseline, test_file, [rows[i] for i in picked], seed, n, len(rows))


def generate_answers(contender: Contender, rows: Sequence[dict[str, Any]], *, device: str = "auto",
                     max_new_tokens: int = 64, batch_size: int = 16) -> list[str]:
    """Greedy answers of one model to each row's prompt (the prompt as training rendered it)."""
    from gdprep.training.modelio import generate, load_model
    from gdprep.training.train import _pairs

    loaded = load_model(contender.base_dir, contender.adapter_dir, device=device)
    tok = loaded.tokenizer
    prompts = [tok(_pairs(row, tok)[0], add_special_tokens=False)["input_ids"] for row in rows]
    outputs = generate(loaded, prompts, max_new_tokens=max_new_tokens, batch_size=batch_size)
    return [tok.decode(out[0], skip_special_tokens=True).strip() for out in outputs]


def mask(text: str, findings: Iterable[Finding]) -> str:
    """`text` with every finding replaced by its type (⟦TYPE⟧); overlapping findings are masked once."""
    out, at = [], 0
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if f.start < at:
            continue
        out.append(text[at:f.start] + f"{MARK_OPEN}{f.entity_type}{MARK_CLOSE}")
        at = f.end
    return "".join(out) + text[at:]


def unmask_as_placeholders(text: str) -> str:
    """⟦TYPE⟧ as `<TYPE>`, the placeholder `gdprep redact` writes, for exported training data."""
    return text.replace(MARK_OPEN, "<").replace(MARK_CLOSE, ">")


def _prompt_fields(row: dict[str, Any]) -> list[tuple[str, str]]:
    messages = row.get("messages")
    if isinstance(messages, list) and messages:
        last = max((i for i, m in enumerate(messages) if m.get("role") == "assistant"), default=len(messages) - 1)
        return [(f"messages[{i}].content", str(m.get("content", ""))) for i, m in enumerate(messages[:last])]
    return [("prompt", str(row.get("prompt") or ""))]


def blind_items(evaluation_id: str, plan: EvaluationPlan, candidate: Sequence[str], baseline: Sequence[str],
                policy: Policy) -> list[Item]:
    """The pairs as reviewers will see them: prompt and both answers scanned under `policy` and masked, the
    candidate on side A or B by a coin seeded with the evaluation's seed and the item's number."""
    from gdprep.privacy.scanner import PrivacyScanner, ScannedRecord
    from gdprep.records import Record

    records = []
    for i, (row, cand, base) in enumerate(zip(plan.rows, candidate, baseline, strict=True)):
        texts = [*_prompt_fields(row), ("candidate", cand), ("baseline", base)]
        records.append(Record(id=str(i), data={}, line=i + 1, texts=texts))
    with PrivacyScanner(policy) as scanner:
        scanned = [s for s in scanner.scan(iter([list(records)])) if isinstance(s, ScannedRecord)]
    items = []
    for i, (row, done) in enumerate(zip(plan.rows, scanned, strict=True)):
        by_field: dict[str, list[Finding]] = {}
        for f in done.findings:
            by_field.setdefault(f.field, []).append(f)
        masked = {name: mask(text, by_field.get(name, [])) for name, text in done.record.texts}
        counts: dict[str, Counter[str]] = {}
        for name, found in by_field.items():
            key = name if name in ("candidate", "baseline") else "prompt"
            counts.setdefault(key, Counter()).update(f.entity_type for f in found)
        prompt: Any = masked.get("prompt", "")
        if "messages" in row and isinstance(row["messages"], list):
            prompt = [{"role": str(m.get("role", "")), "content": masked[f"messages[{k}].content"]}
                      for k, m in enumerate(row["messages"]) if f"messages[{k}].content" in masked]
            text = "\n".join(f"{m['role']}: {m['content']}" for m in prompt)
        else:
            text = str(prompt)
        side = "A" if random.Random(f"{plan.seed}:{i}").random() < 0.5 else "B"
        items.append(Item(evaluation_id, i, str(row.get("id", i)), prompt, text, masked["candidate"],
                          masked["baseline"], side, {k: dict(v) for k, v in counts.items()}))
    return items


def findings_summary(items: Sequence[Item]) -> dict[str, Any]:
    """The regurgitation signal: answers of each model with a finding, and the findings by type."""
    out: dict[str, Any] = {}
    for side in ("candidate", "baseline"):
        types: Counter[str] = Counter()
        with_findings = 0
        for item in items:
            found = item.findings.get(side, {})
            with_findings += bool(found)
            types.update(found)
        out[side] = {"answers_with_findings": with_findings, "findings": sum(types.values()),
                     "by_type": dict(sorted(types.items()))}
    out["prompts_with_findings"] = sum(bool(i.findings.get("prompt")) for i in items)
    return out


def verdicts_by_item(store: EvaluationStore, evaluation_id: str) -> dict[int, dict[str, str]]:
    """item -> reviewer -> verdict (candidate, baseline or tie), from the latest ratings."""
    items = {i.item_no: i for i in store.items_of(evaluation_id)}
    by_item: dict[int, dict[str, str]] = {}
    for r in store.ratings_of(evaluation_id):
        by_item.setdefault(int(r["item_no"]), {})[r["reviewer"]] = items[int(r["item_no"])].verdict(r["choice"])
    return by_item


def build_report(store: EvaluationStore, evaluation_id: str) -> dict[str, Any]:
    """The report of an evaluation from its ratings so far (nothing is written or recorded here)."""
    evaluation = store.get(evaluation_id)
    items = store.items_of(evaluation_id)
    by_item = verdicts_by_item(store, evaluation_id)
    stats = summarise(by_item)
    return {"schema": REPORT_SCHEMA, "evaluation": evaluation_id, "created_at": evaluation["created_at"],
            "candidate": evaluation["candidate"], "baseline": evaluation["baseline"],
            "test_file": evaluation["test_file"], "test_sha256": evaluation["test_sha256"],
            "seed": evaluation["seed"], "items": len(items), "items_rated": len(by_item),
            "ratings": sum(len(r) for r in by_item.values()), "reviewers": sorted(stats["per_reviewer"]),
            "regurgitation": findings_summary(items), **stats}


def report_text(report: dict[str, Any]) -> tuple[str, str]:
    """The report as canonical JSON and its SHA-256."""
    text = json.dumps(report, indent=2, sort_keys=True)
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def latest_report_for(entries: Iterable[Entry], adapter_sha256: str) -> dict[str, Any] | None:
    """The last recorded human-evaluation report whose candidate is this adapter (None: never evaluated)."""
    latest = None
    for e in entries:
        if e.kind == REPORT_ENTRY and (e.payload.get("candidate") or {}).get("adapter_sha256") == adapter_sha256:
            latest = dict(e.payload)
    return latest


def _training_policy(ledger: Ledger, training_run: str) -> Policy:
    """The policy a training run used (its recorded config's `policy`, else the shipped default)."""
    from gdprep.policies import load_policy

    for e in ledger.run_entries(training_run):
        if e.kind == "run_started":
            return load_policy((e.payload.get("config") or {}).get("policy"))
    return load_policy(None)


def human_preference_refusal(ledger: Ledger, state: VersionState, policy: Policy | None) -> str | None:
    """Why `state` may not go to production under the policy's `release_gate.min_human_preference` (the
    latest recorded human-evaluation report of its adapter must reach it); None when it may, or none is set."""
    policy = policy or _training_policy(ledger, state.training_run)
    threshold = policy.release_gate.min_human_preference
    if threshold is None:
        return None
    found = latest_report_for(ledger.iter_entries(), state.adapter_sha256)
    how = (f"run `gdprep review-outputs --model {state.key}`, have it rated on /ui/evaluations, then record "
           "the report with `gdprep review-outputs --report ID --record`")
    if found is None:
        return (f"{state.key} cannot go to production: policy {policy.name!r} sets "
                f"release_gate.min_human_preference {threshold:g} and no human evaluation of this adapter is "
                f"recorded; {how}")
    rate = found.get("rate")
    if rate is None or rate < threshold:
        shown = "none (nothing rated)" if rate is None else f"{rate:.3f}"
        return (f"{state.key} cannot go to production: its human preference rate is {shown} over "
                f"{found.get('rated', 0)} ratings (evaluation {found.get('evaluation')}), below policy "
                f"{policy.name!r}'s release_gate.min_human_preference {threshold:g}")
    return None


def evaluation_in_run(plan: EvaluationPlan, rec: RunRecorder, policy: Policy, *, device: str = "auto",
                      max_new_tokens: int = 64) -> dict[str, Any]:
    """Inside the already-open `human_evaluation` run `rec`: generate with both models, scan and mask, store
    the blind pairs (the evaluation's id is the run's) and record what was made; returns the evaluation."""
    from gdprep.audit.ledger import actor
    from gdprep.records import file_sha256

    rec.input_dataset("test", plan.test_file, plan.test_records)
    candidate = generate_answers(plan.candidate, plan.rows, device=device, max_new_tokens=max_new_tokens)
    baseline = generate_answers(plan.baseline, plan.rows, device=device, max_new_tokens=max_new_tokens)
    items = blind_items(rec.run_id, plan, candidate, baseline, policy)
    signal = findings_summary(items)
    details = {"candidate": plan.candidate.to_json(), "baseline": plan.baseline.to_json(),
               "test_file": str(plan.test_file), "test_sha256": file_sha256(plan.test_file), "seed": plan.seed,
               "requested": plan.requested, "policy": policy.name, "policy_hash": policy.canonical_hash(),
               "regurgitation": signal}
    store = EvaluationStore(rec.ledger)
    store.create(rec.run_id, actor(), details, items)
    rec.event("human_evaluation_created", {
        "evaluation": rec.run_id, "items": len(items), "seed": plan.seed, "regurgitation": signal,
        **{f"{side}_{k}": details[side][k] for side in ("candidate", "baseline")
           for k in ("label", "training_run", "adapter_sha256")}})
    return store.get(rec.run_id)
