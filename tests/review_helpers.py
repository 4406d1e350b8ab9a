"""A service with one succeeded privacy job whose review queue is written by hand (no detection models): the
input on the server, a report whose items carry real finding ids and masked snippets, and the ledger entry of a
redacted finding. Shared by the reveal and bulk-decision tests."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from gdprep.audit.ledger import utc_now
from gdprep.privacy.decisions import finding_id
from gdprep.privacy.report import HASHED_ID_PREFIX, mask_snippet
from gdprep.service.api import create_app
from gdprep.service.deps import Services
from gdprep.service.job import Job, JobStatus, new_job_id
from gdprep.service.keys import ROLES, KeyStore
from gdprep.service.settings import ServiceSettings

PERSONAL_ID = "jane.doe@example.org"   # a record id the report shows by its keyed hash
ROWS = [
    {"id": "r1", "text": "Écris un rappel à Martin demain matin."},
    {"id": "r2", "text": "Call martin about the MARTIN  account today."},
    {"id": "r3", "text": "Écris à Durand au 020 7946 0958 avant midi."},
    {"id": PERSONAL_ID, "text": "Note from Martin here."},
    {"id": "r5", "text": "Ask Martin now."},
]
# (key, record, value, occurrence, type, recognizer, score, redacted)
FINDINGS = [
    ("verb1", "r1", "Écris", 0, "PERSON", "person_cue", 0.40, False),
    ("martin1", "r1", "Martin", 0, "PERSON", "ner", 0.45, True),
    ("martin2", "r2", "martin", 0, "PERSON", "ner", 0.50, False),
    ("martin3", "r2", "MARTIN", 0, "PERSON", "ner", 0.42, False),
    ("durand", "r3", "Durand", 0, "PERSON", "ner", 0.55, True),
    ("verb3", "r3", "Écris", 0, "PERSON", "person_cue", 0.38, False),
    ("martin4", PERSONAL_ID, "Martin", 0, "PERSON", "ner", 0.44, False),
    ("cue_martin", "r5", "Martin", 0, "PERSON", "person_cue", 0.41, False),
]
#: redacted with confidence (not in the queue): the ledger keeps its offsets
PHONE = "020 7946 0958"
PRIVACY_RUN = "run-privacy-1"


@dataclass
class ReviewEnv:
    client: TestClient
    services: Services
    settings: ServiceSettings
    keys: dict[str, str]
    job: Job
    ids: dict[str, str]      # FINDINGS key -> finding id
    base: Path

    def review_id(self, key: str) -> str:
        return f"{self.job.id}.{self.ids[key]}"

    def entries(self, kind: str) -> list[dict[str, Any]]:
        return [dict(e.payload) for e in self.services.ledger.iter_entries() if e.kind == kind]


def _offsets(text: str, value: str, occurrence: int) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(value, start + 1)
    return start, start + len(value)


def _queue(rows: list[dict[str, str]], label: Any) -> tuple[list[dict[str, Any]], dict[str, str]]:
    texts = {r["id"]: r["text"] for r in rows}
    spans: dict[str, list[tuple[int, int, str]]] = {}
    located = []
    for key, rid, value, n, kind, recognizer, score, redacted in FINDINGS:
        start, end = _offsets(texts[rid], value, n)
        spans.setdefault(rid, []).append((start, end, kind))
        located.append((key, rid, start, end, kind, recognizer, score, redacted))
    phone = _offsets(texts["r3"], PHONE, 0)
    spans["r3"].append((*phone, "PHONE_NUMBER"))
    queue, ids = [], {}
    for key, rid, start, end, kind, recognizer, score, redacted in located:
        fid = finding_id(rid, "text", start, end, kind)
        ids[key] = fid
        snippet = mask_snippet(texts[rid], start, end, [(start, end, kind), *spans[rid]], 40)
        queue.append({"finding_id": fid, "record_id": label(rid), "field": "text", "entity_type": kind,
                      "score": score, "recognizer": recognizer, "redacted": redacted, "snippet": snippet})
    return queue, ids


def make_env(base: Path, *, policy: str = "uk-gdpr-default", allow_reveal: bool = True) -> ReviewEnv:
    settings = ServiceSettings(root=base / "service", workers=0, ledger_url=f"sqlite:///{base / 'ledger.db'}")
    app = create_app(settings=settings)
    services: Services = app.state.services.get()
    store = KeyStore(services.ledger)
    keys = {role: store.create(f"{role}-key", role) for role in ROLES}
    ledger = services.ledger
    src = base / "inputs" / "tickets.jsonl"
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    if not allow_reveal:
        from gdprep.policies.loader import _resolve

        raw = yaml.safe_load(_resolve(policy).read_text(encoding="utf-8"))
        raw["name"] = "no-reveal"
        raw.setdefault("review_band", {})["allow_reveal"] = False
        policy_path = base / "no-reveal.yaml"
        policy_path.write_text(yaml.safe_dump(raw), encoding="utf-8")
        policy = str(policy_path)
    queue, ids = _queue(ROWS, lambda rid: HASHED_ID_PREFIX + ledger.record_key(rid) if rid == PERSONAL_ID else rid)
    job_id = new_job_id()
    report = {"review_queue": queue}
    folder = settings.jobs_dir / job_id
    folder.mkdir(parents=True)
    (folder / "report.json").write_text(json.dumps(report), encoding="utf-8")
    job = Job(id=job_id, owner="engineer-key", owner_role="engineer", status=JobStatus.succeeded,
              stages=["privacy"], policy=policy, source="upload", input_name="tickets.jsonl", input_path=str(src),
              input_sha256=hashlib.sha256(src.read_bytes()).hexdigest(), input_records=len(ROWS),
              created_at=utc_now(), runs={"privacy": PRIVACY_RUN},
              outputs={"report.json": {"bytes": 1, "sha256": "0" * 64}})
    services.jobs.create(job)
    phone = _offsets(ROWS[2]["text"], PHONE, 0)
    ledger.append("record_redacted", {"action": "redacted", "findings": [
        {"field": "text", "start": phone[0], "end": phone[1], "type": "PHONE_NUMBER", "recognizer": "phone",
         "operator": "pseudonym"}]}, run_id=PRIVACY_RUN, record_key=ledger.record_key("r3"))
    client = TestClient(app)
    return ReviewEnv(client=client, services=services, settings=settings, keys=keys, job=job, ids=ids, base=base)


TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(html: str) -> str:
    match = TOKEN_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def sign_in(client: TestClient, key: str) -> str:
    """Sign the client in to the pages; returns the session's CSRF token (from the review queue page's forms)."""
    form = client.get("/ui/login")
    assert form.status_code == 200
    done = client.post("/ui/login", data={"api_key": key, "csrf_token": csrf(form.text), "next": ""},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    return csrf(client.get("/ui/jobs").text)
