"""What the HTTP routes depend on, shared by `api`, `api_jobs` and `web`: the services (ledger, keys, jobs),
the caller's API key and role, the one error shape and the API version. The routers import these from here,
so `api` can mount them without an import cycle."""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from gdprep.audit.ledger import Ledger
from gdprep.service.job_store import JobStore
from gdprep.service.keys import FailureLimiter, KeyStore, Principal, Role
from gdprep.service.settings import ServiceSettings

log = logging.getLogger("gdprep.api")

API_VERSION = "v1"


# -- services -----------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Services:
    ledger: Ledger
    keys: KeyStore
    jobs: JobStore
    # one ledger writer per process at a time (the ledger also serialises writers across processes)
    write_lock: threading.Lock = field(default_factory=threading.Lock)


class ServiceHolder:
    """Opens the ledger on first use (not at import or app creation), so /readyz can report a database that is
    down instead of the server failing to start; a failed open is retried on the next request."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self._services: Services | None = None
        self._lock = threading.Lock()

    def get(self) -> Services:
        with self._lock:
            if self._services is None:
                ledger = Ledger(self.settings.ledger_url)
                self._services = Services(ledger=ledger, keys=KeyStore(ledger), jobs=JobStore(ledger))
            return self._services

    def close(self) -> None:
        if self._services is not None:
            self._services.ledger.engine.dispose()


def get_services(request: Request) -> Services:
    holder: ServiceHolder = request.app.state.services
    return holder.get()


ServicesDep = Annotated[Services, Depends(get_services)]


# -- the caller ---------------------------------------------------------------------------------------------
_bearer = HTTPBearer(auto_error=False, description="An API key from `gdprep keys create`.")


def client_of(request: Request) -> str:
    """Who failed sign-ins are counted against: the peer address (the server trusts no forwarding headers)."""
    return request.client.host if request.client is not None else "unknown"


def check_key(request: Request, services: Services, secret: str) -> Principal | None:
    """Authenticate `secret` for the client of `request`: a client with too many recent failures is refused
    (429) before its key is even looked at, and every failure counts."""
    limiter: FailureLimiter = request.app.state.auth_limiter
    client = client_of(request)
    wait = limiter.retry_after(client)
    if wait:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, f"too many failed sign-ins from this client; try "
                            f"again in {math.ceil(wait)} s", headers={"Retry-After": str(math.ceil(wait))})
    principal = services.keys.authenticate(secret)
    if principal is None:
        limiter.failed(client)
    return principal


def current_principal(request: Request, services: ServicesDep,
                      credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
    if credentials is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "missing bearer API key (Authorization: Bearer <key>)",
                            headers={"WWW-Authenticate": "Bearer"})
    principal = check_key(request, services, credentials.credentials)
    if principal is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or revoked API key",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return principal


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    allowed = frozenset(r.value for r in roles)

    def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {principal.role!r} may not do this; it needs one "
                                f"of: {', '.join(sorted(allowed))}")
        return principal

    return check


# the caller, checked to hold one of the roles: written out as `Annotated` aliases (not built by a helper) so
# that a type checker sees each one as `Principal`
Verifier = Annotated[Principal, Depends(require_roles(Role.auditor, Role.compliance_officer, Role.admin))]
Auditor = Annotated[Principal, Depends(require_roles(Role.auditor))]
ErasureOfficer = Annotated[Principal, Depends(require_roles(Role.compliance_officer, Role.admin))]
Engineer = Annotated[Principal, Depends(require_roles(Role.engineer))]
JobReader = Annotated[Principal, Depends(require_roles(Role.engineer, Role.compliance_officer, Role.auditor))]
ReportReader = Annotated[Principal, Depends(require_roles(Role.engineer, Role.compliance_officer, Role.auditor))]
ReviewReader = Annotated[Principal, Depends(require_roles(Role.compliance_officer, Role.auditor))]
Officer = Annotated[Principal, Depends(require_roles(Role.compliance_officer))]
Rematerialiser = Annotated[Principal, Depends(require_roles(Role.engineer, Role.compliance_officer))]
Admin = Annotated[Principal, Depends(require_roles(Role.admin))]


# -- the one error shape ------------------------------------------------------------------------------------
class ErrorBody(BaseModel):
    code: str = Field(description="Stable machine-readable error code.")
    message: str = Field(description="What was wrong and what to do.")
    details: dict[str, Any] = Field(default_factory=dict, description="Structured context (never request data).")


class ErrorResponse(BaseModel):
    error: ErrorBody


def private_dir(folder: Path) -> None:
    """Create `folder` (and its parents) readable by this user only, like the state directory: uploads and job
    outputs hold personal data."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        folder.chmod(0o700)
    except OSError:  # e.g. a mounted volume that ignores chmod
        log.warning("could not make %s private (mode 0700)", folder)
