"""Server-rendered pages for people under /ui: sign-in with an API key, jobs, redaction reports and the
review queue. Same keys, roles and service functions as the JSON API; no external assets, works offline.

Sessions live in this process's memory (they end when the server restarts) and are tied to the key's id;
the key is looked up on every request, so revoking it ends its sessions. Every form carries a CSRF token.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from gdprep.errors import GdprepError
from gdprep.service import reviews
from gdprep.service.api_jobs import download_artifact, visible_job
from gdprep.service.deps import Services, ServicesDep, check_key
from gdprep.service.job import FINAL, Job, JobStatus
from gdprep.service.job_charts import loss_curve_svg
from gdprep.service.keys import Role
from gdprep.service.reveal import allowed_by_policy
from gdprep.service.web_headers import report_response, security_headers
from gdprep.service.web_sessions import SessionStore, WebSession, session_store

log = logging.getLogger("gdprep.web")

PREFIX = "/ui"
SESSION_COOKIE = "gdprep_session"
LOGIN_COOKIE = "gdprep_login"
CSRF_FIELD = "csrf_token"
LOGIN_FORM_TTL_S = 15 * 60        # how long a sign-in form may be left open
PAGE_SIZE = 25
_TEMPLATES = Path(__file__).parent / "templates"

READERS = (Role.engineer, Role.compliance_officer, Role.auditor)        # jobs and reports
REVIEW_READERS = (Role.compliance_officer, Role.auditor)                # the review queue
DECIDERS = (Role.compliance_officer,)                                   # confirm / reject
REMATERIALISERS = (Role.engineer, Role.compliance_officer)              # as POST /v1/jobs/{id}/rematerialise


# -- errors that become pages ----------------------------------------------------------------------------------
class PageError(Exception):
    """Answer with an HTML error page (status and a message for the person)."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message


class LoginRequired(Exception):
    """No valid session: redirect to the sign-in page (303), remembering where the person was going."""

    def __init__(self, next_path: str | None) -> None:
        super().__init__("sign-in required")
        self.next_path = next_path


def current_session(request: Request, services: ServicesDep) -> WebSession:
    store = session_store(request)
    session_id = request.cookies.get(SESSION_COOKIE)
    session = store.get(session_id) if session_id else None
    if session is not None and not services.keys.is_active(session.principal.key_id):
        store.drop_key(session.principal.key_id)
        session = None
    if session is None:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(here if request.method == "GET" else None)
    request.state.web_session = session
    return session


SessionDep = Annotated[WebSession, Depends(current_session)]


def require(session: WebSession, roles: tuple[Role, ...], what: str) -> None:
    if session.role not in {r.value for r in roles}:
        if session.role == Role.admin:
            raise PageError(403, f"An admin key cannot {what}. Admin keys manage API keys: use `gdprep keys` "
                                 "or the /v1/keys API.")
        raise PageError(403, f"Your role ({session.role}) may not {what}; it needs one of: "
                             f"{', '.join(r.value for r in roles)}.")


def check_csrf(request: Request, session: WebSession, token: str) -> None:
    """A state-changing form must carry this session's token; a browser that says it comes from another
    site is refused as well (defence in depth; the token is the check that counts)."""
    _check_origin(request)
    if not token or not hmac.compare_digest(token.encode("utf-8"), session.csrf.encode("utf-8")):
        raise PageError(403, "This form has expired or did not come from this site (missing or wrong CSRF "
                             "token). Reload the page and try again.")


def _check_origin(request: Request) -> None:
    # Sec-Fetch-Site is set by current browsers and cannot be forged by a page. Origin is often "null" here
    # (Referrer-Policy: no-referrer makes browsers hide it), so only a named foreign origin is refused.
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise PageError(403, "Cross-site form submissions are refused.")
    origin = request.headers.get("origin")
    if origin not in (None, "null") and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise PageError(403, "Cross-site form submissions are refused.")


# -- rendering --------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _environment() -> Any:
    from gdprep.templating import template_environment

    return template_environment(_TEMPLATES)


@lru_cache(maxsize=4)
def asset(*names: str) -> Any:
    """Stylesheets or scripts from templates/, joined, inlined under the response's CSP nonce."""
    from markupsafe import Markup

    return Markup("\n".join((_TEMPLATES / name).read_text(encoding="utf-8") for name in names))


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    me = getattr(request.state, "web_session", None)
    html = _environment().get_template(template).render(
        nonce=request.state.csp_nonce, css=asset("ui.css"), me=me, prefix=PREFIX, **context)
    return HTMLResponse(html, status_code=status_code)


def _error_page(request: Request, exc: Exception) -> Response:
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, PageError):
        code, message = exc.status_code, exc.message
    elif isinstance(exc, StarletteHTTPException):
        code = exc.status_code
        message = exc.detail if isinstance(exc.detail, str) else "The request could not be completed."
    elif isinstance(exc, RequestValidationError):  # never echo what was sent
        code, message = 400, "The request is not valid (a form field or query parameter is malformed)."
    elif isinstance(exc, reviews.NotFound):
        code, message = 404, str(exc)
    elif isinstance(exc, GdprepError) and exc.exit_code == 2:
        code, message = 400, str(exc)
    elif isinstance(exc, OperationalError):
        log.error("database unavailable: %s", type(exc).__name__)
        code, message = 503, "The database is not available; try again later."
    else:
        log.exception("unexpected error on a page", exc_info=exc)
        code, message = 500, "Internal server error."
    titles = {400: "Bad request", 403: "Forbidden", 404: "Not found", 409: "Conflict", 429: "Too many requests",
              503: "Unavailable"}
    return render(request, "error.html.j2", status_code=code, title=titles.get(code, "Error"), message=message,
                  code=code)


class PageRoute(APIRoute):
    """Every page gets a CSP nonce and the security headers; errors become HTML pages, not JSON, and a
    missing session becomes a redirect to the sign-in page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            request.state.csp_nonce = secrets.token_urlsafe(18)
            try:
                response = await handler(request)
            except LoginRequired as exc:
                response = RedirectResponse(_login_url(exc.next_path), status.HTTP_303_SEE_OTHER)
            except Exception as exc:
                response = _error_page(request, exc)
            security_headers(request, response)
            return response

        return page_handler


router = APIRouter(prefix=PREFIX, include_in_schema=False, route_class=PageRoute)


def _safe_next(value: str | None) -> str:
    """Only a path of these pages (no scheme, host or `//`): never an open redirect."""
    if not value or not value.startswith(f"{PREFIX}/") or value.startswith("//") or "\\" in value \
            or any(ord(c) < 0x21 for c in value) or value.startswith(f"{PREFIX}/login"):
        return f"{PREFIX}/"
    return value


def _login_url(next_path: str | None) -> str:
    if next_path and _safe_next(next_path) == next_path and next_path != f"{PREFIX}/":
        return f"{PREFIX}/login?{urlencode({'next': next_path})}"
    return f"{PREFIX}/login"


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status.HTTP_303_SEE_OTHER)


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


# -- sign-in -----------------------------------------------------------------------------------------------------
def _login_form(request: Request, *, next_path: str, error: str | None = None,
                status_code: int = 200) -> HTMLResponse:
    """The sign-in form with a fresh pre-session CSRF pair: a random nonce in a cookie that only the sign-in
    path receives (SameSite=Strict, HttpOnly), and its HMAC under this process's secret in the form."""
    store = session_store(request)
    nonce = secrets.token_urlsafe(32)
    response = render(request, "login.html.j2", status_code=status_code, token=store.login_token(nonce),
                      next_path=next_path, error=error)
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=LOGIN_FORM_TTL_S, path=f"{PREFIX}/login",
                        secure=_https(request), httponly=True, samesite="strict")
    return response


@router.get("/login")
def login_page(request: Request, next_path: Annotated[str | None, Query(alias="next", max_length=500)] = None
               ) -> Response:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id and session_store(request).get(session_id) is not None:
        return _see_other(_safe_next(next_path))
    return _login_form(request, next_path=_safe_next(next_path))


@router.post("/login")
def login(request: Request, services: ServicesDep,
          api_key: Annotated[str, Form(max_length=500)] = "",
          csrf_token: Annotated[str, Form(max_length=200)] = "",
          next_path: Annotated[str, Form(alias="next", max_length=500)] = "") -> Response:
    store = session_store(request)
    _check_origin(request)
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not nonce or not csrf_token or not hmac.compare_digest(csrf_token.encode("utf-8"),
                                                              store.login_token(nonce).encode("utf-8")):
        raise PageError(403, "The sign-in form has expired or did not come from this site. Open the sign-in "
                             "page again.")
    # too many failed sign-ins from this client: a 429 page (counted with the API's bearer failures)
    principal = check_key(request, services, api_key.strip()) if api_key.strip() else None
    if principal is None:
        return _login_form(request, next_path=_safe_next(next_path), status_code=401,
                           error="That API key is not valid or has been revoked.")
    old = request.cookies.get(SESSION_COOKIE)
    if old:  # never carry a session id across a sign-in (fixation)
        store.drop(old)
    session_id, _session = store.create(principal)
    log.info("page sign-in: key %s (%s)", principal.name, principal.role)
    response = _see_other(_safe_next(next_path))
    # no Max-Age: the cookie ends with the browser; the server ends the session earlier (idle / absolute)
    response.set_cookie(SESSION_COOKIE, session_id, path=PREFIX, secure=_https(request), httponly=True,
                        samesite="strict")
    response.delete_cookie(LOGIN_COOKIE, path=f"{PREFIX}/login", secure=_https(request), httponly=True,
                           samesite="strict")
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, csrf_token: Annotated[str, Form(max_length=200)] = ""
           ) -> Response:
    check_csrf(request, session, csrf_token)
    session_id = request.cookies.get(SESSION_COOKIE, "")
    session_store(request).drop(session_id)
    response = _see_other(f"{PREFIX}/login")
    response.delete_cookie(SESSION_COOKIE, path=PREFIX, secure=_https(request), httponly=True, samesite="strict")
    return response


@router.get("/")
def home(request: Request, session: SessionDep) -> Response:
    if session.role == Role.admin:
        return render(request, "home.html.j2")
    if session.role == Role.evaluator:  # evaluators rate answers and see nothing else
        return _see_other(f"{PREFIX}/evaluations")
    return _see_other(f"{PREFIX}/jobs")


# -- jobs ---------------------------------------------------------------------------------------------------------
def _visible(services: Services, session: WebSession, job_id: str) -> Job:
    return visible_job(services, session.principal, job_id)


@dataclass(frozen=True, slots=True)
class StageView:
    name: str
    state: str
    done: int
    total: int | None

    @property
    def percent(self) -> int | None:
        if self.state == "done":
            return 100
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


def _stages(job: Job) -> list[StageView]:
    out = []
    for name in job.stages:
        p = job.progress.get(name, {})
        total = p.get("total")
        out.append(StageView(name=name, state=str(p.get("state", "pending")), done=int(p.get("done") or 0),
                             total=int(total) if isinstance(total, int) else None))
    return out


#: summary entries the job page shows on their own (the loss curve, the release decision) or not at all
_SHOWN_APART = frozenset({"loss_history", "reasons", "checks", "registry"})


def _summary_view(job: Job) -> dict[str, dict[str, Any]]:
    return {stage: {k: v for k, v in values.items() if k not in _SHOWN_APART and not isinstance(v, list)}
            | ({"registered_versions": ", ".join(values["registered_versions"])}
               if values.get("registered_versions") else {})
            for stage, values in job.summary.items() if isinstance(values, dict)}


def _has_report(job: Job) -> bool:
    return job.status == JobStatus.succeeded and reviews.REPORT in job.outputs


@router.get("/jobs")
def jobs_page(request: Request, services: ServicesDep, session: SessionDep,
              status_filter: Annotated[str, Query(alias="status", max_length=20)] = "",
              page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    require(session, READERS, "list jobs")
    if status_filter and status_filter not in {s.value for s in JobStatus}:
        raise PageError(400, f"Unknown status filter; choose one of: {', '.join(s.value for s in JobStatus)}.")
    owner = session.name if session.role == Role.engineer else None
    jobs, total = services.jobs.list(owner=owner, status=status_filter or None, limit=PAGE_SIZE,
                                     offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))

    def page_url(n: int) -> str:
        query = {"status": status_filter} if status_filter else {}
        if n > 1:
            query["page"] = str(n)
        return f"{PREFIX}/jobs" + (f"?{urlencode(query)}" if query else "")

    return render(request, "jobs.html.j2", jobs=jobs, total=total, page=page, pages=pages,
                  statuses=[s.value for s in JobStatus], status_filter=status_filter,
                  prev_url=page_url(page - 1) if page > 1 else None,
                  next_url=page_url(page + 1) if page < pages else None)


@router.get("/jobs/{job_id}")
def job_page(job_id: str, request: Request, services: ServicesDep, session: SessionDep) -> Response:
    require(session, READERS, "view jobs")
    job = _visible(services, session, job_id)
    artifacts = sorted(job.outputs) if session.role == Role.engineer and job.status == JobStatus.succeeded else []
    training = job.summary.get("training") or {}
    return render(request, "job.html.j2", job=job, stages=_stages(job), final=job.status in FINAL,
                  has_report=_has_report(job), artifacts=artifacts, quote=quote, summary=_summary_view(job),
                  loss_chart=loss_curve_svg("loss-curve", training.get("loss_history") or []),
                  probe=job.summary.get("probe"),
                  can_review=session.role in {r.value for r in REVIEW_READERS},
                  can_rematerialise=(session.role in {r.value for r in REMATERIALISERS} and _has_report(job)
                                     and "privacy" in job.stages))


@router.get("/jobs/{job_id}/artifacts/{name:path}")
def job_artifact(job_id: str, name: str, request: Request, services: ServicesDep, session: SessionDep) -> Any:
    """An output file, for the engineer who owns the job (recorded in the ledger like the API download)."""
    require(session, (Role.engineer,), "download job outputs")
    return download_artifact(job_id, name, request, services, session.principal)


@router.get("/jobs/{job_id}/report")
def report_page(job_id: str, request: Request, services: ServicesDep, session: SessionDep) -> Response:
    """The redaction report as render_html makes it (self-contained, SVG charts), with a way back."""
    from gdprep.privacy.report_html import render_html

    require(session, READERS, "read redaction reports")
    job = _visible(services, session, job_id)
    report = reviews.load_report(request.app.state.settings, job)
    html = render_html(report, review_url=f"{PREFIX}/jobs/{job.id}/reviews")
    back = ("<style>nav.gdprep-ui { padding: .5rem 1.5rem; background: #f3f5f7; border-bottom: 1px solid #d0d7de; "
            "font: 14px system-ui, sans-serif; }</style>"
            f'<nav class="gdprep-ui" aria-label="gdprep"><a href="{PREFIX}/jobs/{job.id}">&larr; Job {job.id[:12]}</a>'
            f' &middot; <a href="{PREFIX}/jobs">All jobs</a></nav>')
    return report_response(html.replace("<body>", "<body>\n" + back, 1))


# -- review queue ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Segment:
    kind: str   # text | finding | masked
    text: str


def snippet_segments(snippet: str) -> list[Segment]:
    """Split a masked snippet into plain text, the finding (`⟦TYPE: Xxxx⟧`) and other masked values
    (`⟦TYPE⟧`), so the page can highlight them; the template escapes every piece."""
    from gdprep.privacy.report import MARK_CLOSE, MARK_OPEN

    out: list[Segment] = []
    rest = snippet
    while rest:
        start = rest.find(MARK_OPEN)
        end = rest.find(MARK_CLOSE, start + 1) if start >= 0 else -1
        if start < 0 or end < 0:
            out.append(Segment("text", rest))
            break
        if start:
            out.append(Segment("text", rest[:start]))
        inner = rest[start + 1:end]
        out.append(Segment("finding" if ": " in inner else "masked", inner))
        rest = rest[end + 1:]
    return out


def _iter_items(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        yield {**item, "segments": snippet_segments(str(item["snippet"])), "anchor": f"r-{item['finding_id']}"}


@router.get("/jobs/{job_id}/reviews")
def reviews_page(job_id: str, request: Request, services: ServicesDep, session: SessionDep,
                 show: Annotated[str, Query(pattern="^(all|undecided)$")] = "all") -> Response:
    require(session, REVIEW_READERS, "see the review queue")
    job = _visible(services, session, job_id)
    items = reviews.review_items(request.app.state.settings, services.jobs, job)
    decided = sum(1 for i in items if i["decision"])
    shown = [i for i in items if not i["decision"]] if show == "undecided" else items
    can_decide = session.role in {r.value for r in DECIDERS}
    reveal_on, _ = allowed_by_policy(job)
    return render(request, "reviews.html.j2", job=job, items=list(_iter_items(shown)), decided=decided,
                  total=len(items), show=show, can_decide=can_decide, can_reveal=can_decide and reveal_on,
                  can_rematerialise=session.role in {r.value for r in REMATERIALISERS} and "privacy" in job.stages,
                  script=asset("keyboard_list.js", "reviews.js"))


@router.post("/reviews/{review_id}")
def decide_page(review_id: str, request: Request, services: ServicesDep, session: SessionDep,
                decision: Annotated[str, Form(max_length=16)] = "",
                comment: Annotated[str, Form(max_length=2000)] = "",
                csrf_token: Annotated[str, Form(max_length=200)] = "",
                show: Annotated[str, Form(pattern="^(all|undecided)$")] = "all") -> Response:
    check_csrf(request, session, csrf_token)
    require(session, DECIDERS, "decide on review items")
    if decision not in reviews.DECISIONS:
        raise PageError(400, f"Decision must be one of: {', '.join(reviews.DECISIONS)}.")
    job_id, finding_id = reviews.split_review_id(review_id)
    job = _visible(services, session, job_id)
    settings = request.app.state.settings
    with services.write_lock:
        reviews.decide(settings, services.jobs, services.ledger, job, finding_id, decision, comment.strip(),
                       actor=session.name, actor_role=session.role, key_id=session.principal.key_id,
                       channel="ui")
    # back to the queue with the selection on the next item still to decide (or this one)
    items = reviews.review_items(settings, services.jobs, job)
    ids = [i["finding_id"] for i in items]
    here = ids.index(finding_id) if finding_id in ids else 0
    following = [i for i in items[here + 1:] + items[:here] if not i["decision"]]
    target = following[0]["finding_id"] if following else finding_id
    query = "?show=undecided" if show == "undecided" else ""
    return _see_other(f"{PREFIX}/jobs/{job.id}/reviews{query}#r-{target}")


@router.post("/jobs/{job_id}/rematerialise")
def rematerialise_page(job_id: str, request: Request, services: ServicesDep, session: SessionDep,
                       csrf_token: Annotated[str, Form(max_length=200)] = "") -> Response:
    check_csrf(request, session, csrf_token)
    require(session, REMATERIALISERS, "materialise a job again")
    job = _visible(services, session, job_id)
    with services.write_lock:
        new = reviews.rematerialise(services.jobs, services.ledger, job, actor=session.name,
                                    actor_role=session.role, key_id=session.principal.key_id, channel="ui")
    return _see_other(f"{PREFIX}/jobs/{new.id}")


__all__ = ["router", "SessionStore", "WebSession", "snippet_segments"]
