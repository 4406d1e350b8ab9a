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
from collections.abc import Collection
from pathlib import Path
from typing import Any

from gdprep.audit.ledger import Ledger, actor
from gdprep.errors import UsageError
from gdprep.record_writers import RecordWriter
from gdprep.records import RecordReader, TextFieldSpec, file_sha256


def one_month_after(day: datetime.date) -> datetime.date:
    """Art. 12(3): one month from receipt; the same day next month, or that month's last day."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def erasure_impact(ledger: Ledger, identifier_forms: Collection[str], *,
                   requested: datetime.date | None = None) -> dict[str, Any]:
    """Which records hold the subject (named by the normal forms of their identifier), which runs and
    dataset versions (input, outputs, splits) contain them, and which training runs (adapters) were trained
    on a split that holds them."""
    requested = requested or datetime.date.today()
    keys = {ledger.record_key(form) for form in identifier_forms}
    records: dict[str, dict[str, Any]] = {}
    runs_with_subject: set[str] = set()
    entries = list(ledger.iter_entries())
    for entry in entries:
        if entry.kind == "record_redacted" and keys & set(entry.payload.get("subjects", ())):
            assert entry.record_key is not None
            record = records.setdefault(entry.record_key, {"record_key": entry.record_key, "events": [],
                                                           "vault_keys": []})
            record["vault_keys"] = sorted({*record["vault_keys"], *entry.payload.get("vault_keys", ())})
            runs_with_subject.add(entry.run_id or "")
    datasets: dict[str, dict[str, Any]] = {}
    splits: dict[str, set[str]] = {}
    for entry in entries:
        if entry.record_key in records:
            records[entry.record_key]["events"].append({"seq": entry.seq, "kind": entry.kind, "run_id": entry.run_id,
                                                        "outcome": entry.payload.get("outcome"),
                                                        "split": entry.payload.get("split"),
                                                        "reason": entry.payload.get("reason")})
            if entry.run_id:
                runs_with_subject.add(entry.run_id)
            if entry.payload.get("split"):
                splits.setdefault(entry.payload["split"], set()).add(entry.record_key)
    for entry in entries:
        if entry.kind == "dataset_version" and entry.run_id in runs_with_subject:
            role = entry.payload["role"]
            # a split file holds the subject only if one of their records went to that split
            if role in ("train", "validation", "test") and role not in splits:
                continue
            key = f"{entry.run_id}/{role}/{entry.payload['sha256']}"
            datasets[key] = {"run_id": entry.run_id, "stage": entry.payload["stage"], "role": role,
                             "name": entry.payload["name"], "sha256": entry.payload["sha256"]}
    # an adapter trained on a train split that holds the subject's record was trained on (redacted) data of
    # theirs: whether to retrain is the controller's call, helped by the latest release decision
    train_hashes = {d["sha256"] for d in datasets.values() if d["role"] == "train"}
    decisions = {e.payload.get("training_run"): e for e in entries if e.kind == "release_decision"}
    adapters = []
    for entry in entries:
        if entry.kind == "adapter" and entry.payload.get("dataset_sha256") in train_hashes:
            decision = decisions.get(entry.run_id)
            adapters.append({"training_run": entry.run_id, "adapter_sha256": entry.payload.get("adapter_sha256"),
                             "dataset_sha256": entry.payload["dataset_sha256"],
                             "release": decision.payload.get("release") if decision else None,
                             "probe_run": decision.run_id if decision else None})
    return {
        "subject_keys": sorted(keys),
        "records": list(records.values()),
        "record_count": len(records),
        "runs": sorted(r for r in runs_with_subject if r),
        "dataset_versions": list(datasets.values()),
        "splits": {split: len(members) for split, members in sorted(splits.items())},
        "adapters": adapters,
        "requested": requested.isoformat(),
        "deadline": one_month_after(requested).isoformat(),
    }


def rewrite_without(ledger: Ledger, report: dict[str, Any], datasets: list[Path], out_dir: Path, *,
                    fields: TextFieldSpec) -> list[dict[str, Any]]:
    """New versions of `datasets` in `out_dir` without the records of `report` (from `erasure_impact`)."""
    affected = {r["record_key"] for r in report["records"]}
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in datasets:
        reader = RecordReader(path, fields, require_text=False)
        target = out_dir / path.name
        if target.resolve() == path.resolve():
            raise UsageError(f"--out-dir would overwrite {path}; choose another directory")
        removed = kept = 0
        with RecordWriter(target, reader.format, fields.messages_field, columns=reader.columns,
                          schema=reader.schema) as writer:
            for batch in reader.batches(2000):
                rows = []
                for rec in batch:
                    data = getattr(rec, "data", None)
                    if data is None:
                        continue
                    if ledger.record_key(rec.id) in affected:
                        removed += 1
                        continue
                    rows.append(data)
                    kept += 1
                writer.write(rows)
        written.append({"source": path.name, "source_sha256": file_sha256(path), "output": str(target),
                        "output_sha256": file_sha256(target), "removed": removed, "kept": kept})
    return written


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
