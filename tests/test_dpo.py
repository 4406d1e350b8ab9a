"""DPO behind the privacy gate, on a tiny smoke model built offline (not a real model): preference pairs are
redacted and curated through the CLI, an SFT adapter and two DPO adapters (a new one, and one that starts from
the SFT adapter) are trained through `stages.train`, registered in a real local MLflow, probed and evaluated."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gdprep.audit.ledger import Ledger
from gdprep.errors import ConfigError
from gdprep.service import stages
from gdprep.service.cli import app
from gdprep.training.config import TrainConfig, load_train_config
from gdprep.training.probes import ProbeSettings
from gdprep.training.smoke import build_smoke_model

from .conftest import read_jsonl, redact_and_curate

pytest.importorskip("torch")
pytest.importorskip("peft")
pytest.importorskip("trl")
pytest.importorskip("mlflow")

DEVICES = ["router", "printer", "laptop", "phone", "modem", "tablet", "camera", "monitor"]
# learnable pairs: the chosen answer is always the helpful one, the rejected one always the curt one
PAIRS = [{"id": f"p{i}", "prompt": f"My {DEVICES[i % 8]} number {i} will not start, what should I do?",
          "chosen": f"Sorry to hear that. Please restart the {DEVICES[i % 8]} and tell us if it helps.",
          "rejected": f"Not our problem. Buy a new {DEVICES[i % 8]}.", "label": ("a", "b")[i % 2]}
         for i in range(56)]
# chat-shaped pairs: a messages prompt, the answers as assistant messages
PAIRS += [{"id": f"c{i}", "prompt": [{"role": "user", "content": f"Can you help with my {DEVICES[i % 8]}, case {i}?"}],
           "chosen": [{"role": "assistant", "content": f"Of course. Please restart the {DEVICES[i % 8]} first."}],
           "rejected": [{"role": "assistant", "content": "No, we do not help with that."}],
           "label": ("a", "b")[i % 2]} for i in range(8)]
SETTINGS = ProbeSettings(bootstrap=100, regurgitation_contexts=10, canary_candidates=1_000, max_records=20,
                         extraction_k=[8])
MODEL = "dpo-bot"
runner = CliRunner()


def _config(root: Path, name: str, **overrides: Any) -> TrainConfig:
    data: dict[str, Any] = {
        "method": "dpo", "base_model": str(root / "model"), "train_file": str(root / "cur" / "train.jsonl"),
        "validation_file": str(root / "cur" / "validation.jsonl"), "output_dir": str(root / name), "epochs": 2,
        "batch_size": 8, "eval_steps": 4, "max_length": 64, "seed": 7, "learning_rate": 5e-3,
        "registered_model": MODEL}
    data.update(overrides)
    return TrainConfig.model_validate(data)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("dpo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(root / "home"))
        mp.setenv("GDPREP_REGION", "GB")
        redact_and_curate(root, PAIRS)
        texts = [f"{p['prompt']} {p['chosen']} {p['rejected']}" for p in PAIRS[:56]]
        build_smoke_model(texts + ["user: assistant: Of course. No, we do not help with that."], root / "model")
        sft = stages.train(Ledger(), _config(root, "sft", method="sft", epochs=1, registered_model="sft-bot"))
        dpo = stages.train(Ledger(), _config(root, "dpo", canaries={"enabled": True, "repetitions": [1, 2]}))
        from_sft = stages.train(Ledger(), _config(root, "dpo-from-sft", dpo={"init_adapter": sft.ledger_run}))
        yield {"root": root, "home": root / "home", "sft": sft, "dpo": dpo, "from_sft": from_sft}


@pytest.fixture()
def state(trained: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("GDPREP_HOME", str(trained["home"]))
    monkeypatch.setenv("GDPREP_REGION", "GB")
    return trained


def _rewards_on(rows: list[dict[str, Any]], adapter: Path, reference: Path | None, beta: float) -> dict[str, Any]:
    from gdprep.training.dpo import answer_logps, encode_pair, reward_figures
    from gdprep.training.modelio import load_model

    base = adapter.parent.parent / "model"
    figures = []
    for directory in (adapter, reference):
        loaded = load_model(base, directory, device="cpu")
        figures.append(answer_logps(loaded, [encode_pair(r, loaded.tokenizer) for r in rows], max_length=64))
    return reward_figures(figures[0], figures[1], beta)


def test_dpo_raises_the_reward_accuracy_on_the_training_pairs(state: dict[str, Any]) -> None:
    manifest, root = state["dpo"], state["root"]
    train_rows = read_jsonl(root / "cur" / "train.jsonl")
    assert any(isinstance(r["prompt"], list) for r in train_rows), "chat-shaped pairs reach training"
    figures = _rewards_on(train_rows, root / "dpo" / "adapter", None, 0.1)
    assert figures["n"] == len(train_rows)
    assert figures["reward_accuracy"] > 0.75 and figures["reward_margin_mean"] > 0
    # the bare base model against itself: every reward is 0, no pair is won
    untrained = _rewards_on(train_rows[:8], root / "sft" / "adapter", root / "sft" / "adapter", 0.1)
    assert untrained["reward_accuracy"] == 0.0 and untrained["reward_margin_mean"] == 0.0
    assert manifest.metrics["train_reward_accuracy"] > 0.5 and manifest.metrics["eval_reward_accuracy"] is not None
    assert manifest.method == "dpo" and manifest.config["method"] == "dpo"
    assert manifest.dpo["beta"] == 0.1 and manifest.dpo["loss_type"] == "sigmoid"
    assert manifest.dpo["init_adapter"] is None and manifest.dpo["reference_model"] == "the bare base model"
    assert manifest.dpo["pairs"] == len(train_rows) and "500-2,000" in manifest.dpo["advice"]
    assert manifest.device == "cpu"
    # only the trained adapter is saved, not trl's frozen reference copy
    assert not (root / "dpo" / "adapter" / "ref").exists()
    # the training run's ledger entries are those of an SFT run
    run = Ledger().run_entries(manifest.ledger_run)
    assert [e.kind for e in run] == ["run_started", *["dataset_version"] * 3, "adapter", "run_completed"]
    assert [(e.payload["role"], e.payload["direction"]) for e in run[1:4]] == [
        ("train", "input"), ("validation", "input"), ("test", "input")]
    assert run[4].payload["adapter_sha256"] == manifest.adapter_sha256
    assert Ledger().verify().ok


def test_the_gate_refuses_preference_data_that_was_not_curated(state: dict[str, Any]) -> None:
    from gdprep.training.gate import GateRefused

    before = [e.run_id for e in Ledger().iter_entries() if e.kind == "run_started"]
    for raw in (state["root"] / "in.jsonl", state["root"] / "red.jsonl"):  # raw, and redacted but not curated
        with pytest.raises(GateRefused, match="not recorded in the ledger as the train split"):
            stages.train(Ledger(), _config(state["root"], "refused", train_file=str(raw)))
    assert [e.run_id for e in Ledger().iter_entries() if e.kind == "run_started"] == before
    assert not (state["root"] / "refused").exists()


@pytest.mark.parametrize(("extra", "message"), [
    ("method: dpo\ndpo: {beta: 0}\n", "dpo.beta"),
    ("method: dpo\ndpo: {beta: -0.5}\n", "dpo.beta"),
    ("method: dpo\ndpo: {loss_type: kto}\n", "dpo.loss_type"),
    ("method: dpo\ndpo: {label_smoothing: 0.1}\n", "dpo.label_smoothing` applies only to loss_type robust"),
    ("method: dpo\ndpo: {loss_type: robust, label_smoothing: 0.5}\n", "dpo.label_smoothing"),
    ("method: dpo\ndpo: {beta: 0.1, gamma: 1}\n", "dpo.gamma"),
    ("dpo: {beta: 0.2}\n", "`dpo` settings apply only with `method: dpo`"),
    ("method: rlhf\n", "method"),
    ("method: dpo\ndpo: {init_adapter: run-1}\nlora: {r: 8}\n", "`lora` cannot be set with `dpo.init_adapter`"),
])
def test_bad_dpo_settings_name_the_field(tmp_path: Path, extra: str, message: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("base_model: m\ntrain_file: t\noutput_dir: o\n" + extra, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace(".", r"\.").replace("`", "`")):
        load_train_config(path)


def test_dpo_defaults_and_sft_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("base_model: m\ntrain_file: t\noutput_dir: o\nmethod: dpo\n", encoding="utf-8")
    cfg = load_train_config(path)
    assert cfg.dpo is None and cfg.dpo_settings.beta == 0.1 and cfg.dpo_settings.loss_type == "sigmoid"
    path.write_text("base_model: m\ntrain_file: t\noutput_dir: o\n", encoding="utf-8")
    assert load_train_config(path).method == "sft"


def test_dpo_starts_from_a_recorded_sft_adapter(state: dict[str, Any]) -> None:
    from gdprep.training.train import adapter_digest

    sft, manifest, root = state["sft"], state["from_sft"], state["root"]
    init = manifest.dpo["init_adapter"]
    assert init["training_run"] == sft.ledger_run and init["sha256"] == sft.adapter_sha256
    assert "init adapter" in manifest.dpo["reference_model"]
    # the SFT adapter's LoRA settings carry over; the result differs from it and is measured against it
    assert json.loads((root / "dpo-from-sft" / "adapter" / "adapter_config.json").read_text())["r"] == 16
    assert adapter_digest(root / "dpo-from-sft" / "adapter") != sft.adapter_sha256
    train_rows = read_jsonl(root / "cur" / "train.jsonl")
    figures = _rewards_on(train_rows, root / "dpo-from-sft" / "adapter", root / "sft" / "adapter", 0.1)
    assert figures["reward_accuracy"] > 0.75


def test_an_init_adapter_the_ledger_did_not_record_as_it_is_is_refused(state: dict[str, Any]) -> None:
    from gdprep.training.release import AdapterNotFound

    root = state["root"]
    copy = root / "sft-copy"
    shutil.copytree(root / "sft", copy, dirs_exist_ok=True)
    with (copy / "adapter" / "adapter_model.safetensors").open("ab") as fh:
        fh.write(b"\0")
    before = len([e for e in Ledger().iter_entries() if e.kind == "run_started"])
    with pytest.raises(AdapterNotFound, match="changed after training"):
        stages.train(Ledger(), _config(root, "refused", dpo={"init_adapter": str(copy / "adapter")}))
    with pytest.raises(AdapterNotFound, match="not a training run in the ledger"):
        stages.train(Ledger(), _config(root, "refused", dpo={"init_adapter": "no-such-run"}))
    assert len([e for e in Ledger().iter_entries() if e.kind == "run_started"]) == before


def test_canaries_go_into_chosen_answers_and_the_probes_run_on_the_dpo_adapter(state: dict[str, Any]) -> None:
    from gdprep.training.dpo import with_preference_canaries
    from gdprep.training.train import Canary, _pairs

    manifest = state["dpo"]
    canaries = [Canary.from_json(c) for c in manifest.canaries]
    assert [c.repetitions for c in canaries] == [1, 2]
    rows = with_preference_canaries([dict(PAIRS[0])], canaries, 7)
    planted = [r for r in rows if r["id"].startswith("canary-")]
    assert len(planted) == 3 and all(r["chosen"] == next(c.text for c in canaries if r["id"][7:11] == c.ref)
                                     for r in planted)
    assert all(r["rejected"] != r["chosen"] and r["rejected"].startswith(manifest.config["canaries"]["phrase"])
               for r in planted)
    # a pair's member text for the probes is its prompt and chosen answer
    assert _pairs(PAIRS[0], None) == (PAIRS[0]["prompt"] + "\n", PAIRS[0]["chosen"])
    report = stages.probe(Ledger(), None, run_id=manifest.ledger_run, settings=SETTINGS, command="gdprep probe")
    results = report["results"]
    assert sorted(c["ref"] for c in results["canaries"]) == sorted(c.ref for c in canaries)
    assert all(c["candidates"] == 1_000 and c["exposure"] >= 0 for c in results["canaries"])
    assert results["membership_inference"]["members"] == min(20, len(read_jsonl(state["root"] / "cur" / "train.jsonl")))
    assert report["decision"]["release"] in ("pass", "fail") and report["adapter"]["sha256"] == manifest.adapter_sha256
    assert report["registry"]["versions"], "the probe result is attached to the registered DPO version"


def test_evaluation_reports_reward_accuracy_margins_and_win_rate(state: dict[str, Any]) -> None:
    root = state["root"]
    result = runner.invoke(app, ["evaluate", "--run", state["dpo"].ledger_run, "--max-new-tokens", "12"])
    assert result.exit_code == 0, result.output
    assert "reward accuracy" in result.output and "win rate" in result.output
    saved = json.loads((root / "dpo" / "evaluation.json").read_text(encoding="utf-8"))
    test_rows = read_jsonl(root / "cur" / "test.jsonl")
    rewards, wins = saved["preference"]["rewards"], saved["preference"]["win_rate"]
    assert rewards["n"] == len(test_rows) and rewards["beta"] == 0.1
    assert rewards["reward_accuracy"] > 0.5 and rewards["reward_margin_mean"] > 0
    assert wins["n"] == len(test_rows) and 0.0 <= wins["win_rate"] <= 1.0
    assert wins["wins"] + wins["ties"] + wins["losses"] == wins["n"]
    assert wins["scorer"] == "rouge_l_chosen_minus_rejected"
    assert saved["preference"]["reference_model"] == "base model"
    event = [e for e in Ledger().iter_entries() if e.kind == "evaluation"][-1]
    assert event.payload["preference"]["rewards"]["reward_accuracy"] == rewards["reward_accuracy"]
    from_sft = stages.evaluate(Ledger(), run_id=state["from_sft"].ledger_run, command="gdprep evaluate",
                               max_new_tokens=12)
    assert from_sft["preference"]["reference_model"].endswith(str(root / "sft" / "adapter"))
    # an SFT adapter's evaluation has no preference figures
    assert "preference" not in stages.evaluate(Ledger(), run_id=state["sft"].ledger_run, command="gdprep evaluate",
                                               max_new_tokens=4)


@pytest.mark.parametrize(("adapter", "reference", "expected"), [
    (["restart it please"], ["buy a new one"], (1, 0, 0)),
    (["buy a new one"], ["restart it please"], (0, 0, 1)),
    (["restart it please"], ["restart it please"], (0, 1, 0)),
    (["restart it please", "buy a new one"], ["buy a new one", "restart it please"], (1, 0, 1)),
])
def test_win_rate_scores_generations_against_the_pairs(adapter: list[str], reference: list[str],
                                                        expected: tuple[int, int, int]) -> None:
    from gdprep.training.evaluate import win_rate

    pairs = [("please restart it", "buy a new one")] * len(adapter)
    result = win_rate(adapter, reference, pairs, resamples=100)
    assert (result["wins"], result["ties"], result["losses"]) == expected
    assert result["win_rate"] == pytest.approx((expected[0] + expected[1] / 2) / len(adapter))


def test_dpo_adapters_are_registered_in_mlflow(state: dict[str, Any]) -> None:
    from mlflow.tracking import MlflowClient

    from gdprep.audit.models import model_states
    from gdprep.training.registry import tracking_uri

    client = MlflowClient(tracking_uri=tracking_uri(), registry_uri=tracking_uri())
    by_run = {client.get_model_version(MODEL, v).tags["gdprep.training_run"]: v for v in ("1", "2")}
    assert set(by_run) == {state["dpo"].ledger_run, state["from_sft"].ledger_run}
    version = client.get_model_version(MODEL, by_run[state["dpo"].ledger_run])
    assert version.tags["gdprep.adapter_sha256"] == state["dpo"].adapter_sha256
    params = client.get_run(version.run_id).data.params
    assert params["method"] == "dpo" and params["dpo"] == "None"
    params = client.get_run(client.get_model_version(MODEL, by_run[state["from_sft"].ledger_run]).run_id).data.params
    assert params["dpo.init_adapter"] == state["sft"].ledger_run and params["dpo.beta"] == "0.1"
    state_ = model_states(Ledger().iter_entries())[MODEL]
    assert sorted(state_.versions) == ["1", "2"] and all(v.consistent for v in state_.versions.values())
    # the DPO evaluation figures reach the version's MLflow run, as the task metrics do
    from gdprep.service import stages

    stages.evaluate(Ledger(), command="gdprep evaluate", run_id=state["dpo"].ledger_run, max_new_tokens=8)
    metrics = client.get_run(version.run_id).data.metrics
    assert 0.0 <= metrics["evaluation.dpo.reward_accuracy"] <= 1.0
    assert "evaluation.dpo.reward_margin_mean" in metrics and "evaluation.dpo.win_rate.win_rate" in metrics
