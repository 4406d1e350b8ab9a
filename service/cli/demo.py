"""`gdprep demo`: the whole chain on the bundled sample data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from gdprep.service.cli.common import (
    PolicyOpt,
    WorkersOpt,
    _count_records,
    _progress,
    _run,
    _summary_line,
    _workers,
    err,
    out,
)
from gdprep.service.cli.curation import _print_curation
from gdprep.service.cli.training import _print_probe


def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the demo outputs.")] = Path("demo-out"),
    policy: PolicyOpt = None,
    workers: WorkersOpt = 0,
    skip_training: Annotated[bool, typer.Option("--skip-training", help="Stop after curation.")] = False,
    skip_preference: Annotated[bool, typer.Option("--skip-preference", help="Leave out the preference-data leg "
                                                  "(DPO).")] = False,
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
        sft_run = None
        if not skip_training:
            sft_run = _demo_training(ledger, pol, out_dir)
            if not skip_preference:
                _demo_preference(ledger, pol, sample_path, out_dir, sft_run)
        # the demo ends as an auditor would: verify the ledger and write an export bundle
        from gdprep.audit.export import export_bundle

        result = ledger.verify()
        out.print(result.summary())
        bundle = export_bundle(ledger, out_dir / "audit-bundle", fmt="csv")
        out.print(f"  audit bundle: {bundle}")

    _run(go)



def _demo_training(ledger: Any, pol: Any, out_dir: Path) -> str | None:
    """Train the smoke model on the curated split through the gate, then probe it."""
    from gdprep.examples.generate import generic_corpus
    from gdprep.service import stages
    from gdprep.training.config import TrainConfig
    from gdprep.training.probes import ProbeSettings
    from gdprep.training.smoke import build_smoke_model

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
        "canaries": {"enabled": True, "repetitions": [1, 4, 16]}, "registered_model": "demo-support-bot",
    })
    manifest = stages.train(ledger, config, pol)
    metrics = manifest.metrics
    out.print(f"train: {int(metrics['steps'])} steps on {manifest.device}, train loss "
              f"{metrics['train_loss']:.3f}, eval loss {metrics.get('eval_loss', float('nan')):.3f}; "
              f"adapter {training_dir / 'adapter'} (run {manifest.ledger_run})")
    from gdprep.audit.models import registry_entries, versions_of_training_run

    for version in versions_of_training_run(registry_entries(ledger), manifest.ledger_run or ""):
        out.print(f"registry: {version.key} in MLflow (`gdprep models show {version.name}`)")
    report = stages.probe(ledger, pol, run_id=manifest.ledger_run, settings=ProbeSettings(bootstrap=500),
                          command="gdprep demo")
    _print_probe(report)
    _demo_export(ledger, pol, out_dir, manifest.ledger_run or "")
    return manifest.ledger_run


def _demo_export(ledger: Any, pol: Any, out_dir: Path, run_id: str) -> None:
    """Hand the adapter to serving as `gdprep export-adapter` would, when the release gate let it go; a
    refusal is shown as the command gives it (the demo never forces an export)."""
    from gdprep.service import stages
    from gdprep.training.export import ExportRefused

    try:
        exported = stages.export_adapter(ledger, run_id, out_dir / "serving", command="gdprep demo",
                                         overwrite=True, policy=pol)
    except ExportRefused as exc:
        out.print(f"export-adapter: refused ({exc})")
        return
    out.print(f"export-adapter: {out_dir / 'serving'} (PEFT adapter, base model hashes, release decision, "
              f"README with the vLLM and TGI flags; adapter {exported['adapter']['sha256'][:16]}...)")


#: the worse answer of every demo preference pair: polite, generic and of no help
UNHELPFUL = ("Thank you for your message. I am not able to answer this question here; please contact the "
             "relevant department, which will get back to you in due course.")


def preference_pairs(sample: Path) -> list[dict[str, Any]]:
    """Preference pairs from the sample's prompt/completion and chat records: the record's own answer is
    chosen, a generic non-answer rejected (personal data in the prompts is left for the privacy stage)."""
    import json

    pairs = []
    for line in sample.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "prompt" in row:
            prompt, answer = row["prompt"], row["completion"]
        elif "messages" in row and row["messages"] and row["messages"][-1].get("role") == "assistant":
            prompt, answer = row["messages"][:-1], row["messages"][-1]["content"]
        else:
            continue
        pairs.append({"id": f"pref-{row['id']}", "label": row["label"], "prompt": prompt,
                      "chosen": [{"role": "assistant", "content": answer}],
                      "rejected": [{"role": "assistant", "content": UNHELPFUL}]})
    return pairs


def _demo_preference(ledger: Any, pol: Any, sample: Path, out_dir: Path, sft_run: str | None) -> None:
    """The preference-data leg: pairs made from the sample, redacted (all three fields) and curated (pairs
    grouped by prompt), then DPO from the SFT adapter, and the reward figures on the test pairs."""
    import json

    from gdprep.curation.config import load_curation_config
    from gdprep.service import stages
    from gdprep.training.config import TrainConfig

    work = out_dir / "preference"
    work.mkdir(parents=True, exist_ok=True)
    pairs = work / "pairs.jsonl"
    pairs.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preference_pairs(sample)),
                     encoding="utf-8")
    red = stages.redact(ledger, pairs, work / "redacted.jsonl", work / "report.json", pol,
                        command="gdprep demo", report_command="gdprep demo")
    by_field = json.loads((work / "report.json").read_text(encoding="utf-8"))["findings"].get("by_top_level_field", {})
    out.print(f"preference pairs: {red.n_in} from the sample; findings per field {by_field}")
    cfg = load_curation_config(None, {"fields.label_field": "label"})
    report = stages.curate(ledger, work / "redacted.jsonl", work / "curated", cfg, pol, command="gdprep demo")
    pref = report.get("preference", {})
    out.print(f"curation: {pref.get('pairs_per_split', report.get('counts', {}))}, prompts in several splits: "
              f"{pref.get('prompts_in_several_splits', 0)}")
    curated = work / "curated"
    config = TrainConfig.model_validate({
        "base_model": str(out_dir / "smoke-model"), "train_file": str(curated / "train.jsonl"),
        "validation_file": str(curated / "validation.jsonl"), "test_file": str(curated / "test.jsonl"),
        "output_dir": str(work / "training"), "region": os.environ.get("GDPREP_REGION") or "GB",
        "learning_rate": 1e-3, "epochs": 2, "batch_size": 8, "max_length": 256, "eval_steps": 10, "seed": 7,
        "canaries": {"enabled": False}, "registered_model": "demo-support-bot-dpo", "method": "dpo",
        "dpo": {"beta": 0.1, **({"init_adapter": sft_run} if sft_run else {})},
    })
    manifest = stages.train(ledger, config, pol)
    metrics = manifest.metrics
    out.print(f"dpo: {int(metrics['steps'])} steps from {'the SFT adapter' if sft_run else 'the base model'}; "
              f"reward accuracy {metrics.get('train_reward_accuracy')} on training batches, "
              f"{metrics.get('eval_reward_accuracy')} on validation pairs")
    result = stages.evaluate(ledger, command="gdprep demo", run_id=manifest.ledger_run, max_new_tokens=32)
    rewards = (result.get("preference") or {}).get("rewards", {})
    win = (result.get("preference") or {}).get("win_rate", {})
    def shown(value: Any) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    out.print(f"dpo on {rewards.get('n')} test pairs: reward accuracy {shown(rewards.get('reward_accuracy'))}, mean "
              f"margin {shown(rewards.get('reward_margin_mean'))}; automated win rate {shown(win.get('win_rate'))} "
              "(lexical; the blind human evaluation is `gdprep review-outputs`)")
