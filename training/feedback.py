"""Reviewers' preferences and corrected answers as preference pairs `{id, prompt, chosen, rejected, meta}`, the
record shape `gdprep redact`, `gdprep curate` and `gdprep train` (`method: dpo`) read.

- **Preference pair** (one per rated item): the reviewers' majority verdict decides. Candidate or baseline:
  `chosen` is the preferred answer, `rejected` the other. A tie is skipped and counted. Reviewers who
  disagree with no strict majority (one says A, one says B) give no pair; the item is counted as
  `skipped_disagreement`.
- **Correction pair** (one per distinct corrected answer): `chosen` is the correction, `rejected` the answer
  its reviewer rated lower; after a tie, the candidate's answer (the model the next run starts from).

Answers were masked when the evaluation was made; masked values are written as `<TYPE>`, the placeholders
`gdprep redact` writes. Corrections are written as the reviewer typed them: run `gdprep redact` on the export.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from gdprep.audit.lineage import RunRecorder
from gdprep.records import file_sha256
from gdprep.training.humaneval import unmask_as_placeholders
from gdprep.training.humaneval_store import EvaluationStore, Item

SCHEMA: Final = "gdprep.feedback_pair/1"


@dataclass
class FeedbackExport:
    """The pairs of one evaluation, what each came from, and what was skipped and why."""

    pairs: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _majority(verdicts: list[str]) -> str | None:
    """The verdict more than half the reviewers gave; None when no verdict has a strict majority."""
    top, count = Counter(verdicts).most_common(1)[0]
    return top if count * 2 > len(verdicts) else None


def _prompt(item: Item) -> Any:
    if isinstance(item.prompt, list):
        return [{**m, "content": unmask_as_placeholders(str(m.get("content", "")))} for m in item.prompt]
    return unmask_as_placeholders(str(item.prompt))


def _pair(item: Item, pair_id: str, chosen: str, rejected: str, meta: dict[str, Any]) -> dict[str, Any]:
    return {"id": pair_id, "prompt": _prompt(item), "chosen": chosen, "rejected": rejected, "meta": meta}


def _item_pairs(evaluation_id: str, item: Item, ratings: list[dict[str, Any]],
                counts: Counter[str]) -> Iterator[dict[str, Any]]:
    answers = {"candidate": unmask_as_placeholders(item.candidate),
               "baseline": unmask_as_placeholders(item.baseline)}
    decisions = [{"reviewer": r["reviewer"], "role": r["role"], "verdict": item.verdict(r["choice"]),
                  "rated_at": r["rated_at"], "correction_sha256": _sha(r["correction"]) if r["correction"] else None}
                 for r in ratings]
    base_meta = {"schema": SCHEMA, "evaluation": evaluation_id, "item": item.item_no,
                 "test_record": item.record_id, "decisions": decisions}
    verdict = _majority([d["verdict"] for d in decisions])
    if verdict is None:
        counts["skipped_disagreement"] += 1
    elif verdict == "tie":
        counts["skipped_tie"] += 1
    else:
        other = "baseline" if verdict == "candidate" else "candidate"
        if answers[verdict].strip() == answers[other].strip():
            counts["skipped_identical"] += 1
        else:
            counts["preference_pairs"] += 1
            yield _pair(item, f"{evaluation_id[:12]}-{item.item_no}-pref", answers[verdict], answers[other],
                        {**base_meta, "source": "preference", "chosen_from": verdict, "rejected_from": other})
    seen: set[str] = set()
    for r, d in zip(ratings, decisions, strict=True):
        correction = str(r["correction"]).strip()
        if not correction or correction in seen:
            continue
        seen.add(correction)
        lower = {"candidate": "baseline", "baseline": "candidate"}.get(d["verdict"], "candidate")
        if correction == answers[lower].strip():
            counts["skipped_identical"] += 1
            continue
        counts["correction_pairs"] += 1
        yield _pair(item, f"{evaluation_id[:12]}-{item.item_no}-fix-{_sha(correction)[:8]}", correction,
                    answers[lower], {**base_meta, "source": "correction", "corrected_by": r["reviewer"],
                                     "rejected_from": lower})


def feedback_pairs(store: EvaluationStore, evaluation_id: str) -> FeedbackExport:
    """Every pair the evaluation's ratings give, in item order, with the counts of pairs and skips."""
    store.get(evaluation_id)
    by_item: dict[int, list[dict[str, Any]]] = {}
    for r in store.ratings_of(evaluation_id):
        by_item.setdefault(int(r["item_no"]), []).append(r)
    export = FeedbackExport()
    for item in store.items_of(evaluation_id):
        ratings = by_item.get(item.item_no)
        if not ratings:
            export.counts["skipped_unrated"] += 1
            continue
        export.pairs.extend(_item_pairs(evaluation_id, item, ratings, export.counts))
    return export


def export_in_run(rec: RunRecorder, evaluation: dict[str, Any], out: Path) -> dict[str, Any]:
    """Inside the already-open `feedback` run `rec`: write the pairs to `out` (JSONL, atomically) as the run's
    output dataset version, each pair's lineage (item, source, the reviewers' decisions) and the counts."""
    evaluation_id = evaluation["id"]
    export = feedback_pairs(EvaluationStore(rec.ledger), evaluation_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    with tmp.open("w", encoding="utf-8") as fh:
        for pair in export.pairs:
            fh.write(json.dumps(pair, ensure_ascii=False, sort_keys=True) + "\n")
    os.replace(tmp, out)
    rec.event("feedback_source", {"evaluation": evaluation_id, "evaluation_run": evaluation_id,
                                  "candidate": evaluation["candidate"].get("label"),
                                  "test_sha256": evaluation["test_sha256"]})
    for pair in export.pairs:
        meta = pair["meta"]
        rec.record("record_feedback", pair["id"], {
            "evaluation": evaluation_id, "item": meta["item"], "source": meta["source"],
            "decisions": [{k: d[k] for k in ("reviewer", "verdict", "correction_sha256")} for d in meta["decisions"]]})
    rec.dataset("feedback_pairs", out, len(export.pairs))
    counts = dict(sorted(export.counts.items()))
    rec.event("feedback_export", {"evaluation": evaluation_id, "pairs": len(export.pairs), "counts": counts})
    return {"run": rec.run_id, "output": str(out), "sha256": file_sha256(out), "pairs": len(export.pairs),
            "counts": counts}
