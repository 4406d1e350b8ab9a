"""Training behind the privacy gate, on a tiny smoke model built offline (not a real model)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gdprep.audit.ledger import Ledger
from gdprep.service import stages
from gdprep.training.config import TrainConfig, load_train_config
from gdprep.training.gate import GateRefused, check_gate
from gdprep.training.manifest import AdapterManifest
from gdprep.training.smoke import build_smoke_model
from gdprep.training.train import prepare_training, tokenize_rows

from .conftest import redact_and_curate, router_rows

pytest.importorskip("torch")
pytest.importorskip("peft")

ROWS = router_rows()


@pytest.fixture()
def curated(tmp_path: Path) -> dict[str, Path]:
    redact_and_curate(tmp_path, ROWS)
    model = build_smoke_model([r["prompt"] + " " + r["completion"] for r in ROWS], tmp_path / "model")
    return {"tmp": tmp_path, "train": tmp_path / "cur" / "train.jsonl", "validation": tmp_path / "cur" /
            "validation.jsonl", "model": model, "raw": tmp_path / "in.jsonl"}


def run_training(config: TrainConfig) -> AdapterManifest:
    """Gated training as every front door runs it: `stages.train` on the state directory's ledger."""
    return stages.train(Ledger(), config)


def _training_runs() -> list[str | None]:
    return [e.run_id for e in Ledger().iter_entries() if e.kind == "run_started" and e.payload["stage"] == "training"]


def _config(paths: dict[str, Path], **overrides: Any) -> TrainConfig:
    data: dict[str, Any] = {"base_model": str(paths["model"]), "train_file": str(paths["train"]),
                            "validation_file": str(paths["validation"]), "output_dir": str(paths["tmp"] / "out"),
                            "epochs": 2, "batch_size": 8, "eval_steps": 4, "region": "GB", "max_length": 48,
                            "seed": 7}
    data.update(overrides)
    return TrainConfig.model_validate(data)


def test_training_writes_adapter_and_manifest_and_is_in_the_ledger(curated: dict[str, Path]) -> None:
    config = _config(curated)
    manifest = run_training(config)
    out = curated["tmp"] / "out"
    assert (out / "adapter" / "adapter_model.safetensors").is_file()
    saved = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert saved == manifest.to_json() and set(saved) >= {"schema", "base_model", "datasets", "adapter_sha256"}
    assert saved["schema"] == "gdprep.adapter_manifest/1"
    assert saved["base_model"]["smoke_model"] is True and saved["base_model"]["weights_sha256"]
    assert saved["config"]["lora"]["r"] == 16 and saved["config"]["lora"]["alpha"] == 32
    assert saved["metrics"]["steps"] > 0 and saved["metrics"]["eval_loss"] > 0
    assert saved["device"] == "cpu" and saved["region"] == "GB"
    ledger = Ledger()
    kinds = [(e.kind, e.payload.get("stage")) for e in ledger.iter_entries() if e.kind.startswith("run_")]
    assert ("run_started", "training") in kinds and ("run_completed", "training") in kinds
    run = [e for e in ledger.iter_entries() if e.run_id == manifest.ledger_run]
    # the three splits are the run's inputs, the adapter its output
    assert [e.kind for e in run] == ["run_started", *["dataset_version"] * 3, "adapter", "run_completed"]
    assert [(e.payload["role"], e.payload["direction"]) for e in run[1:4]] == [
        ("train", "input"), ("validation", "input"), ("test", "input")]
    assert run[1].payload["sha256"] == manifest.datasets.train_sha256
    assert run[4].payload["region"] == "GB" and run[4].payload["policy_hash"] == run[0].payload["policy_hash"]
    assert run[0].payload["command"] == "gdprep train" and run[0].payload["config"] == config.model_dump(mode="json")
    assert run[4].payload["adapter_sha256"] == manifest.adapter_sha256
    assert run[4].payload["dataset_sha256"] == manifest.datasets.train_sha256
    assert ledger.verify().ok


def test_training_resumes_from_the_last_checkpoint(curated: dict[str, Path]) -> None:
    run_training(_config(curated, epochs=1))
    resumed = run_training(_config(curated, epochs=2))
    assert resumed.metrics["resumed_from"] is not None


@pytest.mark.parametrize(("case", "message"), [
    ("no_region", "no region declared"),
    ("outside", "is not allowed"),
    ("raw_data", "not recorded in the ledger as the train split"),
    ("tampered", "does not verify"),
])
def test_the_gate_refuses(curated: dict[str, Path], monkeypatch: pytest.MonkeyPatch, case: str,
                          message: str) -> None:
    import sqlite3

    monkeypatch.delenv("GDPREP_REGION", raising=False)
    overrides: dict[str, Any] = {}
    if case == "no_region":
        overrides["region"] = None
    elif case == "outside":
        overrides["region"] = "us-east-1"
    elif case == "raw_data":
        overrides["train_file"] = str(curated["raw"])
    else:
        home = Path(__import__("os").environ["GDPREP_HOME"])
        with sqlite3.connect(home / "ledger.db") as conn:
            conn.execute("UPDATE ledger_entries SET kind = 'x' WHERE seq = 3")
    cfg = _config(curated, **overrides)
    with pytest.raises(GateRefused, match=message):
        run_training(cfg)
    assert not (curated["tmp"] / "out" / "adapter").exists()
    # the gate refuses before the training run opens: no run is started (and so none is left unfinished)
    assert _training_runs() == []
    with pytest.raises(GateRefused, match=message):
        prepare_training(cfg, Ledger())


def test_allowed_regions_come_from_the_policy(curated: dict[str, Path], tmp_path: Path) -> None:
    """The policy's residency decides: the default refuses us-east-1, a policy that allows it lets training
    start, and the training run records that policy's hash."""
    from gdprep.policies import load_policy

    with pytest.raises(GateRefused, match="not allowed for training by the policy's residency"):
        run_training(_config(curated, region="us-east-1"))
    default = load_policy(None).model_dump(mode="json")
    default.update(name="us-pilot", residency={"allowed_regions": ["us-east-1"]})
    path = tmp_path / "us-pilot.yaml"
    path.write_text(__import__("yaml").safe_dump(default), encoding="utf-8")
    manifest = run_training(_config(curated, region="us-east-1", epochs=1, policy=str(path)))
    started = [e for e in Ledger().iter_entries() if e.kind == "run_started" and e.run_id == manifest.ledger_run]
    assert started[0].payload["policy_hash"] == load_policy(str(path)).canonical_hash()
    with pytest.raises(GateRefused, match="residency"):
        run_training(_config(curated, region="GB", policy=str(path)))


def test_gate_takes_the_region_from_the_environment(curated: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDPREP_REGION", "eu-west-2")
    result = check_gate(Ledger(), curated["train"], region=None, allowed_regions=["eu-west-2"])
    assert result.region == "eu-west-2" and result.curation_run and result.privacy_run


def test_loss_is_on_completion_tokens_only(curated: dict[str, Path]) -> None:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(curated["model"], local_files_only=True)
    [row] = tokenize_rows([{"prompt": "Where is it?", "completion": "Here."}], tok, 64)
    n_prompt = len(tok("Where is it?\n", add_special_tokens=False)["input_ids"])
    assert row["labels"][:n_prompt] == [-100] * n_prompt
    assert all(label != -100 for label in row["labels"][n_prompt:])
    [chat] = tokenize_rows([{"messages": [{"role": "user", "content": "Hi"},
                                          {"role": "assistant", "content": "Hello there."}]}], tok, 64)
    assert chat["labels"][0] == -100 and chat["labels"][-1] == tok.eos_token_id


def test_bad_training_config_names_the_field(tmp_path: Path) -> None:
    from gdprep.errors import ConfigError

    path = tmp_path / "t.yaml"
    path.write_text("base_model: m\ntrain_file: t\noutput_dir: o\nlora: {r: 0}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lora.r"):
        load_train_config(path)


def test_training_runs_offline_and_an_outbound_connection_fails_the_run(curated: dict[str, Path],
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The offline flags are set and the egress guard refuses a non-loopback connection made during
    training; the run fails, is recorded as failed, and leaves no adapter."""
    import os
    import socket

    import transformers

    from gdprep.errors import EgressError

    seen: dict[str, Any] = {}
    original = transformers.Trainer.train

    def phoning_home(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.update({k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE",
                                                    "HF_HUB_DISABLE_TELEMETRY")})
        seen["report_to"] = self.args.report_to
        socket.create_connection(("203.0.113.7", 443), timeout=1)  # TEST-NET-3: must never be reached
        return original(self, *args, **kwargs)

    monkeypatch.setattr(transformers.Trainer, "train", phoning_home)
    with pytest.raises(EgressError):
        run_training(_config(curated))
    assert seen["HF_HUB_OFFLINE"] == "1" and seen["TRANSFORMERS_OFFLINE"] == "1"
    assert seen["HF_DATASETS_OFFLINE"] == "1" and seen["HF_HUB_DISABLE_TELEMETRY"] == "1"
    assert seen["report_to"] in ([], "none", ["none"])
    assert not (curated["tmp"] / "out" / "adapter").exists()
    failed = [e for e in Ledger().iter_entries() if e.kind == "run_failed"]
    assert failed and failed[-1].payload["stage"] == "training" and failed[-1].payload["error"] == "EgressError"


def test_documented_training_configs_are_valid(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    example = load_train_config(root / "examples" / "train.yaml")  # the README's walkthrough
    assert example.base_model == "models/my-base-model" and example.train_file == "work/curated/train.jsonl"
    assert example.lora.target_modules == "all-linear" and example.region == "GB" and example.canaries.enabled
    page = (root / "docs" / "training.md").read_text(encoding="utf-8")
    start = page.index("```yaml\nschema_version: 1\nbase_model")
    path = tmp_path / "train.yaml"
    path.write_text(page[start + len("```yaml\n"):page.index("```", start + 7)], encoding="utf-8")
    cfg = load_train_config(path)
    assert cfg.lora.target_modules == "all-linear" and cfg.region == "GB"
