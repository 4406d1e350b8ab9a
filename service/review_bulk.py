"""Bulk decisions on a job's review queue: confirm or reject, in one action, every finding with the same
recognizer, type and normalised value as a chosen finding, or every finding of one type scoring below a bound.
A preview counts what the action would decide; applying it records one decision per finding, as a single
decision is recorded (`reviews.decide_many`). Values are compared in memory, read again from the job's input
(`review_values`); no value is shown, returned or recorded."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from gdprep.audit.ledger import Ledger
from gdprep.errors import UsageError
from gdprep.service import reviews
from gdprep.service.job import Job
from gdprep.service.job_store import JobStore
from gdprep.service.review_values import InputUnavailable, locate, normalised
from gdprep.service.settings import ServiceSettings


class BulkChanged(UsageError):
    """The findings an action would decide are no longer those its preview counted (answered as 409)."""


@dataclass(frozen=True, slots=True)
class BulkFilter:
    """Which findings: `same_as` (a finding id of the job: those sharing its recognizer, type and normalised
    value), or `entity_type` with `below` (those of the type scoring below the bound)."""

    same_as: str | None = None
    entity_type: str | None = None
    below: float | None = None

    def __post_init__(self) -> None:
        by_value = self.same_as is not None
        by_score = self.entity_type is not None or self.below is not None
        if by_value == by_score:
            raise UsageError("give either `same_as` (a finding id) or both `entity_type` and `below`")
        if by_score and (self.entity_type is None or self.below is None):
            raise UsageError("a filter by score needs both `entity_type` and `below`")

    @property
    def kind(self) -> str:
        return "same_value" if self.same_as is not None else "below_score"

    def describe(self) -> dict[str, Any]:
        """The filter as the ledger records it (finding ids, types and scores: never a value)."""
        if self.same_as is not None:
            return {"filter": self.kind, "same_as": self.same_as}
        return {"filter": self.kind, "entity_type": self.entity_type, "below": self.below}


@dataclass(slots=True)
class Selection:
    """What a bulk action covers: the findings it selects, those it would decide (undecided ones, unless
    decided ones are included) and, when comparing values, how many of the type's findings could not be read."""

    matched: list[dict[str, Any]]
    to_decide: list[dict[str, Any]]
    already_decided: int
    unreadable: int = 0
    decided: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"matched": len(self.matched), "to_decide": len(self.to_decide),
                "already_decided": self.already_decided, "unreadable": self.unreadable,
                "decided": len(self.decided)}


def select(settings: ServiceSettings, store: JobStore, ledger: Ledger, job: Job, flt: BulkFilter, *,
           include_decided: bool = False) -> Selection:
    """The findings `flt` selects in the job's review queue; nothing is changed."""
    items = reviews.review_items(settings, store, job)
    unreadable = 0
    if flt.same_as is not None:
        target = next((i for i in items if i["finding_id"] == flt.same_as), None)
        if target is None:
            raise reviews.NotFound("no such finding in this job's review queue")
        alike = [i for i in items if (i["recognizer"], i["entity_type"]) == (target["recognizer"],
                                                                             target["entity_type"])]
        located = locate(ledger, job, alike)
        if flt.same_as not in located:
            raise InputUnavailable("the chosen finding was not found in the job's input, so findings with the same "
                                   "value cannot be told apart")
        value = normalised(located[flt.same_as].value)
        matched = [i for i in alike if i["finding_id"] in located
                   and normalised(located[i["finding_id"]].value) == value]
        unreadable = sum(1 for i in alike if i["finding_id"] not in located)
    else:
        assert flt.below is not None
        matched = [i for i in items if i["entity_type"] == flt.entity_type and float(i["score"]) < flt.below]
    to_decide = matched if include_decided else [i for i in matched if not i["decision"]]
    return Selection(matched=matched, to_decide=to_decide, already_decided=sum(1 for i in matched if i["decision"]),
                     unreadable=unreadable)


def apply(settings: ServiceSettings, store: JobStore, ledger: Ledger, job: Job, flt: BulkFilter, decision: str,
          comment: str, *, include_decided: bool = False, expected: int | None = None, actor: str,
          actor_role: str, key_id: str, channel: str = "api") -> Selection:
    """Decide every finding `flt` selects. `expected` (the preview's `to_decide`) guards against a queue that
    changed since the preview: when it differs, nothing is decided."""
    chosen = select(settings, store, ledger, job, flt, include_decided=include_decided)
    if expected is not None and expected != len(chosen.to_decide):
        raise BulkChanged(f"the preview counted {expected} finding(s) to decide, now there are "
                          f"{len(chosen.to_decide)}; preview again")
    if chosen.to_decide:
        bulk = {"id": uuid.uuid4().hex, **flt.describe(), "size": len(chosen.to_decide)}
        chosen.decided = reviews.decide_many(store, ledger, job, chosen.to_decide, decision, comment, actor=actor,
                                             actor_role=actor_role, key_id=key_id, channel=channel, bulk=bulk)
    return chosen
