"""Load on a real `gdprep serve`: concurrent clients submit jobs and poll them while the workers run them.

Starts `gdprep serve` as a subprocess on a free 127.0.0.1 port (a fresh GDPREP_HOME and service root under a
temporary directory; SQLite ledger by default, `--ledger-url` for PostgreSQL), creates an engineer key with
`gdprep keys create`, writes one small generated dataset per client, waits for /readyz, then `--clients`
threads (one keep-alive httpx.Client each) upload `--jobs` jobs in all (POST /v1/jobs) and poll their
status (GET /v1/jobs/{id}) until every job is final or `--timeout` passes. Afterwards the server is stopped
and `gdprep audit verify` checks the ledger.

Prints, separately for submit and status requests: count, errors, p50/p90/p99/max latency (ms) and
requests/s; jobs per minute and each job's queue wait and run time; every job that did not succeed (failed,
interrupted, cancelled, or still queued/running at the deadline); the ledger check; and any tracebacks or
database errors in the server's log. There is no peer to compare with: these are the service's own figures.
Writes the same as JSON (default bench/out/service_load.json).

    python bench/service_load.py [--jobs 200] [--clients 20] [--records 30] [--workers 2]
                                 [--stages privacy|privacy,curation] [--ledger-url URL] [--timeout 1800]
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from gdprep.examples.generate import generate_sample, write_jsonl

FINAL = {"succeeded", "failed", "cancelled", "interrupted"}
POLICY = "uk-gdpr-default"
KEY_NAME = "bench-load-engineer"
# what to look for in the server's log: anything a load test should not provoke
LOG_PROBLEMS = re.compile(r"Traceback|IntegrityError|database is locked|OperationalError|UniqueViolation|"
                          r"deadlock|ERROR|CRITICAL")


@dataclass
class Timings:
    """Latencies (s) of one kind of request, and what went wrong."""

    ok: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str | None = None) -> None:
        with self.lock:
            if error is None:
                self.ok.append(seconds)
            else:
                self.errors[error] += 1

    def summary(self, wall_s: float) -> dict[str, Any]:
        ms = sorted(x * 1000 for x in self.ok)
        return {"count": len(ms), "errors": sum(self.errors.values()), "error_kinds": dict(self.errors),
                "p50_ms": _pct(ms, 50), "p90_ms": _pct(ms, 90), "p99_ms": _pct(ms, 99),
                "max_ms": round(ms[-1], 1) if ms else None,
                "mean_ms": round(sum(ms) / len(ms), 1) if ms else None,
                "per_s": round(len(ms) / wall_s, 1) if wall_s > 0 else None}


def _pct(sorted_ms: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not sorted_ms:
        return None
    rank = max(1, -(-len(sorted_ms) * p // 100))
    return round(sorted_ms[int(rank) - 1], 1)


# -- the server ----------------------------------------------------------------------------------------------
class Server:
    """`gdprep serve` in its own process group, so that it and its job workers are stopped together."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = log_path.open("wb")
        self.proc = subprocess.Popen(argv, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.stuck_on_stop = False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, grace_s: float = 30.0) -> int | None:
        """SIGTERM to the server process, as an operator's `kill` (uvicorn shuts down and the worker pool
        stops its workers, so a clean stop is part of what is measured), then SIGKILL to the whole group for
        anything left behind."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace_s)
            except subprocess.TimeoutExpired:
                print(f"  server did not stop within {grace_s:.0f} s of SIGTERM; killing its process group",
                      file=sys.stderr)
                self.stuck_on_stop = True
        _signal_group(self.proc.pid, signal.SIGKILL)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass
        self._log.close()
        return self.proc.returncode

    def log_tail(self, n: int = 40) -> str:
        lines = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(lines[-n:])


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gdprep_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "gdprep.service.cli", *args]


def wait_ready(server: Server, base_url: str, timeout_s: float) -> float:
    """Seconds until /readyz answered 200 (the database answers and a worker has its models loaded)."""
    t0 = time.perf_counter()
    with httpx.Client(base_url=base_url, timeout=5) as client:
        while time.perf_counter() - t0 < timeout_s:
            if not server.alive():
                raise SystemExit(f"the server exited (code {server.proc.returncode}) before it was ready:\n"
                                 f"{server.log_tail()}")
            try:
                if client.get("/readyz").status_code == 200:
                    return time.perf_counter() - t0
            except httpx.TransportError:
                pass
            time.sleep(0.5)
    raise SystemExit(f"the server was not ready after {timeout_s:.0f} s:\n{server.log_tail()}")


# -- the clients ---------------------------------------------------------------------------------------------
@dataclass
class Shared:
    base_url: str
    key: str
    stages: str
    datasets: list[Path]
    next_job: int
    deadline: float = 0.0
    poll_interval_s: float = 0.5
    submit: Timings = field(default_factory=Timings)
    status: Timings = field(default_factory=Timings)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)   # job id -> last seen job
    failed_submits: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    first_submit: float | None = None
    last_submit: float | None = None

    def take(self) -> int | None:
        with self.lock:
            if self.next_job <= 0:
                return None
            self.next_job -= 1
            return self.next_job


def client_main(shared: Shared, index: int) -> None:
    """Submit jobs until none are left to submit, then poll this client's jobs until all are final."""
    dataset = shared.datasets[index % len(shared.datasets)]
    body = dataset.read_bytes()
    mine: list[str] = []
    with httpx.Client(base_url=shared.base_url, timeout=120,
                      headers={"Authorization": f"Bearer {shared.key}"}) as client:
        while shared.take() is not None:
            t0 = time.perf_counter()
            with shared.lock:
                shared.first_submit = shared.first_submit or t0
            try:
                resp = client.post("/v1/jobs", files={"file": (dataset.name, body, "application/x-ndjson")},
                                   data={"stages": shared.stages, "policy": POLICY})
            except httpx.HTTPError as exc:
                shared.submit.add(time.perf_counter() - t0, type(exc).__name__)
                continue
            elapsed = time.perf_counter() - t0
            with shared.lock:
                shared.last_submit = time.perf_counter()
            if resp.status_code != 202:
                shared.submit.add(elapsed, f"HTTP {resp.status_code}")
                with shared.lock:
                    shared.failed_submits.append({"client": index, "status": resp.status_code,
                                                  "body": resp.text[:500]})
                continue
            shared.submit.add(elapsed)
            job = resp.json()
            mine.append(job["id"])
            with shared.lock:
                shared.jobs[job["id"]] = job
        pending = list(mine)
        while pending and time.monotonic() < shared.deadline:
            still = []
            for job_id in pending:
                t0 = time.perf_counter()
                try:
                    resp = client.get(f"/v1/jobs/{job_id}")
                except httpx.HTTPError as exc:
                    shared.status.add(time.perf_counter() - t0, type(exc).__name__)
                    still.append(job_id)
                    continue
                elapsed = time.perf_counter() - t0
                if resp.status_code != 200:
                    shared.status.add(elapsed, f"HTTP {resp.status_code}")
                    still.append(job_id)
                    continue
                shared.status.add(elapsed)
                job = resp.json()
                with shared.lock:
                    shared.jobs[job_id] = job
                if job["status"] not in FINAL:
                    still.append(job_id)
            pending = still
            if pending:
                time.sleep(shared.poll_interval_s)


# -- the run -------------------------------------------------------------------------------------------------
def _ts(value: str | None) -> float | None:
    return datetime.fromisoformat(value).timestamp() if value else None


def job_figures(jobs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Queue wait and run time per job (from the server's own timestamps), and the span of the whole run."""
    waits, runs, starts, ends = [], [], [], []
    for job in jobs.values():
        created, started, finished = _ts(job.get("created_at")), _ts(job.get("started_at")), \
            _ts(job.get("finished_at"))
        if created is not None and started is not None:
            waits.append((started - created) * 1000)
            starts.append(created)
        if started is not None and finished is not None and job["status"] == "succeeded":
            runs.append((finished - started) * 1000)
            ends.append(finished)
    span = (max(ends) - min(starts)) if ends and starts else None
    succeeded = sum(1 for j in jobs.values() if j["status"] == "succeeded")
    return {"queue_wait_ms": _dist(waits), "run_ms": _dist(runs), "span_s": round(span, 1) if span else None,
            "jobs_per_min": round(succeeded / span * 60, 1) if span else None}


def _dist(values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)
    return {"count": len(ordered), "p50_ms": _pct(ordered, 50), "p90_ms": _pct(ordered, 90),
            "p99_ms": _pct(ordered, 99), "max_ms": round(ordered[-1], 1) if ordered else None}


def log_problems(log_path: Path, limit: int = 12) -> dict[str, Any]:
    lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    hits = [(i, line) for i, line in enumerate(lines) if LOG_PROBLEMS.search(line)]
    kinds = Counter(m.group(0) for _, line in hits for m in [LOG_PROBLEMS.search(line)] if m)
    excerpts = []
    for i, _ in hits[:limit]:
        excerpts.append("\n".join(lines[i:i + 25]) if "Traceback" in lines[i] else lines[i])
    return {"lines": len(hits), "kinds": dict(kinds), "excerpts": excerpts}


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.work or tempfile.mkdtemp(prefix="gdprep-service-load-"))
    work.mkdir(parents=True, exist_ok=True)
    ledger_url = args.ledger_url or f"sqlite:///{work / 'ledger.db'}"
    env = {**os.environ, "GDPREP_HOME": str(work / "home"), "GDPREP_SERVICE_ROOT": str(work / "service"),
           "PYTHONUNBUFFERED": "1"}
    for name in ("GDPREP_LEDGER_URL", "GDPREP_INPUT_ROOTS", "GDPREP_WORKERS", "GDPREP_MAX_UPLOAD_BYTES"):
        env.pop(name, None)
    datasets = []
    for i in range(min(args.clients, args.jobs)):
        path = work / "data" / f"client-{i:02d}.jsonl"
        write_jsonl(generate_sample(args.records, seed=1000 + i), path)
        datasets.append(path)

    created = subprocess.run(gdprep_cli("keys", "create", "--role", "engineer", "--name", KEY_NAME,
                                        "--ledger-url", ledger_url), env=env, capture_output=True, text=True)
    if created.returncode != 0:
        raise SystemExit(f"gdprep keys create failed ({created.returncode}):\n{created.stderr}")
    key = created.stdout.strip().splitlines()[-1].strip()

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server = Server(gdprep_cli("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
                               "--root", str(work / "service"), "--ledger-url", ledger_url),
                    env, work / "server.log")
    atexit.register(server.stop, 5.0)  # whatever happens below, the server and its workers go
    try:
        print(f"service load: {args.jobs} jobs ({args.stages}, {args.records} records each), {args.clients} "
              f"clients, {args.workers} workers, ledger {_dialect(ledger_url)}; work dir {work}", flush=True)
        ready_s = wait_ready(server, base_url, args.ready_timeout)
        print(f"  ready after {ready_s:.1f} s; submitting", flush=True)
        shared = Shared(base_url=base_url, key=key, stages=args.stages, datasets=datasets, next_job=args.jobs,
                        poll_interval_s=args.poll_interval)
        t0 = time.perf_counter()
        shared.deadline = time.monotonic() + args.timeout
        threads = [threading.Thread(target=client_main, args=(shared, i), name=f"client-{i}", daemon=True)
                   for i in range(args.clients)]
        for thread in threads:
            thread.start()
        _progress(shared, threads, args.jobs)
        wall_s = time.perf_counter() - t0
        submit_wall = (shared.last_submit or t0) - (shared.first_submit or t0)
    finally:
        code = server.stop()
    verify = subprocess.run(gdprep_cli("audit", "verify", "--ledger-url", ledger_url), env=env,
                            capture_output=True, text=True)
    statuses = Counter(job["status"] for job in shared.jobs.values())
    not_succeeded = sorted(({"id": j["id"], "status": j["status"], "error": j.get("error")}
                            for j in shared.jobs.values() if j["status"] != "succeeded"), key=lambda j: j["id"])
    return {
        "benchmark": "service_load",
        "work": str(work),
        "config": {"jobs": args.jobs, "clients": args.clients, "records": args.records, "workers": args.workers,
                   "stages": args.stages, "ledger": _dialect(ledger_url), "timeout_s": args.timeout,
                   "poll_interval_s": args.poll_interval, "cpus": os.cpu_count()},
        "ready_s": round(ready_s, 1),
        "wall_s": round(wall_s, 1),
        "submit": shared.submit.summary(max(submit_wall, 1e-9)),
        "status": shared.status.summary(wall_s),
        "jobs": {"submitted": len(shared.jobs), "by_status": dict(statuses),
                 "all_succeeded": len(shared.jobs) == args.jobs and statuses.get("succeeded", 0) == args.jobs,
                 "not_succeeded": not_succeeded, "failed_submits": shared.failed_submits[:20],
                 **job_figures(shared.jobs)},
        "ledger_verify": {"ok": verify.returncode == 0, "exit_code": verify.returncode,
                          "output": (verify.stdout + verify.stderr).strip()[-2000:]},
        "server": {"exit_code": code, "stopped_cleanly": not server.stuck_on_stop, "log": str(server.log_path),
                   "problems": log_problems(server.log_path)},
    }


def _progress(shared: Shared, threads: list[threading.Thread], total: int) -> None:
    last = 0.0
    while any(t.is_alive() for t in threads):
        time.sleep(1.0)
        if time.monotonic() - last >= 15:
            last = time.monotonic()
            with shared.lock:
                counts = Counter(j["status"] for j in shared.jobs.values())
            print(f"  submitted {len(shared.jobs)}/{total}; " + ", ".join(f"{k} {v}" for k, v in sorted(
                counts.items())), flush=True)


def _dialect(url: str) -> str:
    return url.split(":", 1)[0].split("+", 1)[0]


def print_summary(result: dict[str, Any]) -> None:
    cfg, jobs = result["config"], result["jobs"]
    print()
    print(f"gdprep serve under load: {cfg['jobs']} jobs x {cfg['records']} records ({cfg['stages']}), "
          f"{cfg['clients']} clients, {cfg['workers']} workers, {cfg['ledger']} ledger, {cfg['cpus']} CPUs")
    header = f"  {'request':<22}{'count':>7}{'errors':>8}{'p50 ms':>11}{'p90 ms':>11}{'p99 ms':>11}" \
             f"{'max ms':>11}{'req/s':>8}"
    print(header)
    for label, key in (("POST /v1/jobs", "submit"), ("GET /v1/jobs/{id}", "status")):
        s = result[key]
        print(f"  {label:<22}{s['count']:>7}{s['errors']:>8}{_f(s['p50_ms']):>11}{_f(s['p90_ms']):>11}"
              f"{_f(s['p99_ms']):>11}{_f(s['max_ms']):>11}{_f(s['per_s']):>8}")
    for label, key in (("job queue wait", "queue_wait_ms"), ("job run time", "run_ms")):
        d = jobs[key]
        print(f"  {label:<22}{d['count']:>7}{'':>8}{_f(d['p50_ms']):>11}{_f(d['p90_ms']):>11}"
              f"{_f(d['p99_ms']):>11}{_f(d['max_ms']):>11}")
    print(f"  throughput: {_f(jobs['jobs_per_min'])} jobs/min over {_f(jobs['span_s'])} s (first submit to last "
          f"finish); wall time {result['wall_s']} s; server ready after {result['ready_s']} s")
    states = ", ".join(f"{k} {v}" for k, v in sorted(jobs["by_status"].items()))
    print(f"  jobs: {jobs['submitted']} submitted; {states}; all succeeded: "
          f"{'YES' if jobs['all_succeeded'] else 'NO'}")
    by_reason: dict[tuple[str, str], list[str]] = {}
    for job in jobs["not_succeeded"]:
        by_reason.setdefault((job["status"], job["error"] or ""), []).append(job["id"])
    for (status, error), ids in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        more = f" (+{len(ids) - 3} more)" if len(ids) > 3 else ""
        print(f"    {len(ids)} {status}: {error or '(no error recorded)'}\n      e.g. {', '.join(ids[:3])}{more}")
    for failed in jobs["failed_submits"][:5]:
        print(f"    submit failed: HTTP {failed['status']}: {failed['body'][:200]}")
    for label in ("submit", "status"):
        if result[label]["error_kinds"]:
            print(f"  {label} errors: {result[label]['error_kinds']}")
    verify = result["ledger_verify"]
    last_line = verify["output"].splitlines()[-1] if verify["output"] else ""
    print(f"  ledger verify: {'OK' if verify['ok'] else 'FAIL'}  ({last_line})")
    if not result["server"]["stopped_cleanly"]:
        print("  server: did not stop within the grace period after SIGTERM (killed)")
    problems = result["server"]["problems"]
    print(f"  server log: {problems['lines']} problem lines {problems['kinds'] or ''} ({result['server']['log']})")
    for excerpt in problems["excerpts"][:3]:
        print("    " + excerpt.replace("\n", "\n    "))


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=200, help="jobs to submit in all (default 200)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--records", type=int, default=30, help="records per job's dataset (default 30)")
    parser.add_argument("--workers", type=int, default=2, help="job worker processes (default 2)")
    parser.add_argument("--stages", default="privacy", help="privacy (default) or privacy,curation")
    parser.add_argument("--ledger-url", default=None, help="ledger database URL (default: SQLite in the work "
                        "directory), e.g. postgresql+psycopg://user:pw@host/db")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds for every job to finish (default "
                        "1800)")
    parser.add_argument("--ready-timeout", type=float, default=300, help="seconds to wait for /readyz")
    parser.add_argument("--poll-interval", type=float, default=0.5, help="pause between a client's status "
                        "sweeps (default 0.5 s)")
    parser.add_argument("--work", default=None, help="work directory (default: a new temporary one, removed "
                        "after a clean run)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work directory")
    parser.add_argument("--json", type=Path, default=Path(__file__).parent / "out" / "service_load.json")
    args = parser.parse_args(argv)
    if min(args.jobs, args.clients, args.records) < 1 or args.workers < 1:
        parser.error("--jobs, --clients, --records and --workers must be at least 1")

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)  # unwinds through run()'s finally: the server is stopped

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    result = run(args)
    print_summary(result)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"  wrote {args.json}")
    clean = result["jobs"]["all_succeeded"] and result["ledger_verify"]["ok"]
    if clean and args.work is None and not args.keep:
        shutil.rmtree(result["work"], ignore_errors=True)
        print(f"  removed the work directory {result['work']}")
    elif args.work is None:
        print(f"  kept the work directory {result['work']} (server log, ledger, job outputs)")
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
