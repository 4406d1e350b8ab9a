"""The blind human evaluation's routes (`gdprep.service.evaluations`): evaluators and compliance officers read
the blind pairs and rate them; engineers, compliance officers and auditors read the report. Evaluators do not
see reports, so that the running result cannot sway their ratings; no response says which side is which model.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, status
from pydantic import BaseModel, ConfigDict, Field

from gdprep.service.deps import API_VERSION, ErrorResponse, ServicesDep, require_roles
from gdprep.service.keys import Principal, Role

RATERS = (Role.evaluator, Role.compliance_officer)
REPORT_READERS = (Role.engineer, Role.compliance_officer, Role.auditor)

_ERRS: dict[int | str, dict[str, Any]] = {code: {"model": ErrorResponse} for code in (401, 403, 404, 422)}
router = APIRouter(prefix=f"/{API_VERSION}/evaluations", tags=["evaluations"], responses=_ERRS)

Rater = Annotated[Principal, Depends(require_roles(*RATERS))]
ReportReader = Annotated[Principal, Depends(require_roles(*REPORT_READERS))]
Lister = Annotated[Principal, Depends(require_roles(*RATERS, *REPORT_READERS))]
EvaluationId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
ItemNo = Annotated[int, Path(ge=0, le=1_000_000)]


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    choice: Literal["A", "B", "tie"] = Field(description="The better answer, or tie.")
    comment: str = Field(default="", max_length=2000, description="Why (kept; the ledger keeps its hash).")
    correction: str = Field(default="", max_length=8000,
                            description="A better answer than both (becomes a preference pair on export).")


class RatingOut(BaseModel):
    evaluation: str
    item: int
    reviewer: str
    choice: str
    rated_at: str


def _not_found(exc: Exception) -> HTTPException:
    return HTTPException(status.HTTP_404_NOT_FOUND, str(exc))


@router.get("")
def list_evaluations(services: ServicesDep, _principal: Lister) -> dict[str, Any]:
    """The evaluations, newest first: id, when, by whom, how many items (never which model is on which side)."""
    from gdprep.training.humaneval_store import EvaluationStore

    found = EvaluationStore(services.ledger).recent()
    return {"evaluations": [{k: e[k] for k in ("id", "created_at", "created_by", "n_items")} for e in found]}


@router.get("/{evaluation_id}/items")
def blind_items(evaluation_id: EvaluationId, services: ServicesDep, principal: Rater) -> dict[str, Any]:
    """The blind pairs (masked prompt, answers A and B) and the caller's own ratings."""
    from gdprep.training.humaneval_store import EvaluationNotFound, EvaluationStore

    store = EvaluationStore(services.ledger)
    try:
        store.get(evaluation_id)
    except EvaluationNotFound as exc:
        raise _not_found(exc) from None
    mine = {r["item_no"]: r for r in store.ratings_of(evaluation_id, principal.name)}
    return {"evaluation": evaluation_id, "items": [
        {"item": i.item_no, "prompt": i.prompt_text, "answer_a": i.answer("A"), "answer_b": i.answer("B"),
         "your_choice": mine[i.item_no]["choice"] if i.item_no in mine else None}
        for i in store.items_of(evaluation_id)]}


@router.post("/{evaluation_id}/items/{item_no}/rating", response_model=RatingOut)
def rate_item(evaluation_id: EvaluationId, item_no: ItemNo, body: RatingIn, services: ServicesDep,
              principal: Rater) -> Any:
    """Rate one pair (a later rating by the same key replaces it; the ledger keeps both)."""
    from gdprep.service.evaluations import rate
    from gdprep.training.humaneval_store import EvaluationNotFound

    try:
        with services.write_lock:
            row = rate(services.ledger, evaluation_id, item_no, reviewer=principal.name, role=principal.role,
                       choice=body.choice, comment=body.comment.strip(), correction=body.correction.strip(),
                       channel="api")
    except EvaluationNotFound as exc:
        raise _not_found(exc) from None
    return RatingOut(evaluation=evaluation_id, item=item_no, reviewer=row["reviewer"], choice=row["choice"],
                     rated_at=row["rated_at"])


@router.get("/{evaluation_id}/report")
def evaluation_report(evaluation_id: EvaluationId, services: ServicesDep, _principal: ReportReader
                      ) -> dict[str, Any]:
    """The report from the ratings so far: preference rate with its Wilson 95% CI, per reviewer and overall,
    agreement between reviewers, and the regurgitation signal (record it with `gdprep review-outputs
    --report ID --record` or on the report page)."""
    from gdprep.service.evaluations import report
    from gdprep.training.humaneval_store import EvaluationNotFound

    try:
        return report(services.ledger, evaluation_id)
    except EvaluationNotFound as exc:
        raise _not_found(exc) from None
