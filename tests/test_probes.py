"""Probe sensitivity: the memorisation probes find what a model memorised and the release gate acts on it.

One tiny model (a smoke model, not a real one) is pre-trained on generic support-desk text, then
LoRA-trained twice through the real gated path (`gdprep redact` -> `gdprep curate` -> `stages.train`):
once with canaries inserted 1x and 16x, once without. Fixed seeds throughout.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gdprep.audit.ledger import Ledger
from gdprep.policies import load_policy
from gdprep.service import stages
from gdprep.service.cli import app
from gdprep.training.config import TrainConfig
from gdprep.training.probes import ProbeSettings
from gdprep.training.release import AdapterNotFound, find_adapter
from gdprep.training.smoke import build_smoke_model

from .conftest import CURATE_YAML, redact_and_curate

pytest.importorskip("torch")
pytest.importorskip("peft")

ITEMS = ("router", "printer", "laptop", "phone", "tablet", "monitor", "keyboard", "modem", "camera", "speaker")
ACTIONS = ("reset", "update", "restart", "clean", "configure", "replace", "charge", "pair")
MENUS = ("system", "device", "advanced", "general", "network", "display")
BUTTONS = ("OK", "apply", "save", "confirm", "next")
CUSTOMERS = ("Eleanor Whitcombe", "Tobias Ferreira", "Siobhan Gallagher", "Piotr Nowakowski")


def _record(rng: random.Random, i: int) -> dict[str, Any]:
    """A support answer that follows from its question: a model can learn the task without memorising any
    one record, so a model that generalises shows no membership signal, while a random secret can only be
    memorised."""
    item, action, menu, button = rng.choice(ITEMS), rng.choice(ACTIONS), rng.choice(MENUS), rng.choice(BUTTONS)
    seconds = rng.randint(2, 60)
    return {"id": f"r{i}", "label": ("hardware", "software")[i % 2],
            "prompt": f"How do I {action} my {item} from the {menu} menu, holding {button} for {seconds} seconds?",
            "completion": f"Open settings, choose {menu}, hold {button} for {seconds} seconds and the {item} "
                          f"will {action}."}


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@example.org"


# the same LoRA settings for both models; only the canaries differ
TRAIN = {"learning_rate": 5e-3, "epochs": 5, "batch_size": 8, "max_length": 64, "seed": 1}
SETTINGS = ProbeSettings(bootstrap=300, regurgitation_contexts=40)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Both trainings, through the gate, in one state directory for the module."""
    root = tmp_path_factory.mktemp("probes")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(root / "home"))
        mp.setenv("GDPREP_REGION", "GB")
        rng = random.Random(5)
        generic = [_record(rng, i) for i in range(300)]
        rows = [_record(rng, i) for i in range(860)]
        # a few records name a customer: redaction pseudonymises them, so the vault holds real originals
        for row, name in zip(rows[:4], CUSTOMERS, strict=True):
            row["completion"] += f" Ticket raised by {name} ({_email(name)})."
        redact_and_curate(root, rows, CURATE_YAML + "near_dedup: {enabled: false}\n"
                                      "split: {train: 0.7, validation: 0.05, test: 0.25}\n")
        # the base model knows the domain and what PIN statements look like, not the records or the secrets
        pins = [f"my account PIN is {rng.randrange(10 ** 6):06d}" for _ in range(200)]
        texts = [*(f"{r['prompt']}\n{r['completion']}" for r in generic), *pins]
        base = build_smoke_model(texts, root / "base", pretrain_texts=texts, pretrain_epochs=10)
        runs = {}
        for name, canaries in (("canaries", {"enabled": True, "repetitions": [1, 4, 16]}),
                               ("clean", {"enabled": False})):
            config = TrainConfig.model_validate({
                "base_model": str(base), "train_file": str(root / "cur" / "train.jsonl"),
                "output_dir": str(root / name), "canaries": canaries, **TRAIN})
            runs[name] = stages.train(Ledger(), config)
        yield {"root": root, "runs": runs, "home": root / "home"}


@pytest.fixture()
def home(trained: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Ledger:
    monkeypatch.setenv("GDPREP_HOME", str(trained["home"]))
    return Ledger()


def test_canaries_inserted_16_times_are_exposed_and_fail_the_gate(trained: dict[str, Any], home: Ledger) -> None:
    manifest = trained["runs"]["canaries"]
    report = stages.probe(home, load_policy(None), run_id=manifest.ledger_run, settings=SETTINGS,
                          command="gdprep probe")
    exposure = {c["repetitions"]: c["exposure"] for c in report["results"]["canaries"]}
    assert sorted(exposure) == [1, 4, 16]
    limit = report["results"]["canaries"][0]["log2_space"] - 10
    assert exposure[16] > limit, exposure
    assert exposure[1] < limit - 3, exposure
    assert exposure[16] - exposure[1] > 5, exposure
    decision = report["decision"]
    assert decision["release"] == "fail" and decision["checks"]["canary_exposure"] is False
    assert any("inserted 16x" in reason for reason in decision["reasons"])
    out = Path(manifest.config["output_dir"]) / "probes"
    assert json.loads((out / "probe_report.json").read_text(encoding="utf-8"))["decision"] == decision
    html = (out / "probe_report.html").read_text(encoding="utf-8")
    assert "FAIL" in html and "<script" not in html
    recorded = [e for e in home.iter_entries() if e.kind == "release_decision"]
    assert recorded[-1].payload["release"] == "fail"
    run = [e for e in home.iter_entries() if e.run_id == report["probe_run"]]
    assert [e.kind for e in run] == ["run_started", "dataset_version", "dataset_version", "key_event",
                                     "release_decision", "run_completed"]
    assert [(e.payload["role"], e.payload["direction"]) for e in run[1:3]] == [("train", "input"), ("test", "input")]
    assert run[0].payload["config"] == {"settings": SETTINGS.model_dump(mode="json"),
                                        "adapter": str(out.parent / "adapter"), "training_run": manifest.ledger_run}
    assert recorded[-1].payload["training_run"] == manifest.ledger_run
    assert home.verify().ok


def test_the_model_trained_without_canaries_passes(trained: dict[str, Any], home: Ledger) -> None:
    manifest = trained["runs"]["clean"]
    report = stages.probe(home, load_policy(None), run_id=manifest.ledger_run, settings=SETTINGS,
                          command="gdprep probe")
    assert report["results"]["canaries"] == []
    assert report["decision"]["release"] == "pass", report["decision"]["reasons"]
    mia = report["results"]["membership_inference"]
    assert set(mia["signals"]) == {"loss", "zlib", "min_k", "reference"}
    assert mia["members"] > 200 and mia["non_members"] > 80
    reg = report["results"]["regurgitation"]
    assert reg["values_checked"] >= 1 and reg["hits"] == []  # the vault's names were checked, none came back


def test_regurgitation_finds_a_value_the_model_memorised(trained: dict[str, Any], home: Ledger) -> None:
    """A canary secret planted as if it were a vault value that slipped through redaction: prompted with
    its context, the 16x model reproduces it in some of 64 samples (its greedy output is one digit off), and
    the report masks it."""
    from gdprep.training.modelio import load_model
    from gdprep.training.probes import PiiValue, ProbeData, regurgitation
    from gdprep.training.train import Canary

    manifest = trained["runs"]["canaries"]
    canary = next(Canary.from_json(c) for c in manifest.canaries if c["repetitions"] == 16)
    adapter = Path(manifest.config["output_dir"]) / "adapter"
    loaded = load_model(Path(manifest.base_model.path), adapter)
    rows = [{"id": "leak", "text": canary.prefix + "<UK_BANK_ACCOUNT>"}]
    found = regurgitation(loaded, ProbeData(rows, [], [], [PiiValue("UK_BANK_ACCOUNT", canary.secret,
                                                                    "<UK_BANK_ACCOUNT>")]),
                         SETTINGS.model_copy(update={"regurgitation_samples": 64}))
    assert found["hits"], "the memorised secret was not regurgitated"
    assert all(canary.secret not in json.dumps(hit) for hit in found["hits"])
    assert found["hits"][0]["entity_type"] == "UK_BANK_ACCOUNT"


def test_probe_and_evaluate_from_the_cli(trained: dict[str, Any], home: Ledger) -> None:
    runner = CliRunner()
    run_id = trained["runs"]["clean"].ledger_run
    result = runner.invoke(app, ["probe", "--run", run_id, "--candidates", "1000"])
    assert result.exit_code == 0, result.output
    assert "release: pass" in result.output
    result = runner.invoke(app, ["probe", "--run", trained["runs"]["canaries"].ledger_run, "--candidates",
                                 "1000"])
    assert result.exit_code == 3 and "release: fail" in result.output
    adapter = str(trained["root"] / "clean" / "adapter")
    result = runner.invoke(app, ["probe", "--adapter", adapter, "--candidates", "1000", "--out",
                                 str(trained["root"] / "by-adapter")])
    assert result.exit_code == 0, result.output
    report = json.loads((trained["root"] / "by-adapter" / "probe_report.json").read_text(encoding="utf-8"))
    assert report["training_run"] == run_id  # found through the manifest and checked against the ledger
    result = runner.invoke(app, ["probe", "--run", run_id, "--adapter", adapter])
    assert result.exit_code == 2 and "exactly one of --run" in result.output
    result = runner.invoke(app, ["evaluate", "--run", run_id, "--max-new-tokens", "24"])
    assert result.exit_code == 0, result.output
    evaluation = json.loads((trained["root"] / "clean" / "evaluation.json").read_text(encoding="utf-8"))
    assert evaluation["adapter"]["task"] == "generation" and evaluation["adapter"]["n"] > 80
    # the adapter learnt the task: its completions overlap the references more than the base model's
    assert evaluation["delta"]["token_f1"] > 0
    run = [e for e in home.iter_entries() if e.run_id == evaluation["evaluation_run"]]
    assert [e.kind for e in run] == ["run_started", "evaluation", "run_completed"]
    assert run[0].payload["config"] == {"adapter": adapter, "training_run": run_id, "task": "generation"}
    assert run[1].payload["training_run"] == run_id and run[1].payload["test_sha256"] == evaluation["test_sha256"]


def _runs_of(ledger: Ledger, stage: str) -> int:
    return sum(e.kind == "run_started" and e.payload["stage"] == stage for e in ledger.iter_entries())


def test_probe_and_evaluate_refuse_before_their_run_opens(trained: dict[str, Any], home: Ledger,
                                                          tmp_path: Path) -> None:
    """An adapter whose manifest names no usable test split is refused by the checks that come before the
    ledger run, so the refusal leaves no run started (and none unfinished)."""
    import shutil

    from gdprep.errors import ConfigError

    copy = tmp_path / "copy"
    shutil.copytree(Path(trained["runs"]["clean"].config["output_dir"]), copy)
    saved = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    probes, evaluations = _runs_of(home, "probes"), _runs_of(home, "evaluation")
    (copy / "manifest.json").write_text(json.dumps({**saved, "test_file": str(tmp_path / "gone.jsonl")}),
                                        encoding="utf-8")
    with pytest.raises(ConfigError, match="no test split for the probes"):
        stages.probe(home, None, adapter_dir=copy / "adapter", settings=SETTINGS, command="gdprep probe")
    (copy / "manifest.json").write_text(json.dumps({**saved, "test_file": None}), encoding="utf-8")
    with pytest.raises(ConfigError, match="no test split recorded"):
        stages.evaluate(home, adapter_dir=copy / "adapter", command="gdprep evaluate")
    assert (_runs_of(home, "probes"), _runs_of(home, "evaluation")) == (probes, evaluations)
    assert home.unfinished_runs() == {}


def test_a_changed_adapter_is_refused(trained: dict[str, Any], home: Ledger, tmp_path: Path) -> None:
    import shutil

    manifest = trained["runs"]["clean"]
    copy = tmp_path / "copy"
    shutil.copytree(Path(manifest.config["output_dir"]), copy)
    weights = copy / "adapter" / "adapter_model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1
    weights.write_bytes(bytes(data))
    with pytest.raises(AdapterNotFound, match="changed after training"):
        find_adapter(home, adapter_dir=copy / "adapter")
    with pytest.raises(AdapterNotFound, match="not a training run"):
        find_adapter(home, run_id="0" * 32)


def test_erasure_impact_names_the_adapters_trained_on_the_subject(trained: dict[str, Any], home: Ledger) -> None:
    from gdprep.service.stages import erasure_impact

    in_train = 0
    for name in CUSTOMERS:
        impact = erasure_impact(home, _email(name))
        assert impact["record_count"] == 1
        runs = {a["training_run"] for a in impact["adapters"]}
        if impact["splits"].get("train"):
            in_train += 1
            assert runs == {trained["runs"]["canaries"].ledger_run, trained["runs"]["clean"].ledger_run}
        else:
            assert runs == set()
            # a record in the test split: both training runs recorded that split, neither trained on it
            seen_not_trained = {a["training_run"] for a in impact["adapters_not_trained_on"]}
            if impact["splits"].get("test"):
                assert seen_not_trained == {trained["runs"]["canaries"].ledger_run,
                                            trained["runs"]["clean"].ledger_run}
    assert in_train >= 1


def test_probing_runs_offline_and_an_outbound_connection_fails_it(trained: dict[str, Any], home: Ledger,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import socket

    from gdprep.errors import EgressError
    from gdprep.training import probes

    seen: dict[str, Any] = {}
    original = probes.run_probes

    def phoning_home(*args: Any, **kwargs: Any) -> Any:
        seen.update({k: os.environ.get(k) for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE",
                                                    "HF_DATASETS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY")})
        socket.create_connection(("203.0.113.9", 443), timeout=1)  # TEST-NET-3: must never be reached
        return original(*args, **kwargs)

    monkeypatch.setattr("gdprep.training.release.run_probes", phoning_home)
    run_id = trained["runs"]["clean"].ledger_run
    with pytest.raises(EgressError):
        stages.probe(home, load_policy(None), run_id=run_id, settings=SETTINGS, out_dir=trained["root"] / "egress",
                     command="gdprep probe")
    assert set(seen.values()) == {"1"}
    assert not (trained["root"] / "egress" / "probe_report.json").exists()
    failed = [e for e in home.iter_entries() if e.kind == "run_failed"]
    assert failed[-1].payload["stage"] == "probes" and failed[-1].payload["error"] == "EgressError"


def test_the_merged_adapter_scores_like_the_unmerged_one(trained: dict[str, Any], home: Ledger) -> None:
    """Probes run on the adapter merged into the base weights; the scores must be the adapter's own."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    from gdprep.training.modelio import load_model

    manifest = trained["runs"]["canaries"]
    base, adapter = Path(manifest.base_model.path), Path(manifest.config["output_dir"]) / "adapter"
    merged = load_model(base, adapter, device="cpu")
    unmerged = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), str(adapter)).eval()
    bare = AutoModelForCausalLM.from_pretrained(base).eval()
    ids = torch.tensor([merged.tokenizer("my account PIN is 170123", add_special_tokens=False)["input_ids"]])
    with torch.inference_mode():
        a, b, c = merged.model(input_ids=ids).logits, unmerged(input_ids=ids).logits, bare(input_ids=ids).logits
    assert torch.allclose(a, b, atol=1e-4)
    assert not torch.allclose(a, c, atol=1e-2)  # and the adapter does change the model
