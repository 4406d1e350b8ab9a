"""Whether the probes' statistical tests could have found a leak with the test split they had, and how many
test records would make them informative. A test without power reads as "no leak found" when it could not
have found one; the release gate calls such a verdict inconclusive instead of pass."""

from __future__ import annotations

import math
from typing import Any

from gdprep.policies.schema import ReleaseGate
from gdprep.training.probes import fisher_greater

#: the search for the test records an extraction test needs stops here (beyond, it is called unreachable)
MAX_SEARCH_RECORDS = 1_000_000


def mia_evidence(mia: dict[str, Any], gate: ReleaseGate, *, max_records: int | None) -> dict[str, Any]:
    """Whether the widest membership-inference AUC 95% CI is at most `gate.max_mia_ci_width`, and if not,
    how many non-members (test records) would narrow it enough.

    The AUC's standard error scales as sqrt(1/m + 1/n) for m members and n non-members (Hanley and McNeil
    1982), so the CI width w measured with (m, n) becomes w * sqrt((1/m + 1/n') / (1/m + 1/n)) with n'
    non-members. Solving for width <= t gives 1/n' <= (t/w)^2 (1/m + 1/n) - 1/m. When the right side is not
    positive, more test records alone cannot do it: the members are too few too, and with as many members
    as non-members N = 2 / ((t/w)^2 (1/m + 1/n)) of each would."""
    signal, stats = max(mia["signals"].items(), key=lambda kv: kv[1]["auc_ci"][1] - kv[1]["auc_ci"][0])
    low, high = stats["auc_ci"]
    width, target = high - low, gate.max_mia_ci_width
    out: dict[str, Any] = {"check": "mia_ci_width", "signal": signal, "ci_width": width, "max_ci_width": target,
                           "informative": width <= target, "needed_test_records": None, "needed_members": None}
    m, n = mia.get("members"), mia.get("non_members")
    if out["informative"]:
        out["explanation"] = (f"the widest membership-inference AUC 95% CI ({signal}) is {width:.3f} wide, within "
                              f"the policy limit {target:g}")
        return out
    if not m or not n or width <= 0:
        out["explanation"] = (f"the membership-inference AUC 95% CI ({signal}) is {width:.3f} wide, above the "
                              f"policy limit {target:g}; the member and non-member counts are not recorded, so no "
                              "estimate of the test records needed")
        return out
    scaled, theory = _scaled_need(width, target, m, n), _hanley_mcneil_need(float(stats["auc"]), target, m)
    alone = [x for x in (scaled[0], theory[0]) if x is not None]
    if len(alone) == 2:
        needed = max(alone)
        out["needed_test_records"] = needed
        how = (f"about {needed:,} test records (non-members) with the same {m:,} members")
    else:
        needed = max(scaled[1], theory[1])
        out["needed_test_records"] = out["needed_members"] = needed
        how = (f"about {needed:,} training and {needed:,} test records (more test records alone cannot narrow "
               f"it enough with {m:,} members)")
    how += ("; the estimate is the larger of the measured width scaled as sqrt(1/members + 1/non-members) and the "
            "Hanley-McNeil standard error at the measured AUC (the measured width of a small split is itself noisy)")
    if max_records is not None and needed > max_records:
        how += f", probed with --max-records of at least {needed:,} (now {max_records:,})"
    out["explanation"] = (f"the membership-inference AUC 95% CI ({signal}) is {width:.3f} wide with {n:,} test "
                          f"records, above the policy limit {target:g}: too wide to tell members from non-members; "
                          f"it needs {how}")
    return out


def _scaled_need(width: float, target: float, m: int, n: int) -> tuple[int | None, int]:
    """(non-members needed with m members, or None when more non-members alone cannot do it; members and
    non-members needed when both grow alike), from the measured width w scaled as sqrt(1/m + 1/n)."""
    spread = (target / width) ** 2 * (1 / m + 1 / n)
    room = spread - 1 / m
    return (math.ceil(1 / room) if room > 0 else None), math.ceil(2 / spread)


def _hanley_mcneil_need(area: float, target: float, m: int) -> tuple[int | None, int]:
    """The same two figures from the Hanley-McNeil (1982) variance of an AUC A with m members and n
    non-members, (A(1-A) + (m-1)(Q1-A^2) + (n-1)(Q2-A^2)) / (m n), Q1 = A/(2-A), Q2 = 2A^2/(1+A), and a 95%
    CI 2 x 1.96 standard errors wide."""
    area = min(max(area, 0.01), 0.99)
    q1, q2 = area / (2 - area) - area ** 2, 2 * area ** 2 / (1 + area) - area ** 2
    allowed = (target / (2 * 1.96)) ** 2
    fixed = area * (1 - area) + (m - 1) * q1 - q2
    room = allowed - q2 / m
    alone = math.ceil(fixed / (m * room)) if room > 0 and fixed > 0 else None
    return alone, math.ceil((q1 + q2) / allowed)


def smallest_p(train_eligible: int, test_extracted: int, test_eligible: int) -> float:
    """The smallest one-sided Fisher p-value any training outcome could give against this test outcome:
    every eligible training record extracted."""
    return fisher_greater(train_eligible, train_eligible, test_extracted, test_eligible)


def extraction_evidence(k: str, train: dict[str, Any], test: dict[str, Any], gate: ReleaseGate, *,
                        test_records: int | None) -> dict[str, Any]:
    """Whether the k-extractable comparison had power: it has none when even every training record extracted
    would give a one-sided Fisher p at or above `gate.extraction_alpha` (so no outcome could fail). If so, the
    eligible test records needed for that smallest p to fall below alpha at the test records' observed rate,
    found by search, and the test records that gives at the share of this split share of eligible records."""
    n_a, n_b, h_b = int(train["eligible"]), int(test.get("eligible") or 0), int(test.get("extracted") or 0)
    alpha = gate.extraction_alpha
    p_min = smallest_p(n_a, h_b, n_b) if n_b else 1.0
    out: dict[str, Any] = {"check": f"extraction_k{k}", "smallest_p": p_min, "alpha": alpha,
                           "informative": p_min < alpha, "needed_test_records": None}
    if out["informative"]:
        out["explanation"] = (f"{k}-extraction: with {n_a} training and {n_b} test records eligible, a leak could "
                              f"reach p={p_min:.2g} < {alpha:g}")
        return out
    rate = h_b / n_b if n_b else 0.0
    needed = _needed_eligible(n_a, rate, alpha, start=max(n_b, 1))
    head = (f"{k}-extraction: with {n_a} training and {n_b} test records eligible (test rate {rate:.3f}), even "
            f"every training record extracted gives one-sided Fisher p={p_min:.2g}, not below {alpha:g}, so the "
            "test could not fail")
    if needed is None:
        out["explanation"] = (head + f"; no number of test records makes it informative at this test rate with "
                              f"{n_a} eligible training records: more (and longer) training records are needed")
        return out
    share = n_b / test_records if test_records and n_b else 1.0
    out["needed_eligible_test_records"] = needed
    out["needed_test_records"] = math.ceil(needed / share)
    out["explanation"] = (head + f"; it needs about {needed:,} eligible test records (the smallest count whose "
                          f"smallest p falls below {alpha:g} at the observed test rate)"
                          + (f", about {out['needed_test_records']:,} test records at the share of this split "
                             f"{share:.0%} eligible" if share < 1 else ""))
    return out


def _needed_eligible(n_a: int, rate: float, alpha: float, *, start: int) -> int | None:
    """The smallest n >= start with smallest_p(n_a, round(rate * n), n) < alpha, or None when none up to
    MAX_SEARCH_RECORDS (doubling, then bisection: the smallest p falls as n grows at a fixed rate)."""
    def ok(n: int) -> bool:
        return smallest_p(n_a, round(rate * n), n) < alpha

    high = start
    while not ok(high):
        if high >= MAX_SEARCH_RECORDS:
            return None
        high = min(high * 2, MAX_SEARCH_RECORDS)
    low = max(start - 1, 0)
    while high - low > 1:
        mid = (low + high) // 2
        if ok(mid):
            high = mid
        else:
            low = mid
    return high


def evidence(results: dict[str, Any], gate: ReleaseGate) -> list[dict[str, Any]]:
    """The power of each statistical check the gate reads (membership inference, extraction per k)."""
    settings = results.get("settings") or {}
    max_records = settings.get("max_records")
    out: list[dict[str, Any]] = []
    mia = results.get("membership_inference")
    if mia and mia.get("signals") and gate.mia_auc_ci_must_include_half:
        out.append(mia_evidence(mia, gate, max_records=max_records))
    test_records = (mia or {}).get("non_members")
    for k, train in results["extraction"]["train"].items():
        if train.get("eligible"):
            out.append(extraction_evidence(k, train, results["extraction"]["test"].get(k, {}), gate,
                                           test_records=test_records))
    return out
