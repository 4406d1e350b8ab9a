"""The statistics behind the memorisation probes and the release gate's reading of them."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from gdprep.policies.schema import ReleaseGate
from gdprep.training.probes import (
    auc,
    auc_ci,
    fisher_greater,
    fit_skewnorm,
    release_decision,
    roc_curve,
    tpr_at_fpr,
)


def test_auc_matches_hand_counts() -> None:
    # member 3 beats both non-members, member 1 ties one and loses one: (2 + 0.5) / 4
    assert auc([3.0, 1.0], [1.0, 2.0]) == pytest.approx(0.625)
    assert auc([5, 6], [1, 2]) == 1.0 and auc([1, 2], [5, 6]) == 0.0
    assert math.isnan(auc([], [1.0]))


def test_auc_ci_contains_the_estimate_and_narrows_with_more_data() -> None:
    rng = np.random.default_rng(0)
    small_m, small_n = rng.normal(0.3, 1, 40), rng.normal(0, 1, 40)
    big_m, big_n = rng.normal(0.3, 1, 2000), rng.normal(0, 1, 2000)
    low_s, high_s = auc_ci(small_m, small_n, resamples=400, seed=1)
    low_b, high_b = auc_ci(big_m, big_n, resamples=400, seed=1)
    assert low_s <= auc(small_m, small_n) <= high_s
    assert low_b <= auc(big_m, big_n) <= high_b
    assert high_b - low_b < (high_s - low_s) / 3
    assert low_b > 0.5  # a real shift of 0.3 sd is detected with 2,000 each


def test_roc_and_tpr_at_fpr() -> None:
    fpr, tpr = roc_curve([0.9, 0.8, 0.4], [0.7, 0.3, 0.2, 0.1])
    assert (fpr[0], tpr[0]) == (0.0, 0.0) and (fpr[-1], tpr[-1]) == (1.0, 1.0)
    assert all(b >= a for a, b in zip(fpr, fpr[1:], strict=False))
    # two members score above every non-member: TPR 2/3 at FPR 0
    assert tpr_at_fpr([0.9, 0.8, 0.4], [0.7, 0.3, 0.2, 0.1], 0.0) == pytest.approx(2 / 3)
    assert tpr_at_fpr([0.9, 0.8, 0.4], [0.7, 0.3, 0.2, 0.1], 0.25) == 1.0


def test_fisher_one_sided() -> None:
    assert fisher_greater(0, 50, 0, 50) == 1.0
    assert fisher_greater(20, 50, 2, 50) < 0.001
    assert fisher_greater(2, 50, 20, 50) > 0.99
    assert fisher_greater(1, 0, 0, 10) == 1.0


@pytest.mark.parametrize("shape", [-3.0, 0.0, 4.0])
def test_skewnorm_fit_recovers_parameters(shape: float) -> None:
    from scipy.stats import skewnorm

    values = skewnorm.rvs(shape, loc=20, scale=3, size=10_000, random_state=np.random.default_rng(3))
    a, loc, scale = fit_skewnorm(values)
    assert scale == pytest.approx(3, rel=0.1)
    fitted = skewnorm.mean(a, loc, scale)
    assert fitted == pytest.approx(values.mean(), abs=0.1)
    if shape:
        assert math.copysign(1, a) == math.copysign(1, shape) and abs(a - shape) < 1.0


def _results(*, exposure: float = 2.0, hits: int = 0, train_ex: int = 1, test_ex: int = 1, candidates: int = 10_000,
             ci: tuple[float, float] = (0.45, 0.58)) -> dict[str, Any]:
    return {
        "canaries": [{"ref": "ABCD", "repetitions": 16, "exposure": exposure, "log2_space": math.log2(10 ** 6),
                      "candidates": candidates}],
        "regurgitation": {"hits": [{"entity_type": "PERSON", "source": "prefix:My name is",
                                    "replacement": "<PERSON_1>", "completion_masked": "x"}] * hits},
        "extraction": {"train": {"8": {"eligible": 100, "extracted": train_ex, "rate": train_ex / 100}},
                       "test": {"8": {"eligible": 100, "extracted": test_ex, "rate": test_ex / 100}}},
        "membership_inference": {"signals": {"loss": {"auc": sum(ci) / 2, "auc_ci": list(ci),
                                                      "tpr_at_1pct_fpr": 0.0}}},
    }


def test_release_passes_a_clean_model() -> None:
    decision = release_decision(_results(), ReleaseGate())
    assert decision["release"] == "pass" and decision["reasons"] == []
    assert all(decision["checks"].values())


@pytest.mark.parametrize(("kwargs", "check", "phrase"), [
    ({"exposure": 13.3}, "canary_exposure", "exposure 13.3 bits, not below 9.9"),
    ({"hits": 1}, "pii_regurgitation", "reproduced an original PII value (PERSON)"),
    ({"train_ex": 30, "test_ex": 2}, "extraction_k8", "8-extractable rate on training records 0.300"),
    ({"ci": (0.55, 0.70)}, "mia_loss", "excludes 0.5"),
    ({"candidates": 2_000}, "canary_candidates", "ranked among 2,000 candidates"),
])
def test_release_fails_with_a_reason_per_check(kwargs: dict[str, Any], check: str, phrase: str) -> None:
    decision = release_decision(_results(**kwargs), ReleaseGate())
    assert decision["release"] == "fail" and decision["checks"][check] is False
    assert any(phrase in reason for reason in decision["reasons"]), decision["reasons"]
    assert sum(not ok for ok in decision["checks"].values()) == 1


def test_release_thresholds_come_from_the_policy() -> None:
    loose = ReleaseGate(canary_margin_bits=5, max_regurgitated_pii=2, mia_auc_ci_must_include_half=False)
    assert release_decision(_results(exposure=13.3, hits=2, ci=(0.6, 0.7)), loose)["release"] == "pass"
    assert release_decision(_results(exposure=15.0), loose)["release"] == "fail"


def test_an_auc_below_half_is_not_a_leak() -> None:
    assert release_decision(_results(ci=(0.30, 0.45)), ReleaseGate())["release"] == "pass"
