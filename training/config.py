"""The training config: pydantic-validated YAML with a `schema_version`; LoRA defaults r=16, alpha=32;
`method: sft` (supervised) or `dpo` (preference pairs, trl's DPOTrainer); `preset: NAME` fills the fields the
config leaves unset with a base model's defaults (training/presets.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gdprep.errors import ConfigError
from gdprep.training.presets import get_preset, preset_names
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


DpoLossType = Literal["sigmoid", "ipo", "hinge", "robust"]


class DpoSettings(_Strict):
    """Direct Preference Optimisation (Rafailov et al. 2023) on `{prompt, chosen, rejected}` pairs. The
    adapter's implicit reward of an answer is `beta * (log p_adapter(answer | prompt) - log p_ref(answer |
    prompt))`; the loss raises the chosen answer's reward above the rejected one's."""

    beta: float = Field(0.1, gt=0.0, le=10.0, description="Strength of the pull towards the reference model: "
                        "higher keeps the adapter closer to it. 0.1 is the DPO paper's and trl's default; 0.01-0.5 "
                        "is the usual range. For `loss_type: ipo` it is the regulariser tau")
    loss_type: DpoLossType = Field("sigmoid", description="sigmoid: the DPO loss; ipo: IPO (Azar et al. 2023), "
                                   "less prone to overfitting small or near-deterministic preference sets; hinge: "
                                   "SLiC's hinge loss; robust: rDPO, for labels some of which are flipped "
                                   "(`label_smoothing` = the share assumed flipped)")
    label_smoothing: float = Field(0.0, ge=0.0, lt=0.5, description="loss_type robust: the assumed share of "
                                   "preference labels that are wrong (0 = all trusted); ignored by the other losses")
    init_adapter: str | None = Field(None, description="Start from this adapter (a training run id or its "
                                     "`adapter` directory; it must be one the audit ledger recorded, unchanged "
                                     "since): DPO continues training its LoRA weights, and the reference model "
                                     "is the base model with this adapter. Default: a new LoRA adapter, with "
                                     "the bare base model as the reference")

    @model_validator(mode="after")
    def _smoothing_only_for_robust(self) -> DpoSettings:
        if self.label_smoothing and self.loss_type != "robust":
            raise ValueError(f"`dpo.label_smoothing` applies only to loss_type robust (got loss_type "
                             f"{self.loss_type}); remove it or set `dpo.loss_type: robust`")
        return self


TaskType = Literal["generation", "extraction", "classification", "summarisation", "structured"]


class TrainConfig(_Strict):
    """A complete training job, every field described (`gdprep train --config FILE` reads one from YAML)."""

    schema_version: Literal[1] = Field(1, description="Config schema version; this build reads version 1")
    method: Literal["sft", "dpo"] = Field("sft", description="sft: supervised fine-tuning on prompt/completion, "
                                          "chat or text records; dpo: preference optimisation on {prompt, chosen, "
                                          "rejected} pairs (settings under `dpo`)")
    dpo: DpoSettings | None = Field(None, description="DPO settings (method: dpo only; default: DpoSettings())")
    base_model: str = Field(description="Local Hugging Face causal-LM directory (never downloaded)")
    preset: str | None = Field(None, description="A base model's defaults for `lora`, `learning_rate`, `epochs`, "
                               "`max_length` and `gradient_checkpointing` (`gdprep train --print-preset list`); "
                               "fields set in the config win, and the base model's architecture must be the preset's")
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
    gradient_checkpointing: bool = Field(False, description="Keep only each layer's input for the backward pass and "
                                         "recompute the rest (about a third slower; activation memory falls from "
                                         "every layer's intermediates to one layer's); the presets turn it on")
    max_length: int = Field(1024, ge=8, description="Longest tokenised example; longer ones are truncated")
    eval_steps: int = Field(50, ge=1, description="Validation loss every N optimiser steps")
    early_stopping_patience: int = Field(3, ge=1, description="Evaluations without improvement before stopping")
    seed: int = Field(42, description="Seed for data order and initialisation")
    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="auto: CUDA when present, else CPU")
    memory_check: bool = Field(True, description="Refuse to start when the estimated memory for training exceeds "
                               "the memory found (free GPU memory, else available RAM); false to try anyway")
    cpu_threads: int | None = Field(None, ge=1, description="torch threads on the CPU (default: one for models "
                                    "under 20M parameters, torch's default otherwise)")
    region: str | None = Field(None, description="Where the job runs (else $GDPREP_REGION); must be in the "
                                                 "policy's residency.allowed_regions")
    policy: str | None = Field(None, description="Policy (name or YAML path) whose residency and release gate "
                               "apply (default: uk-gdpr-default)")
    registered_model: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$",
                                         description="Registered model (MLflow) the adapter becomes a new version "
                                         "of (default: the output directory's name)")

    @model_validator(mode="before")
    @classmethod
    def _apply_preset(cls, data: Any) -> Any:
        """The preset's values for the fields the config does not set (an unknown name is left to `preset`'s
        own check, which names the known ones)."""
        if isinstance(data, dict) and isinstance(data.get("preset"), str) and data["preset"] in preset_names():
            return get_preset(data["preset"]).apply(data)
        return data

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, name: str | None) -> str | None:
        if name is not None:
            get_preset(name)  # a ValueError listing the known presets
        return name

    @model_validator(mode="after")
    def _dpo_settings_match_the_method(self) -> TrainConfig:
        if self.method != "dpo" and self.dpo is not None:
            raise ValueError("`dpo` settings apply only with `method: dpo`; set `method: dpo` or remove `dpo`")
        if self.method == "dpo" and self.dpo_settings.init_adapter and "lora" in self.model_fields_set:
            raise ValueError("`lora` cannot be set with `dpo.init_adapter`: training continues that adapter with "
                             "its own LoRA settings; remove `lora`")
        return self

    @property
    def dpo_settings(self) -> DpoSettings:
        """The DPO settings, their defaults when `dpo` is not given."""
        return self.dpo or DpoSettings()


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
