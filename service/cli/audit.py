"""`gdprep audit verify|head|trace|export|rotate-key|public-key` and `gdprep erase`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

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
    record_id: Annotated[str, typer.Argument(help="The record's id, as in the dataset.")],
    ledger_url: LedgerOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the lineage as JSON.")] = False,
) -> None:
    """The full lineage of one record (findings by type only, redaction, curation outcome and split),
    with an inclusion proof against the latest signed checkpoint."""
    from gdprep.audit.export import trace_record
    from gdprep.audit.ledger import Ledger

    def go() -> None:
        lineage = trace_record(Ledger(ledger_url), record_id)
        if as_json:
            out.print(json.dumps(lineage, indent=2), markup=False)
            return
        if not lineage["events"]:
            raise UsageError(f"no ledger entries for record {record_id!r}")
        for event in lineage["events"]:
            out.print(escape(f"#{event['seq']} {event['created_at']} {event['kind']} "
                             f"run {event['run_id'][:8]} {event['summary']}"))
        proof = lineage["proof"]
        state = "verified" if proof.get("verified") else "NOT verified"
        out.print(f"inclusion proof of entry {proof.get('seq')} against the checkpoint of {proof.get('tree_size')} "
                  f"entries: {state}")

    _run(go)


@audit_app.command("export")
def audit_export(
    out_dir: Annotated[Path, typer.Option("--out", help="Bundle directory to write.")],
    view: Annotated[str | None, typer.Option("--view", help="csv (per-record lineage), openlineage, prov or "
                                             "ropa (default: csv).")] = None,
    run: Annotated[str | None, typer.Option("--run", help="Only this run id.")] = None,
    ledger_url: LedgerOpt = None,
    # the old spelling of --view, kept for scripts: elsewhere --format is the input format
    old_view: Annotated[str | None, typer.Option("--format", hidden=True, help="Deprecated: use --view.")] = None,
) -> None:
    """Export the ledger as a bundle that holds the entries, the signed checkpoints and the public key, so
    `gdprep audit verify --bundle DIR` can check it offline."""
    from gdprep.audit.export import export_bundle
    from gdprep.audit.ledger import Ledger

    def go() -> None:
        chosen = _renamed_option(view, old_view, command="gdprep audit export", old="--format", new="--view")
        path = export_bundle(Ledger(ledger_url), out_dir, fmt=chosen or "csv", run_id=run)
        out.print(f"wrote {path}")

    _run(go)


def erase(
    subject: Annotated[str, typer.Option("--subject", help="The subject's e-mail, phone number or national id.")],
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
        out.print(f"subject found in {report['record_count']} record(s), {len(report['runs'])} run(s); "
                  f"respond by {report['deadline']} (Art. 12(3), request of {report['requested']})")
        for ds in report["dataset_versions"]:
            out.print(escape(f"  {ds['stage']}/{ds['role']}: {ds['name']} sha256 {ds['sha256'][:16]}..."))
        if report["splits"]:
            out.print("  splits: " + ", ".join(f"{k} {v}" for k, v in report["splits"].items()))
        adapters = report.get("adapters", [])
        out.print(f"  adapters trained on a split holding them: {len(adapters) or 'none'}"
                  + (" (retrain without them, or document why the adapter is anonymous: see its probe report)"
                     if adapters else ""))
        for a in adapters:
            out.print(f"    training run {a['training_run']}: adapter {str(a['adapter_sha256'])[:16]}..., "
                      f"release {a['release'] or 'not probed'}")
        for w in report.get("written", []):
            out.print(escape(f"  wrote {w['output']}: {w['removed']} record(s) removed, {w['kept']} kept"))
        if "vault_entries_removed" in report:
            out.print(f"  vault entries removed: {report['vault_entries_removed']}; erasure recorded in the ledger")

    _run(go)


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
