"""The curation stages as small step classes. Each has one hook, `run(ctx)`, a stage name and the
reason codes it may record; they share a `Context` holding compact per-record state (ids, 16-byte
content hashes, labels, group keys, completion lengths) and the decisions made so far. Steps that need
text read the source again (only the records they need), so no step holds the dataset's texts.

Order (`STEPS`): normalise -> exact dedup -> near dedup -> preference -> quality -> balance -> split.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from gdprep.curation.config import CurationConfig, NearDedupConfig
from gdprep.curation.events import SPLITS, Decision
from gdprep.curation.neardup import NearDuplicateIndex, connected_components
from gdprep.curation.normalise import example_hash, example_key, prompt_hash
from gdprep.curation.preference import PREFERENCE_REASONS, build_preference_filters
from gdprep.curation.quality import QUALITY_REASONS, QualityFilter, build_filters, first_failure, prepare_batch
from gdprep.curation.sources import Item
from gdprep.errors import InputError
from gdprep.ray_cluster import RaySession
from gdprep.synthetic import synthetic_marker

Failure = tuple[str, dict[str, Any]]


class Source(Protocol):
    format: str

    def batches(self) -> Iterator[list[Item]]: ...


def rank(seed: int, record_id: str) -> bytes:
    """A seeded ordering key that does not depend on input order."""
    return hashlib.sha256(f"{seed}\x1f{record_id}".encode()).digest()


@dataclass(slots=True)
class Context:
    """What the steps share. Per-record lists are indexed by input position."""

    config: CurationConfig
    source: Source
    filters: list[QualityFilter]
    progress: Callable[[str, int], None]
    ids: list[str] = field(default_factory=list)
    labels: list[str | None] = field(default_factory=list)
    groups: list[str | None] = field(default_factory=list)
    completion_len: array = field(default_factory=lambda: array("q"))  # type: ignore[type-arg]
    hashes: dict[int, bytes] = field(default_factory=dict)
    prompts: dict[int, bytes] = field(default_factory=dict)  # preference pairs: 16-byte hash of the prompt
    decisions: dict[int, Decision] = field(default_factory=dict)
    quality: dict[int, Failure | None] = field(default_factory=dict)  # verdicts computed so far
    exact_groups: dict[int, list[int]] = field(default_factory=dict)  # first index -> members
    exact_kept: dict[int, int] = field(default_factory=dict)          # first index -> kept member
    duplicate_of: dict[int, int] = field(default_factory=dict)        # member -> first index
    clusters: dict[int, list[int]] = field(default_factory=dict)      # near clusters over first indices
    cluster_of: dict[int, int] = field(default_factory=dict)
    near_index: NearDuplicateIndex | None = None
    near_bands: int | None = None   # the LSH bands used, and the candidate pairs they gave (for the report)
    near_candidates: int = 0
    ray: RaySession | None = None   # the `ray` engine's session; None: this process does the work
    near_edges: list[tuple[int, int, float]] = field(default_factory=list)
    assignment: dict[int, str] = field(default_factory=dict)
    upsampled: dict[int, int] = field(default_factory=dict)
    balance_info: dict[str, Any] = field(default_factory=dict)
    label_counts: dict[str, Counter[str]] = field(default_factory=dict)
    synthetic: set[int] = field(default_factory=set)   # records marked meta.synthetic (`gdprep synth`)
    synthetic_info: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.ids)

    def alive(self) -> list[int]:
        """Records no step has removed yet, in input order."""
        return [i for i in range(self.n) if i not in self.decisions]

    def remove(self, index: int, stage: str, reason: str, *, cluster_id: str | None = None,
               kept_id: str | None = None, details: dict[str, Any] | None = None) -> None:
        self.decisions[index] = Decision(self.ids[index], index, stage, "removed", reason, cluster_id=cluster_id,
                                         kept_id=kept_id, details=details or {})

    def texts(self, wanted: set[int]) -> dict[int, str]:
        """Normalised texts of the wanted records (one pass over the source)."""
        found: dict[int, str] = {}
        if wanted:
            for batch in self.source.batches():
                for item in batch:
                    if item.index in wanted and item.example is not None:
                        found[item.index] = example_key(item.example, self.config.normalise.casefold)
        return found

    def quality_of(self, wanted: Sequence[int]) -> dict[int, Failure | None]:
        """Quality verdicts of the wanted records, computed once (one pass for those not yet known)."""
        missing = {i for i in wanted if i not in self.quality}
        if missing and self.filters:
            for batch in self.source.batches():
                examples = [item.example for item in batch if item.index in missing and item.example is not None]
                prepare_batch(self.filters, examples)  # language detection for the batch, on every core
                for example in examples:
                    self.quality[example.index] = first_failure(example, self.filters)
                self.progress("quality", len(examples))
        for i in missing:
            self.quality.setdefault(i, None)
        return {i: self.quality[i] for i in wanted}

    def better(self, a: int, b: int) -> int:
        """The duplicate to keep of two, under the configured rule (deterministic)."""
        keep = self.config.keep
        if keep.prefer_passing_quality and self.filters:
            verdicts = self.quality_of([a, b])
            fail_a, fail_b = verdicts[a] is not None, verdicts[b] is not None
            if fail_a != fail_b:
                return b if fail_a else a
        if keep.rule == "lowest_id":
            return a if (self.ids[a], a) <= (self.ids[b], b) else b
        if keep.rule == "longest_completion":
            return a if (-self.completion_len[a], a) <= (-self.completion_len[b], b) else b
        return min(a, b)

    def first_of(self, i: int) -> int:
        return self.duplicate_of.get(i, i)

    def cluster_name(self, root: int) -> str:
        return f"near-{self.ids[root]}"


class Step(ABC):
    """One curation stage: `run` reads and updates the context; removals use `reasons` only."""

    name: ClassVar[str]
    reasons: ClassVar[tuple[str, ...]]

    @abstractmethod
    def run(self, ctx: Context) -> None: ...


class NormaliseStep(Step):
    """Read every record once: ids, labels, group keys and the content hash of the normalised training
    text (NFKC, whitespace, case-fold; comparison only). Unusable records and repeated ids are removed
    here, under stage "input"."""

    name = "input"
    reasons = ("duplicate_id", "bad_record")  # plus the reader's own codes (bad_json, missing_text, ...)

    def run(self, ctx: Context) -> None:
        seen: dict[str, int] = {}
        casefold = ctx.config.normalise.casefold
        for batch in ctx.source.batches():
            # the quality verdicts are computed in this same pass (the keep rules of the dedup steps ask
            # for them too): one read of the input instead of three
            examples = [item.example for item in batch if item.example is not None]
            if ctx.filters:
                prepare_batch(ctx.filters, examples)
            for item in batch:
                ctx.ids.append(item.id)
                ex = item.example
                problem = item.problem
                if ex is not None and item.id in seen:
                    problem = ("duplicate_id", f"id {item.id!r} already used by an earlier record "
                                               f"(input position {seen[item.id]})")
                if ex is None or problem is not None:
                    reason, message = problem or ("bad_record", "unusable record")
                    ctx.labels.append(None)
                    ctx.groups.append(None)
                    ctx.completion_len.append(0)
                    ctx.remove(item.index, self.name, reason, details={"line": item.line, "message": message})
                    continue
                seen[item.id] = item.index
                ctx.labels.append(ex.label)
                ctx.groups.append(ex.group)
                ctx.completion_len.append(len(ex.completion))
                ctx.hashes[item.index] = example_hash(ex, casefold)
                if synthetic_marker(item.data) is not None:
                    ctx.synthetic.add(item.index)
                if ex.kind == "preference":
                    ctx.prompts[item.index] = prompt_hash(ex, casefold)
                if ctx.filters:
                    ctx.quality[item.index] = first_failure(ex, ctx.filters)
            ctx.progress("scan", len(batch))
        ctx.label_counts["before"] = Counter(ctx.labels[i] or "(none)" for i in ctx.alive())


class ExactDedupStep(Step):
    """Equal content hashes form a group; the keep rule picks one, the rest are `exact_duplicate`."""

    name = "exact_dedup"
    reasons = ("exact_duplicate",)

    def run(self, ctx: Context) -> None:
        first_of_hash: dict[bytes, int] = {}
        for i in ctx.alive():
            first = first_of_hash.setdefault(ctx.hashes[i], i)
            if first != i:
                ctx.duplicate_of[i] = first
                ctx.exact_groups.setdefault(first, [first]).append(i)
        ctx.hashes.clear()  # not needed any more
        if not ctx.config.exact_dedup.enabled:
            return
        if ctx.config.keep.prefer_passing_quality:  # one pass for every member's verdict, not one per pair
            ctx.quality_of([m for members in ctx.exact_groups.values() for m in members])
        for first, members in ctx.exact_groups.items():
            kept = members[0]
            for m in members[1:]:
                kept = ctx.better(kept, m)
            ctx.exact_kept[first] = kept
        # removals are recorded after near dedup, which may move the kept id to another cluster member
        for first, members in ctx.exact_groups.items():
            kept = ctx.exact_kept[first]
            for m in members:
                if m != kept:
                    ctx.remove(m, self.name, "exact_duplicate", cluster_id=f"exact-{ctx.ids[first]}",
                               kept_id=ctx.ids[kept], details={"group_size": len(members)})


class NearDedupStep(Step):
    """MinHash LSH over the distinct contents left, candidates verified by their real Jaccard; clusters
    are connected components. `action: drop` keeps one record per cluster (`near_duplicate`); `group`
    keeps them all for the split to hold together."""

    name = "near_dedup"
    reasons = ("near_duplicate",)

    def run(self, ctx: Context) -> None:
        cfg = ctx.config.near_dedup
        if not cfg.enabled:
            return
        # one record per distinct content: the group's first member stands for it
        wanted = {i for i in ctx.alive() if i not in ctx.duplicate_of}
        if ctx.ray is not None:
            from gdprep.curation.distributed import ray_near_duplicates

            found = ray_near_duplicates(ctx.ray, self._texts(ctx, wanted), self.params(cfg))
            ctx.near_bands, ctx.near_candidates = found.num_bands, len(found.candidate_pairs)
            ctx.near_edges, ctx.clusters = found.edges, found.clusters
        else:
            index = NearDuplicateIndex(**self.params(cfg), index=cfg.index)
            for indices, texts in self._texts(ctx, wanted):
                index.add(indices, texts)
            ctx.near_edges = index.verify(ctx.texts(index.members_needing_text()))
            ctx.near_bands, ctx.near_candidates = index.num_bands, len(index.candidate_pairs)
            index.release()
            ctx.near_index = index
            ctx.clusters = connected_components(ctx.near_edges)
        ctx.cluster_of = {m: root for root, members in ctx.clusters.items() for m in members}
        if cfg.action != "drop":
            return
        best: dict[int, float] = {}
        for a, b, sim in ctx.near_edges:
            best[a] = max(best.get(a, 0.0), sim)
            best[b] = max(best.get(b, 0.0), sim)

        def representative(first: int) -> int:
            return ctx.exact_kept.get(first, first)

        if ctx.config.keep.prefer_passing_quality:
            ctx.quality_of([representative(m) for members in ctx.clusters.values() for m in members])
        for root, members in ctx.clusters.items():
            kept = representative(members[0])
            for m in members[1:]:
                kept = ctx.better(kept, representative(m))
            for first in members:
                # with exact dedup off, every copy of a content is still alive and goes the same way
                copies = [representative(first)] + [m for m in ctx.exact_groups.get(first, ())
                                                    if m not in ctx.decisions and m != representative(first)]
                for rep in copies:
                    if rep != kept:
                        ctx.remove(rep, self.name, "near_duplicate", cluster_id=ctx.cluster_name(root),
                                   kept_id=ctx.ids[kept], details={"cluster_size": len(members),
                                                                   "max_jaccard": round(best.get(first, 0.0), 4),
                                                                   "threshold": cfg.threshold})
            # exact duplicates of a dropped member point at the record that represents their content now
            for first in members:
                for m in ctx.exact_groups.get(first, ()):
                    old = ctx.decisions.get(m)
                    if old is not None and old.reason == "exact_duplicate" and old.kept_id != ctx.ids[kept]:
                        details = {**old.details, "exact_group_kept_id": old.kept_id}
                        ctx.remove(m, ExactDedupStep.name, "exact_duplicate", cluster_id=old.cluster_id,
                                   kept_id=ctx.ids[kept], details=details)


    @staticmethod
    def params(cfg: NearDedupConfig) -> dict[str, Any]:
        return {"threshold": cfg.threshold, "num_perm": cfg.num_perm, "ngram": cfg.ngram, "unit": cfg.unit,
                "seed": cfg.seed, "num_bands": cfg.num_bands}

    @staticmethod
    def _texts(ctx: Context, wanted: set[int]) -> Iterator[tuple[list[int], list[str]]]:
        """(input indices, normalised texts) of the wanted records, a batch at a time."""
        for batch in ctx.source.batches():
            indices, texts = [], []
            for item in batch:
                if item.index in wanted and item.example is not None:
                    indices.append(item.index)
                    texts.append(example_key(item.example, ctx.config.normalise.casefold))
            yield indices, texts
            ctx.progress("near_dedup", len(batch))


class PreferenceStep(Step):
    """The preference-pair filters (see `gdprep.curation.preference`), on the records still alive: their
    verdicts come with the quality filters' (one pass), and are filed under this stage."""

    name = "preference"
    reasons = PREFERENCE_REASONS

    def run(self, ctx: Context) -> None:
        if not ctx.prompts or not ctx.filters:
            return
        for i, failure in ctx.quality_of([i for i in ctx.alive() if i in ctx.prompts]).items():
            if failure is not None and failure[0] in PREFERENCE_REASONS:
                ctx.remove(i, self.name, failure[0], details=failure[1])


class QualityStep(Step):
    """The quality filters (see `gdprep.curation.quality`), on the records still alive."""

    name = "quality"
    reasons = QUALITY_REASONS

    def run(self, ctx: Context) -> None:
        if not ctx.filters:
            return
        alive = ctx.alive()
        for i, failure in ctx.quality_of(alive).items():
            if failure is not None:
                reason, details = failure
                ctx.remove(i, self.name, reason, details=details)
        ctx.label_counts["after_filters"] = Counter(ctx.labels[i] or "(none)" for i in ctx.alive())


class BalanceStep(Step):
    """Per-label caps or target shares: seeded downsampling (`balanced_out`); optional upsampling of
    the train split by repetition, up to `max_upsample_factor` (applied after the split)."""

    name = "balance"
    reasons = ("balanced_out",)

    def run(self, ctx: Context) -> None:
        cfg = ctx.config.balance
        ctx.label_counts.setdefault("after_filters", Counter(ctx.labels[i] or "(none)" for i in ctx.alive()))
        ctx.balance_info = {"enabled": cfg.enabled}
        if not cfg.enabled:
            return
        if ctx.config.fields.label_field is None:
            raise InputError("balance is enabled but fields.label_field is not set; name the label field in the "
                             "curation config")
        by_label: dict[str, list[int]] = {}
        for i in ctx.alive():
            by_label.setdefault(ctx.labels[i] or "(none)", []).append(i)
        quota = {label: len(members) for label, members in by_label.items()}
        if cfg.max_per_label is not None:
            quota = {label: min(q, cfg.max_per_label) for label, q in quota.items()}
        if cfg.target is not None:
            total = sum(cfg.target.values())
            shares = {label: share / total for label, share in cfg.target.items() if share > 0}
            present = {label: s for label, s in shares.items() if quota.get(label, 0) > 0}
            # with upsampling a small label counts as up to max_upsample_factor times its size, so large
            # labels are cut less (the train split's copies make up the difference)
            factor = cfg.max_upsample_factor if cfg.upsample else 1.0
            if present:
                scale = sum(present.values())
                size = min(quota[label] * factor / (s / scale) for label, s in present.items())
                for label, s in present.items():
                    quota[label] = min(quota[label], int(size * s / scale + 1e-9))
            for label, share in cfg.target.items():
                if share == 0 and label in quota:
                    quota[label] = 0
        for label, members in by_label.items():
            keep = set(sorted(members, key=lambda i: rank(cfg.seed, ctx.ids[i]))[:quota[label]])
            for i in members:
                if i not in keep:
                    ctx.remove(i, self.name, "balanced_out", details={"label": label, "label_count": len(members),
                                                                      "label_quota": quota[label]})
        ctx.balance_info = {"enabled": True, "quota": dict(sorted(quota.items())), "max_per_label": cfg.max_per_label,
                            "target": cfg.target}


class SplitStep(Step):
    """Group-aware, stratified, deterministic split. Units are records joined by a shared group key, a
    near-duplicate cluster (with `action: group`) or equal content; each unit goes whole to the split
    furthest below its target share within the unit's label."""

    name = "split"
    reasons = ()

    def run(self, ctx: Context) -> None:
        cfg = ctx.config.split
        survivors = ctx.alive()
        ctx.label_counts["after_balance"] = Counter(ctx.labels[i] or "(none)" for i in survivors)
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
        by_prompt: dict[bytes, int] = {}  # preference pairs with one prompt: one unit, so no prompt is in two splits
        for i in survivors:
            key = ctx.groups[i]
            if key is not None:
                union(by_group.setdefault(key, i), i)
            prompt = ctx.prompts.get(i)
            if prompt is not None:
                union(by_prompt.setdefault(prompt, i), i)
        if ctx.config.near_dedup.action == "group":
            for members in ctx.clusters.values():
                reps = [r for m in members for r in [ctx.exact_kept.get(m, m)] if r in alive]
                for r in reps[1:]:
                    union(reps[0], r)
        for dup, first in ctx.duplicate_of.items():  # equal content that survived (exact dedup off)
            if dup in alive and first in alive:
                union(first, dup)

        units: dict[int, list[int]] = {}
        for i in survivors:
            units.setdefault(find(i), []).append(i)
        strata: dict[str, list[list[int]]] = {}
        stratify = cfg.stratify and ctx.config.fields.label_field is not None
        for members in units.values():
            if stratify:
                counts = Counter(ctx.labels[i] or "(none)" for i in members)
                label = min(counts, key=lambda lab: (-counts[lab], lab))
            else:
                label = "(all)"
            strata.setdefault(label, []).append(members)
        ratios = {"train": cfg.train, "validation": cfg.validation, "test": cfg.test}
        for label in sorted(strata):
            unit_list = sorted(strata[label], key=lambda ms: rank(cfg.seed, min(ctx.ids[i] for i in ms)))
            size = sum(len(ms) for ms in unit_list)
            filled = dict.fromkeys(SPLITS, 0)
            for members in unit_list:
                split = max(SPLITS, key=lambda s: (ratios[s] * size - filled[s], ratios[s], -SPLITS.index(s)))
                filled[split] += len(members)
                for i in members:
                    ctx.assignment[i] = split
        for i in survivors:
            root = ctx.cluster_of.get(ctx.first_of(i))
            ctx.decisions[i] = Decision(ctx.ids[i], i, self.name, "assigned", split=ctx.assignment[i],
                                        cluster_id=ctx.cluster_name(root) if root is not None else None)
        ctx.upsampled = _upsample(ctx, [i for i in survivors if ctx.assignment[i] == "train"])


def _upsample(ctx: Context, train: list[int]) -> dict[int, int]:
    cfg = ctx.config.balance
    if not (cfg.enabled and cfg.upsample and cfg.target):
        return {}
    by_label: dict[str, list[int]] = {}
    for i in train:
        by_label.setdefault(ctx.labels[i] or "(none)", []).append(i)
    total = sum(cfg.target.values())
    shares = {label: share / total for label, share in cfg.target.items() if share > 0 and label in by_label}
    if not shares:
        return {}
    size = max(len(by_label[label]) / s for label, s in shares.items())  # the best-represented label sets it
    extra: dict[int, int] = {}
    for label, s in shares.items():
        members = sorted(by_label[label], key=lambda i: rank(cfg.seed, ctx.ids[i]))
        want = min(int(size * s + 1e-9), int(len(members) * cfg.max_upsample_factor))
        for k in range(max(0, want - len(members))):
            extra[members[k % len(members)]] = extra.get(members[k % len(members)], 0) + 1
    return extra


STEPS: tuple[type[Step], ...] = (NormaliseStep, ExactDedupStep, NearDedupStep, PreferenceStep, QualityStep,
                                 BalanceStep, SplitStep)


def make_context(config: CurationConfig, source: Source, languages: Sequence[str],
                 progress: Callable[[str, int], None] | None = None) -> Context:
    # the preference filters come first: a pair with an empty answer is an empty_answer, not an empty_field
    filters = build_preference_filters(config.preference, config.normalise.casefold)
    filters += build_filters(config.quality, list(languages)) if config.quality.enabled else []
    return Context(config, source, filters, progress or (lambda stage, n: None))
