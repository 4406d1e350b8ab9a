"""Right to erasure (GDPR Art. 17): find a subject's records through the ledger's subject index and
lineage, and report the impact with the Art. 12(3) deadline (one month from the request).

The subject index holds keyed HMACs of the direct identifiers the privacy stage found in each record, so
the subject's e-mail, phone number or national id is matched without the ledger ever storing it. The
audit side works on the identifier's normal forms; the privacy stage supplies them and shreds the vault, and
`gdprep.service.stages` composes the two.
"""

from __future__ import annotations

import calendar
import datetime
import os
from collections.abc import Collection
from pathlib import Path
from typing import Any, Final

from gdprep.audit.entries import Entry
from gdprep.audit.ledger import Ledger, actor
from gdprep.audit.runs import LineageGraph, Run, is_input
from gdprep.audit.trace import release_of
from gdprep.errors import InputError, UsageError
from gdprep.record_writers import RecordWriter
from gdprep.records import BadRecord, RecordReader, TextFieldSpec, file_sha256


def one_month_after(day: datetime.date) -> datetime.date:
    """Art. 12(3): one month from receipt; the same day next month, or that month's last day."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def erasure_impact(ledger: Ledger, identifier_forms: Collection[str], *,
                   requested: datetime.date | None = None) -> dict[str, Any]:
    """Which records hold the subject (named by the normal forms of their identifier), and, run by run, the
    dataset versions that really hold those records: the privacy run's input and output, the split each curation
    run that read that output put the record in, the training runs that read that very split file, and their
    adapters and registered versions. A record id is only unique within its file, so the trail follows files
    by SHA-256 and never pools splits across runs."""
    requested = requested or datetime.date.today()
    form_of = {ledger.record_key(form): form for form in identifier_forms}
    entries = list(ledger.iter_entries())
    found: list[tuple[str, str]] = []                             # (privacy run, record key) the index matched
    matched_by: set[str] = set()
    for entry in entries:
        hits = form_of.keys() & set(entry.payload.get("subjects", ())) if entry.kind == "record_redacted" else set()
        if hits and entry.run_id and entry.record_key:
            found.append((entry.run_id, entry.record_key))
            matched_by.update(form_of[k].partition(":")[0] for k in hits)
    keys = {key for _, key in found}
    trail = _Trail(LineageGraph(e for e in entries if e.record_key is None),
                   [e for e in entries if e.record_key in keys and e.run_id])
    for run_id, key in found:
        trail.follow(run_id, key)
    return {
        "subject_keys": sorted(form_of),
        "matched_by": sorted(matched_by),
        "records": [trail.records[key] for key in dict.fromkeys(k for _, k in found)],
        "record_count": len(keys),
        "runs": sorted(trail.runs),
        "dataset_versions": list(trail.datasets.values()),
        "splits": {split: len(members) for split, members in sorted(trail.splits.items())},
        "adapters": list(trail.adapters.values()),
        # adapters whose training run held the record only in its validation or test split (not trained on it)
        "adapters_not_trained_on": list(trail.evaluated.values()),
        "requested": requested.isoformat(),
        "deadline": one_month_after(requested).isoformat(),
    }


#: record entries after which a run's outputs do not hold the record
_LEFT_OUT: Final = frozenset({"record_dropped", "record_quarantined"})


class _Trail:
    """Follows one record from the run that found the subject in it, through the files that run wrote, to the
    runs that read those very files (by SHA-256): a curation run puts it in one split, a training run makes an
    adapter of it."""

    def __init__(self, graph: LineageGraph, record_entries: list[Entry]) -> None:
        self.graph = graph
        self.entries: dict[tuple[str, str], list[Entry]] = {}
        for e in record_entries:
            self.entries.setdefault((str(e.run_id), str(e.record_key)), []).append(e)
        self.records: dict[str, dict[str, Any]] = {}
        self.runs: set[str] = set()
        self.datasets: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.splits: dict[str, set[str]] = {}
        self.adapters: dict[tuple[str, str], dict[str, Any]] = {}
        self.evaluated: dict[tuple[str, str], dict[str, Any]] = {}
        self._seen: set[tuple[str, str]] = set()

    def follow(self, run_id: str, key: str) -> None:
        if (run_id, key) in self._seen or run_id not in self.graph.runs:
            return
        self._seen.add((run_id, key))
        run = self.graph.runs[run_id]
        events = self.entries.get((run_id, key), [])
        record = self.records.setdefault(key, {"record_key": key, "events": [], "vault_keys": []})
        record["events"] += [{"seq": e.seq, "kind": e.kind, "run_id": run_id, "outcome": e.payload.get("outcome"),
                              "split": e.payload.get("split"), "reason": e.payload.get("reason")} for e in events]
        record["vault_keys"] = sorted({*record["vault_keys"], *(k for e in events
                                                                for k in e.payload.get("vault_keys", ()))})
        self.runs.add(run_id)
        for d in run.datasets:
            if is_input(d):
                self._add(run, d)
        for d in self._outputs_holding(run, events):
            self._add(run, d)
            for consumer, read in self.graph.consumers(str(d.get("sha256"))):
                if consumer.stage == "training":
                    # a train split is trained on; validation only picks the checkpoint and the test split is
                    # not read by training at all (the runs record both for lineage): listed apart
                    (self._adapter if read.role == "train" else self._evaluated)(consumer, read.role, d)
                elif self.entries.get((consumer.run_id, key)):
                    self.follow(consumer.run_id, key)

    def _outputs_holding(self, run: Run, events: list[Entry]) -> list[dict[str, Any]]:
        outputs = [d for d in run.datasets if not is_input(d)]
        placed = {str(e.payload["split"]) for e in events
                  if e.kind == "record_curated" and e.payload.get("outcome") == "assigned" and e.payload.get("split")}
        if run.stage == "curation" or placed:
            for split in placed:
                self.splits.setdefault(split, set()).add(str(events[0].record_key))
            return [d for d in outputs if d.get("role") in placed]
        if not events or all(e.kind in _LEFT_OUT for e in events):
            return []
        return outputs

    def _add(self, run: Run, d: dict[str, Any]) -> None:
        self.datasets.setdefault((run.run_id, str(d.get("role")), str(d.get("sha256"))), {
            "run_id": run.run_id, "stage": d.get("stage") or run.stage, "role": d.get("role"),
            "direction": "input" if is_input(d) else "output", "name": d.get("name"), "sha256": d.get("sha256"),
            "path": dataset_path(run, d)})

    def _adapter(self, training: Run, read_as: str, split: dict[str, Any]) -> None:
        adapter = self.graph.adapter_of(training)
        release = release_of(self.graph, adapter)
        adapter_dir = (training.adapter or {}).get("adapter_dir")
        self.adapters.setdefault((training.run_id, str(split.get("sha256"))), {
            "training_run": training.run_id, "outcome": training.outcome, "read_as": read_as,
            "split": split.get("role"), "split_name": split.get("name"), "dataset_sha256": split.get("sha256"),
            "adapter_sha256": adapter, "adapter_dir": _absolute(adapter_dir),
            "release": release["release"] if release else None, "probe_run": release["probe_run"] if release else None,
            "versions": self.graph.registered(adapter)})


    def _evaluated(self, training: Run, read_as: str, split: dict[str, Any]) -> None:
        """A training run that read the record's split as validation or test data, not as training data."""
        self.evaluated.setdefault((training.run_id, str(split.get("sha256"))), {
            "training_run": training.run_id, "read_as": read_as, "split_name": split.get("name"),
            "dataset_sha256": split.get("sha256"), "adapter_sha256": self.graph.adapter_of(training)})


def dataset_path(run: Run, d: dict[str, Any]) -> str | None:
    """The full path of a dataset version: recorded with it, else the training config's path for a split the
    training run read, else (a relative path, or none recorded) None."""
    if d.get("path"):
        return str(d["path"])
    if run.stage == "training" and is_input(d):
        named = run.config.get(f"{d.get('role')}_file")
        if named and Path(str(named)).name == d.get("name"):
            return _absolute(str(named))
    return None


def _absolute(path: str | None) -> str | None:
    """A recorded path that is absolute; a relative one depends on a working directory nobody recorded."""
    return path if path and Path(path).is_absolute() else None


def rewrite_without(ledger: Ledger, report: dict[str, Any], datasets: list[Path], out_dir: Path, *,
                    fields: TextFieldSpec) -> list[dict[str, Any]]:
    """New versions of `datasets` in `out_dir` without the records of `report` (from `erasure_impact`). A file
    the ledger knows as a dataset version that does not hold the subject keeps every record: a record there with
    the same id is someone else's. A record that cannot be read could not be checked for the subject: the
    erasure stops there, naming its line, and no new version is published: each is written under a temporary
    name, and all are renamed into place once every one is complete."""
    from gdprep.audit.trace import run_level_entries

    names: dict[str, Path] = {}
    for path in datasets:
        if path.name in names and names[path.name].resolve() != path.resolve():
            raise UsageError(f"{names[path.name]} and {path} have the same file name and would both be written to "
                             f"{out_dir / path.name}; erase from them in two runs with different --out-dir")
        names[path.name] = path
    holding = {d["sha256"] for d in report["dataset_versions"]}
    known = {e.payload.get("sha256") for e in run_level_entries(ledger) if e.kind == "dataset_version"}
    if any((out_dir / path.name).resolve() == path.resolve() for path in datasets):
        raise UsageError(f"--out-dir {out_dir} would overwrite a --dataset file; choose another directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    written, partials = [], []
    try:
        for path in datasets:
            source_sha = file_sha256(path)
            holds = source_sha in holding or source_sha not in known
            affected = {r["record_key"] for r in report["records"]} if holds else set()
            target = out_dir / path.name
            partials.append((target.with_name(f".{target.name}.erasing"), target))
            removed, kept = _rewrite_one(ledger, path, partials[-1][0], fields, affected)
            written.append({"source": path.name, "source_sha256": source_sha, "output": str(target),
                            "output_sha256": file_sha256(partials[-1][0]), "removed": removed, "kept": kept,
                            "holds_subject": source_sha in holding if source_sha in known else None})
        for partial, target in partials:
            os.replace(partial, target)
    finally:
        for partial, _ in partials:
            partial.unlink(missing_ok=True)
    return written


def _rewrite_one(ledger: Ledger, path: Path, partial: Path, fields: TextFieldSpec,
                 affected: set[str]) -> tuple[int, int]:
    """`path` without the records in `affected` (record keys), written to `partial`; (removed, kept)."""
    reader = RecordReader(path, fields, require_text=False, on_error="quarantine")
    removed = kept = 0
    with RecordWriter(partial, reader.format, fields.messages_field, columns=reader.columns,
                      schema=reader.schema) as writer:
        for batch in reader.batches(2000):
            rows = []
            for rec in batch:
                if isinstance(rec, BadRecord):
                    raise InputError(f"{rec.message}. The erasure copies only records it could check for the "
                                     "subject: fix the record in the source and erase again",
                                     path=str(path), line=rec.line, reason=rec.reason)
                if ledger.record_key(rec.id) in affected:
                    removed += 1
                    continue
                rows.append(rec.data)
                kept += 1
            writer.write(rows)
    return removed, kept


def record_erasure(ledger: Ledger, report: dict[str, Any], written: list[dict[str, Any]], shredded: int) -> None:
    """The new dataset versions and the erasure itself, as ledger entries, then a checkpoint."""
    items = [("dataset_version", None, None, {"stage": "erasure", "role": "output", "name": Path(w["output"]).name,
                                              "sha256": w["output_sha256"], "records": w["kept"],
                                              "derived_from": w["source_sha256"]}) for w in written]
    items.append(("erasure", None, None, {"subject_keys": report["subject_keys"], "records": report["record_count"],
                                          "datasets": [{k: w[k] for k in ("source_sha256", "output_sha256",
                                                                          "removed")} for w in written],
                                          "vault_entries_removed": shredded, "requested": report["requested"],
                                          "deadline": report["deadline"], "actor": actor()}))
    ledger.append_many(items)
    ledger.checkpoint()
