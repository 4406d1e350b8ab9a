"""A job's options (training config, uploaded policy and curation config, on_error, training run) travel with
it when it is resubmitted or materialised again: the new job trains with the same config."""

from __future__ import annotations

from pathlib import Path

from gdprep.audit.ledger import Ledger, utc_now
from gdprep.service import reviews
from gdprep.service.job import Job, JobStatus, new_job_id
from gdprep.service.job_store import JobStore


def test_resubmit_keeps_the_jobs_options(tmp_path: Path) -> None:
    ledger = Ledger()
    store = JobStore(ledger)
    data = tmp_path / "in.jsonl"
    data.write_text('{"id": "1", "text": "hello"}\n', encoding="utf-8")
    options = {"on_error": "fail", "training_config": {"name": "support-v1", "sha256": "ab" * 32,
                                                       "path": str(tmp_path / "support-v1.yaml")}}
    job = Job(id=new_job_id(), owner="eng", owner_role="engineer", status=JobStatus.queued,
              stages=["privacy", "curation", "training"], policy="uk-gdpr-default", source="upload",
              input_name="in.jsonl", input_path=str(data), input_sha256="00" * 32, input_records=1,
              created_at=utc_now(), options=options)
    store.create(job)
    store.request_cancel(job.id)
    cancelled = store.get(job.id)
    assert cancelled is not None and cancelled.status == JobStatus.cancelled
    again = reviews.resubmit(store, ledger, cancelled, actor="eng", actor_role="engineer", key_id="k1")
    stored = store.get(again.id)
    assert stored is not None and stored.options == options and stored.stages == job.stages
    assert stored.parent == job.id
