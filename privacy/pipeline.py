"""The privacy stage as library functions: scan records, resolve findings under a policy, and write
detect / redact outputs. The CLI and (later) the HTTP API call these; neither holds logic of its own."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from gdprep.errors import IntegrityError
from gdprep.policies import Policy
from gdprep.privacy.engine import DetectionPool, RawFinding
from gdprep.privacy.findings import Finding
from gdprep.privacy.special_categories import SpecialCategoryDetector, SpecialCategoryFlag
from gdprep.records import BadRecord, JsonlSink, OnError, Record, RecordReader, RecordWriter, set_text

ProgressFn = Callable[[int], None]
_ACTION_RANK = {"none": 0, "keep": 1, "review": 2, "drop": 3}
_KEYED_OPERATORS = {"hash", "pseudonym", "surrogate", "encrypt"}
# Catch-all types: on an exact tie a checksum-specific type ("UK_VAT") names the span better.
_GENERIC_TYPES = frozenset({"PHONE_NUMBER", "LOCATION"})
PROPAGATED_NAME_SCORE = 0.7


@dataclass(slots=True)
class ScannedRecord:
    """A record with its resolved findings and its special-category outcome."""

    record: Record
    findings: list[Finding] = field(default_factory=list)   # at/above threshold: these get redacted
    below: list[Finding] = field(default_factory=list)      # review band, under threshold: shown, not redacted
    flags: list[SpecialCategoryFlag] = field(default_factory=list)
    action: str = "none"                                     # none | keep | review | drop


def _token_spans(text: str) -> list[tuple[int, int]]:
    from gdprep.privacy.operators import TOKEN_RE

    return [m.span() for m in TOKEN_RE.finditer(text)] if "<" in text else []


def resolve(
    raw: Sequence[RawFinding], text: str, field_name: str, policy: Policy
) -> tuple[list[Finding], list[Finding]]:
    """Apply thresholds and resolve overlaps.

    Overlapping confident findings are merged into their union, typed by the longest (then
    highest-scoring) member: for redaction, leaving part of a detected value visible is the worse
    error. Findings inside a gdprep token (e.g. `<PERSON_3>`) are ignored, so re-running the
    detector on redacted text finds nothing new in the placeholders.
    """
    tokens = _token_spans(text)
    confident: list[RawFinding] = []
    review: list[RawFinding] = []
    for f in raw:
        rule = policy.entities.get(f.entity_type)
        if rule is None or any(s <= f.start and f.end <= e for s, e in tokens):
            continue
        if f.score >= rule.threshold:
            confident.append(f)
        elif f.score >= policy.review_band.low:
            review.append(f)
    confident.sort(key=lambda f: (f.start, -f.end))
    groups: list[list[RawFinding]] = []
    group_end = -1
    for f in confident:
        if groups and f.start < group_end:
            groups[-1].append(f)
            group_end = max(group_end, f.end)
        else:
            groups.append([f])
            group_end = f.end
    kept: list[Finding] = []
    for members in groups:
        lead = max(members, key=lambda f: (f.end - f.start, f.score, f.entity_type not in _GENERIC_TYPES))
        start = min(f.start for f in members)
        end = max(f.end for f in members)
        kept.append(Finding(field_name, start, end, lead.entity_type, max(f.score for f in members), lead.recognizer))
    below: list[Finding] = []
    for f in sorted(review, key=lambda f: (f.start, -f.end)):
        if any(k.start < f.end and f.start < k.end for k in kept):
            continue
        if below and below[-1].end > f.start:
            continue
        below.append(Finding(field_name, f.start, f.end, f.entity_type, f.score, f.recognizer))
    return kept, below


def propagate_names(fields: Sequence[tuple[str, str]], kept: list[list[Finding]], policy: Policy) -> None:
    """Find every other mention of a name already found in the same record (any field).

    A redactor who has spotted "Marianne Leleu" also strikes the later "marianne leleu" and the lone
    "Marianne" in the reply; a recognizer that needs a cue only sees the first. Full names match in any
    case; single name parts match in any case unless they are ordinary English words ("May", "Will"),
    which must keep their capital. `kept[i]` (findings of `fields[i]`) is extended in place.
    """
    if "PERSON" not in policy.entities:
        return
    from gdprep.privacy.recognizers.person import english_words, is_name_stop_word

    for (name, text), found in zip(fields, kept, strict=True):
        _extend_name_lists(name, text, found, policy)

    folded: set[str] = set()
    exact: set[str] = set()
    for (_, text), found in zip(fields, kept, strict=True):
        for f in found:
            if f.entity_type != "PERSON":
                continue
            value = text[f.start:f.end].strip()
            folded.add(value.lower())
            for part in value.replace("-", " ").split():
                if len(part) < 3 or not part[0].isalpha() or is_name_stop_word(part):
                    continue
                if part.lower() in english_words():
                    exact.add(part[0].upper() + part[1:])
                else:
                    folded.add(part.lower())
    if not folded and not exact:
        return
    bound_l, bound_r = r"(?<![\p{L}\p{M}\p{N}_@.])", r"(?![\p{L}\p{M}\p{N}_@])"
    alternatives = sorted(folded, key=len, reverse=True)
    parts = []
    if alternatives:
        parts.append("(?i:" + "|".join(regex.escape(a) for a in alternatives) + ")")
    if exact:
        parts.append("|".join(regex.escape(a) for a in sorted(exact, key=len, reverse=True)))
    pattern = regex.compile(bound_l + "(?:" + "|".join(parts) + ")" + bound_r)
    threshold = policy.entities["PERSON"].threshold
    score = max(PROPAGATED_NAME_SCORE, threshold)
    for (name, text), found in zip(fields, kept, strict=True):
        added = False
        tokens = _token_spans(text)
        for m in pattern.finditer(text):
            if any(f.start < m.end() and m.start() < f.end for f in found):
                continue
            if any(s <= m.start() and m.end() <= e for s, e in tokens):
                continue
            found.append(Finding(name, m.start(), m.end(), "PERSON", score, "NamePropagation"))
            added = True
        if added:
            found.sort(key=lambda f: f.start)


@functools.cache
def _list_patterns() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    from gdprep.privacy.recognizers.person import NAME_CAP_PATTERN, NAME_LOWER_PATTERN

    name = rf"(?P<value>{NAME_CAP_PATTERN}|{NAME_LOWER_PATTERN})"
    note = r"(?:[ \t]*\([^()\n]{1,40}\))?"  # "(chair)", "(HR)"
    joiner = (r"(?:[ \t]*[,;][ \t]*(?:(?P<conj>and|und|et|en|e|y|&)[ \t]+)?"
              r"|[ \t]+(?P<conj>and|und|et|en|e|y|&)[ \t]+)")
    # a list item ends the list or is followed by the next item; "Anna Weber, BSN 123" is no list
    item_end = r"(?=[ \t]*(?:$|[,;.)!?\n(]|(?:and|und|et|en|e|y|&)[ \t]))"
    after = regex.compile(rf"\G{note}{joiner}{name}{item_end}", regex.MULTILINE)
    before = regex.compile(rf"{name}{note}{joiner}\Z", regex.MULTILINE)
    return after, before


_LIST_ITEM_START = regex.compile(r"(?:^|[:;,\n]|\A)[ \t]*\Z", regex.MULTILINE)
_LIST_LABEL = regex.compile(r"[ \t]*[\p{L}][\p{L}() \t-]{1,40}:[ \t]")


def _plausible_list_item(text: str, start: int, end: int, anchor: Finding, conjunction: bool) -> bool:
    """Reject acronyms ("BSN"), job titles made of dictionary words ("Practice Nurse"), and lower-case
    appositions after a capitalised name ("Pauline Vallet, conseillère clientèle")."""
    from gdprep.privacy.recognizers.person import english_words, is_name_stop_word

    value = text[start:end]
    tokens = value.replace("-", " ").split()
    if any(t.isupper() and len(t) <= 4 for t in tokens):
        return False
    if any(is_name_stop_word(t) for t in tokens):
        return False  # "Practice Nurse", "Head of Operations"
    if len(tokens) == 1 and value.islower():
        # "Employee: allen, paige": a lone lower-case word only as the forename after a lone surname
        return text[anchor.start:anchor.end].islower() and " " not in text[anchor.start:anchor.end].strip() \
            and not conjunction and value not in english_words()
    if not value.islower() or conjunction:
        return True
    # a comma-joined lower-case item only inside a labelled list ("Present: Ann Lee, tom hill"), not an
    # apposition ("jesusa blázquez, conseillère clientèle") or the next clause ("..., obs stable")
    line_start = text.rfind("\n", 0, anchor.start) + 1
    return _LIST_LABEL.match(text, line_start, anchor.start) is not None


def _extend_name_lists(field_name: str, text: str, found: list[Finding], policy: Policy) -> None:
    """"Present: Anna Weber (chair), tom hill and Jan Maas": a name list continues the name it starts
    with. Extends `found` with list neighbours of PERSON findings, left and right, until none is left."""
    after, before = _list_patterns()
    score = max(PROPAGATED_NAME_SCORE, policy.entities["PERSON"].threshold)
    queue = [f for f in found if f.entity_type == "PERSON"]
    while queue:
        f = queue.pop()
        candidates = []
        m = after.match(text, f.end)
        if m:
            candidates.append((*m.span("value"), bool(m.group("conj"))))
        m = before.search(text, max(0, f.start - 120), f.start)
        # an item before the anchor must itself start the list or follow a separator: "su médico de
        # cabecera, Alma Canet" is an apposition, "Present: tom hill, Ann Lee" a list
        if m and _LIST_ITEM_START.search(text, max(0, m.start("value") - 3), m.start("value")):
            candidates.append((*m.span("value"), bool(m.group("conj"))))
        for start, end, conjunction in candidates:
            if any(g.start < end and start < g.end for g in found):
                continue
            if not _plausible_list_item(text, start, end, f, conjunction):
                continue
            new = Finding(field_name, start, end, "PERSON", score, "NameListExtension")
            found.append(new)
            queue.append(new)
    found.sort(key=lambda f: f.start)


class PrivacyScanner:
    """Streams records through detection. Built once per run; reuses one engine (or worker pool)."""

    def __init__(self, policy: Policy, *, workers: int = 1, batch_size: int = 128) -> None:
        self.policy = policy
        self.batch_size = batch_size
        self.pool = DetectionPool(policy, workers=workers)
        self.special = SpecialCategoryDetector()

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

    def scan(self, batches: Iterator[list[Record | BadRecord]]) -> Iterator[ScannedRecord | BadRecord]:
        def texts_of(items: list[Record | BadRecord]) -> tuple[list[Record | BadRecord], list[str]]:
            return items, [text for item in items if isinstance(item, Record) for _, text in item.texts]

        for items, per_text in self.pool.map(texts_of(b) for b in batches):
            cursor = 0
            for item in items:
                if isinstance(item, BadRecord):
                    yield item
                    continue
                scanned = ScannedRecord(record=item)
                per_field: list[list[Finding]] = []
                for name, text in item.texts:
                    kept, below = resolve(per_text[cursor], text, name, self.policy)
                    cursor += 1
                    per_field.append(kept)
                    scanned.below.extend(below)
                propagate_names(item.texts, per_field, self.policy)
                scanned.findings = [f for found in per_field for f in found]
                # a propagated name may now cover what was only a review-band finding
                scanned.below = [b for b in scanned.below if not any(
                    f.field == b.field and f.start < b.end and b.start < f.end for f in scanned.findings)]
                scanned.flags, scanned.action = self._special(item)
                yield scanned


@dataclass
class RunSummary:
    """Counts every run reports; `n_in == n_out + n_quarantined + n_dropped` always holds."""

    n_in: int = 0
    n_out: int = 0
    n_quarantined: int = 0
    n_dropped: int = 0
    n_findings: int = 0
    elapsed_s: float = 0.0
    outputs: dict[str, str] = field(default_factory=dict)
    report: dict[str, Any] | None = None

    def check_accounting(self) -> None:
        if self.n_in != self.n_out + self.n_quarantined + self.n_dropped:
            raise IntegrityError(f"record accounting failed: {self.n_in} in != {self.n_out} out + "
                                 f"{self.n_quarantined} quarantined + {self.n_dropped} dropped")


def _quarantine_row(path: Path, bad: BadRecord) -> dict[str, Any]:
    return {"source": str(path), "line": bad.line, "reason": bad.reason, "error": bad.message, "raw": bad.raw}


def _flag_json(flag: SpecialCategoryFlag) -> dict[str, Any]:
    return {"category": flag.category, "cue": flag.cue, "field": flag.field, "start": flag.start, "end": flag.end}


def default_quarantine_path(output: Path) -> Path:
    return output.with_name(output.stem + ".quarantine.jsonl")


def run_detect(input_path: Path, output_path: Path, policy: Policy, *, on_error: OnError = "fail",
               quarantine_path: Path | None = None, fmt: str | None = None, workers: int = 1,
               progress: ProgressFn | None = None) -> RunSummary:
    """`gdprep detect`: one JSON line per record with its findings (offsets, types, scores; no values)."""
    started = time.perf_counter()
    reader = RecordReader(input_path, policy.fields, fmt=fmt, max_chars=policy.max_text_chars, on_error=on_error)
    summary = RunSummary()
    qpath = quarantine_path or default_quarantine_path(output_path)
    quarantine: JsonlSink | None = None
    try:
        with PrivacyScanner(policy, workers=workers) as scanner, JsonlSink(output_path) as out:
            for item in scanner.scan(reader.batches()):
                summary.n_in += 1
                if isinstance(item, BadRecord):
                    quarantine = quarantine or JsonlSink(qpath)
                    quarantine.write(_quarantine_row(input_path, item))
                    summary.n_quarantined += 1
                else:
                    out.write({
                        "id": item.record.id,
                        "entities": [f.to_json() for f in item.findings],
                        "special_categories": [_flag_json(f) for f in item.flags],
                    })
                    summary.n_out += 1
                    summary.n_findings += len(item.findings)
                if progress:
                    progress(1)
    finally:
        if quarantine:
            quarantine.close()
    summary.outputs = {"findings": str(output_path)}
    if quarantine:
        summary.outputs["quarantine"] = str(qpath)
    summary.elapsed_s = time.perf_counter() - started
    summary.check_accounting()
    return summary


def needs_keys(policy: Policy) -> bool:
    return any(rule.operator.type in _KEYED_OPERATORS for rule in policy.entities.values())


def run_redact(input_path: Path, output_path: Path, report_path: Path, policy: Policy, *,
               on_error: OnError = "fail", quarantine_path: Path | None = None, fmt: str | None = None,
               out_fmt: str | None = None, workers: int = 1, key_file: Path | None = None,
               vault_path: Path | None = None, progress: ProgressFn | None = None,
               command: str = "gdprep redact") -> RunSummary:
    """`gdprep redact`: redacted records in the input's format, a JSON + HTML report, quarantine and
    dropped-record files. Every input record is accounted for."""
    from gdprep.privacy.keys import KeyRing
    from gdprep.privacy.operators import RedactionContext, Redactor
    from gdprep.privacy.report import FlagInfo, ReportBuilder, write_report
    from gdprep.privacy.vault import Vault
    from gdprep.records import detect_format
    from gdprep.state import state_dir

    started = time.perf_counter()
    reader = RecordReader(input_path, policy.fields, fmt=fmt, max_chars=policy.max_text_chars, on_error=on_error)
    out_format = detect_format(output_path, out_fmt) if out_fmt or output_path.suffix else reader.format
    keyring = KeyRing.open(key_file=key_file)
    vault = Vault.open(vault_path or state_dir() / "vault.bin", keyring)
    redactor = Redactor(RedactionContext(keyring=keyring, vault=vault))
    spec_for = {etype: rule.operator for etype, rule in policy.entities.items()}.__getitem__
    report = ReportBuilder(policy)
    summary = RunSummary()
    qpath = quarantine_path or default_quarantine_path(output_path)
    dpath = output_path.with_name(output_path.stem + ".dropped.jsonl")
    quarantine: JsonlSink | None = None
    dropped: JsonlSink | None = None
    buffer: list[dict[str, Any]] = []
    try:
        with PrivacyScanner(policy, workers=workers) as scanner, \
                RecordWriter(output_path, out_format, policy.fields.messages_field) as writer:
            for item in scanner.scan(reader.batches()):
                summary.n_in += 1
                if progress:
                    progress(1)
                if isinstance(item, BadRecord):
                    quarantine = quarantine or JsonlSink(qpath)
                    quarantine.write(_quarantine_row(input_path, item))
                    report.add_quarantined(item.reason)
                    summary.n_quarantined += 1
                    continue
                record = item.record
                texts = dict(record.texts)
                flags = [FlagInfo(f.category, f.cue, f.field, f.start, f.end) for f in item.flags]
                summary.n_findings += len(item.findings)
                if item.action == "drop":
                    dropped = dropped or JsonlSink(dpath)
                    dropped.write({"id": record.id, "line": record.line, "stage": "privacy",
                                   "reason": "special_category",
                                   "categories": sorted({f.category for f in item.flags})})
                    report.add_record(record.id, texts=texts, kept=item.findings, below_threshold=item.below,
                                      flags=flags, action="dropped")
                    summary.n_dropped += 1
                    continue
                data = dict(record.data)
                by_field: dict[str, list[Finding]] = {}
                for f in item.findings:
                    by_field.setdefault(f.field, []).append(f)
                for name, found in by_field.items():
                    new_text, _ = redactor.redact(texts[name], found, spec_for)
                    set_text(data, name, new_text)
                if policy.fields.id_field not in data:
                    data = {policy.fields.id_field: record.id, **data}
                buffer.append(data)
                if len(buffer) >= 256:
                    writer.write(buffer)
                    buffer = []
                action = "review" if item.action == "review" else ("redacted" if item.findings else "unchanged")
                report.add_record(record.id, texts=texts, kept=item.findings, below_threshold=item.below,
                                  flags=flags, action=action)
                summary.n_out += 1
            writer.write(buffer)
    finally:
        for sink in (quarantine, dropped):
            if sink:
                sink.close()
    vault.save()
    summary.elapsed_s = time.perf_counter() - started
    summary.check_accounting()
    summary.outputs = {"output": str(output_path), "report": str(report_path)}
    if quarantine:
        summary.outputs["quarantine"] = str(qpath)
    if dropped:
        summary.outputs["dropped"] = str(dpath)
    data_report = report.finish(command=command, input_path=str(input_path), output_path=str(output_path),
                                n_in=summary.n_in, n_out=summary.n_out, n_quarantined=summary.n_quarantined,
                                n_dropped=summary.n_dropped, elapsed_s=summary.elapsed_s,
                                extra={"outputs": summary.outputs, "key_id": keyring.key_id,
                                       "workers": workers})
    html_path = write_report(data_report, report_path)
    summary.outputs["report_html"] = str(html_path)
    summary.report = data_report
    return summary


def predict_gold(records: Sequence[Any], policy: Policy, *, workers: int = 1,
                 batch_size: int = 128) -> dict[str, list[Any]]:
    """Run detection on gold records (`id`, `text`) and return {id: [Span]} for `evaluation.evaluate`."""
    from gdprep.privacy.evaluation import Span

    def batches() -> Iterator[tuple[list[Any], list[str]]]:
        for i in range(0, len(records), batch_size):
            chunk = list(records[i:i + batch_size])
            yield chunk, [r.text for r in chunk]

    predictions: dict[str, list[Any]] = {}
    with DetectionPool(policy, workers=workers) as pool:
        for chunk, per_text in pool.map(batches()):
            for rec, raw in zip(chunk, per_text, strict=True):
                kept, _ = resolve(raw, rec.text, "text", policy)
                propagate_names([("text", rec.text)], [kept], policy)
                predictions[rec.id] = [Span(f.start, f.end, f.entity_type) for f in kept]
    return predictions
