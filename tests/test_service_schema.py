"""Schemathesis over the service's own OpenAPI schema, once per role: no request may answer 5xx, and every
response must be one the schema documents (status, content type, headers, body).

The app serves a real SQLite ledger with one finished privacy job (run in-process, as a worker would), so
the authorised code paths (reports, artifacts, reviews, re-identification, export of a real run) meet real
data: each generated request is sent as generated and, where it names a job, run, record, review item,
artifact or key, once more with a real one put in.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gdprep.audit.ledger import Ledger, utc_now
from gdprep.examples.generate import generate_sample, write_jsonl
from gdprep.service.api import create_app
from gdprep.service.inputs import validate_input
from gdprep.service.job import Job, JobStatus, new_job_id
from gdprep.service.job_store import JobStore
from gdprep.service.jobs import run_job
from gdprep.service.keys import ROLES, KeyStore
from gdprep.service.settings import ServiceSettings

pytestmark = pytest.mark.slow

POLICY = "uk-gdpr-default"
INPUT_NAME = "schema-input.jsonl"
# 20 generated records of seed 1 leave a few findings in the review band, so the review queue is not empty
N_RECORDS, SEED = 20, 1
# per operation and role, on top of schemathesis's deterministic coverage cases: 50-100 s for the file on 2 CPUs
MAX_EXAMPLES = 6
# no 5xx first; then that the status, content type, headers and body are the documented ones
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@dataclass(frozen=True, slots=True)
class World:
    """The served app and the real identifiers behind it."""

    app: Any
    home: Path                   # GDPREP_HOME: the pseudonym keys and vault the job wrote with
    bearer: dict[str, str]       # role -> API key
    key_names: frozenset[str]    # the keys the run authenticates with: never revoked by it
    spare_key: str               # the key DELETE /v1/keys/{name} revokes
    job_id: str                  # a succeeded privacy job of the engineer key
    queued_job_id: str           # a job no worker picks up (workers=0): cancelled, then resubmitted
    run_id: str                  # that job's privacy run in the ledger
    record_ids: tuple[str, ...]
    review_ids: tuple[str, ...]  # from the job's report.json review queue
    artifacts: tuple[str, ...]


def _queued_job(owner: str, src: Path, n_records: int) -> Job:
    return Job(id=new_job_id(), owner=owner, owner_role="engineer", status=JobStatus.queued, stages=["privacy"],
               policy=POLICY, source="path", input_name=src.name, input_path=str(src),
               input_sha256=hashlib.sha256(src.read_bytes()).hexdigest(), input_records=n_records,
               created_at=utc_now(), progress={"privacy": {"state": "pending", "done": 0, "total": n_records}})


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("schema")
    home, inputs = base / "home", base / "inputs"
    inputs.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(home))
        service = ServiceSettings(root=base / "service", input_roots=(inputs,), max_upload_bytes=64 * 1024,
                                  workers=0, ledger_url=f"sqlite:///{base / 'ledger.db'}")
        ledger = Ledger(service.ledger_url)
        store, keys = JobStore(ledger.engine), KeyStore(ledger)
        suffix = secrets.token_hex(4)  # names no generated DELETE /v1/keys/{name} can guess
        names = {role: f"schema-{role}-{suffix}" for role in ROLES}
        bearer = {role: keys.create(names[role], role) for role in ROLES}
        spare = f"schema-spare-{suffix}"
        keys.create(spare, "auditor")

        src = inputs / INPUT_NAME
        write_jsonl(generate_sample(N_RECORDS, SEED), src)
        n_records = validate_input(src, src.name, POLICY)
        job = store.create(_queued_job(names["engineer"], src, n_records))
        claimed = store.claim("schema-test:0:w0")
        assert claimed is not None and claimed.id == job.id
        run_job(claimed, store, ledger, service)  # in-process, as a worker process would
        done = store.get(job.id)
        assert done is not None and done.status == JobStatus.succeeded, done
        queued = store.create(_queued_job(names["engineer"], src, n_records))
        ledger.engine.dispose()

        report = json.loads((service.jobs_dir / job.id / "report.json").read_text(encoding="utf-8"))
        review_ids = tuple(f"{job.id}.{item['finding_id']}" for item in report["review_queue"])
        assert review_ids, f"no findings in the review band; choose another SEED or N_RECORDS than {SEED}, {N_RECORDS}"
        record_ids = tuple(json.loads(line)["id"] for line in src.read_text(encoding="utf-8").splitlines()[:3])
        yield World(app=create_app(settings=service), home=home, bearer=bearer, key_names=frozenset(names.values()),
                    spare_key=spare, job_id=job.id, queued_job_id=queued.id, run_id=done.runs["privacy"],
                    record_ids=record_ids, review_ids=review_ids, artifacts=tuple(sorted(done.outputs)))


@pytest.fixture(params=ROLES)
def role(request: pytest.FixtureRequest, world: World, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GDPREP_HOME", str(world.home))  # deanonymise opens the job's vault at request time
    return str(request.param)


class _CallsNameTheirApp:
    """ASGI-shaped, so that schemathesis picks its in-process transport; every call passes `app=world.app`."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("send cases with app=world.app")


def _openapi_document() -> dict[str, Any]:
    """The schema as the app publishes it, from an app that is never started (no database, no folders)."""
    unused = ServiceSettings(root=Path("/nonexistent/gdprep-schema-test"), workers=0, ledger_url="sqlite://")
    return create_app(settings=unused).openapi()


# Loaded eagerly rather than with `schemathesis.pytest.from_fixture`: its lazy loader sets `Function._nodeid`,
# which pytest 9.2 no longer has (AttributeError under schemathesis 4.32.5).
schema = schemathesis.openapi.from_dict(_openapi_document())
schema.app = _CallsNameTheirApp()


def _with_real_ids(case: Any, world: World) -> Any | None:
    """The case with the identifiers it names replaced by real ones; None when it names none, or when it
    probes a method the operation does not have."""
    if case.method.upper() != case.operation.method.upper():
        return None
    label = f"{case.method.upper()} {case.path}"
    path, query, body = dict(case.path_parameters or {}), dict(case.query or {}), case.body
    if "job_id" in path:
        finished = not label.endswith(("/cancel", "/resubmit"))
        path["job_id"] = world.job_id if finished else world.queued_job_id
    if "record_id" in path:
        path["record_id"] = world.record_ids[0]
    if "review_id" in path:
        path["review_id"] = world.review_ids[0]
    if label == "GET /v1/jobs/{job_id}/artifacts/{name}":
        path["name"] = world.artifacts[0]
    if label == "DELETE /v1/keys/{name}":
        path["name"] = world.spare_key  # revoked once, then 409
    if label == "GET /v1/reviews":
        query["job"] = world.job_id
    if label == "GET /v1/audit/export":
        query["run"] = world.run_id
    if label == "POST /v1/jobs/{job_id}/deanonymise" and isinstance(body, dict):
        body = {**body, "record_ids": list(world.record_ids)}
    if label == "POST /v1/jobs" and isinstance(body, dict):
        body = {**{k: v for k, v in body.items() if k != "file"}, "path": INPUT_NAME, "policy": POLICY,
                "stages": "privacy"}
    if (path, query, body) == (case.path_parameters or {}, case.query or {}, case.body):
        return None
    return case.operation.Case(method=case.method, path_parameters=path, headers=dict(case.headers or {}),
                               cookies=dict(case.cookies or {}), query=query, body=body, media_type=case.media_type)


@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@schema.parametrize()
def test_no_server_errors_and_only_documented_responses(case: Any, world: World, role: str) -> None:
    if (case.path_parameters or {}).get("name") in world.key_names:
        case.path_parameters["name"] = world.spare_key  # the run's own keys must keep working
    auth = {"Authorization": f"Bearer {world.bearer[role]}"}
    case.call_and_validate(headers=auth, checks=CHECKS, app=world.app)
    real = _with_real_ids(case, world)
    if real is not None:
        real.call_and_validate(headers=auth, checks=CHECKS, app=world.app)


def test_review_queue_is_the_reports_and_takes_decisions(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the schema run cannot see (an empty queue is a valid response): GET /v1/reviews lists the
    report's review queue, and a compliance officer's decision on one item is accepted."""
    monkeypatch.setenv("GDPREP_HOME", str(world.home))
    client = TestClient(world.app)
    auth = {"Authorization": f"Bearer {world.bearer['compliance_officer']}"}
    listed = client.get("/v1/reviews", params={"job": world.job_id}, headers=auth)
    assert listed.status_code == 200, listed.text
    assert [item["id"] for item in listed.json()["items"]] == list(world.review_ids)
    decided = client.post(f"/v1/reviews/{world.review_ids[0]}", json={"decision": "reject", "comment": "test"},
                          headers=auth)
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == "reject"
