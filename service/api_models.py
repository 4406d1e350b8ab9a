"""The model registry's routes: registered adapters, their release status and approvals, promotion and rollback
(`gdprep.training.registry`; the audit ledger decides, MLflow's `production` alias follows).

Who may do what: every role reads; compliance officers approve; admins promote and roll back. Engineers
train (POST /v1/jobs with the `training` stage), which registers each adapter as a new version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from gdprep.service.deps import API_VERSION, ErrorResponse, Services, ServicesDep, require_roles
from gdprep.service.keys import Principal, Role

_ERRS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (400, 401, 403, 404, 409, 422)}
router = APIRouter(prefix=f"/{API_VERSION}/models", tags=["models"], responses=_ERRS)

ModelReader = Annotated[Principal, Depends(require_roles(Role.engineer, Role.compliance_officer, Role.auditor,
                                                         Role.admin))]
Approver = Annotated[Principal, Depends(require_roles(Role.compliance_officer))]
Releaser = Annotated[Principal, Depends(require_roles(Role.admin))]
Version = Annotated[str, Field(pattern=r"^[0-9]{1,9}$")]


class ApprovalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str = Field(default="", max_length=2000, description="What was reviewed (kept in the ledger).")


class RollbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=500, description="Why (kept in the ledger).")


class VersionOut(BaseModel):
    name: str
    version: str
    status: str = Field(description="production | approved | released | failed | inconclusive | unprobed | "
                        "contradicted")
    training_run: str
    adapter_sha256: str
    registered_at: str
    mlflow_run_id: str | None
    consistent_with_ledger: bool
    release: str | None = Field(description="The latest probes run's decision for this adapter: pass | fail | "
                                            "inconclusive.")
    release_run: str | None
    release_reasons: list[str]
    approvals: list[dict[str, Any]]
    registry_problems: list[str] = Field(default_factory=list,
                                         description="Where MLflow's entry contradicts the ledger (empty: agrees).")


class ModelOut(BaseModel):
    name: str
    production: str | None
    rollback_target: str | None = Field(description="The version a rollback would return to.")
    versions: list[VersionOut]
    history: list[dict[str, Any]]


@contextmanager
def _registry(services: Services) -> Iterator[Any]:
    """The registry on the service's ledger; its refusals are 422, unknown names 404."""
    from gdprep.policies import load_policy
    from gdprep.training.registry import RegistryError, RegistryNotFound, RegistryRefused, opened

    try:
        with opened(services.ledger, load_policy(None).residency.allowed_regions) as registry:
            yield registry
    except RegistryRefused as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    except RegistryNotFound as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    except RegistryError as exc:  # nothing to roll back to, or the store failed
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None


def _model_out(registry: Any, name: str, *, check: bool) -> ModelOut:
    model = registry.model(name)
    data = model.to_json()
    for version in data["versions"]:
        problems = registry.problems(model.versions[version["version"]]) if check else []
        version["registry_problems"] = problems
        if problems:
            version["status"] = "contradicted"
    return ModelOut(**data)


@router.get("", response_model=list[ModelOut])
def list_models(services: ServicesDep, _principal: ModelReader) -> Any:
    """Every registered model with its versions, release decisions, approvals and production version (from
    the audit ledger; MLflow is not asked, see GET /v1/models/{name} for the cross-check)."""
    with _registry(services) as registry:
        return [_model_out(registry, name, check=False) for name in sorted(registry.models())]


@router.get("/{name}", response_model=ModelOut)
def get_model(name: str, services: ServicesDep, _principal: ModelReader) -> Any:
    """One model, each version checked against MLflow's entry (adapter hash, training run)."""
    with _registry(services) as registry:
        return _model_out(registry, name, check=True)


def _decide(services: Services, name: str, action: Callable[[Any], Any]) -> ModelOut:
    with services.write_lock, _registry(services) as registry:
        action(registry)
        return _model_out(registry, name, check=False)


@router.post("/{name}/versions/{version}/approve", response_model=ModelOut)
def approve_version(name: str, version: Version, services: ServicesDep, principal: Approver,
                    body: ApprovalIn | None = None) -> Any:
    """A compliance officer's approval of a version whose release gate passed (recorded in the ledger with the
    key's name). The registry entry must agree with the ledger; its artefact is hashed again."""
    note = body.note if body else ""
    return _decide(services, name, lambda r: r.approve(name, version, approver=principal.name,
                                                       role=principal.role, note=note, via="api"))


@router.post("/{name}/versions/{version}/promote", response_model=ModelOut)
def promote_version(name: str, version: Version, services: ServicesDep, principal: Releaser) -> Any:
    """Move the `production` alias to this version: it needs a passing release decision and a compliance
    officer's approval. 422 names what is missing."""
    return _decide(services, name, lambda r: r.promote(name, version, who=principal.name, via="api"))


@router.post("/{name}/rollback", response_model=ModelOut)
def rollback_model(name: str, body: RollbackIn, services: ServicesDep, principal: Releaser) -> Any:
    """Move `production` back to the version that was in production before the current one."""
    return _decide(services, name, lambda r: r.rollback(name, who=principal.name, via="api", reason=body.reason))


@router.post("/{name}/versions/{version}/rollback", response_model=ModelOut)
def rollback_version(name: str, version: Version, body: RollbackIn, services: ServicesDep,
                     principal: Releaser) -> Any:
    """Roll back from `version`, which must be the version in production (409 otherwise)."""
    def action(registry: Any) -> None:
        current = registry.model(name).production
        if current != version:
            raise HTTPException(status.HTTP_409_CONFLICT, f"{name}:{version} is not in production (production: "
                                f"{current or 'none'}); POST /v1/models/{name}/rollback rolls back the current one")
        registry.rollback(name, who=principal.name, via="api", reason=body.reason)

    return _decide(services, name, action)
