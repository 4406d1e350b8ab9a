"""Helpers shared by the HTTP API tests."""

from __future__ import annotations

from typing import Any


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response has `status` and the service's one error shape with `code`; returns the error object."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return dict(body["error"])
