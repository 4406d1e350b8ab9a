"""The training config: pydantic-validated YAML with a `schema_version`; LoRA defaults r=16, alpha=32."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gdprep.errors import ConfigError
from gdprep.yamlfile import read_yaml_mapping, validation_message


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LoraSettings(_Strict):
    r: int = Field(16, ge=1, le=1024, description="LoRA rank")
    alpha: int = Field(32, ge=1, description="LoRA alpha (scaling = alpha / r)")
    dropout: float = Field(0.05, ge=0.0, lt=1.0, description="LoRA dropout")
    target_modules: list[str] | Literal["all-linear"] = Field(
        "all-linear", description='Modules to adapt, or "all-linear" for every linear layer but the output head')


class CanarySettings(_Strict):
    """Random secrets inserted into the training data so that memorisation can be measured (Carlini et al.,
    "The Secret Sharer"). Each canary is `<phrase> <secret>` (Carlini's format: every canary shares the
    phrase); the secret is `digits` random digits, so the secret space has 10**digits members."""

    enabled: bool = Field(False, description="Insert canaries into the training data")
    repetitions: list[int] = Field(default_factory=lambda: [1, 4, 16], min_length=1,
                                   description="How many times each group of canaries is inserted")
    per_repetition: int = Field(1, ge=1, le=100, description="Canaries per repetition count")
    phrase: str = Field("my account PIN is", min_length=1, description="Text before the secret")
    digits: int = Field(6, ge=4, le=12, description="Digits in each secret (secret space = 10**digits)")
    distinct_prefixes: bool = Field(False, description="Start each canary with its own code (`[ref XXXX] "
                                    "<phrase>`), so canaries do not share a context; harder to memorise")


TaskType = Literal["generation", "extraction", "classification", "summarisation", "structured"]


class TrainConfig(_Strict):
    """A complete training job, every field described (`gdprep train --config FILE` reads one from YAML)."""

    schema_version: Literal[1] = Field(1, description="Config schema version; this build reads version 1")
    base_model: str = Field(description="Local Hugging Face causal-LM directory (never downloaded)")
    train_file: str = Field(description="Training split from `gdprep curate` (JSONL or Parquet)")
    validation_file: str | None = Field(None, description="Validation split from `gdprep curate`")
    test_file: str | None = Field(None, description="Test split from `gdprep curate` (probes and `gdprep evaluate`); "
                                                    "default: test.jsonl/.parquet next to train_file")
    task: TaskType = Field("generation", description="Task type, which picks the metrics of `gdprep evaluate`")
    json_schema: str | None = Field(None, description="JSON Schema file the outputs must follow (task: structured)")
    canaries: CanarySettings = Field(default_factory=CanarySettings, description="Memorisation canaries")
    output_dir: str = Field(description="Where checkpoints, the adapter and the manifest go")
    lora: LoraSettings = Field(default_factory=LoraSettings, description="LoRA settings")
    qlora: bool = Field(False, description="4-bit QLoRA (bitsandbytes), used only when CUDA is present")
    learning_rate: float = Field(2e-4, gt=0, description="Peak learning rate")
    epochs: float = Field(3.0, gt=0, description="Training epochs")
    batch_size: int = Field(4, ge=1, description="Per-device batch size")
    gradient_accumulation: int = Field(1, ge=1, description="Gradient accumulation steps")
    max_length: int = Field(1024, ge=8, description="Longest tokenised example; longer ones are truncated")
    eval_steps: int = Field(50, ge=1, description="Validation loss every N optimiser steps")
    early_stopping_patience: int = Field(3, ge=1, description="Evaluations without improvement before stopping")
    seed: int = Field(42, description="Seed for data order and initialisation")
    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="auto: CUDA when present, else CPU")
    cpu_threads: int | None = Field(None, ge=1, description="torch threads on the CPU (default: one for models "
                                    "under 20M parameters, torch's default otherwise)")
    region: str | None = Field(None, description="Where the job runs (else $GDPREP_REGION); must be in the "
                                                 "policy's residency.allowed_regions")
    policy: str | None = Field(None, description="Policy (name or YAML path) whose residency and release gate "
                               "apply (default: uk-gdpr-default)")
    registered_model: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
                                         description="Registered model (MLflow) the adapter becomes a new version "
                                         "of (default: the output directory's name)")


def default_test_file(config: TrainConfig) -> Path | None:
    """The test split: `test_file`, else the `test` split next to the train file when there is one."""
    if config.test_file:
        return Path(config.test_file)
    train = Path(config.train_file)
    for candidate in (train.with_name("test" + train.suffix), train.with_name("test.jsonl"),
                      train.with_name("test.parquet")):
        if candidate.is_file():
            return candidate
    return None


def load_train_config(path: Path) -> TrainConfig:
    if not path.is_file():
        raise ConfigError(f"training config {path} does not exist")
    raw = read_yaml_mapping(path, "training config", ConfigError)
    try:
        return TrainConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(validation_message("training config", path, exc, "training/config.py")) from None
