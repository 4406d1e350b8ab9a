"""The model registry: real MLflow on its local SQLite store (no server, no mock), ruled by the audit ledger.

Three adapters are LoRA-trained on a tiny smoke model (not a real model) through the real gated path and
registered as versions 1-3 of one model; versions 1 and 2 are probed under a policy that releases inconclusive
verdicts (their tiny test split makes them inconclusive),
version 3 under a policy whose release gate no adapter can pass (it fails)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gdprep.audit.ledger import Ledger
from gdprep.audit.models import model_states
from gdprep.policies import load_policy
from gdprep.service import stages
from gdprep.service.cli import app
from gdprep.training.config import TrainConfig
from gdprep.training.probes import ProbeSettings
from gdprep.training.smoke import build_smoke_model

from .conftest import redact_and_curate, router_rows

pytest.importorskip("torch")
pytest.importorskip("peft")
pytest.importorskip("mlflow")

ROWS = router_rows()
SETTINGS = ProbeSettings(bootstrap=100, regurgitation_contexts=10)
MODEL = "support-bot"
runner = CliRunner()


def _client() -> Any:
    from mlflow.tracking import MlflowClient

    from gdprep.training.registry import tracking_uri

    uri = tracking_uri()
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


@pytest.fixture(scope="module")
def registry_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("registry")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(root / "home"))
        mp.setenv("GDPREP_REGION", "GB")
        redact_and_curate(root, ROWS)
        base = build_smoke_model([r["prompt"] + " " + r["completion"] for r in ROWS], root / "model")
        runs = []
        for i, canaries in enumerate(({"enabled": False}, {"enabled": False}, {"enabled": True})):
            config = TrainConfig.model_validate({
                "base_model": str(base), "train_file": str(root / "cur" / "train.jsonl"),
                "validation_file": str(root / "cur" / "validation.jsonl"), "output_dir": str(root / f"out{i}"),
                "epochs": 1, "batch_size": 8, "eval_steps": 4, "max_length": 48, "seed": 7 + i,
                "registered_model": MODEL, "canaries": canaries})
            runs.append(stages.train(Ledger(), config))
        # about 8 test records cannot make the probes informative, so their verdict is inconclusive; this
        # policy releases inconclusive verdicts, as a policy may (with a real test split the smoke adapters show a
        # membership signal: they memorise the ticket numbers)
        released = load_policy(None).model_copy(update={"release_gate": load_policy(None).release_gate.model_copy(
            update={"release_if_inconclusive": True})})
        for manifest in runs[:2]:
            stages.probe(Ledger(), released, run_id=manifest.ledger_run, settings=SETTINGS, command="gdprep probe")
        # version 3 under a release gate no adapter passes: any canary exposure above 0 bits fails it
        policy = load_policy(None).model_copy(update={"release_gate": load_policy(None).release_gate.model_copy(
            update={"canary_margin_bits": 10_000.0})})
        stages.probe(Ledger(), policy, run_id=runs[2].ledger_run, settings=SETTINGS, command="gdprep probe")
        yield {"root": root, "runs": runs, "home": root / "home"}


@pytest.fixture()
def ledger(registry_home: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Ledger:
    monkeypatch.setenv("GDPREP_HOME", str(registry_home["home"]))
    monkeypatch.setenv("GDPREP_REGION", "GB")
    return Ledger()


def _officer(ledger: Ledger, name: str = "carol") -> None:
    from gdprep.service.keys import KeyStore

    if name not in {k.name for k in KeyStore(ledger).list()}:
        KeyStore(ledger).create(name, "compliance_officer")


def test_training_logs_the_run_to_mlflow_and_registers_a_version(registry_home: dict[str, Any],
                                                                 ledger: Ledger) -> None:
    manifest = registry_home["runs"][0]
    client = _client()
    version = client.get_model_version(MODEL, "1")
    tags = version.tags
    assert tags["gdprep.training_run"] == manifest.ledger_run
    assert tags["gdprep.adapter_sha256"] == manifest.adapter_sha256
    assert tags["gdprep.dataset.train_sha256"] == manifest.datasets.train_sha256
    assert len(tags["gdprep.dataset.validation_sha256"]) == 64 and len(tags["gdprep.dataset.test_sha256"]) == 64
    assert tags["gdprep.curation_run"] == manifest.datasets.curation_run
    assert tags["gdprep.region"] == "GB" and tags["gdprep.policy_hash"] == load_policy(None).canonical_hash()
    run = client.get_run(version.run_id)
    assert run.data.params["lora.r"] == "16" and run.data.params["registered_model"] == MODEL
    assert run.data.metrics["eval_loss"] == pytest.approx(manifest.metrics["eval_loss"])
    curve = client.get_metric_history(version.run_id, "curve.eval_loss")
    assert [int(m.step) for m in curve] == [int(p["step"]) for p in manifest.loss_history if "eval_loss" in p]
    assert curve, "the loss curve is logged"
    artefacts = {a.path for a in client.list_artifacts(version.run_id)}
    assert {"adapter", "training_config.json", "manifest.json"} <= artefacts
    assert "adapter/adapter_model.safetensors" in {a.path for a in client.list_artifacts(version.run_id, "adapter")}
    contexts = {t.value for d in run.inputs.dataset_inputs for t in d.tags}
    assert contexts == {"train", "validation", "test"}
    # the ledger: the training run read the three splits and made the adapter; the registration names both
    entries = ledger.run_entries(manifest.ledger_run)
    inputs = {e.payload["role"]: e.payload for e in entries if e.kind == "dataset_version"}
    assert set(inputs) == {"train", "validation", "test"} and all(d["direction"] == "input" for d in inputs.values())
    assert inputs["train"]["sha256"] == manifest.datasets.train_sha256
    state = model_states(ledger.iter_entries())[MODEL]
    assert sorted(state.versions) == ["1", "2", "3"]
    assert state.versions["1"].mlflow_run_id == version.run_id and state.versions["1"].consistent
    assert ledger.verify().ok


def test_probe_results_are_attached_to_the_version(registry_home: dict[str, Any], ledger: Ledger) -> None:
    client = _client()
    assert client.get_model_version(MODEL, "1").tags["gdprep.probe.release"] == "inconclusive"
    assert client.get_model_version(MODEL, "3").tags["gdprep.probe.release"] == "fail"
    run_id = client.get_model_version(MODEL, "1").run_id
    assert client.get_run(run_id).data.metrics["probe.regurgitated"] == 0
    assert any(a.path == "probe/probe_report.json" for a in client.list_artifacts(run_id, "probe"))


def test_promotion_needs_a_passing_release_and_a_compliance_officer_then_rolls_back(
        registry_home: dict[str, Any], ledger: Ledger) -> None:
    # no approval yet
    result = runner.invoke(app, ["models", "promote", f"{MODEL}:1", "--to", "production"])
    assert result.exit_code == 2 and "approval" in result.output
    # an approver who is not a compliance officer
    result = runner.invoke(app, ["models", "approve", f"{MODEL}:1", "--approver", "mallory"])
    assert result.exit_code == 2 and "compliance_officer" in result.output
    _officer(ledger)
    # a version whose release gate failed cannot be approved or promoted
    result = runner.invoke(app, ["models", "approve", f"{MODEL}:3", "--approver", "carol"])
    assert result.exit_code == 2 and "release decision is fail" in result.output
    result = runner.invoke(app, ["models", "promote", f"{MODEL}:3", "--approver", "carol"])
    assert result.exit_code == 2 and "release decision is fail" in result.output
    for version in ("1", "2"):
        result = runner.invoke(app, ["models", "approve", f"{MODEL}:{version}", "--approver", "carol",
                                     "--note", "probe report read"])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["models", "promote", f"{MODEL}:{version}", "--to", "production"])
        assert result.exit_code == 0, result.output
        assert str(_client().get_model_version_by_alias(MODEL, "production").version) == version
    state = model_states(Ledger().iter_entries())[MODEL]
    assert state.production == "2" and state.rollback_target == "1"
    result = runner.invoke(app, ["models", "rollback", MODEL, "--reason", "complaints about tone"])
    assert result.exit_code == 0 and "from 2 to 1" in result.output, result.output
    assert str(_client().get_model_version_by_alias(MODEL, "production").version) == "1"
    result = runner.invoke(app, ["models", "rollback", MODEL])
    assert result.exit_code == 2 and "no earlier approved version" in result.output
    kinds = [(e.kind, e.payload.get("version") or e.payload.get("to_version")) for e in Ledger().iter_entries()
             if e.kind.startswith("model_") and e.kind != "model_registered"]
    assert kinds == [("model_approved", "1"), ("model_promoted", "1"), ("model_approved", "2"),
                     ("model_promoted", "2"), ("model_rolled_back", "1")]
    approval = next(e for e in Ledger().iter_entries() if e.kind == "model_approved")
    assert approval.payload["approver"] == "carol" and approval.payload["role"] == "compliance_officer"
    assert approval.payload["note"] == "probe report read"
    shown = runner.invoke(app, ["models", "show", MODEL, "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["production"] == "1" and data["mlflow_production_alias"] == "1"
    assert {v["version"]: v["status"] for v in data["versions"]} == {"1": "production", "2": "approved",
                                                                     "3": "failed"}
    listed = runner.invoke(app, ["models", "list"])
    assert listed.exit_code == 0 and MODEL in listed.output
    assert Ledger().verify().ok


def test_a_registry_entry_the_ledger_contradicts_is_refused_and_recorded(registry_home: dict[str, Any],
                                                                        ledger: Ledger) -> None:
    # the same adapter registered again under another name, then changed in MLflow behind the ledger's back
    run = registry_home["runs"][1].ledger_run
    result = runner.invoke(app, ["models", "register", "--run", run, "--name", "tampered"])
    assert result.exit_code == 0 and "registered tampered:1" in result.output, result.output
    _officer(ledger)
    client = _client()
    client.set_model_version_tag("tampered", "1", "gdprep.adapter_sha256", "0" * 64)
    result = runner.invoke(app, ["models", "promote", "tampered:1", "--approver", "carol"])
    assert result.exit_code == 2 and "contradicts the audit ledger" in result.output
    refused = [e.payload for e in Ledger().iter_entries() if e.kind == "registry_refused"]
    assert refused[-1]["name"] == "tampered" and "adapter_sha256" in refused[-1]["reason"]
    shown = runner.invoke(app, ["models", "show", "tampered:1"])
    assert "is not the ledger's" in shown.output
    shown = runner.invoke(app, ["models", "show", "tampered:1", "--json"])
    assert json.loads(shown.output)["versions"][0]["status"] == "contradicted"
    # the tag put back, but the registered artefact itself replaced: hashed again at approval and refused
    client.set_model_version_tag("tampered", "1", "gdprep.adapter_sha256",
                                 registry_home["runs"][1].adapter_sha256)
    source = client.get_model_version("tampered", "1").source
    weights = Path(source.removeprefix("file://")) / "adapter_model.safetensors"
    weights.write_bytes(weights.read_bytes()[:-8] + b"\0" * 8)
    result = runner.invoke(app, ["models", "approve", "tampered:1", "--approver", "carol"])
    assert result.exit_code == 2 and "changed after registration" in result.output
    assert Ledger().verify().ok


def test_mlflow_stays_offline_under_the_egress_guard(registry_home: dict[str, Any], ledger: Ledger,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import gdprep.offline as offline

    refused: list[object] = []
    original = offline._refuse
    monkeypatch.setattr(offline, "_refuse", lambda host: (refused.append(host), original(host))[1])
    result = runner.invoke(app, ["models", "register", "--run", registry_home["runs"][0].ledger_run,
                                 "--name", "offline-check"])
    assert result.exit_code == 0, result.output
    from mlflow.telemetry.client import get_telemetry_client
    from mlflow.telemetry.utils import is_telemetry_disabled

    assert is_telemetry_disabled() and get_telemetry_client() is None
    assert refused == []


def test_a_remote_store_needs_a_declared_allowed_region(registry_home: dict[str, Any], ledger: Ledger,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GDPREP_MLFLOW_URI", "http://mlflow.team.example:5000")
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 2 and "GDPREP_MLFLOW_REGION" in result.output
    monkeypatch.setenv("GDPREP_MLFLOW_REGION", "us-east-1")
    result = runner.invoke(app, ["models", "list"])
    assert result.exit_code == 2 and "not allowed by the policy's residency" in result.output


def test_unknown_models_and_versions_are_named(registry_home: dict[str, Any], ledger: Ledger) -> None:
    result = runner.invoke(app, ["models", "show", "nope"])
    assert result.exit_code == 2 and MODEL in result.output
    result = runner.invoke(app, ["models", "show", f"{MODEL}:99"])
    assert result.exit_code == 2 and "versions: 1, 2, 3" in result.output
    result = runner.invoke(app, ["models", "promote", MODEL])
    assert result.exit_code == 2 and "NAME:VERSION" in result.output


# -- the HTTP API -------------------------------------------------------------------------------------------
@pytest.fixture()
def api(registry_home: dict[str, Any], ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The service on the module's state directory (no job workers), one key per role, and two adapters
    registered again as versions 1 and 2 of `api-bot` (both passed their probes)."""
    from fastapi.testclient import TestClient

    from gdprep.service.api import create_app
    from gdprep.service.keys import ROLES, KeyStore

    monkeypatch.setenv("GDPREP_WORKERS", "0")
    monkeypatch.setenv("GDPREP_SERVICE_ROOT", str(registry_home["root"] / "service"))
    store = KeyStore(ledger)
    existing = {k.name for k in store.list()}
    suffix = str(len(existing))  # names are unique for good: one set of keys per test
    keys = {role: store.create(f"api-{role}-{suffix}", role) for role in ROLES}
    if "api-bot" not in model_states(ledger.iter_entries()):
        for manifest in registry_home["runs"][:2]:
            stages.register_adapter(ledger, manifest.ledger_run, load_policy(None), name="api-bot")
    with TestClient(create_app()) as client:
        yield client, keys


@pytest.mark.parametrize(("route", "allowed"), [
    ("GET /v1/models", {"engineer", "compliance_officer", "auditor", "admin"}),
    ("GET /v1/models/api-bot", {"engineer", "compliance_officer", "auditor", "admin"}),
    # the writes name a version or model that does not exist: allowed roles get 404, so nothing changes
    ("POST /v1/models/api-bot/versions/99/approve", {"compliance_officer"}),
    ("POST /v1/models/api-bot/versions/99/promote", {"admin"}),
    ("POST /v1/models/no-such-model/rollback", {"admin"}),
    ("POST /v1/models/no-such-model/versions/1/rollback", {"admin"}),
])
def test_model_routes_follow_the_role_matrix(api: Any, route: str, allowed: set[str]) -> None:
    from tests.api_helpers import assert_error, auth

    client, keys = api
    method, path = route.split(" ", 1)
    assert client.request(method, path).status_code == 401
    for role, secret in keys.items():
        body = {"reason": "test of the role matrix"} if path.endswith("rollback") else None
        response = client.request(method, path, headers=auth(secret), json=body)
        if role in allowed:
            assert response.status_code in (200, 404), (role, response.text)
        else:
            assert_error(response, 403, "forbidden")


def test_approve_promote_and_roll_back_through_the_api(api: Any) -> None:
    from tests.api_helpers import assert_error, auth

    client, keys = api
    officer, admin = auth(keys["compliance_officer"]), auth(keys["admin"])
    # promotion before approval: 422 naming what is missing
    error = assert_error(client.post("/v1/models/api-bot/versions/1/promote", headers=admin), 422,
                         "validation_error")
    assert "approval" in error["message"]
    for version in ("1", "2"):
        done = client.post(f"/v1/models/api-bot/versions/{version}/approve", headers=officer,
                           json={"note": "read the probe report"})
        assert done.status_code == 200, done.text
        approvals = next(v for v in done.json()["versions"] if v["version"] == version)["approvals"]
        assert approvals[-1]["approver"].startswith("api-compliance_officer-") and approvals[-1]["via"] == "api"
        done = client.post(f"/v1/models/api-bot/versions/{version}/promote", headers=admin)
        assert done.status_code == 200 and done.json()["production"] == version, done.text
    assert_error(client.post("/v1/models/api-bot/versions/1/rollback", headers=admin,
                             json={"reason": "not the current one"}), 409, "conflict")
    done = client.post("/v1/models/api-bot/versions/2/rollback", headers=admin, json={"reason": "tone regressed"})
    assert done.status_code == 200 and done.json()["production"] == "1", done.text
    assert str(_client().get_model_version_by_alias("api-bot", "production").version) == "1"
    assert_error(client.post("/v1/models/api-bot/rollback", headers=admin, json={"reason": "again"}), 409,
                 "conflict")
    shown = client.get("/v1/models/api-bot", headers=auth(keys["auditor"])).json()
    assert shown["production"] == "1" and all(v["registry_problems"] == [] for v in shown["versions"])
    assert_error(client.get("/v1/models/nope", headers=auth(keys["auditor"])), 404, "not_found")
    assert_error(client.post("/v1/models/api-bot/versions/9/approve", headers=officer), 404, "not_found")
    entries = [e.payload for e in Ledger().iter_entries() if e.payload.get("name") == "api-bot"
               and e.kind in ("model_approved", "model_promoted", "model_rolled_back")]
    assert [(e.get("approver") or e.get("actor")).rsplit("-", 1)[0] for e in entries] == [
        "api-compliance_officer", "api-admin", "api-compliance_officer", "api-admin", "api-admin"]
    assert Ledger().verify().ok
