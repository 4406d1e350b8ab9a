"""Training, probe and evaluate as HTTP jobs, through the API with real keys and the worker's own `run_job`, on a
tiny smoke model (not a real model) and real MLflow: a privacy,curation,training,probe job from one upload to a
registered, probed adapter; a named and an uploaded training config; what is refused at submission (base model
outside the model roots, a region the policy forbids, the gate, server-set fields, bad combinations, roles);
uploaded policies and curation configs hashed into the ledger; on_error."""

from __future__ import annotations

import hashlib
import html
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gdprep.service.api import create_app
from gdprep.service.deps import Services
from gdprep.service.job import JobStatus
from gdprep.service.jobs import run_job
from gdprep.service.keys import ROLES, KeyStore
from gdprep.service.settings import ServiceSettings
from tests.api_helpers import assert_error, auth
from tests.conftest import CURATE_YAML, router_rows

pytest.importorskip("torch")
pytest.importorskip("peft")
pytest.importorskip("mlflow")

ROWS = router_rows()
DATA = "".join(json.dumps(r) + "\n" for r in ROWS).encode()
TINY = ("base_model: smoke\nepochs: 1\nbatch_size: 8\neval_steps: 4\nmax_length: 48\nseed: 7\n"
        "registered_model: job-bot\nprobes: {bootstrap: 100, regurgitation_contexts: 10}\n")


@dataclass
class Env:
    client: TestClient
    settings: ServiceSettings
    services: Services
    keys: dict[str, str]
    home: Path
    base: Path
    job: dict[str, Any]           # the succeeded privacy,curation,training,probe job


def _submit(env: Env, form: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None,
            key: str = "engineer") -> Any:
    return env.client.post("/v1/jobs", data=form, files=files or None, headers=auth(env.keys[key]))


def _run(env: Env, job_id: str) -> dict[str, Any]:
    """Run queued jobs in this process, as a worker claims them, until `job_id` has run."""
    for _ in range(20):
        job = env.services.jobs.claim("test")
        assert job is not None, f"job {job_id} is not queued"
        run_job(job, env.services.jobs, env.services.ledger, env.settings)
        if job.id == job_id:
            found = env.services.jobs.get(job_id)
            assert found is not None
            return found.public()
    raise AssertionError("too many queued jobs")


def _entries(env: Env, kind: str, **match: Any) -> list[dict[str, Any]]:
    return [dict(e.payload) for e in env.services.ledger.iter_entries()
            if e.kind == kind and all(e.payload.get(k) == v for k, v in match.items())]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    from gdprep.training.smoke import build_smoke_model

    base = tmp_path_factory.mktemp("training-jobs")
    home = base / "home"
    for folder in ("inputs", "models", "configs"):
        (base / folder).mkdir()
    (base / "configs" / "tiny.yaml").write_text(TINY, encoding="utf-8")
    smoke = build_smoke_model([r["prompt"] + " " + r["completion"] for r in ROWS], base / "models" / "smoke")
    # two unusable copies: no tokenizer files, and an architecture gdprep does not train
    for name in ("no-tokenizer", "foo"):
        shutil.copytree(smoke, base / "models" / name,
                        ignore=shutil.ignore_patterns("tokenizer*") if name == "no-tokenizer" else None)
    foo = json.loads((base / "models" / "foo" / "config.json").read_text(encoding="utf-8"))
    (base / "models" / "foo" / "config.json").write_text(json.dumps({**foo, "architectures": ["FooForCausalLM"]}),
                                                         encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(home))
        mp.setenv("GDPREP_REGION", "GB")
        for var in ("GDPREP_MASTER_KEY", "GDPREP_KEY_FILE", "GDPREP_LEDGER_URL", "GDPREP_WORKERS",
                    "GDPREP_MLFLOW_URI"):
            mp.delenv(var, raising=False)
        settings = ServiceSettings(root=base / "root", workers=0, ledger_url=f"sqlite:///{base / 'ledger.db'}",
                                   input_roots=(base / "inputs",), model_roots=(base / "models",),
                                   training_configs=base / "configs")
        app = create_app(settings=settings)
        services: Services = app.state.services.get()
        store = KeyStore(services.ledger)
        keys = {role: store.create(f"{role}-key", role) for role in ROLES}
        with TestClient(app) as client:
            env = Env(client, settings, services, keys, home, base, {})
            response = _submit(env, {"stages": "privacy,curation,training,probe", "training_config_name": "tiny"},
                               {"file": ("support.jsonl", DATA), "curation_config": ("curate.yaml",
                                                                                     CURATE_YAML.encode())})
            assert response.status_code == 202, response.text
            env.job = _run(env, response.json()["id"])
            yield env


@pytest.fixture(autouse=True)
def _module_home(env: Env, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("GDPREP_HOME", str(env.home))
    monkeypatch.setenv("GDPREP_REGION", "GB")
    yield
    for job in env.services.jobs.list(status=JobStatus.queued, limit=200)[0]:
        env.services.jobs.request_cancel(job.id)


# -- the full job ------------------------------------------------------------------------------------------------
def test_privacy_curation_training_probe_job_trains_registers_and_probes(env: Env) -> None:
    from gdprep.audit.models import versions_of_training_run
    from gdprep.training.release import find_adapter

    job = env.job
    assert job["status"] == "succeeded", job["error"]
    assert set(job["runs"]) == {"privacy", "curation", "training", "probe"}
    training = job["summary"]["training"]
    assert training["training_run"] == job["runs"]["training"] and training["steps"] > 0
    assert training["loss_history"] and all("step" in p for p in training["loss_history"])
    versions = versions_of_training_run(env.services.ledger.iter_entries(), job["runs"]["training"])
    assert [v.key for v in versions] == training["registered_versions"] and versions[0].name == "job-bot"
    probe = job["summary"]["probe"]
    # 80 records give a test split of about 8: too few for membership inference to pass, so not "pass"
    assert probe["release"] in ("fail", "inconclusive") and probe["reasons"] and probe["released"] is False
    if probe["release"] == "inconclusive":
        assert probe["needed_test_records"] > 8 and any(r.startswith("inconclusive:") for r in probe["reasons"])
    assert job["progress"]["training"]["state"] == "done"
    assert job["progress"]["training"]["done"] == training["steps"]
    assert {"training/manifest.json", "probes/probe_report.json", "probes/probe_report.html"} <= set(job["artifacts"])
    # the adapter lives outside the published job directory, where the ledger and the registry find it
    found = find_adapter(env.services.ledger, run_id=job["runs"]["training"])
    assert found.adapter_dir == env.settings.adapters_dir / job["id"] / "adapter"
    assert found.sha256 == training["adapter_sha256"]
    assert not (env.settings.adapters_dir / job["id"] / "checkpoints").exists()
    assert not (env.settings.jobs_dir / f"{job['id']}.partial").exists()
    submitted = _entries(env, "job_submitted", job=job["id"])[0]
    assert submitted["options"]["training_config"]["name"] == "tiny"
    assert submitted["options"]["training_config"]["sha256"] == hashlib.sha256(TINY.encode()).hexdigest()
    assert submitted["options"]["curation_config"]["sha256"] == hashlib.sha256(CURATE_YAML.encode()).hexdigest()
    assert "path" not in json.dumps(job["options"])


def test_training_configs_are_listed_by_name(env: Env) -> None:
    response = env.client.get("/v1/training-configs", headers=auth(env.keys["auditor"]))
    assert response.status_code == 200 and response.json() == ["tiny"]


def test_job_page_shows_the_loss_curve_and_the_probe_verdict(env: Env) -> None:
    from tests.test_service_web import sign_in

    assert sign_in(env.client, env.keys["auditor"]).status_code == 303
    try:
        page = env.client.get(f"/ui/jobs/{env.job['id']}")
    finally:
        env.client.cookies.clear()
    assert page.status_code == 200, page.text
    svg = page.text[page.text.index('<svg role="img" aria-labelledby="loss-curve-title"'):]
    svg = svg[:svg.index("</svg>")]
    history = env.job["summary"]["training"]["loss_history"]
    assert svg.count("<circle") == sum(("loss" in p) + ("eval_loss" in p) for p in history) > 0
    assert "validation loss" in svg and "http" not in svg
    probe = env.job["summary"]["probe"]
    assert f'id="release">release: {probe["release"]}</p>' in page.text
    assert all(html.escape(reason, quote=False) in page.text for reason in probe["reasons"])
    assert "loss_history" not in page.text  # the curve is drawn, not dumped into the summary


def _curated_split_under_inputs(env: Env) -> Path:
    """The job's curated splits copied under the input roots (same bytes, so the ledger knows them)."""
    target = env.base / "inputs" / "curated"
    if not target.exists():
        shutil.copytree(env.settings.jobs_dir / env.job["id"] / "curated", target)
    return target / "train.jsonl"


def test_training_alone_on_a_curated_split_with_an_uploaded_config_then_evaluate(env: Env) -> None:
    train = _curated_split_under_inputs(env)
    config = TINY.replace("registered_model: job-bot", "registered_model: uploaded-bot").replace("seed: 7", "seed: 8")
    response = _submit(env, {"path": "curated/train.jsonl", "stages": "training,evaluate"},
                       {"training_config": ("mine.yaml", config.encode())})
    assert response.status_code == 202, response.text
    job = _run(env, response.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    assert job["options"]["training_config"] == {"source": "upload", "name": "mine.yaml", "base_model": "smoke",
                                                 "sha256": hashlib.sha256(config.encode()).hexdigest()}
    assert job["summary"]["training"]["registered_versions"] == ["uploaded-bot:1"]
    assert set(job["summary"]["evaluate"]["adapter"]) and job["runs"]["evaluate"]
    assert "evaluation/evaluation.json" in job["artifacts"]
    assert train.is_file()


def test_probe_alone_needs_a_training_run_of_ones_own_jobs(env: Env) -> None:
    error = assert_error(_submit(env, {"stages": "probe"}), 422, "validation_error")
    assert "training_run" in error["message"]
    error = assert_error(_submit(env, {"stages": "probe", "training_run": "not-a-run"}), 422, "validation_error")
    assert "not the training run" in error["message"]


# -- refused at submission ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("config", "status", "code", "match"), [
    (TINY.replace("base_model: smoke", "base_model: /etc"), 403, "forbidden", "GDPREP_MODEL_ROOTS"),
    (TINY.replace("base_model: smoke", "base_model: gpt2"), 422, "validation_error", "not a local model directory"),
    (TINY + "region: US\n", 422, "gate_refused", "region 'US'"),
    (TINY.replace("epochs: 1", "epochs: -1"), 422, "validation_error", "epochs"),
    (TINY + "output_dir: /tmp/x\n", 422, "validation_error", "`output_dir` is set by the server"),
    (TINY + "lora: {rank: 4}\n", 422, "validation_error", "lora.rank: unknown field"),
    ("- a list\n", 422, "validation_error", "must be a YAML mapping"),
    (TINY.replace("base_model: smoke", "base_model: no-tokenizer"), 422, "validation_error",
     "no-tokenizer has no tokenizer"),
    (TINY.replace("base_model: smoke", "base_model: foo"), 422, "validation_error",
     "names architecture FooForCausalLM"),
    (TINY + "preset: mistral-7b\n", 422, "validation_error", "`preset: mistral-7b` is for MistralForCausalLM"),
], ids=["model-outside-roots", "hub-name", "region", "bad-field", "server-field", "unknown-field", "not-mapping",
        "no-tokenizer", "architecture", "preset"])
def test_bad_training_config_is_refused(env: Env, config: str, status: int, code: str, match: str) -> None:
    before = env.services.jobs.list(limit=1)[1]
    response = _submit(env, {"stages": "privacy,curation,training"},
                       {"file": ("d.jsonl", DATA), "training_config": ("c.yaml", config.encode())})
    error = assert_error(response, status, code)
    assert match in error["message"]
    assert "/uploads/" not in error["message"]  # the server's paths stay on the server
    assert env.services.jobs.list(limit=1)[1] == before


def test_memory_is_not_judged_at_submission(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """The API process is not where the job trains (and other jobs may be training): memory is checked by the
    worker when the job starts."""
    from gdprep.training import modelcheck

    monkeypatch.setattr(modelcheck, "memory_found", lambda cuda: (1024, "available system memory"))
    response = _submit(env, {"stages": "privacy,curation,training", "training_config_name": "tiny"},
                       {"file": ("d.jsonl", DATA), "curation_config": ("curate.yaml", CURATE_YAML.encode())})
    assert response.status_code == 202, response.text


def test_gate_refuses_training_on_data_that_was_not_curated(env: Env) -> None:
    response = _submit(env, {"stages": "training", "training_config_name": "tiny"},
                       {"file": ("train.jsonl", DATA)})
    error = assert_error(response, 422, "gate_refused")
    assert "not recorded in the ledger as the train split of a curation run" in error["message"]


@pytest.mark.parametrize(("form", "match"), [
    ({"stages": "privacy,training", "training_config_name": "tiny"}, "do not make a job"),
    ({"stages": "privacy,probe"}, "do not make a job"),
    ({"stages": "privacy,curation,training"}, "give exactly one of `training_config`"),
    ({"stages": "privacy,curation,training", "training_config_name": "nope"}, "no training config named 'nope'"),
    ({"stages": "privacy", "training_config_name": "tiny"}, "only a job with the training stage"),
    ({"stages": "privacy", "on_error": "skip"}, "on_error"),
])
def test_bad_combination_is_422(env: Env, form: dict[str, str], match: str) -> None:
    error = assert_error(_submit(env, form, {"file": ("d.jsonl", DATA)}), 422, "validation_error")
    assert match in error["message"]


@pytest.mark.parametrize("role", ["compliance_officer", "auditor", "admin"])
def test_only_engineers_submit_training_jobs(env: Env, role: str) -> None:
    response = _submit(env, {"stages": "privacy,curation,training", "training_config_name": "tiny"},
                       {"file": ("d.jsonl", DATA)}, key=role)
    assert_error(response, 403, "forbidden")


# -- uploaded policies and curation configs, on_error -------------------------------------------------------------
def _policy_yaml(name: str) -> bytes:
    from gdprep.policies.loader import SHIPPED_DIR

    text = (SHIPPED_DIR / "uk-gdpr-default.yaml").read_text(encoding="utf-8")
    return text.replace("name: uk-gdpr-default", f"name: {name}", 1).encode()


def test_uploaded_policy_is_validated_hashed_and_recorded(env: Env) -> None:
    policy = _policy_yaml("team-policy")
    assert b"name: team-policy" in policy
    response = _submit(env, {"stages": "privacy"}, {"file": ("d.jsonl", DATA), "policy_file": ("p.yaml", policy)})
    assert response.status_code == 202, response.text
    job = _run(env, response.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    sha = hashlib.sha256(policy).hexdigest()
    assert job["policy"] == "team-policy (uploaded)" and job["options"]["policy_file"]["sha256"] == sha
    submitted = _entries(env, "job_submitted", job=job["id"])[0]
    assert submitted["policy_sha256"] == sha
    run = [e for e in _entries(env, "run_started") if e.get("config", {}).get("job") == job["id"]]
    assert run  # the privacy run ran under it


@pytest.mark.parametrize(("field", "text", "match"), [
    ("policy_file", b"schema_version: 1\nname: x\nentities: 7\n", "`policy_file` (bad.yaml)"),
    ("curation_config", b"dedup: {nearr: 1}\n", "`curation_config` (bad.yaml)"),
])
def test_bad_uploaded_policy_or_curation_config_is_422(env: Env, field: str, text: bytes, match: str) -> None:
    response = _submit(env, {"stages": "privacy,curation"}, {"file": ("d.jsonl", DATA), field: ("bad.yaml", text)})
    error = assert_error(response, 422, "validation_error")
    assert match in error["message"] and "/uploads/" not in error["message"]


def test_on_error_fail_refuses_a_bad_record_and_quarantine_sets_it_aside(env: Env) -> None:
    bad = DATA + b"{not json\n"
    error = assert_error(_submit(env, {"stages": "privacy", "on_error": "fail"}, {"file": ("d.jsonl", bad)}),
                         422, "malformed_input")
    assert error["details"]["line"] == len(ROWS) + 1
    response = _submit(env, {"stages": "privacy", "on_error": "quarantine"}, {"file": ("d.jsonl", bad)})
    assert response.status_code == 202, response.text
    job = _run(env, response.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    assert job["summary"]["privacy"]["quarantined"] == 1 and job["options"]["on_error"] == "quarantine"


def test_a_cancel_stops_training_between_optimiser_steps(env: Env) -> None:
    """The job's Trainer callback reports every step and honours a cancel there: the training run ends as failed
    in the ledger, the job as cancelled, and what it wrote under the adapters directory is removed."""
    import dataclasses
    import threading
    import time

    _curated_split_under_inputs(env)
    config = TINY.replace("epochs: 1", "epochs: 200").replace("registered_model: job-bot",
                                                              "registered_model: cancelled-bot")
    response = _submit(env, {"path": "curated/train.jsonl", "stages": "training"},
                       {"training_config": ("long.yaml", config.encode())})
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    claimed = env.services.jobs.claim("test")
    assert claimed is not None and claimed.id == job_id
    fast = dataclasses.replace(env.settings, heartbeat_s=0.1)
    worker = threading.Thread(target=run_job, args=(claimed, env.services.jobs, env.services.ledger, fast))
    worker.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = env.services.jobs.get(job_id)
        if found is not None and found.progress.get("training", {}).get("done", 0) >= 2:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the training stage reported no step")
    env.services.jobs.request_cancel(job_id)
    worker.join(timeout=120)
    job = env.services.jobs.get(job_id)
    assert job is not None and job.status == JobStatus.cancelled, (job.status if job else None, job and job.error)
    done = job.progress["training"]["done"]
    assert 2 <= done < job.progress["training"]["total"]  # stopped part-way, not after the last step
    run = job.runs["training"]
    ended = [e for e in env.services.ledger.run_entries(run) if e.kind in ("run_completed", "run_failed")]
    assert [e.kind for e in ended] == ["run_failed"] and ended[0].payload["error"] == "JobCancelled"
    assert not (env.settings.adapters_dir / job_id).exists()
    assert _entries(env, "model_registered", name="cancelled-bot") == []


def test_a_probe_alone_runs_and_can_be_resubmitted(env: Env) -> None:
    run = env.job["runs"]["training"]
    response = _submit(env, {"stages": "probe", "training_run": run})
    assert response.status_code == 202, response.text
    env.services.jobs.request_cancel(response.json()["id"])  # cancelled while queued ...
    again = env.client.post(f"/v1/jobs/{response.json()['id']}/resubmit", headers=auth(env.keys["engineer"]))
    assert again.status_code == 202, again.text  # ... and resubmitted: it has no input file to look for
    job = _run(env, again.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    assert job["summary"]["probe"]["training_run"] == run and job["options"]["training_run"] == run
