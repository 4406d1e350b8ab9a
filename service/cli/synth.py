"""`gdprep synth`: synthetic examples of an under-represented label from a self-hosted model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from gdprep.service.cli.common import LedgerOpt, PolicyOpt, _command_line, _run, err


def synth(
    model: Annotated[Path, typer.Option("--model", help="Local Hugging Face causal-LM directory (never "
                                        "downloaded); its weights' SHA-256 is recorded.")],
    source: Annotated[Path, typer.Option("--from", help="Real records to take few-shot examples from and to "
                                         "compare with, e.g. curated/train.jsonl (.jsonl, .csv or .parquet).")],
    label: Annotated[str, typer.Option("--label", help="The label to generate records of.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where the kept synthetic records go (.jsonl); "
                                         "OUT.drops.jsonl, OUT.synth_report.json and OUT.redaction.json beside "
                                         "it.")],
    n: Annotated[int, typer.Option("--n", min=1, help="Generations to make (each is kept or dropped with a "
                                   "reason).")] = 200,
    policy: PolicyOpt = None,
    region: Annotated[str | None, typer.Option("--region", help="Where this job runs (default: $GDPREP_REGION); "
                                               "must be in the policy's residency.allowed_regions.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the few-shot choice and of sampling (same seed, "
                                      "same file).")] = 0,
    few_shot: Annotated[int, typer.Option("--few-shot", min=1, help="Examples of the label in each prompt.")] = 4,
    max_new_tokens: Annotated[int, typer.Option("--max-new-tokens", min=1, help="Longest generation, in "
                                                "tokens; one cut off there is dropped (unparseable, "
                                                "truncated).")] = 128,
    temperature: Annotated[float, typer.Option("--temperature", min=0.01, help="Sampling temperature.")] = 0.9,
    label_field: Annotated[str | None, typer.Option("--label-field", help="The records' label field (default: "
                                                    "fields.label_field of --config, else 'label').")] = None,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="Curation config YAML: the field names, "
                                                "the quality filters and the near-duplicate threshold that "
                                                "synthetic records must pass.")] = None,
    against: Annotated[list[Path] | None, typer.Option("--against", help="More real records a synthetic one "
                                                       "must not copy (repeatable), e.g. the validation and "
                                                       "test splits.")] = None,
    device: Annotated[str, typer.Option("--device", help="auto (CUDA when present), cpu or cuda.")] = "auto",
    ledger_url: LedgerOpt = None,
) -> None:
    """Generate records of an under-represented label with a local model (few-shot, seeded sampling), under
    the egress guard and the policy's residency. Every generation passes the privacy stage, curation's
    quality filters and a comparison with the real records (a near copy is dropped as a memorisation
    signal); kept records are marked meta.synthetic. See docs/synthetic.md."""
    from gdprep.audit.ledger import Ledger
    from gdprep.curation.config import load_curation_config
    from gdprep.policies import load_policy
    from gdprep.service import stages
    from gdprep.training.synth import SynthSettings

    def go() -> None:
        settings = SynthSettings(model_dir=model, source=source, label=label, n=n, output=output, seed=seed,
                                 few_shot=few_shot, max_new_tokens=max_new_tokens, temperature=temperature,
                                 region=region, label_field=label_field, against=tuple(against or ()),
                                 device=device)
        report = stages.synthesise(Ledger(ledger_url), settings, load_policy(policy), load_curation_config(config),
                                   command=_command_line())
        _print_summary(report)

    _run(go)


def _print_summary(report: dict[str, Any]) -> None:
    counts, memo, privacy = report["counts"], report["memorisation"], report["privacy"]
    dropped = counts["dropped"]
    reasons = ", ".join(f"{reason} {k}" for reason, k in dropped.items()) or "none"
    err.print(escape(f"synth: {counts['generated']} generated -> {counts['kept']} kept, "
                     f"{sum(dropped.values())} dropped ({reasons}); memorisation signals {memo['signals']}; "
                     f"PII findings redacted {privacy['findings_redacted']}"))
    for match in memo["matches"][:10]:
        err.print(escape(f"  near copy: {match['synthetic']} ~ real record {match['real_record']} "
                         f"(Jaccard {match['jaccard']})"))
    outputs = report["outputs"]
    err.print(escape(f"  outputs: {outputs['output']}, drops {outputs['drops']}, report {outputs['report']}"))
    err.print(f"synthesis run {report['synthesis_run']}: curate it with the real data, e.g. `gdprep curate -i "
              f"REDACTED.jsonl -i {outputs['output']} -o OUT`", markup=False)
