"""`gdprep export-adapter`: the hand-off of an adapter to serving (vLLM, TGI).

One adapter is LoRA-trained on the tiny smoke model (not a real model) through the real gated path, registered,
probed twice and approved. Its 8 test records make the probes inconclusive: under the default policy that keeps
it back, under a policy that releases inconclusive verdicts it is released. The state directory is copied after
training (never probed) and after the first probe (inconclusive, not released), so that refusals are tested on
real ledgers."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import shutil
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
from gdprep.training.export import chat_template, vllm_max_lora_rank
from gdprep.training.probes import ProbeSettings
from gdprep.training.smoke import build_smoke_model

from .conftest import redact_and_curate, router_rows

pytest.importorskip("torch")
pytest.importorskip("peft")
pytest.importorskip("mlflow")

ROWS = router_rows()
MODEL = "router-bot"
RANK, ALPHA = 4, 8
TEMPLATE = ("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}</s>{% endfor %}"
            "{% if add_generation_prompt %}<|assistant|>{% endif %}")
SETTINGS = ProbeSettings(bootstrap=100, regurgitation_contexts=10)
runner = CliRunner()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("export")
    home = root / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(home))
        mp.setenv("GDPREP_REGION", "GB")
        redact_and_curate(root, ROWS)
        base = build_smoke_model([r["prompt"] + " " + r["completion"] for r in ROWS], root / "model")
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
        tokenizer.chat_template = TEMPLATE  # as a real instruct model's tokenizer has; training keeps it
        tokenizer.save_pretrained(base)
        manifest = stages.train(Ledger(), TrainConfig.model_validate({
            "base_model": str(base), "train_file": str(root / "cur" / "train.jsonl"),
            "validation_file": str(root / "cur" / "validation.jsonl"), "output_dir": str(root / "out"),
            "epochs": 1, "batch_size": 8, "eval_steps": 4, "max_length": 48, "seed": 7, "registered_model": MODEL,
            "canaries": {"enabled": False}, "lora": {"r": RANK, "alpha": ALPHA, "target_modules": ["q_proj", "v_proj"]},
            "learning_rate": 0.005}))
        run = manifest.ledger_run
        shutil.copytree(home, root / "home-unprobed")
        stages.probe(Ledger(), None, run_id=run, settings=SETTINGS, command="gdprep probe")
        shutil.copytree(home, root / "home-inconclusive")
        lenient = load_policy(None).model_copy(update={"release_gate": load_policy(None).release_gate.model_copy(
            update={"release_if_inconclusive": True})})
        stages.probe(Ledger(), lenient, run_id=run, settings=SETTINGS, command="gdprep probe")
        from gdprep.service.keys import KeyStore

        KeyStore(Ledger()).create("carol", "compliance_officer")
        approved = runner.invoke(app, ["models", "approve", f"{MODEL}:1", "--approver", "carol", "--note", "read it"])
        assert approved.exit_code == 0, approved.output
        yield {"root": root, "home": home, "run": run, "manifest": manifest, "base": base,
               "adapter": root / "out" / "adapter"}


@pytest.fixture()
def ledger_home(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GDPREP_HOME", str(world["home"]))
    monkeypatch.setenv("GDPREP_REGION", "GB")
    return world["home"]


@pytest.fixture(scope="module")
def exported(world: dict[str, Any]) -> dict[str, Any]:
    """The released adapter exported by its training run id, through the CLI."""
    out = world["root"] / "exports" / "router-bot-v1"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(world["home"]))
        result = runner.invoke(app, ["export-adapter", "--run", world["run"], "--out", str(out)])
    assert result.exit_code == 0, result.output
    return {"out": out, "result": result, "meta": json.loads((out / "gdprep-export.json").read_text("utf-8"))}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _exports(home: Path) -> list[dict[str, Any]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(home))
        return [e.payload for e in Ledger().iter_entries() if e.kind == "adapter_exported"]


def test_a_released_adapter_is_exported_with_everything_serving_needs(world: dict[str, Any],
                                                                       exported: dict[str, Any]) -> None:
    out, meta, manifest = exported["out"], exported["meta"], world["manifest"]
    assert {p.name for p in out.iterdir()} == {"adapter", "gdprep-export.json", "README.md", "SHA256SUMS",
                                               "base-model.sha256", "chat_template.jinja"}
    assert list(out.parent.iterdir()) == [out]  # no temporary directory left beside it
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask  # as readable as a plain mkdir would make it
    adapter_files = {p.name for p in (out / "adapter").iterdir()}
    assert {"adapter_config.json", "adapter_model.safetensors", "tokenizer_config.json"} <= adapter_files
    config = json.loads((out / "adapter" / "adapter_config.json").read_text("utf-8"))
    assert config["peft_type"] == "LORA" and config["r"] == RANK and config["lora_alpha"] == ALPHA
    # the adapter config is the one training wrote: its base_model_name_or_path kept, the name recorded beside it
    assert config == json.loads((world["adapter"] / "adapter_config.json").read_text("utf-8"))
    assert meta["adapter"]["base_model_name_or_path"] == str(world["base"])
    assert meta["base_model"]["name"] == world["base"].name == "model"
    # the base model's weight hashes are the files' real hashes, and base-model.sha256 lists them for sha256sum -c
    real = {p.name: _sha256(p) for p in world["base"].glob("*.safetensors")}
    assert real and meta["base_model"]["weights_sha256"] == real == manifest.base_model.weights_sha256
    assert (out / "base-model.sha256").read_text("utf-8") == "".join(f"{h}  {n}\n" for n, h in sorted(real.items()))
    assert meta["adapter"]["sha256"] == manifest.adapter_sha256
    assert meta["adapter"]["target_modules"] == ["q_proj", "v_proj"] and meta["adapter"]["vllm_max_lora_rank"] == 8
    assert meta["release"]["verdict"] == "inconclusive" and meta["release"]["released"] is True
    assert meta["release"]["probe_run"] and meta["release"]["checks"]
    assert [(a["model"], a["version"], a["approver"], a["role"]) for a in meta["approvals"]] == [
        (MODEL, "1", "carol", "compliance_officer")]
    assert meta["training"]["run"] == world["run"] and meta["training"]["region"] == "GB"
    assert meta["training"]["datasets"]["train_sha256"] == manifest.datasets.train_sha256
    assert meta["forced"] is False and meta["force_reason"] is None and meta["schema_version"] == 1
    # no --policy: the training run's (the default policy here), its hash recorded with the export
    assert meta["export_policy_hash"] == load_policy(None).canonical_hash() == meta["training"]["policy_hash"]
    # the tokenizer's chat template, also on its own for vLLM's --chat-template
    assert (out / "chat_template.jinja").read_text("utf-8") == TEMPLATE
    assert meta["chat_template"]["file"] == "chat_template.jinja"
    assert meta["chat_template"]["source"] in ("adapter/chat_template.jinja", "adapter/tokenizer_config.json")
    summary = exported["result"].stderr
    assert str(out) in summary and manifest.adapter_sha256[:16] in summary and "inconclusive (released)" in summary
    assert exported["result"].stdout.strip() == str(out)


def test_sha256sums_covers_every_exported_file(exported: dict[str, Any]) -> None:
    out = exported["out"]
    listed = {}
    for line in (out / "SHA256SUMS").read_text("utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert set(listed) == files
    assert all(_sha256(out / name) == digest for name, digest in listed.items())


def test_the_readme_gives_the_vllm_and_tgi_commands_for_this_export(world: dict[str, Any],
                                                                    exported: dict[str, Any]) -> None:
    out, readme = exported["out"], (exported["out"] / "README.md").read_text("utf-8")
    base = world["base"]
    assert (f"vllm serve {base} --enable-lora --lora-modules {MODEL}={out / 'adapter'} --max-lora-rank 8 "
            f"--chat-template {out / 'chat_template.jinja'}" in readme)
    assert f"text-generation-launcher --model-id {base} --lora-adapters {MODEL}={out / 'adapter'}" in readme
    assert f'"adapter_id": "{MODEL}"' in readme and f'"model": "{MODEL}"' in readme
    assert exported["meta"]["adapter"]["sha256"] in readme and "sha256sum -c" in readme
    assert "**inconclusive**, released" in readme and "carol" in readme
    assert "smoke model" in readme and "The tokenizer's chat template is in `chat_template.jinja`" in readme
    assert "Forced export" not in readme


def test_the_exported_adapter_reloads_with_peft_and_matches_the_trained_model(world: dict[str, Any],
                                                                              exported: dict[str, Any]) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from gdprep.training.modelio import load_model

    adapter = exported["out"] / "adapter"
    tokenizer = AutoTokenizer.from_pretrained(adapter, local_files_only=True)
    texts = [f"{r['prompt']}\n{r['completion']}" for r in ROWS[:3]] + ["Is the router model 3 broken?"]
    batch = tokenizer(texts, return_tensors="pt", padding=True)

    def logits(model: Any) -> torch.Tensor:
        with torch.inference_mode():
            return model(**batch).logits.float()

    def bare() -> Any:
        return AutoModelForCausalLM.from_pretrained(world["base"], local_files_only=True).eval()

    served = logits(PeftModel.from_pretrained(bare(), str(adapter)).eval())
    trained = logits(load_model(world["base"], world["adapter"], device="cpu").model)
    base = logits(bare())
    mask = batch["attention_mask"].bool()
    assert torch.allclose(served[mask], trained[mask], rtol=1e-4, atol=1e-5)
    # the comparison can tell adapters apart: the bare base model is far outside that tolerance
    assert (served[mask] - base[mask]).abs().max().item() > 1e-2


def test_a_registered_version_is_exported_by_name_and_version(world: dict[str, Any], ledger_home: Path) -> None:
    out = world["root"] / "exports" / "by-name"
    result = runner.invoke(app, ["export-adapter", "--run", f"{MODEL}:1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "gdprep-export.json").read_text("utf-8"))
    assert meta["training"]["run"] == world["run"] and meta["registered_versions"] == [f"{MODEL}:1"]
    unknown = runner.invoke(app, ["export-adapter", "--run", f"{MODEL}:9", "--out", str(out.with_name("nine"))])
    assert unknown.exit_code == 2 and f"{MODEL}:9 is not a registered model version" in unknown.output
    assert not out.with_name("nine").exists()


def test_every_export_is_in_the_ledger_and_the_ledger_verifies(world: dict[str, Any], exported: dict[str, Any],
                                                               ledger_home: Path) -> None:
    entry = next(p for p in _exports(ledger_home) if p["out_dir"] == str(exported["out"]))
    assert entry["forced"] is False and entry["reason"] is None and entry["verdict"] == "inconclusive"
    assert entry["released"] is True and entry["approvers"] == ["carol"] and entry["actor"] == getpass.getuser()
    assert entry["adapter_sha256"] == world["manifest"].adapter_sha256 and entry["training_run"] == world["run"]
    assert entry["export_sha256"] == _sha256(exported["out"] / "gdprep-export.json")
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


@pytest.mark.parametrize(("state", "verdict", "todo"), [
    ("unprobed", "has no release decision: it was never probed", "gdprep probe --run"),
    ("inconclusive", "release decision is inconclusive", "probe again with more test records"),
])
def test_an_adapter_the_gate_kept_back_is_refused_and_nothing_is_written(
        world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, state: str, verdict: str, todo: str) -> None:
    home = world["root"] / f"home-{state}"
    monkeypatch.setenv("GDPREP_HOME", str(home))
    out = world["root"] / "refused" / state
    before = _exports(home)
    result = runner.invoke(app, ["export-adapter", "--run", world["run"], "--out", str(out)])
    assert result.exit_code == 3, result.output
    assert verdict in result.output and todo in result.output and '--force --reason "..."' in result.output
    assert "Traceback" not in result.output
    assert not out.parent.exists()  # not even the temporary directory's parent was made
    assert _exports(home) == before


def test_the_latest_decision_counts(world: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of the released ledger, then a later probes verdict of fail for the same adapter: refused."""
    home = tmp_path / "home-failed"
    shutil.copytree(world["home"], home)
    monkeypatch.setenv("GDPREP_HOME", str(home))
    ledger = Ledger()
    run = ledger.start_run("probes", command="gdprep probe", config={"training_run": world["run"]})
    ledger.append("release_decision", {"stage": "probes", "release": "fail", "released": False, "checks": {},
                                       "reasons": ["regurgitated PII"], "training_run": world["run"],
                                       "adapter_sha256": world["manifest"].adapter_sha256}, run_id=run)
    ledger.finish_run(run, "probes", ok=True)
    out = tmp_path / "out"
    result = runner.invoke(app, ["export-adapter", "--run", world["run"], "--out", str(out)])
    assert result.exit_code == 3 and f"release decision is fail (probes run {run})" in result.output, result.output
    assert not out.exists()


@pytest.mark.parametrize(("options", "message"), [
    (["--force"], '--force needs --reason "..."'),
    (["--force", "--reason", "   "], '--force needs --reason "..."'),
    (["--reason", "because"], "--reason goes with --force"),
])
def test_force_needs_a_reason(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, options: list[str],
                              message: str) -> None:
    monkeypatch.setenv("GDPREP_HOME", str(world["root"] / "home-inconclusive"))
    out = world["root"] / "no-reason"
    result = runner.invoke(app, ["export-adapter", "--run", world["run"], "--out", str(out), *options])
    assert result.exit_code == 2 and message in result.output, result.output
    assert not out.exists()


def test_a_forced_export_records_who_why_and_the_verdict_it_overrode(world: dict[str, Any],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    home = world["root"] / "home-inconclusive"
    monkeypatch.setenv("GDPREP_HOME", str(home))
    out = world["root"] / "forced"
    reason = "pilot with 20 internal users; DPO sign-off INC-4411"
    result = runner.invoke(app, ["export-adapter", "--run", world["run"], "--out", str(out), "--force",
                                 "--reason", reason])
    assert result.exit_code == 0, result.output
    assert "FORCED past the release gate" in result.stderr
    meta = json.loads((out / "gdprep-export.json").read_text("utf-8"))
    assert meta["forced"] is True and meta["force_reason"] == reason
    assert meta["release"]["verdict"] == "inconclusive" and meta["release"]["released"] is False
    assert meta["approvals"] == []
    readme = (out / "README.md").read_text("utf-8")
    assert "**Forced export.**" in readme and reason in readme
    [entry] = _exports(home)
    assert entry["forced"] is True and entry["reason"] == reason and entry["verdict"] == "inconclusive"
    assert entry["released"] is False and entry["actor"] == getpass.getuser()
    run_started = next(e for e in Ledger().iter_entries() if e.kind == "run_started" and e.payload["stage"] == "export")
    assert run_started.payload["config"]["forced"] is True and run_started.payload["config"]["reason"] == reason
    assert Ledger().verify().ok
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


@pytest.mark.parametrize(("file", "change", "code", "message"), [
    ("adapter_model.safetensors", lambda b: b[:-1] + bytes([b[-1] ^ 1]), 2, "it was changed after training"),
    ("adapter_config.json", lambda b: b.replace(f'"lora_alpha": {ALPHA}'.encode(), b'"lora_alpha": 64'), 1,
     "lora_alpha is 64 but training run"),
])
def test_a_changed_adapter_is_refused_even_when_forced(world: dict[str, Any], ledger_home: Path, file: str,
                                                       change: Any, code: int, message: str) -> None:
    path = world["adapter"] / file
    original = path.read_bytes()
    changed = change(original)
    assert changed != original
    out = world["root"] / "tampered"
    try:
        path.write_bytes(changed)
        for extra in ([], ["--force", "--reason", "urgent"]):
            result = runner.invoke(app, ["export-adapter", "--run", world["run"], "--out", str(out), *extra])
            assert result.exit_code == code and message in result.output, result.output
            assert not out.exists()
    finally:
        path.write_bytes(original)


def test_an_existing_directory_is_replaced_only_with_overwrite(world: dict[str, Any], ledger_home: Path) -> None:
    empty = world["root"] / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["export-adapter", "--run", world["run"], "--out", str(empty)])
    assert result.exit_code == 0 and (empty / "gdprep-export.json").is_file(), result.output
    out = world["root"] / "occupied"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    result = runner.invoke(app, ["export-adapter", "--run", world["run"], "--out", str(out)])
    assert result.exit_code == 2 and "exists and is not empty" in result.output and "--overwrite" in result.output
    assert (out / "notes.txt").read_text("utf-8") == "keep me"
    # --overwrite deletes what it replaces: only an earlier export, never a directory of something else
    result = runner.invoke(app, ["export-adapter", "--run", world["run"], "--out", str(out), "--overwrite"])
    assert result.exit_code == 2 and "is not an earlier export" in result.output, result.output
    assert (out / "notes.txt").read_text("utf-8") == "keep me"
    (empty / "stale.txt").write_text("from the earlier export's day", encoding="utf-8")
    result = runner.invoke(app, ["export-adapter", "--run", world["run"], "--out", str(empty), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert not (empty / "stale.txt").exists() and (empty / "adapter" / "adapter_model.safetensors").is_file()
    assert [p.name for p in empty.parent.iterdir() if p.name.startswith(".empty")] == []
    # never over the training output that holds the adapter
    result = runner.invoke(app, ["export-adapter", "--run", world["run"], "--out", str(world["adapter"].parent),
                                 "--overwrite"])
    assert result.exit_code == 2 and "holds or is inside the adapter being exported" in result.output
    assert (world["adapter"] / "adapter_model.safetensors").is_file()


def test_an_export_that_fails_half_way_leaves_nothing_and_the_run_failed(world: dict[str, Any], ledger_home: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from gdprep.training import export

    def broken(meta: dict[str, Any], target: Path) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "render_readme", broken)
    out = world["root"] / "half" / "export"
    result = runner.invoke(app, ["export-adapter", "--run", world["run"], "--out", str(out)])
    assert result.exit_code == 2 and "no space left on device" in result.output, result.output
    assert not out.exists() and list(out.parent.iterdir()) == []
    last = [e for e in Ledger().iter_entries() if e.payload.get("stage") == "export"][-1]
    assert last.kind == "run_failed"


def test_an_unknown_run_is_named() -> None:
    result = runner.invoke(app, ["export-adapter", "--run", "0" * 32, "--out", "x"])
    assert result.exit_code == 2 and "is not a training run in the ledger" in result.output


@pytest.mark.parametrize(("files", "expected"), [
    ({"chat_template.jinja": "{{ messages }}", "tokenizer_config.json": '{"chat_template": "other"}'},
     ("{{ messages }}", "adapter/chat_template.jinja")),
    ({"tokenizer_config.json": '{"chat_template": "{{ messages }}"}'},
     ("{{ messages }}", "adapter/tokenizer_config.json")),
    ({"tokenizer_config.json": '{"model_max_length": 512}'}, (None, None)),
    ({}, (None, None)),
])
def test_the_chat_template_is_found_where_transformers_saves_it(tmp_path: Path, files: dict[str, str],
                                                                expected: tuple[str | None, str | None]) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert chat_template(tmp_path) == expected


@pytest.mark.parametrize(("r", "flag"), [(1, 8), (4, 8), (8, 8), (9, 16), (64, 64), (65, 128), (300, 320),
                                         (512, 512), (513, None)])
def test_the_vllm_rank_flag_is_the_smallest_accepted_value_that_fits(r: int, flag: int | None) -> None:
    assert vllm_max_lora_rank(r) == flag


def test_the_python_api_exports_as_the_cli_does(world: dict[str, Any], ledger_home: Path, tmp_path: Path) -> None:
    import gdprep

    meta = gdprep.export_adapter(world["run"], tmp_path / "api-export")
    assert meta["adapter"]["sha256"] == world["manifest"].adapter_sha256 and meta["release"]["released"]
    assert (tmp_path / "api-export" / "adapter" / "adapter_config.json").is_file()
    started = [e.payload for e in Ledger().iter_entries() if e.kind == "run_started"
               and e.payload.get("stage") == "export" and e.run_id == meta["export_run"]]
    assert [s["command"] for s in started] == [f"gdprep.export_adapter({world['run']!r}) (Python API)"]
