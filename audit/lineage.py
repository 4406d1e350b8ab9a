"""Recording a stage run in the ledger: run events, dataset versions and per-record lineage.

    with ledger_run(ledger, "privacy", command="gdprep redact ...", policy_hash=...) as rec:
        run_redact(..., lineage=rec)

The run gets `run_started`, then its events (batched), then `run_completed` (or `run_failed` with the
error) and a signed checkpoint, whatever happens.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gdprep.audit.entries import canonical
from gdprep.audit.ledger import Ledger
from gdprep.records import file_sha256
from gdprep.versions import tool_versions

_FLUSH_AT = 5000


class RunRecorder:
    """A `gdprep.lineage.LineageSink` that appends to the ledger in batches."""

    def __init__(self, ledger: Ledger, run_id: str, stage: str) -> None:
        self.ledger = ledger
        self.run_id = run_id
        self.stage = stage
        self.counts: dict[str, int] = {}
        self._buffer: list[tuple[str, str | None, str | None, Mapping[str, Any]]] = []

    def subject_key(self, value: str) -> str:
        return self.ledger.record_key(value)

    def record_hash(self, data: Mapping[str, Any]) -> str:
        return hmac.new(self.ledger.hmac_key(), b"record\x00" + canonical(dict(data)), hashlib.sha256).hexdigest()

    def record(self, kind: str, record_id: str, payload: Mapping[str, Any]) -> None:
        self._buffer.append((kind, self.run_id, self.subject_key(record_id), {"stage": self.stage, **payload}))
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if len(self._buffer) >= _FLUSH_AT:
            self.flush()

    def event(self, kind: str, payload: Mapping[str, Any]) -> None:
        self._buffer.append((kind, self.run_id, None, {"stage": self.stage, **payload}))

    def dataset(self, role: str, path: Path, records: int, *, extra: Mapping[str, Any] | None = None) -> None:
        """A dataset version the run wrote; `extra` adds facts about it (a synthetic file's `synthetic` marker)."""
        self._buffer.append(("dataset_version", self.run_id, None,
                             {"stage": self.stage, "role": role, "name": path.name, "path": str(path.resolve()),
                              "sha256": file_sha256(path), "bytes": path.stat().st_size, "records": records,
                              **(extra or {})}))

    def input_dataset(self, role: str, path: Path, records: int) -> None:
        """A dataset the run read, in a named role (a training run's train, validation and test splits)."""
        self._buffer.append(("dataset_version", self.run_id, None,
                             {"stage": self.stage, "role": role, "direction": "input", "name": path.name,
                              "path": str(path.resolve()), "sha256": file_sha256(path),
                              "bytes": path.stat().st_size, "records": records}))

    def flush(self) -> None:
        if self._buffer:
            self.ledger.append_many(self._buffer)
            self._buffer = []


@contextmanager
def ledger_run(ledger: Ledger, stage: str, *, command: str, config: Mapping[str, Any] | None = None,
               policy_hash: str | None = None) -> Iterator[RunRecorder]:
    run_id = ledger.start_run(stage, command=command, config=config, policy_hash=policy_hash,
                              versions=tool_versions())
    recorder = RunRecorder(ledger, run_id, stage)
    try:
        yield recorder
    except BaseException as exc:
        recorder.flush()
        ledger.finish_run(run_id, stage, ok=False, summary=recorder.counts, error=type(exc).__name__)
        raise
    recorder.flush()
    ledger.finish_run(run_id, stage, ok=True, summary=recorder.counts)
