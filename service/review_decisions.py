"""The `review_decisions` table: a reviewer's latest decision (confirm or reject) on each finding of a job.
It lives in the ledger's database beside the jobs table; the ledger itself keeps every decision made."""

from __future__ import annotations

from typing import Any

from gdprep.audit.ledger import utc_now

DECISIONS_TABLE = "review_decisions"


class ReviewDecisions:
    """The decisions of every job, one row per (job, finding)."""

    def __init__(self, engine: Any, meta: Any) -> None:
        """`meta`: the SQLAlchemy MetaData the table joins (the job store creates its tables together)."""
        from sqlalchemy import Column, PrimaryKeyConstraint, String, Table, Text

        self.engine = engine
        self.table = Table(
            DECISIONS_TABLE, meta,
            Column("job_id", String(32), nullable=False),
            Column("finding_id", String(64), nullable=False),
            Column("decision", String(16), nullable=False),
            Column("comment", Text, nullable=False, default=""),
            Column("decided_by", String(64), nullable=False),
            Column("decided_at", String(32), nullable=False),
            PrimaryKeyConstraint("job_id", "finding_id"),
        )

    def decide(self, job_id: str, finding_id: str, decision: str, comment: str, decided_by: str) -> dict[str, Any]:
        from sqlalchemy import delete

        row = {"job_id": job_id, "finding_id": finding_id, "decision": decision, "comment": comment,
               "decided_by": decided_by, "decided_at": utc_now()}
        with self.engine.begin() as conn:  # the latest decision stands; the ledger keeps every one
            conn.execute(delete(self.table).where(self.table.c.job_id == job_id)
                         .where(self.table.c.finding_id == finding_id))
            conn.execute(self.table.insert(), [row])
        return row

    def decide_many(self, job_id: str, finding_ids: list[str], decision: str, comment: str,
                    decided_by: str) -> list[dict[str, Any]]:
        """The same decision on many findings of one job, in one transaction (a bulk decision)."""
        from sqlalchemy import delete

        at = utc_now()
        rows = [{"job_id": job_id, "finding_id": fid, "decision": decision, "comment": comment,
                 "decided_by": decided_by, "decided_at": at} for fid in finding_ids]
        if not rows:
            return rows
        with self.engine.begin() as conn:
            for start in range(0, len(finding_ids), 500):  # within every database's bound-parameter limit
                conn.execute(delete(self.table).where(self.table.c.job_id == job_id)
                             .where(self.table.c.finding_id.in_(finding_ids[start:start + 500])))
            conn.execute(self.table.insert(), rows)
        return rows

    def for_job(self, job_id: str) -> dict[str, dict[str, Any]]:
        """finding id -> its decision's row."""
        from sqlalchemy import select

        with self.engine.connect() as conn:
            rows = conn.execute(select(self.table).where(self.table.c.job_id == job_id))
            return {r.finding_id: dict(r._mapping) for r in rows}
