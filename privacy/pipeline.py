"""The privacy stage as library functions: scan records, resolve findings under a policy, and write
detect / redact outputs. The CLI and the HTTP service call these (through `gdprep.service.stages` when the
run is recorded in the ledger); neither holds logic of its own."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdprep.duplicate_ids import IdTally
from gdprep.errors import DetectionTimeout, IntegrityError, UsageError
from gdprep.fieldpaths import FieldTally, data_key_paths, mask_data_keys
from gdprep.lineage import LineageSink
from gdprep.policies import Policy
from gdprep.privacy.engine import DetectionPool
from gdprep.privacy.findings import Finding, TimedOut
from gdprep.privacy.keys import KeyRing
from gdprep.privacy.scanner import PrivacyScanner, ScannedRecord
from gdprep.privacy.special_categories import SpecialCategoryFlag
from gdprep.privacy.subjects import DIRECT_IDENTIFIERS, looks_like_personal_data, normalise_identifier
from gdprep.privacy.vault import Vault
from gdprep.ray_cluster import EngineSpec
from gdprep.record_writers import JsonlSink, RecordWriter
from gdprep.records import (
    BadRecord,
    Format,
    OnError,
    Record,
    RecordReader,
    set_text,
)
from gdprep.staging import StagedOutputs

ProgressFn = Callable[[int], None]


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
    engine: dict[str, Any] = field(default_factory=dict)  # the engine and, for Ray, the cluster's size
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


class _StagedRun:
    """What detect and redact runs share: their outputs are staged and published together, or not at all (see
    `gdprep.staging`), and the side files (quarantine, dropped records) are opened by their first record."""

    def __init__(self, input_path: Path, output_path: Path, outputs: Sequence[Path]) -> None:
        self.input_path = input_path
        self.staged = StagedOutputs.open(_journal_for(output_path))
        self.paths = {final: self.staged.path(final) for final in outputs}
        self.staged.check_writable()
        self._sinks: dict[Path, JsonlSink] = {}

    def sink(self, final: Path) -> JsonlSink:
        if final not in self._sinks:
            self._sinks[final] = JsonlSink(self.paths[final])
        return self._sinks[final]

    def written(self, final: Path) -> int:
        """Records written to a side file (0 when none was opened)."""
        sink = self._sinks.get(final)
        return sink.count if sink else 0

    def has(self, final: Path) -> bool:
        return final in self._sinks

    def quarantine(self, qpath: Path, bad: BadRecord) -> None:
        self.sink(qpath).write(_quarantine_row(self.input_path, bad))

    def close_sinks(self) -> None:
        for sink in self._sinks.values():
            sink.close()

    def discard(self) -> None:
        self.close_sinks()
        self.staged.discard()


def run_detect(input_path: Path, output_path: Path, policy: Policy, *, on_error: OnError = "fail",
               quarantine_path: Path | None = None, fmt: str | None = None, workers: int = 1,
               progress: ProgressFn | None = None, engine: EngineSpec | None = None) -> RunSummary:
    """`gdprep detect`: one JSON line per record with its findings (offsets, types, scores; no values)."""
    from gdprep.privacy.report import MASKED_ID

    started = time.perf_counter()
    qpath = quarantine_path or default_quarantine_path(output_path)
    _check_output_paths(input_path, output_path, qpath)
    reader = RecordReader(input_path, policy.fields, fmt=fmt, max_chars=policy.max_text_chars, on_error=on_error)
    summary = RunSummary()
    ids = IdTally()
    run = _StagedRun(input_path, output_path, (output_path, qpath))
    try:
        out = JsonlSink(run.paths[output_path])
        with PrivacyScanner(policy, workers=workers, engine=engine, on_error=on_error,
                            source=str(input_path)) as scanner, out:
            summary.engine = scanner.engine_info()
            for item in scanner.scan(reader.batches()):
                summary.n_in += 1
                if isinstance(item, BadRecord):
                    run.quarantine(qpath, item)
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
        run.close_sinks()
        RunSummary(n_out=out.count, n_quarantined=run.written(qpath)).check_accounting(reader.n_items)
        run.staged.commit()
    except BaseException:
        run.discard()
        raise
    summary.n_duplicate_ids, summary.duplicate_id_lines = ids.duplicates()
    summary.outputs = {"findings": str(output_path)}
    if run.has(qpath):
        summary.outputs["quarantine"] = str(qpath)
    summary.elapsed_s = time.perf_counter() - started
    return summary


@dataclass(frozen=True, slots=True)
class RedactOutputs:
    """Where a redact run writes: the records, the JSON report and its HTML page, and the side files."""

    output: Path
    report: Path
    quarantine: Path
    dropped: Path

    @property
    def html(self) -> Path:
        return self.report.with_suffix(".html")

    @classmethod
    def of(cls, output: Path, report: Path, quarantine: Path | None) -> RedactOutputs:
        return cls(output, report, quarantine or default_quarantine_path(output),
                   output.with_name(output.stem + ".dropped.jsonl"))


def run_redact(input_path: Path, output_path: Path, report_path: Path, policy: Policy, *,
               on_error: OnError = "fail", quarantine_path: Path | None = None, fmt: str | None = None,
               out_fmt: str | None = None, workers: int = 1, key_file: Path | None = None,
               vault_path: Path | None = None, progress: ProgressFn | None = None,
               command: str = "gdprep redact", lineage: LineageSink | None = None,
               decisions: Mapping[str, str] | None = None, shown_input: str | None = None,
               engine: EngineSpec | None = None) -> RunSummary:
    """`gdprep redact`: redacted records in the input's format, a JSON + HTML report, quarantine and
    dropped-record files. Every input record is accounted for.

    Runs may share a vault at the same time: a value's pseudonym comes from a keyed HMAC, not from a
    counter, and the vault takes each run's new entries under a short lock (see `gdprep.privacy.vault`).

    `decisions` (finding id -> "confirm" | "reject", see `gdprep.privacy.decisions`) are compliance
    officers' review decisions: a rejected finding stays as written, a confirmed below-threshold finding
    is redacted. The report counts those applied and lists those that matched no finding.

    `shown_input` is the name the report gives the input (a service job's file as its user named it); with
    it, the report names every output by its file name, never by a path on the server."""
    from gdprep.records import detect_format

    started = time.perf_counter()
    if report_path.suffix.lower() == ".html":
        raise UsageError(f"report path {report_path} ends in .html; give the JSON path, e.g. REPORT.json (the "
                         "HTML page is written beside it)")
    paths = RedactOutputs.of(output_path, report_path, quarantine_path)
    _check_output_paths(input_path, output_path, report_path, paths.html, paths.quarantine, paths.dropped)
    reader = RecordReader(input_path, policy.fields, fmt=fmt, max_chars=policy.max_text_chars, on_error=on_error)
    out_format = detect_format(output_path, out_fmt) if out_fmt or output_path.suffix else reader.format
    vault_file = vault_path or Vault.default_path()
    keyring = KeyRing.open(key_file=key_file)
    vault = Vault.open(vault_file, keyring)
    run = _RedactRun(reader, input_path, paths, policy, keyring, vault, lineage=lineage, decisions=decisions)
    return run.run(out_format, workers=workers, progress=progress, command=command, started=started,
                   shown_input=shown_input, engine=engine)


class _RedactRun:
    """One redact run over an open vault: a handler per record outcome (quarantined, dropped, written), then
    the report, the vault and the publication of every output together."""

    def __init__(self, reader: RecordReader, input_path: Path, paths: RedactOutputs, policy: Policy,
                 keyring: KeyRing, vault: Vault, *, lineage: LineageSink | None,
                 decisions: Mapping[str, str] | None) -> None:
        from gdprep.privacy.decisions import DecisionTally
        from gdprep.privacy.operators import RedactionContext, Redactor
        from gdprep.privacy.report import ReportBuilder

        self.reader, self.input_path, self.paths, self.policy = reader, input_path, paths, policy
        self.keyring, self.vault, self.lineage, self.decisions = keyring, vault, lineage, decisions
        self.redactor = Redactor(RedactionContext(keyring=keyring, vault=vault))
        if lineage is not None and keyring.created:
            lineage.event("key_event", {"event": "created", "key": "master", "key_id": keyring.key_id})
        self.spec_for = {etype: rule.operator for etype, rule in policy.entities.items()}.__getitem__
        # an id that looks like personal data is shown in the report by the ledger's keyed hash of it
        self.report = ReportBuilder(policy, decisions=decisions,
                                    id_key=lineage.subject_key if lineage is not None else None)
        self.tally = DecisionTally(decisions) if decisions is not None else None
        self.summary = RunSummary()
        self.ids = IdTally()
        self._buffer: list[dict[str, Any]] = []

    def run(self, out_format: Format, *, workers: int, progress: ProgressFn | None, command: str,
            started: float, shown_input: str | None, engine: EngineSpec | None = None) -> RunSummary:
        reader, paths, summary = self.reader, self.paths, self.summary
        staged = _StagedRun(self.input_path, paths.output,
                            (paths.output, paths.quarantine, paths.dropped, paths.report, paths.html))
        same_format = out_format == reader.format
        try:
            writer = RecordWriter(staged.paths[paths.output], out_format, self.policy.fields.messages_field,
                                  columns=reader.columns if same_format else None,
                                  schema=reader.schema if same_format else None)
            with PrivacyScanner(self.policy, workers=workers, engine=engine, on_error=self.reader.on_error,
                                source=str(self.input_path)) as scanner, writer:
                summary.engine = scanner.engine_info()
                if self.lineage is not None and engine is not None and engine.is_ray:
                    self.lineage.event("engine", summary.engine)
                for item in scanner.scan(reader.batches()):
                    summary.n_in += 1
                    if progress:
                        progress(1)
                    if isinstance(item, BadRecord):
                        self._quarantined(item, staged)
                        continue
                    self.ids.add(item.record.id, item.record.line)
                    summary.fields.add(item.record.scanned, item.record.skipped)
                    if item.action == "drop":
                        self._dropped(item, staged)
                    else:
                        self._written(item, writer)
                writer.write(self._buffer)
            staged.close_sinks()
            RunSummary(n_out=writer.count, n_quarantined=staged.written(paths.quarantine),
                       n_dropped=staged.written(paths.dropped)).check_accounting(reader.n_items)
            data_report = self._finish(staged, workers=workers, command=command, started=started,
                                       shown_input=shown_input)
            self.vault.save()  # flushed before the outputs appear: every token in them must be resolvable
            staged.staged.commit()
        except BaseException:
            staged.discard()
            raise
        if self.lineage is not None:
            self.lineage.dataset("input", self.input_path, reader.n_items)
            self.lineage.dataset("output", paths.output, summary.n_out)
        summary.report = data_report
        return summary

    def _quarantined(self, item: BadRecord, staged: _StagedRun) -> None:
        staged.quarantine(self.paths.quarantine, item)
        self.report.add_quarantined(item.reason)
        self.summary.n_quarantined += 1
        if self.lineage is not None:
            self.lineage.record("record_quarantined", f"{self.input_path.name}:line-{item.line}",
                                {"reason": item.reason, "line": item.line})

    def _dropped(self, item: ScannedRecord, staged: _StagedRun) -> None:
        from gdprep.privacy.decisions import matched_ids

        record = item.record
        categories = sorted({f.category for f in item.flags})
        self.summary.n_findings += len(item.findings)
        if self.tally is not None:
            self.tally.add_dropped(matched_ids(record.id, [*item.findings, *item.below], self.tally.decisions))
        staged.sink(self.paths.dropped).write({"id": record.id, "line": record.line, "stage": "privacy",
                                               "reason": "special_category", "categories": categories})
        self.report.add_record(record.id, texts=dict(record.texts), kept=item.findings, below_threshold=item.below,
                               flags=_flag_infos(item), action="dropped")
        self.summary.n_dropped += 1
        if self.lineage is not None:
            self.lineage.record("record_dropped", record.id, {
                "reason": "special_category", "categories": categories,
                "findings": _lineage_findings(item.findings, self.policy)})

    def _written(self, item: ScannedRecord, writer: RecordWriter) -> None:
        from gdprep.privacy.decisions import apply_decisions

        record = item.record
        texts = dict(record.texts)
        decided = apply_decisions(record.id, item.findings, item.below, self.decisions or {})
        if self.tally is not None:
            self.tally.add(decided)
        redacted = decided.redact   # what this record actually redacts, after review decisions
        self.summary.n_findings += len(redacted)
        data = self._redacted_data(record, texts, redacted)
        self._buffer.append(data)
        if len(self._buffer) >= 256:
            writer.write(self._buffer)
            self._buffer = []
        action = "review" if item.action == "review" else ("redacted" if redacted else "unchanged")
        if self.lineage is not None:
            event = self._lineage_event(item, action, redacted, texts, data)
            if decided.applied:
                event["decisions"] = decided.counts()
            self.lineage.record("record_redacted", record.id, event)
        self.report.add_record(record.id, texts=texts, kept=redacted, below_threshold=decided.left,
                               flags=_flag_infos(item), action=action)
        self.summary.n_out += 1

    def _redacted_data(self, record: Record, texts: Mapping[str, str], redacted: Sequence[Finding]) -> dict[str, Any]:
        data = dict(record.data)
        by_field: dict[str, list[Finding]] = {}
        for f in redacted:
            by_field.setdefault(f.field, []).append(f)
        # in the record's field order: object keys come last, deepest first, so a renamed key never moves a
        # path still to be written
        for name in (name for name, _ in record.texts if name in by_field):
            new_text, _ = self.redactor.redact(texts[name], by_field[name], self.spec_for)
            set_text(data, name, new_text)
        id_field = self.policy.fields.id_field
        if data.get(id_field) in (None, ""):
            # the findings file and the report name this record by its content id: so must the output
            data = {**data, id_field: record.id} if id_field in data else {id_field: record.id, **data}
        return data

    def _lineage_event(self, item: ScannedRecord, action: str, redacted: Sequence[Finding],
                       texts: Mapping[str, str], data: Mapping[str, Any]) -> dict[str, Any]:
        assert self.lineage is not None
        reversible = [f for f in redacted if self.policy.entities[f.entity_type].operator.type
                      in ("pseudonym", "surrogate")]
        return {
            "action": action, "findings": _lineage_findings(redacted, self.policy),
            "special_categories": sorted({f.category for f in item.flags}),
            "subjects": _subject_keys(self.lineage, redacted, texts),
            "vault_keys": sorted({self.vault.lookup_key(f.entity_type, texts[f.field][f.start:f.end])
                                  for f in reversible}),
            "output_hash": self.lineage.record_hash(data)}

    def _finish(self, staged: _StagedRun, *, workers: int, command: str, started: float,
                shown_input: str | None) -> dict[str, Any]:
        """Close the summary, write the report (JSON and HTML) to its staging paths; return the report."""
        from gdprep.privacy.report_html import write_report_files

        summary, paths, tally = self.summary, self.paths, self.tally
        summary.n_duplicate_ids, summary.duplicate_id_lines = self.ids.duplicates()
        summary.elapsed_s = time.perf_counter() - started
        summary.outputs = {"output": str(paths.output), "report": str(paths.report)}
        if staged.has(paths.quarantine):
            summary.outputs["quarantine"] = str(paths.quarantine)
        if staged.has(paths.dropped):
            summary.outputs["dropped"] = str(paths.dropped)
        summary.outputs["report_html"] = str(paths.html)
        outputs = summary.outputs if shown_input is None else {k: Path(v).name for k, v in summary.outputs.items()}
        extra: dict[str, object] = {"outputs": outputs, "key_id": self.keyring.key_id, "workers": workers,
                                    "engine": summary.engine.get("engine", "local")}
        if tally is not None:
            summary.n_decisions_applied = tally.n_applied
            summary.n_decisions_unmatched = len(tally.unmatched())
            extra["decisions_applied"] = summary.n_decisions_applied
            extra["decisions_unmatched"] = summary.n_decisions_unmatched
        data_report = self.report.finish(
            command=command, input_path=str(self.input_path) if shown_input is None else shown_input,
            output_path=str(paths.output) if shown_input is None else paths.output.name,
            n_in=summary.n_in, n_out=summary.n_out, n_quarantined=summary.n_quarantined,
            n_dropped=summary.n_dropped, elapsed_s=summary.elapsed_s, extra=extra,
            decisions=tally.to_json() if tally is not None else None,
            fields=summary.fields.to_json(self.policy.fields.skip, self.policy.fields.id_field),
            duplicate_ids=(summary.n_duplicate_ids, summary.duplicate_id_lines))
        write_report_files(data_report, staged.paths[paths.report], staged.paths[paths.html], shown=paths.report)
        return data_report


def _flag_infos(item: ScannedRecord) -> list[Any]:
    from gdprep.privacy.report import FlagInfo

    return [FlagInfo(f.category, f.cue, f.field, f.start, f.end) for f in item.flags]


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
            for rec, found in zip(chunk, per_record, strict=True):
                if isinstance(found, TimedOut):  # a score must not quietly count it as found nothing
                    raise DetectionTimeout(f"gold record {rec.id!r}: {found.message}")
                predictions[rec.id] = [Span(f.start, f.end, f.entity_type) for f in found[0]]
    return predictions
