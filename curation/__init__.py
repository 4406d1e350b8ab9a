"""Curation stage: dedup, quality filters, balancing and leak-free splits, with a reason for every drop.

From Python, `curate` runs the same stages as `gdprep curate` on rows already in memory:

    import polars as pl
    from gdprep.curation import curate, load_curation_config

    result = curate(pl.read_ndjson("redacted.jsonl"))   # the CLI's defaults: every config default, the
                                                        # default policy's languages
    result.splits["train"]          # a polars DataFrame
    result.removals                 # [{"id", "stage", "reason", "cluster_id", "kept_id", "details"}, ...]
    result.to_datasets()            # a datasets.DatasetDict

For files of any size use `gdprep.curation.run.run_curate` (or the CLI), which streams.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from gdprep.curation.config import CurationConfig, load_curation_config
from gdprep.curation.events import SPLITS, Decision, upsampled_copy

__all__ = ["CurationConfig", "CurationResult", "Decision", "curate", "load_curation_config"]


@dataclass(slots=True)
class CurationResult:
    """Split rows, removals, every decision and the report (as `gdprep curate` writes them)."""

    rows: dict[str, list[dict[str, Any]]]
    decisions: list[Decision]
    report: dict[str, Any]

    @property
    def removals(self) -> list[dict[str, Any]]:
        return [d.removal_json() for d in self.decisions if d.outcome == "removed"]

    @property
    def splits(self) -> dict[str, Any]:
        """The splits as polars DataFrames."""
        import polars as pl

        return {name: pl.DataFrame(rows) if rows else pl.DataFrame() for name, rows in self.rows.items()}

    def to_datasets(self) -> Any:
        """The splits as a `datasets.DatasetDict`. Every split has every field any row has (text,
        prompt/completion, chat messages and preference rows may be mixed): a row without a field holds None
        there, and nested fields are kept as they are."""
        import datasets

        columns = list(dict.fromkeys(key for rows in self.rows.values() for row in rows for key in row))
        every = [row for rows in self.rows.values() for row in rows]
        # one table for all splits, so every split has the same features (a split whose rows all lack a field
        # would otherwise give it another type)
        table = datasets.Dataset.from_dict({c: [row.get(c) for row in every] for c in columns})
        out, start = {}, 0
        for name, rows in self.rows.items():
            out[name] = table.select(list(range(start, start + len(rows))))  # a list: an empty range at the end fails
            start += len(rows)
        return datasets.DatasetDict(out)


def curate(data: Any, config: CurationConfig | None = None, *, languages: Sequence[str] | None = None,
           on_decision: Callable[[Decision], None] | None = None) -> CurationResult:
    """Curate rows in memory: a polars DataFrame, a `datasets.Dataset` or a list of dicts. With no
    `languages`, the languages allowed are the default policy's, as `gdprep curate` allows them."""
    from gdprep.curation.pipeline import Curator, leakage_report
    from gdprep.curation.sources import MemorySource

    if languages is None:
        from gdprep.policies import load_policy

        languages = load_policy(None).languages
    cfg = config or CurationConfig()
    rows = _rows(data)
    source = MemorySource(rows, cfg.fields, batch_size=cfg.output.batch_size)
    outcome = Curator(cfg, languages).run(source)
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in SPLITS}
    for decision in outcome.decisions:
        if on_decision is not None:
            on_decision(decision)
        if decision.outcome == "assigned" and decision.split is not None:
            row = rows[decision.index]
            out[decision.split].append(row)
            for k in range(outcome.upsampled.get(decision.index, 0)):
                out[decision.split].append(upsampled_copy(row, decision.id, k + 1, cfg.fields.id_field))
    report = dict(outcome.report)
    report["leakage"] = leakage_report(source, outcome.decisions, cfg,
                                        preference="preference" in outcome.report)
    return CurationResult(out, outcome.decisions, report)


def _rows(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return data
    to_dicts = getattr(data, "to_dicts", None)  # polars.DataFrame
    if callable(to_dicts):
        return list(to_dicts())
    to_list = getattr(data, "to_list", None)  # datasets.Dataset
    if callable(to_list):
        return list(to_list())
    raise TypeError(f"curate() takes a polars DataFrame, a datasets.Dataset or a list of dicts, not "
                    f"{type(data).__name__}")
