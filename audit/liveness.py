"""Which process wrote a run, and is it still running? So that a run killed mid-way (`kill -9`, a power cut)
is recorded as interrupted at the next start instead of reading as tampering, while a run another process
is still writing is left alone.

A process is named by host, pid and its start time in clock ticks since boot (`/proc/<pid>/stat`), so a
later process that reuses the pid is not mistaken for it.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

Liveness = Literal["running", "ended", "unknown"]


def _start_ticks(pid: int) -> int | None:
    """The start time of a live process `pid`; None when there is none (a zombie, killed but not yet
    reaped by its parent, is not alive)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces: split after its closing one
    fields = stat[stat.rfind(")") + 2:].split()
    if not fields or fields[0] in ("Z", "X"):
        return None
    try:
        return int(fields[19])  # field 22 of the whole line: starttime
    except (IndexError, ValueError):
        return None


def process_identity(pid: int | None = None) -> dict[str, Any]:
    """This process (or `pid` on this host), as recorded in a run's `run_started` entry."""
    import os

    pid = os.getpid() if pid is None else pid
    return {"host": socket.gethostname(), "pid": pid, "start_ticks": _start_ticks(pid)}


def liveness(identity: Mapping[str, Any] | None) -> Liveness:
    """'running' when the process is alive on this host, 'ended' when it is not, 'unknown' when the run
    was written on another host or without process details (by an older gdprep)."""
    if not identity or identity.get("host") != socket.gethostname():
        return "unknown"
    try:
        pid = int(identity["pid"])
    except (KeyError, TypeError, ValueError):
        return "unknown"
    ticks = _start_ticks(pid)
    if ticks is None:
        return "ended"
    recorded = identity.get("start_ticks")
    return "running" if recorded is None or int(recorded) == ticks else "ended"
