"""Running the curation steps over a source, the report's figures, and the leakage check.

The steps (`gdprep.curation.steps`) keep compact per-record state only (ids, 16-byte content hashes,
labels, group keys, completion lengths, quality verdicts and the LSH band index); each step that needs
text reads the source again, so texts are never held for the whole dataset. After the split, the
leakage check indexes the kept records afresh and verifies every cross-split candidate.

Every input record gets exactly one `Decision` (see `gdprep.curation.events`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from gdprep.curation.config import CurationConfig
from gdprep.curation.events import SPLITS, Decision
from gdprep.curation.neardup import NearDuplicateIndex
from gdprep.curation.normalise import example_key
from gdprep.curation.steps import STEPS, Context, Source, make_context
from gdprep.ray_cluster import RaySession

LEAK_EXAMPLES_SHOWN = 100


@dataclass(slots=True)
class CurationOutcome:
    """Decisions for every input record plus the figures the report is built from."""

    decisions: list[Decision]
    report: dict[str, Any]
    upsampled: dict[int, int]  # train record index -> extra copies


class Curator:
    """Runs the steps (`gdprep.curation.steps.STEPS`) over a source. `languages` are the policy's (for
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
        for step in STEPS:
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
    for stage in ("input", "exact_dedup", "near_dedup", "quality", "balance"):
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
    return {
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


def _size_histogram(sizes: Any) -> dict[str, int]:
    counts = Counter(sizes)
    return {str(size): counts[size] for size in sorted(counts)}


def leakage_pairs(source: Source, decisions: Sequence[Decision], config: CurationConfig
                  ) -> tuple[list[dict[str, Any]], int, int]:
    """Cross-split pairs at or above the leakage threshold among the assigned records, found by a fresh
    MinHash LSH index and verified by their real Jaccard: (pairs, candidate pairs, records indexed)."""
    near = config.near_dedup
    threshold = config.leakage.threshold or near.threshold
    split_of = {d.index: d.split for d in decisions if d.outcome == "assigned"}
    index = NearDuplicateIndex(threshold=threshold, num_perm=near.num_perm, ngram=near.ngram, unit=near.unit,
                               seed=near.seed + 1, index=near.index)
    for batch in source.batches():
        idx, texts = [], []
        for item in batch:
            if item.index in split_of and item.example is not None:
                idx.append(item.index)
                texts.append(example_key(item.example, config.normalise.casefold))
        index.add(idx, texts)
    cross = {(a, b) for a, b in index.candidate_pairs if split_of[a] != split_of[b]}
    members = index.members_needing_text(cross)
    texts_by_index: dict[int, str] = {}
    if members:
        for batch in source.batches():
            for item in batch:
                if item.index in members and item.example is not None:
                    texts_by_index[item.index] = example_key(item.example, config.normalise.casefold)
    ids = {d.index: d.id for d in decisions}
    pairs = [{"a": ids[a], "b": ids[b], "split_a": split_of[a], "split_b": split_of[b], "jaccard": round(s, 4)}
             for a, b, s in index.verify(texts_by_index, cross)]
    return pairs, len(cross), len(index)



def leakage_report(source: Source, decisions: Sequence[Decision], config: CurationConfig) -> dict[str, Any]:
    """The report's leakage section (the first LEAK_EXAMPLES_SHOWN pairs are listed by id)."""
    threshold = config.leakage.threshold or config.near_dedup.threshold
    if not config.leakage.enabled:
        return {"enabled": False, "threshold": threshold}
    pairs, candidates, indexed = leakage_pairs(source, decisions, config)
    verdict = ("no cross-split pair at or above the threshold" if not pairs
               else f"{len(pairs)} cross-split pair(s) at or above the threshold")
    return {"enabled": True, "threshold": threshold, "records_checked": indexed, "candidate_pairs": candidates,
            "pairs": len(pairs), "examples": pairs[:LEAK_EXAMPLES_SHOWN], "result": verdict}
