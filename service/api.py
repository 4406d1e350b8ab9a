"""The HTTP API (FastAPI): a thin, versioned layer over the pipeline and audit functions, with bearer API keys
and roles. This module holds the app, health, errors and the audit routes; `api_jobs` the jobs, reports,
reviews and keys routes; `web` the pages for people; `deps` what they all depend on (services, the caller's
key and role, the error shape).

Every error has one shape, `{"error": {"code", "message", "details"}}`; responses never carry raw personal
data (except deanonymise, for its role), and request bodies are never echoed back in validation errors.
Run it with `gdprep serve` or `uvicorn --factory gdprep.service.api:create_app`.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import zipfile
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException

from gdprep import __version__
from gdprep.errors import GdprepError, IntegrityError, UsageError
from gdprep.service.api_artifacts import router as artifacts_router
from gdprep.service.api_evaluations import router as evaluations_router
from gdprep.service.api_jobs import router as jobs_router
from gdprep.service.api_models import router as models_router
from gdprep.service.api_reviews import router as reviews_router
from gdprep.service.deps import (
    API_VERSION,
    Auditor,
    ErasureOfficer,
    ErrorResponse,
    ServiceHolder,
    Services,
    ServicesDep,
    Verifier,
    private_dir,
)
from gdprep.service.jobs import WorkerPool
from gdprep.service.keys import FailureLimiter, Principal
from gdprep.service.settings import ServiceSettings
from gdprep.service.web import router as web_router
from gdprep.service.web_evaluations import router as web_evaluations_router
from gdprep.service.web_reviews import router as web_reviews_router

log = logging.getLogger("gdprep.api")

EXPORT_FORMATS = ("csv", "openlineage", "prov", "ropa")
ExportFormat = Literal["csv", "openlineage", "prov", "ropa"]

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_error",
          429: "too_many_requests", 500: "internal_error", 503: "not_ready"}


# -- schemas ----------------------------------------------------------------------------------------------
class Health(BaseModel):
    status: str = Field(description="`ok` when the process is alive, `ready` when the database answers.")


class VerifyOut(BaseModel):
    ok: bool = Field(description="True when every entry, checkpoint root and signature, the checkpoint chain and "
                                 "the head pinned outside the database check out.")
    entries: int = Field(description="Entries in the ledger.")
    checkpoints: int = Field(description="Signed checkpoints.")
    problems: list[str] = Field(description="What failed, first problem first.")
    first_bad_seq: int | None = Field(description="Sequence number of the first bad entry, if any.")
    unsigned_tail: int = Field(description="Entries after the last checkpoint (not signed yet).")
    unfinished_runs: dict[str, str] = Field(
        default_factory=dict, description="Runs with entries in the unsigned tail and no end: run id -> 'running', "
                                          "'ended' (its process was killed; the next run records it as "
                                          "interrupted) or 'unknown' (written on another host).")
    head_checked: bool = Field(default=False, description="Whether a head pinned outside the database was checked.")


class ErasureRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=320,
                         description="The subject's e-mail, phone number or national id; never stored or returned.")


class ErasureRecordOut(BaseModel):
    record_key: str
    events: list[dict[str, Any]]


class ErasureImpactOut(BaseModel):
    subject_keys: list[str] = Field(description="Keyed HMACs of the subject's identifier forms.")
    records: list[ErasureRecordOut]
    record_count: int
    runs: list[str]
    dataset_versions: list[dict[str, Any]]
    splits: dict[str, int]
    adapters: list[dict[str, Any]]
    requested: str = Field(description="Date of the request (ISO).")
    deadline: str = Field(description="Art. 12(3) response deadline (ISO).")


_FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small form fields around the file
_ERRORS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (400, 401, 403, 422, 429)}


# -- error handling -------------------------------------------------------------------------------------------
def error_response(status_code: int, message: str, *, code: str | None = None,
                   details: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"code": code or _CODES.get(status_code, f"http_{status_code}"), "message": message,
                      "details": details or {}}}
    return JSONResponse(body, status_code=status_code, headers=headers)


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else _CODES.get(exc.status_code, "error")
    return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # only where and why: `input` would echo the request (an erasure subject is personal data)
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
              for e in exc.errors()]
    return error_response(422, "the request is not valid; see details.errors", details={"errors": errors})


def _gdprep_error(_request: Request, exc: Exception) -> JSONResponse:
    from gdprep.errors import InputError, StateConflict
    from gdprep.service.reviews import NotFound
    from gdprep.training.gate import GateRefused

    assert isinstance(exc, GdprepError)
    if isinstance(exc, NotFound):
        return error_response(404, str(exc))
    if isinstance(exc, InputError):  # a malformed upload: which file, which line, what to do
        return error_response(422, str(exc), code="malformed_input",
                              details={"file": exc.path, "line": exc.line, "reason": exc.reason})
    if isinstance(exc, StateConflict):  # the same shape as any 409 conflict: no internal class name
        return error_response(409, str(exc))
    if isinstance(exc, IntegrityError):
        return error_response(409, str(exc), code="integrity_error")
    if isinstance(exc, GateRefused):  # training may not start on this data, here: the request cannot be served
        return error_response(422, str(exc), code="gate_refused")
    if exc.exit_code == 2:  # the caller asked for something wrong (usage, input, unknown run)
        return error_response(400, str(exc), details={"type": type(exc).__name__})
    log.error("gdprep error in request: %s", type(exc).__name__)
    return error_response(500, "the server could not complete the request", details={"type": type(exc).__name__})


def _database_error(_request: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable: %s", type(exc).__name__)
    return error_response(503, "the database is not available; try again later", code="database_unavailable")


def _storage_error(_request: Request, exc: Exception) -> JSONResponse:
    """The server could not write its own files (read-only or full file system): never the caller's fault, and
    the message keeps the server's paths to the log."""
    assert isinstance(exc, OSError)
    log.error("storage error: %s (%s)", exc.strerror or type(exc).__name__, exc.filename)
    return error_response(503, f"the server cannot store data right now ({(exc.strerror or 'I/O error').lower()}); "
                          "try again later or tell the operator", code="storage_unavailable")


def _unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return error_response(500, "internal server error")


class UploadLimit:
    """Refuse an oversized upload to `path`: at once from its Content-Length, and while it streams in (a
    chunked upload has none), before the form parser has written it all to disk."""

    def __init__(self, app: Any, *, path: str, limit: int, shown_limit: int) -> None:
        self.app, self.path, self.limit, self.shown_limit = app, path, limit, shown_limit

    def _message(self) -> str:
        return (f"the upload is larger than this server's limit of {self.shown_limit:,} bytes; split the file or "
                "place it under an allowed input root and pass `path`")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await error_response(413, self._message())(scope, receive, send)
            return
        received = 0

        async def counted() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:  # FastAPI passes an HTTPException from body parsing through
                    raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, self._message())
            return message

        await self.app(scope, counted, send)


# -- service functions (what the routes call) ----------------------------------------------------------------
def export_zip(services: Services, principal: Principal, fmt: str, run_id: str | None, work: Path,
               policy: str | None = None) -> Path:
    """Write an export bundle as a zip under `work` and record the export (who, what, its hash) in the ledger.
    `policy` (a shipped name) is the one whose processing section the ropa view shows."""
    from gdprep.audit.export import export_bundle
    from gdprep.policies import load_policy
    from gdprep.policies.loader import list_policies

    if policy is not None and policy not in list_policies():
        raise UsageError(f"unknown policy {policy!r}; choose one of {', '.join(list_policies())}")
    if policy is not None and fmt != "ropa":
        raise UsageError("`policy` applies to the ropa view only")
    bundle = export_bundle(services.ledger, work / "bundle", fmt=fmt, run_id=run_id,
                           policy=load_policy(policy) if policy else None, policy_source=policy)
    archive = work / f"gdprep-audit-{fmt}.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
            zf.write(path, path.relative_to(bundle).as_posix())
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    with services.write_lock:
        services.ledger.append("export", {"format": fmt, "run": run_id, "sha256": digest, "channel": "api",
                                          "actor": principal.name, "actor_role": principal.role,
                                          "key_id": principal.key_id})
        services.ledger.checkpoint()
    return archive


def erasure_request(services: Services, principal: Principal, subject: str) -> dict[str, Any]:
    """The erasure impact of a subject, recorded by its keyed identifiers only; nothing is changed yet."""
    from gdprep.service.stages import erasure_impact

    report = erasure_impact(services.ledger, subject)
    with services.write_lock:
        services.ledger.append("erasure_request", {
            "subject_keys": report["subject_keys"], "records": report["record_count"],
            "requested": report["requested"], "deadline": report["deadline"], "channel": "api",
            "actor": principal.name, "actor_role": principal.role, "key_id": principal.key_id})
        services.ledger.checkpoint()
    # vault lookup keys are internal handles of the pseudonym vault: not the officer's business
    report["records"] = [{"record_key": r["record_key"], "events": r["events"]} for r in report["records"]]
    return report


# -- routes ------------------------------------------------------------------------------------------------
router = APIRouter(prefix=f"/{API_VERSION}", responses=_ERRORS)


@router.get("/audit/verify", response_model=VerifyOut, tags=["audit"])
def audit_verify(services: ServicesDep, _principal: Verifier) -> VerifyOut:
    """Recompute every entry hash and checkpoint root and check every signature."""
    result = services.ledger.verify()
    return VerifyOut(ok=result.ok, entries=result.entries, checkpoints=result.checkpoints, problems=result.problems,
                     first_bad_seq=result.first_bad_seq, unsigned_tail=result.unsigned_tail,
                     unfinished_runs=result.unfinished_runs, head_checked=result.head_checked)


@router.get("/audit/trace/{record_id}", tags=["audit"], responses={404: {"model": ErrorResponse}})
def audit_trace(record_id: str, services: ServicesDep, _principal: Auditor) -> dict[str, Any]:
    """The lineage of one record with an inclusion proof of its newest entry."""
    from gdprep.audit.export import trace_record

    lineage = trace_record(services.ledger, record_id)
    if not lineage["events"]:
        # the id is not echoed: record ids can be customer numbers
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no ledger entries for this record id")
    return lineage


@router.get("/audit/export", tags=["audit"], response_class=FileResponse,
            responses={200: {"content": {"application/zip": {}}, "description": "The bundle as a zip."},
                       400: {"model": ErrorResponse}})
def audit_export(services: ServicesDep, principal: Auditor,
                 fmt: Annotated[ExportFormat, Query(alias="format", description="The bundle's view.")] = "csv",
                 run: Annotated[str | None, Query(description="Only this run id.")] = None,
                 policy: Annotated[str | None, Query(max_length=64, description="ropa view: the shipped policy "
                                                     "whose processing section (controller, DPO, purposes, lawful "
                                                     "bases) it shows; default uk-gdpr-default.")] = None,
                 ) -> FileResponse:
    """An export bundle (entries, signed checkpoints, public key and the chosen view) as a zip."""
    work = Path(tempfile.mkdtemp(prefix="gdprep-export-"))
    try:
        archive = export_zip(services, principal, fmt, run, work, policy)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return FileResponse(archive, media_type="application/zip", filename=archive.name,
                        background=BackgroundTask(shutil.rmtree, work, ignore_errors=True))


@router.post("/erasure-requests", response_model=ErasureImpactOut, tags=["erasure"])
def create_erasure_request(body: ErasureRequestIn, services: ServicesDep, principal: ErasureOfficer) -> Any:
    """Art. 17: which records, dataset versions, splits and adapters hold the subject, and the deadline."""
    return erasure_request(services, principal, body.subject)


def _lifespan(settings: ServiceSettings, holder: ServiceHolder,
              pool: list[WorkerPool]) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start-up and shut-down: private folders, orphaned workers stopped, the job workers started (into
    `pool`) after recovering what a killed server left running; at the end the workers stop."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for folder in (settings.root, settings.jobs_dir, settings.uploads_dir):
            private_dir(folder)
        stopped = WorkerPool.stop_orphans()  # before their jobs are recovered: they might still write
        if stopped:
            log.warning("stopped %d job worker(s) left running by a server that was killed", len(stopped))
        if settings.workers > 0:
            try:
                services = holder.get()
            except Exception:  # database down: serve /readyz 503 and let an operator see it
                log.error("database unavailable at startup; no job workers started")
            else:
                workers = WorkerPool(settings, services.jobs)
                workers.recover_local()
                workers.start()
                pool.append(workers)
        yield
        for workers in pool:
            workers.stop()
        holder.close()

    return lifespan


def _add_health_routes(app: FastAPI, settings: ServiceSettings, holder: ServiceHolder,
                       pool: list[WorkerPool]) -> None:
    """/healthz and /readyz, outside the versioned API (a load balancer asks them without a key)."""

    @app.get("/healthz", response_model=Health, tags=["health"])
    def healthz() -> Health:
        """Liveness: the process answers."""
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, tags=["health"], responses={503: {"model": ErrorResponse}})
    def readyz() -> Any:
        """Readiness: the database answers a trivial query and a job worker has its models loaded."""
        from sqlalchemy import text

        try:
            services = holder.get()
            with services.ledger.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure means: not ready; the URL and driver message stay in the log
            log.warning("not ready: %s", type(exc).__name__)
            return error_response(503, "the database is not reachable", details={"type": type(exc).__name__})
        if settings.workers > 0 and not (pool and pool[0].ready()):
            return error_response(503, "the job workers are still loading the detection models",
                                  details={"workers": settings.workers})
        return Health(status="ready")


def create_app(ledger_url: str | None = None, settings: ServiceSettings | None = None) -> FastAPI:
    """The API over the ledger at `ledger_url` (default: `$GDPREP_LEDGER_URL`, else SQLite in the state dir).
    `settings` (default: from the environment, see ServiceSettings) sets the data root, input roots, upload
    limit and the number of job worker processes, which start with the app and stop with it."""
    from sqlalchemy.exc import OperationalError

    settings = settings or ServiceSettings.from_env(ledger_url=ledger_url)
    if ledger_url is not None and settings.ledger_url != ledger_url:
        from dataclasses import replace

        settings = replace(settings, ledger_url=ledger_url)
    holder = ServiceHolder(settings)
    pool: list[WorkerPool] = []

    app = FastAPI(title="gdprep", version=__version__,
                  summary="GDPR-focused data preparation: jobs, redaction reports and reviews, audit and erasure.",
                  lifespan=_lifespan(settings, holder, pool), redoc_url=None)
    app.state.services = holder
    app.state.settings = settings
    app.state.auth_limiter = FailureLimiter(max_failures=max(1, settings.auth_failures_per_minute), window_s=60.0)
    app.state.pool = pool
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(GdprepError, _gdprep_error)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(OSError, _storage_error)
    app.add_exception_handler(Exception, _unexpected_error)

    app.add_middleware(UploadLimit, path=f"/{API_VERSION}/jobs", limit=settings.max_upload_bytes + _FORM_OVERHEAD,
                       shown_limit=settings.max_upload_bytes)

    _add_health_routes(app, settings, holder, pool)

    app.include_router(router)
    app.include_router(artifacts_router)  # before the jobs' artifacts/{name:path}, which would take hf.zip
    app.include_router(jobs_router)
    app.include_router(reviews_router)
    app.include_router(models_router)
    app.include_router(evaluations_router)
    app.include_router(web_router)
    app.include_router(web_evaluations_router)
    app.include_router(web_reviews_router)
    return app
