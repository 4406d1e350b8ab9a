"""The review queue's reveal and bulk-decision pages under /ui: a compliance officer reveals one finding with a
typed reason (a page for that finding only, never cached), and previews then applies a decision on every finding
with the same value or of one type below a score. Same sessions, CSRF tokens, CSP and rate limit as the rest."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from gdprep.errors import UsageError
from gdprep.service import reveal, review_bulk, reviews
from gdprep.service.api_jobs import visible_job
from gdprep.service.api_reviews import reveal_limiter, reveal_wait
from gdprep.service.deps import ServicesDep
from gdprep.service.keys import Role
from gdprep.service.review_values import InputUnavailable
from gdprep.service.web import PREFIX, PageError, PageRoute, SessionDep, check_csrf, render, require, snippet_segments

DECIDERS = (Role.compliance_officer,)
router = APIRouter(prefix=PREFIX, include_in_schema=False, route_class=PageRoute)


@router.post("/reviews/{review_id}/reveal")
def reveal_page(review_id: str, request: Request, services: ServicesDep, session: SessionDep,
                reason: Annotated[str, Form(max_length=reveal.REASON_MAX)] = "",
                csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    """One finding's value in its words, on a page of its own (POST: a reason travels in the body only)."""
    check_csrf(request, session, csrf_token)
    require(session, DECIDERS, "reveal findings")
    job_id, finding_id = reviews.split_review_id(review_id)
    job = visible_job(services, session.principal, job_id)
    wait = reveal_wait(request, session.principal)
    if wait:
        raise PageError(429, f"You have used your {reveal_limiter(request).max_failures} reveals for the hour; "
                             f"try again in {wait} s.")
    try:
        with services.write_lock:
            shown = reveal.reveal(request.app.state.settings, services.jobs, services.ledger, job, finding_id,
                                  reason, actor=session.name, actor_role=session.role,
                                  key_id=session.principal.key_id, channel="ui")
    except reveal.RevealDisabled as exc:
        raise PageError(403, f"Reveal is switched off: {exc}.") from None
    except InputUnavailable as exc:
        raise PageError(410, str(exc)) from None
    reveal_limiter(request).failed(session.name)
    return render(request, "review_reveal.html.j2", job=job, shown=shown,
                  before=snippet_segments(shown["before"]), after=snippet_segments(shown["after"]))


def _filter(same_as: str, entity_type: str, below: str) -> review_bulk.BulkFilter:
    try:
        score = float(below) if below else None
    except ValueError:
        raise PageError(400, "The score bound must be a number between 0 and 1.") from None
    if score is not None and not 0 < score <= 1:
        raise PageError(400, "The score bound must be a number between 0 and 1.")
    try:
        return review_bulk.BulkFilter(same_as=same_as or None, entity_type=entity_type or None, below=score)
    except UsageError as exc:
        raise PageError(400, str(exc)) from None


@router.get("/jobs/{job_id}/reviews/bulk")
def bulk_preview_page(job_id: str, request: Request, services: ServicesDep, session: SessionDep,
                      same_as: Annotated[str, Query(max_length=40)] = "",
                      entity_type: Annotated[str, Query(alias="type", max_length=64)] = "",
                      below: Annotated[str, Query(max_length=20)] = "",
                      decision: Annotated[str, Query(pattern="^(confirm|reject)?$")] = "") -> Response:
    """What a bulk decision would decide: the count and the findings (masked), with the form that applies it."""
    require(session, DECIDERS, "decide on review items")
    job = visible_job(services, session.principal, job_id)
    flt = _filter(same_as, entity_type, below)
    try:
        chosen = review_bulk.select(request.app.state.settings, services.jobs, services.ledger, job, flt)
    except InputUnavailable as exc:
        raise PageError(410, str(exc)) from None
    items = [{**i, "segments": snippet_segments(str(i["snippet"]))} for i in chosen.to_decide]
    return render(request, "review_bulk.html.j2", job=job, flt=flt, chosen=chosen, items=items,
                  decision=decision or "confirm", below=below)


@router.post("/jobs/{job_id}/reviews/bulk")
def bulk_apply_page(job_id: str, request: Request, services: ServicesDep, session: SessionDep,
                    decision: Annotated[str, Form(max_length=16)] = "",
                    same_as: Annotated[str, Form(max_length=40)] = "",
                    entity_type: Annotated[str, Form(alias="type", max_length=64)] = "",
                    below: Annotated[str, Form(max_length=20)] = "",
                    expected: Annotated[int, Form(ge=0, le=1_000_000)] = 0,
                    comment: Annotated[str, Form(max_length=2000)] = "",
                    csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(request, session, csrf_token)
    require(session, DECIDERS, "decide on review items")
    if decision not in reviews.DECISIONS:
        raise PageError(400, f"Decision must be one of: {', '.join(reviews.DECISIONS)}.")
    job = visible_job(services, session.principal, job_id)
    flt = _filter(same_as, entity_type, below)
    try:
        with services.write_lock:
            review_bulk.apply(request.app.state.settings, services.jobs, services.ledger, job, flt, decision,
                              comment.strip(), expected=expected, actor=session.name, actor_role=session.role,
                              key_id=session.principal.key_id, channel="ui")
    except review_bulk.BulkChanged as exc:
        raise PageError(409, f"{exc}.") from None
    except InputUnavailable as exc:
        raise PageError(410, str(exc)) from None
    return RedirectResponse(f"{PREFIX}/jobs/{job.id}/reviews?{urlencode({'show': 'undecided'})}", 303)
