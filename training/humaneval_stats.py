"""The statistics of a blind human evaluation: the candidate's preference rate with a Wilson 95% interval, and
the agreement between reviewers who rated the same items (Cohen's kappa for two, Fleiss' kappa for more, and
the raw agreement beside either).

A verdict is what one reviewer said about one item, seen from the candidate's side: `candidate` (it won),
`baseline` (it lost) or `tie`. The preference rate counts a tie as half a win: (wins + ties / 2) / rated.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

VERDICTS: Final = ("candidate", "baseline", "tie")
#: the two-sided 95% normal quantile
Z95: Final = 1.959963984540054
RATE_CONVENTION: Final = "(wins + ties / 2) / rated"
CI_METHOD: Final = "Wilson score interval, 95%, with ties counted as half a win"


def wilson_interval(successes: float, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion `successes / n`; (0.0, 1.0) when nothing was rated.
    `successes` may be fractional (a tie counts half)."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # at p = 0 or 1 the bound is exactly 0 or 1; rounding would leave it a hair inside
    return (0.0 if p <= 0 else max(0.0, centre - half)), (1.0 if p >= 1 else min(1.0, centre + half))


def preference(verdicts: Iterable[str]) -> dict[str, Any]:
    """Counts, the preference rate and its Wilson 95% interval for a list of verdicts (rate None when none)."""
    counts = Counter(verdicts)
    unknown = set(counts) - set(VERDICTS)
    if unknown:
        raise ValueError(f"unknown verdicts {sorted(unknown)}; use {', '.join(VERDICTS)}")
    wins, losses, ties = counts["candidate"], counts["baseline"], counts["tie"]
    rated = wins + losses + ties
    score = wins + ties / 2
    low, high = wilson_interval(score, rated)
    return {"rated": rated, "wins": wins, "losses": losses, "ties": ties,
            "rate": score / rated if rated else None,
            "ci_low": low if rated else None, "ci_high": high if rated else None}


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters over the items both rated ((first's verdict, second's) per item); None when
    there are no items or chance agreement is already perfect (every verdict the same)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in VERDICTS) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1 - expected)


def fleiss_kappa(items: Sequence[Sequence[str]]) -> float | None:
    """Fleiss' kappa over items rated by two or more reviewers. With different numbers of ratings per item,
    each item's agreement is computed on its own ratings and averaged, and the category shares are taken over
    all ratings (the usual generalisation; with equal numbers it is Fleiss' 1971 statistic). None when no item
    has two ratings or chance agreement is already perfect."""
    rated = [list(r) for r in items if len(r) >= 2]
    if not rated:
        return None
    observed = raw_agreement(rated)
    assert observed is not None
    totals = Counter(v for r in rated for v in r)
    n_ratings = sum(totals.values())
    expected = sum((totals[c] / n_ratings) ** 2 for c in VERDICTS)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1 - expected)


def raw_agreement(items: Sequence[Sequence[str]]) -> float | None:
    """The share of agreeing reviewer pairs, per item, averaged over items rated by two or more reviewers."""
    shares = []
    for ratings in items:
        k = len(ratings)
        if k < 2:
            continue
        agreeing = sum(c * (c - 1) for c in Counter(ratings).values())
        shares.append(agreeing / (k * (k - 1)))
    return sum(shares) / len(shares) if shares else None


def agreement(by_item: Mapping[int, Mapping[str, str]]) -> dict[str, Any]:
    """Agreement between reviewers over the items two or more of them rated (`by_item`: item -> reviewer ->
    verdict). Two reviewers in all: Cohen's kappa; three or more: Fleiss' kappa; raw agreement with either."""
    shared = {item: ratings for item, ratings in by_item.items() if len(ratings) >= 2}
    reviewers = sorted({r for ratings in shared.values() for r in ratings})
    out: dict[str, Any] = {"items_rated_by_two_or_more": len(shared), "reviewers": reviewers, "statistic": None,
                           "kappa": None, "raw_agreement": raw_agreement([list(r.values()) for r in shared.values()])}
    if len(reviewers) == 2:
        first, second = reviewers
        out["statistic"] = "cohen_kappa"
        out["kappa"] = cohen_kappa([(r[first], r[second]) for r in shared.values()])
    elif len(reviewers) > 2:
        out["statistic"] = "fleiss_kappa"
        out["kappa"] = fleiss_kappa([list(r.values()) for r in shared.values()])
    return out


def summarise(by_item: Mapping[int, Mapping[str, str]]) -> dict[str, Any]:
    """The whole statistical part of a report: overall (every rating counts once), per reviewer, agreement."""
    reviewers = sorted({r for ratings in by_item.values() for r in ratings})
    return {
        "convention": RATE_CONVENTION, "ci_method": CI_METHOD,
        "overall": preference(v for ratings in by_item.values() for v in ratings.values()),
        "per_reviewer": {r: preference(ratings[r] for ratings in by_item.values() if r in ratings)
                         for r in reviewers},
        "agreement": agreement(by_item),
    }
