"""Server-rendered pages for people (sign-in, jobs, reports, the review queue). Placeholder router."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
