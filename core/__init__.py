"""gdprep: GDPR-focused, fully offline data preparation for LLM fine-tuning.

The Python API, with the CLI's arguments and defaults: `from gdprep import detect, redact, curate, train, probe,
synth, export_adapter` (see `gdprep.service.python_api`). It is imported on first use, so `import gdprep` stays cheap.
"""

from __future__ import annotations

import os as _os
from typing import Any as _Any

__version__ = "0.1.0"

# before any library that reports usage is imported (MLflow decides when it is imported): never send any
_os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
_os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

__all__ = ["__version__", "curate", "detect", "export_adapter", "probe", "redact", "synth", "train"]
_API = frozenset({"detect", "redact", "curate", "train", "probe", "synth", "export_adapter"})


def __getattr__(name: str) -> _Any:
    """The API functions, imported from the service layer on first use (PEP 562)."""
    if name in _API:
        from gdprep.service import python_api

        return getattr(python_api, name)
    raise AttributeError(f"module 'gdprep' has no attribute {name!r}")
