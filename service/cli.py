"""The `gdprep` command line: a thin typer layer over the stage packages. This is the only place
(besides the HTTP API) where GdprepError is turned into an exit code: 0 ok, 2 bad usage/input, 1 other."""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from gdprep.errors import GdprepError, IntegrityError, StorageError, UsageError

app = typer.Typer(
    name="gdprep",
    help="GDPR-focused, fully offline data preparation for LLM fine-tuning.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
policy_app = typer.Typer(help="List, show and validate redaction policies.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")
audit_app = typer.Typer(help="Verify, trace and export the tamper-evident lineage ledger.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")

err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


class OnErrorChoice(StrEnum):
    fail = "fail"
    quarantine = "quarantine"


class FormatChoice(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


PolicyOpt = Annotated[str | None, typer.Option("--policy", "-p", help="Shipped policy name or path to a YAML file "
                                                "(default: uk-gdpr-default).")]
InputOpt = Annotated[Path, typer.Option("--input", "-i", help="Input file: .jsonl, .csv or .parquet.")]
OnErrorOpt = Annotated[OnErrorChoice, typer.Option(
    "--on-error", help="fail: stop at the first bad record; quarantine: set bad records aside with a reason.")]
QuarantineOpt = Annotated[Path | None, typer.Option(
    "--quarantine", help="Where bad records go with --on-error quarantine (default: OUTPUT.quarantine.jsonl).")]
LedgerOpt = Annotated[str | None, typer.Option(
    "--ledger-url", help="Ledger database URL (default: $GDPREP_LEDGER_URL, else SQLite in the state directory).")]
WorkersOpt = Annotated[int, typer.Option("--workers", "-w", min=0,
                                         help="Detection processes; 0 = one per CPU core.")]
FormatOpt = Annotated[FormatChoice | None, typer.Option("--format", help="Input format when the extension "
                                                        "does not tell it.")]


# Below this many records a second process costs more (model load) than it saves.
_RECORDS_PER_EXTRA_WORKER = 2000


def _workers(value: int, n_records: int | None = None) -> int:
    """`--workers 0` means: one per core, but no more than the input can keep busy."""
    from gdprep.privacy.engine import default_workers

    if value:
        return value
    if n_records is None:
        return default_workers()
    return max(1, min(default_workers(), n_records // _RECORDS_PER_EXTRA_WORKER + 1))


@contextmanager
def _progress(label: str, total: int | None) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on a terminal; nothing at all when output is piped or in CI."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _count_records(path: Path) -> int | None:
    """Cheap total for the progress bar (lines or Parquet row count); None when unknown."""
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
        with path.open("rb") as fh:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        return lines - 1 if path.suffix.lower() == ".csv" else lines
    except Exception:  # the count is cosmetic; the real read reports real errors
        return None


def _fail(message: str, code: int) -> typer.Exit:
    # paths and messages may contain "[...]": print them as text, never as rich markup
    err.print("[red]error:[/red] " + escape(message), markup=True, soft_wrap=True)
    return typer.Exit(code)


def _run(fn: Callable[[], Any]) -> Any:
    from concurrent.futures.process import BrokenProcessPool

    from sqlalchemy.exc import OperationalError

    try:
        return fn()
    except GdprepError as exc:
        raise _fail(str(exc), exc.exit_code) from None
    except BrokenProcessPool:
        raise _fail("a detection worker process failed to start or died; run with --workers 1 to see the "
                    "cause", 1) from None
    except OSError as exc:  # a read-only or full file system, a missing folder, no permission: never a traceback
        action = "write" if exc.errno in (errno.EROFS, errno.ENOSPC, errno.EDQUOT) else "write or read"
        raise _fail(str(StorageError.from_os_error(exc, action=action)), 2) from None
    except OperationalError as exc:
        message, code = _database_problem(exc)
        raise _fail(message, code) from None
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None


def _database_problem(exc: Exception) -> tuple[str, int]:
    """What to tell about a database that cannot be opened or written: the state directory's file system
    when that is the cause (exit 2, like any unwritable path), else the driver's own words (exit 1)."""
    from gdprep.state import state_dir

    home = state_dir(create=False)
    if home.is_dir() and not os.access(home, os.W_OK):
        readonly = bool(os.statvfs(home).f_flag & os.ST_RDONLY)
        what = "read-only file system" if readonly else "permission denied"
        return (f"cannot write {home}: {what}; the ledger database lives there. Set GDPREP_HOME to a writable "
                "directory or pass --ledger-url"), 2
    detail = str(getattr(exc, "orig", exc)).splitlines()[0]
    return (f"the ledger database could not be opened or written ({detail}); check --ledger-url, "
            "$GDPREP_LEDGER_URL or the state directory"), 1


def _summary_line(summary: Any) -> str:
    return (f"{summary.n_in} records in: {summary.n_out} written, {summary.n_quarantined} quarantined, "
            f"{summary.n_dropped} dropped; {summary.n_findings} findings in {summary.elapsed_s:.1f}s")


def _warn_duplicate_ids(summary: Any, input_path: Path) -> None:
    """Ids must be unique: lineage, review decisions and deanonymisation find records by them."""
    if summary.n_duplicate_ids:
        lines = ", ".join(str(n) for n in summary.duplicate_id_lines)
        more = ", ..." if summary.n_duplicate_ids > len(summary.duplicate_id_lines) else ""
        err.print(escape(f"warning: {input_path}: {summary.n_duplicate_ids} record(s) repeat the id of an earlier "
                         f"record (lines {lines}{more}); give every record its own id"), markup=False)


@app.command()
def detect(
    input: InputOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="Findings file (JSONL): one line per record.")],
    policy: PolicyOpt = None,
    on_error: OnErrorOpt = OnErrorChoice.fail,
    quarantine: QuarantineOpt = None,
    fmt: FormatOpt = None,
    workers: WorkersOpt = 1,
) -> None:
    """Find personal data. Writes {"id", "entities": [{field, start, end, entity_type, score, recognizer}]}
    per record; offsets index the original field text. Values are never written."""
    from gdprep.policies import load_policy
    from gdprep.privacy.pipeline import run_detect

    def go() -> None:
        pol = load_policy(policy)
        total = _count_records(input)
        with _progress("detect", total) as tick:
            summary = run_detect(input, output, pol, on_error=on_error.value, quarantine_path=quarantine,
                                 fmt=fmt.value if fmt else None, workers=_workers(workers, total), progress=tick)
        err.print(_summary_line(summary))
        _warn_duplicate_ids(summary, input)
        err.print(f"  {summary.fields.skipped_line()}", markup=False, highlight=False)
        for name, path in summary.outputs.items():
            err.print(f"  {name}: {path}")

    _run(go)


@app.command()
def redact(
    input: InputOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="Redacted records; format follows the extension.")],
    report: Annotated[Path, typer.Option("--report", "-r", help="Report JSON path; REPORT.html is written beside it.")],
    policy: PolicyOpt = None,
    on_error: OnErrorOpt = OnErrorChoice.fail,
    quarantine: QuarantineOpt = None,
    fmt: FormatOpt = None,
    workers: WorkersOpt = 1,
    key_file: Annotated[Path | None, typer.Option(
        "--key-file", help="Master key file (default: $GDPREP_KEY_FILE, $GDPREP_MASTER_KEY or the state "
        "directory's key).")] = None,
    ledger_url: LedgerOpt = None,
    decisions: Annotated[Path | None, typer.Option(
        "--decisions", help='Review decisions to apply: JSONL of {"finding_id", "decision": confirm|reject}.')] = None,
) -> None:
    """Redact personal data under a policy. Keeps ids and every other field; writes a JSON + HTML report."""
    from gdprep.policies import load_policy
    from gdprep.privacy.decisions import load_decisions
    from gdprep.service import stages

    def go() -> None:
        from gdprep.audit.ledger import Ledger

        pol = load_policy(policy)
        decided = load_decisions(decisions) if decisions is not None else None
        total = _count_records(input)
        ledger = Ledger(ledger_url)
        with _progress("redact", total) as tick:
            summary = stages.redact(ledger, input, output, report, pol, command=_command_line(),
                                    config={"workers": workers}, on_error=on_error.value,
                                    quarantine_path=quarantine, fmt=fmt.value if fmt else None,
                                    workers=_workers(workers, total), key_file=key_file, progress=tick,
                                    decisions=decided)
        err.print(_summary_line(summary))
        _warn_duplicate_ids(summary, input)
        err.print(f"  {summary.fields.skipped_line()}", markup=False, highlight=False)
        if decided is not None:
            err.print(f"  decisions: {summary.n_decisions_applied} applied, {summary.n_decisions_unmatched} unmatched")
        for name, path in summary.outputs.items():
            err.print(f"  {name}: {path}")

    _run(go)


@app.command(name="eval-detector")
def evaluate(
    gold: Annotated[Path, typer.Option(
        "--gold", "-g", help='Gold JSONL: {"id", "text", "spans": [{start, end, type}]}.')],
    policy: PolicyOpt = None,
    workers: WorkersOpt = 1,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the full scores as JSON.")] = None,
) -> None:
    """Score the detector against gold spans: precision, recall and F2 per entity type and overall,
    entity-level and character-level."""
    from gdprep.policies import load_policy
    from gdprep.privacy.evaluation import evaluate as score
    from gdprep.privacy.evaluation import format_table, load_gold_jsonl
    from gdprep.privacy.pipeline import predict_gold

    def go() -> None:
        pol = load_policy(policy)
        records = load_gold_jsonl(gold)
        predictions = predict_gold(records, pol, workers=_workers(workers))
        result = score(records, predictions)
        out.print(format_table(result))
        if json_out:
            json_out.write_text(json.dumps(result.to_dict(), indent=2), encoding="utf-8")

    _run(go)


# the detector's scores were `gdprep eval`, too close to `gdprep evaluate` (the adapter's task metrics)
app.command(name="eval", hidden=True)(evaluate)


@app.command()
def deanonymize(
    input: InputOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the re-identified records.")],
    reason: Annotated[str, typer.Option("--reason", help="Why re-identification is needed (required; recorded "
                                        "in the audit ledger with who asked; write a ticket reference, not "
                                        "personal data).")],
    policy: PolicyOpt = None,
    key_file: Annotated[Path | None, typer.Option("--key-file", help="Master key file.")] = None,
    fmt: FormatOpt = None,
    ledger_url: LedgerOpt = None,
) -> None:
    """Reverse encrypt / pseudonym / surrogate tokens for key holders. Placeholders, masks and hashes
    are one-way by design and stay as they are. Every use is a key event in the audit ledger."""
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.service import stages

    def go() -> None:
        pol = load_policy(policy)
        if not reason.strip():
            raise UsageError("--reason must say why re-identification is needed")
        n_records, n_tokens = stages.deanonymise(Ledger(ledger_url), input, output, pol, reason=reason,
                                                 command=_command_line(), key_file=key_file,
                                                 fmt=fmt.value if fmt else None)
        err.print(f"{n_records} records, {n_tokens} tokens restored -> {output} (recorded in the audit ledger)")

    _run(go)


@policy_app.command("list")
def policy_list() -> None:
    """List the shipped policies with their hashes."""
    from gdprep.policies import list_policies, load_policy

    def go() -> None:
        for name in list_policies():
            pol = load_policy(name)
            out.print(f"{name:20} {pol.canonical_hash()}  {len(pol.entities)} entity types")

    _run(go)


@policy_app.command("show")
def policy_show(name: Annotated[str, typer.Argument(help="Shipped policy name or path.")]) -> None:
    """Print a policy with every default filled in, and its canonical hash."""
    import yaml

    from gdprep.policies import load_policy

    def go() -> None:
        pol = load_policy(name)
        out.print(f"# hash: {pol.canonical_hash()}")
        out.print(yaml.safe_dump(pol.model_dump(mode="json"), sort_keys=False, allow_unicode=True), end="")

    _run(go)


@policy_app.command("validate")
def policy_validate(path: Annotated[str, typer.Argument(help="Policy YAML file (or shipped name).")]) -> None:
    """Validate a policy file; errors name the field and the fix."""
    from gdprep.policies import load_policy

    def go() -> None:
        pol = load_policy(path)
        out.print(f"ok: {pol.name} {pol.canonical_hash()}")

    _run(go)


@policy_app.command("schema")
def policy_schema() -> None:
    """Print the policy JSON Schema (every field with its description)."""
    from gdprep.policies import Policy

    out.print_json(json.dumps(Policy.model_json_schema()))


def _command_line() -> str:
    """The command as typed, for the ledger (arguments are paths and options, not record content)."""
    return " ".join(["gdprep", *sys.argv[1:]])


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
    fmt: Annotated[str, typer.Option("--format", help="csv (per-record lineage), openlineage, prov or ropa.")]
    = "csv",
    run: Annotated[str | None, typer.Option("--run", help="Only this run id.")] = None,
    ledger_url: LedgerOpt = None,
) -> None:
    """Export the ledger as a bundle that holds the entries, the signed checkpoints and the public key, so
    `gdprep audit verify --bundle DIR` can check it offline."""
    from gdprep.audit.export import export_bundle
    from gdprep.audit.ledger import Ledger

    def go() -> None:
        path = export_bundle(Ledger(ledger_url), out_dir, fmt=fmt, run_id=run)
        out.print(f"wrote {path}")

    _run(go)


@app.command()
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


@app.command()
def sample(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the JSONL.")],
    n: Annotated[int, typer.Option("--n", min=1, help="Number of records.")] = 120,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same file).")] = 7,
) -> None:
    """Generate a synthetic UK/EU sample dataset (Faker): tickets, e-mails, HR and clinical notes."""
    from gdprep.examples.generate import generate_sample

    def go() -> None:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as fh:
            for rec in generate_sample(n, seed):
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        err.print(f"{n} records -> {output}")

    _run(go)


@app.command()
def curate(
    input: Annotated[Path | None, typer.Option("--input", "-i", help="Input file: .jsonl, .csv or .parquet "
                                               "(text, prompt/completion or chat records).")] = None,
    output_dir: Annotated[Path | None, typer.Option("--output-dir", "-o", help="Directory for train/validation/"
                                                    "test, removals.jsonl, the report and hf/.")] = None,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="Curation config YAML (default: every "
                                                "documented default; see --print-config).")] = None,
    policy: PolicyOpt = None,
    on_error: OnErrorOpt = OnErrorChoice.fail,
    fmt: Annotated[FormatChoice | None, typer.Option("--format", help="Format of the split files (default: the "
                                                      "input's).")] = None,
    input_format: Annotated[FormatChoice | None, typer.Option(
        "--input-format", help="Input format when the extension does not tell it.")] = None,
    print_config: Annotated[bool, typer.Option("--print-config", help="Print the effective config as YAML "
                                               "(every field and default) and exit.")] = False,
    ledger_url: LedgerOpt = None,
) -> None:
    """Curate a dataset: exact and near-duplicate removal, quality filters, label balancing and a
    stratified, group-aware train/validation/test split, with a reason for every removed record."""
    from gdprep.curation.config import load_curation_config
    from gdprep.policies import load_policy

    def go() -> None:
        cfg = load_curation_config(config)
        if print_config:
            import yaml

            out.print(escape(yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False)), end="")
            return
        if input is None or output_dir is None:
            raise UsageError("--input and --output-dir are required (or pass --print-config)")
        from gdprep.audit.ledger import Ledger
        from gdprep.service import stages

        pol = load_policy(policy)
        total = _count_records(input)
        ledger = Ledger(ledger_url)
        with _progress("curate", total) as tick:
            report = stages.curate(ledger, input, output_dir, cfg, pol, command=_command_line(),
                                   on_error=on_error.value, input_format=input_format.value if input_format else None,
                                   output_format=fmt.value if fmt else None,
                                   progress=(lambda stage, n: tick(n) if stage == "scan" else None) if tick else None)
        _print_curation(report, output_dir)

    _run(go)


def _print_curation(report: dict[str, Any], output_dir: Path) -> None:
    counts = report["counts"]
    err.print(f"curate: {counts['input']:,} in -> train {counts['train']:,}, validation {counts['validation']:,}, "
              f"test {counts['test']:,}, removed {counts['removed']:,}")
    for stage in report["stages"]:
        if stage["removed"]:
            reasons = ", ".join(f"{r} {n:,}" for r, n in stage["reasons"].items())
            err.print(f"  {stage['stage']}: -{stage['removed']:,} ({escape(reasons)})")
    leak = report["leakage"]
    if leak.get("enabled"):
        err.print(f"  leakage check: {leak['result']}")
    err.print(f"  outputs: {escape(str(output_dir))}")


@app.command()
def train(
    config: Annotated[Path, typer.Option("--config", "-c", help="Training config YAML (see training/config.py).")],
    policy: PolicyOpt = None,
    ledger_url: LedgerOpt = None,
) -> None:
    """LoRA fine-tuning of a local model, only on data the audit ledger shows was redacted and curated,
    only in a region the policy's residency allows. Writes the adapter and manifest.json; the run goes to the ledger."""
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.service import stages
    from gdprep.training.config import load_train_config

    def go() -> None:
        cfg = load_train_config(config)
        manifest = stages.train(Ledger(ledger_url), cfg, load_policy(policy or cfg.policy))
        metrics = manifest["metrics"]
        err.print(f"train: {int(metrics['steps'])} steps, train loss {metrics['train_loss']:.4f}"
                  + (f", eval loss {metrics['eval_loss']:.4f}" if "eval_loss" in metrics else "")
                  + f"; adapter {manifest['adapter_sha256'][:16]}... on {manifest['device']}")
        err.print(f"training run {manifest['ledger_run']}: probe it with `gdprep probe --run {manifest['ledger_run']}`")

    _run(go)


RunOpt = Annotated[str | None, typer.Option("--run", help="Training run id (`gdprep train` prints it).")]
AdapterOpt = Annotated[Path | None, typer.Option("--adapter", help="Adapter directory written by `gdprep train`.")]
DeviceOpt = Annotated[str, typer.Option("--device", help="auto (CUDA when present), cpu or cuda.")]


@app.command()
def probe(
    run: RunOpt = None,
    adapter: AdapterOpt = None,
    policy: PolicyOpt = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Report directory (default: <output_dir>/probes).")
                       ] = None,
    candidates: Annotated[int, typer.Option("--candidates", min=1000, help="Random secrets each canary is ranked "
                                            "among.")] = 10_000,
    max_records: Annotated[int, typer.Option("--max-records", min=10, help="Most member / non-member records "
                                             "probed.")] = 1000,
    device: DeviceOpt = "auto",
    key_file: Annotated[Path | None, typer.Option("--key-file", help="Master key file (to read the vault).")] = None,
    ledger_url: LedgerOpt = None,
) -> None:
    """Memorisation probes on a trained adapter (canary exposure, PII regurgitation, verbatim extraction,
    membership inference) and the release decision under the policy's `release_gate`. Writes
    probe_report.json and .html; the decision goes to the ledger. Exit code 3 when release fails."""
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.service import stages
    from gdprep.training.probes import ProbeSettings

    def go() -> None:
        settings = ProbeSettings(canary_candidates=candidates, max_records=max_records)
        report = stages.probe(Ledger(ledger_url), load_policy(policy) if policy else None, run_id=run,
                              adapter_dir=adapter, out_dir=out_dir, settings=settings, device=device,
                              key_file=key_file, command=_command_line())
        _print_probe(report, out_dir)
        if report["decision"]["release"] != "pass":
            raise typer.Exit(3)

    _run(go)


def _print_probe(report: dict[str, Any], out_dir: Path | None = None) -> None:
    results, decision = report["results"], report["decision"]
    for c in results["canaries"]:
        out.print(f"canary {escape(c['ref'])} x{c['repetitions']}: rank {c['rank']:g} of {c['candidates'] + 1}, "
                  f"exposure {c['exposure']:.1f} bits ({c['estimate']}; log2|R| {c['log2_space']:.1f})")
    reg = results["regurgitation"]
    out.print(f"regurgitation: {len(reg['hits'])} hits in {reg['samples']} completions over {reg['values_checked']} "
              f"vault values ({reg.get('values_skipped', 0)} one-word everyday values not checked)")
    for k, train_k in results["extraction"]["train"].items():
        test_k = results["extraction"]["test"].get(k, {})
        if train_k.get("rate") is not None:
            out.print(f"extraction k={k}: train {train_k['extracted']}/{train_k['eligible']}, test "
                      f"{test_k.get('extracted')}/{test_k.get('eligible')}")
    mia = results.get("membership_inference")
    for signal, stats in (mia or {}).get("signals", {}).items():
        low, high = stats["auc_ci"]
        out.print(f"membership inference {signal}: AUC {stats['auc']:.3f} [{low:.3f}, {high:.3f}], "
                  f"TPR@1%FPR {stats['tpr_at_1pct_fpr']:.3f}")
    style = "bold green" if decision["release"] == "pass" else "bold red"
    out.print(f"[{style}]release: {decision['release']}[/{style}]")
    for reason in decision["reasons"]:
        out.print(f"  - {escape(reason)}")
    where = out_dir or Path(report["adapter"]["path"]).parent / "probes"
    out.print(escape(f"report: {where / 'probe_report.html'} (probe run {report['probe_run']})"))


@app.command(name="evaluate")
def evaluate_task(
    run: RunOpt = None,
    adapter: AdapterOpt = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Where evaluation.json goes (default: next to "
                                                 "the adapter).")] = None,
    max_new_tokens: Annotated[int, typer.Option("--max-new-tokens", min=1)] = 64,
    device: DeviceOpt = "auto",
    ledger_url: LedgerOpt = None,
) -> None:
    """Task metrics on the test split, per the task type in the training config, for the adapter and the
    bare base model: exact match / token F1 (extraction), accuracy / macro-F1 (classification), ROUGE-L
    (summarisation), JSON validity / schema compliance (structured)."""
    from gdprep.audit.ledger import Ledger
    from gdprep.training.release import run_evaluate

    def go() -> None:
        result = run_evaluate(Ledger(ledger_url), run_id=run, adapter_dir=adapter, out_dir=out_dir, device=device,
                              max_new_tokens=max_new_tokens, command=_command_line())
        from rich.table import Table

        table = Table(title=f"task: {result['adapter']['task']} (n={result['adapter']['n']})")
        for col in ("metric", "adapter", "base model", "delta"):
            table.add_column(col)
        for name, value in result["adapter"]["metrics"].items():
            if name != "n":
                table.add_row(name, f"{value:.4f}", f"{result['base']['metrics'][name]:.4f}",
                              f"{result['delta'][name]:+.4f}")
        out.print(table)

    _run(go)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the demo outputs.")] = Path("demo-out"),
    policy: PolicyOpt = None,
    workers: WorkersOpt = 0,
    skip_training: Annotated[bool, typer.Option("--skip-training", help="Stop after curation.")] = False,
) -> None:
    """Run the whole chain on the bundled sample data (examples/sample.jsonl): privacy (detect and redact),
    curation (dedup, quality filters, stratified split by label), gated LoRA training of a tiny smoke model
    with canaries, memorisation probes and the release decision, then ledger verification and an audit
    export."""
    from importlib import resources

    from gdprep.curation.config import load_curation_config
    from gdprep.policies import load_policy
    from gdprep.privacy.pipeline import run_detect
    from gdprep.service import stages

    def go() -> None:
        from gdprep.audit.ledger import Ledger

        pol = load_policy(policy)
        sample_path = Path(str(resources.files("gdprep.examples").joinpath("sample.jsonl")))
        out_dir.mkdir(parents=True, exist_ok=True)
        total = _count_records(sample_path)
        n_workers = _workers(workers, total)
        ledger = Ledger()
        with _progress("detect", total) as tick:
            det = run_detect(sample_path, out_dir / "findings.jsonl", pol, workers=n_workers, progress=tick)
        with _progress("redact", total) as tick:
            red = stages.redact(ledger, sample_path, out_dir / "redacted.jsonl", out_dir / "report.json", pol,
                                command="gdprep demo", report_command="gdprep demo", workers=n_workers,
                                progress=tick)
        out.print(f"[bold]gdprep demo[/bold] policy={pol.name} ({pol.canonical_hash()[:19]}...)")
        out.print(f"detect: {_summary_line(det)}")
        out.print(f"redact: {_summary_line(red)}")
        for name, path in {**det.outputs, **red.outputs}.items():
            out.print(f"  {name}: {path}")
        # the sample is small and every example is different, so the demo keeps 80/10/10 by label
        cfg = load_curation_config(None, {"fields.label_field": "label"})
        report = stages.curate(ledger, out_dir / "redacted.jsonl", out_dir / "curated", cfg, pol,
                               command="gdprep demo")
        _print_curation(report, out_dir / "curated")
        if not skip_training:
            _demo_training(ledger, pol, out_dir)
        # the demo ends as an auditor would: verify the ledger and write an export bundle
        from gdprep.audit.export import export_bundle

        result = ledger.verify()
        out.print(result.summary())
        bundle = export_bundle(ledger, out_dir / "audit-bundle", fmt="csv")
        out.print(f"  audit bundle: {bundle}")

    _run(go)


keys_app = typer.Typer(help="Create, list and revoke API keys for the HTTP service (`gdprep serve`).",
                       no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
def keys_create(
    role: Annotated[str, typer.Option("--role", help="engineer, compliance_officer, auditor or admin.")],
    name: Annotated[str, typer.Option("--name", help="A unique name for the key: a service or team, not a "
                                      "person's e-mail (names are recorded in the audit ledger).")],
    ledger_url: LedgerOpt = None,
) -> None:
    """Create an API key and print it once; only a scrypt hash is stored. Recorded in the audit ledger."""
    from gdprep.audit.ledger import Ledger
    from gdprep.service.keys import KeyStore

    def go() -> None:
        secret = KeyStore(Ledger(ledger_url)).create(name, role)
        out.print(secret, markup=False)
        err.print(escape(f"API key {name!r} ({role}) created; it is shown only now: keep it in a secret store"))

    _run(go)


@keys_app.command("list")
def keys_list(
    ledger_url: LedgerOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the keys as JSON.")] = False,
) -> None:
    """List API keys: name, role, key id, who created or revoked them and when (never secrets or hashes)."""
    import dataclasses

    from gdprep.audit.ledger import Ledger
    from gdprep.service.keys import KeyStore

    def go() -> None:
        keys = KeyStore(Ledger(ledger_url)).list()
        if as_json:
            out.print(json.dumps([dataclasses.asdict(k) for k in keys], indent=2), markup=False)
            return
        if not keys:
            err.print("no API keys; create one with `gdprep keys create --role ROLE --name NAME`")
        for k in keys:
            state = f"revoked {k.revoked_at} by {k.revoked_by}" if k.revoked_at else "active"
            out.print(escape(f"{k.name:24} {k.role:18} {k.key_id}  created {k.created_at} by {k.created_by}; "
                             f"{state}"))

    _run(go)


@keys_app.command("revoke")
def keys_revoke(
    name: Annotated[str, typer.Argument(help="The key's name (see `gdprep keys list`).")],
    ledger_url: LedgerOpt = None,
) -> None:
    """Revoke an API key; it stops working at once. Recorded in the audit ledger."""
    from gdprep.audit.ledger import Ledger
    from gdprep.service.keys import KeyStore

    def go() -> None:
        info = KeyStore(Ledger(ledger_url)).revoke(name)
        out.print(escape(f"API key {info.name!r} ({info.role}) revoked at {info.revoked_at}"))

    _run(go)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default: this machine only).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    ledger_url: LedgerOpt = None,
    workers: Annotated[int | None, typer.Option("--workers", min=0, max=64, help="Job worker processes "
                                                "(default: $GDPREP_WORKERS, else 1; 0 runs no jobs).")] = None,
    root: Annotated[Path | None, typer.Option("--root", help="Where uploads and job outputs are kept (default: "
                                              "$GDPREP_SERVICE_ROOT, else the state directory's service/).")] = None,
    input_root: Annotated[list[Path] | None, typer.Option(
        "--input-root", help="A directory whose files jobs may name by `path` (repeatable; default: "
        "$GDPREP_INPUT_ROOTS, colon-separated; none: uploads only).")] = None,
    max_upload_mb: Annotated[int | None, typer.Option("--max-upload-mb", min=1, help="Largest upload accepted "
                                                      "(default: $GDPREP_MAX_UPLOAD_BYTES, else 512 MiB).")] = None,
) -> None:
    """Serve the HTTP API and the review pages (OpenAPI at /docs and /openapi.json; /healthz, /readyz; API
    routes under /v1, pages under /ui). Requests authenticate with `Authorization: Bearer <key>` from
    `gdprep keys create`; people sign in at /ui/login with the same keys. Jobs run in worker processes."""
    import uvicorn

    from gdprep.service.api import create_app
    from gdprep.service.settings import ServiceSettings

    def go() -> None:
        settings = ServiceSettings.from_env(
            ledger_url=ledger_url, workers=workers, root=root,
            input_roots=tuple(input_root) if input_root else None,
            max_upload_bytes=max_upload_mb * 1024 * 1024 if max_upload_mb else None)
        err.print(f"gdprep serve: http://{host}:{port}  (workers {settings.workers}, data {settings.root}, "
                  f"upload limit {settings.max_upload_bytes:,} bytes)")
        # no access log: request paths can hold record ids (/v1/audit/trace/{record_id})
        uvicorn.run(create_app(ledger_url, settings=settings), host=host, port=port, access_log=False,
                    server_header=False, proxy_headers=False)

    _run(go)


def _demo_training(ledger: Any, pol: Any, out_dir: Path) -> None:
    """Train the smoke model on the curated split through the gate, then probe it."""
    from gdprep.examples.generate import generic_corpus
    from gdprep.service import stages
    from gdprep.training.config import TrainConfig
    from gdprep.training.probes import ProbeSettings
    from gdprep.training.train import build_smoke_model

    curated = out_dir / "curated"
    model_dir = out_dir / "smoke-model"
    if not (model_dir / "config.json").is_file():
        # a stand-in base model: 2 layers, pre-trained on generic text in the sample's style (personal values
        # replaced by their types), never on the records it is fine-tuned on. Not a real language model.
        generic = generic_corpus(240, seed=2026)
        err.print("training: pre-training the tiny smoke model on 240 generic texts (CPU, about a minute)")
        build_smoke_model(generic, model_dir, vocab_size=600, pretrain_texts=generic, pretrain_epochs=8)
    training_dir = out_dir / "training"
    if training_dir.exists():
        import shutil

        shutil.rmtree(training_dir)  # a fresh run each time (the demo does not resume)
    config = TrainConfig.model_validate({
        "base_model": str(model_dir), "train_file": str(curated / "train.jsonl"),
        "validation_file": str(curated / "validation.jsonl"), "test_file": str(curated / "test.jsonl"),
        "output_dir": str(training_dir), "region": os.environ.get("GDPREP_REGION") or "GB",
        "learning_rate": 5e-3, "epochs": 3, "batch_size": 8, "max_length": 256, "eval_steps": 10, "seed": 7,
        "canaries": {"enabled": True, "repetitions": [1, 4, 16]},
    })
    manifest = stages.train(ledger, config, pol)
    metrics = manifest["metrics"]
    out.print(f"train: {int(metrics['steps'])} steps on {manifest['device']}, train loss "
              f"{metrics['train_loss']:.3f}, eval loss {metrics.get('eval_loss', float('nan')):.3f}; "
              f"adapter {training_dir / 'adapter'} (run {manifest['ledger_run']})")
    report = stages.probe(ledger, pol, run_id=manifest["ledger_run"], settings=ProbeSettings(bootstrap=500),
                          command="gdprep demo")
    _print_probe(report)


model_app = typer.Typer(help="The shipped name/address model: show its manifest, check it, retrain it.",
                        no_args_is_help=True)
app.add_typer(model_app, name="model")


@model_app.command("info")
def model_info(
    model_dir: Annotated[Path | None, typer.Option("--model-dir", help="A model directory (default: the shipped one).")]
    = None,
) -> None:
    """Check the model against its manifest and print the manifest (hash, corpus recipe, dev scores)."""
    from gdprep.privacy.nermodel.train import MODEL_DIR, verify_model

    manifest = _run(lambda: verify_model(model_dir or MODEL_DIR))
    out.print_json(json.dumps(manifest))


@model_app.command("train")
def model_train(
    model_dir: Annotated[Path | None, typer.Option("--out", help="Where to write the model (default: the package's "
                                                   "own model directory, replacing the shipped model).")] = None,
    n_train: Annotated[int | None, typer.Option("--n-train", min=10, help="Training examples.")] = None,
    n_dev: Annotated[int | None, typer.Option("--n-dev", min=5, help="Dev examples (another seed).")] = None,
    max_steps: Annotated[int | None, typer.Option("--steps", min=1, help="Training steps.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Corpus and training seed.")] = None,
) -> None:
    """Generate the synthetic corpus and train the model deterministically; nothing is downloaded."""
    from dataclasses import replace

    from gdprep.privacy.nermodel.train import MODEL_DIR, TrainSettings, train_model

    settings = TrainSettings()
    overrides = {"n_train": n_train, "n_dev": n_dev, "max_steps": max_steps, "seed": seed}
    settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
    manifest = _run(lambda: train_model(model_dir or MODEL_DIR, settings, log=lambda line: err.print(escape(line))))
    out.print(f"model {manifest['sha256']}: dev F {manifest['dev_scores']['ents_f']:.3f}")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
