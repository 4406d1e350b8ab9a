"""Jobs survive a real restart of `gdprep serve`, on SQLite and PostgreSQL: a job running when the server is
killed is interrupted at the next start (not after the heartbeat timeout) with its partial outputs removed and
can be resubmitted; a queued job is not lost; a graceful stop interrupts a running job with a reason; and the
ledger, written by the server and its worker processes, still verifies."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gdprep.audit.ledger import Ledger
from gdprep.service.job import JobStatus
from gdprep.service.job_store import JobStore
from gdprep.service.keys import KeyStore
from tests.pg import ledger_url as ledger_url  # noqa: F401  (SQLite and PostgreSQL)
from tests.pg import postgres_url as postgres_url  # noqa: F401  (registers the session fixture here)

pytestmark = pytest.mark.slow

READY_TIMEOUT_S = 150.0   # the worker loads spaCy and the recognizers before /readyz answers 200
JOB_TIMEOUT_S = 240.0
KILLED_REASON = "the server was stopped or killed while this job was running"
SHUTDOWN_REASON = "the server shut down while this job was running"
SMALL = [{"id": "s1", "text": "Please call Jane Smith on 020 7946 0958."},
         {"id": "s2", "text": "Order 4411 shipped to the warehouse on Tuesday."}]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()


def _generated(n: int) -> bytes:
    from gdprep.examples.generate import generate_sample

    return _jsonl(generate_sample(n, seed=11))


def _wait(what: str, check: Callable[[], Any], timeout: float, server: Server | None = None,
          every: float = 0.25) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if server is not None and server.proc is not None and server.proc.poll() is not None:
            pytest.fail(f"the server exited ({server.proc.returncode}) while waiting for {what}:\n{server.log_tail()}")
        time.sleep(every)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}" + (f":\n{server.log_tail()}" if server else ""))


class Server:
    """`gdprep serve --workers 1` in its own process group, so that a kill reaches its worker processes too."""

    def __init__(self, home: Path, root: Path, ledger_url: str, log: Path) -> None:
        self.home, self.root, self.ledger_url, self.log = home, root, ledger_url, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    def start(self) -> None:
        exe = Path(sys.executable).with_name("gdprep")
        if not exe.is_file():
            pytest.skip(f"no `gdprep` console script beside {sys.executable}; install the package (make setup)")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GDPREP_")}
        env["GDPREP_HOME"] = str(self.home)
        self.port = _free_port()
        with self.log.open("ab") as log:
            log.write(f"\n--- start on port {self.port}\n".encode())
            log.flush()
            self.proc = subprocess.Popen(
                [str(exe), "serve", "--workers", "1", "--port", str(self.port), "--root", str(self.root),
                 "--ledger-url", self.ledger_url], env=env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def status(self, path: str) -> int | None:
        try:
            return httpx.get(self.base + path, timeout=5).status_code
        except httpx.TransportError:
            return None

    def wait_ready(self) -> None:
        _wait("/healthz", lambda: self.status("/healthz") == 200, 60, self)
        _wait("/readyz", lambda: self.status("/readyz") == 200, READY_TIMEOUT_S, self, every=1.0)

    def kill(self) -> None:
        """SIGKILL the whole process group (server and workers) and reap the server, as a crash would."""
        assert self.proc is not None
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(30)

    def stop(self, sig: signal.Signals = signal.SIGTERM, group: bool = False, timeout: float = 90) -> int:
        assert self.proc is not None
        if group:
            os.killpg(self.proc.pid, sig)
        else:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"the server did not stop within {timeout:.0f} s of {sig.name}:\n{self.log_tail()}")

    def cleanup(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()
        if self.proc is not None:  # the worker processes may outlive a server that exited on its own
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-6000:] if self.log.exists() else ""


@pytest.fixture
def make_server(tmp_path: Path, _isolated_state: Path) -> Iterator[Callable[[str], Server]]:
    made: list[Server] = []

    def make(url: str) -> Server:
        server = Server(_isolated_state, tmp_path / "root", url, tmp_path / "server.log")
        made.append(server)
        return server

    yield make
    for server in made:
        server.cleanup()


class Api:
    def __init__(self, server: Server, key: str) -> None:
        self.server, self.headers = server, {"Authorization": f"Bearer {key}"}

    def submit(self, data: bytes, name: str, stages: str = "privacy") -> dict[str, Any]:
        response = httpx.post(self.server.base + "/v1/jobs", files={"file": (name, data)}, data={"stages": stages},
                              headers=self.headers, timeout=120)
        assert response.status_code == 202, response.text
        return dict(response.json())

    def job(self, job_id: str) -> dict[str, Any]:
        response = httpx.get(f"{self.server.base}/v1/jobs/{job_id}", headers=self.headers, timeout=30)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def wait_status(self, job_id: str, status: str, timeout: float = JOB_TIMEOUT_S) -> dict[str, Any]:
        def check() -> dict[str, Any] | None:
            job = self.job(job_id)
            if job["status"] == status:
                return job
            assert job["status"] in ("queued", "running"), job  # a final status other than the one expected
            return None

        return dict(_wait(f"job {job_id} to be {status}", check, timeout, self.server, every=0.5))

    def wait_running_with_progress(self, job_id: str) -> dict[str, Any]:
        """Running, with progress stored by a heartbeat: the worker is in the middle of the job."""
        def check() -> dict[str, Any] | None:
            job = self.job(job_id)
            assert job["status"] in ("queued", "running"), job
            done = job["progress"]["privacy"]["done"]
            return job if job["status"] == "running" and 0 < done < job["input_records"] else None

        return dict(_wait(f"job {job_id} to be running", check, JOB_TIMEOUT_S, self.server))


def _engineer_key(url: str) -> str:
    ledger = Ledger(url)
    try:
        return KeyStore(ledger).create("restart-eng", "engineer")
    finally:
        ledger.engine.dispose()


def _stored(url: str, job_id: str) -> Any:
    ledger = Ledger(url)
    try:
        return JobStore(ledger.engine).get(job_id)
    finally:
        ledger.engine.dispose()


def _verify(url: str) -> Any:
    ledger = Ledger(url)
    try:
        return ledger.verify()
    finally:
        ledger.engine.dispose()


def test_jobs_survive_a_killed_server(ledger_url: str, make_server: Callable[[str], Server], tmp_path: Path) -> None:
    key = _engineer_key(ledger_url)
    jobs_dir = tmp_path / "root" / "jobs"
    first = make_server(ledger_url)
    first.start()
    first.wait_ready()
    api = Api(first, key)
    big = api.submit(_generated(2000), "big.jsonl")  # several heartbeats long, also on a faster machine
    small = api.submit(_jsonl(SMALL), "small.jsonl")
    api.wait_running_with_progress(big["id"])
    assert api.job(small["id"])["status"] == "queued"   # one worker: it waits behind the big one
    assert (jobs_dir / f"{big['id']}.partial").is_dir()

    first.kill()
    killed_at = time.monotonic()
    assert _stored(ledger_url, big["id"]).status == JobStatus.running  # nobody has noticed yet
    assert (jobs_dir / f"{big['id']}.partial").is_dir()

    second = make_server(ledger_url)
    second.start()
    # recovery runs before the server answers anything: the first answer already shows the job interrupted
    _wait("/healthz after the restart", lambda: second.status("/healthz") == 200, 60, second)
    api = Api(second, key)
    lost = api.job(big["id"])
    assert time.monotonic() - killed_at < 30, "recovered only after the heartbeat timeout"
    assert lost["status"] == "interrupted", lost
    assert KILLED_REASON in lost["error"] and f"/v1/jobs/{big['id']}/resubmit" in lost["error"]
    assert lost["finished_at"] and lost["artifacts"] == []
    assert not (jobs_dir / f"{big['id']}.partial").exists()
    assert not (jobs_dir / big["id"]).exists()

    done = api.wait_status(small["id"], "succeeded")   # the queued job was not lost
    assert done["progress"]["privacy"]["done"] == len(SMALL) and "redacted.jsonl" in done["artifacts"]
    assert (jobs_dir / small["id"] / "redacted.jsonl").is_file()

    response = httpx.post(f"{second.base}/v1/jobs/{big['id']}/resubmit", headers=api.headers, timeout=30)
    assert response.status_code == 202, response.text
    again = response.json()
    assert again["id"] != big["id"] and again["parent"] == big["id"] and again["source"] == "resubmit"
    assert again["input_sha256"] == big["input_sha256"] and again["status"] == "queued"
    finished = api.wait_status(again["id"], "succeeded")
    assert finished["summary"]["privacy"]["in"] == big["input_records"]
    assert (jobs_dir / again["id"] / "redacted.jsonl").is_file()
    assert api.job(big["id"])["status"] == "interrupted"  # the original stays as it was
    # a job that is not final cannot be resubmitted
    assert httpx.post(f"{second.base}/v1/jobs/{again['id']}/resubmit", headers=api.headers,
                      timeout=30).status_code == 409

    assert second.stop() in (0, -signal.SIGTERM), second.log_tail()  # uvicorn re-raises the signal it handled
    assert "Application shutdown complete" in second.log_tail()
    assert not list(jobs_dir.glob("*.partial"))
    result = _verify(ledger_url)
    assert result.ok, result.problems


@pytest.mark.parametrize(("sig", "group"), [(signal.SIGTERM, False), (signal.SIGINT, True)],
                         ids=["sigterm-server", "sigint-group"])
def test_graceful_stop_interrupts_the_running_job(make_server: Callable[[str], Server], tmp_path: Path,
                                                  sig: signal.Signals, group: bool) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    key = _engineer_key(url)
    jobs_dir = tmp_path / "root" / "jobs"
    server = make_server(url)
    server.start()
    server.wait_ready()
    api = Api(server, key)
    big = api.submit(_generated(8000), "big.jsonl")  # far more than the worker can do in the stop's grace time
    api.wait_running_with_progress(big["id"])
    assert server.stop(sig, group=group) in (0, -sig), server.log_tail()  # uvicorn re-raises the signal
    assert "Application shutdown complete" in server.log_tail()
    stored = _stored(url, big["id"])
    assert stored.status == JobStatus.interrupted, (stored.status, stored.error)
    assert stored.error and SHUTDOWN_REASON in stored.error and "resubmit" in stored.error
    assert not (jobs_dir / f"{big['id']}.partial").exists() and not (jobs_dir / big["id"]).exists()
    result = _verify(url)
    assert result.ok, result.problems
