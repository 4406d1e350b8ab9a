"""Compliance officers' decisions on review-queue findings: stable finding ids, the decisions file, and
how a decision changes what one record redacts when the dataset is redacted again."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, get_args

from gdprep.errors import InputError, UsageError
from gdprep.privacy.findings import Finding

Decision = Literal["confirm", "reject"]
DECISIONS: Final[tuple[str, ...]] = get_args(Decision)
FINDING_ID_RE: Final = re.compile(r"f_[0-9a-f]{24}")
#: the report lists at most this many unmatched decision ids (all are counted)
MAX_UNMATCHED_LISTED: Final = 1000
NOT_APPLIED_DROPPED: Final = "record_dropped"
NOT_APPLIED_OVERLAP: Final = "overlaps_redacted_finding"


def finding_id(record_id: str, field: str, start: int, end: int, entity_type: str) -> str:
    """A stable, opaque id for one resolved finding: "f_" + 24 hex digits of the SHA-256 of the canonical
    JSON of where the finding is and what type it has. The same input under the same policy gives the same
    id on every run; the text value never enters it."""
    canonical = json.dumps({"record_id": record_id, "field": field, "start": start, "end": end,
                            "entity_type": entity_type}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "f_" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:24]


def finding_id_of(record_id: str, finding: Finding) -> str:
    return finding_id(record_id, finding.field, finding.start, finding.end, finding.entity_type)


def load_decisions(path: Path | str) -> dict[str, str]:
    """Read a decisions file: JSON lines `{"finding_id": "f_…", "decision": "confirm" | "reject"}`, as
    written by the review API. Blank lines are skipped and other keys (who decided, when) are allowed; a
    later line for the same finding replaces an earlier one, so the file can be an append-only log."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"decisions file {path} not found; give the JSONL file the review API wrote") from None
    except IsADirectoryError:
        raise UsageError(f"decisions file {path} is a directory; give a JSONL file") from None
    decisions: dict[str, str] = {}
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        decision_id, decision = _parse_line(line, path, number)
        decisions[decision_id] = decision
    return decisions


def _parse_line(line: bytes, path: Path, number: int) -> tuple[str, str]:
    def bad(message: str) -> InputError:
        return InputError(message, path=str(path), line=number, reason="bad_decision")

    try:
        row = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise bad("not UTF-8 text; save the decisions file as UTF-8") from None
    except json.JSONDecodeError as exc:
        raise bad(f"not valid JSON ({exc.msg}); each line must be one JSON object") from None
    except (RecursionError, ValueError):  # nested too deeply, or a number out of range
        raise bad("not a JSON object gdprep can read (nested too deeply or a number out of range); each line "
                  "must be one flat JSON object") from None
    if not isinstance(row, dict):
        raise bad(f'expected a JSON object {{"finding_id": ..., "decision": ...}} (got {type(row).__name__})')
    decision_id = row.get("finding_id")
    if not isinstance(decision_id, str) or not FINDING_ID_RE.fullmatch(decision_id):
        raise bad(f'"finding_id" must be an id from the report\'s review queue, like "f_" and 24 hex digits '
                  f"(got {decision_id!r})")
    decision = row.get("decision")
    if decision not in DECISIONS:
        raise bad(f'"decision" must be one of {list(DECISIONS)} (got {decision!r})')
    return decision_id, decision


@dataclass(slots=True)
class RecordDecisions:
    """What one record redacts once decisions are applied."""

    redact: list[Finding]                                   # redacted: kept findings not rejected, plus confirmed ones
    left: list[Finding]                                     # left as written: below threshold or rejected
    applied: dict[str, str] = field(default_factory=dict)   # finding id -> decision, for decisions that took effect
    not_applied: dict[str, str] = field(default_factory=dict)  # finding id -> reason, for matched ones that did not

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(self.applied.values()).items()))


def apply_decisions(record_id: str, kept: Sequence[Finding], below: Sequence[Finding],
                    decisions: Mapping[str, str]) -> RecordDecisions:
    """Apply decisions to one record's findings. `reject` on a kept finding leaves its text as written;
    `confirm` on a below-threshold finding redacts it, unless it would overlap a finding that is redacted
    anyway (then the redacted one wins, and the decision counts as applied only if its span is covered).
    `confirm` on a kept finding and `reject` on a below-threshold one change nothing but count as applied."""
    if not decisions:
        return RecordDecisions(list(kept), list(below))
    redact: list[Finding] = []
    left: list[Finding] = []
    applied: dict[str, str] = {}
    not_applied: dict[str, str] = {}
    for finding in kept:
        fid = finding_id_of(record_id, finding)
        decision = decisions.get(fid)
        if decision is not None:
            applied[fid] = decision
        (left if decision == "reject" else redact).append(finding)
    confirmed: list[tuple[str, Finding]] = []
    for finding in below:
        fid = finding_id_of(record_id, finding)
        decision = decisions.get(fid)
        if decision == "confirm":
            confirmed.append((fid, finding))
            continue
        if decision is not None:
            applied[fid] = decision
        left.append(finding)
    for fid, finding in sorted(confirmed, key=lambda pair: (pair[1].field, pair[1].start, -pair[1].end)):
        clashing = [f for f in redact if f.field == finding.field and f.start < finding.end and finding.start < f.end]
        if not clashing:
            redact.append(finding)
            applied[fid] = "confirm"
            continue
        left.append(finding)
        if any(f.start <= finding.start and finding.end <= f.end for f in clashing):
            applied[fid] = "confirm"   # its text is redacted as part of the finding that covers it
        else:
            not_applied[fid] = NOT_APPLIED_OVERLAP
    redact.sort(key=lambda f: (f.field, f.start))
    left.sort(key=lambda f: (f.field, f.start))
    return RecordDecisions(redact, left, applied, not_applied)


def matched_ids(record_id: str, findings: Sequence[Finding], decisions: Mapping[str, str]) -> list[str]:
    """The decision ids among `findings` (for a record that is dropped, where no decision can apply)."""
    if not decisions:
        return []
    ids = (finding_id_of(record_id, f) for f in findings)
    return [fid for fid in ids if fid in decisions]


class DecisionTally:
    """Run-level bookkeeping: which decisions matched a finding, which took effect, which matched nothing."""

    def __init__(self, decisions: Mapping[str, str]) -> None:
        self.decisions = decisions
        self._matched: set[str] = set()
        self._applied: Counter[str] = Counter({decision: 0 for decision in DECISIONS})
        self._not_applied: Counter[str] = Counter()

    def add(self, outcome: RecordDecisions) -> None:
        self._matched.update(outcome.applied)
        self._matched.update(outcome.not_applied)
        self._applied.update(outcome.applied.values())
        self._not_applied.update(outcome.not_applied.values())

    def add_dropped(self, ids: Sequence[str]) -> None:
        """Decisions on findings of a record dropped for special categories match but cannot apply."""
        self._matched.update(ids)
        self._not_applied[NOT_APPLIED_DROPPED] += len(ids)

    @property
    def n_applied(self) -> int:
        return sum(self._applied.values())

    def unmatched(self) -> list[str]:
        return sorted(fid for fid in self.decisions if fid not in self._matched)

    def to_json(self) -> dict[str, Any]:
        unmatched = self.unmatched()
        return {
            "given": len(self.decisions),
            "matched": len(self._matched),
            "applied": dict(self._applied),
            "applied_total": self.n_applied,
            "not_applied": dict(sorted(self._not_applied.items())),
            "unmatched_total": len(unmatched),
            "unmatched": unmatched[:MAX_UNMATCHED_LISTED],
            "unmatched_truncated": len(unmatched) > MAX_UNMATCHED_LISTED,
        }
