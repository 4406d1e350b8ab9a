"""`gdprep audit verify|head|trace|export|rotate-key|public-key` and `gdprep erase`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from gdprep.errors import IntegrityError, UsageError
from gdprep.service.cli.common import (
    LedgerOpt,
    PolicyOpt,
    _renamed_option,
    _run,
    err,
    out,
)

audit_app = typer.Typer(help="Verify, trace and export the tamper-evident lineage ledger.", no_args_is_help=True)


#: `gdprep audit verify`'s exit status when every check passed but the newest entries are not signed yet
EXIT_UNSIGNED_TAIL = 3


@audit_app.command("verify")
def audit_verify(
    bundle: Annotated[Path | None, typer.Option("--bundle", help="Verify an exported bundle offline instead "
                                                "of the database (needs --public-key or --fingerprint).")] = None,
    public_key: Annotated[Path | None, typer.Option("--public-key", help="With --bundle: the ledger's public key "
                                                    "(PEM, from `gdprep audit public-key`) the bundle must be "
                                                    "signed with.")] = None,
    fingerprint: Annotated[str | None, typer.Option("--fingerprint", help="With --bundle: that key's SHA-256 "
                                                    "fingerprint (hex), or at least its first 16 digits.")] = None,
    expect_head: Annotated[Path | None, typer.Option("--expect-head", help="Also check against a head kept "
                                                     "outside the ledger (a file written by `gdprep audit "
                                                     "head`): the ledger must still hold it.")] = None,
    ledger_url: LedgerOpt = None,
) -> None:
    """Recompute every entry's hash and every checkpoint's Merkle root, check every signature, the chain of
    checkpoints and the head pinned outside the database. Creates nothing.

    Exit status: 0 verified, every entry signed; 1 verification failed (entries or checkpoints modified,
    deleted, inserted or reordered, or the database is behind its pinned or expected head), naming the
    first problem; 2 nothing to verify or bad options; 3 verified, but the newest entries are not signed
    yet: a run still running, or one whose process was killed (the next gdprep run records it as
    interrupted and signs its entries)."""
    from gdprep.audit.export import bundle_public_key, verify_bundle
    from gdprep.audit.head import fingerprint as key_fingerprint
    from gdprep.audit.head import parse_head
    from gdprep.audit.ledger import Ledger

    def go() -> int:
        if bundle is None and (public_key is not None or fingerprint is not None):
            raise UsageError("--public-key and --fingerprint check a bundle: use them with --bundle DIR")
        head = None
        if expect_head is not None:
            head = parse_head(_read_text(expect_head, "--expect-head"), str(expect_head))
        if bundle is not None:
            pem = None if public_key is None else _read_text(public_key, "--public-key").encode()
            result = verify_bundle(bundle, public_key=pem, fingerprint=fingerprint, expect_head=head,
                                   expect_origin=str(expect_head))
            out.print(f"bundle key fingerprint: {key_fingerprint(bundle_public_key(bundle))}")
        else:
            result = Ledger(ledger_url, create=False).verify(expect_head=head, expect_origin=str(expect_head))
        if not result.ok:
            for problem in result.problems[:20]:
                err.print(f"  {escape(problem)}")
            raise IntegrityError(result.summary())
        out.print(result.summary() + ("" if result.head_checked or bundle is not None else
                                      " (no head pinned outside the database yet)"))
        for line in result.tail_explanation():
            out.print(f"  {escape(line)}")
        return EXIT_UNSIGNED_TAIL if result.unsigned_tail else 0

    code = _run(go)
    if code:
        raise typer.Exit(code)


def _read_text(path: Path, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{option} {path}: not a UTF-8 text file") from None


@audit_app.command("head")
def audit_head(ledger_url: LedgerOpt = None) -> None:
    """Print the ledger's signed head (JSON): its newest checkpoint, the hash chaining it to the one before,
    and the key. Keep a copy outside the ledger's reach (WORM storage, a ticket, an e-mail to the DPO);
    `gdprep audit verify --expect-head FILE` later proves the ledger still holds it."""
    from gdprep.audit.ledger import Ledger

    def go() -> None:
        ledger = Ledger(ledger_url, create=False)
        if not ledger.keys.has_signing_key():
            raise UsageError(f"no ledger signing key in {ledger.keys.directory}: nothing has been recorded here "
                             "(run gdprep where the ledger was written, or set GDPREP_HOME)")
        out.print_json(json.dumps(ledger.head()))

    _run(go)


@audit_app.command("trace")
def audit_trace(
    record_id: Annotated[str | None, typer.Argument(help="The record's id, as in the dataset.")] = None,
    adapter: Annotated[str | None, typer.Option("--adapter", help="Trace a registered model version instead "
                                                "(NAME:VERSION, as `gdprep models list` shows it) back to its "
                                                "data.")] = None,
    ledger_url: LedgerOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the lineage as JSON.")] = False,
) -> None:
    """The full lineage of one record (findings by type only, redaction, curation outcome and split, and the
    adapters trained on its split with their registry versions), with an inclusion proof against the latest
    signed checkpoint. With --adapter NAME:VERSION: that model version's splits and the curation and privacy
    runs that made them, its training, probes and evaluation runs, policy, region, release decision,
    approvals, promotions and rollbacks."""
    from gdprep.audit.ledger import Ledger
    from gdprep.audit.trace import trace_adapter, trace_record

    def go() -> None:
        if (record_id is None) == (adapter is None):
            raise UsageError("give a RECORD_ID or --adapter NAME:VERSION (one of them)")
        ledger = Ledger(ledger_url)
        lineage = trace_adapter(ledger, adapter) if adapter is not None else trace_record(ledger, str(record_id))
        if as_json:
            out.print(json.dumps(lineage, indent=2), markup=False)
        elif adapter is not None:
            _print_adapter_trace(lineage)
        else:
            if not lineage["events"]:
                raise UsageError(f"no ledger entries for record {record_id!r}")
            _print_record_trace(lineage)

    _run(go)


def _short(value: object, n: int = 16) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= n + 3 else text[:n] + "..."


def _print_record_trace(lineage: dict[str, Any]) -> None:
    from rich.table import Table

    files = lineage.get("files", [])
    if len(files) > 1:
        out.print(f"[bold]this id names {len(files)} different records, one per source file:[/] the events are "
                  "grouped by file")
    for group in files:
        names = ", ".join(escape(f"{f['path'] or f['name']} (sha256 {_short(f['sha256'], 12)})")
                          for f in group["source_files"] if f["name"]) or "not recorded"
        out.print(f"source file: {names}")
        for event in (e for e in lineage["events"] if e["seq"] in set(group["events"])):
            run = lineage["runs"].get(event["run_id"], {})
            read = ", ".join(str(i["name"]) for i in run.get("inputs", []))
            out.print(escape(f"  #{event['seq']} {event['created_at']} {event['kind']} run {event['run_id'][:8]}"
                             + (f" (read {read})" if read else "") + f" {event['summary']}"))
    proof = lineage["proof"]
    state = "verified" if proof.get("verified") else "NOT verified"
    out.print(f"inclusion proof of entry {proof.get('seq')} against the checkpoint of {proof.get('tree_size')} "
              f"entries: {state}")
    adapters = lineage.get("adapters", [])
    if not adapters:
        out.print("adapters trained on a split holding this record: none recorded")
        return
    table = Table(title="adapters trained on a split holding this record")
    for column in ("source", "split", "training run", "outcome", "adapter sha256", "release", "registry versions"):
        table.add_column(column, overflow="fold")
    for a in adapters:
        release = a["release"]["release"] if a["release"] else "not probed"
        versions = ", ".join(f"{v['model']}:{v['version']} {v['status']}" for v in a["versions"]) or "not registered"
        split = a["split"] if a["read_as"] == a["split"] else f"{a['split']} (read as {a['read_as']})"
        table.add_row(escape(a.get("source") or ""), escape(split), a["training_run"][:8], a["outcome"],
                      _short(a["adapter_sha256"], 12), release,
                      escape(versions))
    out.print(table)


def _print_adapter_trace(t: dict[str, Any]) -> None:
    from rich.table import Table

    out.print(escape(f"{t['model']}:{t['version']}  status {t['status']} (production: "
                     f"{t['production_version'] or 'none'})  adapter sha256 {t['adapter_sha256']}"))
    if not t["consistent_with_ledger"]:
        out.print("[bold red]the registered adapter hash does not match the adapter its training run recorded[/]")
    out.print(escape(f"training run {t['training_run']}  base model {t['base_model'] or 'unknown'}  region "
                     f"{t['region'] or 'not recorded'}  policy {t['policy_hash'] or 'not recorded'}"))
    if len(t["policy_hashes_of_all_runs"]) > 1:
        out.print(escape("runs on the way here used more than one policy: "
                         + ", ".join(t["policy_hashes_of_all_runs"])))
    datasets = Table(title="datasets")
    for column in ("role", "name", "sha256", "records", "read by", "written by"):
        datasets.add_column(column, overflow="fold")
    for d in t["datasets"]:
        written = ", ".join(f"{w['stage']} {w['run_id'][:8]}" for w in d["written_by"]) or "not recorded (source)"
        datasets.add_row(d["role"], escape(d["name"]), _short(d["sha256"], 12), str(d["records"] or ""),
                         f"{d['read_by_stage']} {d['read_by'][:8]}", escape(written))
    out.print(datasets)
    runs = Table(title="runs")
    for column in ("stage", "run", "outcome", "started", "actor", "policy hash", "role"):
        runs.add_column(column, overflow="fold")
    for r in t["runs"]:
        runs.add_row(r["stage"], r["run_id"][:8], r["outcome"] + (f" ({r['error']})" if r["error"] else ""),
                     (r["started_at"] or "")[:19].replace("T", " "), escape(r["actor"] or ""),
                     _short(r["policy_hash"], 14), escape(r["role"]))
    out.print(runs)
    release = t["release"]
    out.print(escape("release decision: " + (f"{release['release']} (probes run {release['probe_run'][:8]}, "
                                             f"{release['at']})" if release else "not probed")))
    for reason in (release or {}).get("reasons", []):
        out.print(escape(f"  {reason}"))
    for a in t["approvals"] or [{}]:
        out.print(escape(f"approved by {a['approver']} ({a.get('role')}) at {a['at']}" if a else "approvals: none"))
    for h in t["history"]:
        if h["event"] in ("model_promoted", "model_rolled_back"):
            detail = (f"to {h.get('version')}" if h["event"] == "model_promoted"
                      else f"{h.get('from_version')} -> {h.get('to_version')}")
            out.print(escape(f"{h['event'].removeprefix('model_')} {detail} by {h.get('actor')} at {h['at']}"))


@audit_app.command("export")
def audit_export(
    out_dir: Annotated[Path, typer.Option("--out", help="Bundle directory to write.")],
    view: Annotated[str | None, typer.Option("--view", help="csv (per-record lineage), openlineage, prov or "
                                             "ropa (default: csv).")] = None,
    run: Annotated[str | None, typer.Option("--run", help="Only this run id.")] = None,
    policy: Annotated[str | None, typer.Option("--policy", "-p", help="With --view ropa: the policy (shipped name "
                                               "or YAML path) whose processing section gives the controller, "
                                               "purposes and lawful bases (default: uk-gdpr-default).")] = None,
    ledger_url: LedgerOpt = None,
    # the old spelling of --view, kept for scripts: elsewhere --format is the input format
    old_view: Annotated[str | None, typer.Option("--format", hidden=True, help="Deprecated: use --view.")] = None,
) -> None:
    """Export the ledger as a bundle that holds the entries, the signed checkpoints and the public key, so
    `gdprep audit verify --bundle DIR` can check it offline, and the chosen view: csv (lineage.csv, runs.csv and
    COLUMNS.txt, their column guide), openlineage, prov, or ropa (the Art. 30 record of processing as
    ropa.json and a printable ropa.html)."""
    from gdprep.audit.export import export_bundle
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy

    def go() -> None:
        chosen = _renamed_option(view, old_view, command="gdprep audit export", old="--format", new="--view")
        if policy is not None and chosen != "ropa":
            raise UsageError("--policy chooses the record of processing's declarations: use it with --view ropa")
        path = export_bundle(Ledger(ledger_url), out_dir, fmt=chosen or "csv", run_id=run,
                             policy=load_policy(policy) if chosen == "ropa" else None, policy_source=policy,
                             on_warning=lambda w: err.print(f"warning: {w}", markup=False))
        out.print(f"wrote {path}")

    _run(go)


def erase(
    subject: Annotated[str, typer.Option("--subject", help="The subject's e-mail, phone number, national id or "
                                                 "name (looked up by its keyed hash, never stored).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report the impact only; change nothing.")] = False,
    dataset: Annotated[list[Path] | None, typer.Option(
        "--dataset", help="A dataset file to rewrite without the subject's records (repeat for each version "
        "and split: the dry run lists them).")] = None,
    out_dir: Annotated[Path | None, typer.Option("--out-dir", help="Where the new dataset versions go.")] = None,
    policy: PolicyOpt = None,
    key_file: Annotated[Path | None, typer.Option("--key-file", help="Master key file (for the vault).")] = None,
    ledger_url: LedgerOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the impact report as JSON.")] = False,
) -> None:
    """Right to erasure (Art. 17): find the subject's records, the dataset versions and splits that hold
    them, and the Art. 12(3) deadline, through the ledger's subject index (keyed HMACs only). Without
    --dry-run: write new versions of the given datasets without those records, remove the subject's
    identifiers from the pseudonym vault, and record the erasure in the ledger."""
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.service.stages import erase_subject, erasure_impact

    def go() -> None:
        ledger = Ledger(ledger_url)
        if dry_run:
            report = erasure_impact(ledger, subject)
        else:
            if not dataset or out_dir is None:
                raise UsageError("erasing needs --dataset (one or more files) and --out-dir; run with --dry-run "
                                 "first to see which dataset versions hold the subject")
            report = erase_subject(ledger, subject, list(dataset), out_dir, fields=load_policy(policy).fields,
                                   key_file=key_file)
        if as_json:
            out.print(json.dumps(report, indent=2), markup=False)
            return
        _print_erasure(report)
        for w in report.get("written", []):
            unrelated = " (the ledger knows this file: it does not hold the subject)" if w.get(
                "holds_subject") is False else ""
            out.print(escape(f"  wrote {w['output']}: {w['removed']} record(s) removed, {w['kept']} kept{unrelated}"))
        if "vault_entries_removed" in report:
            out.print(f"  vault entries removed: {report['vault_entries_removed']}; erasure recorded in the ledger")

    _run(go)


def _print_erasure(report: dict[str, Any]) -> None:
    matched = f" (matched by {', '.join(report['matched_by'])})" if report.get("matched_by") else ""
    out.print(f"subject found in {report['record_count']} record(s){matched}, {len(report['runs'])} run(s); "
              f"respond by {report['deadline']} (Art. 12(3), request of {report['requested']})")
    for ds in report["dataset_versions"]:
        out.print(escape(f"  {ds['stage']} run {ds['run_id'][:8]} {ds['direction']} {ds['role']}: "
                         f"{ds['path'] or ds['name'] + ' (path not recorded)'}  sha256 {ds['sha256'][:16]}..."))
    if report["splits"]:
        out.print("  records per split: " + ", ".join(f"{k} {v}" for k, v in report["splits"].items()))
    adapters = report.get("adapters", [])
    out.print(f"  adapters trained on a split holding them: {len(adapters) or 'none'}"
              + (" (retrain without them, or document why the adapter is anonymous: see its probe report)"
                 if adapters else ""))
    for a in adapters:
        versions = ", ".join(f"{v['model']}:{v['version']} {v['status']}" for v in a["versions"]) or "not registered"
        out.print(escape(f"    training run {a['training_run']} read {a['split_name']} as {a['read_as']}: adapter "
                         f"{str(a['adapter_sha256'])[:16]}... in {a['adapter_dir'] or 'path not recorded'}, "
                         f"release {a['release'] or 'not probed'}, versions {versions}"))
    for a in report.get("adapters_not_trained_on", []):
        out.print(escape(f"    not trained on them: training run {a['training_run']} read {a['split_name']} only as "
                         f"{a['read_as']} data (adapter {str(a['adapter_sha256'])[:16]}...)"))


@audit_app.command("rotate-key")
def audit_rotate_key(
    reason: Annotated[str, typer.Option("--reason", help="Why the signing key is replaced (recorded).")],
    ledger_url: LedgerOpt = None,
) -> None:
    """Replace the ledger's signing key. The rotation is a key event; earlier checkpoints still verify
    with the retired public key, which is kept and exported with every bundle."""
    from gdprep.audit.ledger import Ledger

    def go() -> None:
        if not reason.strip():
            raise UsageError("--reason must say why the key is rotated")
        head = Ledger(ledger_url).rotate_key(reason)
        out.print(f"new signing key {head['key_id']}; checkpoint at {head['tree_size']} entries")

    _run(go)


@audit_app.command("public-key")
def audit_public_key() -> None:
    """Print the ledger's Ed25519 public key (PEM), for auditors; its SHA-256 fingerprint goes to stderr.
    Creates nothing: the key exists once the ledger has been written to."""
    from gdprep.audit.head import fingerprint
    from gdprep.audit.keys import Keys
    from gdprep.state import state_dir

    def go() -> None:
        pem = Keys(state_dir(create=False)).public_pem(create=False)
        out.print(pem.decode(), markup=False, end="")
        err.print(f"fingerprint (SHA-256): {fingerprint(pem)}")

    _run(go)
