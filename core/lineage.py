"""The lineage hook every stage writes to: per-record events and dataset versions.

Stages take an optional `LineageSink`; the audit ledger (`gdprep.audit.lineage.RunRecorder`) is the
real one. Stages pass record ids and payloads of types, offsets, reason codes and hashes only; the sink
turns ids into keyed HMACs before anything is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol


class LineageSink(Protocol):
    def record(self, kind: str, record_id: str, payload: Mapping[str, Any]) -> None:
        """One event about one record (e.g. redacted with these finding types, removed by dedup)."""

    def record_hash(self, data: Mapping[str, Any]) -> str:
        """A keyed hash of a record's content (never a plain hash: records can be guessed)."""

    def subject_key(self, value: str) -> str:
        """A keyed HMAC of an identifier (a record id, a subject's e-mail)."""

    def event(self, kind: str, payload: Mapping[str, Any]) -> None:
        """An event of the run that is about no single record (a key's creation)."""

    def dataset(self, role: str, path: Path, records: int) -> None:
        """A dataset version: an input or output file, its SHA-256 and record count."""
