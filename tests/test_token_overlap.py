"""Findings that reach into a gdprep token (`<PERSON_1667110381>`) on re-detection of redacted text."""

from __future__ import annotations

from gdprep.policies import load_policy
from gdprep.privacy.findings import RawFinding
from gdprep.privacy.resolution import resolve


def _kept(text: str, start: int, end: int, entity_type: str = "STREET_ADDRESS") -> list[str]:
    confident, review = resolve([RawFinding(start, end, entity_type, 0.85, "GdprepNerRecognizer")], text, "text",
                                load_policy("uk-gdpr-default"))
    return [text[f.start:f.end] for f in confident + review]


def test_a_model_span_over_a_pseudonym_and_a_label_is_dropped() -> None:
    text = "Mein Name ist <PERSON_1667110381>, IBAN <IBAN_CODE>."
    start = text.index("PERSON_")
    assert _kept(text, start, text.index(" <IBAN")) == []


def test_what_lies_outside_the_token_is_kept() -> None:
    text = "Hi <PERSON_4821397716> Smith, thanks"
    assert _kept(text, text.index("PERSON_"), text.index(","), "PERSON") == ["Smith"]


def test_findings_inside_a_token_are_dropped_and_others_untouched() -> None:
    text = "Call Anna Weber now on <PHONE_NUMBER>."
    assert _kept(text, text.index("PHONE"), text.index(">"), "PHONE_NUMBER") == []
    assert _kept(text, 5, 15, "PERSON") == ["Anna Weber"]
