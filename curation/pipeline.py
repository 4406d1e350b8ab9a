"""Running the curation steps over a source, the report's figures, and the leakage check.

The steps (`gdprep.curation.steps`) keep compact per-record state only (ids, 16-byte content hashes,
labels, group keys, completion lengths, quality verdicts and the LSH band index); each step that needs
text reads the source again, so texts are never held for the whole dataset. After the split, the
leakage check indexes the kept records afresh and verifies every cross-split candidate.

Every input record gets exactly one `Decision` (see `gdprep.curation.events`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from gdprep.curation.config import CurationConfig
from gdprep.curation.events import SPLITS, Decision
from gdprep.curation.example import Example
from gdprep.curation.neardup import NearDuplicateIndex
from gdprep.curation.normalise import example_key, prompt_key
from gdprep.curation.sources import Item
from gdprep.curation.steps import STEPS, Context, Source, Step, make_context
from gdprep.curation.synthetic import SyntheticShareStep
from gdprep.ray_cluster import RaySession

LEAK_EXAMPLES_SHOWN = 100
#: every step a curation run takes, in order: the record-level steps, then the cap on synthetic records per split
CURATION_STEPS: tuple[type[Step], ...] = (*STEPS, SyntheticShareStep)


@dataclass(slots=True)
class CurationOutcome:
    """Decisions for every input record plus the figures the report is built from."""

    decisions: list[Decision]
    report: dict[str, Any]
    upsampled: dict[int, int]  # train record index -> extra copies


class Curator:
    """Runs the steps (`CURATION_STEPS`) over a source. `languages` are the policy's (for
    the language filter)."""

    def __init__(self, config: CurationConfig, languages: Sequence[str],
                 progress: Callable[[str, int], None] | None = None, ray: RaySession | None = None) -> None:
        self.config = config
        self.languages = list(languages)
        self.progress = progress
        self.ray = ray

    def run(self, source: Source) -> CurationOutcome:
        ctx = make_context(self.config, source, self.languages, self.progress)
        ctx.ray = self.ray
        for step in CURATION_STEPS:
            step().run(ctx)
        ordered = [ctx.decisions[i] for i in range(ctx.n)]
        return CurationOutcome(ordered, _report(ctx, ordered), ctx.upsampled)


def _report(ctx: Context, decisions: list[Decision]) -> dict[str, Any]:
    n = ctx.n
    removed = Counter((d.stage, d.reason) for d in decisions if d.outcome == "removed")
    split_sizes = Counter(ctx.assignment.values())
    removed_total = sum(removed.values())
    stages = []
    remaining = n
    # the preference stage is shown only for data with preference pairs: other reports stay as they were
    shown = ("input", "exact_dedup", "near_dedup", *(("preference",) if ctx.prompts else ()), "quality", "balance",
             *(("synthetic",) if ctx.synthetic else ()))
    for stage in shown:
        by_reason = {str(reason): c for (st, reason), c in sorted(removed.items(), key=lambda kv: str(kv[0]))
                     if st == stage}
        gone = sum(by_reason.values())
        stages.append({"stage": stage, "in": remaining, "removed": gone, "out": remaining - gone,
                       "reasons": by_reason})
        remaining -= gone
    per_split_labels = {s: dict(sorted(Counter(ctx.labels[i] or "(none)" for i, sp in ctx.assignment.items()
                                               if sp == s).items())) for s in SPLITS}
    cfg = ctx.config
    exact_groups = ctx.exact_groups if cfg.exact_dedup.enabled else {}
    report = {
        "counts": {
            "input": n,
            "train": split_sizes.get("train", 0),
            "validation": split_sizes.get("validation", 0),
            "test": split_sizes.get("test", 0),
            "removed": removed_total,
            "conserved": n == sum(split_sizes.values()) + removed_total,
            "upsampled_train_copies": sum(ctx.upsampled.values()),
        },
        "stages": stages,
        "dedup": {
            "exact_groups": len(exact_groups),
            "exact_group_sizes": _size_histogram(len(m) for m in exact_groups.values()),
            "near_enabled": cfg.near_dedup.enabled,
            "near_action": cfg.near_dedup.action,
            "lsh_bands": ctx.near_bands,
            "candidate_pairs": ctx.near_candidates,
            "verified_pairs": len(ctx.near_edges),
            "near_clusters": len(ctx.clusters),
            "near_cluster_sizes": _size_histogram(len(m) for m in ctx.clusters.values()),
        },
        "labels": {
            "field": cfg.fields.label_field,
            "before": dict(sorted(ctx.label_counts.get("before", Counter()).items())),
            "after_filters": dict(sorted(ctx.label_counts.get("after_filters", Counter()).items())),
            "after_balance": dict(sorted(ctx.label_counts.get("after_balance", Counter()).items())),
            "per_split": per_split_labels,
            "balance": ctx.balance_info,
        },
        "splits": {s: split_sizes.get(s, 0) for s in SPLITS},
    }
    if ctx.prompts:
        report["preference"] = _preference_report(ctx, removed)
    if ctx.synthetic:
        report["synthetic"] = ctx.synthetic_info
    report["warnings"] = _warnings(ctx)
    return report


def _warnings(ctx: Context) -> list[dict[str, str]]:
    """What the user should check although nothing failed: {code, message}, the code a stable identifier."""
    group_field = ctx.config.fields.group_field
    if group_field and ctx.n and all(group is None for group in ctx.groups):
        return [{"code": "group_field_absent",
                 "message": f"fields.group_field {group_field!r}: no record has this field, so the split is not "
                            "grouped (records of one group may land in different splits); check the field name"}]
    return []


def _preference_report(ctx: Context, removed: Counter[tuple[str, str | None]]) -> dict[str, Any]:
    """Preference pairs: how many, what the preference filters removed, and the prompts per split (a prompt
    in two splits would be a bug: the split holds a prompt's pairs together)."""
    splits_of_prompt: dict[bytes, set[str]] = {}
    for i, split in ctx.assignment.items():
        if i in ctx.prompts:
            splits_of_prompt.setdefault(ctx.prompts[i], set()).add(split)
    pairs_per_split = Counter(split for i, split in ctx.assignment.items() if i in ctx.prompts)
    return {
        "pairs": len(ctx.prompts),
        "other_records": ctx.n - len(ctx.prompts),
        "removed_by_reason": {str(r): c for (st, r), c in sorted(removed.items(), key=lambda kv: str(kv[0]))
                              if st == "preference"},
        "distinct_prompts": len({ctx.prompts[i] for i in ctx.prompts}),
        "pairs_per_split": {s: pairs_per_split.get(s, 0) for s in SPLITS},
        "prompts_per_split": {s: sum(s in found for found in splits_of_prompt.values()) for s in SPLITS},
        "prompts_in_several_splits": sum(len(found) > 1 for found in splits_of_prompt.values()),
        "config": ctx.config.preference.model_dump(mode="json"),
    }


def _size_histogram(sizes: Any) -> dict[str, int]:
    counts = Counter(sizes)
    return {str(size): counts[size] for size in sorted(counts)}


def leakage_pairs(source: Source, decisions: Sequence[Decision], config: CurationConfig, *,
                  key: Callable[[Example, bool], str] = example_key, kinds: Collection[str] | None = None
                  ) -> tuple[list[dict[str, Any]], int, int]:
    """Cross-split pairs at or above the leakage threshold among the assigned records (of `kinds`, default
    all), compared by `key` (the training text; `prompt_key` for preference prompts), found by a fresh
    MinHash LSH index and verified by their real Jaccard: (pairs, candidate pairs, records indexed)."""
    near = config.near_dedup
    threshold = config.leakage.threshold or near.threshold
    split_of = {d.index: d.split for d in decisions if d.outcome == "assigned"}
    casefold = config.normalise.casefold

    def wanted(item: Item) -> Example | None:
        example = item.example
        if item.index in split_of and example is not None and (kinds is None or example.kind in kinds):
            return example
        return None

    index = NearDuplicateIndex(threshold=threshold, num_perm=near.num_perm, ngram=near.ngram, unit=near.unit,
                               seed=near.seed + 1, index=near.index)
    for batch in source.batches():
        idx, texts = [], []
        for item in batch:
            if (example := wanted(item)) is not None:
                idx.append(item.index)
                texts.append(key(example, casefold))
        index.add(idx, texts)
    cross = {(a, b) for a, b in index.candidate_pairs if split_of[a] != split_of[b]}
    members = index.members_needing_text(cross)
    texts_by_index: dict[int, str] = {}
    if members:
        for batch in source.batches():
            for item in batch:
                if item.index in members and (example := wanted(item)) is not None:
                    texts_by_index[item.index] = key(example, casefold)
    ids = {d.index: d.id for d in decisions}
    pairs = [{"a": ids[a], "b": ids[b], "split_a": split_of[a], "split_b": split_of[b], "jaccard": round(s, 4)}
             for a, b, s in index.verify(texts_by_index, cross)]
    return pairs, len(cross), len(index)


def leakage_report(source: Source, decisions: Sequence[Decision], config: CurationConfig, *,
                   preference: bool = False) -> dict[str, Any]:
    """The report's leakage section (the first LEAK_EXAMPLES_SHOWN pairs are listed by id). With
    `preference` (the data has preference pairs), the pairs' prompts are also compared across splits."""
    threshold = config.leakage.threshold or config.near_dedup.threshold
    if not config.leakage.enabled:
        return {"enabled": False, "threshold": threshold}
    pairs, candidates, indexed = leakage_pairs(source, decisions, config)
    report = {"enabled": True, "threshold": threshold, "records_checked": indexed, "candidate_pairs": candidates,
              "pairs": len(pairs), "examples": pairs[:LEAK_EXAMPLES_SHOWN], "result": _verdict(pairs, "pair")}
    if not preference:
        return report
    prompt_pairs, prompt_candidates, prompts = leakage_pairs(source, decisions, config, key=prompt_key,
                                                             kinds=("preference",))
    if prompts:
        # the split keeps equal prompts together; this finds prompts that are near, not equal, across splits
        report["prompts"] = {"records_checked": prompts, "candidate_pairs": prompt_candidates,
                             "pairs": len(prompt_pairs), "examples": prompt_pairs[:LEAK_EXAMPLES_SHOWN],
                             "result": _verdict(prompt_pairs, "prompt pair")}
    return report


def _verdict(pairs: Sequence[Any], what: str) -> str:
    return (f"no cross-split {what} at or above the threshold" if not pairs
            else f"{len(pairs)} cross-split {what}(s) at or above the threshold")
