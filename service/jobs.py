"""Jobs for the HTTP service: a table in the ledger's database, worker processes that run the same stage
functions as the CLI, and recovery after a restart.

A job's life: `queued` -> `running` -> `succeeded` | `failed` | `cancelled`; a job whose worker stopped
(the server was killed, a worker crashed) becomes `interrupted` with a reason and can be resubmitted.
Outputs are written to `<root>/jobs/<id>.partial/` and renamed to `<root>/jobs/<id>/` only when every stage
succeeded, so a directory without the `.partial` suffix is always complete.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import re
import shutil
import signal
import socket
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from gdprep.audit.ledger import Ledger, utc_now
from gdprep.errors import GdprepError, UsageError
from gdprep.processes import die_with_parent
from gdprep.records import file_sha256

log = logging.getLogger("gdprep.jobs")

TABLE = "jobs"
DECISIONS_TABLE = "review_decisions"
STAGES: tuple[str, ...] = ("privacy", "curation")
INPUT_FORMATS = (".jsonl", ".csv", ".parquet")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_NAME = 120  # characters of an uploaded file's name that are kept


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"
    interrupted = "interrupted"


FINAL = frozenset({JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled, JobStatus.interrupted})


class JobCancelled(Exception):
    """Raised inside a worker when the job's cancellation was requested (not a GdprepError: not a failure)."""


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise UsageError(f"${name} must be a whole number (got {raw!r})") from None


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """Where the service keeps uploads and outputs, what it may read, and how hard it works.

    Every field has an environment variable so that `gdprep serve` and `uvicorn --factory` agree."""

    root: Path                                  # uploads/ and jobs/ live here ($GDPREP_SERVICE_ROOT)
    input_roots: tuple[Path, ...] = ()          # server-side inputs must be under one ($GDPREP_INPUT_ROOTS, ':')
    max_upload_bytes: int = 512 * 1024 * 1024   # $GDPREP_MAX_UPLOAD_BYTES
    workers: int = 1                            # worker processes; 0 runs no jobs ($GDPREP_WORKERS)
    ledger_url: str | None = None               # None: $GDPREP_LEDGER_URL, else SQLite in the state dir
    heartbeat_s: float = 2.0
    stale_after_s: float = 30.0                 # a running job without a heartbeat this long is interrupted
    cancel_grace_s: float = 20.0                # then a worker that ignores a cancel is stopped
    auth_failures_per_minute: int = 30          # failed sign-ins per client, then 429 ($GDPREP_AUTH_FAILURES)

    @classmethod
    def from_env(cls, **overrides: Any) -> ServiceSettings:
        from gdprep.state import state_dir

        root = Path(os.environ.get("GDPREP_SERVICE_ROOT") or state_dir() / "service")
        roots = tuple(Path(p).expanduser() for p in os.environ.get("GDPREP_INPUT_ROOTS", "").split(os.pathsep) if p)
        values: dict[str, Any] = {
            "root": root, "input_roots": roots,
            "max_upload_bytes": _int_env("GDPREP_MAX_UPLOAD_BYTES", 512 * 1024 * 1024),
            "workers": _int_env("GDPREP_WORKERS", 1),
            "auth_failures_per_minute": _int_env("GDPREP_AUTH_FAILURES", 30),
            "ledger_url": os.environ.get("GDPREP_LEDGER_URL") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["root"] = Path(values["root"])
        values["input_roots"] = tuple(Path(p) for p in values["input_roots"])
        return cls(**values)

    @property
    def jobs_dir(self) -> Path:
        return self.root / "jobs"

    @property
    def uploads_dir(self) -> Path:
        return self.root / "uploads"


@dataclass(slots=True)
class Job:
    id: str
    owner: str
    owner_role: str
    status: str
    stages: list[str]
    policy: str
    source: str                   # upload | path | resubmit | rematerialise
    input_name: str               # the uploaded file's name or the server path as given
    input_path: str               # where the worker reads it
    input_sha256: str
    input_records: int | None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    heartbeat_at: str | None = None
    progress: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None
    worker: str | None = None
    cancel_requested: bool = False
    runs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # path under the job dir -> bytes, sha256
    parent: str | None = None
    decisions: dict[str, str] = field(default_factory=dict)   # finding id -> confirm|reject (rematerialise)
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def final(self) -> bool:
        return self.status in FINAL

    def public(self) -> dict[str, Any]:
        """What the API shows: no server paths, no decisions' comments."""
        return {"id": self.id, "owner": self.owner, "status": self.status, "stages": self.stages,
                "policy": self.policy, "source": self.source, "input_name": self.input_name,
                "input_sha256": self.input_sha256, "input_records": self.input_records,
                "created_at": self.created_at, "started_at": self.started_at, "finished_at": self.finished_at,
                "progress": self.progress, "error": self.error, "cancel_requested": self.cancel_requested,
                "runs": self.runs, "artifacts": sorted(self.outputs), "parent": self.parent,
                "decisions_applied": len(self.decisions), "summary": self.summary}


_JSON_COLUMNS = ("stages", "progress", "runs", "outputs", "decisions", "summary")


class JobStore:
    """The `jobs` and `review_decisions` tables, in the ledger's database (SQLite or PostgreSQL)."""

    def __init__(self, ledger: Ledger | Any) -> None:
        """`ledger`: the Ledger whose database holds the tables (or a bare SQLAlchemy engine)."""
        from sqlalchemy import Boolean, Column, Integer, MetaData, PrimaryKeyConstraint, String, Table, Text

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
        )
        self.decisions = Table(
            DECISIONS_TABLE, meta,
            Column("job_id", String(32), nullable=False),
            Column("finding_id", String(64), nullable=False),
            Column("decision", String(16), nullable=False),
            Column("comment", Text, nullable=False, default=""),
            Column("decided_by", String(64), nullable=False),
            Column("decided_at", String(32), nullable=False),
            PrimaryKeyConstraint("job_id", "finding_id"),
        )
        if isinstance(ledger, Ledger):
            ledger.create_tables(meta)
        else:
            meta.create_all(engine)

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
                only_workers: Sequence[str] | None = None) -> list[str]:
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

    # -- review decisions ------------------------------------------------------------------------------
    def decide(self, job_id: str, finding_id: str, decision: str, comment: str, decided_by: str) -> dict[str, Any]:
        from sqlalchemy import delete

        row = {"job_id": job_id, "finding_id": finding_id, "decision": decision, "comment": comment,
               "decided_by": decided_by, "decided_at": utc_now()}
        with self.engine.begin() as conn:  # the latest decision stands; the ledger keeps every one
            conn.execute(delete(self.decisions).where(self.decisions.c.job_id == job_id)
                         .where(self.decisions.c.finding_id == finding_id))
            conn.execute(self.decisions.insert(), [row])
        return row

    def decisions_for(self, job_id: str) -> dict[str, dict[str, Any]]:
        from sqlalchemy import select

        with self.engine.connect() as conn:
            rows = conn.execute(select(self.decisions).where(self.decisions.c.job_id == job_id))
            return {r.finding_id: dict(r._mapping) for r in rows}


# -- inputs ------------------------------------------------------------------------------------------------
def safe_filename(name: str) -> str:
    """A file name that cannot climb directories or hide, at most MAX_NAME characters: a long name loses
    the end of its stem, never its extension."""
    base = Path(name.replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("_", base).lstrip(".") or "upload"
    if len(cleaned) <= MAX_NAME:
        return cleaned
    stem, dot, ext = cleaned.rpartition(".")
    if not dot or not stem or len(ext) > 16:  # no extension worth keeping
        return cleaned[:MAX_NAME]
    return f"{stem[:MAX_NAME - len(ext) - 1]}.{ext}"


def check_format(name: str) -> None:
    if Path(name).suffix.lower() not in INPUT_FORMATS:
        raise UsageError(f"{name}: unsupported file type; give a .jsonl, .csv or .parquet file")


def resolve_server_path(raw: str, roots: Sequence[Path]) -> Path:
    """A server-side input: must exist and resolve (links followed) under one of the allowed roots."""
    if not roots:
        raise UsageError("server-side inputs are disabled on this server (no $GDPREP_INPUT_ROOTS); upload the "
                         "file instead")
    if "\x00" in raw:
        raise UsageError("`path` holds a NUL character; give a file path under an allowed input root")
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = roots[0] / path
    resolved = path.resolve()
    if not any(resolved.is_relative_to(r.resolve()) for r in roots):
        raise PermissionError(f"path {raw!r} is outside the allowed input roots")
    if not resolved.is_file():
        raise UsageError(f"path {raw!r} is not a file under the allowed input roots")
    check_format(resolved.name)
    return resolved


def validate_input(path: Path, shown_name: str, policy_name: str) -> int:
    """Read every record the way the pipeline will, failing on the first bad one; returns the record count.
    Errors name the file as the user knows it (not the server's path) and the line."""
    from gdprep.errors import InputError
    from gdprep.policies import load_policy
    from gdprep.records import RecordReader

    policy = load_policy(policy_name)
    try:
        reader = RecordReader(path, policy.fields, max_chars=policy.max_text_chars, on_error="fail")
        for _ in reader.batches(2048):
            pass
    except InputError as exc:
        raise InputError(exc.detail.removesuffix(". Fix the record, or pass --on-error quarantine to set bad "
                                                 "records aside and continue") + "; fix that line and submit again",
                         path=shown_name, line=exc.line, reason=exc.reason) from None
    return reader.n_items


# -- running a job (inside a worker process) ------------------------------------------------------------
@dataclass
class _Progress:
    """Per-stage progress; stored with the heartbeat. Raises JobCancelled from the stage's progress hook."""

    stages: list[str]
    totals: int | None
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    cancelled: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.state = {s: {"state": "pending", "done": 0, "total": self.totals} for s in self.stages}

    def start(self, stage: str) -> None:
        self.state[stage].update(state="running", started_at=utc_now())

    def tick(self, stage: str, n: int = 1) -> None:
        self.state[stage]["done"] += n
        if self.cancelled.is_set():
            raise JobCancelled()

    def end(self, stage: str, state: str, **extra: Any) -> None:
        self.state[stage].update(state=state, finished_at=utc_now(), **extra)

    def snapshot(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self.state.items()}


class _Beater(threading.Thread):
    """Writes the heartbeat and progress every few seconds; notices a cancellation request."""

    def __init__(self, store: JobStore, job_id: str, progress: _Progress, every: float) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{job_id[:8]}")
        self.store, self.job_id, self.progress, self.every = store, job_id, progress, every
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.every):
            try:
                if self.store.heartbeat(self.job_id, self.progress.snapshot()):
                    self.progress.cancelled.set()
            except Exception:  # a database hiccup must not kill the job; the next beat retries
                log.warning("heartbeat for job %s failed", self.job_id, exc_info=True)


def run_job(job: Job, store: JobStore, ledger: Ledger, settings: ServiceSettings) -> None:
    """Run the job's stages into `<id>.partial/`, then publish it by renaming; record the outcome."""
    final_dir = settings.jobs_dir / job.id
    work = settings.jobs_dir / f"{job.id}.partial"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(mode=0o700, parents=True)
    progress = _Progress(job.stages, job.input_records)
    beater = _Beater(store, job.id, progress, settings.heartbeat_s)
    beater.start()
    produced: list[str] = []
    runs: dict[str, str] = {}
    summary: dict[str, Any] = {}
    current = None
    try:
        current_input = Path(job.input_path)
        if file_sha256(current_input) != job.input_sha256:
            raise UsageError(f"the input {job.input_name} changed on the server since the job was submitted (its "
                             "SHA-256 differs); submit it again")
        for stage in job.stages:
            current = stage
            progress.start(stage)
            if store.heartbeat(job.id, progress.snapshot()) or progress.cancelled.is_set():
                raise JobCancelled()
            if stage == "privacy":
                current_input, stage_summary = _privacy_stage(job, current_input, work, ledger, progress, runs,
                                                              produced)
            elif stage == "curation":
                current_input, stage_summary = _curation_stage(job, current_input, work, ledger, progress, runs,
                                                               produced)
            else:  # validated at submission; a stored job from a newer version could still name one
                raise UsageError(f"unknown stage {stage!r}")
            summary[stage] = stage_summary
            progress.end(stage, "done")
            if stage == "privacy" and "curation" in progress.state:  # curation reads what privacy wrote
                progress.state["curation"]["total"] = stage_summary["out"]
            store.update(job.id, runs=runs, progress=progress.snapshot())
        if store.heartbeat(job.id, progress.snapshot()) or progress.cancelled.is_set():
            raise JobCancelled()  # asked while the last stage was finishing: nothing is published
        # hashed once here, for every listing and download ledger entry after
        outputs = {rel: {"bytes": (work / rel).stat().st_size, "sha256": file_sha256(work / rel)}
                   for rel in produced}
        if final_dir.exists():
            shutil.rmtree(final_dir)
        _make_private(work)
        os.replace(work, final_dir)  # the publish step: a job directory without .partial is complete
        beater.stop.set()
        store.update(job.id, where_status=[JobStatus.running], status=JobStatus.succeeded, finished_at=utc_now(),
                     progress=progress.snapshot(), runs=runs, outputs=outputs, summary=summary)
    except BaseException as exc:
        beater.stop.set()
        shutil.rmtree(work, ignore_errors=True)
        if current is not None:
            progress.end(current, "cancelled" if isinstance(exc, JobCancelled) else "failed")
        if isinstance(exc, JobCancelled):
            status, error = JobStatus.cancelled, "cancelled on request; partial outputs were removed"
        elif isinstance(exc, GdprepError):
            status, error = JobStatus.failed, f"{current} stage: {exc}"
        else:
            log.exception("job %s failed", job.id)
            status, error = JobStatus.failed, f"{current} stage: internal error ({type(exc).__name__}); see the " \
                                              "server log"
        store.update(job.id, where_status=[JobStatus.running], status=status, finished_at=utc_now(), error=error,
                     progress=progress.snapshot(), runs=runs)
        if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: let the worker stop
            raise
    finally:
        beater.stop.set()


def _make_private(tree: Path) -> None:
    """Folders 0700 and files 0600 under `tree`: a job's outputs hold personal data (the worker's umask already
    creates them so; this holds whatever process ran the job)."""
    for path in [tree, *tree.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o700 if path.is_dir() else 0o600)


def _job_config(job: Job, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {"job": job.id, "submitted_by": job.owner, "source": job.source, "input": job.input_name,
            "input_sha256": job.input_sha256, **(extra or {})}


def _privacy_stage(job: Job, input_path: Path, work: Path, ledger: Ledger, progress: _Progress,
                   runs: dict[str, str], produced: list[str]) -> tuple[Path, dict[str, Any]]:
    from gdprep.policies import load_policy
    from gdprep.service import stages

    policy = load_policy(job.policy)
    suffix = input_path.suffix.lower()
    out = work / f"redacted{suffix}"
    report = work / "report.json"
    config = _job_config(job, {"decisions": len(job.decisions)} if job.decisions else None)
    kwargs: dict[str, Any] = {"decisions": job.decisions} if job.decisions else {}

    def vault_wait() -> None:
        """Privacy stages share the vault one at a time (pseudonyms are allocated in order): wait."""
        progress.state["privacy"]["waiting_for"] = "vault"
        time.sleep(0.2)
        progress.tick("privacy", 0)  # raises JobCancelled when cancelled

    command = f"gdprep serve: job {job.id}"
    result = stages.redact(ledger, input_path, out, report, policy, command=command, report_command=command,
                           config=config, started=lambda run_id: runs.__setitem__("privacy", run_id),
                           on_error="quarantine", workers=1, progress=lambda n: progress.tick("privacy", n),
                           vault_wait=vault_wait, shown_input=job.input_name, **kwargs)
    progress.state["privacy"].pop("waiting_for", None)
    for path in result.outputs.values():
        produced.append(Path(path).relative_to(work).as_posix())
    return out, {"in": result.n_in, "out": result.n_out, "quarantined": result.n_quarantined,
                 "dropped": result.n_dropped, "findings": result.n_findings, "duplicate_ids": result.n_duplicate_ids}


def _curation_stage(job: Job, input_path: Path, work: Path, ledger: Ledger, progress: _Progress,
                    runs: dict[str, str], produced: list[str]) -> tuple[Path, dict[str, Any]]:
    from gdprep.curation.config import load_curation_config
    from gdprep.policies import load_policy
    from gdprep.service import stages

    policy = load_policy(job.policy)
    cfg = load_curation_config(None)
    out_dir = work / "curated"

    def tick(stage: str, n: int) -> None:
        if stage == "scan":
            progress.tick("curation", n)
        elif progress.cancelled.is_set():
            raise JobCancelled()

    report = stages.curate(ledger, input_path, out_dir, cfg, policy, command=f"gdprep serve: job {job.id}",
                           config=_job_config(job, {"curation": cfg.model_dump(mode="json")}),
                           started=lambda run_id: runs.__setitem__("curation", run_id), on_error="quarantine",
                           progress=tick)
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        produced.append(path.relative_to(work).as_posix())
    return out_dir, {"counts": report.get("counts", {})}


# -- worker processes -------------------------------------------------------------------------------------
def _worker_main(settings: ServiceSettings, name: str, ready: Any, stop: Any, server_pid: int) -> None:
    """One worker process: load the models once, then claim and run jobs until told to stop. It ends with
    its server (a worker left running would hold the vault and claim jobs unsupervised), and it is in the
    registry so that a later server can stop it should it outlive its own."""
    from gdprep.privacy.vault import Vault
    from gdprep.service.orphans import WorkerRegistry

    die_with_parent(server_pid)
    os.umask(0o077)  # job outputs are the owner's alone, like the state directory
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server's Ctrl-C stops us through `stop`
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {name} %(levelname)s %(message)s")
    registry = WorkerRegistry.default()
    entry = registry.register(name, server_pid, [Vault.lock_path(Vault.default_path())])
    try:
        ledger = Ledger(settings.ledger_url)
        store = JobStore(ledger)
        _warm_models()
        ready.value = 1
        while not stop.value:
            try:
                job = store.claim(name)
            except Exception:
                log.warning("could not claim a job; retrying", exc_info=True)
                time.sleep(2.0)
                continue
            if job is None:
                time.sleep(0.5)
                continue
            log.info("running job %s (%s)", job.id, ",".join(job.stages))
            run_job(job, store, ledger, settings)
    finally:
        entry.unlink(missing_ok=True)


def _warm_models() -> None:
    """Load spaCy and the recognizers before the first job (so /readyz means: a job can start now)."""
    try:
        from gdprep.policies import load_policy
        from gdprep.privacy.engine import detector_for

        detector_for(load_policy(None))  # the default policy's detector stays in this process for its jobs
    except Exception:  # a broken model shows up in the job's own error, with its message
        log.warning("could not preload the detection models", exc_info=True)


class WorkerPool:
    """Starts the worker processes, restarts any that die, and interrupts the jobs they were running."""

    def __init__(self, settings: ServiceSettings, store: JobStore) -> None:
        self.settings = settings
        self.store = store
        self._ctx = multiprocessing.get_context("spawn")
        # lock-free flags (a worker killed inside Event.wait could leave its lock held and hang the server)
        self._stop = self._ctx.RawValue("b", 0)
        self._procs: dict[str, tuple[Any, Any]] = {}
        self._restarts: dict[str, int] = {}
        self._pending: dict[str, float] = {}   # worker name -> when to start it again
        self._supervisor: threading.Thread | None = None
        self._halt = threading.Event()
        self._prefix = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"

    def recover_local(self) -> list[str]:
        """At startup: jobs left `running` by a server process on this host that no longer exists are
        interrupted now (not after the heartbeat timeout); other hosts' jobs are left to their heartbeats."""
        from sqlalchemy import select

        host = socket.gethostname()
        t = self.store.jobs
        with self.store.engine.connect() as conn:
            rows = list(conn.execute(select(t.c.worker).where(t.c.status == JobStatus.running).distinct()))
        dead = []
        for (worker,) in rows:
            parts = (worker or "").split(":")
            if len(parts) < 3 or parts[0] != host:
                continue
            try:
                os.kill(int(parts[1]), 0)
            except (ProcessLookupError, ValueError):
                dead.append(worker)
            except PermissionError:  # alive, someone else's
                continue
        lost = self.store.recover(0, only_workers=dead, reason="the server was stopped or killed while this job "
                                  "was running") if dead else []
        for job_id in lost:
            shutil.rmtree(self.settings.jobs_dir / f"{job_id}.partial", ignore_errors=True)
        return lost

    @staticmethod
    def stop_orphans() -> list[int]:
        """At startup, before any job is recovered: stop job workers that a killed server on this host left
        running (they would hold the vault and claim jobs unsupervised); returns their pids."""
        from gdprep.service.orphans import WorkerRegistry

        return WorkerRegistry.default().stop_orphans()

    def start(self) -> None:
        for i in range(self.settings.workers):
            self._spawn(f"{self._prefix}:w{i}")
        self._supervisor = threading.Thread(target=self._supervise, daemon=True, name="gdprep-worker-supervisor")
        self._supervisor.start()

    def _spawn(self, name: str) -> None:
        ready = self._ctx.RawValue("b", 0)
        proc = self._ctx.Process(target=_worker_main, args=(self.settings, name, ready, self._stop, os.getpid()),
                                 name=name, daemon=True)
        proc.start()
        self._procs[name] = (proc, ready)

    def ready(self) -> bool:
        """At least one worker has its models loaded (or none are configured)."""
        if self.settings.workers == 0:
            return True
        return any(proc.is_alive() and ready.value for proc, ready in self._procs.values())

    def _supervise(self) -> None:
        while not self._halt.wait(1.0):
            try:
                for name, (proc, _ready) in list(self._procs.items()):
                    if not proc.is_alive() and not self._stop.value:
                        lost = self.store.recover(0, only_workers=[name], reason=(
                            f"the worker process running this job exited (code {proc.exitcode})"))
                        for job_id in lost:
                            shutil.rmtree(self.settings.jobs_dir / f"{job_id}.partial", ignore_errors=True)
                        del self._procs[name]
                        self._restarts[name] = self._restarts.get(name, 0) + 1
                        delay = min(60.0, 2.0 ** self._restarts[name])
                        log.error("worker %s exited (code %s); restarting it in %.0f s", name, proc.exitcode, delay)
                        self._pending[name] = time.monotonic() + delay
                for name, when in list(self._pending.items()):
                    if time.monotonic() >= when and not self._stop.value:
                        del self._pending[name]
                        self._spawn(name)
                self._enforce_cancels()
                for job_id in self.store.recover(self.settings.stale_after_s):  # other servers' dead workers
                    shutil.rmtree(self.settings.jobs_dir / f"{job_id}.partial", ignore_errors=True)
            except Exception:
                log.warning("supervisor pass failed", exc_info=True)

    def _enforce_cancels(self) -> None:
        """A worker that has not stopped a cancelled job within the grace period is stopped itself."""
        from sqlalchemy import select

        cutoff = int(time.time() - self.settings.cancel_grace_s)
        t = self.store.jobs
        with self.store.engine.connect() as conn:
            rows = list(conn.execute(select(t.c.id, t.c.worker).where(t.c.status == JobStatus.running)
                                     .where(t.c.cancel_requested.is_(True)).where(t.c.cancel_requested_unix < cutoff)))
        for job_id, worker in rows:
            if worker not in self._procs:
                continue
            proc, _ = self._procs[worker]
            proc.terminate()
            proc.join(5)
            if self.store.update(job_id, where_status=[JobStatus.running], status=JobStatus.cancelled,
                                 finished_at=utc_now(), error="cancelled on request (the worker did not stop in "
                                 "time and was stopped); partial outputs were removed"):
                shutil.rmtree(self.settings.jobs_dir / f"{job_id}.partial", ignore_errors=True)

    def stop(self, timeout: float = 10.0) -> None:
        # workers first: one the supervisor thread restarted dies with that thread (its parent-death signal
        # is tied to the thread that started it), so the thread must outlive the workers' graceful stop
        self._stop.value = 1
        for proc, _ in self._procs.values():
            proc.join(timeout)
            if proc.is_alive():
                proc.terminate()
                proc.join(2)
        self._halt.set()
        if self._supervisor is not None:
            self._supervisor.join(5)
        names = list(self._procs)
        self._procs.clear()
        if names:  # a job cut short by shutdown is not silently lost
            for job_id in self.store.recover(0, only_workers=names,
                                             reason="the server shut down while this job was running"):
                shutil.rmtree(self.settings.jobs_dir / f"{job_id}.partial", ignore_errors=True)


def new_job_id() -> str:
    return uuid.uuid4().hex


def stage_list(raw: str | Sequence[str]) -> list[str]:
    """Validated, in pipeline order, no repeats."""
    items = [s.strip() for s in (raw.split(",") if isinstance(raw, str) else raw) if s and s.strip()]
    if not items:
        raise UsageError(f"stages: give at least one of {', '.join(STAGES)}")
    unknown = [s for s in items if s not in STAGES]
    if unknown:
        raise UsageError(f"stages: unknown {', '.join(map(repr, unknown))}; choose from {', '.join(STAGES)} "
                         "(training and probes run through `gdprep train` / `gdprep probe` for now)")
    return [s for s in STAGES if s in items]


