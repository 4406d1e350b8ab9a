"""The /ui pages without a browser: sign-in and its cookie, CSRF on every form, the role rules, sessions that
end (sign-out, revoked key), security headers, and no raw personal data in any page. One real privacy job
is run in-process once for the module; every test works on its own copy of that state."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gdprep.audit.ledger import Ledger, utc_now
from gdprep.service.api import create_app
from gdprep.service.job import Job, JobStatus, new_job_id
from gdprep.service.job_store import JobStore
from gdprep.service.jobs import run_job
from gdprep.service.keys import KeyStore
from gdprep.service.settings import ServiceSettings
from gdprep.service.web import SESSION_COOKIE, snippet_segments

# planted personal data: none of it may appear in any page
PII = ["Jane Smith", "jane.smith@example.org", "020 7946 0958", "Margaret Oduya", "Okonkwo", "Adaeze",
       "Chidubem", "Dunmore", "AB123456C"]
ROWS = [
    {"id": "t01", "text": "Please call Jane Smith on 020 7946 0958 or mail jane.smith@example.org about the refund."},
    {"id": "t02", "text": "I spoke to Margaret Oduya yesterday. Then Okonkwo nodded and it was fine."},
    {"id": "t03", "text": "Then Adaeze nodded and it was fine."},
    {"id": "t04", "text": "Then Chidubem nodded, fine <script>x</script>"},
    {"id": "t05", "text": "The parcel went to Dunmore instead, ref AB123456C."},
    *({"id": f"t{i:02d}", "text": f"Order {i} shipped on time and the customer was happy with it."}
      for i in range(6, 26)),
]
KEY_ROLES = {"eng-a": "engineer", "eng-b": "engineer", "officer": "compliance_officer", "auditor": "auditor",
             "admin": "admin"}
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class World:
    """A service state with one succeeded privacy job (owner eng-a) and one queued job (owner eng-b)."""

    base: Path
    keys: dict[str, str]
    job_id: str
    other_job_id: str


def _make_job(store: JobStore, owner: str, src: Path, n: int) -> Job:
    """A queued job as POST /v1/jobs stores it (the worker checks the input's hash before it runs)."""
    job = Job(id=new_job_id(), owner=owner, owner_role="engineer", status=JobStatus.queued, stages=["privacy"],
              policy="uk-gdpr-default", source="upload", input_name="tickets.jsonl", input_path=str(src),
              input_sha256=hashlib.sha256(src.read_bytes()).hexdigest(), input_records=n, created_at=utc_now(),
              progress={"privacy": {"state": "pending", "done": 0, "total": n}})
    return store.create(job)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("web-world")
    mp = pytest.MonkeyPatch()
    mp.setenv("GDPREP_HOME", str(base / "home"))
    try:
        settings = ServiceSettings(root=base / "service", workers=0, ledger_url=f"sqlite:///{base / 'ledger.db'}")
        ledger = Ledger(settings.ledger_url)
        keys = {name: KeyStore(ledger).create(name, role) for name, role in KEY_ROLES.items()}
        store = JobStore(ledger.engine)
        src = settings.uploads_dir / "in" / "tickets.jsonl"
        src.parent.mkdir(parents=True)
        src.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
        job = _make_job(store, "eng-a", src, len(ROWS))
        claimed = store.claim("test-worker")
        assert claimed is not None and claimed.id == job.id
        run_job(claimed, store, ledger, settings)
        done = store.get(job.id)
        assert done is not None and done.status == JobStatus.succeeded, done and done.error
        other = _make_job(store, "eng-b", src, len(ROWS))
        ledger.engine.dispose()
        yield World(base=base, keys=keys, job_id=job.id, other_job_id=other.id)
    finally:
        mp.undo()


@dataclass
class Env:
    client: TestClient
    url: str
    keys: dict[str, str]
    job_id: str
    other_job_id: str

    def ledger(self) -> Ledger:
        return Ledger(self.url)

    def decisions_in_ledger(self) -> list[dict[str, Any]]:
        ledger = self.ledger()
        try:
            return [e.payload for e in ledger.iter_entries() if e.kind == "review_decision"]
        finally:
            ledger.engine.dispose()


@pytest.fixture
def env(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    """A private copy of the world (database, outputs, state directory) and a client on it."""
    copy = tmp_path / "world"
    shutil.copytree(world.base, copy)
    monkeypatch.setenv("GDPREP_HOME", str(copy / "home"))
    url = f"sqlite:///{copy / 'ledger.db'}"
    app = create_app(url, settings=ServiceSettings(root=copy / "service", workers=0, ledger_url=url))
    with TestClient(app) as client:
        yield Env(client=client, url=url, keys=world.keys, job_id=world.job_id, other_job_id=world.other_job_id)


def _token(html: str) -> str:
    match = TOKEN_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def sign_in(client: TestClient, key: str, next_path: str = "") -> Any:
    form = client.get("/ui/login")
    assert form.status_code == 200
    return client.post("/ui/login", data={"api_key": key, "csrf_token": _token(form.text), "next": next_path},
                       follow_redirects=False)


def _reviews(env: Env) -> str:
    page = env.client.get(f"/ui/jobs/{env.job_id}/reviews")
    assert page.status_code == 200
    return page.text


def _review_ids(html: str) -> list[str]:
    return re.findall(r'data-review-id="([^"]+)"', html)


# -- sign-in ------------------------------------------------------------------------------------------------
def test_sign_in_sets_a_session_cookie_that_is_not_the_key(env: Env) -> None:
    response = sign_in(env.client, env.keys["officer"])
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/"
    cookies = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{SESSION_COOKIE}=")]
    assert len(cookies) == 1
    flags = [part.strip().lower() for part in cookies[0].split(";")]
    assert "httponly" in flags and "samesite=strict" in flags and "path=/ui" in flags
    assert "secure" not in flags  # plain http: a Secure cookie would never come back
    value = cookies[0].split(";")[0].split("=", 1)[1]
    assert len(value) >= 40 and env.keys["officer"] not in cookies[0]
    assert env.client.get("/ui/jobs").status_code == 200


def test_session_cookie_is_secure_over_https(world: World, env: Env) -> None:
    with TestClient(env.client.app, base_url="https://testserver") as client:
        response = sign_in(client, env.keys["auditor"])
    assert response.status_code == 303
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"{SESSION_COOKIE}="))
    assert "secure" in [part.strip().lower() for part in cookie.split(";")]


@pytest.mark.parametrize("key", ["", "not-a-key", "gdp_0123456789abcdef_wrongsecret"])
def test_a_bad_key_shows_the_form_again_with_an_error(env: Env, key: str) -> None:
    response = sign_in(env.client, key)
    assert response.status_code == 401
    assert "not valid or has been revoked" in response.text
    assert 'name="api_key"' in response.text
    assert not any(c.startswith(f"{SESSION_COOKIE}=") for c in response.headers.get_list("set-cookie"))
    assert env.client.get("/ui/jobs", follow_redirects=False).status_code == 303


def test_failed_sign_ins_are_limited_per_client(env: Env) -> None:
    """The sign-in page counts failures with the API: past the limit even a good key gets a 429 page."""
    limit = env.client.app.state.settings.auth_failures_per_minute
    for _ in range(limit):
        assert sign_in(env.client, "gdp_0123456789abcdef_wrongsecret").status_code == 401
    refused = sign_in(env.client, env.keys["auditor"])
    assert refused.status_code == 429 and "too many failed sign-ins" in refused.text
    assert refused.headers["x-frame-options"] == "DENY"  # an error page, with the pages' headers
    assert not any(c.startswith(f"{SESSION_COOKIE}=") for c in refused.headers.get_list("set-cookie"))
    with TestClient(env.client.app, client=("192.0.2.9", 50000)) as other:
        assert sign_in(other, env.keys["auditor"]).status_code == 303


@pytest.mark.parametrize("token", ["", "0" * 64])
def test_sign_in_without_its_form_token_is_refused(env: Env, token: str) -> None:
    env.client.get("/ui/login")
    response = env.client.post("/ui/login", data={"api_key": env.keys["officer"], "csrf_token": token},
                               follow_redirects=False)
    assert response.status_code == 403
    assert not any(c.startswith(f"{SESSION_COOKIE}=") for c in response.headers.get_list("set-cookie"))


def test_sign_in_token_is_bound_to_the_form_cookie(env: Env) -> None:
    """A token from someone else's form (another browser: another cookie) does not work."""
    with TestClient(env.client.app) as other:
        stolen = _token(other.get("/ui/login").text)
    env.client.get("/ui/login")
    response = env.client.post("/ui/login", data={"api_key": env.keys["officer"], "csrf_token": stolen},
                               follow_redirects=False)
    assert response.status_code == 403


@pytest.mark.parametrize(("next_path", "expected"), [
    ("/ui/jobs?status=succeeded", "/ui/jobs?status=succeeded"),
    ("//evil.example/ui/", "/ui/"),
    ("https://evil.example/", "/ui/"),
    ("/v1/keys", "/ui/"),
])
def test_sign_in_returns_only_to_these_pages(env: Env, next_path: str, expected: str) -> None:
    response = sign_in(env.client, env.keys["officer"], next_path)
    assert response.status_code == 303
    assert response.headers["location"] == expected


@pytest.mark.parametrize("path", ["/ui/", "/ui/jobs", "/ui/jobs/{job}", "/ui/jobs/{job}/report",
                                  "/ui/jobs/{job}/reviews"])
def test_pages_redirect_to_sign_in_without_a_session(env: Env, path: str) -> None:
    response = env.client.get(path.format(job=env.job_id), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/ui/login")


def test_sign_in_returns_to_the_page_asked_for(env: Env) -> None:
    asked = env.client.get("/ui/jobs?status=succeeded", follow_redirects=False)
    assert asked.headers["location"] == "/ui/login?next=%2Fui%2Fjobs%3Fstatus%3Dsucceeded"
    form = env.client.get(asked.headers["location"])
    assert 'name="next" value="/ui/jobs?status=succeeded"' in form.text
    done = env.client.post("/ui/login", data={"api_key": env.keys["officer"], "csrf_token": _token(form.text),
                                              "next": "/ui/jobs?status=succeeded"}, follow_redirects=False)
    assert done.headers["location"] == "/ui/jobs?status=succeeded"


def test_forms_without_a_session_change_nothing(env: Env) -> None:
    review_id = f"{env.job_id}.f_000000000000000000000000"
    response = env.client.post(f"/ui/reviews/{review_id}", data={"decision": "confirm", "csrf_token": "x"},
                               follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/ui/login"
    assert env.decisions_in_ledger() == []


def test_sign_out_ends_the_session(env: Env) -> None:
    sign_in(env.client, env.keys["officer"])
    cookie = env.client.cookies.get(SESSION_COOKIE)
    page = env.client.get("/ui/jobs")
    assert "Sign out" in page.text
    out = env.client.post("/ui/logout", data={"csrf_token": _token(page.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/ui/login"
    assert env.client.get("/ui/jobs", follow_redirects=False).status_code == 303
    # the old cookie, replayed, is dead on the server too
    env.client.cookies.set(SESSION_COOKIE, cookie or "", path="/ui")
    assert env.client.get("/ui/jobs", follow_redirects=False).status_code == 303


def test_sign_out_needs_the_csrf_token(env: Env) -> None:
    sign_in(env.client, env.keys["officer"])
    assert env.client.post("/ui/logout", data={"csrf_token": "nope"}).status_code == 403
    assert env.client.get("/ui/jobs").status_code == 200


def test_revoking_the_key_ends_its_sessions(env: Env) -> None:
    sign_in(env.client, env.keys["officer"])
    assert env.client.get("/ui/jobs").status_code == 200
    ledger = env.ledger()
    try:
        KeyStore(ledger).revoke("officer")
    finally:
        ledger.engine.dispose()
    response = env.client.get("/ui/jobs", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/ui/login")


# -- headers ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/ui/login", "/ui/jobs", "/ui/jobs/{job}", "/ui/jobs/{job}/reviews",
                                  "/ui/jobs/nope"])
def test_security_headers_and_a_nonce_per_response(env: Env, path: str) -> None:
    sign_in(env.client, env.keys["officer"])
    first = env.client.get(path.format(job=env.job_id))
    second = env.client.get(path.format(job=env.job_id))
    for response in (first, second):
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        csp = response.headers["content-security-policy"]
        assert "unsafe-inline" not in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        nonce = re.search(r"'nonce-([^']+)'", csp)
        assert nonce is not None
        # every inline style and script carries this response's nonce
        tags = re.findall(r"<(style|script)([^>]*)>", response.text)
        assert tags and all(f'nonce="{nonce.group(1)}"' in attrs for _tag, attrs in tags)
        assert "http://" not in response.text and "https://" not in response.text  # nothing loaded from anywhere
    nonces = {re.findall(r"'nonce-([^']+)'", r.headers["content-security-policy"])[0] for r in (first, second)}
    assert len(nonces) == 2


def test_report_page_has_its_charts_and_allows_only_its_own_styles(env: Env) -> None:
    sign_in(env.client, env.keys["eng-a"])
    response = env.client.get(f"/ui/jobs/{env.job_id}/report")
    assert response.status_code == 200
    assert response.text.count("<svg") >= 2 and 'id="chart-scores-title"' in response.text
    assert f'href="/ui/jobs/{env.job_id}"' in response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'none'" in csp and "'sha256-" in csp and "unsafe-inline" not in csp
    assert response.headers["x-frame-options"] == "DENY"


# -- roles --------------------------------------------------------------------------------------------------
def test_engineer_sees_own_jobs_only(env: Env) -> None:
    sign_in(env.client, env.keys["eng-a"])
    listing = env.client.get("/ui/jobs").text
    assert env.job_id[:12] in listing and env.other_job_id[:12] not in listing
    assert env.client.get(f"/ui/jobs/{env.job_id}").status_code == 200
    other = env.client.get(f"/ui/jobs/{env.other_job_id}")
    assert other.status_code == 404 and "no such job" in other.text
    assert env.client.get(f"/ui/jobs/{env.other_job_id}/report").status_code == 404
    # the review queue is for officers and auditors
    assert env.client.get(f"/ui/jobs/{env.job_id}/reviews").status_code == 403


def test_engineer_downloads_own_artifacts_and_it_is_recorded(env: Env) -> None:
    sign_in(env.client, env.keys["eng-a"])
    page = env.client.get(f"/ui/jobs/{env.job_id}").text
    assert f"/ui/jobs/{env.job_id}/artifacts/redacted.jsonl" in page
    response = env.client.get(f"/ui/jobs/{env.job_id}/artifacts/redacted.jsonl")
    assert response.status_code == 200
    assert "Jane Smith" not in response.text and "<EMAIL_ADDRESS>" in response.text
    ledger = env.ledger()
    try:
        downloads = [e.payload for e in ledger.iter_entries() if e.kind == "artifact_download"]
    finally:
        ledger.engine.dispose()
    assert [(d["actor"], d["artifact"]) for d in downloads] == [("eng-a", "redacted.jsonl")]


def test_officer_and_auditor_see_every_job(env: Env) -> None:
    for name in ("officer", "auditor"):
        with TestClient(env.client.app) as client:
            sign_in(client, env.keys[name])
            listing = client.get("/ui/jobs").text
            assert env.job_id[:12] in listing and env.other_job_id[:12] in listing
            assert client.get(f"/ui/jobs/{env.other_job_id}").status_code == 200


def test_auditor_reads_the_queue_but_cannot_decide(env: Env) -> None:
    sign_in(env.client, env.keys["auditor"])
    html = _reviews(env)
    review_ids = _review_ids(html)
    assert review_ids and "Confirm</button>" not in html and "Rematerialise" not in html
    response = env.client.post(f"/ui/reviews/{review_ids[0]}",
                               data={"decision": "confirm", "csrf_token": _token(html)}, follow_redirects=False)
    assert response.status_code == 403
    assert env.decisions_in_ledger() == []
    again = env.client.post(f"/ui/jobs/{env.job_id}/rematerialise", data={"csrf_token": _token(html)})
    assert again.status_code == 403


def test_admin_only_signs_in(env: Env) -> None:
    sign_in(env.client, env.keys["admin"])
    home = env.client.get("/ui/")
    assert home.status_code == 200 and "gdprep keys" in home.text
    jobs = env.client.get("/ui/jobs")
    assert jobs.status_code == 403 and "/v1/keys" in jobs.text


# -- review decisions -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_a_decision_without_the_csrf_token_is_refused_and_not_recorded(env: Env, token: str | None) -> None:
    sign_in(env.client, env.keys["officer"])
    review_id = _review_ids(_reviews(env))[0]
    data = {"decision": "confirm"} | ({} if token is None else {"csrf_token": token})
    response = env.client.post(f"/ui/reviews/{review_id}", data=data, follow_redirects=False)
    assert response.status_code == 403 and "CSRF" in response.text
    assert env.decisions_in_ledger() == []
    assert 'data-decision=""' in _reviews(env)


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                                     {"Sec-Fetch-Site": "same-site"}])
def test_a_cross_site_post_is_refused_even_with_the_token(env: Env, headers: dict[str, str]) -> None:
    sign_in(env.client, env.keys["officer"])
    html = _reviews(env)
    response = env.client.post(f"/ui/reviews/{_review_ids(html)[0]}",
                               data={"decision": "reject", "csrf_token": _token(html)},
                               headers=headers, follow_redirects=False)
    assert response.status_code == 403
    assert env.decisions_in_ledger() == []


def test_another_sessions_token_does_not_work(env: Env) -> None:
    with TestClient(env.client.app) as other:
        sign_in(other, env.keys["officer"])
        foreign = _token(other.get("/ui/jobs").text)
    sign_in(env.client, env.keys["officer"])
    review_id = _review_ids(_reviews(env))[0]
    response = env.client.post(f"/ui/reviews/{review_id}", data={"decision": "confirm", "csrf_token": foreign})
    assert response.status_code == 403
    assert env.decisions_in_ledger() == []


def test_officer_confirms_and_rejects_through_the_forms(env: Env) -> None:
    sign_in(env.client, env.keys["officer"])
    html = _reviews(env)
    first, second = _review_ids(html)[:2]
    token = _token(html)
    response = env.client.post(f"/ui/reviews/{first}", data={"decision": "confirm", "csrf_token": token,
                                                             "comment": "a surname"}, follow_redirects=False)
    assert response.status_code == 303
    # back to the queue, with the next undecided item selected
    assert response.headers["location"] == f"/ui/jobs/{env.job_id}/reviews#r-{second.split('.', 1)[1]}"
    env.client.post(f"/ui/reviews/{second}", data={"decision": "reject", "csrf_token": token})
    entries = env.decisions_in_ledger()
    assert [(e["finding_id"], e["decision"], e["actor"], e["actor_role"]) for e in entries] == [
        (first.split(".", 1)[1], "confirm", "officer", "compliance_officer"),
        (second.split(".", 1)[1], "reject", "officer", "compliance_officer")]
    after = _reviews(env)
    assert f'data-review-id="{first}" data-decision="confirm"' in after
    assert f'data-review-id="{second}" data-decision="reject"' in after
    api = env.client.get("/v1/reviews", params={"job": env.job_id},
                         headers={"Authorization": f"Bearer {env.keys['auditor']}"}).json()
    assert {i["id"]: i["decision"] for i in api["items"] if i["decision"]} == {first: "confirm", second: "reject"}


def test_an_unknown_decision_or_finding_is_an_error_page(env: Env) -> None:
    sign_in(env.client, env.keys["officer"])
    html = _reviews(env)
    token = _token(html)
    bad = env.client.post(f"/ui/reviews/{_review_ids(html)[0]}", data={"decision": "maybe", "csrf_token": token})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/html")
    missing = env.client.post(f"/ui/reviews/{env.job_id}.f_000000000000000000000000",
                              data={"decision": "confirm", "csrf_token": token})
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert env.decisions_in_ledger() == []


def test_rematerialise_queues_a_new_job(env: Env) -> None:
    sign_in(env.client, env.keys["officer"])
    html = _reviews(env)
    response = env.client.post(f"/ui/jobs/{env.job_id}/rematerialise", data={"csrf_token": _token(html)},
                               follow_redirects=False)
    assert response.status_code == 303
    new_id = response.headers["location"].rsplit("/", 1)[1]
    page = env.client.get(response.headers["location"])
    assert page.status_code == 200 and "queued" in page.text and 'http-equiv="refresh"' in page.text
    ledger = env.ledger()
    try:
        job = JobStore(ledger.engine).get(new_id)
    finally:
        ledger.engine.dispose()
    assert job is not None and job.status == JobStatus.queued and job.parent == env.job_id
    assert job.source == "rematerialise" and job.owner == "eng-a"


# -- what pages show ---------------------------------------------------------------------------------------
def test_review_queue_shows_masked_context_with_the_finding_highlighted(env: Env) -> None:
    sign_in(env.client, env.keys["officer"])
    html = _reviews(env)
    assert len(_review_ids(html)) >= 2
    assert re.search(r'<mark class="finding">PERSON: Xx+</mark>', html)
    assert '<span class="masked">PERSON</span>' in html  # Margaret Oduya beside the Okonkwo finding
    # record text is escaped, never markup
    assert "fine &lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
    for shortcut in ('"j"', '"k"', '"c"', '"r"'):
        assert f"case {shortcut}" in html


@pytest.mark.parametrize("role", ["eng-a", "officer", "auditor"])
def test_no_page_contains_raw_personal_data(env: Env, role: str) -> None:
    sign_in(env.client, env.keys[role])
    paths = ["/ui/jobs", f"/ui/jobs/{env.job_id}", f"/ui/jobs/{env.job_id}/report"]
    if role != "eng-a":
        paths += [f"/ui/jobs/{env.job_id}/reviews", f"/ui/jobs/{env.job_id}/reviews?show=undecided"]
    for path in paths:
        response = env.client.get(path)
        assert response.status_code == 200, path
        for value in PII:
            assert value not in response.text, (path, value)


def test_job_list_filters_by_status_and_pages(env: Env) -> None:
    sign_in(env.client, env.keys["officer"])
    succeeded = env.client.get("/ui/jobs", params={"status": "succeeded"}).text
    assert env.job_id[:12] in succeeded and env.other_job_id[:12] not in succeeded
    queued = env.client.get("/ui/jobs", params={"status": "queued"}).text
    assert env.other_job_id[:12] in queued and env.job_id[:12] not in queued
    assert "Page 1 of 1" in queued
    assert env.client.get("/ui/jobs", params={"status": "bogus"}).status_code == 400
    assert env.client.get("/ui/jobs", params={"page": "0"}).status_code == 400
    assert "No jobs" in env.client.get("/ui/jobs", params={"page": "2"}).text


def test_job_page_shows_stage_progress(env: Env) -> None:
    sign_in(env.client, env.keys["officer"])
    html = env.client.get(f"/ui/jobs/{env.job_id}").text
    assert '<progress max="100" value="100"' in html and "succeeded" in html
    assert f'href="/ui/jobs/{env.job_id}/report"' in html and f'href="/ui/jobs/{env.job_id}/reviews"' in html
    assert 'http-equiv="refresh"' not in html  # finished: no auto-refresh


@pytest.mark.parametrize(("snippet", "expected"), [
    ("plain", [("text", "plain")]),
    ("I saw \u27e6PERSON: Xxxx\u27e7 and \u27e6EMAIL_ADDRESS\u27e7.",
     [("text", "I saw "), ("finding", "PERSON: Xxxx"), ("text", " and "), ("masked", "EMAIL_ADDRESS"), ("text", ".")]),
    ("\u27e6PERSON: Xx\u27e7", [("finding", "PERSON: Xx")]),
    ("<b>\u27e6url\u27e7", [("text", "<b>"), ("masked", "url")]),
    ("broken \u27e6PERSON", [("text", "broken \u27e6PERSON")]),
])
def test_snippet_segments(snippet: str, expected: list[tuple[str, str]]) -> None:
    assert [(s.kind, s.text) for s in snippet_segments(snippet)] == expected
