"""`gdprep train`, `probe` and `evaluate` (the adapter's task metrics)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from gdprep.errors import UsageError
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

#: `gdprep probe` exit codes besides 0 (released): a check failed; inconclusive and not released by the policy
EXIT_RELEASE_FAILED = 3
EXIT_INCONCLUSIVE = 4


def train(
    config: Annotated[Path, typer.Option("--config", "-c", help="Training config YAML; every field is described "
                                         "in docs/training.md, and examples/train.yaml is one to start from.")],
    print_preset: Annotated[str | None, typer.Option(
        "--print-preset", metavar="NAME", is_eager=True, callback=lambda name: _print_preset(name),
        help="Print a base model's preset as YAML to paste into a config (`list`: the presets) and exit; needs "
             "no --config.")] = None,
    policy: PolicyOpt = None,
    ledger_url: LedgerOpt = None,
) -> None:
    """LoRA fine-tuning of a local model, only on data the audit ledger shows was redacted and curated,
    only in a region the policy's residency allows. Writes the adapter and manifest.json; the run goes to the ledger.
    Documentation: docs/training.md."""
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.service import stages
    from gdprep.training.config import load_train_config

    def go() -> None:
        cfg = load_train_config(config)
        manifest = stages.train(Ledger(ledger_url), cfg, load_policy(policy or cfg.policy))
        metrics = manifest.metrics
        err.print(f"train: {int(metrics['steps'])} steps, train loss {metrics['train_loss']:.4f}"
                  + (f", eval loss {metrics['eval_loss']:.4f}" if "eval_loss" in metrics else "")
                  + f"; adapter {manifest.adapter_sha256[:16]}... on {manifest.device}")
        if manifest.method == "dpo" and manifest.dpo:
            _print_dpo_training(manifest.metrics, manifest.dpo)
        from gdprep.audit.models import registry_entries, versions_of_training_run

        for version in versions_of_training_run(registry_entries(Ledger(ledger_url)), manifest.ledger_run or ""):
            err.print(f"registered {escape(version.key)} (MLflow run {version.mlflow_run_id})")
        err.print(f"training run {manifest.ledger_run}: probe it with `gdprep probe --run {manifest.ledger_run}`")

    _run(go)


def _print_preset(name: str | None) -> None:
    """`--print-preset`, handled before the other options (so no --config is needed): a preset as YAML on
    stdout, or with `list` a line for each, then exit."""
    if name is not None:
        _run(lambda: _show_preset(name))
        raise typer.Exit()


def _show_preset(name: str) -> None:
    from gdprep.training.presets import get_preset, preset_names, preset_yaml

    if name == "list":
        for known in preset_names():
            preset = get_preset(known)
            out.print(escape(f"{known}: {preset.model} ({preset.architecture}, {preset.parameters}); {preset.guide}"),
                      soft_wrap=True)
        return
    try:
        preset = get_preset(name)
    except ValueError as exc:
        raise UsageError(f"--print-preset: {exc}, or `list`") from None
    out.print(preset_yaml(preset), markup=False, highlight=False, soft_wrap=True, end="")


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
    probe_report.json and .html; the decision goes to the ledger. Exit code 0 when the model may be released
    (pass, or inconclusive under `release_gate.release_if_inconclusive`), 3 when a check fails, 4 when the
    verdict is inconclusive (the test split is too small for the probes to find a leak)."""
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
        decision = report["decision"]
        if decision["release"] == "fail":
            raise typer.Exit(EXIT_RELEASE_FAILED)
        if not decision.get("released", decision["release"] == "pass"):
            raise typer.Exit(EXIT_INCONCLUSIVE)

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
    style = {"pass": "bold green", "inconclusive": "bold yellow"}.get(decision["release"], "bold red")
    released = decision.get("released", decision["release"] == "pass")
    verdict = f"release: {decision['release']}" + (" (released under the policy)"
                                                   if released and decision["release"] != "pass" else "")
    out.print(f"[{style}]{escape(verdict)}[/{style}]")
    if decision.get("needed_test_records"):
        out.print(f"  about {decision['needed_test_records']:,} test records would make the probes informative "
                  f"(this split has {report['dataset']['test_records']:,})")
    for reason in decision["reasons"]:
        out.print(f"  - {escape(reason)}")
    where = out_dir or Path(report["adapter"]["path"]).parent / "probes"
    out.print(escape(f"report: {where / 'probe_report.html'} (probe run {report['probe_run']})"))
    _print_registry(report.get("registry"))


def _print_registry(registry: dict[str, Any] | None) -> None:
    """Which registered versions the result was attached to, or why it could not be."""
    if not registry:
        return
    if registry.get("error"):
        err.print(f"[yellow]not attached to the model registry: {escape(registry['error'])}[/yellow]")
    elif registry.get("versions"):
        out.print(escape(f"attached to {', '.join(registry['versions'])} in the model registry"))


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
    from gdprep.service import stages

    def go() -> None:
        result = stages.evaluate(Ledger(ledger_url), run_id=run, adapter_dir=adapter, out_dir=out_dir, device=device,
                                 max_new_tokens=max_new_tokens, command=_command_line())
        from rich.table import Table

        scored = result["adapter"].get("scored_field", "completion")
        table = Table(title=f"task: {result['adapter']['task']} (n={result['adapter']['n']}; scored against the "
                            f"{scored!r} field)")
        for col in ("metric", "adapter", "base model", "delta"):
            table.add_column(col)
        for name, value in result["adapter"]["metrics"].items():
            if name != "n":
                table.add_row(name, f"{value:.4f}", f"{result['base']['metrics'][name]:.4f}",
                              f"{result['delta'][name]:+.4f}")
        out.print(table)
        if "preference" in result:
            _print_preference(result["preference"])
        _print_registry(result.get("registry"))

    _run(go)


def _print_dpo_training(metrics: dict[str, Any], dpo: dict[str, Any]) -> None:
    accuracy = metrics.get("train_reward_accuracy")
    err.print(f"dpo: beta {dpo['beta']:g}, loss {dpo['loss_type']}, reference: {escape(dpo['reference_model'])}"
              + (f"; reward accuracy on the last training batches {accuracy:.3f}" if accuracy is not None else ""))
    if dpo.get("advice"):
        err.print(f"[yellow]{escape(dpo['advice'])}[/yellow]")


def _print_preference(preference: dict[str, Any]) -> None:
    """A DPO adapter's figures on the test pairs."""
    rewards, wins = preference["rewards"], preference["win_rate"]
    if rewards["n"]:
        out.print(f"test pairs (n={rewards['n']}, beta {rewards['beta']:g}, reference: "
                  f"{escape(preference['reference_model'])}): reward accuracy {rewards['reward_accuracy']:.3f}, "
                  f"mean reward margin {rewards['reward_margin_mean']:+.4f} "
                  f"(chosen {rewards['chosen_reward_mean']:+.4f}, "
                  f"rejected {rewards['rejected_reward_mean']:+.4f})")
    if wins["n"]:
        low, high = wins["win_rate_ci"]
        out.print(f"automated win rate against the reference model {wins['win_rate']:.3f} [{low:.3f}, {high:.3f}] "
                  f"({wins['wins']} won, {wins['ties']} tied, {wins['losses']} lost; scorer: ROUGE-L to the chosen "
                  "minus to the rejected answer, lexical, not a quality judgement)")
