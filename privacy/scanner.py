"""Streaming records through detection: each record's findings resolved under the policy (those to redact and
those below the threshold), and its special-category outcome. Built once per run; reuses one engine or pool."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gdprep.errors import DetectionTimeout
from gdprep.fieldpaths import parse_path
from gdprep.policies import Policy
from gdprep.privacy.engine import DetectionPool
from gdprep.privacy.findings import Finding, TimedOut
from gdprep.privacy.special_categories import SpecialCategoryDetector, SpecialCategoryFlag
from gdprep.ray_cluster import EngineSpec
from gdprep.records import BadRecord, OnError, Record

if TYPE_CHECKING:
    from gdprep.privacy.distributed import RayDetectionPool

_ACTION_RANK = {"none": 0, "keep": 1, "review": 2, "drop": 3}
#: a value this short is scanned with its field's name in front ("bsn: 111222333", "customer phone: 0770..."),
#: so recognizers that need a context word find one; findings are shifted back to index the value itself
CONTEXT_MAX_CHARS = 256
_WORD_BREAK = re.compile(r"[\W_]+|(?<=[a-z0-9])(?=[A-Z])")


@functools.lru_cache(maxsize=4096)
def _context_label(path: str) -> str:
    """"meta.customerPhone" -> "customer phone: "; "" when the path names no key."""
    key = next((seg for seg in reversed(parse_path(path)) if isinstance(seg, str)), "")
    words = " ".join(w for w in _WORD_BREAK.split(key) if w).lower()
    return f"{words}: " if words else ""


def _shift_back(findings: list[Finding], shifts: Mapping[str, int]) -> list[Finding]:
    out = []
    for f in findings:
        shift = shifts.get(f.field, 0)
        if not shift:
            out.append(f)
        elif f.end > shift:  # a finding inside the field's name is not in the value
            out.append(dataclasses.replace(f, start=max(f.start - shift, 0), end=f.end - shift))
    return out


@dataclass(slots=True)
class ScannedRecord:
    """A record with its resolved findings and its special-category outcome."""

    record: Record
    findings: list[Finding] = field(default_factory=list)   # at/above threshold: these get redacted
    below: list[Finding] = field(default_factory=list)      # review band, under threshold: shown, not redacted
    flags: list[SpecialCategoryFlag] = field(default_factory=list)
    action: str = "none"                                     # none | keep | review | drop


class PrivacyScanner:
    """Streams records through detection. Built once per run; reuses one engine (or worker pool)."""

    def __init__(self, policy: Policy, *, workers: int = 1, engine: EngineSpec | None = None,
                 on_error: OnError = "fail", source: str = "input") -> None:
        self.policy, self.on_error, self.source = policy, on_error, source
        self.pool: DetectionPool | RayDetectionPool
        if engine is not None and engine.is_ray:
            from gdprep.privacy.distributed import RayDetectionPool

            self.pool = RayDetectionPool(policy, engine)
        else:
            self.pool = DetectionPool(policy, workers=workers)
        self.special = SpecialCategoryDetector()
        # free-text fields: their key says nothing about what is in them
        self._no_context = {*policy.fields.text_fields, policy.fields.message_content_key}

    def engine_info(self) -> dict[str, Any]:
        """The engine that runs detection, for the report and the ledger (a Ray cluster's size with it)."""
        if isinstance(self.pool, DetectionPool):
            return {"engine": "local", "workers": self.pool.workers}
        return self.pool.cluster.to_json()

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> PrivacyScanner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _special(self, record: Record) -> tuple[list[SpecialCategoryFlag], str]:
        flags = [flag for name, text in record.texts for flag in self.special.detect(text, name)]
        action = "none"
        for flag in flags:
            candidate = self.policy.special_categories.action_for(flag.category)
            if _ACTION_RANK[candidate] > _ACTION_RANK[action]:
                action = candidate
        return flags, action

    def _in_context(self, record: Record) -> tuple[list[tuple[str, str]], dict[str, int]]:
        """The texts to detect in, short values prefixed with their field's name, and each prefix's length."""
        texts: list[tuple[str, str]] = []
        shifts: dict[str, int] = {}
        for name, text in record.texts:
            if len(text) <= CONTEXT_MAX_CHARS:
                label = _context_label(name)
                if label and label[:-2] not in self._no_context and name not in self._no_context:
                    shifts[name] = len(label)
                    text = label + text
            texts.append((name, text))
        return texts, shifts

    def scan(self, batches: Iterator[list[Record | BadRecord]]) -> Iterator[ScannedRecord | BadRecord]:
        Batch = tuple[list[Record | BadRecord], list[dict[str, int]]]

        def records_of(items: list[Record | BadRecord]) -> tuple[Batch, list[list[tuple[str, str]]]]:
            prepared = [self._in_context(item) for item in items if isinstance(item, Record)]
            return (items, [shifts for _, shifts in prepared]), [texts for texts, _ in prepared]

        for (items, shifts_per_record), per_record in self.pool.map_records(records_of(b) for b in batches):
            results = iter(per_record)
            shifts_of = iter(shifts_per_record)
            for item in items:
                if isinstance(item, BadRecord):
                    yield item
                    continue
                found = next(results)
                shifts = next(shifts_of)
                if isinstance(found, TimedOut):  # a record like no other: set aside, or the run stops
                    if self.on_error == "fail":
                        raise DetectionTimeout(f"{self.source}, line {item.line}: {found.message}; or run with "
                                               "--on-error quarantine to set such records aside")
                    yield BadRecord(line=item.line, reason="detection_timeout", message=found.message,
                                    raw=json.dumps(item.data, ensure_ascii=False, default=str))
                    continue
                kept, below = found
                if shifts:
                    kept, below = _shift_back(kept, shifts), _shift_back(below, shifts)
                scanned = ScannedRecord(record=item, findings=kept, below=below)
                scanned.flags, scanned.action = self._special(item)
                yield scanned
