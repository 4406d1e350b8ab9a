"""Where gdprep keeps keys, the vault and the ledger database: `.gdprep/` or `$GDPREP_HOME`; and how a secret
file is written there."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

STATE_ENV = "GDPREP_HOME"


def state_dir(create: bool = True) -> Path:
    """Return the state directory, creating it with owner-only permissions when asked."""
    raw = os.environ.get(STATE_ENV)
    path = Path(raw).expanduser() if raw else Path.cwd() / ".gdprep"
    if create:
        path.mkdir(parents=True, exist_ok=True)
        try:
            path.chmod(0o700)
        except OSError:  # pragma: no cover - e.g. a mounted volume that ignores chmod
            pass
    return path


def write_new_file(path: Path, data: bytes) -> None:
    """Create `path` (FileExistsError if it exists) owner-only, whatever the umask, with `data` synced."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _staged_secret(path: Path, data: bytes) -> Path:
    """Key material written in full to a private file beside `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    write_new_file(staged, data)
    return staged


def create_secret(path: Path, data: bytes) -> bool:
    """Write key material to `path` unless it exists; True when this call created it. The file appears
    complete or not at all, and of racing creators (processes sharing the directory) exactly one wins:
    the others keep, and then read, the winner's key."""
    staged = _staged_secret(path, data)
    try:
        os.link(staged, path)  # fails if `path` exists, atomically
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: exclusive creation still picks one winner
        try:
            write_new_file(path, data)
        except FileExistsError:
            return False
    finally:
        staged.unlink()
    return True


def replace_secret(path: Path, data: bytes) -> None:
    """Replace key material atomically: a reader sees the old file or the new one, never a partial one."""
    os.replace(_staged_secret(path, data), path)
