"""Blind human evaluation in a real browser: `gdprep serve` (no job workers) in a subprocess over a ledger
holding one evaluation of four blind pairs (answers written here, not generated: the generation is tested in
tests/test_human_evaluation.py), an evaluator in headless Chromium rates pairs with the buttons and the
keyboard, a compliance officer reads the preference rate on the report page and records it, and `gdprep
feedback export` turns the ratings into preference pairs.

Uses the system Chromium (/usr/bin/chromium); it never downloads a browser."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gdprep.audit.ledger import Ledger
from gdprep.audit.lineage import ledger_run
from gdprep.training.humaneval_store import EvaluationStore, Item

from .test_service_browser import Server, _chromium, _free_port, _gdprep, _stop

EVALUATOR = "eva-web"
OFFICER = "officer-web"
SIDES = ["A", "B", "B", "A"]   # where the candidate is, per item
CANDIDATE = ["Restart it, then wait.", "Hold reset for ten seconds.", "Check the cable first.", "Call support."]
BASELINE = ["router router router", "Reset.", "I do not know.", "Call ⟦PERSON⟧ on ⟦PHONE_NUMBER⟧."]


def _evaluation(url: str, test_file: Path) -> str:
    ledger = Ledger(url)
    try:
        with ledger_run(ledger, "human_evaluation", command="test") as rec:
            rec.input_dataset("test", test_file, 4)
            items = [Item(rec.run_id, i, f"r{i}", f"How do I reset router {i}?", f"How do I reset router {i}?",
                          CANDIDATE[i], BASELINE[i], SIDES[i],
                          {"baseline": {"PERSON": 1, "PHONE_NUMBER": 1}} if i == 3 else {}) for i in range(4)]
            details = {"candidate": {"label": "adapter X", "kind": "adapter", "training_run": None,
                                     "adapter_sha256": "f" * 64},
                       "baseline": {"label": "base model", "kind": "base"}, "test_file": str(test_file),
                       "test_sha256": "0" * 64, "seed": 0, "requested": 4, "policy": "uk-gdpr-default",
                       "policy_hash": None, "regurgitation": {}}
            EvaluationStore(ledger).create(rec.run_id, "test", details, items)
            return rec.run_id
    finally:
        ledger.engine.dispose()


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Server, str]]:
    home = tmp_path / "home"
    monkeypatch.setenv("GDPREP_HOME", str(home))
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    env = {**os.environ, "GDPREP_HOME": str(home), "GDPREP_LEDGER_URL": url}
    keys = {}
    for name, role in ((EVALUATOR, "evaluator"), (OFFICER, "compliance_officer")):
        made = subprocess.run(_gdprep("keys", "create", "--role", role, "--name", name, "--ledger-url", url),
                              env=env, capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr
        keys[name] = made.stdout.strip()
    test_file = tmp_path / "test.jsonl"
    test_file.write_text("".join(json.dumps({"id": f"r{i}", "prompt": "p", "completion": "c"}) + "\n"
                                 for i in range(4)), encoding="utf-8")
    evaluation_id = _evaluation(url, test_file)
    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(_gdprep("serve", "--port", str(port), "--workers", "0", "--ledger-url", url,
                                        "--root", str(tmp_path / "service")),
                                env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    srv = Server(base=f"http://127.0.0.1:{port}", ledger_url=url, keys=keys, log=log)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, srv.log_tail()
            try:
                if httpx.get(f"{srv.base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, srv.log_tail()
            time.sleep(0.3)
        yield srv, evaluation_id
    finally:
        _stop(proc)


def _sign_in(page: object, base: str, key: str, landing: str) -> None:
    page.goto(f"{base}/ui/login")  # type: ignore[attr-defined]
    page.fill("#api_key", key)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(landing)  # type: ignore[attr-defined]


def test_evaluator_rates_pairs_and_the_report_and_export_follow(server: tuple[Server, str], tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium binary (chromium on PATH or /usr/bin/chromium); this test never downloads one")
    srv, eid = server
    base = srv.base
    csp_problems: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True)
        try:
            page = browser.new_context().new_page()
            page.on("console", lambda m: csp_problems.append(m.text) if "Content Security Policy" in m.text else None)
            _sign_in(page, base, srv.keys[EVALUATOR], f"{base}/ui/evaluations")
            page.click("a.rate-link")
            page.wait_for_url(f"{base}/ui/evaluations/{eid}")
            pairs = page.locator("article.pair")
            assert pairs.count() == 4
            html = page.content()
            assert "adapter X" not in html and "base model" not in html  # blind: no model names
            assert page.locator("article.pair#item-3 span.masked").count() == 2
            assert page.locator("article.pair.selected").get_attribute("data-item") == "0"
            # item 0: the candidate is A; click "A is better" with a comment
            pairs.nth(0).locator("input[name=comment]").fill("clear steps")
            with page.expect_navigation():
                pairs.nth(0).locator("button[value=A]").click()
            assert page.locator("#item-0").get_attribute("data-choice") == "A"
            assert page.locator("article.pair.selected").get_attribute("data-item") == "1"
            # item 1 (candidate B): the keyboard; typing in the correction box fires nothing
            box = page.locator("#item-1 textarea[name=correction]")
            box.click()
            page.keyboard.type("ab")
            assert box.input_value() == "ab" and page.locator("#item-1").get_attribute("data-choice") == ""
            box.fill("Hold the reset button for ten seconds, then wait for the light.")
            page.keyboard.press("Escape")
            with page.expect_navigation():
                page.keyboard.press("b")
            assert page.locator("#item-1").get_attribute("data-choice") == "B"
            # item 2 (candidate B): A is the baseline -> a loss; item 3: a tie
            with page.expect_navigation():
                page.keyboard.press("a")
            with page.expect_navigation():
                page.keyboard.press("t")
            assert [page.locator(f"#item-{i}").get_attribute("data-choice") for i in range(4)] == \
                ["A", "B", "A", "tie"]
            assert page.locator("#rated-count").inner_text() == "4"

            officer = browser.new_context().new_page()
            _sign_in(officer, base, srv.keys[OFFICER], f"{base}/ui/jobs")
            officer.goto(f"{base}/ui/evaluations/{eid}/report")
            # 2 wins, 1 loss, 1 tie -> (2 + 0.5) / 4 = 62.5%
            assert officer.locator("#preference-rate").inner_text() == "62.5%"
            with officer.expect_navigation():
                officer.click("#record-report button[type=submit]")
            assert "62.5%" in officer.locator("#recorded").inner_text()
        finally:
            browser.close()
    assert csp_problems == []
    ledger = Ledger(srv.ledger_url)
    try:
        ratings = [e.payload for e in ledger.iter_entries() if e.kind == "human_rating"]
        reports = [e.payload for e in ledger.iter_entries() if e.kind == "human_evaluation_report"]
    finally:
        ledger.engine.dispose()
    assert [(r["item"], r["verdict"], r["actor"], r["channel"]) for r in ratings] == [
        (0, "candidate", EVALUATOR, "ui"), (1, "candidate", EVALUATOR, "ui"), (2, "baseline", EVALUATOR, "ui"),
        (3, "tie", EVALUATOR, "ui")]
    assert reports[-1]["rate"] == 0.625 and reports[-1]["actor"] == OFFICER and reports[-1]["reviewers"] == [EVALUATOR]
    out = tmp_path / "feedback.jsonl"
    env = {**os.environ, "GDPREP_LEDGER_URL": srv.ledger_url}
    done = subprocess.run(_gdprep("feedback", "export", "--evaluation", eid, "--out", str(out)), env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    pairs_out = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(p["meta"]["item"], p["meta"]["source"], p["chosen"]) for p in pairs_out] == [
        (0, "preference", CANDIDATE[0]), (1, "preference", CANDIDATE[1]),
        (1, "correction", "Hold the reset button for ten seconds, then wait for the light."),
        (2, "preference", BASELINE[2])]
    assert pairs_out[2]["rejected"] == BASELINE[1]  # the answer the reviewer rated lower
