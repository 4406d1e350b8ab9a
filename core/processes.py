"""Worker processes that never outlive their parent, and telling a live process from a reused pid.

A worker calls `die_with_parent` first thing: on Linux the kernel kills it when its parent dies
(`PR_SET_PDEATHSIG`), and everywhere a watcher thread checks the parent pid once a second, which also covers
a parent that died before the signal was armed. `ProcessIdentity` is a pid with its start time, so that a
process recorded earlier is never confused with an unrelated one that got the same pid since.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_PROC = Path("/proc")


def _arm_parent_death_signal(sig: int) -> bool:
    """Ask Linux to send `sig` to this process when its parent dies; False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent_pid: int, poll_s: float) -> None:
    while True:
        if os.getppid() != parent_pid:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(poll_s)


def die_with_parent(parent_pid: int, *, poll_s: float = 1.0, use_signal: bool = True) -> None:
    """Make this process end (SIGKILL) when the process `parent_pid`, which started it, ends.

    Call it first thing in a child process, with the parent's pid passed from the parent (the child cannot
    tell its parent died before this call otherwise). The parent-death signal is tied to the thread that
    started the child, so start workers from a thread that lives as long as they should. `use_signal=False`
    relies on the watcher thread alone (what every platform without the signal gets)."""
    if use_signal:
        _arm_parent_death_signal(signal.SIGKILL)
    if os.getppid() != parent_pid:  # it died before the signal was armed: nobody would ever send it
        os.kill(os.getpid(), signal.SIGKILL)
    threading.Thread(target=_watch_parent, args=(parent_pid, poll_s), daemon=True,
                     name="gdprep-parent-watch").start()


@dataclass(frozen=True, slots=True)
class ProcessIdentity:
    """A process as a pid plus its start time (clock ticks after boot, from /proc), so that a pid reused by
    another process since is not taken for it. `start` is None where /proc is not available."""

    pid: int
    start: int | None

    @classmethod
    def of(cls, pid: int) -> ProcessIdentity | None:
        """The identity of the running process `pid`, or None when there is none (or only a zombie)."""
        stat = _stat(pid)
        if stat is None:
            if _PROC.is_dir():
                return None
            try:  # no /proc: liveness only
                os.kill(pid, 0)
            except ProcessLookupError:
                return None
            except PermissionError:
                pass
            return cls(pid, None)
        state, start = stat
        return None if state in ("Z", "X") else cls(pid, start)

    @classmethod
    def current(cls) -> ProcessIdentity:
        return cls.of(os.getpid()) or cls(os.getpid(), None)

    def alive(self) -> bool:
        """This very process is still running (same pid and start time, not a zombie)."""
        now = ProcessIdentity.of(self.pid)
        return now is not None and (self.start is None or now.start is None or now.start == self.start)

    def stop(self, grace_s: float = 5.0) -> bool:
        """SIGTERM, then SIGKILL after `grace_s`; True once it is gone. Never signals a process whose start
        time differs (the pid was reused), nor, without /proc, any process at all (it could be anyone's)."""
        if self.start is None:
            return not self.alive()
        for sig, wait in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
            if not self.alive():
                return True
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                with contextlib.suppress(ChildProcessError, OSError):
                    os.waitpid(self.pid, os.WNOHANG)  # reap it if it is our own child
                if not self.alive():
                    return True
                time.sleep(0.05)
        return not self.alive()


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, start time) from /proc/PID/stat, or None."""
    try:
        raw = (_PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may itself hold spaces or parentheses
    fields = raw[raw.rfind(")") + 2:].split()
    try:
        return fields[0], int(fields[19])
    except (IndexError, ValueError):
        return None


def children_of(pid: int) -> list[int]:
    """The pids of the running processes whose parent is `pid` (from /proc; empty without it)."""
    found: list[int] = []
    if not _PROC.is_dir():
        return found
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        fields = raw[raw.rfind(")") + 2:].split()
        if len(fields) > 1 and fields[1] == str(pid) and fields[0] not in ("Z", "X"):
            found.append(int(entry.name))
    return sorted(found)


def flock_holders(path: Path) -> set[int]:
    """The pids that hold an flock or POSIX lock on `path`, from /proc/locks (empty without it)."""
    try:
        st = path.stat()
        lines = (_PROC / "locks").read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return set()
    holders = set()
    for line in lines:
        parts = line.split()
        # "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; blocked waiters are marked "->"
        if "->" in parts or len(parts) < 6:
            continue
        try:
            pid = int(parts[4])
            major, minor, inode = parts[5].split(":")
            same = (int(inode) == st.st_ino and int(major, 16) == os.major(st.st_dev)
                    and int(minor, 16) == os.minor(st.st_dev))
        except ValueError:
            continue
        if same:
            holders.add(pid)
    return holders
