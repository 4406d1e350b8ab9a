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
    # the prefilters of the other patterns: number first (English, French, lower case with a postcode), compound
    # streets (strong and weak endings, "str.", a preposition street), a UK postcode line, a continental street
    # line, a state or province line
    "Send it to 4 Mill Lane, York YO1 7HH today",
    "12 St. Mary's Rd., Bath BA1 1AA",
    "15 bis, rue de la Paix 75002 Paris",
    "flat 3, 22 baker street, london, nw1 6xe",
    "Berliner Straße 12, 10115 Berlin",
    "Hauptstr. 5a, 80331 München",
    "Am Sonnenweg 3, 20099 Hamburg",
    "An der Alster 3, 20099 Hamburg",
    "Dorpsstraat 5, 1234 AB Amsterdam",
    "Rose Cottage, Mill Lane, Little Snoring, Norfolk NR21 0AA",
    "Canale Sommaruga 107, 28028 Pratolungo",
    "Richardsside, AR 07259",
    "Kingston, Ontario K7L 3N6",
    "Fitzroy VIC 3065",
    "In 2019 Queen Street was closed, in 3 weeks",
]


@pytest.mark.parametrize("text", _TEXTS)
def test_the_word_prefilter_changes_no_finding(text: str) -> None:
    with_prefilter, without = StreetAddressRecognizer(), _without_prefilters()
    assert any(prefilter == _NUMBER_LAST_WORDS for _, _, _, prefilter in with_prefilter._compiled)
    expected = [(r.start, r.end, r.score) for r in without.analyze(text, [])]
    assert [(r.start, r.end, r.score) for r in with_prefilter.analyze(text, [])] == expected


def _without_prefilters() -> StreetAddressRecognizer:
    without = StreetAddressRecognizer()
    without._compiled = [(name, compiled, score, None) for name, compiled, score, _ in without._compiled]
    return without


def test_every_street_pattern_that_runs_on_most_texts_has_a_prefilter() -> None:
    unfiltered = {name for name, _, _, prefilter in StreetAddressRecognizer()._compiled if prefilter is None}
    # (the compound-street and state-line patterns skip to capitals: every prefilter tried cost as much or more)
    assert unfiltered == {"address_eu_postcode_town", "address_flat_prefix", "address_us_military", "address_po_box",
                          "address_compound_street", "address_state_line"}


@pytest.mark.parametrize("locale", ["en_GB", "en_US", "en_CA", "en_AU", "en_IE", "de_DE", "de_AT", "nl_NL", "nl_BE",
                                    "fr_FR", "it_IT", "es_ES", "pt_PT"])
def test_the_prefilters_change_no_finding_on_faker_addresses(locale: str) -> None:
    from faker import Faker

    fake = Faker(locale)
    fake.seed_instance(11)
    with_prefilters, without = StreetAddressRecognizer(), _without_prefilters()
    for _ in range(40):
        address = fake.address()
        for text in (f"Please send it to {address.replace(chr(10), ', ')} by Friday.", f"Address:\n{address}\n",
                     f"{fake.name()} lives at {fake.street_address()} in {fake.city()}"):
            expected = [(r.start, r.end, r.score) for r in without.analyze(text, [])]
            assert [(r.start, r.end, r.score) for r in with_prefilters.analyze(text, [])] == expected, text


def test_the_street_type_first_pattern_finds_what_it_did() -> None:
    found = StreetAddressRecognizer().analyze("Ship to VIA ROMA 10, 20121 MILANO please", [])
    assert [(r.start, r.end) for r in found] == [(8, 33)]
