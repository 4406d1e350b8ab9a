"""The training, probe and evaluate stages of a service job, run by the same workers as privacy and curation and
through the same recorded stages as the CLI (`service/stages.py`), gate included.

The adapter goes to `<service root>/adapters/<job id>/`, not into the job's directory: the ledger, `gdprep probe
--run` and the model registry find it by the training run's `output_dir` after the job is published. The splits
it was trained on are linked there too, for the probes and evaluations that read them later. Copies of the
manifest and the reports become the job's artifacts."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdprep.audit.ledger import Ledger
from gdprep.errors import UsageError
from gdprep.service.job import Job
from gdprep.service.settings import ServiceSettings
from gdprep.service.training_configs import JobTrainingConfig, read_job_config, resolve_base_model

_SPLIT_SUFFIXES = (".jsonl", ".parquet")
_MAX_CURVE_POINTS = 500


@dataclass
class StageContext:
    """What a model stage of one job works with: the job, where its published outputs are staged (`work`), the
    adapter directory, the ledger, the run ids and artifacts found so far, and the progress hooks."""

    job: Job
    settings: ServiceSettings
    work: Path
    ledger: Ledger
    runs: dict[str, str]
    produced: list[str]
    set_progress: Callable[[str, int, int | None], None]   # stage, done, total
    cancelled: threading.Event | None = None               # set when the job's cancellation was asked for

    @property
    def adapter_home(self) -> Path:
        return adapter_home(self.settings, self.job.id)

    @property
    def command(self) -> str:
        return f"gdprep serve: job {self.job.id}"


def adapter_home(settings: ServiceSettings, job_id: str) -> Path:
    return settings.adapters_dir / job_id


def discard_adapter(settings: ServiceSettings, job_id: str) -> None:
    """After a failed, cancelled or interrupted job: remove what it wrote under the adapters directory, unless
    its training finished (a manifest is there), because the ledger and the registry then point at it."""
    home = adapter_home(settings, job_id)
    if (home / "manifest.json").is_file():
        shutil.rmtree(home / "checkpoints", ignore_errors=True)
    else:
        shutil.rmtree(home, ignore_errors=True)


def job_config(job: Job) -> JobTrainingConfig | None:
    """The job's training config as stored at submission; its SHA-256 must still be the one recorded."""
    stored = job.options.get("training_config")
    if not stored:
        return None
    config = read_job_config(Path(stored["path"]), source=stored["source"], name=stored["name"],
                             shown=repr(stored["name"]), allow_schema=stored["source"] == "named")
    if config.sha256 != stored["sha256"]:
        raise UsageError("the job's stored training config changed on the server since the job was submitted; "
                         "submit the job again")
    return config


# -- training ------------------------------------------------------------------------------------------------
def training_stage(ctx: StageContext, input_path: Path) -> tuple[Path, dict[str, Any]]:
    """Train on the curated splits (`input_path`: the curation stage's directory, or a curated train split given
    as the job's input), register the adapter, and summarise the run."""
    from gdprep.audit.models import registry_entries, versions_of_training_run
    from gdprep.service import stages

    spec = job_config(ctx.job)
    if spec is None:
        raise UsageError("the job has no training config")
    spec = resolve_base_model(spec, ctx.settings.model_roots)
    home = ctx.adapter_home
    train, validation, test = _link_splits(_splits(input_path), home / "splits")
    fields = dict(spec.fields)
    fields.setdefault("registered_model", _model_name(spec.name))
    spec = JobTrainingConfig(fields, spec.probes, spec.evaluation, spec.source, spec.name, spec.sha256, spec.path,
                             spec.base_model)
    config = spec.train_config(train_file=train, validation_file=validation, test_file=test, output_dir=home,
                               policy=ctx.job.policy)
    try:
        manifest = stages.train(ctx.ledger, config, callbacks=[_job_callback(ctx)])
    finally:
        found = _training_run_of(ctx.ledger, home)
        if found:
            ctx.runs["training"] = found
    shutil.rmtree(home / "checkpoints", ignore_errors=True)  # a job is never resumed; the adapter is kept
    steps = int(manifest.metrics.get("steps") or 0)
    ctx.set_progress("training", steps, steps)
    _publish(ctx, home / "manifest.json", "training/manifest.json")
    versions = versions_of_training_run(registry_entries(ctx.ledger), manifest.ledger_run or "")
    metrics = manifest.metrics
    return home, {
        "training_run": manifest.ledger_run, "steps": steps, "train_loss": metrics.get("train_loss"),
        "eval_loss": metrics.get("eval_loss"), "adapter_sha256": manifest.adapter_sha256,
        "base_model": manifest.base_model.name, "device": manifest.device, "region": manifest.region,
        "registered_versions": [v.key for v in versions], "config": spec.name, "config_sha256": spec.sha256,
        "loss_history": list(manifest.loss_history or [])[-_MAX_CURVE_POINTS:]}


def _splits(input_path: Path) -> tuple[Path, Path | None, Path | None]:
    """(train, validation, test): the curation stage's split files, or the job's input (a curated train split)
    with the validation and test splits beside it, when there are."""
    if input_path.is_dir():
        def split(name: str) -> Path | None:
            return next((p for s in _SPLIT_SUFFIXES if (p := input_path / f"{name}{s}").is_file()), None)

        train = split("train")
        if train is None:
            raise UsageError("curation wrote no JSONL or Parquet train split; training reads only those (set "
                             "`output.format: jsonl` in the curation config)")
        return train, split("validation"), split("test")
    beside = [input_path.with_name(f"{name}{input_path.suffix}") for name in ("validation", "test")]
    return input_path, *(p if p.is_file() and p != input_path else None for p in beside)  # type: ignore[return-value]


def _link_splits(splits: tuple[Path, Path | None, Path | None],
                 into: Path) -> tuple[Path, Path | None, Path | None]:
    """The splits under the adapter's directory (hard links where the file system allows, else copies): the
    job's own directory is renamed when it is published, and the probes read the splits after that."""
    into.mkdir(mode=0o700, parents=True, exist_ok=True)
    out: list[Path | None] = []
    for role, source in zip(("train", "validation", "test"), splits, strict=True):
        if source is None:
            out.append(None)
            continue
        dest = into / f"{role}{source.suffix}"
        dest.unlink(missing_ok=True)
        try:
            os.link(source, dest)
        except OSError:
            shutil.copyfile(source, dest)
        out.append(dest)
    return out[0] or splits[0], out[1], out[2]


def _model_name(config_name: str) -> str:
    """The registered model of a config that names none: the config's name (an uploaded file's stem)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(config_name).stem).strip("-._")
    return cleaned[:128] or "adapter"


def _training_run_of(ledger: Ledger, output_dir: Path) -> str | None:
    """The training run the ledger records for `output_dir` (also a failed one, which has no manifest)."""
    found = None
    for entry in ledger.iter_entries():
        if entry.kind == "run_started" and entry.payload.get("stage") == "training" \
                and (entry.payload.get("config") or {}).get("output_dir") == str(output_dir):
            found = entry.run_id
    return found


def _job_callback(ctx: StageContext) -> Any:
    """A Trainer callback: the job's progress after every optimiser step, and its cancellation honoured there
    (the training run then ends as failed in the ledger and the job as cancelled)."""
    from transformers import TrainerCallback

    from gdprep.service.job import JobCancelled

    class JobProgress(TrainerCallback):  # type: ignore[misc]
        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
            ctx.set_progress("training", int(state.global_step), int(state.max_steps) or None)
            if ctx.cancelled is not None and ctx.cancelled.is_set():
                raise JobCancelled()

    return JobProgress()


# -- probe and evaluate ----------------------------------------------------------------------------------------
def _trained_run(ctx: StageContext) -> str:
    run = ctx.runs.get("training") or ctx.job.options.get("training_run")
    if not run:
        raise UsageError("no training run to read: the job neither trained nor named `training_run`")
    return str(run)


def probe_stage(ctx: StageContext) -> dict[str, Any]:
    """Memorisation probes and the release decision under the training run's policy."""
    from gdprep.service import stages
    from gdprep.training.probes import ProbeSettings

    spec = job_config(ctx.job)
    run = _trained_run(ctx)
    out_dir = ctx.adapter_home / "probes"
    report = stages.probe(ctx.ledger, None, settings=spec.probes if spec else ProbeSettings(), command=ctx.command,
                          run_id=run, out_dir=out_dir)
    ctx.runs["probe"] = report["probe_run"]
    for name in ("probe_report.json", "probe_report.html"):
        _publish(ctx, out_dir / name, f"probes/{name}")
    decision = report["decision"]
    return {"probe_run": report["probe_run"], "training_run": run, "release": decision["release"],
            "released": bool(decision.get("released", decision["release"] == "pass")),
            "needed_test_records": decision.get("needed_test_records"),
            "reasons": list(decision["reasons"]), "checks": decision.get("checks", {}),
            "registry": report.get("registry", {})}


def evaluate_stage(ctx: StageContext) -> dict[str, Any]:
    """Task metrics of the adapter and its base model on the test split."""
    from gdprep.service import stages

    spec = job_config(ctx.job)
    run = _trained_run(ctx)
    out_dir = ctx.adapter_home
    result = stages.evaluate(ctx.ledger, command=ctx.command, run_id=run, out_dir=out_dir,
                             max_new_tokens=spec.evaluation.max_new_tokens if spec else 64)
    ctx.runs["evaluate"] = result["evaluation_run"]
    _publish(ctx, out_dir / "evaluation.json", "evaluation/evaluation.json")
    return {"evaluation_run": result["evaluation_run"], "training_run": run, "task": result["adapter"]["task"],
            "n": result["adapter"].get("n"), "adapter": result["adapter"]["metrics"],
            "base": result["base"]["metrics"], "delta": result.get("delta", {}),
            "registry": result.get("registry", {})}


def _publish(ctx: StageContext, source: Path, name: str) -> None:
    """A copy of `source` among the job's artifacts as `name`."""
    dest = ctx.work / name
    dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    ctx.produced.append(name)
