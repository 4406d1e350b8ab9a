"""`gdprep detect`, `redact`, `eval-detector` (alias `eval`) and `deanonymize`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from gdprep.errors import UsageError
from gdprep.service.cli.common import (
    EngineChoice,
    EngineOpt,
    FormatOpt,
    InputOpt,
    LedgerOpt,
    OnErrorChoice,
    OnErrorOpt,
    PolicyOpt,
    QuarantineOpt,
    RayAddressOpt,
    RayRegionOpt,
    WorkersOpt,
    _command_line,
    _count_records,
    _engine,
    _progress,
    _run,
    _summary_line,
    _warn_duplicate_ids,
    _workers,
    err,
    out,
)


def _print_summary(summary: Any, input_path: Path, extra: str | None = None) -> None:
    """What detect and redact print when done: counts, duplicate ids, fields skipped, [extra], outputs."""
    err.print(_summary_line(summary))
    _warn_duplicate_ids(summary, input_path)
    err.print(f"  {summary.fields.skipped_line()}", markup=False, highlight=False)
    if extra is not None:
        err.print(f"  {extra}")
    for name, path in summary.outputs.items():
        err.print(f"  {name}: {path}")


def detect(
    input: InputOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="Findings file (JSONL): one line per record.")],
    policy: PolicyOpt = None,
    on_error: OnErrorOpt = OnErrorChoice.fail,
    quarantine: QuarantineOpt = None,
    fmt: FormatOpt = None,
    workers: WorkersOpt = 1,
    engine: EngineOpt = EngineChoice.local,
    ray_address: RayAddressOpt = None,
    ray_region: RayRegionOpt = None,
) -> None:
    """Find personal data. Writes {"id", "entities": [{field, start, end, entity_type, score, recognizer}]}
    per record; offsets index the original field text. Values are never written."""
    from gdprep.policies import load_policy
    from gdprep.privacy.pipeline import run_detect

    def go() -> None:
        spec = _engine(engine, ray_address, ray_region, workers)
        pol = load_policy(policy)
        total = _count_records(input)
        with _progress("detect", total) as tick:
            summary = run_detect(input, output, pol, on_error=on_error.value, quarantine_path=quarantine,
                                 fmt=fmt.value if fmt else None, workers=_workers(workers, total), progress=tick,
                                 engine=spec)
        _print_summary(summary, input)

    _run(go)


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
    engine: EngineOpt = EngineChoice.local,
    ray_address: RayAddressOpt = None,
    ray_region: RayRegionOpt = None,
) -> None:
    """Redact personal data under a policy. Keeps ids and every other field; writes a JSON + HTML report."""
    from gdprep.policies import load_policy
    from gdprep.privacy.decisions import load_decisions
    from gdprep.service import stages

    def go() -> None:
        from gdprep.audit.ledger import Ledger

        spec = _engine(engine, ray_address, ray_region, workers)
        pol = load_policy(policy)
        decided = load_decisions(decisions) if decisions is not None else None
        total = _count_records(input)
        ledger = Ledger(ledger_url)
        config: dict[str, Any] = {"workers": workers}
        if spec.is_ray:
            config.update(engine="ray", ray_address=ray_address, ray_region=ray_region)
        with _progress("redact", total) as tick:
            summary = stages.redact(ledger, input, output, report, pol, command=_command_line(),
                                    config=config, engine=spec, on_error=on_error.value,
                                    quarantine_path=quarantine, fmt=fmt.value if fmt else None,
                                    workers=_workers(workers, total), key_file=key_file, progress=tick,
                                    decisions=decided)
        decisions_line = (f"decisions: {summary.n_decisions_applied} applied, "
                          f"{summary.n_decisions_unmatched} unmatched") if decided is not None else None
        _print_summary(summary, input, decisions_line)

    _run(go)


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
