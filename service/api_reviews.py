"""The reveal and bulk-decision routes of the review queue (mounted by `api.create_app`): a compliance officer
reveals one finding's value with a reason (rate-limited per key, never cached), or confirms / rejects many
findings in one action after a preview. The pages (`web_reviews`) share the rate limit kept here."""

from __future__ import annotations

import math
import os
import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gdprep.errors import UsageError
from gdprep.service import reveal, review_bulk, reviews
from gdprep.service.api_jobs import ReviewItem, visible_job
from gdprep.service.deps import API_VERSION, ErrorResponse, Officer, ServicesDep
from gdprep.service.keys import FailureLimiter, Principal
from gdprep.service.review_values import InputUnavailable

#: reveals per key and hour unless $GDPREP_REVEALS_PER_HOUR says otherwise
DEFAULT_REVEALS_PER_HOUR = 20
REVEAL_WINDOW_S = 3600.0
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

_ERRS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 410,
                                                                                      422, 429)}
router = APIRouter(prefix=f"/{API_VERSION}", tags=["reviews"], responses=_ERRS)
_LIMITER_LOCK = threading.Lock()


# -- schemas ----------------------------------------------------------------------------------------------
class RevealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=reveal.REASON_MIN, max_length=reveal.REASON_MAX, description="Why the value is "
                        "needed: a ticket reference, not personal data. Recorded in the ledger with the key's name.")

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        try:
            return reveal.check_reason(value)
        except UsageError as exc:
            raise ValueError(str(exc)) from None


class RevealOut(BaseModel):
    id: str
    job: str
    finding_id: str
    record_id: str
    field: str
    entity_type: str
    score: float
    recognizer: str
    before: str = Field(description="A few words before the value; other values in them as ⟦TYPE⟧.")
    value: str = Field(description="The finding's text as the input holds it.")
    after: str = Field(description="A few words after the value; other values in them as ⟦TYPE⟧.")
    reason: str
    revealed_by: str
    revealed_at: str


class BulkFilterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    same_as: str | None = Field(default=None, pattern=r"^f_[0-9a-f]{24}$", description="A finding id of the job: "
                                "every finding with its recognizer, type and normalised value.")
    entity_type: str | None = Field(default=None, max_length=64, pattern=r"^[A-Z][A-Z0-9_]*$",
                                    description="With `below`: every finding of this type scoring below it.")
    below: float | None = Field(default=None, gt=0, le=1)

    @model_validator(mode="after")
    def _one_kind(self) -> BulkFilterIn:
        try:
            review_bulk.BulkFilter(same_as=self.same_as, entity_type=self.entity_type, below=self.below)
        except UsageError as exc:
            raise ValueError(str(exc)) from None
        return self


class BulkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filter: BulkFilterIn
    decision: Literal["confirm", "reject"]
    comment: str = Field(default="", max_length=2000, description="Kept with every decision (the ledger keeps its "
                         "hash).")
    preview: bool = Field(default=True, description="Count only (the default); false decides.")
    include_decided: bool = Field(default=False, description="Also decide findings that already have a decision.")
    expected: int | None = Field(default=None, ge=0, le=1_000_000, description="The preview's `to_decide`: when "
                                 "the queue changed since, nothing is decided (409).")


class BulkOut(BaseModel):
    job: str
    preview: bool
    decision: str
    matched: int = Field(description="Findings the filter selects.")
    to_decide: int = Field(description="Those the action decides (undecided ones unless include_decided).")
    already_decided: int
    unreadable: int = Field(description="By value: findings of the type whose value could not be read.")
    decided: int = Field(description="Decisions recorded (0 in a preview).")
    items: list[ReviewItem] = Field(description="The findings it decides (masked, as the queue shows them).")


# -- the rate limit ---------------------------------------------------------------------------------------
def reveals_per_hour() -> int:
    raw = os.environ.get("GDPREP_REVEALS_PER_HOUR", "")
    try:
        value = int(raw) if raw else DEFAULT_REVEALS_PER_HOUR
    except ValueError:
        raise UsageError(f"$GDPREP_REVEALS_PER_HOUR must be a whole number (got {raw!r})") from None
    if value < 1:
        raise UsageError("$GDPREP_REVEALS_PER_HOUR must be at least 1; switch reveal off in the policy instead "
                         "(review_band.allow_reveal: false)")
    return value


def reveal_limiter(request: Request) -> FailureLimiter:
    """Reveals per key in the last hour, in this process's memory (made on first use, like the page sessions)."""
    state = request.app.state
    limiter: FailureLimiter | None = getattr(state, "reveal_limiter", None)
    if limiter is None:
        with _LIMITER_LOCK:
            limiter = getattr(state, "reveal_limiter", None)
            if limiter is None:
                limiter = FailureLimiter(max_failures=reveals_per_hour(), window_s=REVEAL_WINDOW_S)
                state.reveal_limiter = limiter
    return limiter


def reveal_wait(request: Request, principal: Principal) -> int:
    """Seconds until this key may reveal again (0: now)."""
    wait = reveal_limiter(request).retry_after(principal.name)
    return math.ceil(wait) if wait else 0


def _error(code: int, name: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": name, "message": message, "details": {}}}, status_code=code,
                        headers={**NO_STORE, **(headers or {})})


# -- routes -----------------------------------------------------------------------------------------------
@router.post("/reviews/{review_id}/reveal", response_model=RevealOut)
def reveal_finding(review_id: Annotated[str, Path(max_length=200)], body: RevealIn, request: Request,
                   response: Response, services: ServicesDep, principal: Officer) -> Any:
    """The value of one finding and a few words around it, read again from the job's input; recorded in the
    ledger with the reason (never the value), rate-limited per key, never cached."""
    job_id, finding_id = reviews.split_review_id(review_id)
    job = visible_job(services, principal, job_id)
    wait = reveal_wait(request, principal)
    if wait:
        return _error(429, "too_many_requests", f"this key has used its {reveal_limiter(request).max_failures} "
                      f"reveals for the hour; try again in {wait} s", {"Retry-After": str(wait)})
    try:
        with services.write_lock:
            shown = reveal.reveal(request.app.state.settings, services.jobs, services.ledger, job, finding_id,
                                  body.reason, actor=principal.name, actor_role=principal.role,
                                  key_id=principal.key_id)
    except reveal.RevealDisabled as exc:
        return _error(403, "reveal_disabled", str(exc))
    except InputUnavailable as exc:
        return _error(410, "input_unavailable", str(exc))
    reveal_limiter(request).failed(principal.name)  # counts this reveal
    response.headers.update(NO_STORE)
    return shown


@router.post("/jobs/{job_id}/reviews/bulk", response_model=BulkOut)
def bulk_decide(job_id: Annotated[str, Path(max_length=64)], body: BulkIn, request: Request,
                services: ServicesDep, principal: Officer) -> Any:
    """Confirm or reject every finding with the same recognizer, type and normalised value as one finding, or
    every finding of a type below a score. `preview` (the default) counts; then each decision is recorded."""
    job = visible_job(services, principal, job_id)
    flt = review_bulk.BulkFilter(same_as=body.filter.same_as, entity_type=body.filter.entity_type,
                                 below=body.filter.below)
    settings = request.app.state.settings
    try:
        if body.preview:
            chosen = review_bulk.select(settings, services.jobs, services.ledger, job, flt,
                                        include_decided=body.include_decided)
        else:
            with services.write_lock:
                chosen = review_bulk.apply(settings, services.jobs, services.ledger, job, flt, body.decision,
                                           body.comment.strip(), include_decided=body.include_decided,
                                           expected=body.expected, actor=principal.name, actor_role=principal.role,
                                           key_id=principal.key_id)
    except review_bulk.BulkChanged as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    except InputUnavailable as exc:
        return _error(410, "input_unavailable", str(exc))
    shown = chosen.decided or chosen.to_decide
    return BulkOut(job=job.id, preview=body.preview, decision=body.decision, **chosen.summary(),
                   items=[ReviewItem(**i) for i in shown])
