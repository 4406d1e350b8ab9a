"""Several processes writing to one ledger at once, as the HTTP service's workers do: no clashing or lost
entries, no gaps, one signing key recorded once, and a ledger that verifies. SQLite file and PostgreSQL."""

from __future__ import annotations

import hashlib
import multiprocessing
import queue
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gdprep.audit.entries import Entry
from gdprep.audit.keys import Keys, key_id
from gdprep.audit.ledger import Ledger
from tests.pg import create_database, drop_database
from tests.pg import postgres_url as postgres_url  # noqa: F401  (registers the session fixture here)

BACKENDS = ["sqlite", "postgres"]
WORKERS = 4
PER_WORKER = 40
ROUNDS = 4  # fresh ledgers raced for in the key-creation test
KIND = "concurrency_probe"
_WAIT_S = 120  # for a worker or a barrier; a healthy run takes a few seconds


@dataclass(frozen=True)
class Plan:
    """What one worker does: entries per call (1: `append`, more: `append_many`), and a checkpoint after
    every `checkpoint_every` calls (0: none)."""

    batch: int
    checkpoint_every: int


PLANS = (Plan(batch=1, checkpoint_every=0), Plan(batch=5, checkpoint_every=0),
         Plan(batch=1, checkpoint_every=8), Plan(batch=4, checkpoint_every=2))


# -- what the worker processes run (module level, so that the "spawn" start method can import it) ------------
def _open(url: str, key_dir: str) -> Ledger:
    return Ledger(url, Keys(directory=Path(key_dir)))


def _append_workload(url: str, key_dir: str, plan: Plan, *, worker: int, barrier: Any) -> int:
    """Open the ledger and append PER_WORKER entries as the plan says, all workers starting together;
    returns how many checkpoints this worker wrote."""
    barrier.wait(_WAIT_S)
    ledger = _open(url, key_dir)  # all at once: the schema of a new ledger is created once
    try:
        barrier.wait(_WAIT_S)  # the first writes race for the signing key
        checkpoints = 0
        for call, start in enumerate(range(0, PER_WORKER, plan.batch), start=1):
            items = [(KIND, f"run-{worker}", None, {"worker": worker, "i": i, "call": call})
                     for i in range(start, min(start + plan.batch, PER_WORKER))]
            if plan.batch == 1:
                ledger.append(KIND, items[0][3], run_id=items[0][1])
            else:
                ledger.append_many(items)
            if plan.checkpoint_every and call % plan.checkpoint_every == 0:
                ledger.checkpoint()
                checkpoints += 1
        return checkpoints
    finally:
        ledger.engine.dispose()


def _first_writes(targets: list[tuple[str, str, str]], *, worker: int, barrier: Any) -> list[tuple[str, str, str, str]]:
    """For each (url, key directory, bare key directory) in turn, all workers at the same moment: open a new
    ledger with no keys and append one entry; then create keys outside any ledger (as `gdprep` commands that
    only read a public key do). Returns the keys this worker ended up with, per round."""
    seen: list[tuple[str, str, str, str]] = []
    for url, key_dir, bare_dir in targets:
        barrier.wait(_WAIT_S)
        ledger = _open(url, key_dir)
        try:
            barrier.wait(_WAIT_S)
            ledger.append(KIND, {"worker": worker}, record_key=ledger.record_key("subject"))
            barrier.wait(_WAIT_S)
            bare = Keys(directory=Path(bare_dir))
            seen.append((key_id(ledger.keys.public_pem(create=False)), ledger.record_key("subject"),
                         key_id(bare.public_pem()), hashlib.sha256(bare.hmac_key()).hexdigest()))
        finally:
            ledger.engine.dispose()
    return seen


def _serve(worker: int, inbox: Any, barrier: Any, results: Any) -> None:
    """A worker process: run each (job, args) from `inbox` and report (worker, traceback or None, value)."""
    while (task := inbox.get()) is not None:
        job, args = task
        try:
            results.put((worker, None, job(*args, worker=worker, barrier=barrier)))
        except BaseException:
            barrier.abort()  # the others stop waiting for this worker
            results.put((worker, traceback.format_exc(), None))


class WorkerPool:
    """WORKERS processes started once with the "spawn" method (as a service's worker pool is: nothing
    inherited), sharing a barrier so that each job starts in all of them at the same moment."""

    def __init__(self, size: int) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.barrier = ctx.Barrier(size)
        self.results = ctx.Queue()
        self.inboxes = [ctx.Queue() for _ in range(size)]
        self.processes = [ctx.Process(target=_serve, args=(worker, inbox, self.barrier, self.results), daemon=True)
                          for worker, inbox in enumerate(self.inboxes)]
        self.usable = True
        for process in self.processes:
            process.start()

    def run(self, job: Any, args_per_worker: list[tuple[Any, ...]]) -> dict[int, Any]:
        """`job(*args, worker=n, barrier=...)` in worker n for each args; every value, or a failure with every
        worker's traceback."""
        assert self.usable, "an earlier job hung and its workers were stopped"
        for inbox, args in zip(self.inboxes, args_per_worker, strict=True):
            inbox.put((job, args))
        values: dict[int, Any] = {}
        errors: list[str] = []
        try:
            for _ in args_per_worker:
                worker, error, value = self.results.get(timeout=_WAIT_S)
                if error is not None:
                    errors.append(f"worker {worker}:\n{error}")
                values[worker] = value
        except queue.Empty:
            self.close()
            errors.append("a worker neither finished nor failed in time")
        if errors and self.usable:
            self.barrier.reset()  # every worker has reported, so none is waiting on it
        assert not errors, "\n".join(errors)
        return values

    def close(self) -> None:
        self.usable = False
        for inbox in self.inboxes:
            inbox.put(None)
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


# -- fixtures ------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workers() -> Iterator[WorkerPool]:
    pool = WorkerPool(WORKERS)
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture(params=BACKENDS)
def new_ledger_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[str]]:
    """URLs of ROUNDS databases that do not hold a ledger yet."""
    if request.param == "sqlite":
        yield [f"sqlite:///{tmp_path / f'ledger-{n}.db'}" for n in range(ROUNDS)]
        return
    server = request.getfixturevalue("postgres_url")
    urls = [create_database(server) for _ in range(ROUNDS)]
    try:
        yield urls
    finally:
        for url in urls:
            drop_database(server, url)


def _probe_entries(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.kind == KIND]


def _created_events(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if e.kind == "key_event" and e.payload.get("event") == "created"]


# -- tests ---------------------------------------------------------------------------------------------------
def test_concurrent_writers_neither_clash_nor_lose_nor_skip(workers: WorkerPool, new_ledger_urls: list[str],
                                                             tmp_path: Path) -> None:
    url, key_dir = new_ledger_urls[0], tmp_path / "state"  # a new database and no key yet
    checkpoints_made = workers.run(_append_workload, [(url, str(key_dir), plan) for plan in PLANS])

    ledger = _open(url, str(key_dir))
    try:
        entries = list(ledger.iter_entries())
        assert len(entries) == WORKERS * PER_WORKER + 1  # and the key's creation
        assert [e.seq for e in entries] == list(range(len(entries)))
        probes = _probe_entries(entries)
        written = [(e.payload["worker"], e.payload["i"]) for e in probes]
        assert sorted(written) == [(w, i) for w in range(WORKERS) for i in range(PER_WORKER)]  # each exactly once
        for worker in range(WORKERS):  # each worker's entries in its own order
            assert [i for w, i in written if w == worker] == list(range(PER_WORKER))
        calls: dict[tuple[int, int], list[int]] = {}
        for e in probes:
            calls.setdefault((e.payload["worker"], e.payload["call"]), []).append(e.seq)
        for call, seqs in calls.items():  # one append_many call is one unbroken run of sequence numbers
            assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), call

        created = _created_events(entries)
        assert len(created) == 1 and created[0].seq == 0
        assert created[0].payload["key_id"] == key_id(ledger.keys.public_pem(create=False))

        # a checkpoint another process overtook while its root was computed is not stored (the newer one
        # covers it), so there may be fewer rows than calls, never more; the chain stays one line
        assert 0 < len(ledger.list_checkpoints()) <= sum(checkpoints_made.values())
        ledger.checkpoint()
        result = ledger.verify()
        assert result.ok, result.problems
        assert (result.entries, result.unsigned_tail) == (len(entries), 0)
    finally:
        ledger.engine.dispose()


def test_processes_writing_first_at_once_share_one_set_of_keys(workers: WorkerPool, new_ledger_urls: list[str],
                                                                tmp_path: Path) -> None:
    targets = [(url, str(tmp_path / f"state-{n}"), str(tmp_path / f"bare-{n}"))
               for n, url in enumerate(new_ledger_urls)]
    seen = workers.run(_first_writes, [(targets,)] * WORKERS)

    for n, (url, key_dir, bare_dir) in enumerate(targets):
        ledger = _open(url, key_dir)
        try:
            kid = key_id(ledger.keys.public_pem(create=False))
            bare = Keys(directory=Path(bare_dir))
            on_disk = (kid, ledger.record_key("subject"), key_id(bare.public_pem(create=False)),
                       hashlib.sha256(bare.hmac_key()).hexdigest())
            assert {seen[worker][n] for worker in range(WORKERS)} == {on_disk}, f"round {n}"
            entries = list(ledger.iter_entries())
            assert [e.seq for e in entries] == list(range(WORKERS + 1)), f"round {n}"
            created = _created_events(entries)
            assert [(e.seq, e.payload["key_id"]) for e in created] == [(0, kid)], f"round {n}"
            assert sorted(e.payload["worker"] for e in _probe_entries(entries)) == list(range(WORKERS))
            ledger.checkpoint()
            result = ledger.verify()
            assert result.ok, (n, result.problems)
        finally:
            ledger.engine.dispose()
