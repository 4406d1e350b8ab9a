"""The jobs, reports, reviews and keys routes of the HTTP API (mounted by `api.create_app`; what they
depend on comes from `deps`).

Engineers see only their own jobs (another engineer's job answers 404, as if it did not exist);
compliance officers and auditors read every job. Every change is written to the ledger with the key's name.
"""

from __future__ import annotations

import shutil
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile, status
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from gdprep.errors import StateConflict, UsageError
from gdprep.service import reviews
from gdprep.service.deps import (
    API_VERSION,
    Admin,
    Engineer,
    ErrorResponse,
    JobReader,
    Officer,
    Rematerialiser,
    ReportReader,
    ReviewReader,
    Services,
    ServicesDep,
    private_dir,
)
from gdprep.service.inputs import check_format, resolve_server_path, safe_filename, stage_list
from gdprep.service.job import STAGES, Job, JobStatus, new_job_id
from gdprep.service.job_submit import Submission, accept, save_upload
from gdprep.service.keys import Principal, Role

_CHUNK = 1024 * 1024

_ERRS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse}
                                           for code in (400, 401, 403, 404, 409, 422, 429)}
router = APIRouter(prefix=f"/{API_VERSION}", responses=_ERRS)


# -- schemas ----------------------------------------------------------------------------------------------
class StageProgress(BaseModel):
    state: str = Field(description="pending | running | done | failed | cancelled")
    done: int = Field(description="Records processed so far.")
    total: int | None = Field(description="Records in the input.")


class JobOut(BaseModel):
    id: str
    owner: str = Field(description="Name of the API key that submitted the job.")
    status: JobStatus
    stages: list[str]
    policy: str
    source: str = Field(description="upload | path | resubmit | rematerialise")
    input_name: str
    input_sha256: str
    input_records: int | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    progress: dict[str, dict[str, Any]]
    error: str | None
    cancel_requested: bool
    runs: dict[str, str] = Field(description="Ledger run id per stage.")
    artifacts: list[str] = Field(description="Names for GET /v1/jobs/{id}/artifacts/{name}.")
    parent: str | None = Field(description="The job this one resubmits or rematerialises.")
    decisions_applied: int
    summary: dict[str, Any] = Field(description="Per stage: counts (privacy, curation), steps, losses, adapter "
                                    "SHA-256 and registered version (training), release decision (probe), "
                                    "metrics (evaluate).")
    options: dict[str, Any] = Field(description="on_error, and the name, source and SHA-256 of an uploaded "
                                    "policy, curation config or training config; the training run probed.")


class JobPage(BaseModel):
    items: list[JobOut]
    total: int
    limit: int
    offset: int


class ArtifactOut(BaseModel):
    name: str
    bytes: int
    sha256: str


class ReviewItem(BaseModel):
    id: str = Field(description="<job id>.<finding id>: what POST /v1/reviews/{id} takes.")
    job: str
    finding_id: str
    record_id: str
    field: str
    entity_type: str
    score: float
    recognizer: str
    redacted: bool = Field(description="Whether the run redacted it (above the policy's threshold).")
    snippet: str = Field(description="Masked context: the finding and other values shown by type only.")
    decision: Literal["confirm", "reject"] | None
    decided_by: str | None
    decided_at: str | None
    comment: str | None


class ReviewPage(BaseModel):
    job: str
    items: list[ReviewItem]
    decided: int
    total: int


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirm", "reject"] = Field(description="confirm: it is personal data and must be "
                                                   "redacted; reject: it is not, leave the text.")
    comment: str = Field(default="", max_length=2000, description="Why (kept in the decisions table; the ledger "
                         "keeps its hash).")


class DeanonymiseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    record_ids: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=reviews.MAX_DEANONYMISE)
    reason: str = Field(min_length=3, max_length=500, description="Why re-identification is needed: a ticket "
                        "reference, not personal data. Logged with the key's name.")


class DeanonymisedRecord(BaseModel):
    id: str
    found: bool
    record: dict[str, Any] | None


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
    role: Role


class KeyCreated(BaseModel):
    name: str
    role: str
    key: str = Field(description="The API key. Shown once: store it now.")


class KeyOut(BaseModel):
    name: str
    role: str
    key_id: str
    created_at: str
    created_by: str
    revoked_at: str | None
    revoked_by: str | None


# -- helpers ----------------------------------------------------------------------------------------------
def visible_job(services: Services, principal: Principal, job_id: str) -> Job:
    """The job if this key may see it; another engineer's job is answered exactly like a missing one."""
    job = services.jobs.get(job_id)
    if job is None or (principal.role == Role.engineer and job.owner != principal.name):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such job")
    return job


def _record(services: Services, principal: Principal, kind: str, payload: dict[str, Any]) -> None:
    with services.write_lock:
        services.ledger.append(kind, {**payload, "actor": principal.name, "actor_role": principal.role,
                                      "key_id": principal.key_id, "channel": "api"})
        services.ledger.checkpoint()


def _job_out(job: Job) -> JobOut:
    return JobOut(**job.public())


# -- jobs -------------------------------------------------------------------------------------------------
@router.post("/jobs", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut, tags=["jobs"],
             responses={403: {"model": ErrorResponse}, 413: {"model": ErrorResponse},
                        422: {"model": ErrorResponse}})
async def submit_job(
    request: Request, services: ServicesDep, principal: Engineer,
    file: Annotated[UploadFile | None, File(description="The dataset (.jsonl, .csv or .parquet).")] = None,
    path: Annotated[str | None, Form(description="Or: a file on the server under an allowed input root.")] = None,
    policy: Annotated[str, Form(description="A shipped policy name (GET /v1/policies).")] = "uk-gdpr-default",
    stages: Annotated[str, Form(description=f"Comma-separated, from: {', '.join(STAGES)}.")] = "privacy,curation",
    policy_file: Annotated[UploadFile | None, File(description="Or: a policy YAML, instead of `policy`.")] = None,
    curation_config: Annotated[UploadFile | None, File(description="A curation config YAML (default: every "
                                                       "default).")] = None,
    training_config: Annotated[UploadFile | None, File(description="A training config YAML (training "
                                                       "stage).")] = None,
    training_config_name: Annotated[str | None, Form(description="Or: a named training config (GET "
                                                     "/v1/training-configs).")] = None,
    training_run: Annotated[str | None, Form(description="The training run that probe/evaluate alone "
                                             "read.")] = None,
    on_error: Annotated[str | None, Form(description="A malformed record: `quarantine` accepts the job and "
                                         "sets it aside, `fail` fails on it. Default: refused at submission, "
                                         "quarantined in the stages.")] = None,
) -> JobOut:
    """Submit a dataset (upload or server path) for the named stages; returns the queued job at once."""
    if file is not None and path:
        raise UsageError("give exactly one of `file` (an upload) or `path` (a file under an allowed input root)")
    settings = request.app.state.settings
    job_id = new_job_id()
    sub = Submission(job_id=job_id, stages=stage_list(stages), policy=policy, on_error=on_error,
                     folder=settings.uploads_dir / job_id, training_name=training_config_name or None,
                     training_run=training_run)
    if file is not None:
        sub.input_name = safe_filename(file.filename or "upload.jsonl")
        check_format(sub.input_name)
    private_dir(settings.uploads_dir)
    sub.folder.mkdir(mode=0o700)
    try:
        limit = settings.max_upload_bytes
        if file is not None:
            sub.input_path = sub.folder / sub.input_name
            sub.input_sha256 = await save_upload(file, sub.input_path, limit)
        for upload, stored, attr in ((policy_file, "policy.yaml", "policy_file"),
                                     (curation_config, "curation.yaml", "curation_file"),
                                     (training_config, "training-config.yaml", "training_file")):
            if upload is not None:
                await save_upload(upload, sub.folder / stored, limit)
                setattr(sub, attr, (sub.folder / stored, safe_filename(upload.filename or stored)))
        # validation, the database and the ledger block: off the event loop, so other requests keep flowing
        job = await run_in_threadpool(_accept, services, principal, settings, sub, path)
        if file is None and not any(sub.folder.iterdir()):
            sub.folder.rmdir()
        return _job_out(job)
    except BaseException:
        shutil.rmtree(sub.folder, ignore_errors=True)
        raise


def _accept(services: Services, principal: Principal, settings: Any, sub: Submission, path: str | None) -> Job:
    if path:
        try:
            sub.input_path = resolve_server_path(path, settings.input_roots)
        except PermissionError as exc:
            raise HTTPException(status.HTTP_403_FORBIDDEN, str(exc)) from None
        sub.source, sub.input_name = "path", path
    return accept(services, principal, settings, sub)


@router.get("/training-configs", response_model=list[str], tags=["jobs"])
def list_training_config_names(request: Request, _principal: JobReader) -> list[str]:
    """The training configs a job may name (`training_config_name`); YAML files in the server's directory."""
    from gdprep.service.training_configs import list_training_configs

    return list_training_configs(request.app.state.settings.training_configs_dir)


@router.get("/jobs", response_model=JobPage, tags=["jobs"])
def list_jobs(services: ServicesDep, principal: JobReader,
              status_filter: Annotated[JobStatus | None, Query(alias="status")] = None,
              owner: Annotated[str | None, Query(max_length=64, description="Only this key's jobs (officers and "
                                                 "auditors; engineers always see their own).")] = None,
              limit: Annotated[int, Query(ge=1, le=200)] = 50,
              offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> JobPage:
    """Jobs, newest first, with pagination and filters."""
    if principal.role == Role.engineer:
        owner = principal.name
    items, total = services.jobs.list(owner=owner, status=status_filter.value if status_filter else None,
                                      limit=limit, offset=offset)
    return JobPage(items=[_job_out(j) for j in items], total=total, limit=limit, offset=offset)


@router.get("/jobs/{job_id}", response_model=JobOut, tags=["jobs"])
def get_job(job_id: str, services: ServicesDep, principal: JobReader) -> JobOut:
    """Status and per-stage progress."""
    return _job_out(visible_job(services, principal, job_id))


@router.post("/jobs/{job_id}/cancel", response_model=JobOut, tags=["jobs"])
def cancel_job(job_id: str, services: ServicesDep, principal: Engineer) -> JobOut:
    """Cancel a queued job now, or stop a running one (its partial outputs are removed)."""
    job = visible_job(services, principal, job_id)
    if job.final:
        raise StateConflict(f"the job already finished ({job.status}); only a queued or running job can be "
                            "cancelled")
    after = services.jobs.request_cancel(job.id)
    _record(services, principal, "job_cancel_requested", {"job": job.id, "status_after": str(after)})
    return _job_out(visible_job(services, principal, job_id))


@router.post("/jobs/{job_id}/resubmit", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut, tags=["jobs"])
def resubmit_job(job_id: str, services: ServicesDep, principal: Engineer) -> JobOut:
    """Run an interrupted, failed or cancelled job again as a new job with the same input."""
    job = visible_job(services, principal, job_id)
    with services.write_lock:
        new = reviews.resubmit(services.jobs, services.ledger, job, actor=principal.name, actor_role=principal.role,
                               key_id=principal.key_id)
    return _job_out(new)


@router.get("/jobs/{job_id}/artifacts", response_model=list[ArtifactOut], tags=["jobs"])
def list_artifacts(job_id: str, services: ServicesDep, principal: Engineer) -> list[ArtifactOut]:
    """The outputs of a succeeded job."""
    job = visible_job(services, principal, job_id)
    return [ArtifactOut(name=name, bytes=meta["bytes"], sha256=meta["sha256"])
            for name, meta in sorted(job.outputs.items())]


@router.get("/jobs/{job_id}/artifacts/{name:path}", tags=["jobs"], response_class=FileResponse,
            responses={200: {"content": {"application/octet-stream": {}}}})
def download_artifact(job_id: str, name: str, request: Request, services: ServicesDep,
                      principal: Engineer) -> FileResponse:
    """One output file, by the name GET /v1/jobs/{id}/artifacts lists."""
    job = visible_job(services, principal, job_id)
    meta = job.outputs.get(name)
    base = (request.app.state.settings.jobs_dir / job.id).resolve()
    path = (base / name).resolve() if meta else None
    if path is None or not path.is_relative_to(base) or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such artifact; GET /v1/jobs/{id}/artifacts lists them")
    _record(services, principal, "artifact_download", {"job": job.id, "artifact": name, "sha256": meta["sha256"]})
    return FileResponse(path, filename=path.name, media_type="application/octet-stream")


@router.get("/jobs/{job_id}/report", tags=["reports"],
            responses={200: {"content": {"application/json": {}, "text/html": {}},
                             "description": "The redaction report: JSON, or HTML when Accept asks for text/html."}})
def get_report(job_id: str, request: Request, services: ServicesDep, principal: ReportReader) -> Any:
    """The job's redaction report (counts, charts, masked review queue); content-negotiated."""
    job = visible_job(services, principal, job_id)
    settings = request.app.state.settings
    try:
        report = reviews.load_report(settings, job)
    except reviews.NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    if _wants_html(request.headers.get("accept", "")):
        from gdprep.privacy.report_html import render_html
        from gdprep.service.web_headers import report_response

        return report_response(render_html(report))
    return JSONResponse(report)


def _wants_html(accept: str) -> bool:
    """text/html preferred over application/json by the Accept header's order and q-values."""
    best: tuple[float, int, str] | None = None
    for index, part in enumerate(accept.split(",")):
        bits = [b.strip() for b in part.split(";")]
        kind, q = bits[0].lower(), 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        if kind in ("text/html", "application/json", "application/*", "*/*", "text/*"):
            rank = (q, -index, kind)
            if best is None or rank > best:
                best = rank
    return best is not None and best[2] in ("text/html", "text/*") and best[0] > 0


# -- reviews ----------------------------------------------------------------------------------------------
@router.get("/reviews", response_model=ReviewPage, tags=["reviews"])
def list_reviews(request: Request, services: ServicesDep, principal: ReviewReader,
                 job: Annotated[str, Query(min_length=1, max_length=64, description="The job id.")],
                 undecided: Annotated[bool, Query(description="Only items without a decision.")] = False) -> Any:
    """A job's low-confidence findings with masked context and their decisions."""
    found = visible_job(services, principal, job)
    try:
        items = reviews.review_items(request.app.state.settings, services.jobs, found)
    except reviews.NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    decided = sum(1 for i in items if i["decision"])
    shown = [i for i in items if not i["decision"]] if undecided else items
    return ReviewPage(job=found.id, items=[ReviewItem(**i) for i in shown], decided=decided, total=len(items))


@router.post("/reviews/{review_id}", response_model=ReviewItem, tags=["reviews"])
def decide_review(review_id: str, body: DecisionIn, request: Request, services: ServicesDep,
                  principal: Officer) -> Any:
    """Confirm or reject one finding; recorded in the ledger and applied on rematerialise."""
    job_id, finding_id = reviews.split_review_id(review_id) if "." in review_id else ("", "")
    if not job_id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such review item")
    job = visible_job(services, principal, job_id)
    try:
        with services.write_lock:
            item = reviews.decide(request.app.state.settings, services.jobs, services.ledger, job, finding_id,
                                  body.decision, body.comment, actor=principal.name, actor_role=principal.role,
                                  key_id=principal.key_id)
    except reviews.NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    return ReviewItem(**item)


@router.post("/jobs/{job_id}/rematerialise", status_code=status.HTTP_202_ACCEPTED, response_model=JobOut,
             tags=["reviews"])
def rematerialise_job(job_id: str, services: ServicesDep, principal: Rematerialiser) -> JobOut:
    """Redact the same input again with the review decisions applied, as a new job."""
    job = visible_job(services, principal, job_id)
    with services.write_lock:
        new = reviews.rematerialise(services.jobs, services.ledger, job, actor=principal.name,
                                    actor_role=principal.role, key_id=principal.key_id)
    return _job_out(new)


@router.post("/jobs/{job_id}/deanonymise", response_model=list[DeanonymisedRecord], tags=["reviews"])
def deanonymise_records(job_id: str, body: DeanonymiseIn, request: Request, services: ServicesDep,
                        principal: Officer) -> Any:
    """Re-identify named records of a job's redacted output (reversible tokens only). Logged with the reason."""
    job = visible_job(services, principal, job_id)
    try:
        with services.write_lock:
            return reviews.deanonymise(request.app.state.settings, services.ledger, job, body.record_ids,
                                       body.reason, actor=principal.name, actor_role=principal.role,
                                       key_id=principal.key_id)
    except reviews.NotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None


# -- policies and keys -----------------------------------------------------------------------------------
@router.get("/policies", response_model=list[str], tags=["jobs"])
def list_policy_names(_principal: JobReader) -> list[str]:
    """The policy names a job may use."""
    from gdprep.policies.loader import list_policies

    return list_policies()


@router.get("/keys", response_model=list[KeyOut], tags=["keys"])
def list_keys(services: ServicesDep, _principal: Admin) -> Any:
    """Every API key, without secrets."""
    return [KeyOut(**asdict(k)) for k in services.keys.list()]


@router.post("/keys", status_code=status.HTTP_201_CREATED, response_model=KeyCreated, tags=["keys"])
def create_key(body: KeyIn, services: ServicesDep, principal: Admin) -> KeyCreated:
    """A new API key; the response is the only time it is shown."""
    with services.write_lock:
        secret = services.keys.create(body.name, body.role.value, created_by=f"api:{principal.name}")
    return KeyCreated(name=body.name, role=body.role.value, key=secret)


@router.delete("/keys/{name}", response_model=KeyOut, tags=["keys"])
def revoke_key(name: str, services: ServicesDep, principal: Admin) -> Any:
    """Revoke a key; it stops working at once."""
    from gdprep.service.keys import ApiKeyError

    try:
        with services.write_lock:
            info = services.keys.revoke(name, revoked_by=f"api:{principal.name}")
    except ApiKeyError as exc:
        if "no API key named" in str(exc):
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no such API key") from None
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    return KeyOut(**asdict(info))

