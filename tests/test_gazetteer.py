"""Given names without a cue (GivenNameRecognizer) and the reference name lists behind it.

Names here are written for the tests; none are taken from the generator's (Faker's) lists. They are
real given names, as they must be: the recognizer looks them up in public reference data.
"""

from __future__ import annotations

import pytest

from gdprep.policies import load_policy
from gdprep.privacy.findings import RawFinding
from gdprep.privacy.names import given_names, surname_ranks
from gdprep.privacy.recognizers.gazetteer import GivenNameRecognizer
from gdprep.privacy.resolution import resolve
from gdprep.privacy.wordlists import english_words

RECOGNIZER = GivenNameRecognizer()


def names(text: str) -> list[str]:
    return [text[r.start:r.end] for r in RECOGNIZER.analyze(text, ["PERSON"])]


def test_reference_lists_load_from_installed_packages() -> None:
    given = given_names()
    assert len(given) > 30_000
    assert given["gustavo"] >= 4 and given["siobhan"] >= 1
    assert "jean-luc" in given or given.get("jean", 0) >= 4
    ranks = surname_ranks()
    assert ranks["smith"] == 1
    assert 50_000 < len(ranks) < 100_000


FOUND = [
    ("no thats all, thanks gustavo", "gustavo"),
    ("next week siobhan chairs the call", "siobhan"),
    ("Can you ask Will to sign the form?", "Will"),
    ("Please copy Grace on the reply.", "Grace"),
    ("thanks to Tobias for the repro", "Tobias"),
    ("the new payee, declan brennan, was added yesterday", "declan brennan"),
    ("Leidinggevende: Rens van der Kint", "Rens van der Kint"),
    ("Ich habe mit Waltraud Obermeier gesprochen.", "Waltraud Obermeier"),
    ("Meeting notes: Jean-Luc Lambert presented.", "Jean-Luc Lambert"),
    ("la cuenta la compartía con narcisa juan bolaños", "narcisa juan bolaños"),
    ("Mark Thompson approved the refund.", "Mark Thompson"),
    ("Dear Jordan and Ben,", "Ben"),
    ("escalated by IMOGEN FAIRLIE", "IMOGEN FAIRLIE"),
    ("Attendees: Anna, Peter and Maria", "Maria"),
    ("Rückfragen bitte an Anja Hering, Personalabteilung.", "Anja Hering"),   # not "her" + "ing"
    ("Also looping in Mathew Frost from the platform team", "Mathew Frost"),  # an English word as surname
    ("Bruneau|Diane||10/08/2023|logistique|Michelle Goncalves", "Michelle Goncalves"),  # a table cell
]


@pytest.mark.parametrize(("text", "expected"), FOUND)
def test_given_names_are_found(text: str, expected: str) -> None:
    assert expected in names(text)


NOT_FOUND = [
    "Por favor, pon en copia a la oficina.",         # Spanish function words that are also names
    "Die Kaution überweisen Sie bitte heute.",       # German "Sie" mid-sentence
    "Rappel: le compte de la facture est clos.",
    "We will mark the grant as paid in May.",        # everyday words
    "Delivered to 14 Victoria Road on Friday.",      # a street
    "Envoyé au 3 rue Pascal, Lyon.",
    "Payment from Harrison and Sons was late.",      # firms named after people
    "Invoice raised by Lewis PLC.",
    "Contact anna.berger@example.com or see https://example.com/maria",  # address and URL parts
    "user_id=helena42 failed to log in",              # identifiers
    "Sent: 24 Jan 2024",
    "Il paziente è stato dimesso in buone condizioni.",
    "The engineer from Dodd, Johnson and Wyatt did not turn up.",  # a firm of three surnames
    "Daños: rotura de cristal del escaparate",
    "Age 39 (born 1985), non-smoker",                 # a form label that a name list also holds
]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_everyday_words_places_firms_and_code_are_not_names(text: str) -> None:
    assert names(text) == []


def test_lower_case_name_needs_a_common_given_name() -> None:
    # a rare list entry in lower case is too weak on its own; with a capital it is reported
    rare = next(n for n, f in sorted(given_names().items()) if f == 2 and n.isalpha() and len(n) > 5
                and n not in surname_ranks() and n not in english_words())
    assert names(f"please call {rare} today") == []
    assert names(f"please call {rare.capitalize()} today") == [rare.capitalize()]


def test_scores_rank_full_names_above_single_lower_case_names() -> None:
    results = {(r.start, r.end): r.score
               for r in RECOGNIZER.analyze("Declan Brennan and siobhan met", ["PERSON"])}
    assert results[(0, 14)] > results[(19, 26)] >= 0.5


def test_name_at_the_head_of_an_address_keeps_its_own_type() -> None:
    text = "Re: Daniel Okafor, Flat 7, 202 Bowen Lane, Bristol BS2 5RW"
    person = RawFinding(4, 17, "PERSON", 0.7, "GivenNameRecognizer")
    address = RawFinding(4, len(text), "STREET_ADDRESS", 0.8, "AddressRecognizer")
    kept, _ = resolve([person, address], text, "text", load_policy("uk-gdpr-default"))
    assert [(text[f.start:f.end], f.entity_type) for f in kept] == [
        ("Daniel Okafor", "PERSON"), ("Flat 7, 202 Bowen Lane, Bristol BS2 5RW", "STREET_ADDRESS")]
