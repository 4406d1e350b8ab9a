"""Cleaning up a local Ray that a killed run started: `python -m gdprep.reaper PARENT_PID MARKER TEMP_DIR`.

Ray's head processes share their fate with the process that started them, but the agents the raylet starts
(the dashboard and runtime-env agents) outlive a `kill -9` of that process. The run starts this reaper first:
it waits for the run to end, then kills every process whose environment carries the run's marker
(`GDPREP_RAY_SESSION=MARKER`, set before Ray starts, so every Ray process inherits it) and removes Ray's
temp dir (logs, sockets, spilled objects). After a clean end there is nothing left for it to do.
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


def marked_processes(marker: str) -> list[int]:
    """The pids of running processes whose environment holds `GDPREP_RAY_SESSION=marker` (this one aside)."""
    needle = f"{MARKER_ENV}={marker}".encode()
    found = []
    for entry in _PROC.iterdir() if _PROC.is_dir() else ():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        with contextlib.suppress(OSError):
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
    return found


def reap(marker: str, temp_dir: Path, *, quiet_s: float = 5.0, limit_s: float = 30.0) -> int:
    """SIGKILL every marked process until none has been seen for `quiet_s` (a dying raylet may still be
    starting a worker while we look), for at most `limit_s`; then remove `temp_dir`. Returns how many
    processes were killed."""
    killed = 0
    started = last_seen = time.monotonic()
    while time.monotonic() - last_seen < quiet_s and time.monotonic() - started < limit_s:
        pids = marked_processes(marker)
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
