"""The redaction report for compliance officers: bounded-memory counters fed once per record while
streaming, written as JSON plus one self-contained HTML page. Raw PII never enters the report."""

from __future__ import annotations

import functools
import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from gdprep.fieldpaths import FieldPathError, data_key_paths, escape_key, mask_data_keys, parse_path
from gdprep.policies.schema import Policy
from gdprep.privacy.decisions import finding_id_of
from gdprep.privacy.findings import Finding
from gdprep.privacy.subjects import looks_like_personal_data
from gdprep.versions import tool_versions

REPORT_SCHEMA_VERSION: Final = 1
RECORD_ACTIONS: Final[tuple[str, ...]] = ("redacted", "review", "dropped", "unchanged")
HISTOGRAM_BINS: Final = 10
#: counters keyed by free-form strings (cues, reasons, recognizer names) stop growing at this many keys
MAX_DISTINCT_KEYS: Final = 1000
OTHER_KEY: Final = "(other)"
MARK_OPEN: Final = "\u27e6"   # ⟦ — cannot be confused with text a record is likely to contain
MARK_CLOSE: Final = "\u27e7"  # ⟧
_MAX_SHAPE_CHARS: Final = 60
#: a record id that looks like personal data is shown as this prefix and the ledger's keyed hash of it
HASHED_ID_PREFIX: Final = "record_key:"
#: ... or, where no ledger keys the hash, as this
MASKED_ID: Final = f"{MARK_OPEN}personal id{MARK_CLOSE}"

_INDEX_RE = re.compile(r"\[\d+\]")
_URL_RE = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE)
_EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# digit groups joined by single separators count as one number, so "020 7946 0958" is masked whole
_DIGIT_GROUP_RE = re.compile(r"\d+(?:[ \-./]\d+)*")
_DIGIT_RE = re.compile(r"\d")
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class FlagInfo:
    """A special-category flag as the report sees it: the category, its cue phrase and where it was."""

    category: str
    cue: str
    field: str
    start: int
    end: int


# --------------------------------------------------------------------------------------------- masking

def shape_of(value: str) -> str:
    """Letters become x/X, digits 9, everything else stays: "Jane Doe" -> "Xxxx Xxx"."""
    out = []
    for char in value[:_MAX_SHAPE_CHARS]:
        if char.isdigit():
            out.append("9")
        elif char.isalpha():
            out.append("X" if char.isupper() else "x")
        else:
            out.append(char)
    return "".join(out) + ("…" if len(value) > _MAX_SHAPE_CHARS else "")


_WORD_RE: Final = re.compile(r"[^\W\d_][\w'’-]*")


@functools.cache
def _common_words() -> frozenset[str]:
    """Words that may stand in a snippet as written: the English dictionary in the installed spaCy model
    and spaCy's stop-word lists for the languages we scan. A word outside it (a surname the detector
    missed, a user name) is shown only by its shape."""
    from gdprep.privacy.wordlists import english_words, stop_words

    return english_words() | stop_words("en", "de", "fr", "nl", "it", "es")


def mask_residual(text: str) -> str:
    """Mask what no recognizer reported but may still be personal: URLs, e-mail-like tokens, numbers
    with three or more digits, and every word that is not a common dictionary word (shown by shape:
    "said hi to Xxxxxx near Elm Walk" becomes "said hi to Xxxxxx near Xxx Xxxx")."""
    text = _URL_RE.sub(f"{MARK_OPEN}url{MARK_CLOSE}", text)
    text = _EMAIL_RE.sub(f"{MARK_OPEN}email{MARK_CLOSE}", text)

    def _digits(match: re.Match[str]) -> str:
        group = match.group()
        return _DIGIT_RE.sub("9", group) if sum(c.isdigit() for c in group) >= 3 else group

    text = _DIGIT_GROUP_RE.sub(_digits, text)
    common = _common_words()

    def _word(match: re.Match[str]) -> str:
        word = match.group()
        if word in ("url", "email") or word.lower() in common:
            return word
        return shape_of(word)

    return _WORD_RE.sub(_word, text)


def mask_snippet(text: str, start: int, end: int, spans: Sequence[tuple[int, int, str]],
                 window: int = 40) -> str:
    """A masked context snippet around text[start:end].

    The finding itself is shown by its shape as `⟦TYPE: Xxxx⟧` (its type is taken from the first span
    in `spans` with the same offsets, "PII" if none); every other span touching the window becomes `⟦TYPE⟧`; the rest
    passes through `mask_residual`. The window is trimmed at word boundaries and ellipsised.
    """
    length = len(text)
    start = max(0, min(start, length))
    end = max(start, min(end, length))
    label = next((kind for s, e, kind in spans if s == start and e == end), "PII")

    lo = max(0, start - max(window, 0))
    if lo > 0 and not text[lo - 1].isspace():
        # drop the partial word the window starts in; a word running into the finding goes entirely
        space = next((i for i in range(lo, start) if text[i].isspace()), start - 1)
        lo = space + 1
    hi = min(length, end + max(window, 0))
    if hi < length and not text[hi].isspace():
        hi = next((i for i in range(hi - 1, end - 1, -1) if text[i].isspace()), end)

    # each position in the window is owned by the target (0), by another span (1..n) or by nobody (-1);
    # earlier, longer spans win overlaps so a nested span never splits its container needlessly
    owner = [-1] * (hi - lo)
    for i in range(start, end):
        owner[i - lo] = 0
    others = sorted(((s, e, kind) for s, e, kind in spans
                     if e > lo and s < hi and not (s == start and e == end)),
                    key=lambda span: (span[0], -span[1]))
    for index, (s, e, _kind) in enumerate(others, start=1):
        for i in range(max(s, lo), min(e, hi)):
            if owner[i - lo] == -1:
                owner[i - lo] = index

    pieces: list[str] = []
    i = 0
    while i < len(owner):
        j = i
        while j < len(owner) and owner[j] == owner[i]:
            j += 1
        who = owner[i]
        if who == -1:
            pieces.append(mask_residual(text[lo + i:lo + j]))
        elif who == 0:
            pieces.append(f"{MARK_OPEN}{label}: {shape_of(text[start:end])}{MARK_CLOSE}")
        else:
            pieces.append(f"{MARK_OPEN}{others[who - 1][2]}{MARK_CLOSE}")
        i = j
    snippet = _SPACE_RE.sub(" ", "".join(pieces)).strip()
    return ("…" if lo > 0 else "") + snippet + ("…" if hi < length else "")


def normalise_field(field: str) -> str:
    """`messages[3].content` -> `messages[].content`, so counts by field stay few and comparable."""
    return _INDEX_RE.sub("[]", field)


def top_level_field(field: str) -> str:
    """`chosen[0].content` -> `chosen`, `meta.customer.email` -> `meta`: the record field a path is in, so a
    preference pair's findings count per prompt, chosen and rejected whatever form (text or messages) they
    take."""
    try:
        first = parse_path(field)[0]
    except (FieldPathError, IndexError):
        return field
    return escape_key(str(first))


def _safe_label(value: str) -> str:
    """Record ids and cues are shown as they are, except anything that looks like an e-mail or URL."""
    value = _URL_RE.sub(f"{MARK_OPEN}url{MARK_CLOSE}", str(value))
    return _EMAIL_RE.sub(f"{MARK_OPEN}email{MARK_CLOSE}", value)


def _bump(counter: Counter[str], key: str, n: int = 1) -> None:
    if key not in counter and len(counter) >= MAX_DISTINCT_KEYS:
        key = OTHER_KEY
    counter[key] += n


def _ranked(counter: Mapping[str, int]) -> dict[str, int]:
    """Most frequent first, then by name, so reports diff cleanly."""
    return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def _score_bin(score: float) -> int:
    # the epsilon keeps 0.3 in bin 3 even though 0.3 * 10 is 2.9999999999999996
    return min(HISTOGRAM_BINS - 1, max(0, math.floor(score * HISTOGRAM_BINS + 1e-9)))


# --------------------------------------------------------------------------------------------- builder

class ReportBuilder:
    """Accumulates the report one record at a time in bounded memory: counters, a top-N heap and a
    capped review queue. Record texts are only read to build masked snippets, never kept."""

    def __init__(self, policy: Policy, *, top_n: int = 20, review_limit: int = 500,
                 snippet_window: int = 40, decisions: Mapping[str, str] | None = None,
                 id_key: Callable[[str], str] | None = None) -> None:
        """`decisions` (finding id -> confirm | reject), when the run was given any, are shown beside the
        review items they decide. `id_key` is the ledger's keyed hash of an identifier
        (`LineageSink.subject_key`): a record id that looks like personal data is shown as
        `record_key:<hash>`, the key the ledger files the record under (without `id_key`, masked)."""
        for name, value in (("top_n", top_n), ("review_limit", review_limit),
                            ("snippet_window", snippet_window)):
            if value < 0:
                raise ValueError(f"ReportBuilder {name} must be >= 0 (got {value})")
        self._policy = policy
        self._band = (policy.review_band.low, policy.review_band.high)
        self._top_n = top_n
        self._review_limit = review_limit
        self._window = snippet_window
        self._decisions = decisions
        self._id_key = id_key
        self._review_decided = 0

        self._n_records = 0
        self._records_with_findings = 0
        self._seq = 0
        self._by_type: Counter[str] = Counter({kind: 0 for kind in policy.entities})
        self._below_by_type: Counter[str] = Counter()
        self._by_recognizer: Counter[str] = Counter()
        self._below_by_recognizer: Counter[str] = Counter()
        self._by_field: Counter[str] = Counter()
        self._below_by_field: Counter[str] = Counter()
        self._by_top_field: Counter[str] = Counter()
        self._below_by_top_field: Counter[str] = Counter()
        self._hist_redacted = [0] * HISTOGRAM_BINS
        self._hist_below = [0] * HISTOGRAM_BINS
        # min-heap of (count, -seq, record_id, types): the root is the weakest entry, and among equal
        # counts the later record, so the earliest records with the most findings survive
        self._top: list[tuple[int, int, str, tuple[tuple[str, int], ...]]] = []
        self._review: list[dict[str, object]] = []
        self._review_total = 0
        self._review_by_type: Counter[str] = Counter()
        self._quarantine_reasons: Counter[str] = Counter()
        self._actions: Counter[str] = Counter({action: 0 for action in RECORD_ACTIONS})
        self._flags_by_category: Counter[str] = Counter()
        self._records_by_category: Counter[str] = Counter()
        self._category_actions: dict[str, Counter[str]] = {}   # category -> outcome -> records
        self._flags_by_cue: Counter[str] = Counter()
        self._flagged_actions: Counter[str] = Counter()
        self._records_flagged = 0
        self._flagged: list[dict[str, object]] = []

    def add_record(self, record_id: str, *, texts: Mapping[str, str], kept: Sequence[Finding],
                   below_threshold: Sequence[Finding], flags: Sequence[FlagInfo], action: str) -> None:
        """Count one record. `kept` were redacted; `below_threshold` stayed in the output."""
        if action not in RECORD_ACTIONS:
            raise ValueError(f"record action must be one of {list(RECORD_ACTIONS)} (got {action!r})")
        self._n_records += 1
        self._seq += 1
        self._actions[action] += 1
        raw_id = record_id
        record_id = self.record_label(record_id)

        # object keys that are personal data never reach the report through a field path
        data_keys = data_key_paths(f.field for f in (*kept, *below_threshold))
        for finding in kept:
            field = mask_data_keys(finding.field, data_keys, hashed=False)
            self._count(finding, self._by_type, self._by_recognizer, self._by_field, self._hist_redacted, field)
            _bump(self._by_top_field, top_level_field(field))
        for finding in below_threshold:
            field = mask_data_keys(finding.field, data_keys, hashed=False)
            self._count(finding, self._below_by_type, self._below_by_recognizer, self._below_by_field,
                        self._hist_below, field)
            _bump(self._below_by_top_field, top_level_field(field))
        if kept:
            self._records_with_findings += 1
            self._push_top(record_id, kept)
        if flags:
            self._add_flags(record_id, flags, action)
        self._queue_review(raw_id, record_id, texts, kept, below_threshold, data_keys)

    def record_label(self, record_id: str) -> str:
        """How the report names a record: its id, unless the id looks like personal data."""
        if looks_like_personal_data(record_id):
            return HASHED_ID_PREFIX + self._id_key(record_id) if self._id_key is not None else MASKED_ID
        return _safe_label(record_id)

    def add_quarantined(self, reason: str) -> None:
        """Count one record set aside as bad input; `reason` is a stable identifier such as `bad_json`."""
        _bump(self._quarantine_reasons, _safe_label(reason) or "unspecified")

    def finish(self, *, command: str, input_path: str, output_path: str | None, n_in: int, n_out: int,
               n_quarantined: int, n_dropped: int, elapsed_s: float,
               extra: Mapping[str, object] | None = None,
               decisions: Mapping[str, object] | None = None,
               fields: Mapping[str, object] | None = None,
               duplicate_ids: tuple[int, Sequence[int]] = (0, ())) -> dict[str, Any]:
        """The JSON-able report. Calling it again gives the same content with a new timestamp.

        `decisions` is the run's decision tally (`DecisionTally.to_json()`); the report has a `decisions`
        section whenever the builder or the run was given decisions. `fields` (`FieldTally.to_json()`) is
        the run's field coverage: every path scanned and skipped, with counts. `duplicate_ids` is the
        number of records whose id an earlier record already had, and the first few of their lines."""
        low, high = self._band
        top = sorted(self._top, key=lambda entry: (-entry[0], -entry[1]))
        report: dict[str, Any] = {
            "schema_version": REPORT_SCHEMA_VERSION,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": command,
            "policy": {
                "name": self._policy.name,
                "hash": self._policy.canonical_hash(),
                "review_band": {"low": low, "high": high},
                "thresholds": {kind: rule.threshold for kind, rule in sorted(self._policy.entities.items())},
            },
            "versions": tool_versions(),
            "timing": {
                "elapsed_s": round(elapsed_s, 3),
                "records_per_s": round(n_in / elapsed_s, 1) if elapsed_s > 0 else None,
            },
            "paths": {"input": input_path, "output": output_path},
            "records": {
                "in": n_in,
                "out": n_out,
                "scanned": self._n_records,
                "with_findings": self._records_with_findings,
                "quarantined": n_quarantined,
                "quarantine_reasons": _ranked(self._quarantine_reasons),
                "dropped": n_dropped,
                "duplicate_ids": duplicate_ids[0],
                "duplicate_id_lines": list(duplicate_ids[1]),
            },
            "findings": _tally(self._hist_redacted, self._by_type, self._by_recognizer, self._by_field,
                               self._by_top_field),
            "below_threshold": _tally(self._hist_below, self._below_by_type, self._below_by_recognizer,
                                      self._below_by_field, self._below_by_top_field),
            "score_histogram": self._score_histogram(),
            "top_n": self._top_n,
            "top_records": [{"record_id": rid, "count": count, "types": dict(types)}
                            for count, _seq, rid, types in top],
            "special_categories": self._special_categories(),
            "review_band": {"low": low, "high": high},
            "review_limit": self._review_limit,
            "review_total": self._review_total,
            "review_by_entity_type": _ranked(self._review_by_type),
            "review_truncated": self._review_total > len(self._review),
            "review_queue": list(self._review),
            "extra": dict(extra) if extra else {},
        }
        if fields is not None:
            report["field_coverage"] = dict(fields)
        if self._decisions is not None or decisions is not None:
            report["decisions"] = {**(decisions or {}), "review_decided": self._review_decided,
                                   "review_pending": self._review_total - self._review_decided}
        return report

    # ----------------------------------------------------------------------------------------- helpers

    def _score_histogram(self) -> dict[str, Any]:
        bins = [
            {"low": round(i / HISTOGRAM_BINS, 2), "high": round((i + 1) / HISTOGRAM_BINS, 2),
             "count": self._hist_redacted[i] + self._hist_below[i],
             "redacted": self._hist_redacted[i], "below_threshold": self._hist_below[i]}
            for i in range(HISTOGRAM_BINS)
        ]
        return {"bin_width": 1 / HISTOGRAM_BINS, "total": sum(self._hist_redacted) + sum(self._hist_below),
                "bins": bins}

    def _special_categories(self) -> dict[str, Any]:
        return {
            "records_flagged": self._records_flagged,
            "flags_total": sum(self._flags_by_category.values()),
            "by_category": _ranked(self._flags_by_category),
            "records_by_category": _ranked(self._records_by_category),
            "by_cue": _ranked(self._flags_by_cue),
            "records_by_action": dict(self._actions),
            "flagged_records_by_action": _ranked(self._flagged_actions),
            "records_by_category_and_action": {c: _ranked(a) for c, a in sorted(self._category_actions.items())},
            "flagged_records": list(self._flagged),
            "flagged_records_truncated": self._records_flagged > len(self._flagged),
        }

    @staticmethod
    def _count(finding: Finding, by_type: Counter[str], by_recognizer: Counter[str],
               by_field: Counter[str], histogram: list[int], field: str) -> None:
        _bump(by_type, finding.entity_type)
        _bump(by_recognizer, finding.recognizer)
        _bump(by_field, normalise_field(field))
        histogram[_score_bin(finding.score)] += 1

    def _push_top(self, record_id: str, kept: Sequence[Finding]) -> None:
        if self._top_n == 0:
            return
        key = (len(kept), -self._seq)
        if len(self._top) >= self._top_n and key <= self._top[0][:2]:
            return  # the common case: nothing to build for a record that would not make the list
        types = tuple(_ranked(Counter(f.entity_type for f in kept)).items())
        entry = (len(kept), -self._seq, record_id, types)
        if len(self._top) < self._top_n:
            heapq.heappush(self._top, entry)
        else:
            heapq.heapreplace(self._top, entry)

    def _add_flags(self, record_id: str, flags: Sequence[FlagInfo], action: str) -> None:
        self._records_flagged += 1
        self._flagged_actions[action] += 1
        categories = sorted({flag.category for flag in flags})
        cues = sorted({_safe_label(flag.cue).casefold() for flag in flags})
        for flag in flags:
            _bump(self._flags_by_category, flag.category)
            _bump(self._flags_by_cue, _safe_label(flag.cue).casefold())
        for category in categories:
            _bump(self._records_by_category, category)
            self._category_actions.setdefault(category, Counter())[action] += 1
        if len(self._flagged) < self._review_limit:
            self._flagged.append({"record_id": record_id, "categories": categories, "cues": cues,
                                  "action": action})

    def _queue_review(self, raw_id: str, record_id: str, texts: Mapping[str, str], kept: Sequence[Finding],
                      below: Sequence[Finding], data_keys: Collection[str] = ()) -> None:
        """`raw_id` names the record in finding ids; `record_id` is the same id as the report may show it."""
        low, high = self._band
        candidates = sorted(
            [(f, True) for f in kept if low <= f.score < high]
            + [(f, False) for f in below if low <= f.score < high],
            key=lambda item: (item[0].field, item[0].start, item[0].end))
        if not candidates:
            return
        self._review_total += len(candidates)
        for finding, _redacted in candidates:
            _bump(self._review_by_type, finding.entity_type)
        if self._decisions:
            self._review_decided += sum(finding_id_of(raw_id, finding) in self._decisions
                                        for finding, _redacted in candidates)
        room = self._review_limit - len(self._review)
        if room <= 0:
            return
        spans_by_field: dict[str, list[tuple[int, int, str]]] = {}
        for finding, redacted in candidates[:room]:
            fid = finding_id_of(raw_id, finding)
            if finding.field not in spans_by_field:
                spans_by_field[finding.field] = [(f.start, f.end, f.entity_type)
                                                 for f in _chain(kept, below) if f.field == finding.field]
            text = texts.get(finding.field)
            # the finding goes first: mask_snippet labels the target with the first span at its offsets
            spans = [(finding.start, finding.end, finding.entity_type), *spans_by_field[finding.field]]
            snippet = (mask_snippet(text, finding.start, finding.end, spans, self._window)
                       if text is not None else f"{MARK_OPEN}{finding.entity_type}{MARK_CLOSE}")
            item: dict[str, object] = {
                "finding_id": fid,
                "record_id": record_id,
                "field": mask_data_keys(finding.field, data_keys),
                "entity_type": finding.entity_type,
                "score": round(finding.score, 4),
                "recognizer": finding.recognizer,
                "redacted": redacted,
                "snippet": snippet,
            }
            if self._decisions is not None:
                item["decision"] = self._decisions.get(fid)
            self._review.append(item)


def _tally(histogram: Sequence[int], by_type: Counter[str], by_recognizer: Counter[str],
           by_field: Counter[str], by_top_field: Counter[str]) -> dict[str, Any]:
    """A report section of findings: the total, then the counts by entity type, recognizer, field path (list
    positions merged) and top-level field (`prompt`, `chosen`, `rejected`, `messages`, ...)."""
    return {"total": sum(histogram), "by_entity_type": _ranked(by_type), "by_recognizer": _ranked(by_recognizer),
            "by_field": _ranked(by_field), "by_top_level_field": _ranked(by_top_field)}


def _chain(*groups: Iterable[Finding]) -> Iterable[Finding]:
    for group in groups:
        yield from group
