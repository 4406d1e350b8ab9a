"""Faults an operator meets: processes killed at any moment, bad input, a read-only disk.

- worker processes end with their parent (the parent-death signal and the parent-pid watcher, each alone),
  and a starting server stops job workers that a killed server left holding the vault lock;
- bad input never gives a traceback: a record nested 10,000 deep is quarantined as `bad_json` or stops the
  run with exit 2 naming the file and line; empty input is a run over 0 records; repeated ids are warned
  about and counted; every record is accounted for (in = out + quarantined + dropped);
- a run publishes all of its outputs or none, never beside an older run's, also when killed while it
  publishes; a read-only output or state directory is a clear exit 2;
- (slow) `kill -9` at random points of `redact --workers 2`, `curate` and a service job, then a rerun: no
  orphan process, no final-named partial output, the ledger verifies (or reports the interrupted run), and
  the rerun succeeds.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gdprep.processes import ProcessIdentity, flock_holders
from gdprep.service.cli import app
from tests.conftest import read_jsonl, write_jsonl

GDPREP = Path(sys.executable).with_name("gdprep")
TAG = "GDPREP_FAULT_TAG"  # set only by these tests, inherited by every descendant: how orphans are found
DEEP = '{"id": "deep", "text": "x", "n": ' + "[" * 10_000 + "]" * 10_000 + "}"
GOOD = [{"id": "g1", "text": "Please call Jane Smith on 020 7946 0958."},
        {"id": "g2", "text": "The order shipped on Tuesday."}]
#: `gdprep audit verify`: verified (0), or verified with an unsigned tail of a run that was killed (3)
VERIFY_OK = (0, 3)


# -- helpers ------------------------------------------------------------------------------------------------------
def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def _lines(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()) if path.exists() else 0


def _write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _staging_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".partial", ".publish", ".publish.tmp")))


def _assert_redact_accounts(src: Path, out: Path, report: Path, quarantine: Path | None = None) -> dict[str, Any]:
    """in = out + quarantined + dropped, from the report and again from the files themselves."""
    data = json.loads(report.read_text(encoding="utf-8"))
    records = data["records"]
    assert records["in"] == records["out"] + records["quarantined"] + records["dropped"], records
    quarantine = quarantine or out.with_name(out.stem + ".quarantine.jsonl")
    dropped = out.with_name(out.stem + ".dropped.jsonl")
    assert _lines(src) == _lines(out) + _lines(quarantine) + _lines(dropped) == records["in"]
    assert (_lines(out), _lines(quarantine), _lines(dropped)) == (records["out"], records["quarantined"],
                                                                  records["dropped"])
    return dict(data)


def _env(home: Path, tag: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GDPREP_")}
    env.update({"GDPREP_HOME": str(home), TAG: tag})
    return env


def _tagged(tag: str) -> list[int]:
    """Running processes (not zombies) whose environment carries this test's tag."""
    marker = f"{TAG}={tag}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
        except OSError:
            continue
        if ProcessIdentity.of(int(entry.name)) is not None:
            found.append(int(entry.name))
    return sorted(found)


def _wait_for(what: str, check: Callable[[], Any], timeout: float, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def _assert_no_orphans(tag: str, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while (left := _tagged(tag)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"processes outlived their killed parent: {left}"


@pytest.fixture
def reap() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts (each in its own session); whatever of their groups still runs at the end,
    orphans included when a test fails, is killed."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)


# -- processes end with their parent --------------------------------------------------------------------------------
PARENT_SCRIPT = """
import multiprocessing as mp, os, sys, time
from pathlib import Path

def child(parent_pid, mode, marker):
    if mode != "none":
        from gdprep.processes import die_with_parent
        die_with_parent(parent_pid, poll_s=0.2, use_signal=(mode == "signal"))
    Path(marker).write_text(str(os.getpid()))
    time.sleep(120)

if __name__ == "__main__":
    proc = mp.get_context("spawn").Process(target=child, args=(os.getpid(), sys.argv[1], sys.argv[2]))
    proc.start()
    time.sleep(120)
"""


@pytest.mark.parametrize(("mode", "survives"), [("signal", False), ("watcher", False), ("none", True)],
                         ids=["parent-death-signal", "parent-pid-watcher", "control-without-either"])
def test_a_worker_ends_when_its_parent_is_killed(tmp_path: Path, reap: list[subprocess.Popen[bytes]], mode: str,
                                                 survives: bool) -> None:
    """Each mechanism alone ends the child; the control (neither) shows the check would see a survivor."""
    script = tmp_path / "parent.py"
    script.write_text(PARENT_SCRIPT, encoding="utf-8")
    marker = tmp_path / "child.pid"
    parent = subprocess.Popen([sys.executable, str(script), mode, str(marker)], start_new_session=True)
    reap.append(parent)
    child_pid = int(_wait_for("the child to start", lambda: marker.exists() and marker.read_text(), 60))
    child = ProcessIdentity.of(child_pid)
    assert child is not None and child.alive()
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(10)
    deadline = time.monotonic() + (1.5 if survives else 5.0)
    while child.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        assert child.alive() is survives
    finally:
        if child.alive():
            os.kill(child_pid, signal.SIGKILL)


ORPHAN_SCRIPT = """
import fcntl, sys, time
from gdprep.service.orphans import WorkerRegistry
from gdprep.state import state_dir

lock = state_dir() / "vault.bin.lock"
held = None
if sys.argv[2] == "lock":
    held = open(lock, "w")
    fcntl.flock(held, fcntl.LOCK_EX)
WorkerRegistry.default().register(sys.argv[3], int(sys.argv[1]), [lock])
print("ready", flush=True)
time.sleep(120)
"""


def test_a_starting_server_stops_the_workers_a_killed_server_left_holding_the_vault(
        tmp_path: Path, _isolated_state: Path, reap: list[subprocess.Popen[bytes]]) -> None:
    from fastapi.testclient import TestClient

    from gdprep.service.api import create_app
    from gdprep.service.settings import ServiceSettings

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a server that was killed: its pid names no process now
    script = tmp_path / "orphan.py"
    script.write_text(ORPHAN_SCRIPT, encoding="utf-8")
    env = {**os.environ, "GDPREP_HOME": str(_isolated_state)}

    def worker(server_pid: int, lock: str, name: str) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen([sys.executable, str(script), str(server_pid), lock, name], env=env,
                                stdout=subprocess.PIPE)
        reap.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        return proc

    orphan = worker(gone.pid, "lock", "old-host:1:abc:w0")
    orphan_identity = ProcessIdentity.of(orphan.pid)
    assert orphan_identity is not None
    supervised = worker(os.getpid(), "no-lock", "live-host:2:def:w0")  # its server (this test) still runs
    lock = _isolated_state / "vault.bin.lock"
    registry = _isolated_state / "workers"
    assert flock_holders(lock) == {orphan.pid}
    assert {p.name for p in registry.glob("*.json")} == {f"{orphan.pid}.json", f"{supervised.pid}.json"}

    settings = ServiceSettings(root=tmp_path / "root", workers=0, ledger_url=f"sqlite:///{tmp_path / 'l.db'}")
    with TestClient(create_app(settings=settings)) as client:
        assert client.get("/healthz").status_code == 200
    assert not orphan_identity.alive()                 # stopped at start-up (and reaped: it was our child)
    assert supervised.poll() is None                   # another live server's worker is left alone
    assert flock_holders(lock) == set()
    with lock.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the vault is free again
    assert {p.name for p in registry.glob("*.json")} == {f"{supervised.pid}.json"}


# -- bad input: exit codes, messages naming file and line, conservation --------------------------------------------
@pytest.mark.parametrize("command", ["redact", "detect"])
def test_json_nested_10000_deep_is_quarantined_as_bad_json(tmp_path: Path, command: str) -> None:
    src = _write_lines(tmp_path / "in.jsonl", [json.dumps(GOOD[0]), DEEP, json.dumps(GOOD[1])])
    out, report, quarantine = tmp_path / "out.jsonl", tmp_path / "report.json", tmp_path / "out.quarantine.jsonl"
    extra = ["--report", str(report)] if command == "redact" else []
    code, output = invoke(command, "-i", str(src), "-o", str(out), *extra, "--on-error", "quarantine")
    assert code == 0, output
    assert "Traceback" not in output and "RecursionError" not in output
    (bad,) = read_jsonl(quarantine)
    assert (bad["reason"], bad["line"]) == ("bad_json", 2) and "nests" in bad["error"]
    assert [r["id"] for r in read_jsonl(out)] == ["g1", "g2"]
    assert "2 written, 1 quarantined, 0 dropped" in output
    if command == "redact":
        data = _assert_redact_accounts(src, out, report)
        assert data["records"]["quarantine_reasons"] == {"bad_json": 1}
    else:
        assert _lines(src) == _lines(out) + _lines(quarantine)


@pytest.mark.parametrize("command", ["redact", "detect", "curate"])
def test_json_nested_10000_deep_stops_the_run_with_exit_2_naming_file_and_line(tmp_path: Path,
                                                                               command: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    src = _write_lines(work / "in.jsonl", [json.dumps(GOOD[0]), DEEP, json.dumps(GOOD[1])])
    out = work / ("cur" if command == "curate" else "out.jsonl")
    extra = {"redact": ["-r", str(work / "report.json")], "detect": [], "curate": []}[command]
    code, output = invoke(command, "-i", str(src), "-o", str(out), *extra)
    assert code == 2, output
    assert f"{src}:2: " in output and "nests" in output and "--on-error quarantine" in output
    assert "Traceback" not in output and "RecursionError" not in output
    left = [p.name for p in (out if command == "curate" else work).rglob("*") if p != src]
    assert left == []  # nothing final-named, no staging files


def test_curate_quarantines_deep_json_and_accounts_for_every_record(tmp_path: Path) -> None:
    src = _write_lines(tmp_path / "in.jsonl", [json.dumps(GOOD[0]), DEEP, json.dumps(GOOD[1])])
    code, output = invoke("curate", "-i", str(src), "-o", str(tmp_path / "cur"), "--on-error", "quarantine")
    assert code == 0, output
    counts = json.loads((tmp_path / "cur" / "curation_report.json").read_text(encoding="utf-8"))["counts"]
    removed = read_jsonl(tmp_path / "cur" / "removals.jsonl")
    assert [(r["reason"], r["details"]["line"]) for r in removed if r["stage"] == "input"] == [("bad_json", 2)]
    split_lines = sum(_lines(tmp_path / "cur" / f"{s}.jsonl") for s in ("train", "validation", "test"))
    assert counts["input"] == 3 == split_lines + counts["removed"] and counts["removed"] == len(removed)


def test_empty_input_is_a_run_over_zero_records(tmp_path: Path) -> None:
    """The documented behaviour, the same as the service's: exit 0, empty outputs, a report of 0 records."""
    src = tmp_path / "empty.jsonl"
    src.write_bytes(b"")
    code, output = invoke("redact", "-i", str(src), "-o", str(tmp_path / "out.jsonl"), "-r",
                          str(tmp_path / "report.json"))
    assert code == 0, output
    assert "0 records in: 0 written, 0 quarantined, 0 dropped" in output
    data = _assert_redact_accounts(src, tmp_path / "out.jsonl", tmp_path / "report.json")
    assert data["records"]["in"] == 0 and (tmp_path / "out.jsonl").read_bytes() == b""
    code, output = invoke("detect", "-i", str(src), "-o", str(tmp_path / "findings.jsonl"))
    assert code == 0 and (tmp_path / "findings.jsonl").read_bytes() == b"", output
    code, output = invoke("curate", "-i", str(src), "-o", str(tmp_path / "cur"))
    assert code == 0 and "0 in -> train 0, validation 0, test 0, removed 0" in output, output


@pytest.mark.parametrize("command", ["redact", "detect"])
def test_repeated_ids_are_warned_about_and_counted(tmp_path: Path, command: str) -> None:
    rows = [{"id": "a", "text": "one"}, {"id": "b", "text": "two"}, {"id": "a", "text": "three"},
            {"id": "c", "text": "four"}, {"id": "a", "text": "five"}]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out, report = tmp_path / "out.jsonl", tmp_path / "report.json"
    extra = ["-r", str(report)] if command == "redact" else []
    code, output = invoke(command, "-i", str(src), "-o", str(out), *extra)
    assert code == 0, output
    assert f"warning: {src}: 2 record(s) repeat the id of an earlier record (lines 3, 5)" in output
    assert len(read_jsonl(out)) == len(rows)  # warned about, never dropped
    if command == "redact":
        data = _assert_redact_accounts(src, out, report)
        assert data["records"]["duplicate_ids"] == 2 and data["records"]["duplicate_id_lines"] == [3, 5]
    code, output = invoke(command, "-i", str(write_jsonl(tmp_path / "unique.jsonl", rows[:2])), "-o", str(out),
                          *extra)
    assert code == 0 and "repeat the id" not in output, output


def test_outputs_of_an_older_run_are_replaced_as_a_set(tmp_path: Path) -> None:
    """A run without bad records leaves no quarantine file of an earlier run beside its outputs."""
    out, report = tmp_path / "out.jsonl", tmp_path / "report.json"
    first = _write_lines(tmp_path / "first.jsonl", [json.dumps(GOOD[0]), "{broken", json.dumps(GOOD[1])])
    code, output = invoke("redact", "-i", str(first), "-o", str(out), "-r", str(report), "--on-error", "quarantine")
    assert code == 0 and _lines(tmp_path / "out.quarantine.jsonl") == 1, output
    second = write_jsonl(tmp_path / "second.jsonl", GOOD)
    code, output = invoke("redact", "-i", str(second), "-o", str(out), "-r", str(report), "--on-error", "quarantine")
    assert code == 0, output
    assert not (tmp_path / "out.quarantine.jsonl").exists()
    _assert_redact_accounts(second, out, report)
    assert _staging_leftovers(tmp_path) == []


KILLED_WHILE_PUBLISHING = """
import os, signal, sys
from pathlib import Path
from gdprep.staging import StagedOutputs

folder = Path(sys.argv[1])
staged = StagedOutputs.open(folder / ".out.jsonl.publish")
for name in ("out.jsonl", "report.json", "report.html", "out.quarantine.jsonl"):
    temp = staged.path(folder / name)
    if name != "out.quarantine.jsonl":  # this run had no bad records
        temp.write_text(f"new {name}\\n")
pairs = staged._pairs
moves = [(t, f) for t, f in pairs if t.exists()]
staged._write_journal(moves, [f for t, f in pairs if not t.exists()])
os.replace(*moves[0])                   # the first output is in place...
os.kill(os.getpid(), signal.SIGKILL)    # ...and the run is killed
"""


def test_a_run_killed_while_publishing_is_completed_by_the_next(tmp_path: Path) -> None:
    for name in ("out.jsonl", "report.json", "report.html", "out.quarantine.jsonl"):
        (tmp_path / name).write_text(f"old {name}\n")
    script = tmp_path.parent / "publish.py"
    script.write_text(KILLED_WHILE_PUBLISHING, encoding="utf-8")
    killed = subprocess.run([sys.executable, str(script), str(tmp_path)], check=False)
    assert killed.returncode == -signal.SIGKILL
    assert (tmp_path / "out.jsonl").read_text() == "new out.jsonl\n"  # half published: the state a kill leaves
    assert (tmp_path / "report.json").read_text() == "old report.json\n"
    assert (tmp_path / ".out.jsonl.publish").exists()

    from gdprep.staging import StagedOutputs

    assert StagedOutputs.recover(tmp_path / ".out.jsonl.publish")  # what the next run does first
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {
        "out.jsonl": "new out.jsonl\n", "report.json": "new report.json\n", "report.html": "new report.html\n"}


# -- a read-only file system --------------------------------------------------------------------------------------
READ_ONLY_SCRIPT = """
import json, os, subprocess, sys
from pathlib import Path
from typer.testing import CliRunner
from gdprep.errors import StorageError
from gdprep.policies import load_policy
from gdprep.privacy.pipeline import run_redact
from gdprep.service.cli import app

work = Path(sys.argv[1])
def read_only(folder):
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)

def run(*args):
    result = CliRunner().invoke(app, list(args))
    return {"code": result.exit_code, "output": result.output, "error": repr(result.exception)}

read_only(work / "ro-out")
read_only(work / "ro-reports")
results = {}
src = work / "in.jsonl"
results["output"] = run("redact", "-i", str(src), "-o", str(work / "ro-out" / "out.jsonl"), "-r", str(work / "r.json"))
results["report"] = run("redact", "-i", str(src), "-o", str(work / "out" / "out.jsonl"),
                        "-r", str(work / "ro-reports" / "report.json"))

# the report's folder turns read-only while the run is under way (after the checks at its start)
turned = []
def turn_read_only(_n):
    if not turned:
        read_only(work / "ro-late")
        turned.append(True)
try:
    run_redact(src, work / "out" / "out.jsonl", work / "ro-late" / "report.json", load_policy(None),
               progress=turn_read_only)
    results["late"] = {"error": "no error", "type": "none"}
except StorageError as exc:
    results["late"] = {"error": str(exc), "type": type(exc).__name__, "exit_code": exc.exit_code}

os.environ["GDPREP_HOME"] = str(work / "ro-home")
read_only(work / "ro-home")
results["state"] = run("redact", "-i", str(src), "-o", str(work / "out2" / "out.jsonl"), "-r", str(work / "r2.json"))
print(json.dumps(results))
"""


@pytest.fixture
def read_only_results(tmp_path: Path, _isolated_state: Path) -> dict[str, dict[str, Any]]:
    """Runs on read-only bind mounts, in a private mount namespace (`unshare`; no root needed)."""
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        pytest.skip("needs unshare(1) and mount(1) to make a read-only file system without root")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"unprivileged mount namespaces are not available here: {probe.stderr.decode()[:200]}")
    write_jsonl(tmp_path / "in.jsonl", GOOD)
    for name in ("ro-out", "ro-reports", "ro-late", "ro-home", "out"):
        (tmp_path / name).mkdir()
    (tmp_path / "out" / "out.jsonl").write_text("an older run's output\n")  # must survive the failed runs
    script = tmp_path / "ro.py"
    script.write_text(READ_ONLY_SCRIPT, encoding="utf-8")
    env = {**os.environ, "GDPREP_HOME": str(_isolated_state)}
    done = subprocess.run(["unshare", "-rm", sys.executable, str(script), str(tmp_path)], capture_output=True,
                          env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()[-3000:]
    return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))


def test_read_only_file_systems_are_clear_errors_and_publish_nothing(read_only_results: dict[str, dict[str, Any]],
                                                                     tmp_path: Path) -> None:
    cases = {"output": tmp_path / "ro-out" / "out.jsonl", "report": tmp_path / "ro-reports" / "report.json",
             "state": tmp_path / "ro-home"}
    for case, path in cases.items():
        got = read_only_results[case]
        assert got["code"] == 2, (case, got)
        assert f"cannot write {path}" in got["output"] and "read-only file system" in got["output"], (case, got)
        assert "Traceback" not in got["output"] and "OSError" not in got["error"], (case, got)
    # writing the report failed at the end of a run: its redacted output was not published either
    late = read_only_results["late"]
    assert late["type"] == "StorageError" and late["exit_code"] == 2, late
    assert f"cannot write {tmp_path / 'ro-late' / 'report.json'}: read-only file system" in late["error"]
    assert (tmp_path / "out" / "out.jsonl").read_text() == "an older run's output\n"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["out.jsonl"]  # no staging files left
    assert list((tmp_path / "ro-late").iterdir()) == []
    assert not (tmp_path / "out2").exists() or not any((tmp_path / "out2").iterdir())


# -- kill -9 at random points, then a rerun (slow: each run loads the detection models) -----------------------------
def _sample(path: Path, n: int, seed: int) -> Path:
    from gdprep.examples.generate import generate_sample

    return write_jsonl(path, generate_sample(n, seed=seed))


def _verify_ledger(home: Path, url: str | None = None) -> int:
    done = subprocess.run([str(GDPREP), "audit", "verify", *(["--ledger-url", url] if url else [])],
                          env=_env(home, "verify"), capture_output=True, timeout=300, check=False)
    assert done.returncode in VERIFY_OK, done.stdout.decode() + done.stderr.decode()
    return done.returncode


def _redact_outputs_consistent(folder: Path, inputs: dict[str, Path]) -> str | None:
    """Which input's run the final-named outputs belong to (None: there are none); fails on a partial or a
    mixed set."""
    names = {"out.jsonl", "out.quarantine.jsonl", "report.json", "report.html"}
    present = {p.name for p in folder.iterdir()} & names
    if not present:
        return None
    assert {"out.jsonl", "report.json", "report.html"} <= present, f"a partial set of outputs: {present}"
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))  # a torn file would not parse
    source = next(name for name, path in inputs.items() if report["paths"]["input"] == str(path))
    _assert_redact_accounts(inputs[source], folder / "out.jsonl", folder / "report.json")
    return source


@pytest.mark.slow
def test_redact_with_workers_killed_at_random_points(tmp_path: Path, reap: list[subprocess.Popen[bytes]]) -> None:
    seed = int(os.environ.get("GDPREP_FAULT_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    print(f"kill points drawn with GDPREP_FAULT_SEED={seed}")
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    old = _write_lines(tmp_path / "old.jsonl", [json.dumps(GOOD[0]), "{broken", json.dumps(GOOD[1])])
    new = _sample(tmp_path / "new.jsonl", 500, seed=3)
    inputs = {"old": old, "new": new}

    def redact(src: Path, tag: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{tag}.log").open("wb")
        proc = subprocess.Popen([str(GDPREP), "redact", "-i", str(src), "-o", str(work / "out.jsonl"), "-r",
                                 str(work / "report.json"), "--on-error", "quarantine", "--workers", "2"],
                                env=_env(home, tag), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        reap.append(proc)
        return proc

    first = redact(old, "first")
    assert first.wait(300) == 0, (tmp_path / "first.log").read_text()
    assert _redact_outputs_consistent(work, inputs) == "old"

    # first kill: once both workers run (the orphans the issue found); second: anywhere in the run
    for attempt in range(2):
        tag = f"kill-{attempt}-{uuid.uuid4().hex[:8]}"
        proc = redact(new, tag)
        if attempt == 0:
            _wait_for("two detection workers", lambda t=tag, p=proc: len(_tagged(t)) >= 3 or p.poll() is not None,
                      180)  # the parent, its two workers (and the resource tracker)
            time.sleep(rng.uniform(0.0, 5.0))
        else:
            time.sleep(rng.uniform(0.5, 40.0))
        finished = proc.poll() is not None
        if not finished:  # a run that ended first was reaped by poll(): its pid is no longer ours to kill
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        _assert_no_orphans(tag)
        owner = _redact_outputs_consistent(work, inputs)
        assert owner == "new" if finished else owner in ("old", "new")
        assert _verify_ledger(home) in VERIFY_OK

    again = redact(new, "rerun")
    assert again.wait(300) == 0, (tmp_path / "rerun.log").read_text()
    assert _redact_outputs_consistent(work, inputs) == "new"
    assert not (work / "out.quarantine.jsonl").exists()  # the old run's quarantine is gone with it
    assert _staging_leftovers(work) == []
    _assert_no_orphans("rerun")  # the grace a killed run gets: a worker or the resource tracker may be exiting
    _verify_ledger(home)


def _curated_consistent(folder: Path, inputs: dict[str, Path]) -> str | None:
    if not (folder / "curation_report.json").exists():
        assert not any(p.name in ("train.jsonl", "decisions.jsonl") for p in folder.iterdir()), \
            sorted(p.name for p in folder.iterdir())
        return None
    report = json.loads((folder / "curation_report.json").read_text(encoding="utf-8"))
    counts = report["counts"]
    for split in ("train", "validation", "test"):
        assert _lines(folder / f"{split}.jsonl") == counts[split], (split, counts)
    assert _lines(folder / "removals.jsonl") == counts["removed"]
    assert _lines(folder / "decisions.jsonl") == counts["input"]
    source = next(name for name, path in inputs.items() if report["input"]["path"] == str(path))
    assert counts["input"] == _lines(inputs[source])
    return source


@pytest.mark.slow
def test_curate_killed_at_random_points(tmp_path: Path, reap: list[subprocess.Popen[bytes]]) -> None:
    seed = int(os.environ.get("GDPREP_FAULT_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    print(f"kill points drawn with GDPREP_FAULT_SEED={seed}")
    home, out = tmp_path / "home", tmp_path / "cur"
    inputs = {"old": _sample(tmp_path / "old.jsonl", 120, seed=5), "new": _sample(tmp_path / "new.jsonl", 900, 6)}

    def curate(src: Path, tag: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{tag}.log").open("wb")
        proc = subprocess.Popen([str(GDPREP), "curate", "-i", str(src), "-o", str(out)], env=_env(home, tag),
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        reap.append(proc)
        return proc

    assert curate(inputs["old"], "first").wait(300) == 0, (tmp_path / "first.log").read_text()
    assert _curated_consistent(out, inputs) == "old"
    timings = []
    for attempt in range(3):
        tag = f"curate-{attempt}-{uuid.uuid4().hex[:8]}"
        proc = curate(inputs["new"], tag)
        delay = rng.uniform(0.3, 8.0)
        timings.append(round(delay, 2))
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        _assert_no_orphans(tag)
        assert _curated_consistent(out, inputs) in ("old", "new")
        assert _verify_ledger(home) in VERIFY_OK
    print(f"killed after {timings} s")
    assert curate(inputs["new"], "rerun").wait(300) == 0, (tmp_path / "rerun.log").read_text()
    assert _curated_consistent(out, inputs) == "new"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    _verify_ledger(home)


@pytest.mark.slow
def test_a_server_killed_mid_job_leaves_no_worker_and_the_job_reruns(tmp_path: Path,
                                                                    reap: list[subprocess.Popen[bytes]]) -> None:
    import httpx

    from gdprep.audit.ledger import Ledger
    from gdprep.service.keys import KeyStore

    home, root = tmp_path / "home", tmp_path / "root"
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    ledger = Ledger(url)
    key = KeyStore(ledger).create("faults-eng", "engineer")
    ledger.engine.dispose()
    headers = {"Authorization": f"Bearer {key}"}

    def serve(tag: str) -> tuple[subprocess.Popen[bytes], str]:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        log = (tmp_path / f"{tag}.log").open("ab")
        proc = subprocess.Popen([str(GDPREP), "serve", "--workers", "1", "--port", str(port), "--root", str(root),
                                 "--ledger-url", url], env=_env(home, tag), stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        reap.append(proc)
        base = f"http://127.0.0.1:{port}"

        def ready() -> bool:
            try:
                return httpx.get(base + "/readyz", timeout=5).status_code == 200
            except httpx.TransportError:
                return proc.poll() is not None
        _wait_for("the server to be ready", ready, 240, every=1.0)
        assert proc.poll() is None, (tmp_path / f"{tag}.log").read_text()[-3000:]
        return proc, base

    tag = f"server-{uuid.uuid4().hex[:8]}"
    server, base = serve(tag)
    src = _sample(tmp_path / "big.jsonl", 1500, seed=11)
    submitted = httpx.post(base + "/v1/jobs", files={"file": ("big.jsonl", src.read_bytes())},
                           data={"stages": "privacy"}, headers=headers, timeout=120)
    assert submitted.status_code == 202, submitted.text
    job_id = submitted.json()["id"]

    def running() -> bool:
        job = httpx.get(f"{base}/v1/jobs/{job_id}", headers=headers, timeout=30).json()
        assert job["status"] in ("queued", "running"), job
        return job["status"] == "running" and job["progress"]["privacy"]["done"] > 0

    _wait_for("the job to be running", running, 240, every=0.5)
    workers = [pid for pid in _tagged(tag) if pid != server.pid]
    assert workers, "no job worker process found"
    os.kill(server.pid, signal.SIGKILL)  # the server alone, as a crash would: not its process group
    server.wait(30)
    _assert_no_orphans(tag)
    assert not (root / "jobs" / job_id).exists()  # nothing published under the final name
    assert _verify_ledger(home, url) in VERIFY_OK

    server, base = serve(f"restart-{uuid.uuid4().hex[:8]}")
    lost = httpx.get(f"{base}/v1/jobs/{job_id}", headers=headers, timeout=30).json()
    assert lost["status"] == "interrupted", lost
    assert not (root / "jobs" / f"{job_id}.partial").exists()
    again = httpx.post(f"{base}/v1/jobs/{job_id}/resubmit", headers=headers, timeout=30)
    assert again.status_code == 202, again.text

    def succeeded() -> dict[str, Any] | None:
        job = httpx.get(f"{base}/v1/jobs/{again.json()['id']}", headers=headers, timeout=30).json()
        assert job["status"] in ("queued", "running", "succeeded"), job
        return job if job["status"] == "succeeded" else None

    done = _wait_for("the resubmitted job", succeeded, 400, every=1.0)
    privacy = done["summary"]["privacy"]
    assert privacy["in"] == 1500 == privacy["out"] + privacy["quarantined"] + privacy["dropped"]
    server.send_signal(signal.SIGTERM)
    server.wait(90)
    _verify_ledger(home, url)
