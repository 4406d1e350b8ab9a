"""The statistics of a blind human evaluation against values computed by hand: the preference rate (ties as
half a win), the Wilson 95% interval, Cohen's kappa, Fleiss' kappa and raw agreement."""

from __future__ import annotations

import math

import pytest

from gdprep.training.humaneval_stats import (
    Z95,
    agreement,
    cohen_kappa,
    fleiss_kappa,
    preference,
    raw_agreement,
    summarise,
    wilson_interval,
)


def test_wilson_interval_matches_the_formula_by_hand() -> None:
    # 8 of 10: p = .8, z^2 = 3.8415; centre = (.8 + .19207) / 1.38415 = .71674;
    # half = 1.96 * sqrt(.016 + .0096037) / 1.38415 = .22665  ->  (.49009, .94339)
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.49016, abs=2e-4) and high == pytest.approx(0.94332, abs=2e-4)
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low0, high0 = wilson_interval(0, 5)  # all losses: the interval starts at 0 and is not degenerate
    assert low0 == 0.0 and high0 == pytest.approx(Z95**2 / (5 + Z95**2), rel=1e-9)


@pytest.mark.parametrize(("verdicts", "rate", "counts"), [
    (["candidate", "candidate", "baseline", "tie"], 0.625, (4, 2, 1, 1)),       # (2 + .5) / 4
    (["tie", "tie"], 0.5, (2, 0, 0, 2)),
    (["baseline"] * 3, 0.0, (3, 0, 3, 0)),
    (["candidate"] * 5 + ["tie"] * 2 + ["baseline"] * 3, 0.6, (10, 5, 3, 2)),  # (5 + 1) / 10
])
def test_preference_rate_counts_a_tie_as_half(verdicts: list[str], rate: float,
                                              counts: tuple[int, int, int, int]) -> None:
    got = preference(verdicts)
    assert (got["rated"], got["wins"], got["losses"], got["ties"]) == counts
    assert got["rate"] == pytest.approx(rate)
    low, high = wilson_interval(rate * counts[0], counts[0])
    assert (got["ci_low"], got["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    assert got["ci_low"] <= got["rate"] <= got["ci_high"]


def test_no_ratings_has_no_rate_and_bad_verdicts_are_refused() -> None:
    assert preference([])["rate"] is None
    with pytest.raises(ValueError, match="unknown verdicts"):
        preference(["A"])


def test_cohen_kappa_by_hand() -> None:
    # 10 items; agree on 7 (4 c/c, 2 b/b, 1 t/t). Rater 1: c 5, b 3, t 2; rater 2: c 5, b 3, t 2.
    pairs = ([("candidate", "candidate")] * 4 + [("baseline", "baseline")] * 2 + [("tie", "tie")]
             + [("candidate", "baseline"), ("baseline", "tie"), ("tie", "candidate")])
    # p_o = .7; p_e = (5*5 + 3*3 + 2*2) / 100 = .38; kappa = (.7 - .38) / .62 = .516129
    assert cohen_kappa(pairs) == pytest.approx(0.32 / 0.62)
    assert cohen_kappa([("tie", "tie")] * 3) is None       # chance agreement already perfect
    assert cohen_kappa([]) is None
    assert cohen_kappa([("candidate", "baseline"), ("baseline", "candidate")]) == pytest.approx(-1.0)


def test_fleiss_kappa_and_raw_agreement_by_hand() -> None:
    items = [["candidate"] * 3, ["candidate", "candidate", "baseline"], ["baseline", "tie", "candidate"],
             ["tie", "tie", "tie"]]
    # P_i: 1, 1/3, 0, 1 -> P_bar = 7/12; shares over 12 ratings: c 6/12, b 2/12, t 4/12
    # P_e = .25 + 1/36 + 1/9 = 0.388889; kappa = (.583333 - .388889) / .611111 = 0.318182
    assert raw_agreement(items) == pytest.approx(7 / 12)
    assert fleiss_kappa(items) == pytest.approx((7 / 12 - 14 / 36) / (1 - 14 / 36))
    assert fleiss_kappa([["tie"]]) is None and raw_agreement([["tie"]]) is None


def test_agreement_picks_cohen_for_two_reviewers_and_fleiss_for_more() -> None:
    two = {0: {"ann": "candidate", "bob": "candidate"}, 1: {"ann": "baseline", "bob": "candidate"},
           2: {"ann": "tie"}}
    got = agreement(two)
    # shared items 0, 1; p_o = .5; ann c1 b1, bob c2: p_e = (1*2 + 0 + 0) / 4 = .5 -> kappa 0
    assert got["statistic"] == "cohen_kappa" and got["items_rated_by_two_or_more"] == 2
    assert got["kappa"] == pytest.approx(0.0) and got["raw_agreement"] == pytest.approx(0.5)
    three = {0: {"a": "candidate", "b": "candidate", "c": "baseline"}, 1: {"a": "tie", "b": "tie"}}
    got3 = agreement(three)
    # P_i: 1/3, 1 -> 2/3; shares c 2/5, b 1/5, t 2/5 -> P_e = .36; kappa = (.666667 - .36) / .64 = .479167
    assert got3["statistic"] == "fleiss_kappa" and got3["kappa"] == pytest.approx((2 / 3 - 0.36) / 0.64)
    assert agreement({0: {"a": "tie"}})["statistic"] is None


def test_summary_per_reviewer_and_overall() -> None:
    by_item = {0: {"ann": "candidate", "bob": "baseline"}, 1: {"ann": "candidate"}, 2: {"bob": "tie"}}
    got = summarise(by_item)
    assert got["overall"]["rated"] == 4 and got["overall"]["rate"] == pytest.approx(2.5 / 4)
    assert got["per_reviewer"]["ann"]["rate"] == 1.0 and got["per_reviewer"]["bob"]["rate"] == 0.25
    assert "ties / 2" in got["convention"] and "Wilson" in got["ci_method"]
    assert math.isclose(got["agreement"]["raw_agreement"], 0.0)
