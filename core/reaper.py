"""Cleaning up a local Ray that a killed run started: `python -m gdprep.reaper PARENT_PID MARKER TEMP_DIR`.

Ray's head processes share their fate with the process that started them, but the agents the raylet starts
(the dashboard and runtime-env agents) outlive a `kill -9` of that process. The run starts this reaper first:
it waits for the run to end, then kills every process whose environment carries the run's marker
(`GDPREP_RAY_SESSION=MARKER`, set before Ray starts, so every Ray process inherits it) or that holds a file
open in the run's private Ray temp dir, and removes that temp dir (logs, sockets, spilled objects). After a
clean end there is nothing left for it to do.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import time
from pathlib import Path

MARKER_ENV = "GDPREP_RAY_SESSION"
_PROC = Path("/proc")


def marked_processes(marker: str, temp_dir: Path | None = None) -> list[int]:
    """The pids of running processes (this one aside) whose environment holds `GDPREP_RAY_SESSION=marker`,
    or, with `temp_dir`, that hold a file open under it. Every process of a local Ray keeps its log files open
    in the run's private temp dir, and that stays visible when `/proc/PID/environ` no longer shows the marker
    (a CI run once left the dashboard and runtime-env agents behind without it)."""
    needle = f"{MARKER_ENV}={marker}".encode()
    found = []
    for entry in _PROC.iterdir() if _PROC.is_dir() else ():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if needle in (entry / "environ").read_bytes().split(b"\0") or (
                    temp_dir is not None and _holds_file_under(entry, temp_dir)):
                found.append(int(entry.name))
    return found


def _holds_file_under(proc: Path, directory: Path) -> bool:
    prefix = str(directory).rstrip("/") + "/"
    for fd in (proc / "fd").iterdir():
        with contextlib.suppress(OSError):
            if os.readlink(fd).startswith(prefix):
                return True
    return False


def reap(marker: str, temp_dir: Path, *, quiet_s: float = 5.0, limit_s: float = 30.0) -> int:
    """SIGKILL every marked process until none has been seen for `quiet_s` (a dying raylet may still be
    starting a worker while we look), for at most `limit_s`; then remove `temp_dir`. Returns how many
    processes were killed."""
    killed = 0
    started = last_seen = time.monotonic()
    while time.monotonic() - last_seen < quiet_s and time.monotonic() - started < limit_s:
        pids = marked_processes(marker, temp_dir)
        if pids:
            last_seen = time.monotonic()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
        time.sleep(0.2)
    shutil.rmtree(temp_dir, ignore_errors=True)
    return killed


def main(argv: list[str]) -> None:
    parent, marker, temp_dir = int(argv[0]), argv[1], Path(argv[2])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # the run ended cleanly and says so
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C is the run's to handle; then the run ends
    while os.getppid() == parent:
        time.sleep(0.5)
    reap(marker, temp_dir)


if __name__ == "__main__":
    main(sys.argv[1:])
