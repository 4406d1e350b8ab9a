"""What compliance officers do through the service: read a job's redaction report, decide on its
low-confidence findings, have decisions applied by materialising the dataset again, and re-identify
records with a logged reason. The API and the pages both call these functions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gdprep.audit.ledger import Ledger
from gdprep.errors import StateConflict, UsageError
from gdprep.privacy.decisions import DECISIONS
from gdprep.service.job import Job, JobStatus, new_job_id
from gdprep.service.job_store import JobStore
from gdprep.service.settings import ServiceSettings

MAX_DEANONYMISE = 100


class NotFound(UsageError):
    """A job, report or finding the caller may not see or that does not exist (answered as 404)."""


REPORT = "report.json"


def redacted_output(job: Job) -> str | None:
    """The privacy stage's redacted file (named after the input's format)."""
    return next((name for name in job.outputs if name.startswith("redacted.") and name.count(".") == 1), None)


def report_path(settings: ServiceSettings, job: Job) -> Path:
    if job.status != JobStatus.succeeded or REPORT not in job.outputs:
        raise NotFound("this job has no redaction report (it did not run the privacy stage, or has not "
                       "finished)")
    return settings.jobs_dir / job.id / REPORT


def load_report(settings: ServiceSettings, job: Job) -> dict[str, Any]:
    """The job's redaction report (it names files as the user knows them; see jobs._privacy_stage)."""
    return json.loads(report_path(settings, job).read_text(encoding="utf-8"))


def review_id(job_id: str, finding_id: str) -> str:
    return f"{job_id}.{finding_id}"


def split_review_id(value: str) -> tuple[str, str]:
    job_id, _, finding_id = value.partition(".")
    if not job_id or not finding_id:
        raise NotFound("unknown review item; ids look like <job id>.<finding id> (GET /v1/reviews?job=...)")
    return job_id, finding_id


def review_items(settings: ServiceSettings, store: JobStore, job: Job) -> list[dict[str, Any]]:
    """The report's review queue with each item's current decision (masked context only, never values)."""
    report = load_report(settings, job)
    decided = store.decisions.for_job(job.id)
    items = []
    for item in report.get("review_queue", []):
        fid = item.get("finding_id")
        if fid is None:  # a report from before finding ids: nothing to decide on
            continue
        decision = decided.get(fid)
        items.append({
            "id": review_id(job.id, fid), "job": job.id, "finding_id": fid, "record_id": item["record_id"],
            "field": item["field"], "entity_type": item["entity_type"], "score": item["score"],
            "recognizer": item["recognizer"], "redacted": item["redacted"], "snippet": item["snippet"],
            "decision": decision["decision"] if decision else None,
            "decided_by": decision["decided_by"] if decision else None,
            "decided_at": decision["decided_at"] if decision else None,
            "comment": decision["comment"] if decision else None,
        })
    return items


def decide(settings: ServiceSettings, store: JobStore, ledger: Ledger, job: Job, finding_id: str, decision: str,
           comment: str, *, actor: str, actor_role: str, key_id: str, channel: str = "api") -> dict[str, Any]:
    """Record a decision on one review item: in the decisions table (the latest stands) and the ledger."""
    if decision not in DECISIONS:
        raise UsageError(f"decision must be one of {', '.join(DECISIONS)} (got {decision!r})")
    items = {i["finding_id"]: i for i in review_items(settings, store, job)}
    item = items.get(finding_id)
    if item is None:
        raise NotFound("no such finding in this job's review queue")
    row = store.decisions.decide(job.id, finding_id, decision, comment, actor)
    # the comment may mention anything: the ledger keeps its hash, the decisions table the text
    ledger.append("review_decision", {
        "job": job.id, "privacy_run": job.runs.get("privacy"), "finding_id": finding_id,
        "entity_type": item["entity_type"], "field": item["field"], "decision": decision,
        "comment_sha256": hashlib.sha256(comment.encode("utf-8")).hexdigest(), "actor": actor,
        "actor_role": actor_role, "key_id": key_id, "channel": channel},
        run_id=job.runs.get("privacy"), record_key=_ledger_key(ledger, item["record_id"]))
    ledger.checkpoint()
    return {**item, "decision": decision, "decided_by": actor, "decided_at": row["decided_at"], "comment": comment}


def decide_many(store: JobStore, ledger: Ledger, job: Job, items: Sequence[Mapping[str, Any]], decision: str,
                comment: str, *, actor: str, actor_role: str, key_id: str, channel: str,
                bulk: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One decision on many review items (from `review_items`), recorded as `decide` records one: a row per
    finding in the decisions table and a `review_decision` entry per finding in the ledger, each naming the
    bulk action (`bulk`: its id, filter kind and size) it came from; one checkpoint after them."""
    if decision not in DECISIONS:
        raise UsageError(f"decision must be one of {', '.join(DECISIONS)} (got {decision!r})")
    rows = store.decisions.decide_many(job.id, [str(i["finding_id"]) for i in items], decision, comment, actor)
    digest = hashlib.sha256(comment.encode("utf-8")).hexdigest()
    run = job.runs.get("privacy")
    entries = [("review_decision", run, _ledger_key(ledger, str(item["record_id"])), {
        "job": job.id, "privacy_run": run, "finding_id": item["finding_id"], "entity_type": item["entity_type"],
        "field": item["field"], "decision": decision, "comment_sha256": digest, "actor": actor,
        "actor_role": actor_role, "key_id": key_id, "channel": channel, "bulk": dict(bulk)}) for item in items]
    ledger.append_many(entries)
    ledger.checkpoint()
    return [{**item, "decision": decision, "decided_by": actor, "decided_at": row["decided_at"], "comment": comment}
            for item, row in zip(items, rows, strict=True)]


def _ledger_key(ledger: Ledger, shown_id: str) -> str | None:
    """The ledger key of a record as the report names it: an id that looks like personal data is shown
    as its ledger key already (`record_key:<hash>`), or masked (then it has none)."""
    from gdprep.privacy.report import HASHED_ID_PREFIX, MASKED_ID

    if shown_id.startswith(HASHED_ID_PREFIX):
        return shown_id.removeprefix(HASHED_ID_PREFIX)
    return None if shown_id == MASKED_ID else ledger.record_key(shown_id)


def rematerialise(store: JobStore, ledger: Ledger, job: Job, *, actor: str, actor_role: str,
                  key_id: str, channel: str = "api") -> Job:
    """A new job over the same input with every decision so far applied; the original stays as it was."""
    if job.status != JobStatus.succeeded:
        raise StateConflict(f"only a succeeded job can be materialised again (this one is {job.status})")
    if "privacy" not in job.stages:
        raise UsageError("this job did not run the privacy stage, so there are no review decisions to apply")
    decisions = {fid: row["decision"] for fid, row in store.decisions.for_job(job.id).items()}
    # decisions made on the parent's own parent carry over, newer ones win
    merged = {**job.decisions, **decisions}
    new = _child(job, source="rematerialise", owner=job.owner, owner_role=job.owner_role, decisions=merged)
    store.create(new)
    ledger.append("job_submitted", {"job": new.id, "source": "rematerialise", "parent": job.id,
                                    "stages": new.stages, "policy": new.policy, "input_sha256": new.input_sha256,
                                    "decisions": {d: sum(1 for v in merged.values() if v == d) for d in DECISIONS},
                                    "actor": actor, "actor_role": actor_role, "key_id": key_id, "channel": channel})
    ledger.checkpoint()
    return new


def _child(job: Job, *, source: str, owner: str, owner_role: str, decisions: Mapping[str, str]) -> Job:
    from gdprep.audit.ledger import utc_now

    return Job(id=new_job_id(), owner=owner, owner_role=owner_role, status=JobStatus.queued, stages=list(job.stages),
               policy=job.policy, source=source, input_name=job.input_name, input_path=job.input_path,
               input_sha256=job.input_sha256, input_records=job.input_records, created_at=utc_now(),
               parent=job.id, decisions=dict(decisions), options=dict(job.options),
               progress={s: {"state": "pending", "done": 0, "total": job.input_records} for s in job.stages})


def resubmit(store: JobStore, ledger: Ledger, job: Job, *, actor: str, actor_role: str, key_id: str) -> Job:
    """The same input, policy and stages as a new job (for an interrupted, failed or cancelled one)."""
    if not job.final or job.status == JobStatus.succeeded:
        raise StateConflict(f"only an interrupted, failed or cancelled job can be resubmitted (this one is "
                            f"{job.status})")
    if job.input_path and not Path(job.input_path).is_file():  # a probe or evaluation alone reads no input
        raise UsageError("the job's input is no longer on the server; submit the data again")
    new = _child(job, source="resubmit", owner=job.owner, owner_role=job.owner_role, decisions=job.decisions)
    store.create(new)
    ledger.append("job_submitted", {"job": new.id, "source": "resubmit", "parent": job.id, "stages": new.stages,
                                    "policy": new.policy, "input_sha256": new.input_sha256, "actor": actor,
                                    "actor_role": actor_role, "key_id": key_id, "channel": "api"})
    ledger.checkpoint()
    return new


def deanonymise(settings: ServiceSettings, ledger: Ledger, job: Job, record_ids: Sequence[str], reason: str, *,
                actor: str, actor_role: str, key_id: str) -> list[dict[str, Any]]:
    """The named records of a job's redacted output with reversible tokens restored. Every call is a
    `key_event` in the ledger with who, why and which records (by keyed hash)."""
    from gdprep.policies import load_policy
    from gdprep.privacy.restore import Restorer, redacted_reader
    from gdprep.records import Record

    if not reason.strip():
        raise UsageError("reason must say why re-identification is needed (a ticket reference, not personal data)")
    wanted = list(dict.fromkeys(record_ids))
    if not wanted or len(wanted) > MAX_DEANONYMISE:
        raise UsageError(f"give between 1 and {MAX_DEANONYMISE} record ids")
    rel = redacted_output(job)
    if job.status != JobStatus.succeeded or rel is None:
        raise NotFound("this job has no redacted output to re-identify")
    policy = load_policy(job.policy)
    restorer = Restorer.open()
    reader = redacted_reader(settings.jobs_dir / job.id / rel, policy)
    found: dict[str, dict[str, Any]] = {}
    tokens = 0
    targets = set(wanted)
    for batch in reader.batches():
        for rec in batch:
            if not isinstance(rec, Record) or rec.id not in targets:
                continue
            found[rec.id], count = restorer.restore(rec)
            tokens += count
    ledger.append("key_event", {
        "event": "deanonymise", "job": job.id, "reason": reason, "records": len(found), "tokens": tokens,
        "record_keys": sorted(ledger.record_key(r) for r in found), "not_found": len(wanted) - len(found),
        "actor": actor, "actor_role": actor_role, "key_id": key_id, "channel": "api"},
        run_id=job.runs.get("privacy"))
    ledger.checkpoint()
    return [{"id": rid, "found": rid in found, "record": found.get(rid)} for rid in wanted]
