"""The GDPR Art. 30 record of processing activities (`gdprep audit export --view ropa`): one entry per processing
activity the policy's `processing` section declares, with the runs that carried it out summarised under it
(failed ones marked), the categories of personal data in plain language, the models trained and who approved
them. What the controller must declare (controller, DPO, purposes, lawful bases, data subjects, retention,
recipients) comes only from the policy: where the policy does not declare it, the record says so."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from jinja2 import Environment

from gdprep import __version__
from gdprep.audit.categories import data_category, special_categories
from gdprep.audit.lineage_export import ExportInput
from gdprep.audit.runs import ADAPTER, LineageGraph, Run
from gdprep.policies.schema import (
    ART9_CATEGORY_IDS,
    LAWFUL_BASES,
    PROCESSING_STAGES,
    SPECIAL_CATEGORY_CONDITIONS,
    Policy,
    ProcessingActivity,
)
from gdprep.templating import template_environment

SCHEMA: Final = "gdprep.ropa/2"
#: what the record shows for a field the controller must declare and the policy does not
NOT_DECLARED: Final = "not declared in the policy: add a processing section (see README)"
NOT_COVERED: Final = ("not declared in the policy: add this stage to an activity of the processing section "
                      "(see README)")
TECHNICAL_MEASURES: Final = (
    "local processing on the organisation's machines; outbound network connections refused",
    "redaction under a hashed policy (placeholders, keyed hashes, pseudonyms, masking)",
    "reversible values encrypted (AES-SIV) and the pseudonym vault encrypted (AES-GCM)",
    "tamper-evident audit ledger with Ed25519-signed checkpoints; keyed HMACs instead of identifiers",
    "training only on ledger-verified curated splits, in a region the policy allows",
    "memorisation probes and a release decision before a model is released; promotion needs an approval",
)
#: what each stage does, for activities the policy does not declare
STAGE_DESCRIPTIONS: Final = {
    "privacy": "detecting personal data in source records and redacting it",
    "curation": "deduplicating, filtering and splitting redacted records into train, validation and test sets",
    "training": "fine-tuning a language model (LoRA adapter) on a curated train split",
    "probes": "testing a trained adapter for memorised personal data before release",
    "evaluation": "measuring a trained adapter's task quality on the test split",
}


@dataclass(frozen=True)
class _Activity:
    name: str
    stages: tuple[str, ...]
    declared: ProcessingActivity | None


def _activities(policy: Policy, runs: list[Run]) -> list[_Activity]:
    """The declared activities (every one, with or without runs), then one per stage whose runs no declared
    activity covers; without a processing section, one per stage that has runs."""
    seen = list(dict.fromkeys([s for s in PROCESSING_STAGES if any(r.stage == s for r in runs)]
                              + [r.stage for r in runs]))
    if policy.processing is None:
        return [_Activity(f"{stage} stage", (stage,), None) for stage in seen]
    found = [_Activity(a.name, tuple(a.stages), a) for a in policy.processing.activities]
    covered = {s for a in found for s in a.stages}
    return found + [_Activity(f"{stage} stage (no declared activity)", (stage,), None)
                    for stage in seen if stage not in covered]


class _Categories:
    """The categories of personal data a run processed: those found in its records, and for a run that reads
    another's output (curation, training, probes), those found by the runs upstream of it. Each finding counts
    once however many runs downstream read its record."""

    def __init__(self, graph: LineageGraph) -> None:
        self.graph = graph
        self._memo: dict[str, frozenset[str]] = {}

    def sources(self, run: Run, trail: frozenset[str] = frozenset()) -> frozenset[str]:
        """The run and every run upstream of it (by the dataset versions it read, or the adapter it examined)."""
        if run.run_id in self._memo:
            return self._memo[run.run_id]
        upstream = [p for a in self.graph.inputs(run) for p in self.graph.producers(a.key)]
        if run.stage in ("probes", "evaluation") and run.training_run in self.graph.runs:
            upstream.append(self.graph.runs[run.training_run])
        found = {run.run_id}
        for source in upstream:
            if source.run_id not in trail and source.run_id != run.run_id:
                found |= self.sources(source, trail | {run.run_id})
        self._memo[run.run_id] = frozenset(found)
        return self._memo[run.run_id]

    def of(self, runs: list[Run]) -> tuple[Counter[tuple[str, str]], set[str]]:
        """(entity type, operator) -> findings, and the special categories flagged, over `runs` and upstream."""
        treatments: Counter[tuple[str, str]] = Counter()
        special: set[str] = set()
        for run_id in set().union(*(self.sources(r) for r in runs)):
            treatments.update(self.graph.runs[run_id].treatments)
            special |= self.graph.runs[run_id].special
        return treatments, special


def _category_rows(treatments: Counter[tuple[str, str]]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for (entity_type, operator), n in treatments.items():
        category = data_category(entity_type)
        if category is None:
            continue
        row = rows.setdefault(category, {"category": category, "findings": 0, "handled_as": set()})
        row["findings"] += n
        row["handled_as"].add(operator)
    return [{**r, "handled_as": sorted(r["handled_as"])} for r in sorted(rows.values(), key=lambda r: -r["findings"])]


def _basis(article: str | None, names: dict[str, str], detail: str = "") -> dict[str, str] | str:
    if article is None:
        return NOT_DECLARED
    letter = article[-2]
    return {"article": f"Art. {article}", "name": names[letter], "detail": detail}


def _run_summary(runs: list[Run]) -> dict[str, Any]:
    outcomes = Counter(r.outcome for r in runs)
    started = sorted(r.started_at for r in runs if r.started_at)
    return {"total": len(runs), "completed": outcomes["completed"], "failed": outcomes["failed"],
            "interrupted": outcomes["interrupted"], "unfinished": outcomes["unfinished"],
            "first_started_at": started[0] if started else None, "last_started_at": started[-1] if started else None,
            "by_stage": dict(Counter(r.stage for r in runs)),
            "records_processed": sum(sum(r.records.values()) for r in runs),
            "policy_hashes": dict(Counter(r.policy_hash for r in runs if r.policy_hash))}


def _models(graph: LineageGraph, runs: list[Run]) -> list[dict[str, Any]]:
    found = []
    for run in runs:
        if run.stage != "training" or run.adapter is None:
            continue
        sha = graph.adapter_of(run)
        found.append({"training_run": run.run_id, "adapter_sha256": sha, "region": run.region,
                      "policy_hash": run.policy_hash, "base_model": run.adapter.get("base_model"),
                      "trained_on": [{"role": a.role, "name": a.name, "sha256": a.key} for a in graph.inputs(run)
                                     if a.kind != ADAPTER],
                      "registered_versions": graph.registered(sha), "approvals": graph.approvals(sha)})
    return found


def _special_condition(policy: Policy) -> dict[str, str] | str:
    if not any(c in ART9_CATEGORY_IDS for c in policy.kept_special_categories()):
        return "not needed: the policy drops every record that reveals special-category data"
    if policy.processing is None:
        return NOT_DECLARED
    return _basis(policy.processing.special_category_condition, SPECIAL_CATEGORY_CONDITIONS,
                  policy.processing.special_category_detail)


def _criminal_basis(policy: Policy) -> str:
    if "criminal" not in policy.kept_special_categories():
        return "not needed: the policy drops every record that reveals criminal offence data"
    if policy.processing is None or not policy.processing.criminal_offence_basis:
        return NOT_DECLARED
    return policy.processing.criminal_offence_basis


def _activity_entry(activity: _Activity, runs: list[Run], data: ExportInput, policy: Policy,
                    categories: _Categories) -> dict[str, Any]:
    declared = activity.declared
    missing = NOT_DECLARED if policy.processing is None else NOT_COVERED
    treatments, special = categories.of(runs)
    regions = sorted({r.region for r in runs if r.region})
    return {
        "name": activity.name, "stages": list(activity.stages),
        "description": "; ".join(STAGE_DESCRIPTIONS.get(s, s) for s in activity.stages),
        "purpose": declared.purpose if declared else missing,
        "lawful_basis": _basis(declared.lawful_basis, LAWFUL_BASES, declared.lawful_basis_detail)
        if declared else missing,
        "special_category_condition": _special_condition(policy),
        "criminal_offence_basis": _criminal_basis(policy),
        "categories_of_data_subjects": list(declared.data_subjects) if declared else missing,
        "categories_of_personal_data": _category_rows(treatments),
        "special_categories_of_personal_data": special_categories(special),
        "recipients": (list(declared.recipients) or "none: no recipient outside the controller is declared")
        if declared else missing,
        "transfers_to_third_countries": (declared.transfers or "none declared") if declared else missing,
        "processing_locations": "the organisation's own machines (gdprep refuses outbound connections)"
                                + (f"; training regions recorded: {', '.join(regions)}" if regions else ""),
        "retention": declared.retention if declared else missing,
        "technical_and_organisational_measures": list(TECHNICAL_MEASURES),
        "run_summary": _run_summary(runs),
        "runs": [{"run_id": r.run_id, "stage": r.stage, "started_at": r.started_at, "ended_at": r.ended_at,
                  "outcome": r.outcome, "failed": r.outcome != "completed", "error": r.error,
                  "actor": r.actor, "policy_hash": r.policy_hash} for r in runs],
        "models": _models(data.graph, runs),
    }


def policy_warnings(runs: list[Run], policy: Policy) -> list[str]:
    """A warning for each policy hash other than `policy`'s that runs were made under."""
    own = policy.canonical_hash()
    others: dict[str, list[Run]] = {}
    for run in runs:
        if run.policy_hash and run.policy_hash != own:
            others.setdefault(run.policy_hash, []).append(run)
    return [f"{len(rs)} run(s) ({', '.join(sorted({r.stage for r in rs}))}) were made under policy {h}, not under "
            f"{policy.name!r} ({own}) whose processing section this record shows; pass --policy with the policy "
            "they used if its declarations differ" for h, rs in sorted(others.items())]


def build_ropa(data: ExportInput, policy: Policy, *, policy_source: str | None = None) -> dict[str, Any]:
    """The record of processing as JSON-ready data (its `warnings` name runs made under other policies)."""
    runs = data.runs()
    categories = _Categories(data.graph)
    processing = policy.processing
    entries = []
    for activity in _activities(policy, runs):
        mine = [r for r in runs if r.stage in activity.stages]
        if data.run_id is not None and not mine:
            continue
        entries.append(_activity_entry(activity, mine, data, policy, categories))
    return {
        "schema": SCHEMA, "producer": f"gdprep/{__version__}",
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "run": data.run_id,
        "policy": {"name": policy.name, "source": policy_source or policy.name, "hash": policy.canonical_hash(),
                   "processing_sha256": policy.processing_hash(),
                   "special_categories_kept": special_categories(policy.kept_special_categories()),
                   "categories_it_detects": sorted({c for t in policy.entities if (c := data_category(t))})},
        "controller": processing.controller.model_dump() if processing else NOT_DECLARED,
        "data_protection_officer": (processing.dpo.model_dump() if processing.dpo else
                                    "none declared in the processing section (a DPO is required in the cases of "
                                    "Art. 37)") if processing else NOT_DECLARED,
        "representative": (processing.representative.model_dump() if processing.representative else
                           "none declared") if processing else NOT_DECLARED,
        "warnings": policy_warnings(runs, policy),
        "record_of_processing_activities": entries,
    }


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = template_environment(Path(__file__).resolve().parent / "templates")
    env.tests["declared"] = lambda value: value not in (NOT_DECLARED, NOT_COVERED)
    env.filters["short"] = lambda value: (str(value)[:23] + "...") if value and len(str(value)) > 26 else value
    return env


def render_ropa_html(ropa: dict[str, Any]) -> str:
    """The record as one self-contained, printable HTML page (no scripts, fonts or web addresses)."""
    return _environment().get_template("ropa.html.j2").render(ropa=ropa, not_declared=(NOT_DECLARED, NOT_COVERED))


def write_ropa(data: ExportInput, out_dir: Path, policy: Policy, *, policy_source: str | None = None,
               on_warning: Callable[[str], None] | None = None) -> Path:
    """`ropa.json` and `ropa.html` in `out_dir`; returns the JSON's path."""
    ropa = build_ropa(data, policy, policy_source=policy_source)
    for warning in ropa["warnings"]:
        if on_warning is not None:
            on_warning(warning)
    path = out_dir / "ropa.json"
    path.write_text(json.dumps(ropa, indent=2, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    (out_dir / "ropa.html").write_text(render_ropa_html(ropa), encoding="utf-8")
    return path
