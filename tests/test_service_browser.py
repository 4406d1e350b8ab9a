"""End to end in a real browser: `gdprep serve` in a subprocess with one job worker, keys made with
`gdprep keys create`, a job uploaded through the API by an engineer, then a compliance officer in headless
Chromium reads the report, confirms one finding with the button and rejects another with the keyboard, and
rematerialises. The decisions must reach the API and the audit ledger under the officer key's name.

Uses the system Chromium (Debian's /usr/bin/chromium); it never downloads a browser. Skipped, with the
reason, only when no Chromium binary exists."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gdprep.audit.ledger import Ledger

ROWS = [
    {"id": "b01", "text": "Please call Jane Smith on 020 7946 0958 or mail jane.smith@example.org about the refund."},
    {"id": "b02", "text": "I spoke to Margaret Oduya yesterday. Then Okonkwo nodded and it was fine."},
    {"id": "b03", "text": "Then Adaeze nodded and it was fine."},
    {"id": "b04", "text": "The parcel went to Dunmore instead."},
    *({"id": f"b{i:02d}", "text": f"Order {i} shipped on time and the customer was happy with it."}
      for i in range(5, 20)),
]
PII = ["Jane Smith", "jane.smith@example.org", "020 7946 0958", "Margaret Oduya", "Okonkwo", "Adaeze",
       "Dunmore"]
OFFICER = "officer-web"
ENGINEER = "eng-web"
READY_TIMEOUT_S = 240.0  # the worker loads spaCy and the recognizers before /readyz says ready
JOB_TIMEOUT_S = 240.0


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _gdprep(*args: str) -> list[str]:
    # the `gdprep` console script's entry point, run by this interpreter (the venv's, whatever PATH says)
    return [sys.executable, "-m", "gdprep.service.cli", *args]


@dataclass
class Server:
    base: str
    ledger_url: str
    keys: dict[str, str]
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:] if self.log.exists() else ""


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    home = tmp_path / "home"
    monkeypatch.setenv("GDPREP_HOME", str(home))  # the test reads the same ledger keys as the server
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    env = {**os.environ, "GDPREP_HOME": str(home), "GDPREP_LEDGER_URL": url}
    env.pop("GDPREP_WORKERS", None)
    keys = {}
    for name, role in ((ENGINEER, "engineer"), (OFFICER, "compliance_officer")):
        made = subprocess.run(_gdprep("keys", "create", "--role", role, "--name", name, "--ledger-url", url),
                              env=env, capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr
        keys[name] = made.stdout.strip()
        assert keys[name].startswith("gdp_")
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            _gdprep("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--ledger-url", url,
                    "--root", str(tmp_path / "service")),
            env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    srv = Server(base=f"http://127.0.0.1:{port}", ledger_url=url, keys=keys, log=log)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            assert proc.poll() is None, f"gdprep serve exited ({proc.returncode}):\n{srv.log_tail()}"
            try:
                if httpx.get(f"{srv.base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"gdprep serve was not ready in time:\n{srv.log_tail()}"
            time.sleep(0.5)
        yield srv
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server, then anything left of its process group (its job workers), whatever happened.
    SIGTERM goes to the server only: it stops its workers itself (a worker killed by the same signal can
    leave the pool's shutdown waiting on it)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def _api(srv: Server, key: str) -> httpx.Client:
    return httpx.Client(base_url=srv.base, headers={"Authorization": f"Bearer {srv.keys[key]}"}, timeout=30)


def _submit_and_wait(srv: Server) -> str:
    body = "".join(json.dumps(r) + "\n" for r in ROWS).encode("utf-8")
    with _api(srv, ENGINEER) as api:
        submitted = api.post("/v1/jobs", files={"file": ("tickets.jsonl", body, "application/x-ndjson")},
                             data={"stages": "privacy", "policy": "uk-gdpr-default"})
        assert submitted.status_code == 202, submitted.text
        job_id = str(submitted.json()["id"])
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while True:
            job = api.get(f"/v1/jobs/{job_id}").json()
            if job["status"] not in ("queued", "running"):
                break
            assert time.monotonic() < deadline, f"job still {job['status']}:\n{srv.log_tail()}"
            time.sleep(0.5)
    assert job["status"] == "succeeded", (job.get("error"), srv.log_tail())
    return job_id


def _ledger_entries(url: str, kind: str) -> list[dict[str, Any]]:
    ledger = Ledger(url)
    try:
        return [dict(e.payload) for e in ledger.iter_entries() if e.kind == kind]
    finally:
        ledger.engine.dispose()


@pytest.mark.slow  # about a minute: the server's worker loads the detection models before the job runs
def test_officer_reviews_in_a_real_browser(server: Server) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium binary (chromium on PATH or /usr/bin/chromium); install Debian's `chromium` "
                    "package; this test never downloads a browser")
    job_id = _submit_and_wait(server)
    base = server.base
    csp_problems: list[str] = []

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True)
        try:
            page = browser.new_context(java_script_enabled=True).new_page()
            page.on("console", lambda msg: csp_problems.append(msg.text)
                    if "Content Security Policy" in msg.text else None)

            # an unsigned visit lands on the sign-in form, and returns where it was going
            page.goto(f"{base}/ui/jobs/{job_id}/report")
            assert "/ui/login" in page.url
            page.fill("#api_key", server.keys[OFFICER])
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/ui/jobs/{job_id}/report")

            # the report: its SVG charts, its own (hash-allowed) stylesheet applied
            assert page.locator("svg.chart").count() >= 2
            assert page.locator("#chart-scores-title").count() == 1
            assert page.evaluate("getComputedStyle(document.body).marginTop") == "0px"
            assert not any(value in page.content() for value in PII)

            # the job list and job page (nonce'd stylesheet applied)
            page.goto(f"{base}/ui/jobs")
            assert page.locator(f"a[href='/ui/jobs/{job_id}']").count() == 1
            assert page.evaluate("getComputedStyle(document.querySelector('header.top')).borderBottomStyle") \
                == "solid"
            page.click(f"a[href='/ui/jobs/{job_id}']")
            page.click("#reviews-link")
            page.wait_for_url(f"{base}/ui/jobs/{job_id}/reviews")

            rows = page.locator("tr.review-item")
            assert rows.count() >= 2
            html = page.content()
            assert not any(value in html for value in PII)
            assert page.locator("tr.review-item mark.finding").count() == rows.count()
            first = rows.nth(0).get_attribute("data-review-id")
            second = rows.nth(1).get_attribute("data-review-id")
            assert first and second
            # the script selected the first undecided item
            assert page.locator("tr.review-item.selected").get_attribute("data-review-id") == first

            # confirm the first with its button (and a comment)
            rows.nth(0).locator("input[name=comment]").fill("a surname, keep it redacted")
            with page.expect_navigation():
                rows.nth(0).locator("button[value=confirm]").click()
            assert page.locator(f"tr[data-review-id='{first}']").get_attribute("data-decision") == "confirm"
            # after a decision the selection moves on to the next undecided item
            selected = page.locator("tr.review-item.selected")
            assert selected.get_attribute("data-review-id") == second

            # shortcuts do not fire while typing in the comment box ...
            box = selected.locator("input[name=comment]")
            box.click()
            page.keyboard.type("rc")
            assert box.input_value() == "rc"
            assert page.locator(f"tr[data-review-id='{second}']").get_attribute("data-decision") == ""
            page.keyboard.press("Escape")
            box.fill("")
            page.keyboard.press("Escape")
            # ... k/j move the selection, r rejects the selected item
            page.keyboard.press("k")
            assert page.locator("tr.review-item.selected").get_attribute("data-review-id") == first
            page.keyboard.press("j")
            assert page.locator("tr.review-item.selected").get_attribute("data-review-id") == second
            with page.expect_navigation():
                page.keyboard.press("r")
            assert page.locator(f"tr[data-review-id='{second}']").get_attribute("data-decision") == "reject"

            # v focuses the selected item's reason-to-reveal box; Enter reveals that finding on a page of its own
            page.keyboard.press("v")
            reason = page.locator("tr.review-item.selected input[name=reason]")
            assert reason.evaluate("el => el === document.activeElement")
            page.keyboard.type("DPO-7 is this a name?")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.locator("h1").inner_text() == "Revealed finding"
            assert page.locator("#revealed-value").inner_text().strip()
            page.goto(f"{base}/ui/jobs/{job_id}/reviews")

            # rematerialise with the decisions: a new job
            with page.expect_navigation():
                page.click("#rematerialise button[type=submit]")
            new_url = page.url
            assert new_url.startswith(f"{base}/ui/jobs/") and job_id not in new_url
            assert page.locator("h1").inner_text().startswith("Job")
            new_id = new_url.rsplit("/", 1)[1]
        finally:
            browser.close()

    assert csp_problems == []

    # the API and the ledger agree, under the officer key's name
    with _api(server, OFFICER) as api:
        items = api.get("/v1/reviews", params={"job": job_id}).json()["items"]
    decided = {i["id"]: (i["decision"], i["decided_by"]) for i in items if i["decision"]}
    assert decided == {first: ("confirm", OFFICER), second: ("reject", OFFICER)}
    comments = {i["id"]: i["comment"] for i in items if i["decision"]}
    assert comments[first] == "a surname, keep it redacted"

    decisions = _ledger_entries(server.ledger_url, "review_decision")
    assert [(d["job"], d["finding_id"], d["decision"], d["actor"], d["actor_role"]) for d in decisions] == [
        (job_id, first.split(".", 1)[1], "confirm", OFFICER, "compliance_officer"),
        (job_id, second.split(".", 1)[1], "reject", OFFICER, "compliance_officer")]
    assert all("a surname" not in json.dumps(d) for d in decisions)  # the ledger keeps the comment's hash

    submitted = [s for s in _ledger_entries(server.ledger_url, "job_submitted") if s.get("source") == "rematerialise"]
    assert [(s["job"], s["parent"], s["actor"], s["decisions"]) for s in submitted] == [
        (new_id, job_id, OFFICER, {"confirm": 1, "reject": 1})]
    with _api(server, ENGINEER) as api:  # the new job belongs to the original job's engineer
        new_job = api.get(f"/v1/jobs/{new_id}").json()
    assert new_job["parent"] == job_id and new_job["source"] == "rematerialise"
    assert new_job["status"] in ("queued", "running", "succeeded") and new_job["decisions_applied"] == 2
