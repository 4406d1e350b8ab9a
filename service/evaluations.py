"""Blind human evaluation and the feedback export as recorded steps: the CLI, the pages and the API call these,
so each is wired up once. Creating an evaluation is a `human_evaluation` run in the ledger (it reads the test
split); every rating and every recorded report is a ledger entry; a feedback export is a `feedback` run whose
output is the new dataset version, with each pair's lineage back to the evaluation and the reviewers' decisions.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gdprep.audit.ledger import Ledger, actor
from gdprep.policies import Policy
from gdprep.training.humaneval_store import EvaluationStore

RATING_ENTRY = "human_rating"


def create_evaluation(ledger: Ledger, policy: Policy, *, run_id: str | None = None, adapter_dir: Path | None = None,
                      model_ref: str | None = None, n: int = 150, seed: int = 0, device: str = "auto",
                      max_new_tokens: int = 64, command: str = "gdprep review-outputs") -> dict[str, Any]:
    """Sample, generate with both models, scan and mask, store the blind pairs; returns the evaluation."""
    from gdprep.offline import enforce_offline
    from gdprep.service import stages
    from gdprep.training.humaneval import plan_evaluation

    enforce_offline()
    plan = plan_evaluation(ledger, run_id=run_id, adapter_dir=adapter_dir, model_ref=model_ref, n=n, seed=seed)
    return stages.human_evaluation(ledger, plan, policy, command=command, device=device,
                                   max_new_tokens=max_new_tokens)


def rate(ledger: Ledger, evaluation_id: str, item_no: int, *, reviewer: str, role: str, choice: str,
         comment: str = "", correction: str = "", channel: str) -> dict[str, Any]:
    """A reviewer's choice on one item (their latest stands), and its ledger entry: who, which choice, what
    it means for the candidate; the comment and the correction by hash only."""
    import hashlib

    store = EvaluationStore(ledger)
    row = store.rate(evaluation_id, item_no, reviewer=reviewer, role=role, choice=choice, comment=comment,
                     correction=correction)
    verdict = store.item(evaluation_id, item_no).verdict(choice)

    def sha(text: str) -> str | None:
        return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else None

    ledger.append(RATING_ENTRY, {"evaluation": evaluation_id, "item": item_no, "choice": choice,
                                 "verdict": verdict, "actor": reviewer, "actor_role": role, "channel": channel,
                                 "comment_sha256": sha(comment), "correction_sha256": sha(correction)})
    return {**row, "comment": comment, "correction": correction}


def report(ledger: Ledger, evaluation_id: str, *, record: bool = False, policy: Policy | None = None,
           who: str | None = None, via: str = "cli") -> dict[str, Any]:
    """The evaluation's report from the ratings so far; with `record`, also written to the state directory,
    entered in the ledger and attached to every registered version of the candidate's training run."""
    from gdprep.training.humaneval import build_report

    built = build_report(EvaluationStore(ledger), evaluation_id)
    if record:
        built["recorded"] = _record_report(ledger, built, policy, who or actor(), via)
    return built


def _record_report(ledger: Ledger, built: dict[str, Any], policy: Policy | None, who: str,
                   via: str) -> dict[str, Any]:
    from gdprep.audit.models import registry_entries, versions_of_training_run
    from gdprep.state import state_dir
    from gdprep.training.humaneval import REPORT_ENTRY, report_text

    text, digest = report_text(built)
    folder = state_dir() / "evaluations" / built["evaluation"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "report.json"
    tmp = path.with_name(f".report.json.tmp-{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    overall, candidate = built["overall"], built["candidate"]
    training_run = candidate.get("training_run")
    versions = [v.key for v in versions_of_training_run(registry_entries(ledger), training_run)] if training_run else []
    ledger.append(REPORT_ENTRY, {
        "evaluation": built["evaluation"], "candidate": candidate, "baseline": built["baseline"],
        **{k: overall[k] for k in ("rated", "wins", "losses", "ties", "rate", "ci_low", "ci_high")},
        "convention": built["convention"], "ci_method": built["ci_method"], "reviewers": built["reviewers"],
        "per_reviewer": {r: {k: v[k] for k in ("rated", "rate", "ci_low", "ci_high")}
                         for r, v in built["per_reviewer"].items()},
        "agreement": built["agreement"], "regurgitation": built["regurgitation"], "items": built["items"],
        "report_sha256": digest, "registry_versions": versions, "actor": who, "via": via})
    ledger.checkpoint()
    if versions:
        _attach(ledger, built, training_run, path, digest, policy)
    return {"report_sha256": digest, "path": str(path), "registry_versions": versions}


def _attach(ledger: Ledger, built: dict[str, Any], training_run: str, path: Path, digest: str,
            policy: Policy | None) -> None:
    from gdprep.policies import load_policy
    from gdprep.training.registry import opened

    overall = built["overall"]
    numbers = {k: overall[k] for k in ("rate", "ci_low", "ci_high") if overall[k] is not None}
    with opened(ledger, (policy or load_policy(None)).residency.allowed_regions) as registry:
        registry.attach(training_run, kind="human_eval",
                        tags={**{k: f"{v:.4f}" for k, v in numbers.items()}, "rated": str(overall["rated"]),
                              "evaluation": built["evaluation"], "report_sha256": digest,
                              "reviewers": ",".join(built["reviewers"])},
                        metrics={**numbers, "rated": float(overall["rated"])}, artifact=path)


def export_feedback(ledger: Ledger, evaluation_id: str, out: Path, *,
                    command: str = "gdprep feedback export") -> dict[str, Any]:
    """The evaluation's preference and correction pairs as a JSONL dataset version, in a `feedback` run."""
    from gdprep.service import stages

    return stages.feedback_export(ledger, evaluation_id, out, command=command)
