"""The cap on synthetic records (`meta.synthetic`, written by `gdprep synth`) per split, after the split.

By default validation and test hold none: model selection and evaluation measure the model on real data. A
synthetic record over a cap is moved to train when it can go alone (it shares no group key, near-duplicate
cluster or content with another record) and train's own cap allows it; otherwise it is removed with the
reason `synthetic_over_cap`. Which records stay under a cap is seeded, not input order. Shares count the
records as written: a record that label balancing repeats (`balance.upsample`) counts once per copy, on both
sides of the share."""

from __future__ import annotations

import math
from collections import Counter

from gdprep.curation.events import SPLITS, Decision
from gdprep.curation.steps import Context, Step, rank


def allowed_synthetic(real: int, share: float) -> float:
    """Most synthetic records a split of `real` real records may hold for synthetic/(real+synthetic) <= share."""
    if share >= 1.0:
        return math.inf
    return math.floor(share * real / (1.0 - share) + 1e-9)


class SyntheticShareStep(Step):
    """Hold each split's synthetic records to `synthetic.max_share`: move to train or remove, with a reason."""

    name = "synthetic"
    reasons = ("synthetic_over_cap",)

    def run(self, ctx: Context) -> None:
        cfg = ctx.config.synthetic
        synthetic = {i for i in ctx.synthetic if i in ctx.assignment}
        real: Counter[str] = Counter()
        for i, split in ctx.assignment.items():
            if i not in synthetic:
                real[split] += self._copies(ctx, i)
        before = Counter(ctx.assignment[i] for i in synthetic)
        moved: Counter[str] = Counter()
        for split in ("validation", "test", "train"):
            members = sorted((i for i in synthetic if ctx.assignment.get(i) == split),
                             key=lambda i: rank(cfg.seed, ctx.ids[i]))
            cap, used = allowed_synthetic(real[split], cfg.max_share[split]), 0
            for i in members:
                if used + self._copies(ctx, i) <= cap:
                    used += self._copies(ctx, i)
                    continue
                if split != "train" and cfg.over_cap == "move_to_train" and not self._bound(ctx, i):
                    self._move(ctx, i, split)
                    moved[split] += 1
                else:
                    self._drop(ctx, i, split, cfg.max_share[split], real[split], len(members))
        after = Counter(split for i, split in ctx.assignment.items() if i in synthetic)
        ctx.synthetic_info = {
            "records": len(ctx.synthetic), "max_share": dict(cfg.max_share), "over_cap": cfg.over_cap,
            "per_split_before_cap": {s: before.get(s, 0) for s in SPLITS},
            "per_split": {s: after.get(s, 0) for s in SPLITS},
            "moved_to_train": {s: moved.get(s, 0) for s in ("validation", "test")},
            "removed": sum(1 for i in synthetic if i not in ctx.assignment),
        }

    @staticmethod
    def _copies(ctx: Context, i: int) -> int:
        """How many times record `i` is written: once, and once more per copy balancing added."""
        return 1 + ctx.upsampled.get(i, 0)

    @staticmethod
    def _bound(ctx: Context, i: int) -> bool:
        """Whether the record shares its split unit with another record (moving it alone would split the unit)."""
        first = ctx.first_of(i)
        return (ctx.groups[i] is not None or first in ctx.exact_groups or i in ctx.duplicate_of
                or (ctx.config.near_dedup.action == "group" and first in ctx.cluster_of))

    @staticmethod
    def _move(ctx: Context, i: int, split: str) -> None:
        old = ctx.decisions[i]
        ctx.assignment[i] = "train"
        ctx.decisions[i] = Decision(old.id, i, SyntheticShareStep.name, "assigned", split="train",
                                    cluster_id=old.cluster_id, details={"moved_from": split})

    def _drop(self, ctx: Context, i: int, split: str, share: float, real: int, synthetic: int) -> None:
        del ctx.assignment[i]
        ctx.upsampled.pop(i, None)
        ctx.remove(i, self.name, "synthetic_over_cap",
                   details={"split": split, "max_share": share, "real_in_split": real,
                            "synthetic_in_split": synthetic})
