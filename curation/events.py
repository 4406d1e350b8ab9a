"""Curation decisions as structured events: the lineage hook.

Every input record gets exactly one final decision: removed by a stage (with a stable reason code),
or assigned to a split. The audit ledger stores these events as they are; `removals.jsonl`
and `decisions.jsonl` are written from them, so there is one format, not two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

Stage = Literal["input", "exact_dedup", "near_dedup", "preference", "quality", "balance", "split", "synthetic"]
STAGES: Final[tuple[str, ...]] = ("input", "exact_dedup", "near_dedup", "preference", "quality", "balance", "split",
                                  "synthetic")
SPLITS: Final[tuple[str, ...]] = ("train", "validation", "test")


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one input record. `outcome` is "removed" (with `reason`) or "assigned" (with
    `split`). Details never hold record text: only ids, numbers, thresholds and codes."""

    id: str
    index: int
    stage: str
    outcome: Literal["removed", "assigned"]
    reason: str | None = None
    split: str | None = None
    cluster_id: str | None = None
    kept_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "stage": self.stage, "outcome": self.outcome}
        if self.reason is not None:
            data["reason"] = self.reason
        if self.split is not None:
            data["split"] = self.split
        if self.cluster_id is not None:
            data["cluster_id"] = self.cluster_id
        if self.kept_id is not None:
            data["kept_id"] = self.kept_id
        if self.details:
            data["details"] = self.details
        return data

    def removal_json(self) -> dict[str, Any]:
        """The `removals.jsonl` line: every key present, null where it does not apply."""
        return {"id": self.id, "stage": self.stage, "reason": self.reason, "cluster_id": self.cluster_id,
                "kept_id": self.kept_id, "details": self.details}


def upsampled_copy(row: dict[str, Any], record_id: str, k: int, id_field: str) -> dict[str, Any]:
    """The k-th (1-based) repetition of a train record added by upsampling, under its own id."""
    return {**row, id_field: f"{record_id}#upsample-{k}"}
