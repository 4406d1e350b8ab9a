"""The job store: the `jobs` table in the ledger's database (SQLite or PostgreSQL), with the review decisions
beside it. Every query on jobs, the worker pool's included, goes through here."""

from __future__ import annotations

import builtins  # `list` is also a method here
import json
import re
import time
from collections.abc import Mapping, Sequence
from typing import Any

from gdprep.audit.ledger import Ledger, utc_now
from gdprep.service.job import Job, JobStatus
from gdprep.service.review_decisions import ReviewDecisions

TABLE = "jobs"
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
_JSON_COLUMNS = ("stages", "progress", "runs", "outputs", "decisions", "summary", "options")


class JobStore:
    """The `jobs` table; `decisions` holds the review decisions (same database)."""

    def __init__(self, ledger: Ledger | Any) -> None:
        """`ledger`: the Ledger whose database holds the tables (or a bare SQLAlchemy engine)."""
        from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text

        engine = ledger.engine if isinstance(ledger, Ledger) else ledger
        self.engine = engine
        meta = MetaData()
        self.jobs = Table(
            TABLE, meta,
            Column("id", String(32), primary_key=True),
            Column("owner", String(64), nullable=False, index=True),
            Column("owner_role", String(32), nullable=False),
            Column("status", String(16), nullable=False, index=True),
            Column("stages", Text, nullable=False),
            Column("policy", String(200), nullable=False),
            Column("source", String(16), nullable=False),
            Column("input_name", Text, nullable=False),
            Column("input_path", Text, nullable=False),
            Column("input_sha256", String(64), nullable=False),
            Column("input_records", Integer),
            Column("created_at", String(32), nullable=False, index=True),
            Column("started_at", String(32)),
            Column("finished_at", String(32)),
            Column("heartbeat_at", String(32)),
            Column("heartbeat_unix", Integer),
            Column("progress", Text, nullable=False, default="{}"),
            Column("error", Text),
            Column("worker", String(128)),
            Column("cancel_requested", Boolean, nullable=False, default=False),
            Column("cancel_requested_unix", Integer),
            Column("runs", Text, nullable=False, default="{}"),
            Column("outputs", Text, nullable=False, default="{}"),
            Column("parent", String(32)),
            Column("decisions", Text, nullable=False, default="{}"),
            Column("summary", Text, nullable=False, default="{}"),
            Column("options", Text, nullable=False, default="{}"),
        )
        self.decisions = ReviewDecisions(engine, meta)
        if isinstance(ledger, Ledger):
            ledger.create_tables(meta)
        else:
            meta.create_all(engine)
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        """A jobs table made by an earlier gdprep lacks `options`: add it (its jobs had none)."""
        from sqlalchemy import inspect, text

        if "options" in {c["name"] for c in inspect(self.engine).get_columns(TABLE)}:
            return
        try:
            with self.engine.begin() as conn:
                conn.execute(text(f"ALTER TABLE {TABLE} ADD COLUMN options TEXT NOT NULL DEFAULT '{{}}'"))
        except Exception:  # another process added it first; anything else is still missing the column
            if "options" not in {c["name"] for c in inspect(self.engine).get_columns(TABLE)}:
                raise

    # -- rows ------------------------------------------------------------------------------------------
    @staticmethod
    def _job(row: Any) -> Job:
        data = dict(row._mapping)
        data.pop("heartbeat_unix", None)
        data.pop("cancel_requested_unix", None)
        for name in _JSON_COLUMNS:
            data[name] = json.loads(data[name] or ("[]" if name == "stages" else "{}"))
        data["cancel_requested"] = bool(data["cancel_requested"])
        return Job(**data)

    def create(self, job: Job) -> Job:
        row = {k: getattr(job, k) for k in Job.__slots__}  # type: ignore[attr-defined]
        for name in _JSON_COLUMNS:
            row[name] = json.dumps(row[name], sort_keys=True)
        with self.engine.begin() as conn:
            conn.execute(self.jobs.insert(), [row])
        return job

    def get(self, job_id: str) -> Job | None:
        from sqlalchemy import select

        if not _JOB_ID.match(job_id):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(self.jobs).where(self.jobs.c.id == job_id)).first()
        return self._job(row) if row is not None else None

    def list(self, *, owner: str | None = None, status: str | None = None, limit: int = 50,
             offset: int = 0) -> tuple[list[Job], int]:
        """Newest first; (page, total matching)."""
        from sqlalchemy import func, select

        query = select(self.jobs)
        count = select(func.count()).select_from(self.jobs)
        if owner is not None:
            query = query.where(self.jobs.c.owner == owner)
            count = count.where(self.jobs.c.owner == owner)
        if status is not None:
            query = query.where(self.jobs.c.status == status)
            count = count.where(self.jobs.c.status == status)
        query = query.order_by(self.jobs.c.created_at.desc(), self.jobs.c.id).limit(limit).offset(offset)
        with self.engine.connect() as conn:
            total = int(conn.execute(count).scalar() or 0)
            return [self._job(r) for r in conn.execute(query)], total

    def update(self, job_id: str, *, where_status: Sequence[str] | None = None, **values: Any) -> bool:
        """Set columns (JSON ones from Python values); with `where_status`, only if the job is in one of them."""
        from sqlalchemy import update

        for name in _JSON_COLUMNS:
            if name in values:
                values[name] = json.dumps(values[name], sort_keys=True)
        stmt = update(self.jobs).where(self.jobs.c.id == job_id).values(**values)
        if where_status is not None:
            stmt = stmt.where(self.jobs.c.status.in_(list(where_status)))
        with self.engine.begin() as conn:
            return bool(conn.execute(stmt).rowcount)

    def heartbeat(self, job_id: str, progress: Mapping[str, Any] | None = None) -> bool:
        """Mark the job alive (and store progress); returns whether cancellation was requested."""
        from sqlalchemy import select

        values: dict[str, Any] = {"heartbeat_at": utc_now(), "heartbeat_unix": int(time.time())}
        if progress is not None:
            values["progress"] = dict(progress)
        self.update(job_id, where_status=[JobStatus.running], **values)
        with self.engine.connect() as conn:
            return bool(conn.execute(select(self.jobs.c.cancel_requested).where(self.jobs.c.id == job_id)).scalar())

    def claim(self, worker: str) -> Job | None:
        """Take the oldest queued job atomically (several workers, several servers on one database)."""
        from sqlalchemy import select

        for _ in range(5):
            with self.engine.connect() as conn:
                job_id = conn.execute(select(self.jobs.c.id).where(self.jobs.c.status == JobStatus.queued)
                                      .order_by(self.jobs.c.created_at, self.jobs.c.id).limit(1)).scalar()
            if job_id is None:
                return None
            now = utc_now()
            if self.update(job_id, where_status=[JobStatus.queued], status=JobStatus.running, worker=worker,
                           started_at=now, heartbeat_at=now, heartbeat_unix=int(time.time())):
                return self.get(job_id)
        return None

    def request_cancel(self, job_id: str) -> str:
        """Cancel a queued job now, or ask the worker to stop a running one; returns the status after."""
        if self.update(job_id, where_status=[JobStatus.queued], status=JobStatus.cancelled,
                       finished_at=utc_now(), cancel_requested=True, error="cancelled before it started"):
            return JobStatus.cancelled
        self.update(job_id, where_status=[JobStatus.running], cancel_requested=True,
                    cancel_requested_unix=int(time.time()))
        job = self.get(job_id)
        return job.status if job else JobStatus.cancelled

    def recover(self, stale_after_s: float, *, reason: str | None = None,
                only_workers: Sequence[str] | None = None) -> builtins.list[str]:
        """Mark running jobs whose worker stopped beating as interrupted; returns their ids."""
        from sqlalchemy import or_, select

        cutoff = int(time.time() - stale_after_s)
        query = select(self.jobs.c.id, self.jobs.c.heartbeat_at).where(self.jobs.c.status == JobStatus.running)
        if only_workers is not None:
            query = query.where(self.jobs.c.worker.in_(list(only_workers)))
        else:
            query = query.where(or_(self.jobs.c.heartbeat_unix.is_(None), self.jobs.c.heartbeat_unix < cutoff))
        with self.engine.connect() as conn:
            rows = list(conn.execute(query))
        lost = []
        for job_id, beat in rows:
            why = (reason or "the worker running this job stopped (last heartbeat {beat}), e.g. the server was "
                   "restarted or killed") + "; its partial outputs were removed. Resubmit it with " \
                "POST /v1/jobs/{job_id}/resubmit"
            why = why.format(beat=beat, job_id=job_id)
            if self.update(job_id, where_status=[JobStatus.running], status=JobStatus.interrupted,
                           finished_at=utc_now(), error=why):
                lost.append(job_id)
        return lost

    # -- for the worker pool ---------------------------------------------------------------------------
    def running_workers(self) -> builtins.list[str | None]:
        """The workers named by running jobs, each once."""
        from sqlalchemy import select

        with self.engine.connect() as conn:
            return [w for (w,) in conn.execute(select(self.jobs.c.worker)
                                               .where(self.jobs.c.status == JobStatus.running).distinct())]

    def overdue_cancels(self, grace_s: float) -> builtins.list[tuple[str, str | None]]:
        """(job id, worker) of running jobs whose cancellation was asked more than `grace_s` ago."""
        from sqlalchemy import select

        cutoff = int(time.time() - grace_s)
        t = self.jobs
        with self.engine.connect() as conn:
            return [(job_id, worker) for job_id, worker in conn.execute(
                select(t.c.id, t.c.worker).where(t.c.status == JobStatus.running)
                .where(t.c.cancel_requested.is_(True)).where(t.c.cancel_requested_unix < cutoff))]
