"""A pattern may name the words its matches open with; a text holding none of them is not searched with it."""

from __future__ import annotations

import pytest

from gdprep.privacy.recognizers.address import _NUMBER_LAST_WORDS, StreetAddressRecognizer
from gdprep.privacy.recognizers.base import _GATES, first_words


def test_first_words_takes_each_alternatives_first_word_case_folded() -> None:
    assert first_words(["via", r"v\.le", "c/", r"avda\.?", "Rond-point", "pº"]) == {"via", "v", "c", "avda", "rond",
                                                                                      "pº"}
    with pytest.raises(ValueError, match="does not start with a letter"):
        first_words([r"\d+ street"])


def test_a_texts_words_are_case_folded_as_ignorecase_compares_them() -> None:
    assert _GATES.text_words("VIA Roma 5; ſquare, 5via_x") >= {"via", "roma", "square", "x"}


_TEXTS = [
    "Via Roma 10, 20121 Milano",
    "VIA ROMA 10, 20121 MILANO",
    "Calle Mayor 5, 3º B, 28013 Madrid",
    "C/ Mayor 5, 28013 Madrid",
    "v.le Monza 12, 20127 Milano",
    "Rue de la Loi 16, 1000 Bruxelles",
    "place de la Bourse, 75002 Paris",
    "Avda. de América 9, 28002 Madrid",
    "Rua Augusta 25, 1100-048 Lisboa",
    "Jl. Sudirman 5, 10220 Jakarta",
    "pº de Gracia 21, 08007 Barcelona",
    "Rond-point des Champs 3, 75008 Paris",
    "12 Kingsway Road, Leeds LS6 2QT",
    "nothing here but words",
]


@pytest.mark.parametrize("text", _TEXTS)
def test_the_word_prefilter_changes_no_finding(text: str) -> None:
    with_prefilter, without = StreetAddressRecognizer(), StreetAddressRecognizer()
    without._compiled = [(name, compiled, score, None) for name, compiled, score, _ in without._compiled]
    assert any(prefilter == _NUMBER_LAST_WORDS for _, _, _, prefilter in with_prefilter._compiled)
    expected = [(r.start, r.end, r.score) for r in without.analyze(text, [])]
    assert [(r.start, r.end, r.score) for r in with_prefilter.analyze(text, [])] == expected


def test_the_street_type_first_pattern_finds_what_it_did() -> None:
    found = StreetAddressRecognizer().analyze("Ship to VIA ROMA 10, 20121 MILANO please", [])
    assert [(r.start, r.end) for r in found] == [(8, 33)]
