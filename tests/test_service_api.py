"""The HTTP API over a real SQLite ledger: the role matrix of every route, one error shape for every failure,
readiness, export zips that verify offline and are recorded with the key's name, and no raw personal data
in any response or ledger entry."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gdprep.audit.export import verify_bundle
from gdprep.audit.ledger import Ledger
from gdprep.privacy.subjects import identifier_candidates
from gdprep.service.api import create_app
from gdprep.service.keys import ROLES, KeyStore
from tests.api_helpers import assert_error, auth

SUBJECT = "alice.smith@example.com"
RECORD_ID = "customer-4711"


@pytest.fixture(autouse=True)
def _no_job_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests cover the audit routes: no job worker processes, a private service root."""
    monkeypatch.setenv("GDPREP_WORKERS", "0")
    monkeypatch.setenv("GDPREP_SERVICE_ROOT", str(tmp_path / "service"))


@pytest.fixture
def ledger_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    """The ledger the app serves, with one redacted and curated record of SUBJECT (as the pipeline writes it)."""
    opened = Ledger(ledger_url)
    run_id = opened.start_run("privacy", command="gdprep redact")
    subject_keys = sorted(opened.record_key(form) for form in identifier_candidates(SUBJECT))
    record_key = opened.record_key(RECORD_ID)
    opened.append("record_redacted", {"action": "redacted", "findings": [{"type": "EMAIL_ADDRESS",
                                                                          "operator": "replace"}],
                                      "subjects": subject_keys, "vault_keys": ["vk-1"]},
                  run_id=run_id, record_key=record_key)
    opened.append("record_curated", {"outcome": "assigned", "split": "train"}, run_id=run_id, record_key=record_key)
    opened.finish_run(run_id, "privacy", ok=True)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def keys(ledger: Ledger) -> dict[str, str]:
    """One key per role (named after it) plus a revoked auditor key."""
    store = KeyStore(ledger)
    made = {role: store.create(f"{role}-key", role) for role in ROLES}
    made["revoked"] = store.create("revoked-key", "auditor")
    store.revoke("revoked-key")
    return made


@pytest.fixture
def client(ledger_url: str, keys: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(create_app(ledger_url)) as test_client:
        yield test_client


def _call(client: TestClient, route: str, headers: dict[str, str] | None = None) -> Any:
    method, path = route.split(" ", 1)
    if method == "POST":
        return client.post(path, json={"subject": SUBJECT}, headers=headers)
    return client.get(path, headers=headers)


# -- role matrix --------------------------------------------------------------------------------------------
ROUTES = {
    "GET /v1/audit/verify": {"auditor", "compliance_officer", "admin"},
    f"GET /v1/audit/trace/{RECORD_ID}": {"auditor"},
    "GET /v1/audit/export?format=csv": {"auditor"},
    "POST /v1/erasure-requests": {"compliance_officer", "admin"},
}
MATRIX = [(route, role, 200 if role in allowed else 403) for route, allowed in ROUTES.items() for role in ROLES]


@pytest.mark.parametrize(("route", "role", "expected"), MATRIX, ids=[f"{r}-{o}" for r, o, _ in MATRIX])
def test_role_matrix(client: TestClient, keys: dict[str, str], route: str, role: str, expected: int) -> None:
    response = _call(client, route, auth(keys[role]))
    if expected == 200:
        assert response.status_code == 200, response.text
    else:
        error = assert_error(response, 403, "forbidden")
        assert role in error["message"]


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("credentials", ["none", "garbage", "revoked", "basic"])
def test_every_protected_route_needs_a_valid_key(client: TestClient, keys: dict[str, str], route: str,
                                                 credentials: str) -> None:
    headers = {"none": None, "garbage": auth("gdp_0123456789abcdef_nope"), "revoked": auth(keys["revoked"]),
               "basic": {"Authorization": "Basic dXNlcjpwYXNz"}}[credentials]
    response = _call(client, route, headers)
    assert_error(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/openapi.json"])
def test_health_and_schema_need_no_key(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 200


# -- health -------------------------------------------------------------------------------------------------------
def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}


def test_readyz_is_503_when_the_database_cannot_be_opened(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'ledger.db'}"
    with TestClient(create_app(url)) as test_client:
        assert test_client.get("/healthz").status_code == 200
        error = assert_error(test_client.get("/readyz"), 503, "not_ready")
        assert "missing-dir" not in json.dumps(error)  # no URL or driver message leaks


def test_openapi_lists_the_versioned_routes_and_bearerauth(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/audit/verify", "/v1/audit/trace/{record_id}", "/v1/audit/export", "/v1/erasure-requests"} <= set(
        spec["paths"])
    assert any(s.get("scheme") == "bearer" for s in spec["components"]["securitySchemes"].values())


# -- error shapes ----------------------------------------------------------------------------------------------
def test_unknown_record_is_404_without_echoing_the_id(client: TestClient, keys: dict[str, str]) -> None:
    error = assert_error(client.get("/v1/audit/trace/nobody-123", headers=auth(keys["auditor"])), 404,
                          "not_found")
    assert "nobody-123" not in json.dumps(error)


def test_unknown_route_has_the_error_shape(client: TestClient) -> None:
    assert_error(client.get("/v1/nothing-here"), 404, "not_found")


@pytest.mark.parametrize("body", [{}, {"subject": ""}, {"subject": SUBJECT, "extra": 1}, {"subject": ["x"]},
                                  {"subject": SUBJECT * 20}])
def test_invalid_erasure_request_is_422_and_never_echoes_the_body(client: TestClient, keys: dict[str, str],
                                                                  body: dict[str, Any]) -> None:
    response = client.post("/v1/erasure-requests", json=body, headers=auth(keys["compliance_officer"]))
    error = assert_error(response, 422, "validation_error")
    assert error["details"]["errors"] and all(set(e) == {"loc", "msg", "type"} for e in error["details"]["errors"])
    assert "alice" not in response.text


def test_bad_export_format_is_422(client: TestClient, keys: dict[str, str]) -> None:
    error = assert_error(client.get("/v1/audit/export?format=xml", headers=auth(keys["auditor"])), 422,
                          "validation_error")
    assert error["details"]["errors"][0]["loc"] == ["query", "format"]


def test_ropa_export_takes_a_shipped_policy(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/v1/audit/export?format=ropa&policy=healthcare", headers=auth(keys["auditor"]))
    assert response.status_code == 200, response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        ropa = json.loads(zf.read("ropa.json"))
    assert "healthcare" in json.dumps(ropa)
    assert_error(client.get("/v1/audit/export?format=ropa&policy=nope", headers=auth(keys["auditor"])), 400,
                 "bad_request")
    assert_error(client.get("/v1/audit/export?format=csv&policy=healthcare", headers=auth(keys["auditor"])), 400,
                 "bad_request")


def test_unknown_run_in_export_is_400_from_the_domain_error(client: TestClient, keys: dict[str, str]) -> None:
    error = assert_error(client.get("/v1/audit/export?run=nope", headers=auth(keys["auditor"])), 400,
                          "bad_request")
    assert "no ledger entries for run 'nope'" in error["message"]


def test_unexpected_errors_are_500_without_internals(ledger_url: str) -> None:
    app = create_app(ledger_url)

    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.get("/boom")
    assert_error(response, 500, "internal_error")
    assert "secret" not in response.text and "passwd" not in response.text


# -- audit routes ------------------------------------------------------------------------------------------------
def test_verify_returns_the_ledger_result(client: TestClient, keys: dict[str, str], ledger: Ledger) -> None:
    body = client.get("/v1/audit/verify", headers=auth(keys["auditor"])).json()
    assert body["ok"] is True and body["problems"] == []
    assert body["entries"] == ledger.verify().entries > 0
    assert body["checkpoints"] == len(ledger.list_checkpoints())


def test_verify_reports_tampering(client: TestClient, keys: dict[str, str], ledger: Ledger) -> None:
    with ledger.engine.begin() as conn:
        conn.execute(ledger.entries.update().where(ledger.entries.c.kind == "record_curated")
                     .values(payload='{"outcome":"dropped","split":"train"}'))
    body = client.get("/v1/audit/verify", headers=auth(keys["admin"])).json()
    assert body["ok"] is False and body["first_bad_seq"] is not None and "modified" in body["problems"][0]


def test_trace_returns_the_record_lineage(client: TestClient, keys: dict[str, str], ledger: Ledger) -> None:
    body = client.get(f"/v1/audit/trace/{RECORD_ID}", headers=auth(keys["auditor"])).json()
    assert body["record_key"] == ledger.record_key(RECORD_ID)
    assert [e["kind"] for e in body["events"]] == ["record_redacted", "record_curated"]
    assert body["proof"]["verified"] is True


@pytest.mark.parametrize(("fmt", "view"), [("csv", "lineage.csv"), ("openlineage", "openlineage.json"),
                                           ("prov", "prov.json"), ("ropa", "ropa.json")])
def test_export_is_a_verifiable_zip_recorded_with_the_key_name(client: TestClient, keys: dict[str, str],
                                                               ledger: Ledger, tmp_path: Path, fmt: str,
                                                               view: str) -> None:
    response = client.get(f"/v1/audit/export?format={fmt}", headers=auth(keys["auditor"]))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert f"gdprep-audit-{fmt}.zip" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert zf.testzip() is None
        assert {"entries.jsonl", "checkpoints.json", "public_key.pem", "head.json", "bundle.json", view} <= set(
            zf.namelist())
        zf.extractall(tmp_path / "bundle")
    # checked as an auditor would: against the ledger's key as they hold it, not the bundle's own copy
    assert verify_bundle(tmp_path / "bundle", public_key=ledger.keys.public_pem(create=False)).ok
    exports = [e for e in ledger.iter_entries() if e.kind == "export"]
    assert len(exports) == 1
    assert exports[0].payload["actor"] == "auditor-key" and exports[0].payload["format"] == fmt
    assert exports[0].payload["channel"] == "api"
    assert ledger.verify().ok and ledger.verify().unsigned_tail == 0


# -- erasure ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["compliance_officer", "admin"])
def test_erasure_request_reports_impact_without_raw_subject(client: TestClient, keys: dict[str, str],
                                                            ledger: Ledger, role: str) -> None:
    response = client.post("/v1/erasure-requests", json={"subject": SUBJECT}, headers=auth(keys[role]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["record_count"] == 1
    assert body["records"][0]["record_key"] == ledger.record_key(RECORD_ID)
    assert "vault_keys" not in body["records"][0]
    assert body["splits"] == {"train": 1}
    assert body["deadline"] > body["requested"]
    for raw in ("alice", "example.com", RECORD_ID):
        assert raw not in response.text
    (recorded,) = [e for e in ledger.iter_entries() if e.kind == "erasure_request"]
    assert recorded.payload["actor"] == f"{role}-key" and recorded.payload["records"] == 1
    assert recorded.payload["subject_keys"] == body["subject_keys"]
    everything = json.dumps([e.body() for e in ledger.iter_entries()])
    assert "alice" not in everything and "example.com" not in everything
    assert ledger.verify().ok


def test_erasure_request_for_unknown_subject_finds_nothing(client: TestClient, keys: dict[str, str]) -> None:
    body = client.post("/v1/erasure-requests", json={"subject": "bob@example.org"},
                       headers=auth(keys["admin"])).json()
    assert body["record_count"] == 0 and body["records"] == [] and body["runs"] == []


def test_failed_sign_ins_are_limited_per_client(ledger_url: str, keys: dict[str, str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """After GDPREP_AUTH_FAILURES failures a client gets 429 with Retry-After, even with a good key, and its
    attempts cost no key check; other clients are not affected."""
    monkeypatch.setenv("GDPREP_AUTH_FAILURES", "3")
    app = create_app(ledger_url)
    with TestClient(app, client=("192.0.2.7", 40000)) as attacker:
        for token in ("gdp_0123456789abcdef_nope", "garbage", keys["revoked"]):
            assert_error(attacker.get("/v1/audit/verify", headers=auth(token)), 401, "unauthorized")
        checks = app.state.services.get().keys.scrypt_checks
        refused = attacker.get("/v1/audit/verify", headers=auth(keys["auditor"]))
        error = assert_error(refused, 429, "too_many_requests")
        assert "too many failed sign-ins" in error["message"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert app.state.services.get().keys.scrypt_checks == checks
        other = TestClient(app, client=("192.0.2.8", 40000))
        assert other.get("/v1/audit/verify", headers=auth(keys["auditor"])).status_code == 200
        assert attacker.get("/healthz").status_code == 200  # what needs no key still answers


def test_api_errors_document_429(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "429" in schema["paths"]["/v1/audit/verify"]["get"]["responses"]
    assert "429" in schema["paths"]["/v1/jobs"]["post"]["responses"]
