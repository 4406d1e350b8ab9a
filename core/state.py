"""Where gdprep keeps keys, the vault and (later) its database: `.gdprep/` or `$GDPREP_HOME`."""

from __future__ import annotations

import os
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


def write_secret(path: Path, data: bytes) -> None:
    """Write key material so that only the owner can ever read it (no window with wider modes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    path.chmod(0o600)
