"""Score predicted personal-data spans against a gold set for `gdprep eval`.

Entity level (overlap >= 50 %, type-compatible), character level (what redaction actually hides),
and F2, which weighs recall higher because a missed identifier is worse than an extra mask.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from gdprep import __version__
from gdprep.errors import InputError
from gdprep.privacy.entities import ENTITY_TYPES

EVAL_SCHEMA_VERSION: Final[int] = 1
#: a span is matched when the overlap covers at least this share of the span being judged
OVERLAP_THRESHOLD: Final[float] = 0.5

#: predicted type -> gold types it may also match. Directional and deliberately short: a postcode is part
#: of an address (either way round), a spaCy LOCATION inside a gold address hides part of it. Look-alike
#: national IDs (DE_TAX_ID vs PL_PESEL, both 11 digits) are NOT aliases: the wrong label is a wrong answer.
DEFAULT_ALIASES: Final[Mapping[str, frozenset[str]]] = MappingProxyType({
    "UK_POSTCODE": frozenset({"STREET_ADDRESS"}),
    "STREET_ADDRESS": frozenset({"UK_POSTCODE"}),
    "LOCATION": frozenset({"STREET_ADDRESS"}),
})


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) labelled with an entity type."""

    start: int
    end: int
    type: str

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class GoldRecord:
    id: str
    text: str
    spans: list[Span]


def compatible(predicted_type: str, gold_type: str,
               aliases: Mapping[str, frozenset[str]] = DEFAULT_ALIASES) -> bool:
    """True when a prediction labelled `predicted_type` may match a gold span labelled `gold_type`."""
    return predicted_type == gold_type or gold_type in aliases.get(predicted_type, frozenset())


def f2_score(precision: float, recall: float) -> float:
    """F-beta with beta = 2: 5PR / (4P + R), and 0 when both are 0."""
    denominator = 4 * precision + recall
    return 0.0 if denominator == 0 else 5 * precision * recall / denominator


def _ratio(numerator: int, denominator: int) -> float:
    # undefined ratios (nothing predicted, nothing to find) score 0, as sklearn's zero_division=0 does
    return numerator / denominator if denominator else 0.0


@dataclass(frozen=True)
class EntityScore:
    """Entity-level counts: gold spans found, predictions that hit a gold span."""

    n_gold: int = 0
    found_gold: int = 0
    n_pred: int = 0
    tp_pred: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.tp_pred, self.n_pred)

    @property
    def recall(self) -> float:
        return _ratio(self.found_gold, self.n_gold)

    @property
    def f2(self) -> float:
        return f2_score(self.precision, self.recall)

    def __add__(self, other: EntityScore) -> EntityScore:
        return EntityScore(self.n_gold + other.n_gold, self.found_gold + other.found_gold,
                           self.n_pred + other.n_pred, self.tp_pred + other.tp_pred)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f2": self.f2}


@dataclass(frozen=True)
class CharScore:
    """Character-level counts. Recall: gold characters covered; precision: predicted characters in gold."""

    gold_chars: int = 0
    gold_covered: int = 0
    pred_chars: int = 0
    pred_in_gold: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.pred_in_gold, self.pred_chars)

    @property
    def recall(self) -> float:
        return _ratio(self.gold_covered, self.gold_chars)

    @property
    def f2(self) -> float:
        return f2_score(self.precision, self.recall)

    def __add__(self, other: CharScore) -> CharScore:
        return CharScore(self.gold_chars + other.gold_chars, self.gold_covered + other.gold_covered,
                         self.pred_chars + other.pred_chars, self.pred_in_gold + other.pred_in_gold)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f2": self.f2}


@dataclass(frozen=True)
class EvalReport:
    """Per-type and overall scores; `to_dict()` is what `gdprep eval --json` writes."""

    n_records: int
    entity: dict[str, EntityScore]
    entity_overall: EntityScore
    char: dict[str, CharScore]
    char_overall: CharScore
    aliases: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": EVAL_SCHEMA_VERSION,
            "gdprep_version": __version__,
            "overlap_threshold": OVERLAP_THRESHOLD,
            "n_records": self.n_records,
            "aliases": self.aliases,
            "entity": {
                "overall": self.entity_overall.to_dict(),
                "by_type": {name: score.to_dict() for name, score in self.entity.items()},
            },
            "char": {
                "overall": self.char_overall.to_dict(),
                "by_type": {name: score.to_dict() for name, score in self.char.items()},
            },
        }


# --- interval arithmetic over half-open [start, end) ranges -------------------------------------------

Interval = tuple[int, int]


def _union(intervals: Iterable[Interval]) -> list[Interval]:
    """Merge overlapping or touching ranges so that no character is counted twice."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(intervals: Sequence[Interval], remove: Sequence[Interval]) -> list[Interval]:
    """The parts of merged `intervals` outside merged `remove`."""
    out: list[Interval] = []
    for start, end in intervals:
        for r_start, r_end in remove:
            if r_end <= start or r_start >= end:
                continue
            if r_start > start:
                out.append((start, r_start))
            start = max(start, r_end)
            if start >= end:
                break
        if start < end:
            out.append((start, end))
    return out


def _length(intervals: Sequence[Interval]) -> int:
    return sum(end - start for start, end in intervals)


def _intersection_length(a: Sequence[Interval], b: Sequence[Interval]) -> int:
    """Characters shared by two merged (sorted, disjoint) interval lists."""
    i = j = total = 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if high > low:
            total += high - low
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _matches(judged: Span, others: Iterable[Span]) -> bool:
    # integer form of overlap >= 0.5 * len(judged), so boundary cases are exact
    return any(2 * _overlap(judged, other) >= judged.length for other in others)


# --- scoring -----------------------------------------------------------------------------------------

def evaluate(gold: Sequence[GoldRecord], predictions: Mapping[str, Sequence[Span]],
             aliases: Mapping[str, frozenset[str]] = DEFAULT_ALIASES,
             ignore: Mapping[str, Sequence[Span]] | None = None) -> EvalReport:
    """Score `predictions` (record id -> spans) against `gold`; missing ids predicted nothing. `ignore`
    (record id -> spans) holds text of types nobody is scored on (a labelled city or ZIP code beside a
    street): predicted characters inside it count neither for nor against character precision."""
    predicted = {str(key): list(spans) for key, spans in predictions.items()}
    gold_ids = {record.id for record in gold}
    stray = sorted(set(predicted) - gold_ids)
    if stray:
        shown = ", ".join(stray[:5]) + (" ..." if len(stray) > 5 else "")
        raise InputError(f"predictions name {len(stray)} record id(s) that are not in the gold set "
                         f"({shown}); run the detector over the same gold file")

    entity: dict[str, EntityScore] = {}
    char: dict[str, CharScore] = {}
    char_overall = CharScore()
    for record in gold:
        preds = [_clip(span, len(record.text)) for span in predicted.get(record.id, [])]
        preds = [span for span in preds if span.length > 0]
        _score_entities(record.spans, preds, aliases, entity)
        ignored = _union((span.start, span.end) for span in (ignore or {}).get(record.id, ()))
        char_overall += _score_chars(record.spans, preds, char, ignored)

    entity_overall = sum(entity.values(), EntityScore())
    return EvalReport(
        n_records=len(gold),
        entity=dict(sorted(entity.items())),
        entity_overall=entity_overall,
        char=dict(sorted(char.items())),
        char_overall=char_overall,
        aliases={name: sorted(targets) for name, targets in sorted(aliases.items())},
    )


def _clip(span: Span, text_length: int) -> Span:
    # a detector bug must not make characters outside the text count as predicted
    return Span(max(0, span.start), min(span.end, text_length), span.type)


def _score_entities(gold: Sequence[Span], preds: Sequence[Span], aliases: Mapping[str, frozenset[str]],
                    into: dict[str, EntityScore]) -> None:
    for g in gold:
        found = _matches(g, (p for p in preds if compatible(p.type, g.type, aliases)))
        into[g.type] = into.get(g.type, EntityScore()) + EntityScore(n_gold=1, found_gold=int(found))
    for p in preds:
        hit = _matches(p, (g for g in gold if compatible(p.type, g.type, aliases)))
        into[p.type] = into.get(p.type, EntityScore()) + EntityScore(n_pred=1, tp_pred=int(hit))


def _score_chars(gold: Sequence[Span], preds: Sequence[Span], into: dict[str, CharScore],
                 ignored: Sequence[Interval] = ()) -> CharScore:
    """Add per-type character counts to `into` and return the type-agnostic counts for this record.
    Predicted characters inside `ignored` (merged intervals) are not counted."""
    gold_all = _union((s.start, s.end) for s in gold)
    pred_all = _subtract(_union((s.start, s.end) for s in preds), ignored)
    for name in {s.type for s in gold} | {s.type for s in preds}:
        gold_t = _union((s.start, s.end) for s in gold if s.type == name)
        pred_t = _subtract(_union((s.start, s.end) for s in preds if s.type == name), ignored)
        into[name] = into.get(name, CharScore()) + CharScore(
            gold_chars=_length(gold_t), gold_covered=_intersection_length(gold_t, pred_all),
            pred_chars=_length(pred_t), pred_in_gold=_intersection_length(pred_t, gold_all),
        )
    shared = _intersection_length(gold_all, pred_all)
    return CharScore(gold_chars=_length(gold_all), gold_covered=shared,
                     pred_chars=_length(pred_all), pred_in_gold=shared)


# --- output ------------------------------------------------------------------------------------------

def _cells(precision: float, n_pred: int, recall: float, n_gold: int, f2: float) -> tuple[str, str, str]:
    # "-" where the ratio is undefined, so a type with no predictions does not read as "precision 0"
    return (f"{precision:.3f}" if n_pred else "-", f"{recall:.3f}" if n_gold else "-",
            f"{f2:.3f}" if n_pred and n_gold else "-")


def format_table(report: EvalReport) -> str:
    """A fixed-width plain-text table: one row per entity type, then the overall row."""
    header = ("type", "gold", "found", "pred", "tp", "P", "R", "F2", "char P", "char R", "char F2")
    rows: list[tuple[str, ...]] = []
    names = sorted(set(report.entity) | set(report.char))
    lines = [(name, report.entity.get(name, EntityScore()), report.char.get(name, CharScore()))
             for name in names]
    lines.append(("ALL", report.entity_overall, report.char_overall))
    for name, ent, ch in lines:
        rows.append((name, str(ent.n_gold), str(ent.found_gold), str(ent.n_pred), str(ent.tp_pred),
                     *_cells(ent.precision, ent.n_pred, ent.recall, ent.n_gold, ent.f2),
                     *_cells(ch.precision, ch.pred_chars, ch.recall, ch.gold_chars, ch.f2)))
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]

    def render(row: tuple[str, ...]) -> str:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:],
                                                                                      strict=True)]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    body = [render(row) for row in rows]
    return "\n".join([f"records: {report.n_records}", render(header), rule, *body[:-1], rule, body[-1]])


# --- gold loading ------------------------------------------------------------------------------------

def load_gold_jsonl(path: str | Path) -> list[GoldRecord]:
    """Read a gold file: one JSON object a line with `text` and `spans` [{start, end, type}], `id` optional.

    Offsets are Python string indices (code points), end exclusive. A span may carry its `text`; it must
    then equal text[start:end], which catches offsets computed on bytes or another normalisation.
    """
    where = str(path)
    try:
        handle = Path(path).open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot open gold file ({exc.strerror}); check the path", path=where) from exc
    records: list[GoldRecord] = []
    seen: dict[str, int] = {}
    with handle:
        for line_no, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            record = _parse_gold_line(raw, where, line_no)
            if record.id in seen:
                raise InputError(f"duplicate id {record.id!r} (first on line {seen[record.id]}); "
                                 "ids must be unique", path=where, line=line_no, reason="bad_gold")
            seen[record.id] = line_no
            records.append(record)
    return records


def _parse_gold_line(raw: str, path: str, line_no: int) -> GoldRecord:
    def fail(message: str) -> InputError:
        return InputError(message, path=path, line=line_no, reason="bad_gold")

    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise fail(f"invalid JSON ({exc.msg} at column {exc.colno}); "
                   "each line must be one JSON object") from exc
    if not isinstance(obj, dict):
        raise fail(f"expected a JSON object, got {type(obj).__name__}")
    if "text" not in obj:
        raise fail("missing field `text`; add the record's text as a string")
    if not isinstance(obj["text"], str):
        raise fail(f"field `text` must be a string, got {type(obj['text']).__name__}")
    if "spans" not in obj:
        raise fail("missing field `spans`; add a list of {start, end, type} objects (use [] for none)")
    if not isinstance(obj["spans"], list):
        raise fail(f"field `spans` must be a list, got {type(obj['spans']).__name__}")
    record_id = obj.get("id", f"line-{line_no}")
    if not isinstance(record_id, str | int) or isinstance(record_id, bool):
        raise fail(f"field `id` must be a string or integer, got {type(record_id).__name__}")
    text: str = obj["text"]
    spans = [_parse_gold_span(item, index, text, fail) for index, item in enumerate(obj["spans"])]
    return GoldRecord(id=str(record_id), text=text, spans=spans)


def _parse_gold_span(item: object, index: int, text: str, fail: Callable[[str], InputError]) -> Span:
    where = f"spans[{index}]"
    if not isinstance(item, dict):
        raise fail(f"{where} must be an object with start, end and type")
    for key in ("start", "end", "type"):
        if key not in item:
            raise fail(f"{where} is missing `{key}`")
    start, end, name = item["start"], item["end"], item["type"]
    if any(not isinstance(value, int) or isinstance(value, bool) for value in (start, end)):
        raise fail(f"{where}: `start` and `end` must be integers")
    if start >= end:
        raise fail(f"{where}: start ({start}) must be less than end ({end}); end is exclusive")
    if start < 0 or end > len(text):
        raise fail(f"{where}: span {start}-{end} is out of range for a text of {len(text)} characters; "
                   "offsets are character (not byte) indices")
    if name not in ENTITY_TYPES:
        raise fail(f"{where}: unknown entity type {name!r}; use one of {', '.join(sorted(ENTITY_TYPES))}")
    if "text" in item and item["text"] != text[start:end]:
        raise fail(f"{where}: `text` {item['text']!r} does not match text[{start}:{end}] "
                   f"{text[start:end]!r}; fix the offsets")
    return Span(start, end, name)
