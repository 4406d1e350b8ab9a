"""The adapter manifest: what `gdprep train` writes next to the adapter (`manifest.json`) and what the probes,
the evaluation and the release gate read back. Typed, so that a reader names fields instead of string keys;
fields a manifest from an earlier gdprep may lack have defaults, and fields this version does not know are
kept as they were."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

MANIFEST_SCHEMA: Final[str] = "gdprep.adapter_manifest/1"


class BaseModelInfo(BaseModel):
    """The base model the adapter was trained on: where it was, and its weight files' SHA-256s."""

    model_config = ConfigDict(extra="allow")

    path: str
    name: str
    weights_sha256: dict[str, str] = Field(default_factory=dict)
    smoke_model: bool = False


class DatasetInfo(BaseModel):
    """The train split the gate accepted and the ledger runs that redacted and curated it."""

    model_config = ConfigDict(extra="allow")

    train_sha256: str | None = None
    curation_run: str | None = None
    privacy_run: str | None = None
    #: every redacting run (privacy, synthesis) whose output the curation run read; older manifests lack it
    privacy_runs: list[str] = []

    @property
    def redacting_runs(self) -> list[str]:
        return self.privacy_runs or ([self.privacy_run] if self.privacy_run else [])


class AdapterManifest(BaseModel):
    """One trained adapter: base model, datasets, region, config, device, versions, metrics, the adapter's
    hash, the training run, the canaries planted in its training data and the method (SFT or DPO, with DPO's
    settings and the adapter it started from)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    schema_id: str = Field(MANIFEST_SCHEMA, alias="schema")
    base_model: BaseModelInfo
    datasets: DatasetInfo = Field(default_factory=DatasetInfo)
    region: str | None = None
    config: dict[str, Any]
    seed: int | None = None
    device: str = "cpu"
    qlora: bool = False
    cpu_threads: int | None = None
    versions: dict[str, str] = Field(default_factory=dict)
    metrics: dict[str, Any] = Field(default_factory=dict)
    adapter_sha256: str
    ledger_run: str | None = None
    canaries: list[dict[str, Any]] = Field(default_factory=list)
    test_file: str | None = None
    #: the loss curve: {"step", "loss" and/or "eval_loss"} per logged optimiser step
    loss_history: list[dict[str, float]] = Field(default_factory=list)
    #: "sft" (supervised) or "dpo" (preference optimisation)
    method: str = "sft"
    #: DPO only: beta, loss_type, label_smoothing, pairs, init_adapter {adapter_dir, sha256, training_run} or
    #: None, reference_model (in words)
    dpo: dict[str, Any] | None = None

    @property
    def output_dir(self) -> Path:
        return Path(self.config["output_dir"])

    def to_json(self) -> dict[str, Any]:
        """The manifest as `manifest.json` holds it."""
        return self.model_dump(mode="json", by_alias=True)

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2, sort_keys=True), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> AdapterManifest:
        return cls.model_validate_json(path.read_text(encoding="utf-8"))
