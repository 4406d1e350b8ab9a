"""The security headers of the review pages (a CSP with the response's nonce, no framing, no caching) and
of a rendered redaction report, which the pages and the JSON API serve alike."""

from __future__ import annotations

import hashlib
import secrets

from fastapi import Request
from fastapi.responses import HTMLResponse, Response


def security_headers(request: Request, response: Response) -> None:
    """A page's headers: its CSP allows only the page's own nonce."""
    nonce = getattr(request.state, "csp_nonce", secrets.token_urlsafe(18))
    response.headers.setdefault("Content-Security-Policy", _csp(nonce))
    _fixed_security_headers(response)


def _csp(nonce: str) -> str:
    return ("default-src 'none'; "
            f"script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src 'self' data:; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def _fixed_security_headers(response: Response) -> None:
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"


def report_response(html: str) -> HTMLResponse:
    """A rendered redaction report as a response, here and from the JSON API alike: the report is fixed markup
    with inline <style> blocks only, so its CSP allows exactly those (by hash) and no scripts, and no other
    site may frame it."""
    response = HTMLResponse(html)
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'none'; style-src " + " ".join(_style_hashes(html))
        + "; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
    _fixed_security_headers(response)
    return response


def _style_hashes(html: str) -> list[str]:
    import base64
    import re

    bodies = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    return [f"'sha256-{base64.b64encode(hashlib.sha256(b.encode('utf-8')).digest()).decode()}'"
            for b in bodies] or ["'none'"]
