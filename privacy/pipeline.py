"""The privacy stage as library functions: scan records, resolve findings under a policy, and write
detect / redact outputs. The CLI and (later) the HTTP API call these; neither holds logic of its own."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdprep.errors import IntegrityError
from gdprep.policies import Policy
from gdprep.privacy.engine import DetectionPool
from gdprep.privacy.findings import Finding
from gdprep.privacy.special_categories import SpecialCategoryDetector, SpecialCategoryFlag
from gdprep.records import BadRecord, JsonlSink, OnError, Record, RecordReader, RecordWriter, set_text

ProgressFn = Callable[[int], None]
_ACTION_RANK = {"none": 0, "keep": 1, "review": 2, "drop": 3}
_KEYED_OPERATORS = {"hash", "pseudonym", "surrogate", "encrypt"}


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
        def records_of(items: list[Record | BadRecord]) -> tuple[list[Record | BadRecord], list[list[tuple[str, str]]]]:
            return items, [item.texts for item in items if isinstance(item, Record)]

        for items, per_record in self.pool.map_records(records_of(b) for b in batches):
            results = iter(per_record)
            for item in items:
                if isinstance(item, BadRecord):
                    yield item
                    continue
                kept, below = next(results)
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
