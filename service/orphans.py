"""The job workers' registry: one file per live worker in the state directory, so that a server started
after another was killed can find that server's workers if they outlived it, and stop them.

Workers end with their server (`gdprep.processes.die_with_parent`); this is the second line of defence, for
a worker whose parent-death signal could not be armed, or that was started by an older gdprep. Each entry
names the worker and its server by pid and start time, so a pid reused by another process is never
signalled, and lists the locks it takes (the vault's), so the server can check that they were released.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from gdprep.processes import ProcessIdentity, flock_holders

log = logging.getLogger("gdprep.jobs")

REGISTRY_DIR = "workers"


@dataclass(frozen=True, slots=True)
class WorkerEntry:
    """One registered worker: itself, its server, and the lock files it may hold."""

    path: Path
    name: str
    host: str
    worker: ProcessIdentity
    server: ProcessIdentity
    locks: tuple[str, ...]


class WorkerRegistry:
    """`<state dir>/workers/<pid>.json` for every job worker running on this host."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def default(cls) -> WorkerRegistry:
        from gdprep.state import state_dir

        return cls(state_dir() / REGISTRY_DIR)

    def register(self, name: str, server_pid: int, locks: list[Path]) -> Path:
        """Called by a worker at start: record it, its server (its parent) and its lock files."""
        me = ProcessIdentity.current()
        server = ProcessIdentity.of(server_pid) or ProcessIdentity(server_pid, None)
        body = {"name": name, "host": socket.gethostname(), "pid": me.pid, "pid_start": me.start,
                "server_pid": server.pid, "server_start": server.start, "locks": [str(p) for p in locks]}
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.folder / f"{me.pid}.json"
        tmp = path.with_name(f".{path.name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, json.dumps(body, sort_keys=True).encode("utf-8"))
        finally:
            os.close(fd)
        os.replace(tmp, path)
        return path

    def entries(self) -> list[WorkerEntry]:
        found: list[WorkerEntry] = []
        if not self.folder.is_dir():
            return found
        for path in sorted(self.folder.glob("*.json")):
            try:
                body = json.loads(path.read_text(encoding="utf-8"))
                found.append(WorkerEntry(
                    path=path, name=str(body["name"]), host=str(body["host"]),
                    worker=ProcessIdentity(int(body["pid"]), body.get("pid_start")),
                    server=ProcessIdentity(int(body["server_pid"]), body.get("server_start")),
                    locks=tuple(str(p) for p in body.get("locks", ()))))
            except (OSError, ValueError, KeyError, TypeError):
                log.warning("ignoring an unreadable worker registry entry %s", path.name)
                path.unlink(missing_ok=True)
        return found

    def stop_orphans(self, grace_s: float = 5.0) -> list[int]:
        """Stop every registered worker on this host whose server is gone; drop the entries of workers that
        have ended. Returns the pids stopped. A worker of a server that is still running is left alone."""
        host = socket.gethostname()
        stopped = []
        for entry in self.entries():
            if entry.host != host:
                continue
            if not entry.worker.alive():
                entry.path.unlink(missing_ok=True)
                continue
            if entry.server.alive():
                continue
            held = [lock for lock in entry.locks if entry.worker.pid in flock_holders(Path(lock))]
            log.warning("stopping job worker %s (pid %d) left running by a server that is gone%s", entry.name,
                        entry.worker.pid, f"; it holds {', '.join(held)}" if held else "")
            if entry.worker.stop(grace_s):
                stopped.append(entry.worker.pid)
                entry.path.unlink(missing_ok=True)
            else:
                log.error("could not stop the orphaned job worker pid %d; stop it by hand", entry.worker.pid)
        return stopped
