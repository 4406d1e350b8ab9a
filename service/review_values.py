"""Where a review finding's original text is: the job's input file on the server, read again in memory.

The report and the ledger never hold a value, only a finding id (a hash of record id, field, offsets and type)
and a masked snippet that gives the value's shape. So the input is read with the reader the privacy stage used,
and the offsets whose finding id matches are found by searching the field for the shape. Nothing found here is
written anywhere; the callers (reveal, bulk decisions) decide what, if anything, leaves the process.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdprep.audit.ledger import Ledger
from gdprep.errors import UsageError
from gdprep.privacy.decisions import finding_id
from gdprep.privacy.report import HASHED_ID_PREFIX, MARK_CLOSE, MARK_OPEN
from gdprep.service.job import Job

#: a snippet shows at most this many characters of a value's shape, then an ellipsis (report.shape_of)
SHAPE_CHARS = 60
#: a value longer than its shown shape is looked for up to this length
MAX_VALUE_CHARS = 2000


class InputUnavailable(UsageError):
    """The job's input is no longer on the server as it ran (deleted, moved or changed): nothing can be shown."""


@dataclass(frozen=True, slots=True)
class Located:
    """One finding in the original text (in memory only)."""

    record_id: str
    field: str
    text: str
    start: int
    end: int

    @property
    def value(self) -> str:
        return self.text[self.start:self.end]


@dataclass(frozen=True, slots=True)
class _Target:
    finding_id: str
    record_label: str
    field: str
    entity_type: str
    shape: str

    def record_matches(self, record_id: str, ledger: Ledger) -> bool:
        if self.record_label == record_id or MARK_OPEN in self.record_label:  # masked: any record may be it
            return True
        if self.record_label.startswith(HASHED_ID_PREFIX):
            return ledger.record_key(record_id) == self.record_label.removeprefix(HASHED_ID_PREFIX)
        return False

    def field_matches(self, name: str) -> bool:
        return self.field == name or MARK_OPEN in self.field  # a data key in the path was masked


def normalised(value: str) -> str:
    """What two values must share to count as the same (bulk decisions): NFKC, case-folded, one space."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def shape_in_snippet(snippet: str, entity_type: str) -> str | None:
    """The shape the masked snippet shows for its finding (`⟦TYPE: Xxxx⟧` -> `Xxxx`)."""
    opening = f"{MARK_OPEN}{entity_type}: "
    start = snippet.find(opening)
    if start < 0:
        return None
    end = snippet.find(MARK_CLOSE, start + len(opening))
    return snippet[start + len(opening):end] if end > start else None


def _classes(text: str) -> str:
    """The shape of every character of `text` (as report.shape_of gives it), so a shape is found by str.find."""
    return "".join("9" if c.isdigit() else ("X" if c.isupper() else "x") if c.isalpha() else c for c in text)


def input_path(job: Job) -> Path:
    """The job's input as it ran, or InputUnavailable saying why it cannot be read again."""
    from gdprep.records import file_sha256

    if not job.input_path:
        raise InputUnavailable("this job read no input file, so there is no original text to show")
    path = Path(job.input_path)
    if not path.is_file():
        raise InputUnavailable("the job's input is no longer on the server (deleted or moved after the job ran), "
                               "so the original text cannot be shown; submit the data again to review it")
    if file_sha256(path) != job.input_sha256:
        raise InputUnavailable("the job's input changed on the server after the job ran, so its offsets no longer "
                               "point at the findings; submit the data again to review it")
    return path


def locate(ledger: Ledger, job: Job, items: Sequence[Mapping[str, Any]]) -> dict[str, Located]:
    """finding id -> where it is, for each review item (a dict of `reviews.review_items`) found in the input.
    One pass over the input; it stops once every item is found."""
    targets = [t for t in (_target(i) for i in items) if t is not None]
    found: dict[str, Located] = {}
    if not targets:
        return found
    path = input_path(job)
    for record_id, texts in _records(job, path):
        for target in targets:
            if target.finding_id in found or not target.record_matches(record_id, ledger):
                continue
            hit = _search(target, record_id, texts)
            if hit is not None:
                found[target.finding_id] = hit
        if len(found) == len(targets):
            break
    return found


def _target(item: Mapping[str, Any]) -> _Target | None:
    shape = shape_in_snippet(str(item.get("snippet", "")), str(item["entity_type"]))
    if not shape:
        return None
    return _Target(finding_id=str(item["finding_id"]), record_label=str(item["record_id"]), field=str(item["field"]),
                   entity_type=str(item["entity_type"]), shape=shape)


def _records(job: Job, path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    from gdprep.policies import load_policy
    from gdprep.records import Record, RecordReader

    policy = load_policy(job.policy)
    # as the privacy stage read it, so that content-hash ids and field paths come out the same
    reader = RecordReader(path, policy.fields, max_chars=policy.max_text_chars, on_error="quarantine")
    for batch in reader.batches():
        for rec in batch:
            if isinstance(rec, Record):
                yield rec.id, dict(rec.texts)


def _search(target: _Target, record_id: str, texts: Mapping[str, str]) -> Located | None:
    truncated = len(target.shape) == SHAPE_CHARS + 1 and target.shape.endswith("…")
    for name, text in texts.items():
        if not target.field_matches(name):
            continue
        classes = _classes(text)
        for start, end in _candidates(classes, target.shape, truncated):
            if finding_id(record_id, name, start, end, target.entity_type) == target.finding_id:
                return Located(record_id=record_id, field=name, text=text, start=start, end=end)
    return None


def _candidates(classes: str, shape: str, truncated: bool) -> Iterable[tuple[int, int]]:
    """(start, end) pairs whose text has the shape; a shape cut at SHAPE_CHARS may end anywhere after it."""
    core = shape[:SHAPE_CHARS] if truncated else shape
    start = classes.find(core)
    while start >= 0:
        yield start, start + len(core)
        if truncated:
            yield from ((start, end) for end in range(start + SHAPE_CHARS + 1,
                                                      min(len(classes), start + MAX_VALUE_CHARS) + 1))
        start = classes.find(core, start + 1)
