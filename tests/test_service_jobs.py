"""The jobs, reviews and keys routes of the HTTP API over a real SQLite ledger: the role matrix of every route,
upload limits and malformed inputs, a full job run in-process (as a worker would run it), cancel, review
decisions applied by rematerialising, deanonymisation with a logged reason, the admin key routes, and no raw
personal data in any response but a deanonymisation's."""

from __future__ import annotations

import hashlib
import json
import stat
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gdprep.service.api import create_app
from gdprep.service.api_jobs import router as jobs_router
from gdprep.service.api_reviews import router as reviews_router
from gdprep.service.deps import Services
from gdprep.service.job import Job, JobStatus
from gdprep.service.jobs import run_job
from gdprep.service.keys import ROLES, KeyStore
from gdprep.service.settings import ServiceSettings
from tests.api_helpers import assert_error, auth

MAX_UPLOAD = 2000
# one record per kind of finding: a pseudonymised name beside placeholders (r1), a name below the threshold
# in the review band (r2: "Okonkwo"), a lower-case given name redacted inside the review band (r3: "jamie")
ROWS = [
    {"id": "r1", "text": "Please call Jane Smith on 020 7946 0958 or mail jane.smith@example.org."},
    {"id": "r2", "text": "I spoke to Margaret Oduya yesterday. Okonkwo nodded and it was fine."},
    {"id": "r3", "text": "order for jamie at the front desk"},
    {"id": "r4", "text": "My NI number is AB123456C and the postcode is SW1A 1AA."},
]
PLANTED = ("Jane Smith", "020 7946 0958", "jane.smith@example.org", "Margaret Oduya", "AB123456C", "SW1A 1AA")
DATA = "".join(json.dumps(r) + "\n" for r in ROWS).encode()
ENGINEER = "engineer-key"
_JOB_FIELDS: dict[str, Any] = {"id": "j1", "owner": ENGINEER, "owner_role": "engineer", "stages": ["privacy"],
                               "policy": "uk-gdpr-default", "source": "upload", "input_name": "data.jsonl",
                               "input_path": "/srv/in.jsonl", "input_sha256": "0" * 64, "input_records": 1,
                               "created_at": "2026-01-01T00:00:00Z"}


@dataclass
class Env:
    client: TestClient
    settings: ServiceSettings
    services: Services
    keys: dict[str, str]          # role (and "engineer2") -> secret; key names are f"{role}-key"
    home: Path
    job: str                      # a succeeded privacy+curation job of ENGINEER over ROWS


def _submit(env: Env, *, data: bytes = DATA, name: str = "data.jsonl", key: str = "engineer",
            form: dict[str, str] | None = None, files: bool = True) -> Any:
    return env.client.post("/v1/jobs", files={"file": (name, data)} if files else None, data=form or {},
                           headers=auth(env.keys[key]))


def _run(env: Env, job_id: str) -> dict[str, Any]:
    """Run queued jobs in this process, oldest first (as a worker claims them), until `job_id` has run."""
    for _ in range(100):
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
    """One app (no worker processes) over one ledger, with a key per role and one job that has run."""
    base = tmp_path_factory.mktemp("service")
    home = base / "home"
    (base / "inputs").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GDPREP_HOME", str(home))
        for var in ("GDPREP_MASTER_KEY", "GDPREP_KEY_FILE", "GDPREP_LEDGER_URL", "GDPREP_WORKERS"):
            mp.delenv(var, raising=False)
        url = f"sqlite:///{base / 'ledger.db'}"
        settings = ServiceSettings(root=base / "root", workers=0, ledger_url=url, input_roots=(base / "inputs",),
                                   max_upload_bytes=MAX_UPLOAD)
        app = create_app(settings=settings)
        services: Services = app.state.services.get()
        store = KeyStore(services.ledger)
        keys = {role: store.create(f"{role}-key", role) for role in ROLES}
        keys["engineer2"] = store.create("engineer2-key", "engineer")
        with TestClient(app) as client:
            partial = Env(client=client, settings=settings, services=services, keys=keys, home=home, job="")
            response = _submit(partial)
            assert response.status_code == 202, response.text
            partial.job = response.json()["id"]
            assert _run(partial, partial.job)["status"] == JobStatus.succeeded
            yield partial


@pytest.fixture(autouse=True)
def _module_home(env: Env, _isolated_state: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Jobs of this module share one state directory (the vault and keys the jobs ran with); a job a test
    leaves queued is cancelled after it, so that the next test's worker loop does not run it."""
    monkeypatch.setenv("GDPREP_HOME", str(env.home))
    yield
    for job in env.services.jobs.list(status=JobStatus.queued, limit=200)[0]:
        env.services.jobs.request_cancel(job.id)


def _report(env: Env, job_id: str) -> dict[str, Any]:
    return dict(json.loads((env.settings.jobs_dir / job_id / "report.json").read_text(encoding="utf-8")))


# -- the role matrix --------------------------------------------------------------------------------------------
# (route as the router declares it, the call, roles allowed, status when allowed). In calls, {job} is ENGINEER's
# succeeded job; {queued} a queued job of ENGINEER; {cancelled} a cancelled one; {finding} a review finding
# of {job}; {key} an active key's name
ROUTES: list[tuple[str, str, set[str], int]] = [
    ("POST /v1/jobs", "POST /v1/jobs", {"engineer"}, 202),
    ("GET /v1/jobs", "GET /v1/jobs", {"engineer", "compliance_officer", "auditor"}, 200),
    ("GET /v1/jobs/{job_id}", "GET /v1/jobs/{job}", {"engineer", "compliance_officer", "auditor"}, 200),
    ("POST /v1/jobs/{job_id}/cancel", "POST /v1/jobs/{queued}/cancel", {"engineer"}, 200),
    ("POST /v1/jobs/{job_id}/resubmit", "POST /v1/jobs/{cancelled}/resubmit", {"engineer"}, 202),
    ("GET /v1/jobs/{job_id}/artifacts", "GET /v1/jobs/{job}/artifacts", {"engineer"}, 200),
    ("GET /v1/jobs/{job_id}/artifacts/{name:path}", "GET /v1/jobs/{job}/artifacts/redacted.jsonl", {"engineer"},
     200),
    ("GET /v1/jobs/{job_id}/report", "GET /v1/jobs/{job}/report", {"engineer", "compliance_officer", "auditor"},
     200),
    ("GET /v1/reviews", "GET /v1/reviews?job={job}", {"compliance_officer", "auditor"}, 200),
    ("POST /v1/reviews/{review_id}", "POST /v1/reviews/{job}.{finding}", {"compliance_officer"}, 200),
    ("POST /v1/jobs/{job_id}/rematerialise", "POST /v1/jobs/{job}/rematerialise",
     {"engineer", "compliance_officer"}, 202),
    ("POST /v1/jobs/{job_id}/deanonymise", "POST /v1/jobs/{job}/deanonymise", {"compliance_officer"}, 200),
    ("POST /v1/reviews/{review_id}/reveal", "POST /v1/reviews/{job}.{finding}/reveal", {"compliance_officer"}, 200),
    ("POST /v1/jobs/{job_id}/reviews/bulk", "POST /v1/jobs/{job}/reviews/bulk", {"compliance_officer"}, 200),
    ("GET /v1/policies", "GET /v1/policies", {"engineer", "compliance_officer", "auditor"}, 200),
    ("GET /v1/training-configs", "GET /v1/training-configs", {"engineer", "compliance_officer", "auditor"}, 200),
    ("GET /v1/keys", "GET /v1/keys", {"admin"}, 200),
    ("POST /v1/keys", "POST /v1/keys", {"admin"}, 201),
    ("DELETE /v1/keys/{name}", "DELETE /v1/keys/{key}", {"admin"}, 200),
]
CALLS = [call for _declared, call, _allowed, _ok in ROUTES]
MATRIX = [(call, role, ok if role in allowed else 403) for _declared, call, allowed, ok in ROUTES for role in ROLES]


def _call(env: Env, route: str, headers: dict[str, str] | None) -> Any:
    """Fill the route's placeholders (making what they name) and call it with a valid body."""
    method, template = route.split(" ", 1)
    values: dict[str, str] = {"job": env.job}
    if "{queued}" in template or "{cancelled}" in template:
        made = _submit(env)
        assert made.status_code == 202, made.text
        values["queued"] = values["cancelled"] = made.json()["id"]
        if "{cancelled}" in template:
            env.services.jobs.request_cancel(values["cancelled"])
    if "{finding}" in template:
        values["finding"] = _report(env, env.job)["review_queue"][0]["finding_id"]
    if "{key}" in template:
        values["key"] = f"victim-{uuid.uuid4().hex[:8]}"
        KeyStore(env.services.ledger).create(values["key"], "auditor")
    path = template.format(**values)
    if route == "POST /v1/jobs":
        return env.client.post(path, files={"file": ("data.jsonl", DATA)}, headers=headers)
    body: dict[str, Any] | None = None
    if template.endswith("/reveal"):
        body = {"reason": "TICKET-1 matrix"}
    elif template.endswith("/reviews/bulk"):
        body = {"filter": {"entity_type": "PERSON", "below": 0.5}, "decision": "confirm"}
    elif template.startswith("/v1/reviews/"):
        body = {"decision": "confirm", "comment": "matrix"}
    elif template.endswith("/deanonymise"):
        body = {"record_ids": ["r1"], "reason": "TICKET-1 matrix"}
    elif template == "/v1/keys" and method == "POST":
        body = {"name": f"made-{uuid.uuid4().hex[:8]}", "role": "auditor"}
    return env.client.request(method, path, json=body, headers=headers)


def test_the_matrix_covers_every_route_of_the_router() -> None:
    declared = {f"{method} {route.path}" for route in [*jobs_router.routes, *reviews_router.routes]
                for method in route.methods}  # type: ignore[attr-defined]
    assert {d for d, _call, _allowed, _ok in ROUTES} == declared


@pytest.mark.parametrize(("route", "role", "expected"), MATRIX, ids=[f"{r}-{o}" for r, o, _ in MATRIX])
def test_role_matrix(env: Env, route: str, role: str, expected: int) -> None:
    response = _call(env, route, auth(env.keys[role]))
    if expected == 403:
        error = assert_error(response, 403, "forbidden")
        assert role in error["message"]
    else:
        assert response.status_code == expected, response.text


@pytest.mark.parametrize("route", CALLS)
@pytest.mark.parametrize("credentials", ["none", "garbage"])
def test_every_route_needs_a_key(env: Env, route: str, credentials: str) -> None:
    headers = None if credentials == "none" else auth("gdp_0123456789abcdef_nope")
    response = _call(env, route, headers)
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


FOREIGN = ["GET /v1/jobs/{job}", "POST /v1/jobs/{job}/cancel", "GET /v1/jobs/{job}/artifacts",
           "GET /v1/jobs/{job}/artifacts/redacted.jsonl", "GET /v1/jobs/{job}/report",
           "POST /v1/jobs/{job}/resubmit", "POST /v1/jobs/{job}/rematerialise"]


@pytest.mark.parametrize("route", FOREIGN)
def test_another_engineers_job_is_answered_like_a_missing_one(env: Env, route: str) -> None:
    method, template = route.split(" ", 1)
    foreign = env.client.request(method, template.format(job=env.job), headers=auth(env.keys["engineer2"]))
    missing = env.client.request(method, template.format(job=uuid.uuid4().hex), headers=auth(env.keys["engineer"]))
    assert assert_error(foreign, 404, "not_found") == assert_error(missing, 404, "not_found")
    assert env.services.jobs.get(env.job).status == JobStatus.succeeded  # type: ignore[union-attr]
    assert not [e for e in _entries(env, "job_submitted", actor="engineer2-key") if e.get("parent") == env.job]


def test_job_list_pages_filters_and_hides_other_engineers_jobs(env: Env) -> None:
    made = []
    for _ in range(3):
        response = _submit(env, key="engineer2")
        assert response.status_code == 202, response.text
        made.append(response.json()["id"])
    mine = auth(env.keys["engineer2"])
    page = env.client.get("/v1/jobs?limit=2", headers=mine).json()
    assert page["total"] == 3 and page["limit"] == 2 and page["offset"] == 0
    assert [j["id"] for j in page["items"]] == made[::-1][:2]  # newest first
    rest = env.client.get("/v1/jobs?limit=2&offset=2", headers=mine).json()
    assert [j["id"] for j in rest["items"]] == [made[0]]
    # an engineer's owner filter cannot widen the view
    assert env.client.get(f"/v1/jobs?owner={ENGINEER}", headers=mine).json()["total"] == 3
    assert env.job not in {j["id"] for j in env.client.get("/v1/jobs?limit=200", headers=mine).json()["items"]}
    officer = auth(env.keys["compliance_officer"])
    assert env.client.get("/v1/jobs?owner=engineer2-key", headers=officer).json()["total"] == 3
    assert env.client.post(f"/v1/jobs/{made[0]}/cancel", headers=mine).status_code == 200
    cancelled = env.client.get("/v1/jobs?owner=engineer2-key&status=cancelled", headers=officer).json()
    assert [j["id"] for j in cancelled["items"]] == [made[0]]
    queued = env.client.get("/v1/jobs?status=queued&limit=200", headers=mine).json()
    assert {j["id"] for j in queued["items"]} == set(made[1:])
    assert_error(env.client.get("/v1/jobs?status=bogus", headers=mine), 422, "validation_error")
    assert_error(env.client.get("/v1/jobs?limit=0", headers=mine), 422, "validation_error")


# -- submission: limits and malformed input -------------------------------------------------------------------
def _multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _big(size: int) -> bytes:
    line = json.dumps({"id": "x", "text": "filler " * 20}).encode() + b"\n"
    return line * (size // len(line) + 1)


def _no_upload_left(env: Env, before: int) -> None:
    """No job was created and no upload folder is left without its job."""
    assert env.services.jobs.list(limit=1)[1] == before
    folders = {p.name for p in env.settings.uploads_dir.iterdir()}
    assert folders <= {j.id for j in env.services.jobs.list(limit=1000)[0]}


def test_upload_over_the_limit_is_refused_from_content_length_before_authentication(env: Env) -> None:
    before = env.services.jobs.list(limit=1)[1]
    big = _big(100_000)
    error = assert_error(_submit(env, data=big), 413, "payload_too_large")
    assert f"{MAX_UPLOAD:,} bytes" in error["message"]
    # refused from the header alone: no key is even looked at, and nothing is read or stored
    response = env.client.post("/v1/jobs", files={"file": ("data.jsonl", big)})
    assert_error(response, 413, "payload_too_large")
    _no_upload_left(env, before)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length-within-margin", "chunked"])
def test_upload_over_the_limit_is_refused_while_streaming(env: Env, chunked: bool) -> None:
    before = env.services.jobs.list(limit=1)[1]
    body, content_type = _multipart("data.jsonl", _big(MAX_UPLOAD + 1000))
    headers = {**auth(env.keys["engineer"]), "Content-Type": content_type}
    if chunked:
        response = env.client.post("/v1/jobs", content=iter([body[:500], body[500:]]), headers=headers)
    else:
        response = env.client.post("/v1/jobs", content=body, headers=headers)
    error = assert_error(response, 413, "payload_too_large")
    assert f"{MAX_UPLOAD:,} bytes" in error["message"]
    _no_upload_left(env, before)


def test_upload_at_the_limit_is_accepted(env: Env) -> None:
    rows = b"".join(json.dumps({"id": f"n{i}", "text": "x" * 40}).encode() + b"\n" for i in range(60))
    data = rows[: rows.rfind(b"\n", 0, MAX_UPLOAD) + 1]
    assert MAX_UPLOAD - 100 < len(data) <= MAX_UPLOAD
    response = _submit(env, data=data)
    assert response.status_code == 202, response.text
    assert response.json()["input_records"] == data.count(b"\n")


def test_malformed_record_is_422_naming_the_file_and_line(env: Env) -> None:
    before = env.services.jobs.list(limit=1)[1]
    data = DATA.split(b"\n")[0] + b"\n" + DATA.split(b"\n")[1] + b"\n" + b'{"id": "r3", "text": \n'
    error = assert_error(_submit(env, data=data, name="customer-chats.jsonl"), 422, "malformed_input")
    assert error["message"].startswith("customer-chats.jsonl:3: ")
    assert "fix that line" in error["message"]
    assert error["details"]["file"] == "customer-chats.jsonl" and error["details"]["line"] == 3
    assert str(env.settings.root) not in json.dumps(error)  # the server's path is not shown
    _no_upload_left(env, before)


@pytest.mark.parametrize(("name", "data", "match"), [
    ("data.txt", DATA, "unsupported file type"),
    ("data.jsonl.exe", DATA, "unsupported file type"),
    ("x" * 200 + ".txt", DATA, "unsupported file type"),
], ids=["txt", "double-extension", "long-txt"])
def test_wrong_extension_is_400(env: Env, name: str, data: bytes, match: str) -> None:
    before = env.services.jobs.list(limit=1)[1]
    error = assert_error(_submit(env, data=data, name=name), 400, "bad_request")
    assert match in error["message"] and name.rsplit("/", 1)[-1][-60:] in error["message"]
    _no_upload_left(env, before)


def test_a_long_file_name_keeps_its_extension(env: Env) -> None:
    name = "customer-export-" + "q" * 180 + ".jsonl"
    response = _submit(env, name=name, form={"stages": "privacy"})
    assert response.status_code == 202, response.text
    shown = response.json()["input_name"]
    assert len(shown) == 120 and shown.endswith(".jsonl") and shown.startswith("customer-export-qqq")
    job = _run(env, response.json()["id"])
    assert job["status"] == "succeeded" and job["summary"]["privacy"]["in"] == len(ROWS)


def test_an_empty_file_is_accepted_like_the_cli_and_reports_zero_records(env: Env) -> None:
    """The CLI and the service agree: an empty input is a run over 0 records with empty outputs."""
    response = _submit(env, data=b"", name="empty.jsonl")
    assert response.status_code == 202, response.text
    assert response.json()["input_records"] == 0
    job = _run(env, response.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    assert job["summary"]["privacy"] == {"in": 0, "out": 0, "quarantined": 0, "dropped": 0, "findings": 0,
                                         "duplicate_ids": 0}
    assert _report(env, job["id"])["records"]["in"] == 0
    assert (env.settings.jobs_dir / job["id"] / "redacted.jsonl").read_bytes() == b""


def test_a_nul_byte_in_path_is_400(env: Env) -> None:
    before = env.services.jobs.list(limit=1)[1]
    response = env.client.post("/v1/jobs", data={"path": "sub/in\x00.jsonl"}, headers=auth(env.keys["engineer"]))
    error = assert_error(response, 400, "bad_request")
    assert "NUL" in error["message"]
    assert env.services.jobs.list(limit=1)[1] == before


def test_json_nested_too_deep_is_422_naming_the_line(env: Env) -> None:
    before = env.services.jobs.list(limit=1)[1]
    deep = b'{"id": "deep", "text": "x", "n": ' + b"[" * 10_000 + b"]" * 10_000 + b"}\n"
    (env.settings.input_roots[0] / "nested.jsonl").write_bytes(DATA + deep)  # past the upload limit: by path
    response = env.client.post("/v1/jobs", data={"path": "nested.jsonl"}, headers=auth(env.keys["engineer"]))
    error = assert_error(response, 422, "malformed_input")
    assert error["message"].startswith(f"nested.jsonl:{len(ROWS) + 1}: ") and "nests" in error["message"]
    assert error["details"] == {"file": "nested.jsonl", "line": len(ROWS) + 1, "reason": "bad_json"}
    assert env.services.jobs.list(limit=1)[1] == before


def test_an_upload_nested_past_the_limit_is_422_naming_the_line(env: Env) -> None:
    """Within the upload limit, deep enough to parse but past MAX_NESTING: the upload route's own 422."""
    from gdprep.records import MAX_NESTING

    before = env.services.jobs.list(limit=1)[1]
    depth = MAX_NESTING + 50
    deep = b'{"id": "deep", "text": "x", "n": ' + b"[" * depth + b"]" * depth + b"}\n"
    error = assert_error(_submit(env, data=DATA.split(b"\n")[0] + b"\n" + deep, name="deep.jsonl"), 422,
                         "malformed_input")
    assert error["details"] == {"file": "deep.jsonl", "line": 2, "reason": "too_deep"}
    assert error["message"].startswith("deep.jsonl:2: ") and f"more than {MAX_NESTING} levels" in error["message"]
    _no_upload_left(env, before)


def test_repeated_ids_are_counted_in_the_job_summary_and_report(env: Env) -> None:
    data = DATA + json.dumps({"id": "r1", "text": "again"}).encode() + b"\n"
    response = _submit(env, data=data, form={"stages": "privacy"})
    assert response.status_code == 202, response.text
    job = _run(env, response.json()["id"])
    assert job["summary"]["privacy"]["duplicate_ids"] == 1
    records = _report(env, job["id"])["records"]
    assert records["duplicate_ids"] == 1 and records["duplicate_id_lines"] == [len(ROWS) + 1]


def test_uploads_and_job_outputs_are_private_to_the_owner(env: Env) -> None:
    """0700 folders and 0600 files under --root, like the state directory: they hold personal data."""
    checked = 0
    for top in (env.settings.root, env.settings.uploads_dir, env.settings.jobs_dir):
        assert stat.S_IMODE(top.stat().st_mode) == 0o700, top
    for job_id in (env.job,):
        stored = env.services.jobs.get(job_id)
        assert stored is not None
        for base in (Path(stored.input_path).parent, env.settings.jobs_dir / job_id):
            for path in [base, *base.rglob("*")]:
                mode = stat.S_IMODE(path.stat().st_mode)
                assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
                checked += 1
    assert checked > 8  # the upload, the redacted output, reports and the curated splits were all looked at


@pytest.fixture
def outside(env: Env) -> Path:
    """A dataset beside the input root (not under it), and a link to it from inside the root."""
    target = env.settings.input_roots[0].parent / "outside.jsonl"
    target.write_bytes(DATA)
    link = env.settings.input_roots[0] / "link.jsonl"
    if not link.is_symlink():
        link.symlink_to(target)
    return target


@pytest.mark.parametrize("raw", ["../outside.jsonl", "{outside}", "link.jsonl", "sub/../../outside.jsonl",
                                 "/etc/passwd"], ids=["dotdot", "absolute", "symlink", "nested-dotdot", "etc"])
def test_path_outside_the_input_roots_is_403(env: Env, outside: Path, raw: str) -> None:
    before = env.services.jobs.list(limit=1)[1]
    response = env.client.post("/v1/jobs", data={"path": raw.format(outside=outside)},
                               headers=auth(env.keys["engineer"]))
    error = assert_error(response, 403, "forbidden")
    assert "outside the allowed input roots" in error["message"]
    assert env.services.jobs.list(limit=1)[1] == before


def test_path_under_an_input_root_is_accepted(env: Env) -> None:
    (env.settings.input_roots[0] / "sub").mkdir(exist_ok=True)
    (env.settings.input_roots[0] / "sub" / "in.jsonl").write_bytes(DATA)
    response = env.client.post("/v1/jobs", data={"path": "sub/in.jsonl", "stages": "privacy"},
                               headers=auth(env.keys["engineer"]))
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["source"] == "path" and job["input_name"] == "sub/in.jsonl" and job["input_records"] == len(ROWS)
    assert job["input_sha256"] == hashlib.sha256(DATA).hexdigest()


@pytest.mark.parametrize(("files", "form", "match"), [
    (True, {"path": "sub/in.jsonl"}, "exactly one of `file`"),
    (False, {}, "exactly one of `file`"),
    (False, {"path": ""}, "exactly one of `file`"),
    (True, {"policy": "no-such-policy"}, "unknown policy 'no-such-policy'"),
    (True, {"stages": "privacy,deploy"}, "unknown 'deploy'"),
    (True, {"stages": " , "}, "at least one"),
], ids=["both", "neither", "empty-path", "unknown-policy", "unknown-stage", "no-stage"])
def test_bad_submission_is_400(env: Env, files: bool, form: dict[str, str], match: str) -> None:
    before = env.services.jobs.list(limit=1)[1]
    error = assert_error(_submit(env, files=files, form=form), 400, "bad_request")
    assert match in error["message"]
    assert env.services.jobs.list(limit=1)[1] == before


# -- a full job ------------------------------------------------------------------------------------------------
def test_submitted_job_runs_to_success_with_progress_per_stage(env: Env) -> None:
    job = env.client.get(f"/v1/jobs/{env.job}", headers=auth(env.keys["engineer"])).json()
    assert job["status"] == "succeeded" and job["error"] is None and job["owner"] == ENGINEER
    assert job["stages"] == ["privacy", "curation"] and job["source"] == "upload"
    assert job["input_records"] == len(ROWS) and job["input_sha256"] == hashlib.sha256(DATA).hexdigest()
    for stage in ("privacy", "curation"):
        progress = job["progress"][stage]
        assert progress["state"] == "done" and progress["done"] == progress["total"] == len(ROWS), progress
    assert set(job["runs"]) == {"privacy", "curation"}
    assert job["summary"]["privacy"]["in"] == len(ROWS) and job["summary"]["privacy"]["findings"] >= len(PLANTED)
    assert job["started_at"] <= job["finished_at"]
    assert (env.settings.jobs_dir / env.job).is_dir()
    assert not (env.settings.jobs_dir / f"{env.job}.partial").exists()
    (submitted,) = _entries(env, "job_submitted", job=env.job)
    assert submitted["actor"] == ENGINEER and submitted["actor_role"] == "engineer"
    assert submitted["records"] == len(ROWS)
    assert submitted["key_id"] == env.keys["engineer"].split("_")[1]


def test_artifacts_are_listed_and_downloaded_with_a_ledger_entry(env: Env) -> None:
    headers = auth(env.keys["engineer"])
    listed = {a["name"]: a for a in env.client.get(f"/v1/jobs/{env.job}/artifacts", headers=headers).json()}
    assert {"redacted.jsonl", "report.json", "report.html", "curated/train.jsonl"} <= set(listed)
    response = env.client.get(f"/v1/jobs/{env.job}/artifacts/redacted.jsonl", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/octet-stream"
    assert hashlib.sha256(response.content).hexdigest() == listed["redacted.jsonl"]["sha256"]
    assert len(response.content) == listed["redacted.jsonl"]["bytes"]
    texts = {json.loads(line)["id"]: json.loads(line)["text"] for line in response.text.splitlines()}
    assert "Jane Smith" not in texts["r1"] and "<PERSON_" in texts["r1"] and "<EMAIL_ADDRESS>" in texts["r1"]
    nested = env.client.get(f"/v1/jobs/{env.job}/artifacts/curated/train.jsonl", headers=headers)
    assert nested.status_code == 200
    downloads = _entries(env, "artifact_download", job=env.job, artifact="redacted.jsonl")
    assert downloads and all(d["actor"] == ENGINEER and d["channel"] == "api" for d in downloads)
    assert downloads[-1]["sha256"] == listed["redacted.jsonl"]["sha256"]


@pytest.mark.parametrize("name", ["%2E%2E/%2E%2E/ledger.db", "..%2F..%2Fledger.db", "curated/%2E%2E/%2E%2E/ledger.db",
                                  "%2E%2E/jobs/report.json", "%2Fetc%2Fpasswd", "nope.jsonl", "curated",
                                  "report.json%00"])
def test_artifact_names_cannot_leave_the_job(env: Env, name: str) -> None:
    before = len(_entries(env, "artifact_download"))
    response = env.client.get(f"/v1/jobs/{env.job}/artifacts/{name}", headers=auth(env.keys["engineer"]))
    assert_error(response, 404, "not_found")
    assert len(_entries(env, "artifact_download")) == before


@pytest.mark.parametrize(("accept", "html"), [
    (None, False), ("application/json", False), ("*/*", False), ("text/html", True),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),
    ("application/json, text/html;q=0.9", False), ("text/html;q=0.5, application/json", False),
    ("application/json;q=0.2, text/html", True),
])
def test_report_is_json_or_html_by_accept(env: Env, accept: str | None, html: bool) -> None:
    headers = {**auth(env.keys["auditor"]), **({"Accept": accept} if accept else {})}
    response = env.client.get(f"/v1/jobs/{env.job}/report", headers=headers)
    assert response.status_code == 200
    if html:
        assert response.headers["content-type"].startswith("text/html")
        assert "<html" in response.text.lower()
        # the same policy as the report under /ui: no scripts, only the report's own styles, never framed
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "style-src 'sha256-" in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
    else:
        assert response.headers["content-type"] == "application/json"
        report = response.json()
        assert report["records"] and "review_queue" in report and report["policy"]


def test_report_of_an_unfinished_job_is_404(env: Env) -> None:
    made = _submit(env).json()["id"]
    assert_error(env.client.get(f"/v1/jobs/{made}/report", headers=auth(env.keys["auditor"])), 404, "not_found")


# -- cancel -------------------------------------------------------------------------------------------------------
def test_cancel_a_queued_job(env: Env) -> None:
    made = _submit(env).json()["id"]
    response = env.client.post(f"/v1/jobs/{made}/cancel", headers=auth(env.keys["engineer"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "cancelled" and body["cancel_requested"] is True and body["finished_at"]
    (entry,) = _entries(env, "job_cancel_requested", job=made)
    assert entry["actor"] == ENGINEER and entry["status_after"] == "cancelled"
    claimed = env.services.jobs.claim("test")  # a worker never picks it up
    assert claimed is None or claimed.id != made
    if claimed is not None:
        run_job(claimed, env.services.jobs, env.services.ledger, env.settings)
    assert_error(env.client.post(f"/v1/jobs/{made}/cancel", headers=auth(env.keys["engineer"])), 409, "conflict")


def test_cancel_a_finished_job_is_409(env: Env) -> None:
    error = assert_error(env.client.post(f"/v1/jobs/{env.job}/cancel", headers=auth(env.keys["engineer"])), 409,
                          "conflict")
    assert "succeeded" in error["message"] and error["details"] == {}
    assert env.services.jobs.get(env.job).status == JobStatus.succeeded  # type: ignore[union-attr]


@pytest.mark.parametrize("action", ["cancel", "resubmit"])
def test_a_state_conflict_is_one_409_shape_for_cancel_and_resubmit(env: Env, action: str) -> None:
    """A succeeded job can be neither cancelled nor resubmitted: both answer 409 `conflict`, saying the job's
    state, with no internal exception name in the details."""
    response = env.client.post(f"/v1/jobs/{env.job}/{action}", headers=auth(env.keys["engineer"]))
    error = assert_error(response, 409, "conflict")
    assert "succeeded" in error["message"] and error["details"] == {}
    assert "Error" not in response.text and "StateConflict" not in response.text


def test_rematerialising_a_job_that_did_not_succeed_is_the_same_409(env: Env) -> None:
    made = _submit(env)
    assert made.status_code == 202, made.text
    env.services.jobs.request_cancel(made.json()["id"])
    response = env.client.post(f"/v1/jobs/{made.json()['id']}/rematerialise", headers=auth(env.keys["engineer"]))
    error = assert_error(response, 409, "conflict")
    assert "cancelled" in error["message"] and error["details"] == {}


def test_the_hf_folder_downloads_as_one_zip_with_a_ledger_entry(env: Env) -> None:
    import io
    import zipfile

    headers = auth(env.keys["engineer"])
    listed = {a["name"]: a for a in env.client.get(f"/v1/jobs/{env.job}/artifacts", headers=headers).json()}
    hf = {name.removeprefix("curated/"): meta for name, meta in listed.items() if name.startswith("curated/hf/")}
    assert any(name.endswith(".arrow") for name in hf), sorted(listed)
    response = env.client.get(f"/v1/jobs/{env.job}/artifacts/hf.zip", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert f'filename="{env.job}-hf.zip"' in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
        assert set(archive.namelist()) == set(hf)
        for name, meta in hf.items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == meta["sha256"]
    (entry,) = _entries(env, "artifact_download", job=env.job, artifact="hf.zip")
    assert entry["actor"] == ENGINEER and set(entry["files"]) == {f"curated/{name}" for name in hf}
    # another engineer's job is answered like a missing one; a job without hf/ is 404 too
    assert_error(env.client.get(f"/v1/jobs/{env.job}/artifacts/hf.zip", headers=auth(env.keys["engineer2"])),
                 404, "not_found")
    made = _submit(env, form={"stages": "privacy"}).json()["id"]
    _run(env, made)
    assert_error(env.client.get(f"/v1/jobs/{made}/artifacts/hf.zip", headers=headers), 404, "not_found")


def test_cancel_of_a_running_job_stops_it_and_removes_its_outputs(env: Env) -> None:
    made = _submit(env).json()["id"]
    # claim everything up to it (as a worker would), leaving `made` running
    while (job := env.services.jobs.claim("test")) is not None and job.id != made:
        run_job(job, env.services.jobs, env.services.ledger, env.settings)
    assert job is not None and job.id == made
    response = env.client.post(f"/v1/jobs/{made}/cancel", headers=auth(env.keys["engineer"]))
    assert response.status_code == 200 and response.json()["status"] == "running"
    assert response.json()["cancel_requested"] is True
    run_job(job, env.services.jobs, env.services.ledger, env.settings)
    after = env.services.jobs.get(made)
    assert after is not None and after.status == JobStatus.cancelled, (after.status if after else None)
    assert not (env.settings.jobs_dir / made).exists()
    assert not (env.settings.jobs_dir / f"{made}.partial").exists()


# -- reviews, decisions, rematerialise --------------------------------------------------------------------------
def test_review_decisions_go_to_the_ledger_and_are_applied_by_rematerialising(env: Env) -> None:
    officer = auth(env.keys["compliance_officer"])
    made = _submit(env, form={"stages": "privacy"}).json()["id"]
    assert _run(env, made)["status"] == "succeeded"
    queue = env.client.get(f"/v1/reviews?job={made}", headers=auth(env.keys["auditor"]))
    assert queue.status_code == 200, queue.text
    page = queue.json()
    in_report = _report(env, made)["review_queue"]
    assert page["total"] == len(in_report) >= 2 and page["decided"] == 0
    by_record = {(i["record_id"], i["redacted"]): i for i in page["items"]}
    kept = by_record[("r3", True)]        # "jamie": redacted at 0.5, in the review band
    missed = by_record[("r2", False)]     # "Okonkwo": below the threshold, left in the text
    assert kept["id"] == f"{made}.{kept['finding_id']}" and kept["entity_type"] == "PERSON"
    assert "jamie" not in json.dumps(page) and "Okonkwo" not in json.dumps(page)

    decided = {}
    for item, decision in ((kept, "reject"), (missed, "confirm")):
        response = env.client.post(f"/v1/reviews/{item['id']}", json={"decision": decision,
                                                                      "comment": f"TICKET-7 {decision}"},
                                   headers=officer)
        assert response.status_code == 200, response.text
        decided[item["finding_id"]] = body = response.json()
        assert body["decision"] == decision and body["decided_by"] == "compliance_officer-key"
        assert body["decided_at"], body
    after = env.client.get(f"/v1/reviews?job={made}", headers=officer).json()
    assert after["decided"] == 2
    assert {i["finding_id"]: i["decision"] for i in after["items"] if i["decision"]} == {
        kept["finding_id"]: "reject", missed["finding_id"]: "confirm"}
    assert all(i["decision"] is None for i in
               env.client.get(f"/v1/reviews?job={made}&undecided=true", headers=officer).json()["items"])
    entries = _entries(env, "review_decision", job=made)
    assert {(e["finding_id"], e["decision"], e["actor"]) for e in entries} == {
        (kept["finding_id"], "reject", "compliance_officer-key"),
        (missed["finding_id"], "confirm", "compliance_officer-key")}
    assert all("TICKET-7" not in json.dumps(e) and e["comment_sha256"] for e in entries)

    response = env.client.post(f"/v1/jobs/{made}/rematerialise", headers=officer)
    assert response.status_code == 202, response.text
    child = response.json()
    assert child["parent"] == made and child["source"] == "rematerialise" and child["decisions_applied"] == 2
    assert child["owner"] == ENGINEER and child["status"] == "queued"
    (submitted,) = _entries(env, "job_submitted", job=child["id"])
    assert submitted["actor"] == "compliance_officer-key" and submitted["decisions"] == {"confirm": 1, "reject": 1}
    assert _run(env, child["id"])["status"] == "succeeded"
    first = _texts(env, made)
    second = _texts(env, child["id"])
    assert "jamie" not in first["r3"] and "jamie" in second["r3"]              # rejected: the text stays
    assert "Okonkwo" in first["r2"] and "Okonkwo" not in second["r2"]    # confirmed: redacted
    assert second["r1"] == first["r1"] and second["r4"] == first["r4"]
    report = env.client.get(f"/v1/jobs/{child['id']}/report", headers=officer).json()
    assert report["decisions"]["applied"] == {"confirm": 1, "reject": 1}
    assert report["decisions"]["review_decided"] == 2 and report["decisions"]["unmatched_total"] == 0


def _texts(env: Env, job_id: str) -> dict[str, str]:
    lines = (env.settings.jobs_dir / job_id / "redacted.jsonl").read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["id"]: json.loads(line)["text"] for line in lines}


@pytest.mark.parametrize("body", [{"decision": "maybe"}, {"decision": "confirm", "extra": 1}, {},
                                  {"decision": "reject", "comment": "x" * 2001}])
def test_invalid_decision_is_422(env: Env, body: dict[str, Any]) -> None:
    finding = _report(env, env.job)["review_queue"][0]["finding_id"]
    before = len(_entries(env, "review_decision"))
    response = env.client.post(f"/v1/reviews/{env.job}.{finding}", json=body,
                               headers=auth(env.keys["compliance_officer"]))
    assert_error(response, 422, "validation_error")
    assert len(_entries(env, "review_decision")) == before


@pytest.mark.parametrize("review_id", ["nodot", "{job}.f_000000000000000000000000", "{job}.", ".f_1",
                                       "0123456789abcdef0123456789abcdef.f_1"])
def test_unknown_review_item_is_404(env: Env, review_id: str) -> None:
    response = env.client.post(f"/v1/reviews/{review_id.format(job=env.job)}", json={"decision": "reject"},
                               headers=auth(env.keys["compliance_officer"]))
    assert_error(response, 404, "not_found")


# -- deanonymise ----------------------------------------------------------------------------------------------------
def test_officer_deanonymises_a_record_with_a_logged_reason(env: Env) -> None:
    response = env.client.post(f"/v1/jobs/{env.job}/deanonymise",
                               json={"record_ids": ["r1", "no-such-record"], "reason": "DPO-4711 subject access"},
                               headers=auth(env.keys["compliance_officer"]))
    assert response.status_code == 200, response.text
    found, missing = response.json()
    assert found["id"] == "r1" and found["found"] is True
    assert "Jane Smith" in found["record"]["text"]                 # the pseudonym is reversed
    assert "<PHONE_NUMBER>" in found["record"]["text"]             # placeholders keep nothing to reverse
    assert missing == {"id": "no-such-record", "found": False, "record": None}
    events = _entries(env, "key_event", event="deanonymise", reason="DPO-4711 subject access")
    assert len(events) == 1
    (event,) = events
    assert event["actor"] == "compliance_officer-key" and event["actor_role"] == "compliance_officer"
    assert event["job"] == env.job and event["records"] == 1 and event["not_found"] == 1 and event["tokens"] >= 1
    assert event["record_keys"] == [env.services.ledger.record_key("r1")]
    assert "Jane Smith" not in json.dumps(event) and "r1" not in event["record_keys"]


@pytest.mark.parametrize("role", ["engineer", "auditor", "admin"])
def test_only_officers_deanonymise(env: Env, role: str) -> None:
    before = len(_entries(env, "key_event", event="deanonymise"))
    response = env.client.post(f"/v1/jobs/{env.job}/deanonymise", json={"record_ids": ["r1"], "reason": "TICKET-9"},
                               headers=auth(env.keys[role]))
    assert_error(response, 403, "forbidden")
    assert "Jane" not in response.text
    assert len(_entries(env, "key_event", event="deanonymise")) == before


@pytest.mark.parametrize("body", [{"record_ids": ["r1"]}, {"record_ids": ["r1"], "reason": ""},
                                  {"record_ids": ["r1"], "reason": "x"}, {"record_ids": [], "reason": "TICKET-9"},
                                  {"reason": "TICKET-9"}, {"record_ids": ["r1"], "reason": "TICKET-9", "x": 1}],
                         ids=["no-reason", "empty-reason", "short-reason", "no-ids", "missing-ids", "extra"])
def test_deanonymise_needs_ids_and_a_reason(env: Env, body: dict[str, Any]) -> None:
    before = len(_entries(env, "key_event", event="deanonymise"))
    response = env.client.post(f"/v1/jobs/{env.job}/deanonymise", json=body,
                               headers=auth(env.keys["compliance_officer"]))
    assert_error(response, 422, "validation_error")
    assert "Jane" not in response.text
    assert len(_entries(env, "key_event", event="deanonymise")) == before


# -- no raw personal data ---------------------------------------------------------------------------------------------
def test_no_response_but_deanonymise_carries_raw_personal_data(env: Env) -> None:
    officer = auth(env.keys["compliance_officer"])
    responses = {
        "job": env.client.get(f"/v1/jobs/{env.job}", headers=auth(env.keys["engineer"])),
        "list-engineer": env.client.get("/v1/jobs?limit=200", headers=auth(env.keys["engineer"])),
        "list-officer": env.client.get("/v1/jobs?limit=200", headers=officer),
        "report": env.client.get(f"/v1/jobs/{env.job}/report", headers=officer),
        "report-html": env.client.get(f"/v1/jobs/{env.job}/report", headers={**officer, "Accept": "text/html"}),
        "reviews": env.client.get(f"/v1/reviews?job={env.job}", headers=officer),
        "artifacts": env.client.get(f"/v1/jobs/{env.job}/artifacts", headers=auth(env.keys["engineer"])),
    }
    for name, response in responses.items():
        assert response.status_code == 200, (name, response.text)
        for value in PLANTED:
            assert value not in response.text, (name, value)
    assert _report(env, env.job)["review_queue"], "the report has a review queue to leak from"
    ledger = json.dumps([e.body() for e in env.services.ledger.iter_entries()])
    for value in PLANTED:
        assert value not in ledger, value


def test_responses_show_no_server_paths(env: Env) -> None:
    """Job.public hides where the server keeps inputs and outputs; the report it serves must too."""
    root = str(env.settings.root)
    officer = auth(env.keys["compliance_officer"])
    for path in (f"/v1/jobs/{env.job}", f"/v1/jobs/{env.job}/report", "/v1/jobs?limit=200"):
        response = env.client.get(path, headers=officer)
        assert response.status_code == 200
        assert root not in response.text, path
    engineer = auth(env.keys["engineer"])
    for name in ("report.json", "report.html"):  # the report files a job publishes, as downloaded
        response = env.client.get(f"/v1/jobs/{env.job}/artifacts/{name}", headers=engineer)
        assert response.status_code == 200
        assert root not in response.text and ".partial" not in response.text, name


def test_a_job_read_back_from_the_store_has_a_job_status() -> None:
    # the database column holds the plain string; the model gives the enum back, and a wrong value is refused
    assert type(Job(**{**_JOB_FIELDS, "status": "succeeded"}).status) is JobStatus
    assert Job(**{**_JOB_FIELDS, "status": "succeeded"}).status is JobStatus.succeeded
    with pytest.raises(ValueError, match="'finished' is not a valid JobStatus"):
        Job(**{**_JOB_FIELDS, "status": "finished"})


def test_the_stored_job_status_is_the_enum(env: Env) -> None:
    job = env.services.jobs.get(env.job)
    assert job is not None and job.status is JobStatus.succeeded and job.final


def test_the_report_names_files_as_the_user_knows_them_as_the_run_wrote_it(env: Env) -> None:
    """The privacy stage is given the upload's name, so the report is written right once and published as the
    run wrote it: its hash in the job's outputs is the published file's, and nothing rewrites it afterwards."""
    engineer = auth(env.keys["engineer"])
    listed = {a["name"]: a for a in env.client.get(f"/v1/jobs/{env.job}/artifacts", headers=engineer).json()}
    response = env.client.get(f"/v1/jobs/{env.job}/artifacts/report.json", headers=engineer)
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == listed["report.json"]["sha256"]
    report = response.json()
    assert report["paths"] == {"input": "data.jsonl", "output": "redacted.jsonl"}
    assert report["extra"]["outputs"] == {"output": "redacted.jsonl", "report": "report.json",
                                         "report_html": "report.html"}


# -- admin key routes -----------------------------------------------------------------------------------------------
def test_admin_creates_a_key_that_works_and_revokes_it(env: Env) -> None:
    admin = auth(env.keys["admin"])
    response = env.client.post("/v1/keys", json={"name": "ci-runner", "role": "engineer"}, headers=admin)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["name"] == "ci-runner" and created["role"] == "engineer" and created["key"].startswith("gdp_")
    secret = created["key"]
    assert env.client.get("/v1/jobs", headers=auth(secret)).status_code == 200
    assert _submit_as(env, secret).status_code == 202
    listed = {k["name"]: k for k in env.client.get("/v1/keys", headers=admin).json()}
    assert listed["ci-runner"]["created_by"] == "api:admin-key" and listed["ci-runner"]["revoked_at"] is None
    assert secret not in env.client.get("/v1/keys", headers=admin).text
    assert all(set(k) == {"name", "role", "key_id", "created_at", "created_by", "revoked_at", "revoked_by"}
               for k in listed.values())
    assert_error(env.client.post("/v1/keys", json={"name": "ci-runner", "role": "auditor"}, headers=admin), 400,
                  "bad_request")

    revoked = env.client.delete("/v1/keys/ci-runner", headers=admin)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] and revoked.json()["revoked_by"] == "api:admin-key"
    assert_error(env.client.get("/v1/jobs", headers=auth(secret)), 401, "unauthorized")
    assert_error(env.client.delete("/v1/keys/ci-runner", headers=admin), 409, "conflict")
    assert_error(env.client.delete("/v1/keys/nobody", headers=admin), 404, "not_found")
    events = [(e["event"], e["actor"]) for e in _entries(env, "key_event", key="api-key", name="ci-runner")]
    assert events == [("created", "api:admin-key"), ("revoked", "api:admin-key")]
    assert secret not in json.dumps([e.body() for e in env.services.ledger.iter_entries()])


def test_an_admin_cannot_revoke_the_last_admin_key(env: Env) -> None:
    admin = auth(env.keys["admin"])
    error = assert_error(env.client.delete("/v1/keys/admin-key", headers=admin), 409, "conflict")
    assert "last active admin key" in error["message"]
    assert env.client.get("/v1/keys", headers=admin).status_code == 200  # still works
    spare = env.client.post("/v1/keys", json={"name": "admin-spare", "role": "admin"}, headers=admin).json()["key"]
    assert env.client.delete("/v1/keys/admin-spare", headers=admin).status_code == 200  # two admins: allowed
    assert_error(env.client.get("/v1/keys", headers=auth(spare)), 401, "unauthorized")
    assert_error(env.client.delete("/v1/keys/admin-key", headers=admin), 409, "conflict")


@pytest.mark.parametrize("body", [{"name": "bad name", "role": "auditor"}, {"name": "x", "role": "root"},
                                  {"name": "x"}, {"name": "x", "role": "auditor", "key": "mine"}])
def test_invalid_key_request_is_422(env: Env, body: dict[str, Any]) -> None:
    assert_error(env.client.post("/v1/keys", json=body, headers=auth(env.keys["admin"])), 422, "validation_error")


def _submit_as(env: Env, secret: str) -> Any:
    return env.client.post("/v1/jobs", files={"file": ("data.jsonl", DATA)}, headers=auth(secret))


def test_the_ledger_verifies_after_the_module(env: Env) -> None:
    result = env.services.ledger.verify()
    assert result.ok, result.problems
