"""Training configs of service jobs: chosen by name from the server's directory of configs, or uploaded with the
job. The caller describes the training (base model, LoRA, epochs, task, canaries, registered model); the server
sets what only it may know: the splits to train on, where the adapter goes and the policy. A job config may
also hold a `probes` section (ProbeSettings) and an `evaluation` section for the stages after training."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gdprep.errors import ConfigError
from gdprep.records import file_sha256
from gdprep.training.config import TrainConfig
from gdprep.training.probes import ProbeSettings
from gdprep.yamlfile import read_yaml_mapping, validation_message

#: fields of a training config that the server sets for a job; a config that sets them is refused
SERVER_FIELDS = ("train_file", "validation_file", "test_file", "output_dir", "policy")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_SUFFIXES = (".yaml", ".yml")


class EvaluationSettings(BaseModel):
    """The `evaluation` section of a job's training config."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_new_tokens: int = Field(64, ge=1, le=4096, description="Tokens generated per test record")


@dataclass(frozen=True)
class JobTrainingConfig:
    """A job's training config as read and checked at submission: the training fields (without the server's),
    the probe and evaluation settings, and where it came from."""

    fields: dict[str, Any]
    probes: ProbeSettings
    evaluation: EvaluationSettings
    source: str                      # named | upload
    name: str                        # the config's name, or the uploaded file's name
    sha256: str
    path: Path                       # the stored copy the worker reads
    base_model: Path = field(default=Path())

    def record(self) -> dict[str, Any]:
        """What the job stores (its `options.training_config`) and the ledger records."""
        return {"source": self.source, "name": self.name, "sha256": self.sha256, "path": str(self.path)}

    def train_config(self, *, train_file: Path, validation_file: Path | None, test_file: Path | None,
                     output_dir: Path, policy: str) -> TrainConfig:
        """The complete config for `stages.train`, with the server's paths and the job's policy."""
        return TrainConfig.model_validate({
            **self.fields, "base_model": str(self.base_model), "train_file": str(train_file),
            "validation_file": str(validation_file) if validation_file else None,
            "test_file": str(test_file) if test_file else None, "output_dir": str(output_dir), "policy": policy})


def list_training_configs(directory: Path) -> list[str]:
    """The names a job may choose (YAML files in `directory`, by stem)."""
    if not directory.is_dir():
        return []
    return sorted({p.stem for p in directory.iterdir()
                   if p.suffix in _SUFFIXES and p.is_file() and _NAME.match(p.stem)})


def named_config_path(directory: Path, name: str) -> Path:
    """The file of a named config; a ConfigError listing the names when there is none."""
    if _NAME.match(name):
        for suffix in _SUFFIXES:
            path = directory / f"{name}{suffix}"
            if path.is_file():
                return path
    known = list_training_configs(directory)
    raise ConfigError(f"training_config_name: no training config named {name!r} on this server; choose one of "
                      f"{', '.join(known) if known else '(none: the server has no named configs)'} "
                      "(GET /v1/training-configs), or upload one as `training_config`")


def read_job_config(path: Path, *, source: str, name: str, shown: str, allow_schema: bool) -> JobTrainingConfig:
    """Read and check a job's training config: YAML, no server-set fields, every training field valid (with
    placeholder paths). Errors name `shown` (the form field and file as the caller knows them), never the
    server's path."""
    try:
        raw = dict(read_yaml_mapping(path, "training config", ConfigError,
                                     mapping_hint=" of training settings (see training/config.py)"))
    except ConfigError as exc:
        raise ConfigError(str(exc).replace(str(path), shown)) from None
    taken = [k for k in SERVER_FIELDS if k in raw]
    if taken:
        raise ConfigError(f"training config {shown}: `{'`, `'.join(taken)}` is set by the server for a job (the "
                          "job's curated splits, its adapter directory and its policy); remove it")
    if raw.get("json_schema") and not allow_schema:
        raise ConfigError(f"training config {shown}: `json_schema` names a file on the server, which an uploaded "
                          "config may not do; ask the operator for a named config with the schema")
    probes, evaluation = raw.pop("probes", None) or {}, raw.pop("evaluation", None) or {}
    placeholders = {"train_file": "train.jsonl", "output_dir": "out"}
    try:
        TrainConfig.model_validate({**raw, **placeholders})
        probe_settings = ProbeSettings.model_validate(probes)
        eval_settings = EvaluationSettings.model_validate(evaluation)
    except ValidationError as exc:
        raise ConfigError(validation_message("training config", None, exc, "training/config.py")
                          .replace("invalid training config:", f"invalid training config {shown}:")) from None
    return JobTrainingConfig(raw, probe_settings, eval_settings, source, name, file_sha256(path), path)


def resolve_base_model(config: JobTrainingConfig, roots: Sequence[Path]) -> JobTrainingConfig:
    """The config with its base model resolved: a local directory (links followed) under one of `roots`
    ($GDPREP_MODEL_ROOTS). Nothing is ever downloaded, so a hub name is refused like any other path."""
    raw = str(config.fields.get("base_model", ""))
    if not roots:
        raise PermissionError("training jobs are disabled on this server: no model roots ($GDPREP_MODEL_ROOTS); "
                              "the operator sets it to the directories that hold local base models")
    if "\x00" in raw:
        raise ConfigError("training config: `base_model` holds a NUL character")
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = roots[0] / path
    resolved = path.resolve()
    if not any(resolved.is_relative_to(r.resolve()) for r in roots):
        raise PermissionError(f"training config: base_model {raw!r} is outside the model roots this server allows "
                              "($GDPREP_MODEL_ROOTS); use a model under one of them (models are never downloaded)")
    if not (resolved / "config.json").is_file():
        raise ConfigError(f"training config: base_model {raw!r} is not a local model directory (no config.json) "
                          "under the model roots ($GDPREP_MODEL_ROOTS)")
    return JobTrainingConfig(config.fields, config.probes, config.evaluation, config.source, config.name,
                             config.sha256, config.path, resolved)


def check_region(config: Mapping[str, Any], allowed_regions: Sequence[str], policy_name: str) -> str:
    """The region the training runs in (the config's, else the server's $GDPREP_REGION), which the policy's
    residency must allow: the gate's first check, made at submission."""
    import os

    from gdprep.training.gate import REGION_ENV, GateRefused

    region = config.get("region") or os.environ.get(REGION_ENV)
    if not region:
        raise GateRefused(f"no region declared: set `region` in the training config (or ${REGION_ENV} on the "
                          "server); training runs only where the policy's residency allows")
    if region not in allowed_regions:
        raise GateRefused(f"region {region!r} is not allowed for training by policy {policy_name}'s residency "
                          f"(allowed: {', '.join(list(allowed_regions)[:8])}); set `region` in the training "
                          f"config (or ${REGION_ENV} on the server) to an allowed one, or use another policy")
    return str(region)
