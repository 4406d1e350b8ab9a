"""`gdprep sample` and `gdprep curate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from gdprep.errors import UsageError
from gdprep.service.cli.common import (
    EngineChoice,
    EngineOpt,
    FormatChoice,
    LedgerOpt,
    OnErrorChoice,
    OnErrorOpt,
    PolicyOpt,
    RayAddressOpt,
    RayRegionOpt,
    _command_line,
    _count_records,
    _engine,
    _progress,
    _renamed_option,
    _run,
    err,
    out,
)


def sample(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the records: .jsonl, .csv or "
                                         ".parquet (the extension sets the format).")],
    n: Annotated[int, typer.Option("--n", min=1, help="Number of records.")] = 120,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same file).")] = 7,
) -> None:
    """Generate a synthetic UK/EU sample dataset (Faker): tickets, e-mails, HR and clinical notes."""
    from gdprep.examples.generate import generate_sample
    from gdprep.record_writers import RecordWriter
    from gdprep.records import detect_format

    def go() -> None:
        try:
            fmt = detect_format(output)
        except UsageError:
            raise UsageError(f"--output {output}: cannot tell the format from the extension {output.suffix!r}; "
                             "name the file .jsonl, .csv or .parquet") from None
        records = generate_sample(n, seed)
        # the records have three shapes (text, prompt/completion, chat): a CSV header holds every column
        columns = list(dict.fromkeys(key for rec in records for key in rec))
        if fmt == "parquet":  # one schema for all rows: a column a row lacks is null there
            records = [{key: rec.get(key) for key in columns} for rec in records]
        with RecordWriter(output, fmt, columns=columns if fmt == "csv" else None) as writer:
            writer.write(records)
        err.print(escape(f"{n} records -> {output} ({fmt})"))

    _run(go)


def curate(
    input: Annotated[list[Path] | None, typer.Option("--input", "-i", help="Input file: .jsonl, .csv or .parquet "
                                                     "(text, prompt/completion or chat records). Repeat it to "
                                                     "curate several files of one format as one input, e.g. the "
                                                     "redacted records and `gdprep synth`'s.")] = None,
    output_dir: Annotated[Path | None, typer.Option("--output-dir", "-o", help="Directory for train/validation/"
                                                    "test, removals.jsonl, the report and hf/.")] = None,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="Curation config YAML (default: every "
                                                "documented default; see --print-config).")] = None,
    policy: PolicyOpt = None,
    on_error: OnErrorOpt = OnErrorChoice.fail,
    output_format: Annotated[FormatChoice | None, typer.Option(
        "--output-format", help="Format of the split files (default: the input's).")] = None,
    input_format: Annotated[FormatChoice | None, typer.Option(
        "--input-format", help="Input format when the extension does not tell it.")] = None,
    # the old spelling of --output-format, kept for scripts: elsewhere --format is the input format
    old_output_format: Annotated[FormatChoice | None, typer.Option(
        "--format", hidden=True, help="Deprecated: the split files' format; use --output-format.")] = None,
    print_config: Annotated[bool, typer.Option("--print-config", help="Print the effective config as YAML "
                                               "(every field and default) and exit.")] = False,
    ledger_url: LedgerOpt = None,
    engine: EngineOpt = EngineChoice.local,
    ray_address: RayAddressOpt = None,
    ray_region: RayRegionOpt = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=0, help="With --engine ray: Ray CPUs to plan the "
                                         "near-duplicate shuffle for (0 = the cluster's).")] = 0,
) -> None:
    """Curate a dataset: exact and near-duplicate removal, quality filters, label balancing and a
    stratified, group-aware train/validation/test split, with a reason for every removed record."""
    from gdprep.curation.config import load_curation_config
    from gdprep.policies import load_policy

    def go() -> None:
        split_format = _renamed_option(output_format, old_output_format, command="gdprep curate", old="--format",
                                       new="--output-format")
        cfg = load_curation_config(config)
        if print_config:
            from gdprep.curation.config import commented_yaml

            out.print(commented_yaml(cfg), end="", markup=False, highlight=False)
            return
        if not input or output_dir is None:
            raise UsageError("--input and --output-dir are required (or pass --print-config)")
        from gdprep.audit.ledger import Ledger
        from gdprep.service import stages

        spec = _engine(engine, ray_address, ray_region, workers)
        pol = load_policy(policy)
        counts = [_count_records(path) for path in input]
        total = None if None in counts else sum(c or 0 for c in counts)
        ledger = Ledger(ledger_url)
        with _progress("curate", total) as tick:
            report = stages.curate(ledger, input[0], output_dir, cfg, pol, command=_command_line(), engine=spec,
                                   extra_inputs=input[1:],
                                   on_error=on_error.value, input_format=input_format.value if input_format else None,
                                   output_format=split_format.value if split_format else None,
                                   progress=(lambda stage, n: tick(n) if stage == "scan" else None) if tick else None)
        _print_curation(report, output_dir)

    _run(go)


def _print_curation(report: dict[str, Any], output_dir: Path) -> None:
    for warning in report.get("warnings", []):
        err.print(f"warning: {warning['message']}", markup=False, highlight=False)
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
