"""North American and Australian envelope lines: a town with its state or province and postcode is an
address line on its own, and a street runs on over its units ("Apt. 335", "Suite 542") and ZIP code."""

from __future__ import annotations

import pytest

from gdprep.policies import load_policy
from gdprep.privacy.nermodel.address_tail import with_units_and_zip
from gdprep.privacy.recognizers.address import StreetAddressRecognizer

ADDRESS = StreetAddressRecognizer()


def _found(text: str) -> list[str]:
    return [text[r.start:r.end] for r in ADDRESS.analyze(text, ["STREET_ADDRESS"])]


@pytest.mark.parametrize(("text", "line"), [
    ("Richardsside, AR 07259", "Richardsside, AR 07259"),
    ("We met near Port Hannahside, NH 73707-1234 yesterday.", "Port Hannahside, NH 73707-1234"),
    ("Ship it to New Andrew, California 77488 please", "New Andrew, California 77488"),
    ("Kingston, Ontario K7L 3N6", "Kingston, Ontario K7L 3N6"),
    ("Halifax NS B3H 4R2", "Halifax NS B3H 4R2"),
    ("She lives in Fitzroy VIC 3065 now", "Fitzroy VIC 3065"),
])
def test_a_town_with_state_and_postcode_is_an_address_line(text: str, line: str) -> None:
    assert _found(text) == [line]


@pytest.mark.parametrize("text", [
    "Version 2, CA 12345 rows were loaded",      # no town before the state
    "I paid, CA 94107",                           # "I" then a lower-case word: no town
    "Sales, ZZ 12345",                             # no such state
    "Leeds, NY 1234",                              # a US state needs five digits
    "Sydney NSW 20000",                            # an Australian postcode has four
])
def test_what_is_no_state_line(text: str) -> None:
    assert _found(text) == []


@pytest.mark.parametrize(("text", "street", "expected"), [
    ("Deliver to 0814 Morgan Route Apt. 335 21780 tomorrow", "0814 Morgan Route", "0814 Morgan Route Apt. 335 21780"),
    ("at 87642 Matthew Estates Suite 542 Apt. 249 yesterday", "87642 Matthew Estates",
     "87642 Matthew Estates Suite 542 Apt. 249"),
    # the span stopped after the unit's word: its number follows
    ("to 2194 Calvin Brook Apt. 592 31685, thanks", "2194 Calvin Brook Apt.", "2194 Calvin Brook Apt. 592 31685"),
    ("12 Main St, Apt 4, Springfield", "12 Main St", "12 Main St, Apt 4"),
    ("12 Main St #5.", "12 Main St", "12 Main St #5"),
    ("12 Main St 10 times", "12 Main St", "12 Main St"),             # a count, not a ZIP code
    ("12 Main St 123456", "12 Main St", "12 Main St"),               # six digits: no ZIP code
    ("12 Main St 12345.67", "12 Main St", "12 Main St"),             # an amount
    ("12 Main St 25520 19 015", "12 Main St", "12 Main St"),         # a phone number's first group
])
def test_a_street_runs_on_over_its_units_and_zip(text: str, street: str, expected: str) -> None:
    start = text.index(street)
    assert text[start:with_units_and_zip(text, start + len(street))] == expected


def test_the_detector_reports_the_whole_envelope_address() -> None:
    from gdprep.privacy.engine import Detector

    text = "Please deliver to 0814 Morgan Route Apt. 335 21780 tomorrow"
    found = Detector(load_policy("uk-gdpr-default")).analyze_texts([text])[0]
    streets = [text[f.start:f.end] for f in found if f.entity_type == "STREET_ADDRESS"]
    assert "0814 Morgan Route Apt. 335 21780" in streets
    # every address finding, the model's and the rules', ends with the ZIP code
    assert all(text[f.start:f.end].endswith("21780") for f in found if f.entity_type == "STREET_ADDRESS")
