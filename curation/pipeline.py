"""The curation stages, in order: normalise, exact dedup, near-duplicate dedup, quality filters,
balance, split; then the leakage check.

The run makes a few passes over a re-readable source and keeps compact per-record state only (ids,
16-byte content hashes, labels, group keys, completion lengths, quality verdicts and the LSH band
index); texts are read again in the passes that need them and never held for the whole dataset:

- pass 1 (scan): parse, normalise, hash, run the quality filters, add each new content to the LSH index;
- pass 2 (verify): compute the real Jaccard of the LSH candidates (their texts only);
- decide: keep rules, clusters, quality drops, balancing, the group-aware stratified split;
- pass 3 (write): route every record to its split file or to removals; index the kept records again
  for the leakage check;
- pass 4 (leakage): verify the cross-split candidates.

Every input record gets exactly one `Decision` (see `gdprep.curation.events`).
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from gdprep.curation.config import CurationConfig
from gdprep.curation.events import SPLITS, Decision
from gdprep.curation.neardup import NearDuplicateIndex, connected_components
from gdprep.curation.normalise import example_hash, example_key
from gdprep.curation.quality import build_filters, first_failure
from gdprep.curation.sources import Item
from gdprep.errors import InputError

LEAK_EXAMPLES_SHOWN = 100


class Source(Protocol):
    format: str

    def batches(self) -> Iterator[list[Item]]: ...


@dataclass(slots=True)
class _State:
    """Compact per-record state, indexed by input position."""

    ids: list[str] = field(default_factory=list)
    labels: list[str | None] = field(default_factory=list)
    groups: list[str | None] = field(default_factory=list)
    completion_len: array = field(default_factory=lambda: array("q"))  # type: ignore[type-arg]
    bad: dict[int, tuple[str, str, int]] = field(default_factory=dict)  # index -> (reason, message, line)
    quality: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    first_of_hash: dict[bytes, int] = field(default_factory=dict)
    duplicate_of: dict[int, int] = field(default_factory=dict)  # index -> first index with the same content


@dataclass(slots=True)
class CurationOutcome:
    """Decisions for every input record plus the figures the report is built from."""

    decisions: list[Decision]
    report: dict[str, Any]
    upsampled: dict[int, int]  # train record index -> extra copies


def _rank(seed: int, record_id: str) -> bytes:
    """A seeded, input-order-independent ordering key."""
    return hashlib.sha256(f"{seed}\x1f{record_id}".encode()).digest()


class Curator:
    """Runs the stages over a source. `languages` are the policy's (for the language filter)."""

    def __init__(self, config: CurationConfig, languages: Sequence[str],
                 progress: Callable[[str, int], None] | None = None) -> None:
        self.config = config
        self.languages = list(languages)
        self.filters = build_filters(config.quality, self.languages) if config.quality.enabled else []
        self.progress = progress or (lambda stage, n: None)

    # -- pass 1 -------------------------------------------------------------------------------------
    def _scan(self, source: Source, index: NearDuplicateIndex | None) -> _State:
        cfg = self.config
        state = _State()
        seen_ids: dict[str, int] = {}
        for batch in source.batches():
            new_indices: list[int] = []
            new_texts: list[str] = []
            for item in batch:
                state.ids.append(item.id)
                ex = item.example
                if ex is None:
                    reason, message = item.problem or ("bad_record", "unusable record")
                    state.bad[item.index] = (reason, message, item.line)
                    _append_blank(state)
                    continue
                if item.id in seen_ids:
                    state.bad[item.index] = ("duplicate_id", f"id {item.id!r} already used by an earlier record "
                                                             f"(input position {seen_ids[item.id]})", item.line)
                    _append_blank(state)
                    continue
                seen_ids[item.id] = item.index
                state.labels.append(ex.label)
                state.groups.append(ex.group)
                state.completion_len.append(len(ex.completion))
                if self.filters:
                    failure = first_failure(ex, self.filters)
                    if failure is not None:
                        state.quality[item.index] = failure
                digest = example_hash(ex, cfg.normalise.casefold)
                first = state.first_of_hash.setdefault(digest, item.index)
                if first != item.index and cfg.exact_dedup.enabled:
                    state.duplicate_of[item.index] = first
                elif index is not None:
                    new_indices.append(item.index)
                    new_texts.append(example_key(ex, cfg.normalise.casefold))
            if index is not None:
                index.add(new_indices, new_texts)
            self.progress("scan", len(batch))
        return state

    def _texts_of(self, source: Source, wanted: set[int]) -> dict[int, str]:
        """Normalised texts of the wanted records (one more pass over the source)."""
        texts: dict[int, str] = {}
        if not wanted:
            return texts
        for batch in source.batches():
            for item in batch:
                if item.index in wanted and item.example is not None:
                    texts[item.index] = example_key(item.example, self.config.normalise.casefold)
        return texts

    # -- decisions ------------------------------------------------------------------------------------
    def _better(self, state: _State, a: int, b: int) -> int:
        """The record to keep of two duplicates under the configured rule (deterministic)."""
        cfg = self.config.keep
        if cfg.prefer_passing_quality:
            qa, qb = a in state.quality, b in state.quality
            if qa != qb:
                return b if qa else a
        if cfg.rule == "lowest_id":
            key_a, key_b = (state.ids[a], a), (state.ids[b], b)
            return a if key_a <= key_b else b
        if cfg.rule == "longest_completion":
            key_c, key_d = (-state.completion_len[a], a), (-state.completion_len[b], b)
            return a if key_c <= key_d else b
        return min(a, b)

    def run(self, source: Source) -> CurationOutcome:  # noqa: C901 - the stages read best in one place
        cfg = self.config
        near_cfg = cfg.near_dedup
        index = (NearDuplicateIndex(threshold=near_cfg.threshold, num_perm=near_cfg.num_perm, ngram=near_cfg.ngram,
                                    unit=near_cfg.unit, seed=near_cfg.seed, num_bands=near_cfg.num_bands)
                 if near_cfg.enabled else None)
        state = self._scan(source, index)
        n = len(state.ids)
        decisions: dict[int, Decision] = {}
        for i, (reason, message, line) in sorted(state.bad.items()):
            decisions[i] = Decision(state.ids[i], i, "input", "removed", reason,
                                    details={"line": line, "message": message})

        # exact duplicate groups: first index -> members
        exact_groups: dict[int, list[int]] = {}
        for dup, first in state.duplicate_of.items():
            exact_groups.setdefault(first, [first]).append(dup)
        exact_kept: dict[int, int] = {}  # first index -> kept member
        for first, members in exact_groups.items():
            kept = members[0]
            for m in members[1:]:
                kept = self._better(state, kept, m)
            exact_kept[first] = kept

        def representative(first: int) -> int:
            return exact_kept.get(first, first)

        # near-duplicate clusters over distinct contents (first indices)
        edges: list[tuple[int, int, float]] = []
        clusters: dict[int, list[int]] = {}
        if index is not None:
            texts = self._texts_of(source, index.members_needing_text())
            edges = index.verify(texts)
            clusters = connected_components(edges)
        cluster_of: dict[int, int] = {m: root for root, members in clusters.items() for m in members}
        best_similarity: dict[int, float] = {}
        for a, b, sim in edges:
            best_similarity[a] = max(best_similarity.get(a, 0.0), sim)
            best_similarity[b] = max(best_similarity.get(b, 0.0), sim)
        cluster_kept: dict[int, int] = {}
        for root, members in clusters.items():
            kept = representative(members[0])
            for m in members[1:]:
                kept = self._better(state, kept, representative(m))
            cluster_kept[root] = kept

        def cluster_name(root: int) -> str:
            return f"near-{state.ids[root]}"

        for first, members in exact_groups.items():
            kept = exact_kept[first]
            near_root = cluster_of.get(first)
            final = cluster_kept[near_root] if (near_root is not None and near_cfg.action == "drop") else kept
            for m in members:
                if m == kept:
                    continue
                details = {"group_size": len(members)}
                if final != kept:
                    details["exact_group_kept_id"] = state.ids[kept]  # type: ignore[assignment]
                decisions[m] = Decision(state.ids[m], m, "exact_dedup", "removed", "exact_duplicate",
                                        cluster_id=f"exact-{state.ids[first]}", kept_id=state.ids[final],
                                        details=details)
        if near_cfg.action == "drop":
            for root, members in clusters.items():
                kept = cluster_kept[root]
                for first in members:
                    rep = representative(first)
                    if rep == kept:
                        continue
                    decisions[rep] = Decision(
                        state.ids[rep], rep, "near_dedup", "removed", "near_duplicate", cluster_id=cluster_name(root),
                        kept_id=state.ids[kept],
                        details={"cluster_size": len(members), "max_jaccard": round(best_similarity.get(first, 0), 4),
                                 "threshold": near_cfg.threshold})

        # quality
        for i, (reason, details) in sorted(state.quality.items()):
            if i not in decisions:
                decisions[i] = Decision(state.ids[i], i, "quality", "removed", reason, details=details)

        survivors = [i for i in range(n) if i not in decisions]
        labels_before = Counter(state.labels[i] or "(none)" for i in range(n) if i not in state.bad)
        labels_after_filters = Counter(state.labels[i] or "(none)" for i in survivors)

        # balance
        balance_info: dict[str, Any] = {"enabled": cfg.balance.enabled}
        if cfg.balance.enabled:
            if cfg.fields.label_field is None:
                raise InputError("balance is enabled but fields.label_field is not set; name the label field in "
                                 "the curation config")
            survivors, removed, balance_info = self._balance(state, survivors)
            for i, details in removed.items():
                decisions[i] = Decision(state.ids[i], i, "balance", "removed", "balanced_out", details=details)
        labels_after_balance = Counter(state.labels[i] or "(none)" for i in survivors)

        # split
        near_groups = clusters if (near_cfg.enabled and near_cfg.action == "group") else {}
        assignment = self._split(state, survivors, near_groups, exact_kept)
        for i in survivors:
            decisions[i] = Decision(state.ids[i], i, "split", "assigned", split=assignment[i],
                                    cluster_id=cluster_name(cluster_of[_first_of(state, i)])
                                    if cluster_of.get(_first_of(state, i)) is not None else None)
        upsampled = self._upsample(state, [i for i in survivors if assignment[i] == "train"])

        ordered = [decisions[i] for i in range(n)]
        report = self._report(state, ordered, exact_groups, clusters, index, edges, labels_before,
                              labels_after_filters, labels_after_balance, balance_info, assignment, upsampled)
        return CurationOutcome(ordered, report, upsampled)

    # -- balance ----------------------------------------------------------------------------------------
    def _balance(self, state: _State, survivors: list[int]
                 ) -> tuple[list[int], dict[int, dict[str, Any]], dict[str, Any]]:
        cfg = self.config.balance
        by_label: dict[str, list[int]] = {}
        for i in survivors:
            by_label.setdefault(state.labels[i] or "(none)", []).append(i)
        quota: dict[str, int] = {label: len(members) for label, members in by_label.items()}
        if cfg.max_per_label is not None:
            quota = {label: min(q, cfg.max_per_label) for label, q in quota.items()}
        if cfg.target is not None:
            total = sum(cfg.target.values())
            shares = {label: share / total for label, share in cfg.target.items() if share > 0}
            present = {label: s for label, s in shares.items() if quota.get(label, 0) > 0}
            # with upsampling, a small label counts as up to max_upsample_factor times its size, so the
            # large labels are cut less (the train split's copies make up the difference)
            factor = cfg.max_upsample_factor if cfg.upsample else 1.0
            if present:
                scale = sum(present.values())
                size = min(quota[label] * factor / (s / scale) for label, s in present.items())
                for label, s in present.items():
                    quota[label] = min(quota[label], int(size * s / scale + 1e-9))
            for label, share in cfg.target.items():
                if share == 0 and label in quota:
                    quota[label] = 0
        kept: list[int] = []
        removed: dict[int, dict[str, Any]] = {}
        for label, members in by_label.items():
            ranked = sorted(members, key=lambda i: _rank(cfg.seed, state.ids[i]))
            keep = set(ranked[:quota[label]])
            for i in members:
                if i in keep:
                    kept.append(i)
                else:
                    removed[i] = {"label": label, "label_count": len(members), "label_quota": quota[label]}
        info = {"enabled": True, "quota": dict(sorted(quota.items())), "max_per_label": cfg.max_per_label,
                "target": cfg.target}
        return sorted(kept), removed, info

    def _upsample(self, state: _State, train: list[int]) -> dict[int, int]:
        cfg = self.config.balance
        if not (cfg.enabled and cfg.upsample and cfg.target):
            return {}
        by_label: dict[str, list[int]] = {}
        for i in train:
            by_label.setdefault(state.labels[i] or "(none)", []).append(i)
        total = sum(cfg.target.values())
        shares = {label: share / total for label, share in cfg.target.items() if share > 0 and label in by_label}
        if not shares:
            return {}
        # the train size at which the best-represented label meets its share
        size = max(len(by_label[label]) / s for label, s in shares.items())
        extra: dict[int, int] = {}
        for label, s in shares.items():
            members = sorted(by_label[label], key=lambda i: _rank(cfg.seed, state.ids[i]))
            want = min(int(size * s + 1e-9), int(len(members) * cfg.max_upsample_factor))
            for k in range(max(0, want - len(members))):
                extra[members[k % len(members)]] = extra.get(members[k % len(members)], 0) + 1
        return extra

    # -- split ------------------------------------------------------------------------------------------
    def _split(self, state: _State, survivors: list[int], near_groups: dict[int, list[int]],
               exact_kept: dict[int, int]) -> dict[int, str]:
        cfg = self.config.split
        alive = set(survivors)
        parent: dict[int, int] = {i: i for i in survivors}

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        def union(a: int, b: int) -> None:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)

        by_group: dict[str, int] = {}
        for i in survivors:
            key = state.groups[i]
            if key is not None:
                if key in by_group:
                    union(by_group[key], i)
                else:
                    by_group[key] = i
        for members in near_groups.values():
            reps = [exact_kept.get(m, m) for m in members]
            reps = [r for r in reps if r in alive]
            for r in reps[1:]:
                union(reps[0], r)
        # exact duplicates that survive (exact dedup disabled) share content: one unit
        for dup, first in state.duplicate_of.items():
            if dup in alive and first in alive:
                union(first, dup)

        units: dict[int, list[int]] = {}
        for i in survivors:
            units.setdefault(find(i), []).append(i)
        strata: dict[str, list[list[int]]] = {}
        for members in units.values():
            if cfg.stratify and self.config.fields.label_field is not None:
                counts = Counter(state.labels[i] or "(none)" for i in members)
                label = min(counts, key=lambda lab: (-counts[lab], lab))
            else:
                label = "(all)"
            strata.setdefault(label, []).append(members)
        ratios = {"train": cfg.train, "validation": cfg.validation, "test": cfg.test}
        assignment: dict[int, str] = {}
        for label in sorted(strata):
            unit_list = sorted(strata[label], key=lambda ms: _rank(cfg.seed, min(state.ids[i] for i in ms)))
            size = sum(len(ms) for ms in unit_list)
            filled = dict.fromkeys(SPLITS, 0)
            for members in unit_list:
                # the split furthest below its target share takes the next unit
                split = max(SPLITS, key=lambda s: (ratios[s] * size - filled[s], ratios[s], -SPLITS.index(s)))
                filled[split] += len(members)
                for i in members:
                    assignment[i] = split
        return assignment

    # -- report -----------------------------------------------------------------------------------------
    def _report(self, state: _State, decisions: list[Decision], exact_groups: dict[int, list[int]],
                clusters: dict[int, list[int]], index: NearDuplicateIndex | None,
                edges: list[tuple[int, int, float]], labels_before: Counter[str], labels_after_filters: Counter[str],
                labels_after_balance: Counter[str], balance_info: dict[str, Any], assignment: dict[int, str],
                upsampled: dict[int, int]) -> dict[str, Any]:
        n = len(state.ids)
        removed = Counter((d.stage, d.reason) for d in decisions if d.outcome == "removed")
        split_sizes = Counter(assignment.values())
        removed_total = sum(removed.values())
        stages = []
        remaining = n
        for stage in ("input", "exact_dedup", "near_dedup", "quality", "balance"):
            by_reason = {reason: c for (st, reason), c in sorted(removed.items(), key=lambda kv: str(kv[0]))
                         if st == stage}
            gone = sum(by_reason.values())
            stages.append({"stage": stage, "in": remaining, "removed": gone, "out": remaining - gone,
                           "reasons": by_reason})
            remaining -= gone
        per_split_labels = {s: dict(sorted(Counter(state.labels[i] or "(none)" for i, sp in assignment.items()
                                                   if sp == s).items())) for s in SPLITS}
        cfg = self.config
        return {
            "counts": {
                "input": n,
                "train": split_sizes.get("train", 0),
                "validation": split_sizes.get("validation", 0),
                "test": split_sizes.get("test", 0),
                "removed": removed_total,
                "conserved": n == sum(split_sizes.values()) + removed_total,
                "upsampled_train_copies": sum(upsampled.values()),
            },
            "stages": stages,
            "dedup": {
                "exact_groups": len(exact_groups),
                "exact_group_sizes": _size_histogram(len(m) for m in exact_groups.values()),
                "near_enabled": cfg.near_dedup.enabled,
                "near_action": cfg.near_dedup.action,
                "lsh_bands": index.num_bands if index is not None else None,
                "candidate_pairs": len(index.candidate_pairs) if index is not None else 0,
                "verified_pairs": len(edges),
                "near_clusters": len(clusters),
                "near_cluster_sizes": _size_histogram(len(m) for m in clusters.values()),
            },
            "labels": {
                "field": cfg.fields.label_field,
                "before": dict(sorted(labels_before.items())),
                "after_filters": dict(sorted(labels_after_filters.items())),
                "after_balance": dict(sorted(labels_after_balance.items())),
                "per_split": per_split_labels,
                "balance": balance_info,
            },
            "splits": {s: split_sizes.get(s, 0) for s in SPLITS},
        }


def _first_of(state: _State, i: int) -> int:
    return state.duplicate_of.get(i, i)


def _append_blank(state: _State) -> None:
    state.labels.append(None)
    state.groups.append(None)
    state.completion_len.append(0)


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
                               seed=near.seed + 1)
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
