"""Settings of the HTTP service: where it keeps uploads and outputs, what it may read, how hard it works."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdprep.errors import UsageError


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise UsageError(f"${name} must be a whole number (got {raw!r})") from None


def _paths_env(name: str) -> tuple[Path, ...]:
    """A list of directories in an environment variable, separated like $PATH."""
    return tuple(Path(p).expanduser() for p in os.environ.get(name, "").split(os.pathsep) if p)


@dataclass(frozen=True, slots=True)
class ServiceSettings:
    """Where the service keeps uploads and outputs, what it may read, and how hard it works.

    Every field has an environment variable so that `gdprep serve` and `uvicorn --factory` agree."""

    root: Path                                  # uploads/ and jobs/ live here ($GDPREP_SERVICE_ROOT)
    input_roots: tuple[Path, ...] = ()          # server-side inputs must be under one ($GDPREP_INPUT_ROOTS, ':')
    max_upload_bytes: int = 512 * 1024 * 1024   # $GDPREP_MAX_UPLOAD_BYTES
    workers: int = 1                            # worker processes; 0 runs no jobs ($GDPREP_WORKERS)
    ledger_url: str | None = None               # None: $GDPREP_LEDGER_URL, else SQLite in the state dir
    heartbeat_s: float = 2.0
    stale_after_s: float = 30.0                 # a running job without a heartbeat this long is interrupted
    cancel_grace_s: float = 20.0                # then a worker that ignores a cancel is stopped
    auth_failures_per_minute: int = 30          # failed sign-ins per client, then 429 ($GDPREP_AUTH_FAILURES)
    model_roots: tuple[Path, ...] = ()          # base models of training jobs must be under one ($GDPREP_MODEL_ROOTS)
    training_configs: Path | None = None        # named training configs ($GDPREP_TRAINING_CONFIGS;
                                                # default <root>/training-configs)

    @classmethod
    def from_env(cls, **overrides: Any) -> ServiceSettings:
        from gdprep.state import state_dir

        root = Path(os.environ.get("GDPREP_SERVICE_ROOT") or state_dir() / "service")
        values: dict[str, Any] = {
            "root": root, "input_roots": _paths_env("GDPREP_INPUT_ROOTS"),
            "model_roots": _paths_env("GDPREP_MODEL_ROOTS"),
            "training_configs": os.environ.get("GDPREP_TRAINING_CONFIGS") or None,
            "max_upload_bytes": _int_env("GDPREP_MAX_UPLOAD_BYTES", 512 * 1024 * 1024),
            "workers": _int_env("GDPREP_WORKERS", 1),
            "auth_failures_per_minute": _int_env("GDPREP_AUTH_FAILURES", 30),
            "ledger_url": os.environ.get("GDPREP_LEDGER_URL") or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["root"] = Path(values["root"])
        values["input_roots"] = tuple(Path(p) for p in values["input_roots"])
        values["model_roots"] = tuple(Path(p) for p in values["model_roots"])
        if values.get("training_configs") is not None:
            values["training_configs"] = Path(values["training_configs"]).expanduser()
        return cls(**values)

    @property
    def jobs_dir(self) -> Path:
        return self.root / "jobs"

    @property
    def uploads_dir(self) -> Path:
        return self.root / "uploads"

    @property
    def adapters_dir(self) -> Path:
        """Each training job's adapter, manifest, probe and evaluation reports: `<adapters>/<job id>/`, outside
        the job's own directory, because the ledger and the model registry keep pointing at them."""
        return self.root / "adapters"

    @property
    def training_configs_dir(self) -> Path:
        return self.training_configs or self.root / "training-configs"

