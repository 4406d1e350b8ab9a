"""How a synthetic record is marked: `meta.synthetic` holds what generated it (written by `gdprep synth`,
read by curation's synthetic-share cap). One definition, so the writer and the readers agree."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

META_FIELD: Final = "meta"
SYNTHETIC_KEY: Final = "synthetic"


def synthetic_marker(data: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The record's `meta.synthetic` object, or None for a real record. A CSV cell holds `meta` as JSON text."""
    if data is None:
        return None
    meta = data.get(META_FIELD)
    if isinstance(meta, str) and meta.lstrip().startswith("{"):
        try:
            meta = json.loads(meta)
        except ValueError:
            return None
    if not isinstance(meta, Mapping):
        return None
    marker = meta.get(SYNTHETIC_KEY)
    return dict(marker) if isinstance(marker, Mapping) else None


def mark_synthetic(data: Mapping[str, Any], marker: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the record with `meta.synthetic` set to `marker` (other `meta` keys kept)."""
    meta = data.get(META_FIELD)
    kept = dict(meta) if isinstance(meta, Mapping) else {}
    return {**data, META_FIELD: {**kept, SYNTHETIC_KEY: dict(marker)}}
