"""The recorded stages: each opens its run in the audit ledger, calls its stage package, and closes the run.
The CLI, the job workers and the review pages all call these, so a stage is wired up in one place only."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gdprep.audit.ledger import Ledger
from gdprep.errors import GdprepError
from gdprep.policies import Policy
from gdprep.records import TextFieldSpec

if TYPE_CHECKING:
    from gdprep.curation.config import CurationConfig
    from gdprep.privacy.pipeline import RunSummary
    from gdprep.training.config import TrainConfig
    from gdprep.training.humaneval import EvaluationPlan
    from gdprep.training.manifest import AdapterManifest
    from gdprep.training.probes import ProbeSettings
    from gdprep.training.registry import Registered

#: called with the ledger run's id as soon as the run is open (a job stores it before the stage works)
RunStarted = Callable[[str], None]


def redact(ledger: Ledger, input_path: Path, output_path: Path, report_path: Path, policy: Policy, *,
           command: str, report_command: str = "gdprep redact", config: Mapping[str, Any] | None = None,
           started: RunStarted | None = None, **options: Any) -> RunSummary:
    """A `privacy` run in the ledger around `run_redact` (`options` go to it as they are). `command` is the
    command line the ledger records, `report_command` the one the report names."""
    from gdprep.audit.lineage import ledger_run
    from gdprep.privacy.pipeline import run_redact

    with ledger_run(ledger, "privacy", command=command, config=config,
                    policy_hash=policy.canonical_hash()) as rec:
        if started is not None:
            started(rec.run_id)
        return run_redact(input_path, output_path, report_path, policy, lineage=rec, command=report_command,
                          **options)


def curate(ledger: Ledger, input_path: Path, output_dir: Path, cfg: CurationConfig, policy: Policy, *,
           command: str, config: Mapping[str, Any] | None = None, started: RunStarted | None = None,
           **options: Any) -> dict[str, Any]:
    """A `curation` run in the ledger around `run_curate`; the run's config is the curation config unless
    `config` says more."""
    from gdprep.audit.lineage import ledger_run
    from gdprep.curation.run import run_curate

    with ledger_run(ledger, "curation", command=command,
                    config=cfg.model_dump(mode="json") if config is None else config,
                    policy_hash=policy.canonical_hash()) as rec:
        if started is not None:
            started(rec.run_id)
        return run_curate(input_path, output_dir, cfg, languages=policy.languages, policy_name=policy.name,
                          lineage=rec, allowed_regions=policy.residency.allowed_regions, **options)


def deanonymise(ledger: Ledger, input_path: Path, output_path: Path, policy: Policy, *, reason: str,
                command: str, key_file: Path | None = None, fmt: str | None = None) -> tuple[int, int]:
    """`run_deanonymize`, then its key event in the ledger (who, why, how much); (records, tokens restored)."""
    from gdprep.audit.ledger import actor
    from gdprep.errors import UsageError
    from gdprep.privacy.restore import run_deanonymize
    from gdprep.records import file_sha256

    if not reason.strip():
        raise UsageError("--reason must say why re-identification is needed")
    n_records, n_tokens = run_deanonymize(input_path, output_path, policy, reason=reason, key_file=key_file,
                                          fmt=fmt)
    ledger.append("key_event", {"event": "deanonymise", "actor": actor(), "reason": reason, "records": n_records,
                                "tokens": n_tokens, "input_sha256": file_sha256(input_path), "command": command})
    ledger.checkpoint()
    return n_records, n_tokens


def train(ledger: Ledger, config: TrainConfig, policy: Policy | None = None, *,
          register: bool = True, callbacks: Sequence[Any] = ()) -> AdapterManifest:
    """The gate (`prepare_training`; it refuses before any run opens), then a `training` run in the ledger
    around `train_in_run`, then the adapter registered as a new version of the config's registered model
    (`register_adapter`). `policy` defaults to the config's."""
    from gdprep.audit.lineage import ledger_run
    from gdprep.training.train import prepare_training, train_in_run

    job = prepare_training(config, ledger, policy)
    with ledger_run(ledger, "training", command="gdprep train", config=job.run_config,
                    policy_hash=job.policy.canonical_hash()) as rec:
        manifest = train_in_run(job, rec, callbacks)
    if register:
        register_adapter(ledger, manifest.ledger_run or "", job.policy, name=config.registered_model,
                         after_training=True)
    return manifest


def register_adapter(ledger: Ledger, training_run: str, policy: Policy, *, name: str | None = None,
                     after_training: bool = False) -> Registered:
    """Log a finished training run to MLflow and register its adapter (see `gdprep.training.registry`);
    `name` defaults to the config's registered model, else the output directory's name."""
    from gdprep.training.registry import RegistryError, default_model_name, opened, training_facts
    from gdprep.training.release import find_adapter

    found = find_adapter(ledger, run_id=training_run)
    try:
        with opened(ledger, policy.residency.allowed_regions) as registry:
            facts = training_facts(ledger, training_run, found.adapter_dir)
            return registry.register(facts, name or default_model_name(facts.config))
    except RegistryError as exc:
        if not after_training:
            raise
        raise RegistryError(f"training run {training_run} finished and its adapter is in {found.adapter_dir}, but "
                            f"registering it failed: {exc}. Register it with `gdprep models register --run "
                            f"{training_run}`") from exc


def _attach(ledger: Ledger, policy: Policy | str | None, training_run: str | None, kind: str, tags: Mapping[str, Any],
            metrics: Mapping[str, Any], artifact: Path | None) -> dict[str, Any]:
    """Put a probe or evaluation result on the registered versions of the adapter; the ledger already holds
    it, so a registry that cannot be reached is reported, not fatal."""
    from gdprep.policies import load_policy
    from gdprep.training.registry import opened

    if not training_run:
        return {"versions": []}
    numbers = {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    try:
        rules = policy if isinstance(policy, Policy) else load_policy(policy)
        with opened(ledger, rules.residency.allowed_regions) as registry:
            return {"versions": registry.attach(training_run, kind=kind, tags={k: str(v) for k, v in tags.items()},
                                                metrics=numbers, artifact=artifact)}
    except GdprepError as exc:
        return {"versions": [], "error": str(exc)}


def probe(ledger: Ledger, policy: Policy | None, *, settings: ProbeSettings, command: str,
          run_id: str | None = None, adapter_dir: Path | None = None, out_dir: Path | None = None,
          device: str = "auto", key_file: Path | None = None) -> dict[str, Any]:
    """Memorisation probes and the release decision, as a `probes` run in the ledger. The adapter, the policy
    (default: the training run's) and the splits are checked by `prepare_probe` before the run opens."""
    from gdprep.audit.lineage import ledger_run
    from gdprep.training.release import prepare_probe, probe_in_run

    job = prepare_probe(ledger, policy, run_id=run_id, adapter_dir=adapter_dir, out_dir=out_dir,
                        settings=settings)
    with ledger_run(ledger, "probes", command=command, config=job.run_config,
                    policy_hash=job.policy.canonical_hash()) as rec:
        report = probe_in_run(job, rec, device=device, key_file=key_file)
    decision, results = report["decision"], report["results"]
    mia = (results.get("membership_inference") or {}).get("signals", {})
    metrics: dict[str, Any] = {
        "max_canary_exposure": max((c["exposure"] for c in results["canaries"]), default=None),
        "regurgitated": len(results["regurgitation"]["hits"]),
        **{f"mia_auc.{signal}": stats["auc"] for signal, stats in mia.items()}}
    report["registry"] = _attach(ledger, job.policy, report.get("training_run"), "probe",
                                 {"release": decision["release"], "run": report["probe_run"]}, metrics,
                                 job.out_dir / "probe_report.json")
    return report


def evaluate(ledger: Ledger, *, command: str, run_id: str | None = None, adapter_dir: Path | None = None,
             out_dir: Path | None = None, device: str = "auto", max_new_tokens: int = 64) -> dict[str, Any]:
    """Task metrics of a trained adapter and its base model, as an `evaluation` run in the ledger (the
    adapter and its test split are found by `prepare_evaluation` before the run opens)."""
    from gdprep.audit.lineage import ledger_run
    from gdprep.training.release import evaluate_in_run, prepare_evaluation

    job = prepare_evaluation(ledger, run_id=run_id, adapter_dir=adapter_dir)
    with ledger_run(ledger, "evaluation", command=command, config=job.run_config) as rec:
        result = evaluate_in_run(job, rec, out_dir=out_dir, device=device, max_new_tokens=max_new_tokens)
    metrics = {f"adapter.{k}": v for k, v in result["adapter"]["metrics"].items()}
    metrics.update({f"base.{k}": v for k, v in result["base"]["metrics"].items()})
    preference = result.get("preference") or {}  # a DPO adapter: reward accuracy, margins, automated win rate
    metrics.update({f"dpo.{k}": v for k, v in (preference.get("rewards") or {}).items()})
    metrics.update({f"dpo.win_rate.{k}": v for k, v in (preference.get("win_rate") or {}).items()})
    result["registry"] = _attach(ledger, job.found.manifest.config.get("policy"), job.found.training_run, "evaluation",
                                 {"task": result["adapter"]["task"], "run": rec.run_id}, metrics, None)
    return result


def erasure_impact(ledger: Ledger, subject: str, *, requested: datetime.date | None = None) -> dict[str, Any]:
    """`gdprep erase --dry-run`: the subject's records, runs, dataset versions and adapters, and the deadline."""
    from gdprep.audit.erase import erasure_impact as impact_of
    from gdprep.privacy.erasure import subject_forms

    return impact_of(ledger, subject_forms(subject), requested=requested)


def erase_subject(ledger: Ledger, subject: str, datasets: list[Path], out_dir: Path, *, fields: TextFieldSpec,
                  key_file: Path | None = None, vault_path: Path | None = None,
                  requested: datetime.date | None = None) -> dict[str, Any]:
    """Write new versions of `datasets` without the subject's records, remove the subject's identifiers
    from the pseudonym vault, and record the erasure in the ledger. Returns the impact report."""
    from gdprep.audit.erase import erasure_impact as impact_of
    from gdprep.audit.erase import record_erasure, rewrite_without
    from gdprep.privacy.erasure import forget_subject, subject_forms

    forms = subject_forms(subject)
    report = impact_of(ledger, forms, requested=requested)
    written = rewrite_without(ledger, report, datasets, out_dir, fields=fields)
    vault_keys = {key for r in report["records"] for key in r.get("vault_keys", ())}
    shredded = forget_subject(forms, vault_keys, key_file=key_file, vault_path=vault_path)
    record_erasure(ledger, report, written, shredded)
    report["written"] = written
    report["vault_entries_removed"] = shredded
    return report


def human_evaluation(ledger: Ledger, plan: EvaluationPlan, policy: Policy, *, command: str, device: str = "auto",
                     max_new_tokens: int = 64) -> dict[str, Any]:
    """A `human_evaluation` run around `evaluation_in_run`: both models answer the sampled test prompts, the
    answers are scanned and masked and stored as blind pairs; returns the stored evaluation."""
    from gdprep.audit.lineage import ledger_run
    from gdprep.training.humaneval import STAGE, evaluation_in_run

    with ledger_run(ledger, STAGE, command=command, config=plan.run_config,
                    policy_hash=policy.canonical_hash()) as rec:
        return evaluation_in_run(plan, rec, policy, device=device, max_new_tokens=max_new_tokens)


def feedback_export(ledger: Ledger, evaluation_id: str, out: Path, *, command: str) -> dict[str, Any]:
    """A `feedback` run around `export_in_run`: the evaluation's ratings as preference pairs (a new dataset
    version), each traced to the evaluation and the reviewers' decisions."""
    from gdprep.audit.lineage import ledger_run
    from gdprep.training.feedback import export_in_run
    from gdprep.training.humaneval_store import EvaluationStore

    evaluation = EvaluationStore(ledger).get(evaluation_id)
    with ledger_run(ledger, "feedback", command=command, config={"evaluation": evaluation_id, "output": str(out)},
                    policy_hash=evaluation.get("policy_hash")) as rec:
        return export_in_run(rec, evaluation, out)


def export_adapter(ledger: Ledger, ref: str, out_dir: Path, *, command: str, force: bool = False,
                   reason: str | None = None, overwrite: bool = False,
                   policy: Policy | None = None) -> dict[str, Any]:
    """`gdprep export-adapter`: the checks (`prepare_export`; a refused export opens no run and writes nothing),
    then an `export` run in the ledger around `export_in_run`, which records the hand-off (forced or not, with the
    reason); returns gdprep-export.json's content."""
    from gdprep.audit.lineage import ledger_run
    from gdprep.training.export import STAGE, export_in_run, prepare_export

    job = prepare_export(ledger, ref, out_dir, force=force, reason=reason, overwrite=overwrite, policy=policy)
    with ledger_run(ledger, STAGE, command=command, config=job.run_config,
                    policy_hash=job.policy.canonical_hash()) as rec:
        return export_in_run(job, rec)


if TYPE_CHECKING:
    from gdprep.training.synth import SynthSettings, TextGenerator


def synthesise(ledger: Ledger, settings: SynthSettings, policy: Policy, cfg: CurationConfig, *, command: str,
               generator: TextGenerator | None = None) -> dict[str, Any]:
    """`gdprep synth`: the checks (`prepare_synthesis`: region, model, source, label; it refuses before any run
    opens), then a `synthesis` run in the ledger around `synthesise_in_run`. `generator` stands in for the
    model (tests of the filters)."""
    from gdprep.audit.lineage import ledger_run
    from gdprep.training.synth import prepare_synthesis, synthesise_in_run

    job = prepare_synthesis(settings, policy, cfg)
    with ledger_run(ledger, "synthesis", command=command, config=job.run_config,
                    policy_hash=policy.canonical_hash()) as rec:
        report = synthesise_in_run(job, rec, generator, command=command)
    report["synthesis_run"] = rec.run_id
    return report
