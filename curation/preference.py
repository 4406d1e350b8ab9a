"""Filters for preference pairs (prompt, chosen, rejected), one small class per check with a stable reason
code. They run before the quality filters, as stage "preference"; records of other kinds pass them.

A pair teaches the difference between its two answers, so a pair is only as useful as that difference:
an empty answer, two equal answers or two answers differing in a word teach nothing (or noise), and a chosen
answer far longer (or shorter) than the rejected one mostly teaches length.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from gdprep.curation.config import PreferenceConfig
from gdprep.curation.example import Example
from gdprep.curation.normalise import normalise
from gdprep.curation.quality import QualityFilter

#: every reason code a preference filter can give, in the order `build_preference_filters` runs them
PREFERENCE_REASONS = ("empty_answer", "identical_answers", "near_identical_answers", "answer_length_ratio")
ANSWERS = ("chosen", "rejected")


def answer_distance(a: str, b: str) -> float:
    """1 - weighted Jaccard similarity of two normalised texts' word and word-pair counts: 0.0 for the same
    words in the same order, 1.0 for nothing in common. Linear in the texts' length (an edit distance is
    quadratic, and answers may be long); the word pairs make it see word order ("A beats B" against
    "B beats A" is 0.5 apart, not 0)."""
    def bag(text: str) -> Counter[str]:
        words = text.split()
        return Counter(words) + Counter(f"{x}\x1f{y}" for x, y in zip(words, words[1:], strict=False))

    bag_a, bag_b = bag(a), bag(b)
    union = sum((bag_a | bag_b).values())
    if union == 0:
        return 0.0
    return 1.0 - sum((bag_a & bag_b).values()) / union


class EmptyAnswerFilter:
    """A chosen or rejected answer that is blank (a list of messages with no text counts as blank)."""

    reason = "empty_answer"

    def check(self, example: Example) -> dict[str, Any] | None:
        if example.kind != "preference":
            return None
        for name in ANSWERS:
            if not example.parts[name].strip():
                return {"field": name}
        return None


class IdenticalAnswersFilter:
    """Chosen equals rejected once normalised (NFKC, whitespace, case-fold as configured)."""

    reason = "identical_answers"

    def __init__(self, casefold: bool) -> None:
        self._casefold = casefold

    def check(self, example: Example) -> dict[str, Any] | None:
        if example.kind != "preference":
            return None
        if normalise(example.parts["chosen"], self._casefold) == normalise(example.parts["rejected"], self._casefold):
            return {"distance": 0.0}
        return None


class NearIdenticalAnswersFilter:
    """Chosen and rejected closer than `min_answer_distance` (see `answer_distance`)."""

    reason = "near_identical_answers"

    def __init__(self, min_distance: float, casefold: bool) -> None:
        self._min_distance = min_distance
        self._casefold = casefold

    def check(self, example: Example) -> dict[str, Any] | None:
        if example.kind != "preference":
            return None
        distance = answer_distance(normalise(example.parts["chosen"], self._casefold),
                                   normalise(example.parts["rejected"], self._casefold))
        if distance < self._min_distance:
            return {"distance": round(distance, 4), "min_answer_distance": self._min_distance}
        return None


class AnswerLengthRatioFilter:
    """len(chosen) / len(rejected), in characters after trimming, outside [min_ratio, max_ratio]; checked only
    when the longer answer has at least `min_chars` characters."""

    reason = "answer_length_ratio"

    def __init__(self, min_ratio: float | None, max_ratio: float | None, min_chars: int) -> None:
        self._min_ratio = min_ratio
        self._max_ratio = max_ratio
        self._min_chars = min_chars

    def check(self, example: Example) -> dict[str, Any] | None:
        if example.kind != "preference":
            return None
        chosen, rejected = len(example.parts["chosen"].strip()), len(example.parts["rejected"].strip())
        if max(chosen, rejected) < self._min_chars or rejected == 0:
            return None
        ratio = chosen / rejected
        if (self._min_ratio is not None and ratio < self._min_ratio) or \
                (self._max_ratio is not None and ratio > self._max_ratio):
            return {"ratio": round(ratio, 4), "chosen_chars": chosen, "rejected_chars": rejected,
                    "min_length_ratio": self._min_ratio, "max_length_ratio": self._max_ratio}
        return None


def build_preference_filters(config: PreferenceConfig, casefold: bool = True) -> list[QualityFilter]:
    """The enabled preference filters, in the order of PREFERENCE_REASONS."""
    if not config.enabled:
        return []
    filters: list[QualityFilter] = [EmptyAnswerFilter(), IdenticalAnswersFilter(casefold)]
    if config.min_answer_distance > 0.0:
        filters.append(NearIdenticalAnswersFilter(config.min_answer_distance, casefold))
    if config.min_length_ratio is not None or config.max_length_ratio is not None:
        filters.append(AnswerLengthRatioFilter(config.min_length_ratio, config.max_length_ratio,
                                               config.length_ratio_min_chars))
    return filters
