"""The privacy stage as library functions: scan records, resolve findings under a policy, and write
detect / redact outputs. The CLI and (later) the HTTP API call these; neither holds logic of its own."""

from __future__ import annotations

import dataclasses
import functools
import re
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdprep.errors import IntegrityError, UsageError
from gdprep.fieldpaths import FieldTally, data_key_paths, mask_data_keys, parse_path
from gdprep.lineage import LineageSink
from gdprep.policies import Policy
from gdprep.privacy.engine import DetectionPool
from gdprep.privacy.findings import Finding
from gdprep.privacy.keys import KeyRing
from gdprep.privacy.special_categories import SpecialCategoryDetector, SpecialCategoryFlag
from gdprep.privacy.subjects import DIRECT_IDENTIFIERS, looks_like_personal_data, normalise_identifier
from gdprep.privacy.vault import Vault
from gdprep.records import BadRecord, IdTally, JsonlSink, OnError, Record, RecordReader, RecordWriter, set_text
from gdprep.staging import StagedOutputs

ProgressFn = Callable[[int], None]
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

    def __init__(self, policy: Policy, *, workers: int = 1) -> None:
        self.policy = policy
        self.pool = DetectionPool(policy, workers=workers)
        self.special = SpecialCategoryDetector()
        # free-text fields: their key says nothing about what is in them
        self._no_context = {*policy.fields.text_fields, policy.fields.message_content_key}

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
                kept, below = next(results)
                shifts = next(shifts_of)
                if shifts:
                    kept, below = _shift_back(kept, shifts), _shift_back(below, shifts)
                scanned = ScannedRecord(record=item, findings=kept, below=below)
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
    n_decisions_applied: int = 0     # review decisions that took effect (redact only)
    n_decisions_unmatched: int = 0   # review decisions whose finding id matched no finding of this run
    n_duplicate_ids: int = 0         # records whose id an earlier record of the input already had
    duplicate_id_lines: list[int] = field(default_factory=list)  # the first few of their lines
    elapsed_s: float = 0.0
    fields: FieldTally = field(default_factory=FieldTally)  # field paths scanned and skipped, `[*]` for positions
    outputs: dict[str, str] = field(default_factory=dict)
    report: dict[str, Any] | None = None

    def check_accounting(self, n_read: int | None = None) -> None:
        """`n_read` is the reader's own count and the other counts come from what the writers wrote, so
        this compares two independent tallies."""
        n_in = self.n_in if n_read is None else n_read
        if n_in != self.n_out + self.n_quarantined + self.n_dropped:
            raise IntegrityError(f"record accounting failed: {n_in} in != {self.n_out} out + "
                                 f"{self.n_quarantined} quarantined + {self.n_dropped} dropped")


def _check_output_paths(input_path: Path, *outputs: Path | None) -> None:
    """Refuse before reading anything: an output that is the input would truncate it."""
    source = input_path.resolve()
    named = [out.resolve() for out in outputs if out is not None]
    clash = next((out for i, out in enumerate(named) if out in named[:i]), None)
    if clash is not None:
        raise UsageError(f"two outputs of this run are the same file ({clash}); give each its own path")
    for out in outputs:
        if out is None:
            continue
        if out.resolve() == source:
            raise UsageError(f"output {out} is the input file; write to a different path")
        if out.is_dir():
            raise UsageError(f"output {out} is a directory; give a file path")
        if out.parent.exists() and not out.parent.is_dir():
            raise UsageError(f"cannot write {out}: {out.parent} is not a directory")


@contextmanager
def _vault_lock(vault_path: Path, wait: Callable[[], None] | None = None) -> Iterator[None]:
    """One run at a time per vault: two runs that each load the vault and save it at the end would hand
    the same pseudonym to different people. Without `wait`, a busy vault is an error at once; with it,
    `wait()` is called between attempts (it sleeps, and may raise to give up)."""
    import fcntl

    vault_path.parent.mkdir(parents=True, exist_ok=True)
    with open(Vault.lock_path(vault_path), "w") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if wait is None:
                    raise UsageError(f"another gdprep run is using the vault {vault_path}; wait for it to finish, "
                                     "or give this run its own GDPREP_HOME") from None
                wait()
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _quarantine_row(path: Path, bad: BadRecord) -> dict[str, Any]:
    return {"source": str(path), "line": bad.line, "reason": bad.reason, "error": bad.message, "raw": bad.raw}


def _flag_json(flag: SpecialCategoryFlag, data_keys: Collection[str] = ()) -> dict[str, Any]:
    return {"category": flag.category, "cue": flag.cue, "field": mask_data_keys(flag.field, data_keys),
            "start": flag.start, "end": flag.end}


def default_quarantine_path(output: Path) -> Path:
    return output.with_name(output.stem + ".quarantine.jsonl")


def _journal_for(output: Path) -> Path:
    """Where a run that writes `output` journals the publication of its outputs."""
    return output.with_name(f".{output.name}.publish")


def run_detect(input_path: Path, output_path: Path, policy: Policy, *, on_error: OnError = "fail",
               quarantine_path: Path | None = None, fmt: str | None = None, workers: int = 1,
               progress: ProgressFn | None = None) -> RunSummary:
    """`gdprep detect`: one JSON line per record with its findings (offsets, types, scores; no values)."""
    from gdprep.privacy.report import MASKED_ID

    started = time.perf_counter()
    qpath = quarantine_path or default_quarantine_path(output_path)
    _check_output_paths(input_path, output_path, qpath)
    reader = RecordReader(input_path, policy.fields, fmt=fmt, max_chars=policy.max_text_chars, on_error=on_error)
    summary = RunSummary()
    ids = IdTally()
    staged = StagedOutputs.open(_journal_for(output_path))
    findings_path, staged_qpath = staged.path(output_path), staged.path(qpath)
    staged.check_writable()
    quarantine: JsonlSink | None = None
    try:
        out = JsonlSink(findings_path)
        with PrivacyScanner(policy, workers=workers) as scanner, out:
            for item in scanner.scan(reader.batches()):
                summary.n_in += 1
                if isinstance(item, BadRecord):
                    quarantine = quarantine or JsonlSink(staged_qpath)
                    quarantine.write(_quarantine_row(input_path, item))
                    summary.n_quarantined += 1
                else:
                    ids.add(item.record.id, item.record.line)
                    summary.fields.add(item.record.scanned, item.record.skipped)
                    data_keys = data_key_paths(f.field for f in item.findings)
                    out.write({
                        # the file holds no values: an id that looks like personal data is masked, and the
                        # record's position in the input (0-based, bad records included) joins it back
                        "record": summary.n_in - 1,
                        "id": MASKED_ID if looks_like_personal_data(item.record.id) else item.record.id,
                        "entities": [{**f.to_json(), "field": mask_data_keys(f.field, data_keys)}
                                     for f in item.findings],
                        "special_categories": [_flag_json(f, data_keys) for f in item.flags],
                    })
                    summary.n_out += 1
                    summary.n_findings += len(item.findings)
                if progress:
                    progress(1)
        if quarantine:
            quarantine.close()
        written = RunSummary(n_out=out.count, n_quarantined=quarantine.count if quarantine else 0)
        written.check_accounting(reader.n_items)
        staged.commit()
    except BaseException:
        if quarantine:
            quarantine.close()
        staged.discard()
        raise
    summary.n_duplicate_ids, summary.duplicate_id_lines = ids.duplicates()
    summary.outputs = {"findings": str(output_path)}
    if quarantine:
        summary.outputs["quarantine"] = str(qpath)
    summary.elapsed_s = time.perf_counter() - started
    return summary


def run_redact(input_path: Path, output_path: Path, report_path: Path, policy: Policy, *,
               on_error: OnError = "fail", quarantine_path: Path | None = None, fmt: str | None = None,
               out_fmt: str | None = None, workers: int = 1, key_file: Path | None = None,
               vault_path: Path | None = None, progress: ProgressFn | None = None,
               command: str = "gdprep redact", lineage: LineageSink | None = None,
               decisions: Mapping[str, str] | None = None,
               vault_wait: Callable[[], None] | None = None) -> RunSummary:
    """`gdprep redact`: redacted records in the input's format, a JSON + HTML report, quarantine and
    dropped-record files. Every input record is accounted for.

    One run at a time uses a vault: another run's is an error at once, unless `vault_wait` is given (the
    service's workers queue for it; `vault_wait` sleeps between attempts and may raise to give up).

    `decisions` (finding id -> "confirm" | "reject", see `gdprep.privacy.decisions`) are compliance
    officers' review decisions: a rejected finding stays as written, a confirmed below-threshold finding
    is redacted. The report counts those applied and lists those that matched no finding."""
    from gdprep.records import detect_format

    started = time.perf_counter()
    if report_path.suffix.lower() == ".html":
        raise UsageError(f"report path {report_path} ends in .html; give the JSON path, e.g. REPORT.json (the "
                         "HTML page is written beside it)")
    qpath = quarantine_path or default_quarantine_path(output_path)
    dpath = output_path.with_name(output_path.stem + ".dropped.jsonl")
    _check_output_paths(input_path, output_path, report_path, report_path.with_suffix(".html"), qpath, dpath)
    reader = RecordReader(input_path, policy.fields, fmt=fmt, max_chars=policy.max_text_chars, on_error=on_error)
    out_format = detect_format(output_path, out_fmt) if out_fmt or output_path.suffix else reader.format
    vault_file = vault_path or Vault.default_path()
    with _vault_lock(vault_file, vault_wait):
        keyring = KeyRing.open(key_file=key_file)
        vault = Vault.open(vault_file, keyring)
        return _redact_locked(reader, input_path, output_path, report_path, policy, out_format, qpath, dpath,
                              keyring, vault, workers=workers, progress=progress, command=command,
                              started=started, lineage=lineage, decisions=decisions)


def _redact_locked(reader: RecordReader, input_path: Path, output_path: Path, report_path: Path,
                   policy: Policy, out_format: Any, qpath: Path, dpath: Path, keyring: Any, vault: Any, *,
                   workers: int, progress: ProgressFn | None, command: str, started: float,
                   lineage: LineageSink | None = None, decisions: Mapping[str, str] | None = None) -> RunSummary:
    from gdprep.privacy.decisions import DecisionTally, apply_decisions, matched_ids
    from gdprep.privacy.operators import RedactionContext, Redactor
    from gdprep.privacy.report import FlagInfo, ReportBuilder, write_report_files

    redactor = Redactor(RedactionContext(keyring=keyring, vault=vault))
    if lineage is not None and getattr(keyring, "created", False):
        lineage.event("key_event", {"event": "created", "key": "master", "key_id": keyring.key_id})
    spec_for = {etype: rule.operator for etype, rule in policy.entities.items()}.__getitem__
    # an id that looks like personal data is shown in the report by the ledger's keyed hash of it
    report = ReportBuilder(policy, decisions=decisions,
                           id_key=lineage.subject_key if lineage is not None else None)
    tally = DecisionTally(decisions) if decisions is not None else None
    summary = RunSummary()
    ids = IdTally()
    # every output of the run is staged and published together, or not at all (see gdprep.staging)
    html_path = report_path.with_suffix(".html")
    staged = StagedOutputs.open(_journal_for(output_path))
    staged_out, staged_qpath, staged_dpath = staged.path(output_path), staged.path(qpath), staged.path(dpath)
    staged_report, staged_html = staged.path(report_path), staged.path(html_path)
    staged.check_writable()
    quarantine: JsonlSink | None = None
    dropped: JsonlSink | None = None
    buffer: list[dict[str, Any]] = []
    same_format = out_format == reader.format
    try:
        writer = RecordWriter(staged_out, out_format, policy.fields.messages_field,
                              columns=reader.columns if same_format else None,
                              schema=reader.schema if same_format else None)
        with PrivacyScanner(policy, workers=workers) as scanner, writer:
            for item in scanner.scan(reader.batches()):
                summary.n_in += 1
                if progress:
                    progress(1)
                if isinstance(item, BadRecord):
                    quarantine = quarantine or JsonlSink(staged_qpath)
                    quarantine.write(_quarantine_row(input_path, item))
                    report.add_quarantined(item.reason)
                    summary.n_quarantined += 1
                    if lineage is not None:
                        lineage.record("record_quarantined", f"{input_path.name}:line-{item.line}",
                                       {"reason": item.reason, "line": item.line})
                    continue
                record = item.record
                ids.add(record.id, record.line)
                summary.fields.add(record.scanned, record.skipped)
                texts = dict(record.texts)
                flags = [FlagInfo(f.category, f.cue, f.field, f.start, f.end) for f in item.flags]
                if item.action == "drop":
                    summary.n_findings += len(item.findings)
                    if tally is not None:
                        tally.add_dropped(matched_ids(record.id, [*item.findings, *item.below], tally.decisions))
                    dropped = dropped or JsonlSink(staged_dpath)
                    dropped.write({"id": record.id, "line": record.line, "stage": "privacy",
                                   "reason": "special_category",
                                   "categories": sorted({f.category for f in item.flags})})
                    report.add_record(record.id, texts=texts, kept=item.findings, below_threshold=item.below,
                                      flags=flags, action="dropped")
                    summary.n_dropped += 1
                    if lineage is not None:
                        lineage.record("record_dropped", record.id, {
                            "reason": "special_category", "categories": sorted({f.category for f in item.flags}),
                            "findings": _lineage_findings(item.findings, policy)})
                    continue
                decided = apply_decisions(record.id, item.findings, item.below, decisions or {})
                if tally is not None:
                    tally.add(decided)
                redacted = decided.redact   # what this record actually redacts, after review decisions
                summary.n_findings += len(redacted)
                data = dict(record.data)
                by_field: dict[str, list[Finding]] = {}
                for f in redacted:
                    by_field.setdefault(f.field, []).append(f)
                # in the record's field order: object keys come last, deepest first, so a renamed key never
                # moves a path still to be written
                for name in (name for name, _ in record.texts if name in by_field):
                    new_text, _ = redactor.redact(texts[name], by_field[name], spec_for)
                    set_text(data, name, new_text)
                if data.get(policy.fields.id_field) in (None, ""):
                    # the findings file and the report name this record by its content id: so must the output
                    data = {**data, policy.fields.id_field: record.id} if policy.fields.id_field in data \
                        else {policy.fields.id_field: record.id, **data}
                buffer.append(data)
                if len(buffer) >= 256:
                    writer.write(buffer)
                    buffer = []
                action = "review" if item.action == "review" else ("redacted" if redacted else "unchanged")
                if lineage is not None:
                    event: dict[str, Any] = {
                        "action": action, "findings": _lineage_findings(redacted, policy),
                        "special_categories": sorted({f.category for f in item.flags}),
                        "subjects": _subject_keys(lineage, redacted, texts),
                        "vault_keys": sorted({vault.lookup_key(f.entity_type, texts[f.field][f.start:f.end])
                                              for f in redacted
                                              if policy.entities[f.entity_type].operator.type
                                              in ("pseudonym", "surrogate")}),
                        "output_hash": lineage.record_hash(data)}
                    if decided.applied:
                        event["decisions"] = decided.counts()
                    lineage.record("record_redacted", record.id, event)
                report.add_record(record.id, texts=texts, kept=redacted, below_threshold=decided.left,
                                  flags=flags, action=action)
                summary.n_out += 1
            writer.write(buffer)
        for sink in (quarantine, dropped):
            if sink:
                sink.close()
        written = RunSummary(n_out=writer.count, n_quarantined=quarantine.count if quarantine else 0,
                             n_dropped=dropped.count if dropped else 0)
        written.check_accounting(reader.n_items)
        summary.n_duplicate_ids, summary.duplicate_id_lines = ids.duplicates()
        summary.elapsed_s = time.perf_counter() - started
        summary.outputs = {"output": str(output_path), "report": str(report_path)}
        if quarantine:
            summary.outputs["quarantine"] = str(qpath)
        if dropped:
            summary.outputs["dropped"] = str(dpath)
        summary.outputs["report_html"] = str(html_path)
        extra: dict[str, object] = {"outputs": summary.outputs, "key_id": keyring.key_id, "workers": workers}
        if tally is not None:
            summary.n_decisions_applied = tally.n_applied
            summary.n_decisions_unmatched = len(tally.unmatched())
            extra["decisions_applied"] = summary.n_decisions_applied
            extra["decisions_unmatched"] = summary.n_decisions_unmatched
        data_report = report.finish(command=command, input_path=str(input_path), output_path=str(output_path),
                                    n_in=summary.n_in, n_out=summary.n_out, n_quarantined=summary.n_quarantined,
                                    n_dropped=summary.n_dropped, elapsed_s=summary.elapsed_s, extra=extra,
                                    decisions=tally.to_json() if tally is not None else None,
                                    fields=summary.fields.to_json(policy.fields.skip, policy.fields.id_field),
                                    duplicate_ids=(summary.n_duplicate_ids, summary.duplicate_id_lines))
        write_report_files(data_report, staged_report, staged_html, shown=report_path)
        vault.save()  # before the outputs appear: every token in them must be resolvable
        staged.commit()
    except BaseException:
        for sink in (quarantine, dropped):
            if sink:
                sink.close()
        staged.discard()
        raise
    if lineage is not None:
        lineage.dataset("input", input_path, reader.n_items)
        lineage.dataset("output", output_path, summary.n_out)
    summary.report = data_report
    return summary


def _subject_keys(lineage: LineageSink, findings: Sequence[Finding], texts: Mapping[str, str]) -> list[str]:
    """The subject index: keyed HMACs of the direct identifiers in a record (e-mail, phone, national
    ids, IBANs), so `gdprep erase --subject` can find the records of a person without the ledger ever
    holding the identifier itself."""
    keys = {lineage.subject_key(normalise_identifier(f.entity_type, texts[f.field][f.start:f.end]))
            for f in findings if f.entity_type in DIRECT_IDENTIFIERS}
    return sorted(keys)


def _lineage_findings(findings: Sequence[Finding], policy: Policy) -> list[dict[str, Any]]:
    """What the ledger keeps of each finding: where and what, never the value (nor a key that is one)."""
    data_keys = data_key_paths(f.field for f in findings)
    return [{"field": mask_data_keys(f.field, data_keys), "start": f.start, "end": f.end, "type": f.entity_type,
             "recognizer": f.recognizer, "operator": policy.entities[f.entity_type].operator.type}
            for f in findings]


def predict_gold(records: Sequence[Any], policy: Policy, *, workers: int = 1,
                 batch_size: int = 128) -> dict[str, list[Any]]:
    """Run detection on gold records (`id`, `text`) and return {id: [Span]} for `evaluation.evaluate`."""
    from gdprep.privacy.evaluation import Span

    def batches() -> Iterator[tuple[list[Any], list[list[tuple[str, str]]]]]:
        for i in range(0, len(records), batch_size):
            chunk = list(records[i:i + batch_size])
            yield chunk, [[("text", r.text)] for r in chunk]

    predictions: dict[str, list[Any]] = {}
    with DetectionPool(policy, workers=workers) as pool:
        for chunk, per_record in pool.map_records(batches()):
            for rec, (kept, _) in zip(chunk, per_record, strict=True):
                predictions[rec.id] = [Span(f.start, f.end, f.entity_type) for f in kept]
    return predictions
