"""The README's three screenshots: the redaction report and the review queue of a real privacy job on the bundled
sample (served by the real app), and the probe report's verdict. The browser test renders all three in headless
Chromium every time it runs and checks what they must show; it writes them to docs/img/ only when
GDPREP_UPDATE_SCREENSHOTS=1 (`make docs-screenshots`). Pixels are never compared: the fast test checks that the
committed PNGs exist, are PNGs, are small and are the ones the README shows.

Uses the system Chromium (Debian's /usr/bin/chromium); it never downloads a browser."""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
SHOTS = ("redaction-report.png", "review-queue.png", "probe-verdict.png")
MAX_BYTES = 200 * 1024
VIEWPORT = {"width": 960, "height": 640}
MAX_WIDTH = 1280
OFFICER = "officer-docs"
UPDATE = os.environ.get("GDPREP_UPDATE_SCREENSHOTS") == "1"


def test_committed_screenshots_exist_are_small_and_shown_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in SHOTS:
        path = IMG / name
        assert path.is_file(), f"{path} is missing: run `make docs-screenshots`"
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
        assert len(data) < MAX_BYTES, f"{path} is {len(data)} bytes; keep each screenshot under {MAX_BYTES}"
        assert f"(docs/img/{name})" in readme, f"the README does not show docs/img/{name}"


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


def _sample_pii() -> list[str]:
    """Values of the sample that the pages must not show: e-mail addresses and long digit runs as written."""
    text = (ROOT / "examples" / "sample.jsonl").read_text(encoding="utf-8")
    emails = re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", text)
    numbers = re.findall(r"\b\d{9,}\b", text)
    return sorted(set(emails) | set(numbers))


def _privacy_job(base: Path) -> tuple[Any, str, str]:
    """A succeeded privacy job over examples/sample.jsonl, run in-process; the settings, job id and officer key."""
    from gdprep.audit.ledger import Ledger, utc_now
    from gdprep.service.job import Job, JobStatus, new_job_id
    from gdprep.service.job_store import JobStore
    from gdprep.service.jobs import run_job
    from gdprep.service.keys import KeyStore
    from gdprep.service.settings import ServiceSettings

    settings = ServiceSettings(root=base / "service", workers=0, ledger_url=f"sqlite:///{base / 'ledger.db'}")
    ledger = Ledger(settings.ledger_url)
    key = KeyStore(ledger).create(OFFICER, "compliance_officer")
    store = JobStore(ledger.engine)
    src = settings.uploads_dir / "in" / "sample.jsonl"
    src.parent.mkdir(parents=True)
    shutil.copyfile(ROOT / "examples" / "sample.jsonl", src)
    n = sum(1 for line in src.read_text(encoding="utf-8").splitlines() if line.strip())
    job = store.create(Job(
        id=new_job_id(), owner="eng-docs", owner_role="engineer", status=JobStatus.queued, stages=["privacy"],
        policy="uk-gdpr-default", source="upload", input_name="sample.jsonl", input_path=str(src),
        input_sha256=hashlib.sha256(src.read_bytes()).hexdigest(), input_records=n, created_at=utc_now(),
        progress={"privacy": {"state": "pending", "done": 0, "total": n}}))
    claimed = store.claim("docs-worker")
    assert claimed is not None and claimed.id == job.id
    run_job(claimed, store, ledger, settings)
    done = store.get(job.id)
    assert done is not None and done.status == JobStatus.succeeded, done and done.error
    ledger.engine.dispose()
    return settings, job.id, key


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str, str]]:
    """The real app (no job workers) on a free port, in a thread: its base URL, the job id and the officer key."""
    import uvicorn

    from gdprep.service.api import create_app

    monkeypatch.setenv("GDPREP_HOME", str(tmp_path / "home"))
    settings, job_id, key = _privacy_job(tmp_path)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings.ledger_url, settings=settings), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.1)
    try:
        yield f"http://127.0.0.1:{port}", job_id, key
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _small_png(data: bytes) -> bytes:
    """The screenshot as a palette PNG (text pages need few colours), when Pillow is there; else as it is."""
    try:
        from PIL import Image
    except ImportError:
        return data
    image = Image.open(io.BytesIO(data)).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue() if len(out.getvalue()) < len(data) else data


def _keep(name: str, data: bytes, shots: dict[str, bytes]) -> None:
    small = _small_png(data)
    assert small[:8] == b"\x89PNG\r\n\x1a\n" and len(small) < MAX_BYTES, (name, len(small))
    shots[name] = small


@pytest.mark.slow  # about a minute: the privacy job loads the detection models
def test_readme_screenshots_render(served: tuple[str, str, str], tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    chromium = _chromium()
    if chromium is None:
        pytest.skip("no Chromium binary (chromium on PATH or /usr/bin/chromium); install Debian's `chromium` "
                    "package; this test never downloads a browser")
    from gdprep.training.report import render_probe_html
    from tests.test_probe_report import example_report

    base, job_id, key = served
    pii = _sample_pii()
    assert pii, "the sample should hold e-mail addresses and long numbers"
    shots: dict[str, bytes] = {}
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True)
        try:
            page = browser.new_context(viewport=VIEWPORT, device_scale_factor=1).new_page()
            page.goto(f"{base}/ui/jobs/{job_id}/report")
            page.fill("#api_key", key)
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/ui/jobs/{job_id}/report")
            assert page.locator("svg.chart").count() >= 2
            assert not any(value in page.content() for value in pii)
            _keep(SHOTS[0], page.screenshot(), shots)

            page.goto(f"{base}/ui/jobs/{job_id}/reviews")
            assert page.locator("tr.review-item").count() >= 3, "the sample should give a review queue"
            assert not any(value in page.content() for value in pii)
            # the queue is a wide table: widen the window to show all of it (up to a limit), never scroll sideways
            wide = int(page.evaluate("document.documentElement.scrollWidth"))
            page.set_viewport_size({"width": min(max(wide, VIEWPORT["width"]), MAX_WIDTH),
                                    "height": VIEWPORT["height"]})
            _keep(SHOTS[1], page.screenshot(), shots)

            # a file of its own: the probe report is what `gdprep probe` writes, not a page of the service
            report = example_report()
            probe_html = tmp_path / "probe_report.html"
            probe_html.write_text(render_probe_html(report), encoding="utf-8")
            probe = browser.new_context(viewport=VIEWPORT, device_scale_factor=1).new_page()
            probe.goto(probe_html.as_uri())
            verdict = probe.locator("div.verdict")
            assert verdict.count() == 1
            assert f"verdict-{report['decision']['release']}" in (verdict.get_attribute("class") or "")
            _keep(SHOTS[2], probe.screenshot(), shots)
        finally:
            browser.close()

    assert set(shots) == set(SHOTS)
    out = IMG if UPDATE else tmp_path / "img"
    out.mkdir(parents=True, exist_ok=True)
    for name, data in shots.items():
        (out / name).write_bytes(data)
