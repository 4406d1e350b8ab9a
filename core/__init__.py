"""gdprep: GDPR-focused, fully offline data preparation for LLM fine-tuning."""

from __future__ import annotations

import os as _os

__version__ = "0.1.0"

# before any library that reports usage is imported (MLflow decides when it is imported): never send any
_os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
_os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
