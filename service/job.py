"""A job of the HTTP service: its status and the record kept for it (stages, input, progress, outputs).

A job's life: `queued` -> `running` -> `succeeded` | `failed` | `cancelled`; a job whose worker stopped
(the server was killed, a worker crashed) becomes `interrupted` with a reason and can be resubmitted.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

STAGES: tuple[str, ...] = ("privacy", "curation", "training", "probe", "evaluate")
#: the stages that work on a trained adapter rather than on records
MODEL_STAGES: frozenset[str] = frozenset({"training", "probe", "evaluate"})


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"
    interrupted = "interrupted"


FINAL = frozenset({JobStatus.succeeded, JobStatus.failed, JobStatus.cancelled, JobStatus.interrupted})


class JobCancelled(Exception):
    """Raised inside a worker when the job's cancellation was requested (not a GdprepError: not a failure)."""


@dataclass(slots=True)
class Job:
    id: str
    owner: str
    owner_role: str
    status: JobStatus
    stages: list[str]
    policy: str
    source: str                   # upload | path | resubmit | rematerialise
    input_name: str               # the uploaded file's name or the server path as given
    input_path: str               # where the worker reads it
    input_sha256: str
    input_records: int | None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    heartbeat_at: str | None = None
    progress: dict[str, dict[str, Any]] = field(default_factory=dict)
    error: str | None = None
    worker: str | None = None
    cancel_requested: bool = False
    runs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)  # path under the job dir -> bytes, sha256
    parent: str | None = None
    decisions: dict[str, str] = field(default_factory=dict)   # finding id -> confirm|reject (rematerialise)
    summary: dict[str, Any] = field(default_factory=dict)
    # what the job was given besides the input: on_error, uploaded policy / curation config, training config,
    # the training run a probe or evaluation reads (see `public_options` for what the API shows of it)
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:  # a status read back from the database is a plain string
        self.status = JobStatus(self.status)

    @property
    def final(self) -> bool:
        return self.status in FINAL

    def public(self) -> dict[str, Any]:
        """What the API shows: no server paths, no decisions' comments."""
        return {"id": self.id, "owner": self.owner, "status": self.status, "stages": self.stages,
                "policy": self.policy_name, "options": self.public_options(), "source": self.source,
                "input_name": self.input_name,
                "input_sha256": self.input_sha256, "input_records": self.input_records,
                "created_at": self.created_at, "started_at": self.started_at, "finished_at": self.finished_at,
                "progress": self.progress, "error": self.error, "cancel_requested": self.cancel_requested,
                "runs": self.runs, "artifacts": sorted(self.outputs), "parent": self.parent,
                "decisions_applied": len(self.decisions), "summary": self.summary}


    @property
    def policy_name(self) -> str:
        """The policy as the caller knows it: the shipped name, or the name an uploaded policy declares."""
        uploaded = self.options.get("policy_file")
        return f"{uploaded['name']} (uploaded)" if uploaded else self.policy

    def public_options(self) -> dict[str, Any]:
        """The options without server paths: names, sources and SHA-256s of what was uploaded or chosen."""
        shown: dict[str, Any] = {"on_error": self.options.get("on_error", "quarantine")}
        for key in ("policy_file", "curation_config", "training_config"):
            if key in self.options:
                shown[key] = {k: v for k, v in self.options[key].items() if k != "path"}
        if "training_run" in self.options:
            shown["training_run"] = self.options["training_run"]
        return shown


def new_job_id() -> str:
    return uuid.uuid4().hex
