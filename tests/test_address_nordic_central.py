"""Street addresses of the Nordic, Baltic, central and eastern European forms, and after an address cue."""

from __future__ import annotations

import pytest

from gdprep.privacy.recognizers.address import StreetAddressRecognizer


@pytest.fixture(scope="module")
def recognizer() -> StreetAddressRecognizer:
    return StreetAddressRecognizer()


def _spans(recognizer: StreetAddressRecognizer, text: str) -> list[str]:
    return [text[r.start:r.end] for r in recognizer.analyze(text, [])]


@pytest.mark.parametrize("text, address", [
    # compounds whose ending is the street type (Swedish, Norwegian, Danish, Finnish, Icelandic)
    ("Leverans till Kyrkogatan 12.", "Kyrkogatan 12"),
    ("Adresse: Storgata 5B", "Storgata 5B"),
    ("Skyttevej 52, 8000 Aarhus C", "Skyttevej 52, 8000 Aarhus C"),
    ("Hän asuu osoitteessa Mannerheimintie 5, 00100 Helsinki", "Mannerheimintie 5, 00100 Helsinki"),
    ("Haagan pappilankatu 1", "Haagan pappilankatu 1"),
    ("Laugavegur 26", "Laugavegur 26"),
    # the type after the name, in lower case (Hungarian, Croatian, Czech, Latvian, Estonian)
    ("Kossuth Lajos utca 12, 1055 Budapest", "Kossuth Lajos utca 12, 1055 Budapest"),
    ("Szentendrei út 82", "Szentendrei út 82"),
    ("Petőfi u. 5", "Petőfi u. 5"),
    ("Strossmayerovo šetalište 3", "Strossmayerovo šetalište 3"),
    ("Karlovo náměstí 13", "Karlovo náměstí 13"),
    ("Brīvības iela 21", "Brīvības iela 21"),
    ("Pärnu mnt 12", "Pärnu mnt 12"),
    # the type first (Polish, Romanian, Swiss and Belgian French)
    ("ul. Mazurska 93", "ul. Mazurska 93"),
    ("plac Jana Pawła II 13", "plac Jana Pawła II 13"),
    ("Strada Mihai Eminescu 5", "Strada Mihai Eminescu 5"),
    ("rue Pasquier 62", "rue Pasquier 62"),
    # no type word, after a cue only an address follows
    ("Janja lives at Šestinski vrh 6c", "Šestinski vrh 6c"),
    ("Please ship the order to Chopinov prehod 4c.", "Chopinov prehod 4c"),
    ("Home address: Krasinského 8", "Krasinského 8"),
    ("I live at Flat 3, 12 Mill Lane", "Flat 3, 12 Mill Lane"),
])
def test_finds_the_address(recognizer: StreetAddressRecognizer, text: str, address: str) -> None:
    assert address in _spans(recognizer, text)


@pytest.mark.parametrize("text", [
    "Departure from Gate 5.",
    "Sweetie 5 stars, would buy again",
    "We moved to Phase 2.",
    "Please send it to Room 101.",
    "She lives at Level 3 of the hospital.",
    "as shown by Jones et al. Nature 2019",
    "Send the invoice to Accounts Payable 5 days before the due date.",
    "Release 4 ships to customers on Monday.",
])
def test_leaves_what_is_no_address(recognizer: StreetAddressRecognizer, text: str) -> None:
    assert _spans(recognizer, text) == []
