"""Blind human evaluations in the ledger's database: each evaluation (what was compared), its items (a prompt
and the two answers, already scanned and masked, and which side shows the candidate) and the reviewers'
ratings (their latest choice per item, with an optional comment and corrected answer). The ledger keeps every
rating as an entry; these tables keep what the pages and the reports read.

Reachable without the HTTP service: `gdprep review-outputs` creates evaluations here, the pages rate them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

from gdprep.audit.ledger import Ledger, utc_now
from gdprep.errors import GdprepError

EVALUATIONS: Final = "human_evaluations"
ITEMS: Final = "human_evaluation_items"
RATINGS: Final = "human_evaluation_ratings"
CHOICES: Final = ("A", "B", "tie")
_EVALUATION_ID = re.compile(r"^[0-9a-f]{32}$")


class EvaluationNotFound(GdprepError):
    """No such evaluation or item."""

    exit_code = 2


@dataclass(frozen=True)
class Item:
    """One blind pair. `candidate_side` ("A" or "B") is never shown on a page or sent to a reviewer."""

    evaluation_id: str
    item_no: int
    record_id: str
    prompt: Any                     # masked text, or masked chat messages [{role, content}]
    prompt_text: str                # the prompt as the page shows it (masked)
    candidate: str                  # masked answers
    baseline: str
    candidate_side: str
    findings: dict[str, dict[str, int]]   # field (prompt, candidate, baseline) -> entity type -> count

    def answer(self, side: str) -> str:
        return self.candidate if side == self.candidate_side else self.baseline

    def verdict(self, choice: str) -> str:
        """A reviewer's choice (A, B or tie) as seen from the candidate: candidate, baseline or tie."""
        if choice == "tie":
            return "tie"
        return "candidate" if choice == self.candidate_side else "baseline"


def check_id(evaluation_id: str) -> str:
    if not _EVALUATION_ID.fullmatch(evaluation_id):
        raise EvaluationNotFound(f"{evaluation_id!r} is not an evaluation id (32 hex characters); list them "
                                 "with `gdprep review-outputs --list` or on /ui/evaluations")
    return evaluation_id


class EvaluationStore:
    """The three tables, on the ledger's database."""

    def __init__(self, ledger: Ledger) -> None:
        from sqlalchemy import Column, Integer, MetaData, PrimaryKeyConstraint, String, Table, Text

        self.engine = ledger.engine
        meta = MetaData()
        self.evaluations = Table(
            EVALUATIONS, meta,
            Column("id", String(32), primary_key=True),
            Column("created_at", String(32), nullable=False, index=True),
            Column("created_by", String(64), nullable=False),
            Column("n_items", Integer, nullable=False),
            Column("details", Text, nullable=False))   # JSON: candidate, baseline, test split, seed, findings
        self.items = Table(
            ITEMS, meta,
            Column("evaluation_id", String(32), nullable=False),
            Column("item_no", Integer, nullable=False),
            Column("record_id", Text, nullable=False),
            Column("prompt", Text, nullable=False),      # JSON: a string or chat messages
            Column("prompt_text", Text, nullable=False),
            Column("candidate", Text, nullable=False),
            Column("baseline", Text, nullable=False),
            Column("candidate_side", String(1), nullable=False),
            Column("findings", Text, nullable=False),
            PrimaryKeyConstraint("evaluation_id", "item_no"))
        self.ratings = Table(
            RATINGS, meta,
            Column("evaluation_id", String(32), nullable=False),
            Column("item_no", Integer, nullable=False),
            Column("reviewer", String(64), nullable=False),
            Column("role", String(32), nullable=False),
            Column("choice", String(4), nullable=False),
            Column("comment", Text, nullable=False, default=""),
            Column("correction", Text, nullable=False, default=""),
            Column("rated_at", String(32), nullable=False),
            PrimaryKeyConstraint("evaluation_id", "item_no", "reviewer"))
        ledger.create_tables(meta)

    # -- writing ------------------------------------------------------------------------------------------------
    def create(self, evaluation_id: str, created_by: str, details: dict[str, Any], items: list[Item]) -> None:
        with self.engine.begin() as conn:
            conn.execute(self.evaluations.insert(), [{
                "id": evaluation_id, "created_at": utc_now(), "created_by": created_by, "n_items": len(items),
                "details": json.dumps(details, sort_keys=True)}])
            if items:
                conn.execute(self.items.insert(), [{
                    "evaluation_id": evaluation_id, "item_no": i.item_no, "record_id": i.record_id,
                    "prompt": json.dumps(i.prompt), "prompt_text": i.prompt_text, "candidate": i.candidate,
                    "baseline": i.baseline, "candidate_side": i.candidate_side,
                    "findings": json.dumps(i.findings, sort_keys=True)} for i in items])

    def rate(self, evaluation_id: str, item_no: int, *, reviewer: str, role: str, choice: str, comment: str,
             correction: str) -> dict[str, Any]:
        """A reviewer's rating of one item; their latest one stands (the ledger keeps every one)."""
        from sqlalchemy import delete

        if choice not in CHOICES:
            raise EvaluationNotFound(f"choice must be one of {', '.join(CHOICES)} (got {choice!r})")
        self.item(evaluation_id, item_no)
        row = {"evaluation_id": evaluation_id, "item_no": item_no, "reviewer": reviewer, "role": role,
               "choice": choice, "comment": comment, "correction": correction, "rated_at": utc_now()}
        t = self.ratings
        with self.engine.begin() as conn:
            conn.execute(delete(t).where(t.c.evaluation_id == evaluation_id).where(t.c.item_no == item_no)
                         .where(t.c.reviewer == reviewer))
            conn.execute(t.insert(), [row])
        return row

    # -- reading ------------------------------------------------------------------------------------------------
    def get(self, evaluation_id: str) -> dict[str, Any]:
        from sqlalchemy import select

        check_id(evaluation_id)
        with self.engine.connect() as conn:
            row = conn.execute(select(self.evaluations).where(self.evaluations.c.id == evaluation_id)).first()
        if row is None:
            raise EvaluationNotFound(f"no evaluation {evaluation_id}; create one with `gdprep review-outputs`")
        return _evaluation(row)

    def recent(self, limit: int = 200) -> list[dict[str, Any]]:
        from sqlalchemy import select

        with self.engine.connect() as conn:
            rows = conn.execute(select(self.evaluations).order_by(self.evaluations.c.created_at.desc())
                                .limit(limit))
            return [_evaluation(r) for r in rows]

    def items_of(self, evaluation_id: str) -> list[Item]:
        from sqlalchemy import select

        t = self.items
        with self.engine.connect() as conn:
            rows = conn.execute(select(t).where(t.c.evaluation_id == evaluation_id).order_by(t.c.item_no))
            return [_item(r) for r in rows]

    def item(self, evaluation_id: str, item_no: int) -> Item:
        from sqlalchemy import select

        t = self.items
        with self.engine.connect() as conn:
            row = conn.execute(select(t).where(t.c.evaluation_id == evaluation_id)
                               .where(t.c.item_no == item_no)).first()
        if row is None:
            self.get(evaluation_id)
            raise EvaluationNotFound(f"evaluation {evaluation_id} has no item {item_no}")
        return _item(row)

    def ratings_of(self, evaluation_id: str, reviewer: str | None = None) -> list[dict[str, Any]]:
        from sqlalchemy import select

        t = self.ratings
        query = select(t).where(t.c.evaluation_id == evaluation_id)
        if reviewer is not None:
            query = query.where(t.c.reviewer == reviewer)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query.order_by(t.c.item_no, t.c.reviewer))]


def _evaluation(row: Any) -> dict[str, Any]:
    return {"id": row.id, "created_at": row.created_at, "created_by": row.created_by, "n_items": row.n_items,
            **json.loads(row.details)}


def _item(row: Any) -> Item:
    return Item(evaluation_id=row.evaluation_id, item_no=int(row.item_no), record_id=row.record_id,
                prompt=json.loads(row.prompt), prompt_text=row.prompt_text, candidate=row.candidate,
                baseline=row.baseline, candidate_side=row.candidate_side, findings=json.loads(row.findings))
