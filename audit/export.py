"""Auditor-facing views of the ledger: record traces, export bundles and offline bundle verification.

A bundle directory always holds `entries.jsonl` (every entry as stored), `checkpoints.json`,
`public_key.pem`, `head.json` (the newest checkpoint, as `gdprep audit head` prints it) and `bundle.json`
(what it is), so `gdprep audit verify --bundle DIR --public-key KEY` checks it without the database. A
bundle is checked against a key the auditor already holds (or its fingerprint), never against its own key
alone. Plus the requested view:

- `csv`: `lineage.csv` (per-record lineage) and `runs.csv` (what each run read and wrote) for spreadsheets,
  with `COLUMNS.txt`, the guide to their columns;
- `openlineage`: `openlineage.json`, RunEvents (START / COMPLETE / FAIL / ABORT) per run, dataset versions,
  adapters and release decisions as inputs and outputs, governance and counts in custom facets;
- `prov`: `prov.json`, W3C PROV-JSON built with the `prov` library (dataset versions, adapters and decisions
  are entities, runs and registry events activities, people and gdprep agents);
- `ropa`: `ropa.json` and the printable `ropa.html`, the GDPR Art. 30 record of processing: one entry per
  processing activity of the policy's `processing` section, its runs summarised under it.

(`gdprep.audit.lineage_export` and `gdprep.audit.ropa` build the views; `gdprep.audit.trace` the traces.)

Nothing in a bundle holds raw personal data: the ledger has none to give.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from gdprep.audit import head as heads
from gdprep.audit.entries import Entry
from gdprep.audit.keys import key_id
from gdprep.audit.ledger import Ledger
from gdprep.audit.lineage_export import PRODUCER, ExportInput, write_csv, write_openlineage, write_prov
from gdprep.audit.ropa import write_ropa
from gdprep.audit.runs import LineageGraph
from gdprep.audit.trace import trace_record
from gdprep.audit.verification import VerifyResult, expected_head_problems, verify_log
from gdprep.errors import IntegrityError, UsageError
from gdprep.policies.schema import Policy

__all__ = ["FORMATS", "bundle_public_key", "export_bundle", "trace_record", "verify_bundle"]

FORMATS = ("csv", "openlineage", "prov", "ropa")


def export_bundle(ledger: Ledger, out_dir: Path, *, fmt: str = "csv", run_id: str | None = None,
                  policy: Policy | None = None, policy_source: str | None = None,
                  on_warning: Callable[[str], None] | None = None) -> Path:
    """Write a bundle (see the module's docstring) to `out_dir`. `policy` is the one whose `processing` section
    the `ropa` view shows (default: the shipped default policy); `on_warning` hears of runs made under other
    policies."""
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
    if run_id is not None and not any(e.run_id == run_id for e in entries):
        raise UsageError(f"no ledger entries for run {run_id!r}")
    data = ExportInput(entries, LineageGraph(entries), run_id)
    if fmt == "ropa":
        from gdprep.policies import load_policy

        view = write_ropa(data, out_dir, policy or load_policy(None), policy_source=policy_source,
                          on_warning=on_warning)
    else:
        view = {"csv": write_csv, "openlineage": write_openlineage, "prov": write_prov}[fmt](data, out_dir)
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
