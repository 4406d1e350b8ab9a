"""gdprep's context enhancer (gdprep.privacy.analysis.context_enhancer) answers as Presidio's own does."""

from __future__ import annotations

import random

import pytest
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from gdprep.privacy.analysis import context_enhancer

_WORDS = ["Phone", "tel", "MOBILE", "telephone", "call", "card", "creditcard", "lic", "duplicate", "nhs", "", "Nº",
          "straße", "STRASSE", "n:o"]


@pytest.mark.parametrize("mode", ["substring", "whole_word", "other"])
def test_the_context_word_found_is_the_stock_enhancers(mode: str) -> None:
    ours, stock = type(context_enhancer()), LemmaContextAwareEnhancer
    rng = random.Random(5)
    for _ in range(2000):
        around = rng.sample(_WORDS, rng.randint(0, 5))
        context = rng.sample(_WORDS, rng.randint(0, 5))
        assert ours._find_supportive_word_in_context(around, context, mode) == \
            stock._find_supportive_word_in_context(around, context, mode)
    assert ours._find_supportive_word_in_context(None, ["tel"]) == ""
    assert ours._find_supportive_word_in_context(["x"], None) == ""
    assert ours._find_supportive_word_in_context(["Telephone"], ["tel"]) == "tel"
    assert ours._find_supportive_word_in_context(["Telephone"], ["tel"], "whole_word") == ""


def test_the_token_at_an_offset_is_found_by_bisection_as_by_the_stock_walk() -> None:
    ours, stock = type(context_enhancer()), LemmaContextAwareEnhancer
    tokens = ["Call", "020", "7946", "0000", ",", "please"]
    starts = [0, 5, 9, 14, 18, 20]
    for offset in range(0, 26):
        try:
            expected = stock._find_index_of_match_token("w", offset, tokens, starts)
        except ValueError:
            with pytest.raises(ValueError):
                ours._find_index_of_match_token("w", offset, tokens, starts)
            continue
        assert ours._find_index_of_match_token("w", offset, tokens, starts) == expected
