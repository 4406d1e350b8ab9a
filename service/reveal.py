"""Reveal with a reason: a compliance officer sees one review finding's value and a few words around it, read
again from the job's input on the server (`review_values`), in memory only. Other values in those words stay
masked by type. Each reveal is a `review_reveal` entry in the ledger (who, which finding, the reason, when; never
the value); the policy can switch reveal off (`review_band.allow_reveal`). The HTTP layer rate-limits it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from gdprep.audit.ledger import Ledger, utc_now
from gdprep.errors import UsageError
from gdprep.privacy.report import MARK_CLOSE, MARK_OPEN
from gdprep.service import reviews
from gdprep.service.job import Job
from gdprep.service.job_store import JobStore
from gdprep.service.review_values import InputUnavailable, Located, locate
from gdprep.service.settings import ServiceSettings

#: characters of context shown on each side of the value (trimmed to whole words)
CONTEXT_CHARS = 60
REASON_MIN, REASON_MAX = 3, 500
_REASON_RE = re.compile(r"[^\W_]")


class RevealDisabled(UsageError):
    """The job's policy switches reveal off (answered as 403)."""


def check_reason(reason: str) -> str:
    """The reason as recorded: trimmed, one line, with at least one letter or digit."""
    text = " ".join(reason.split())
    if len(text) < REASON_MIN or len(text) > REASON_MAX or not _REASON_RE.search(text):
        raise UsageError(f"reason must say why the value is needed ({REASON_MIN}-{REASON_MAX} characters, e.g. a "
                         "ticket reference; not personal data): it is recorded in the ledger")
    return text


def allowed_by_policy(job: Job) -> tuple[bool, str]:
    """Whether the job's policy allows reveal, and the policy's name."""
    from gdprep.policies import load_policy

    policy = load_policy(job.policy)
    return policy.review_band.allow_reveal, policy.name


def reveal(settings: ServiceSettings, store: JobStore, ledger: Ledger, job: Job, finding_id: str, reason: str, *,
           actor: str, actor_role: str, key_id: str, channel: str = "api") -> dict[str, Any]:
    """One finding's value in its context, and the ledger entry that records who saw it and why."""
    allowed, policy_name = allowed_by_policy(job)
    if not allowed:
        raise RevealDisabled(f"policy {policy_name!r} switches reveal off (review_band.allow_reveal: false)")
    reason = check_reason(reason)
    items = reviews.review_items(settings, store, job)
    item = next((i for i in items if i["finding_id"] == finding_id), None)
    if item is None:
        raise reviews.NotFound("no such finding in this job's review queue")
    # the other queue items shown in the same record and field are found in the same pass, to mask them
    siblings = [i for i in items if i["record_id"] == item["record_id"] and i["field"] == item["field"]]
    located = locate(ledger, job, siblings)
    here = located.get(finding_id)
    if here is None:
        raise InputUnavailable("this finding was not found in the job's input (the report and the input no longer "
                               "agree), so its value cannot be shown")
    others = [(o.start, o.end, i["entity_type"]) for i in siblings if i["finding_id"] != finding_id
              and (o := located.get(i["finding_id"])) is not None and (o.record_id, o.field) == (here.record_id,
                                                                                              here.field)]
    others += _redacted_spans(ledger, job, here)
    before, after = context(here, others)
    at = utc_now()
    ledger.append("review_reveal", {
        "job": job.id, "privacy_run": job.runs.get("privacy"), "finding_id": finding_id,
        "entity_type": item["entity_type"], "field": item["field"], "reason": reason, "actor": actor,
        "actor_role": actor_role, "key_id": key_id, "channel": channel},
        run_id=job.runs.get("privacy"), record_key=ledger.record_key(here.record_id))
    ledger.checkpoint()
    return {"id": item["id"], "job": job.id, "finding_id": finding_id, "record_id": item["record_id"],
            "field": item["field"], "entity_type": item["entity_type"], "score": item["score"],
            "recognizer": item["recognizer"], "before": before, "value": here.value, "after": after,
            "reason": reason, "revealed_by": actor, "revealed_at": at}


def _redacted_spans(ledger: Ledger, job: Job, here: Located) -> list[tuple[int, int, str]]:
    """The findings the privacy run redacted in this record and field (the ledger keeps their offsets)."""
    run = job.runs.get("privacy")
    spans: list[tuple[int, int, str]] = []
    for entry in ledger.entries_for_record(here.record_id):
        if entry.run_id != run or entry.kind not in ("record_redacted", "record_dropped"):
            continue
        for f in entry.payload.get("findings") or ():
            if isinstance(f, Mapping) and f.get("field") == here.field:
                spans.append((int(f["start"]), int(f["end"]), str(f["type"])))
    return spans


def context(here: Located, others: Sequence[tuple[int, int, str]]) -> tuple[str, str]:
    """A few whole words before and after the value, every other finding in them shown as `⟦TYPE⟧`."""
    text, start, end = here.text, here.start, here.end
    lo = max(0, start - CONTEXT_CHARS)
    if lo > 0 and not text[lo - 1].isspace():
        lo = next((i + 1 for i in range(lo, start) if text[i].isspace()), start)
    hi = min(len(text), end + CONTEXT_CHARS)
    if hi < len(text) and not text[hi].isspace():
        hi = next((i for i in range(hi - 1, end - 1, -1) if text[i].isspace()), end)
    before = _masked(text, lo, start, others)
    after = _masked(text, end, hi, others)
    return ("…" if lo > 0 else "") + before, after + ("…" if hi < len(text) else "")


def _masked(text: str, lo: int, hi: int, spans: Sequence[tuple[int, int, str]]) -> str:
    owner: list[str | None] = [None] * (hi - lo)
    for s, e, kind in spans:
        for i in range(max(s, lo), min(e, hi)):
            owner[i - lo] = owner[i - lo] or kind
    out: list[str] = []
    i = 0
    while i < len(owner):
        j = i
        while j < len(owner) and owner[j] == owner[i]:
            j += 1
        out.append(text[lo + i:lo + j] if owner[i] is None else f"{MARK_OPEN}{owner[i]}{MARK_CLOSE}")
        i = j
    return "".join(out)
