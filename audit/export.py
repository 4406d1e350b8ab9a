"""Auditor-facing views of the ledger: record traces, export bundles and offline bundle verification.

A bundle directory always holds `entries.jsonl` (every entry as stored), `checkpoints.json`,
`public_key.pem`, `head.json` (the newest checkpoint, as `gdprep audit head` prints it) and `bundle.json`
(what it is), so `gdprep audit verify --bundle DIR --public-key KEY` checks it without the database. A
bundle is checked against a key the auditor already holds (or its fingerprint), never against its own key
alone. Plus the requested view:

- `csv`: `lineage.csv`, per-record lineage for spreadsheets;
- `openlineage`: `openlineage.json`, RunEvents (START / COMPLETE / FAIL) per run, datasets as inputs and
  outputs, redaction and curation counts in custom facets;
- `prov`: `prov.json`, W3C PROV-JSON built with the `prov` library (dataset versions are entities, runs
  activities, the user and gdprep agents);
- `ropa`: `ropa.json`, a GDPR Art. 30 record-of-processing summary per run.

Nothing in a bundle holds raw personal data: the ledger has none to give.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdprep import __version__
from gdprep.audit import head as heads
from gdprep.audit.entries import RUN_TERMINAL_KINDS, Entry
from gdprep.audit.keys import key_id
from gdprep.audit.ledger import Ledger
from gdprep.audit.verification import VerifyResult, expected_head_problems, verify_log
from gdprep.errors import IntegrityError, UsageError

FORMATS = ("csv", "openlineage", "prov", "ropa")
PRODUCER = f"gdprep/{__version__}"
NAMESPACE = "gdprep"
# the OpenLineage spec's schema identifiers (strings in the events; nothing is fetched)
_OL_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
_FACET_SCHEMA = "https://openlineage.io/spec/facets/1-0-0/CustomFacet.json"


def _summary(entry: Entry) -> str:
    p = entry.payload
    if entry.kind == "record_redacted":
        types = Counter(f["type"] for f in p.get("findings", []))
        return f"redacted ({p.get('action')}): " + (", ".join(f"{t} x{n}" for t, n in sorted(types.items()))
                                                    or "no findings")
    if entry.kind == "record_curated":
        if p.get("outcome") == "assigned":
            return f"curation: kept, split {p.get('split')}"
        return f"curation: removed at {p.get('step')} ({p.get('reason')})"
    if entry.kind in ("record_dropped", "record_quarantined"):
        return f"{entry.kind.removeprefix('record_')}: {p.get('reason')}"
    return json.dumps(p, sort_keys=True)[:120]


def trace_record(ledger: Ledger, record_id: str) -> dict[str, Any]:
    """Every ledger entry about one record, oldest first, with each entry's run and an inclusion proof
    of the newest one against the latest checkpoint."""
    entries = ledger.entries_for_record(record_id)
    events = [{"seq": e.seq, "kind": e.kind, "run_id": e.run_id or "", "created_at": e.created_at,
               "payload": e.payload, "summary": _summary(e)} for e in entries]
    runs = {}
    for run_id in dict.fromkeys(e.run_id for e in entries if e.run_id):
        started = next((r for r in ledger.run_entries(run_id) if r.kind == "run_started"), None)
        if started is not None:
            runs[run_id] = {"stage": started.payload.get("stage"), "actor": started.payload.get("actor"),
                            "command": started.payload.get("command"), "started_at": started.created_at}
    proof: dict[str, Any] = {}
    if entries:
        try:
            proof = ledger.inclusion(entries[-1].seq)
        except IntegrityError as exc:
            proof = {"seq": entries[-1].seq, "verified": False, "error": str(exc)}
    return {"record_key": ledger.record_key(record_id), "events": events, "runs": runs, "proof": proof}


def export_bundle(ledger: Ledger, out_dir: Path, *, fmt: str = "csv", run_id: str | None = None) -> Path:
    if fmt not in FORMATS:
        raise UsageError(f"--view must be one of {', '.join(FORMATS)} (got {fmt!r})")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = list(ledger.iter_entries())
    checkpoints = ledger.list_checkpoints()
    with (out_dir / "entries.jsonl").open("w", encoding="utf-8") as fh:
        for e in entries:
            fh.write(json.dumps({**e.body(), "leaf_hash": e.leaf}, sort_keys=True, ensure_ascii=False) + "\n")
    (out_dir / "checkpoints.json").write_text(json.dumps(checkpoints, indent=2, sort_keys=True), encoding="utf-8")
    (out_dir / "public_key.pem").write_bytes(ledger.keys.public_pem(create=False))
    ledger_id = entries[0].leaf if entries and entries[0].seq == 0 else None
    if checkpoints and ledger_id is not None:
        (out_dir / "head.json").write_text(json.dumps(heads.head_record(checkpoints[-1], ledger_id), indent=2,
                                                      sort_keys=True) + "\n", encoding="utf-8")
    retired = ledger.keys.retired_public_pems()
    if retired:
        (out_dir / "retired_keys").mkdir(exist_ok=True)
        for pem in retired:
            (out_dir / "retired_keys" / f"{key_id(pem)}.pem").write_bytes(pem)
    chosen = [e for e in entries if run_id is None or e.run_id == run_id]
    if run_id is not None and not chosen:
        raise UsageError(f"no ledger entries for run {run_id!r}")
    writer = {"csv": _write_csv, "openlineage": _write_openlineage, "prov": _write_prov, "ropa": _write_ropa}[fmt]
    view = writer(chosen, out_dir)
    (out_dir / "bundle.json").write_text(json.dumps({
        "producer": PRODUCER, "format": fmt, "run": run_id, "entries": len(entries),
        "checkpoints": len(checkpoints), "view": view.name,
        "key_fingerprint": heads.fingerprint(ledger.keys.public_pem(create=False)),
        "verify": "gdprep audit verify --bundle <this directory> --public-key <the ledger's key, from "
                  "`gdprep audit public-key`>"}, indent=2), encoding="utf-8")
    return out_dir


def bundle_public_key(bundle: Path) -> bytes:
    path = Path(bundle) / "public_key.pem"
    if not path.is_file():
        raise UsageError(f"{bundle} is not an audit bundle (missing public_key.pem)")
    return path.read_bytes()


def verify_bundle(bundle: Path, *, public_key: bytes | None = None, fingerprint: str | None = None,
                  expect_head: dict[str, Any] | None = None, expect_origin: str = "the expected head") -> VerifyResult:
    """Verify an exported bundle offline: entries against the signed checkpoints, under a key the auditor
    holds (`public_key`, PEM) or names (`fingerprint`: the key's SHA-256, or its first 16+ hex digits).
    Keys retired before it count only where the bundle's own signed entries record their rotation."""
    bundle = Path(bundle)
    needed = ["entries.jsonl", "checkpoints.json", "public_key.pem"]
    missing = [name for name in needed if not (bundle / name).is_file()]
    if missing:
        raise UsageError(f"{bundle} is not an audit bundle (missing {', '.join(missing)})")
    bundled = bundle_public_key(bundle)
    if public_key is None and fingerprint is None:
        raise UsageError(f"a bundle is only as trustworthy as the key it is checked against: pass --public-key FILE "
                         f"(the ledger's key, from `gdprep audit public-key`) or --fingerprint HEX; this bundle's "
                         f"key has fingerprint {heads.fingerprint(bundled)}")
    if public_key is not None and public_key.strip() != bundled.strip():
        raise IntegrityError(f"{bundle} is signed by key {key_id(bundled)}, not by the key you gave "
                             f"({key_id(public_key)})")
    if fingerprint is not None:
        wanted = fingerprint.strip().lower().removeprefix("sha256:")
        if len(wanted) < 16 or not all(c in "0123456789abcdef" for c in wanted):
            raise UsageError("--fingerprint must be the key's SHA-256 in hex (64 digits) or at least its first 16")
        if not heads.fingerprint(bundled).startswith(wanted):
            raise IntegrityError(f"{bundle} is signed by the key with fingerprint {heads.fingerprint(bundled)}, "
                                 f"not {wanted}")

    def entries() -> Iterable[Entry]:
        with (bundle / "entries.jsonl").open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, start=1):
                try:
                    d = json.loads(line)
                    yield Entry(int(d["seq"]), d["kind"], d["run_id"], d["record_key"], d["payload"],
                                d["created_at"], d["leaf_hash"])
                except (ValueError, KeyError, TypeError) as exc:
                    raise IntegrityError(f"{bundle / 'entries.jsonl'} line {lineno} is not a ledger entry: "
                                         f"{exc}") from None

    try:
        checkpoints = json.loads((bundle / "checkpoints.json").read_text(encoding="utf-8"))
    except ValueError as exc:
        raise IntegrityError(f"{bundle / 'checkpoints.json'} is not valid JSON: {exc}") from None
    if not isinstance(checkpoints, list) or not all(isinstance(cp, dict) for cp in checkpoints):
        raise IntegrityError(f"{bundle / 'checkpoints.json'} is not a list of checkpoints")
    rotated = {str(e.payload.get("old_key_id")) for e in entries()
               if e.kind == "key_event" and e.payload.get("event") == "rotated"}
    retired = [pem for pem in (p.read_bytes() for p in sorted((bundle / "retired_keys").glob("*.pem")))
               if key_id(pem) in rotated]
    result = verify_log(entries(), checkpoints, trusted_public_pem=bundled, retired_public_pems=retired)
    if expect_head is not None:
        first = next(iter(entries()), None)
        ledger_id = first.leaf if first is not None and first.seq == 0 else None
        problems = expected_head_problems(expect_head, ledger_id, checkpoints, result.entries, expect_origin,
                                          (bundled, *retired))
        result.head_checked = True
        if problems:
            result.problems += problems
            result.ok = False
    return result


# -- views ----------------------------------------------------------------------------------------------
_CSV_COLUMNS = ["seq", "created_at", "run_id", "kind", "record_key", "stage", "step", "outcome", "reason",
                "split", "action", "finding_types", "operators", "kept", "cluster", "output_hash"]


def _write_csv(entries: Sequence[Entry], out_dir: Path) -> Path:
    path = out_dir / "lineage.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=_CSV_COLUMNS)
        writer.writeheader()
        for e in entries:
            if e.record_key is None:
                continue
            p = e.payload
            findings = p.get("findings", [])
            writer.writerow({
                "seq": e.seq, "created_at": e.created_at, "run_id": e.run_id, "kind": e.kind,
                "record_key": e.record_key, "stage": p.get("stage"), "step": p.get("step"),
                "outcome": p.get("outcome"), "reason": p.get("reason"), "split": p.get("split"),
                "action": p.get("action"),
                "finding_types": ";".join(sorted({f["type"] for f in findings})),
                "operators": ";".join(sorted({f["operator"] for f in findings})),
                "kept": p.get("kept"), "cluster": p.get("cluster"), "output_hash": p.get("output_hash"),
            })
    return path


@dataclass
class _Run:
    """One run as the ledger tells it: its start and end entries, dataset versions and per-record tallies."""

    run_id: str
    start: Entry | None = None
    end: Entry | None = None
    datasets: list[dict[str, Any]] = field(default_factory=list)
    records: Counter[str] = field(default_factory=Counter)      # entry kind -> records
    reasons: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)        # finding type -> findings
    special: set[str] = field(default_factory=set)


def _started_runs(entries: Sequence[Entry]) -> Iterator[_Run]:
    """The runs the entries tell of, in order of their first entry; a run whose start is not among the
    entries is left out (the OpenLineage, PROV and ROPA views all describe a run from its start)."""
    runs: dict[str, _Run] = {}
    for e in entries:
        if e.run_id is None:
            continue
        run = runs.setdefault(e.run_id, _Run(e.run_id))
        if e.kind == "run_started":
            run.start = e
        elif e.kind in RUN_TERMINAL_KINDS:
            run.end = e
        elif e.kind == "dataset_version":
            run.datasets.append(e.payload)
        elif e.record_key is not None:
            run.records[e.kind] += 1
            if e.payload.get("reason"):
                run.reasons[e.payload["reason"]] += 1
            for f in e.payload.get("findings", []):
                run.types[f["type"]] += 1
            run.special.update(e.payload.get("special_categories", ()) or e.payload.get("categories", ()))
    return (run for run in runs.values() if run.start is not None)


def _dataset_ol(d: dict[str, Any]) -> dict[str, Any]:
    return {"namespace": NAMESPACE, "name": f"{d['stage']}/{d['role']}/{d['name']}",
            "facets": {"gdprep_version": {"_producer": PRODUCER, "_schemaURL": _FACET_SCHEMA,
                                          "sha256": d["sha256"], "bytes": d["bytes"], "records": d["records"]}}}


def _write_openlineage(entries: Sequence[Entry], out_dir: Path) -> Path:
    events = []
    for run in _started_runs(entries):
        start, end, run_id = run.start, run.end, run.run_id
        assert start is not None  # _started_runs gives only runs with a start
        job = {"namespace": NAMESPACE, "name": f"gdprep.{start.payload.get('stage')}"}
        inputs = [_dataset_ol(d) for d in run.datasets if d["role"] == "input"]
        outputs = [_dataset_ol(d) for d in run.datasets if d["role"] != "input"]
        events.append({"eventType": "START", "eventTime": start.created_at, "producer": PRODUCER,
                       "schemaURL": _OL_SCHEMA, "run": {"runId": _uuid(run_id), "facets": {}}, "job": job,
                       "inputs": inputs, "outputs": []})
        if end is not None:
            stats = {"_producer": PRODUCER, "_schemaURL": _FACET_SCHEMA, "records": dict(run.records),
                     "reasons": dict(run.reasons), "finding_types": dict(run.types)}
            # a run whose process was killed ends in OpenLineage's ABORT
            event_type = {"run_completed": "COMPLETE", "run_interrupted": "ABORT"}.get(end.kind, "FAIL")
            events.append({"eventType": event_type,
                           "eventTime": end.created_at, "producer": PRODUCER, "schemaURL": _OL_SCHEMA,
                           "run": {"runId": _uuid(run_id), "facets": {"gdprep_statistics": stats}}, "job": job,
                           "inputs": inputs, "outputs": outputs})
    path = out_dir / "openlineage.json"
    path.write_text(json.dumps(events, indent=2, sort_keys=True), encoding="utf-8")
    return path


def _uuid(hex32: str) -> str:
    h = hex32.ljust(32, "0")[:32]
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _write_prov(entries: Sequence[Entry], out_dir: Path) -> Path:
    from prov.model import ProvDocument

    doc: Any = ProvDocument()  # prov's stubs are stricter than its API (plain dicts of attributes)
    doc.add_namespace("gdprep", "urn:gdprep:")
    tool = doc.agent("gdprep:tool", {"prov:type": "prov:SoftwareAgent", "gdprep:version": __version__})
    users: dict[str, Any] = {}
    for run in _started_runs(entries):
        start, end = run.start, run.end
        assert start is not None  # _started_runs gives only runs with a start
        activity = doc.activity(f"gdprep:run-{run.run_id}", start.created_at, end.created_at if end else None,
                                {"gdprep:stage": start.payload.get("stage"),
                                 "gdprep:outcome": end.kind if end else "running"})
        user_id = f"gdprep:user-{start.payload.get('actor')}"
        user = users.get(user_id) or users.setdefault(user_id, doc.agent(user_id, {"prov:type": "prov:Person"}))
        doc.wasAssociatedWith(activity, user)
        doc.wasAssociatedWith(activity, tool)
        used = []
        for d in run.datasets:
            entity = doc.entity(f"gdprep:dataset-{d['sha256']}", {"gdprep:name": d["name"], "gdprep:role": d["role"],
                                                                  "gdprep:records": d["records"]})
            if d["role"] == "input":
                doc.used(activity, entity)
                used.append(entity)
            else:
                doc.wasGeneratedBy(entity, activity)
                for source in used:
                    doc.wasDerivedFrom(entity, source)
    path = out_dir / "prov.json"
    path.write_text(str(doc.serialize(indent=2)), encoding="utf-8")
    return path


def _write_ropa(entries: Sequence[Entry], out_dir: Path) -> Path:
    activities = []
    for run in _started_runs(entries):
        start, end = run.start, run.end
        assert start is not None  # _started_runs gives only runs with a start
        activities.append({
            "run_id": run.run_id, "stage": start.payload.get("stage"), "controller_actor": start.payload.get("actor"),
            "started_at": start.created_at, "ended_at": end.created_at if end else None,
            "outcome": {"run_completed": "completed", "run_failed": "failed",
                        "run_interrupted": "interrupted"}.get(end.kind) if end else "unfinished",
            "purpose": "preparing a dataset for fine-tuning a language model, with personal data removed",
            "categories_of_data_subjects": "people named or identified in the dataset's records (e.g. customers, "
                                           "staff, patients, correspondents)",
            "categories_of_personal_data": sorted(run.types),
            "special_categories_flagged": sorted(run.special),
            "records_processed": sum(run.records.values()),
            "policy_hash": start.payload.get("policy_hash"),
            "recipients": [], "transfers_outside_uk_eea": "none: processing runs on the organisation's machines",
            "retention": "source data as set by the controller; the redacted and curated versions until replaced "
                         "or erased; this ledger (no raw personal data) for accountability",
            "technical_measures": ["local processing, outbound network connections refused",
                                   "redaction under a hashed policy (placeholders, keyed hashes, pseudonyms)",
                                   "reversible values encrypted (AES-SIV) and the pseudonym vault encrypted "
                                   "(AES-GCM)", "tamper-evident ledger with Ed25519-signed checkpoints",
                                   "keyed HMACs instead of identifiers", "memorisation probes before a model is "
                                   "released (training stage)"],
            "datasets": [{"role": d["role"], "name": d["name"], "sha256": d["sha256"]} for d in run.datasets],
        })
    path = out_dir / "ropa.json"
    path.write_text(json.dumps({"record_of_processing_activities": activities}, indent=2, sort_keys=True),
                    encoding="utf-8")
    return path
