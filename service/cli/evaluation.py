"""`gdprep review-outputs` (blind human evaluation: create one, list them, report on one) and `gdprep feedback
export` (the reviewers' preferences and corrections as preference pairs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from gdprep.service.cli.common import (
    AdapterOpt,
    DeviceOpt,
    LedgerOpt,
    PolicyOpt,
    RunOpt,
    _command_line,
    _run,
    err,
    out,
)

feedback_app = typer.Typer(help="Reviewers' preferences and corrections back into training data.",
                           no_args_is_help=True)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _print_report(report: dict[str, Any]) -> None:
    o = report["overall"]
    out.print(escape(f"evaluation {report['evaluation']}: {report['candidate']['label']} against "
                     f"{report['baseline']['label']}; {report['items_rated']} of {report['items']} items rated, "
                     f"{o['rated']} ratings by {len(report['reviewers'])} reviewer(s)"))
    out.print(escape(f"preference rate {_percent(o['rate'])} (95% CI {_percent(o['ci_low'])}-"
                     f"{_percent(o['ci_high'])}); wins {o['wins']}, losses {o['losses']}, ties {o['ties']}; "
                     f"rate = {report['convention']}, CI: {report['ci_method']}"))
    for name, r in report["per_reviewer"].items():
        out.print(escape(f"  {name}: {_percent(r['rate'])} (95% CI {_percent(r['ci_low'])}-{_percent(r['ci_high'])}) "
                         f"over {r['rated']}"))
    a = report["agreement"]
    if a["statistic"]:
        kappa = "n/a" if a["kappa"] is None else f"{a['kappa']:.3f}"
        out.print(escape(f"agreement on {a['items_rated_by_two_or_more']} shared items: {a['statistic']} {kappa}, "
                         f"raw agreement {_percent(a['raw_agreement'])}"))
    else:
        out.print("agreement: no item was rated by two reviewers")
    sig = report["regurgitation"]["candidate"]
    out.print(escape(f"regurgitation signal: {sig['answers_with_findings']} candidate answer(s) with personal-data "
                     f"findings {sig['by_type'] or ''}"))


def review_outputs(
    run: RunOpt = None,
    adapter: AdapterOpt = None,
    model: Annotated[str | None, typer.Option("--model", help="A registered version NAME:VERSION, compared with "
                                              "the version in production (the base model when none is).")] = None,
    sample: Annotated[int, typer.Option("--sample", "-n", min=1, help="Test prompts to sample.")] = 150,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the sample and of each item's A/B order.")] = 0,
    max_new_tokens: Annotated[int, typer.Option("--max-new-tokens", min=1, help="Longest answer.")] = 64,
    device: DeviceOpt = "auto",
    report: Annotated[str | None, typer.Option("--report", help="Report on this evaluation id instead.")] = None,
    record: Annotated[bool, typer.Option("--record", help="With --report: enter the report in the ledger and on "
                                         "the registered version.")] = False,
    list_all: Annotated[bool, typer.Option("--list", help="List the evaluations.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    policy: PolicyOpt = None,
    ledger_url: LedgerOpt = None,
) -> None:
    """Blind human evaluation: generate answers to sampled test prompts with two models (an adapter against
    its base model, or --model NAME:VERSION against production), scan and mask them, and store them as blind
    pairs that evaluators rate on /ui/evaluations. --report ID gives the preference rate, its CI and the
    reviewers' agreement (--record puts it in the ledger and on the model version)."""
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.service import evaluations
    from gdprep.training.humaneval_store import EvaluationStore

    def go() -> None:
        ledger = Ledger(ledger_url)
        if list_all:
            for e in EvaluationStore(ledger).recent():
                out.print(escape(f"{e['id']}  {e['created_at']}  {e['n_items']:4d} items  {e['candidate']['label']} "
                                 f"vs {e['baseline']['label']}"))
            return
        if report is not None:
            built = evaluations.report(ledger, report, record=record, policy=load_policy(policy) if policy else None,
                                       via="cli")
            if as_json:
                out.print_json(json.dumps(built))
            else:
                _print_report(built)
                if record:
                    rec = built["recorded"]
                    err.print(escape(f"report {rec['report_sha256'][:16]}... recorded in the ledger"
                                     + (f" and on {', '.join(rec['registry_versions'])}"
                                        if rec["registry_versions"] else "")))
            return
        made = evaluations.create_evaluation(ledger, load_policy(policy), run_id=run, adapter_dir=adapter,
                                             model_ref=model, n=sample, seed=seed, device=device,
                                             max_new_tokens=max_new_tokens, command=_command_line())
        sig = made["regurgitation"]
        err.print(escape(f"evaluation {made['id']}: {made['n_items']} blind pairs ({made['candidate']['label']} "
                         f"vs {made['baseline']['label']}); {sig['candidate']['answers_with_findings']} candidate and "
                         f"{sig['baseline']['answers_with_findings']} baseline answer(s) had personal-data findings, "
                         "masked"))
        err.print(f"rate them on /ui/evaluations/{made['id']} (evaluator or compliance_officer keys); report with "
                  f"`gdprep review-outputs --report {made['id']}`")
        out.print(made["id"])

    _run(go)


@feedback_app.command("export")
def export(
    evaluation: Annotated[str, typer.Option("--evaluation", help="The evaluation id.")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="Preference pairs (JSONL) to write.")],
    ledger_url: LedgerOpt = None,
) -> None:
    """The reviewers' preferences and corrected answers as preference pairs {id, prompt, chosen, rejected,
    meta}: a new dataset version in the ledger, traced to the evaluation. Then: gdprep redact -> gdprep curate
    -> gdprep train with `method: dpo`."""
    from gdprep.audit.ledger import Ledger
    from gdprep.service import evaluations

    def go() -> None:
        done = evaluations.export_feedback(Ledger(ledger_url), evaluation, out_file, command=_command_line())
        skipped = ", ".join(f"{k} {v}" for k, v in done["counts"].items() if k.startswith("skipped"))
        err.print(escape(f"{done['pairs']} preference pairs written to {out_file} (sha256 {done['sha256'][:16]}...)"
                         + (f"; {skipped}" if skipped else "") + f"; feedback run {done['run']}"))
        err.print(escape(f"next: gdprep redact -i {out_file} -o feedback.redacted.jsonl -r feedback.report.json"))

    _run(go)
