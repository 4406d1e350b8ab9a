"""The blind human evaluation's pages under /ui/evaluations: evaluators and compliance officers rate pairs of
answers side by side (A, B or tie, a comment, a corrected answer; keyboard shortcuts), never told which model
wrote which; engineers, compliance officers and auditors read the report, and compliance officers record it.
Same sessions, CSRF tokens, CSP and roles as the other pages; every rating goes to the ledger."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from gdprep.service.api_evaluations import RATERS, REPORT_READERS
from gdprep.service.deps import ServicesDep
from gdprep.service.keys import Role
from gdprep.service.web import (
    PREFIX,
    PageError,
    PageRoute,
    SessionDep,
    asset,
    check_csrf,
    render,
    require,
    snippet_segments,
)

RECORDERS = (Role.compliance_officer,)
router = APIRouter(prefix=f"{PREFIX}/evaluations", include_in_schema=False, route_class=PageRoute)


@lru_cache(maxsize=2)
def _roles(roles: tuple[Role, ...]) -> set[str]:
    return {r.value for r in roles}


def _store(services: Any) -> Any:
    from gdprep.training.humaneval_store import EvaluationStore

    return EvaluationStore(services.ledger)


def _evaluation(store: Any, evaluation_id: str) -> dict[str, Any]:
    from gdprep.training.humaneval_store import EvaluationNotFound

    try:
        return dict(store.get(evaluation_id))
    except EvaluationNotFound as exc:
        raise PageError(404, str(exc)) from None


@router.get("")
def evaluations_page(request: Request, services: ServicesDep, session: SessionDep) -> Response:
    require(session, (*RATERS, *REPORT_READERS), "see human evaluations")
    store = _store(services)
    found = store.recent()
    mine = {e["id"]: len(store.ratings_of(e["id"], session.name)) for e in found} \
        if session.role in _roles(RATERS) else {}
    return render(request, "evaluations.html.j2", evaluations=found, mine=mine,
                  can_rate=session.role in _roles(RATERS), can_report=session.role in _roles(REPORT_READERS))


@router.get("/{evaluation_id}")
def evaluation_page(evaluation_id: str, request: Request, services: ServicesDep, session: SessionDep,
                    show: Annotated[str, Query(pattern="^(all|unrated)$")] = "all") -> Response:
    require(session, RATERS, "rate answers")
    store = _store(services)
    evaluation = _evaluation(store, evaluation_id)
    mine = {r["item_no"]: r for r in store.ratings_of(evaluation_id, session.name)}
    items = [{"no": i.item_no, "prompt": snippet_segments(i.prompt_text), "a": snippet_segments(i.answer("A")),
              "b": snippet_segments(i.answer("B")), "rating": mine.get(i.item_no)}
             for i in store.items_of(evaluation_id)]
    shown = [i for i in items if i["rating"] is None] if show == "unrated" else items
    return render(request, "evaluation.html.j2", evaluation=evaluation, items=shown, total=len(items),
                  rated=len(mine), show=show, script=asset("keyboard_list.js", "evaluation.js"),
                  extra_css=asset("evaluation.css"))


@router.post("/{evaluation_id}/items/{item_no}/rating")
def rate_page(evaluation_id: str, item_no: int, request: Request, services: ServicesDep, session: SessionDep,
              choice: Annotated[str, Form(max_length=4)] = "",
              comment: Annotated[str, Form(max_length=2000)] = "",
              correction: Annotated[str, Form(max_length=8000)] = "",
              csrf_token: Annotated[str, Form(max_length=200)] = "",
              show: Annotated[str, Form(pattern="^(all|unrated)$")] = "all") -> Response:
    from gdprep.service.evaluations import rate
    from gdprep.training.humaneval_store import CHOICES, EvaluationNotFound

    check_csrf(request, session, csrf_token)
    require(session, RATERS, "rate answers")
    if choice not in CHOICES:
        raise PageError(400, f"Choose one of: {', '.join(CHOICES)}.")
    try:
        with services.write_lock:
            rate(services.ledger, evaluation_id, item_no, reviewer=session.name, role=session.role, choice=choice,
                 comment=comment.strip(), correction=correction.strip(), channel="ui")
    except EvaluationNotFound as exc:
        raise PageError(404, str(exc)) from None
    store = _store(services)
    rated = {r["item_no"] for r in store.ratings_of(evaluation_id, session.name)}
    numbers = [i.item_no for i in store.items_of(evaluation_id)]
    here = numbers.index(item_no) if item_no in numbers else 0
    following = [n for n in numbers[here + 1:] + numbers[:here] if n not in rated]
    target = following[0] if following else item_no
    query = "?show=unrated" if show == "unrated" else ""
    return RedirectResponse(f"{PREFIX}/evaluations/{evaluation_id}{query}#item-{target}", 303)


@router.get("/{evaluation_id}/report")
def report_page(evaluation_id: str, request: Request, services: ServicesDep, session: SessionDep) -> Response:
    from gdprep.service.evaluations import report

    require(session, REPORT_READERS, "read evaluation reports")
    _evaluation(_store(services), evaluation_id)
    built = report(services.ledger, evaluation_id)
    recorded = [e.payload for e in services.ledger.iter_entries()
                if e.kind == "human_evaluation_report" and e.payload.get("evaluation") == evaluation_id]
    return render(request, "evaluation_report.html.j2", report=built, recorded=recorded,
                  can_record=session.role in _roles(RECORDERS))


@router.post("/{evaluation_id}/report")
def record_report_page(evaluation_id: str, request: Request, services: ServicesDep, session: SessionDep,
                       csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    from gdprep.service.evaluations import report

    check_csrf(request, session, csrf_token)
    require(session, RECORDERS, "record evaluation reports")
    _evaluation(_store(services), evaluation_id)
    with services.write_lock:
        report(services.ledger, evaluation_id, record=True, who=session.name, via="ui")
    return RedirectResponse(f"{PREFIX}/evaluations/{evaluation_id}/report", 303)
