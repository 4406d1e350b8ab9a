"""A ledger entry and its hash: canonical JSON of the entry's fields, and its RFC 6962 leaf hash."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gdprep.audit.merkle import leaf_hash

#: the entries that end a run; a run with none of them has not finished
RUN_TERMINAL_KINDS = ("run_completed", "run_failed", "run_interrupted")


def canonical(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


@dataclass(frozen=True, slots=True)
class Entry:
    seq: int
    kind: str
    run_id: str | None
    record_key: str | None
    payload: dict[str, Any]
    created_at: str
    leaf: str  # hex leaf hash as stored

    @classmethod
    def from_row(cls, row: Any) -> Entry:
        """An entry as the `entries` table stores it (an unreadable payload is kept as a marker)."""
        return cls(int(row.seq), row.kind, row.run_id, row.record_key, load_payload(row.payload), row.created_at,
                   row.leaf_hash)

    def body(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "run_id": self.run_id, "record_key": self.record_key,
                "payload": self.payload, "created_at": self.created_at}


_UNREADABLE = "__gdprep_unreadable_payload__"


def load_payload(text: str) -> dict[str, Any]:
    """A stored payload; one that is not valid JSON is kept as a marker that can never hash correctly."""
    try:
        value = json.loads(text)
    except ValueError:
        return {_UNREADABLE: text}
    return value if isinstance(value, dict) else {_UNREADABLE: text}


def entry_leaf(body: Mapping[str, Any]) -> bytes:
    return leaf_hash(canonical(dict(body)))


def recomputed_leaf(entry: Entry) -> bytes | None:
    """The leaf hash of an entry's content, or None when the content cannot be canonical JSON."""
    if _UNREADABLE in entry.payload:
        return None
    try:
        return entry_leaf(entry.body())
    except (ValueError, TypeError):  # NaN or other non-canonical values
        return None
