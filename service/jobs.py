"""Running jobs for the HTTP service: worker processes that claim queued jobs from the job store and run the
same stage functions as the CLI (service/stages.py), and recovery of the jobs a stopped worker left behind.

Outputs are written to `<root>/jobs/<id>.partial/` and renamed to `<root>/jobs/<id>/` only when every stage
succeeded, so a directory without the `.partial` suffix is always complete.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import socket
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdprep.audit.ledger import Ledger, utc_now
from gdprep.errors import GdprepError, UsageError
from gdprep.processes import die_with_parent
from gdprep.records import file_sha256
from gdprep.service.job import MODEL_STAGES, Job, JobCancelled, JobStatus
from gdprep.service.job_store import JobStore
from gdprep.service.job_training import StageContext, discard_adapter
from gdprep.service.settings import ServiceSettings

log = logging.getLogger("gdprep.jobs")


# -- running a job (inside a worker process) ------------------------------------------------------------
@dataclass
class _Progress:
    """Per-stage progress; stored with the heartbeat. Raises JobCancelled from the stage's progress hook."""

    stages: list[str]
    totals: int | None
    state: dict[str, dict[str, Any]] = field(default_factory=dict)
    cancelled: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.state = {s: {"state": "pending", "done": 0, "total": None if s in MODEL_STAGES else self.totals}
                      for s in self.stages}

    def start(self, stage: str) -> None:
        self.state[stage].update(state="running", started_at=utc_now())

    def tick(self, stage: str, n: int = 1) -> None:
        self.state[stage]["done"] += n
        if self.cancelled.is_set():
            raise JobCancelled()

    def set(self, stage: str, done: int, total: int | None) -> None:
        """Progress counted in the stage's own unit (training: optimiser steps)."""
        self.state[stage].update(done=done, total=total, unit="steps")

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
        if job.input_path and file_sha256(current_input) != job.input_sha256:  # a probe alone reads no file
            raise UsageError(f"the input {job.input_name} changed on the server since the job was submitted (its "
                             "SHA-256 differs); submit it again")
        ctx = StageContext(job, settings, work, ledger, runs, produced, progress.set, progress.cancelled)
        for stage in job.stages:
            current = stage
            progress.start(stage)
            if store.heartbeat(job.id, progress.snapshot()) or progress.cancelled.is_set():
                raise JobCancelled()
            current_input, summary[stage] = _run_stage(stage, ctx, current_input, progress)
            progress.end(stage, "done")
            if stage == "privacy" and "curation" in progress.state:  # curation reads what privacy wrote
                progress.state["curation"]["total"] = summary[stage]["out"]
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
        log.info("job %s succeeded (%d outputs)", job.id, len(outputs))
    except BaseException as exc:
        beater.stop.set()
        shutil.rmtree(work, ignore_errors=True)
        discard_adapter(settings, job.id)
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
                     progress=progress.snapshot(), runs=runs, summary=summary)
        log.info("job %s %s%s", job.id, status, f" in the {current} stage" if current else "")
        if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: let the worker stop
            raise
    finally:
        beater.stop.set()


def _run_stage(stage: str, ctx: StageContext, current_input: Path,
               progress: _Progress) -> tuple[Path, dict[str, Any]]:
    """One stage of the job: (what the next stage reads, the stage's summary)."""
    from gdprep.service import job_training

    job, work, ledger, runs, produced = ctx.job, ctx.work, ctx.ledger, ctx.runs, ctx.produced
    if stage == "privacy":
        return _privacy_stage(job, current_input, work, ledger, progress, runs, produced)
    if stage == "curation":
        return _curation_stage(job, current_input, work, ledger, progress, runs, produced)
    if stage == "training":
        return job_training.training_stage(ctx, current_input)
    if stage == "probe":
        return current_input, job_training.probe_stage(ctx)
    if stage == "evaluate":
        return current_input, job_training.evaluate_stage(ctx)
    # validated at submission; a stored job from a newer version could still name one
    raise UsageError(f"unknown stage {stage!r}")


def discard_outputs(settings: ServiceSettings, job_id: str) -> None:
    """What a job that did not succeed leaves behind: its partial directory, and its adapter directory unless
    training finished there (see `job_training.discard_adapter`)."""
    shutil.rmtree(settings.jobs_dir / f"{job_id}.partial", ignore_errors=True)
    discard_adapter(settings, job_id)


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

    command = f"gdprep serve: job {job.id}"
    result = stages.redact(ledger, input_path, out, report, policy, command=command, report_command=command,
                           config=config, started=lambda run_id: runs.__setitem__("privacy", run_id),
                           on_error=job.options.get("on_error", "quarantine"), workers=1,
                           progress=lambda n: progress.tick("privacy", n),
                           shown_input=job.input_name, **kwargs)
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
    uploaded = job.options.get("curation_config")
    cfg = load_curation_config(Path(uploaded["path"]) if uploaded else None)
    if uploaded and file_sha256(Path(uploaded["path"])) != uploaded["sha256"]:
        raise UsageError("the job's stored curation config changed on the server since the job was submitted; "
                         "submit the job again")
    out_dir = work / "curated"

    def tick(stage: str, n: int) -> None:
        if stage == "scan":
            progress.tick("curation", n)
        elif progress.cancelled.is_set():
            raise JobCancelled()

    report = stages.curate(ledger, input_path, out_dir, cfg, policy, command=f"gdprep serve: job {job.id}",
                           config=_job_config(job, {"curation": cfg.model_dump(mode="json"),
                                                     **({"curation_sha256": uploaded["sha256"]} if uploaded else {})}),
                           started=lambda run_id: runs.__setitem__("curation", run_id),
                           on_error=job.options.get("on_error", "quarantine"),
                           progress=tick)
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        produced.append(path.relative_to(work).as_posix())
    return out_dir, {"counts": report.get("counts", {})}


# -- worker processes -------------------------------------------------------------------------------------
def _worker_main(settings: ServiceSettings, name: str, ready: Any, stop: Any, server_pid: int) -> None:
    """One worker process: load the models once, then claim and run jobs until told to stop. It ends with
    its server (a worker left running might hold the vault's lock and claim jobs unsupervised), and it is in the
    registry so that a later server can stop it should it outlive its own."""
    from gdprep.privacy.vault import Vault
    from gdprep.service.orphans import WorkerRegistry

    die_with_parent(server_pid)
    os.umask(0o077)  # job outputs are the owner's alone, like the state directory
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server's Ctrl-C stops us through `stop`
    configure_worker_logging(name)
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


def configure_worker_logging(name: str, stream: Any = None) -> None:
    """A worker's log: one line per job event from `gdprep.jobs` (started, and how it ended), warnings and
    errors from everything; not the INFO chatter of the libraries a job loads (MLflow, alembic, presidio), nor
    their progress bars and deprecation notices."""
    from gdprep.service.quiet import quiet_libraries

    quiet_libraries()
    logging.basicConfig(level=logging.WARNING, format=f"%(asctime)s {name} %(levelname)s %(message)s",
                        stream=stream, force=True)
    log.setLevel(logging.INFO)


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
        host = socket.gethostname()
        dead: list[str] = []
        for worker in self.store.running_workers():
            parts = (worker or "").split(":")
            if worker is None or len(parts) < 3 or parts[0] != host:
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
            discard_outputs(self.settings, job_id)
        return lost

    @staticmethod
    def stop_orphans() -> list[int]:
        """At startup, before any job is recovered: stop job workers that a killed server on this host left
        running (they might hold the vault's lock and claim jobs unsupervised); returns their pids."""
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
                            discard_outputs(self.settings, job_id)
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
                    discard_outputs(self.settings, job_id)
            except Exception:
                log.warning("supervisor pass failed", exc_info=True)

    def _enforce_cancels(self) -> None:
        """A worker that has not stopped a cancelled job within the grace period is stopped itself."""
        for job_id, worker in self.store.overdue_cancels(self.settings.cancel_grace_s):
            if worker is None or worker not in self._procs:
                continue
            proc, _ = self._procs[worker]
            proc.terminate()
            proc.join(5)
            if self.store.update(job_id, where_status=[JobStatus.running], status=JobStatus.cancelled,
                                 finished_at=utc_now(), error="cancelled on request (the worker did not stop in "
                                 "time and was stopped); partial outputs were removed"):
                discard_outputs(self.settings, job_id)

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
                discard_outputs(self.settings, job_id)

