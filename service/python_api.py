"""The Python front door: `from gdprep import detect, redact, curate, train, probe`. Each function takes the
arguments of its CLI command, with the same defaults, and calls the same recorded stages
(`gdprep.service.stages`), so a run started from Python is in the ledger exactly as one started from a shell.

    import gdprep

    gdprep.redact("tickets.jsonl", "redacted.jsonl", "report.json")
    result = gdprep.curate("redacted.jsonl", output_dir="curated")   # recorded: `train` accepts its splits
    result.to_datasets()                                              # a datasets.DatasetDict, every field kept
    manifest = gdprep.train("train.yaml")
    gdprep.probe(manifest.ledger_run)

Errors are `gdprep.errors.GdprepError` subclasses, as the CLI reports them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from gdprep.curation import CurationResult
    from gdprep.curation.config import CurationConfig
    from gdprep.curation.events import Decision
    from gdprep.policies import Policy
    from gdprep.privacy.pipeline import RunSummary
    from gdprep.ray_cluster import EngineSpec
    from gdprep.training.config import TrainConfig
    from gdprep.training.manifest import AdapterManifest

__all__ = ["curate", "detect", "export_adapter", "probe", "redact", "synth", "train"]

OnError = Literal["fail", "quarantine"]
Format = Literal["jsonl", "csv", "parquet"]
Engine = Literal["local", "ray"]
PathLike = str | Path


def detect(input: PathLike, output: PathLike, *, policy: str | None = None, on_error: OnError = "fail",
           quarantine: PathLike | None = None, fmt: Format | None = None, workers: int = 1,
           engine: Engine = "local", ray_address: str | None = None, ray_region: str | None = None) -> RunSummary:
    """`gdprep detect`: find personal data; writes one findings line per record (offsets and types, never
    values) to `output`. `workers` 0 means one process per core, as many as the input keeps busy."""
    from gdprep.policies import load_policy
    from gdprep.privacy.pipeline import run_detect

    return run_detect(Path(input), Path(output), load_policy(policy), on_error=on_error,
                      quarantine_path=_path(quarantine), fmt=fmt, workers=_workers(workers, input),
                      engine=_engine(engine, ray_address, ray_region, workers))


def redact(input: PathLike, output: PathLike, report: PathLike, *, policy: str | None = None,
           on_error: OnError = "fail", quarantine: PathLike | None = None, fmt: Format | None = None,
           workers: int = 1, key_file: PathLike | None = None, ledger_url: str | None = None,
           decisions: PathLike | None = None, engine: Engine = "local", ray_address: str | None = None,
           ray_region: str | None = None) -> RunSummary:
    """`gdprep redact`: redact personal data under a policy, write the report (JSON and HTML beside it), and
    record the run in the ledger."""
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.privacy.decisions import load_decisions
    from gdprep.service import stages

    config: dict[str, Any] = {"workers": workers}
    if engine == "ray":
        config.update(engine="ray", ray_address=ray_address, ray_region=ray_region)
    return stages.redact(Ledger(ledger_url), Path(input), Path(output), Path(report), load_policy(policy),
                         command=_command("redact", input), config=config,
                         engine=_engine(engine, ray_address, ray_region, workers), on_error=on_error,
                         quarantine_path=_path(quarantine), fmt=fmt, workers=_workers(workers, input),
                         key_file=_path(key_file),
                         decisions=load_decisions(Path(decisions)) if decisions is not None else None)


def curate(data: Any, config: CurationConfig | PathLike | None = None, *, policy: str | Policy | None = None,
           output_dir: PathLike | None = None, on_error: OnError = "fail", output_format: Format | None = None,
           input_format: Format | None = None, ledger_url: str | None = None,
           on_decision: Callable[[Decision], None] | None = None) -> CurationResult:
    """`gdprep curate`: dedup, quality filters, balancing and the train/validation/test split, with every
    documented default and the policy's languages, as the CLI runs it.

    `data` is a file path, or several curated as one input (real and synthetic records; the CLI's repeated
    `-i`), and then `output_dir` is required: the run is recorded in the ledger, its split files are written
    there, and `train` accepts them. Or `data` is rows in memory (a polars DataFrame, a `datasets.Dataset`
    or a list of dicts: nothing is written or recorded). `config` is a `CurationConfig` or a YAML path."""
    from gdprep.curation import CurationResult
    from gdprep.curation import curate as curate_rows
    from gdprep.curation.config import CurationConfig, load_curation_config
    from gdprep.errors import UsageError
    from gdprep.policies import Policy, load_policy

    cfg = config if isinstance(config, CurationConfig) else load_curation_config(_path(config))
    rules = policy if isinstance(policy, Policy) else load_policy(policy)
    paths = [Path(p) for p in data] if isinstance(data, list | tuple) and data and all(
        isinstance(p, str | Path) for p in data) else [Path(data)] if isinstance(data, str | Path) else []
    if not paths:
        if output_dir is not None:
            raise UsageError("curate(): output_dir is for a file; rows in memory are curated in memory")
        return curate_rows(data, cfg, languages=rules.languages, on_decision=on_decision)
    if output_dir is None:
        raise UsageError(f"curate({str(paths[0])!r}): give output_dir, where the split files go")
    from gdprep.audit.ledger import Ledger
    from gdprep.service import stages

    decisions: list[Decision] = []

    def collect(decision: Decision) -> None:
        decisions.append(decision)
        if on_decision is not None:
            on_decision(decision)

    report = stages.curate(Ledger(ledger_url), paths[0], Path(output_dir), cfg, rules,
                           command=_command("curate", paths[0]), on_error=on_error, input_format=input_format,
                           output_format=output_format, on_decision=collect, extra_inputs=paths[1:])
    rows = {split: _read_rows(Path(output_dir), split) for split in ("train", "validation", "test")}
    return CurationResult(rows, decisions, report)


def train(config: TrainConfig | PathLike, *, policy: str | None = None, ledger_url: str | None = None,
          register: bool = True) -> AdapterManifest:
    """`gdprep train`: the gate (the ledger shows the train split redacted and curated; the region is
    allowed), LoRA/QLoRA training, the adapter and manifest, the run in the ledger and the adapter registered.
    `policy` defaults to the config's."""
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.service import stages
    from gdprep.training.config import TrainConfig, load_train_config

    cfg = config if isinstance(config, TrainConfig) else load_train_config(Path(config))
    return stages.train(Ledger(ledger_url), cfg, load_policy(policy or cfg.policy), register=register)


def probe(run: str | None = None, *, adapter: PathLike | None = None, policy: str | None = None,
          out_dir: PathLike | None = None, candidates: int = 10_000, max_records: int = 1000,
          device: str = "auto", key_file: PathLike | None = None, ledger_url: str | None = None) -> dict[str, Any]:
    """`gdprep probe`: memorisation probes on a trained adapter (its training run id, or its directory) and
    the release decision under the policy's release gate; returns the probe report (`report["decision"]`)."""
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.service import stages
    from gdprep.training.probes import ProbeSettings

    settings = ProbeSettings(canary_candidates=candidates, max_records=max_records)
    return stages.probe(Ledger(ledger_url), load_policy(policy) if policy else None, run_id=run,
                        adapter_dir=_path(adapter), out_dir=_path(out_dir), settings=settings, device=device,
                        key_file=_path(key_file), command="gdprep.probe() (Python API)")


def synth(model: PathLike, source: PathLike, label: str, output: PathLike, *, n: int = 200, policy: str | None = None,
          region: str | None = None, seed: int = 0, few_shot: int = 4, max_new_tokens: int = 128,
          temperature: float = 0.9, label_field: str | None = None, config: PathLike | None = None,
          against: Sequence[PathLike] | None = None, device: str = "auto",
          ledger_url: str | None = None) -> dict[str, Any]:
    """`gdprep synth`: `n` few-shot generations of `label` from the local model, each through the privacy stage,
    the near-copy check against the real records (a memorisation signal), exact dedup and the quality filters;
    kept records marked `meta.synthetic` in `output`. Returns the synth report (counts, drops by reason,
    memorisation matches)."""
    from gdprep.audit.ledger import Ledger
    from gdprep.curation.config import load_curation_config
    from gdprep.policies import load_policy
    from gdprep.service import stages
    from gdprep.training.synth import SynthSettings

    settings = SynthSettings(model_dir=Path(model), source=Path(source), label=label, n=n, output=Path(output),
                             seed=seed, few_shot=few_shot, max_new_tokens=max_new_tokens, temperature=temperature,
                             region=region, label_field=label_field, against=tuple(Path(a) for a in against or ()),
                             device=device)
    return stages.synthesise(Ledger(ledger_url), settings, load_policy(policy), load_curation_config(_path(config)),
                             command=_command("synth", source))


def export_adapter(run: str, out_dir: PathLike, *, force: bool = False, reason: str | None = None,
                   overwrite: bool = False, ledger_url: str | None = None,
                   policy: str | None = None) -> dict[str, Any]:
    """`gdprep export-adapter`: the adapter of a training run (or `NAME:VERSION`) with what a serving team needs,
    only when its files match the ledger and its release gate let it out (`force` with a `reason` overrides the
    gate, and the ledger records it). Returns gdprep-export.json's content."""
    from gdprep.audit.ledger import Ledger
    from gdprep.policies import load_policy
    from gdprep.service import stages

    return stages.export_adapter(Ledger(ledger_url), run, Path(out_dir), force=force, reason=reason,
                                 overwrite=overwrite, policy=load_policy(policy) if policy else None,
                                 command=f"gdprep.export_adapter({run!r}) (Python API)")


def _path(value: PathLike | None) -> Path | None:
    return None if value is None else Path(value)


def _command(name: str, input: PathLike) -> str:
    """What the ledger records as the run's command: the API call and its input."""
    return f"gdprep.{name}({str(input)!r}) (Python API)"


def _workers(workers: int, input: PathLike) -> int:
    from gdprep.service.cli.common import _count_records
    from gdprep.service.cli.common import _workers as cli_workers

    return cli_workers(workers, _count_records(Path(input)) if workers == 0 else None)


def _engine(engine: Engine, address: str | None, region: str | None, workers: int) -> EngineSpec:
    from gdprep.ray_cluster import EngineSpec

    return EngineSpec(engine, address, region, workers)


def _read_rows(output_dir: Path, split: str) -> list[dict[str, Any]]:
    """A split file as `curate` wrote it, as rows (JSONL, Parquet or CSV)."""
    for path in (output_dir / f"{split}.{ext}" for ext in ("jsonl", "parquet", "csv")):
        if not path.is_file():
            continue
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as fh:
                return [json.loads(line) for line in fh if line.strip()]
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq

            rows: Sequence[dict[str, Any]] = pq.read_table(path).to_pylist()
            return list(rows)
        import csv

        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    return []
