"""`RecognizerRun` skips a recognizer whose gates the text lacks (`GdprepPatternRecognizer.skip_gates`): the
results must be those of calling every recognizer, and a class that adds findings of its own in `analyze` must
never be skipped."""

from __future__ import annotations

import random

import pytest
import regex
from faker import Faker

from gdprep.policies import load_policy
from gdprep.privacy.engine import Detector
from gdprep.privacy.recognizers.base import GdprepPatternRecognizer
from gdprep.privacy.recognizers.documents import DOCUMENT_NUMBER, DOCUMENT_NUMBER_GATE
from gdprep.privacy.recognizers.registry import build_recognizers


def _texts() -> list[str]:
    """Records holding the identifiers the gated recognizers look for, and records holding none."""
    texts = [
        "IBAN GB82 WEST 1234 5698 7654 32, sort code 12-34-56, account 12345678, NHS 943 476 5919.",
        "Mijn BSN is 123456782 en mijn telefoon 06 12345678. Order 123456782 is verzonden.",
        "Steuer-ID 86095742719, PESEL 44051401458, tel. 0049 30 901820, USt-IdNr DE136695976.",
        "passport 123456789, Personalausweis L01X00T47, driving licence MORGA753116SM9IJ, NINO QQ 12 34 56 C",
        "VAT GB 123 4567 89, TVA FR40303265045, P.IVA IT00743110157, CIF B58378431, NIF 12345678Z",
        "codice fiscale RSSMRA85T10A562S; personnummer 811218-9876; CPR 010190-1234; HETU 131052-308T",
        "IP 192.0.2.1 and 2001:db8::1, card 4111 1111 1111 1111, mail anna.weber@example.org",
        "nothing personal here at all", "", "Ship 12 boxes on 3 May", "call me",
    ]
    rng = random.Random(7)
    for locale in ("en_GB", "de_DE", "fr_FR", "nl_NL", "pl_PL", "sv_SE", "it_IT", "es_ES", "pt_PT", "fi_FI"):
        fake = Faker(locale)
        fake.seed_instance(rng.randrange(1 << 30))
        for _ in range(6):
            texts.append(f"{fake.name()}, {fake.phone_number()}, {fake.iban()}, id {fake.ssn()}, "
                         f"{fake.bothify('??#######')}, {fake.address()}")
    return texts


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(load_policy("uk-gdpr-default"))


def test_skipping_by_gates_changes_no_result(detector: Detector) -> None:
    run = detector._run
    assert run is not None
    gated = run._gated
    skippable = [r.name for r, gates, _ in gated if gates]
    assert len(skippable) >= 30  # most pattern recognizers are skipped on a text without their gates
    texts = _texts()
    docs = list(detector.nlp.pipe(texts))
    skipped = 0
    for text, doc in zip(texts, docs, strict=True):
        with_skipping = run.analyze(text, detector._artifacts(doc), detector._min_score)
        run._gated = [(r, (), None) for r, _, _ in gated]  # every recognizer called
        try:
            every = run.analyze(text, detector._artifacts(doc), detector._min_score)
        finally:
            run._gated = gated
        assert [(r.start, r.end, r.entity_type, r.score) for r in with_skipping] == \
            [(r.start, r.end, r.entity_type, r.score) for r in every], text
        skipped += sum(1 for r, gates, _ in gated if gates and not r.worth_searching(text))
    assert skipped > len(texts)  # the gates did rule recognizers out on these texts


def test_every_gated_recognizer_finds_nothing_without_its_gates() -> None:
    for recognizer in build_recognizers():
        gates = getattr(recognizer, "skip_gates", lambda: None)()
        if not gates:
            continue
        for text in _texts():
            if not all(gate.search(text) for gate in gates):
                assert recognizer.analyze(text, []) == [], (recognizer.name, text)


class _Adds(GdprepPatternRecognizer):
    ENTITY = "PERSON"
    GATE = r"\d"
    PATTERNS = [("digits", r"\d+", 0.5)]

    def analyze(self, text, entities, nlp_artifacts=None):  # type: ignore[no-untyped-def]
        return super().analyze(text, entities, nlp_artifacts) + [object()]  # findings without the gate


class _Narrows(_Adds):
    ANALYZE_ONLY_NARROWS = True

    def analyze(self, text, entities, nlp_artifacts=None):  # type: ignore[no-untyped-def]
        return super().analyze(text, entities, nlp_artifacts)[:1]


class _OwnSearchTest(GdprepPatternRecognizer):
    ENTITY = "PERSON"
    GATE = r"\d"
    PATTERNS = [("digits", r"\d+", 0.5)]

    def worth_searching(self, text: str) -> bool:
        return "x" in text


def test_a_class_that_adds_findings_or_tests_texts_its_own_way_is_never_skipped() -> None:
    class Plain(GdprepPatternRecognizer):
        ENTITY = "PERSON"
        GATE = r"\d"
        PATTERNS = [("digits", r"\d+", 0.5)]

    assert [g.pattern for g in Plain().skip_gates() or ()] == [r"\d"]
    assert _Adds().skip_gates() is None
    # narrowing its parent's analyze does not vouch for the parent that adds findings
    assert _Narrows().skip_gates() is None
    assert _OwnSearchTest().skip_gates() is None


def test_the_document_number_gate_holds_every_document_number() -> None:
    value = regex.compile(DOCUMENT_NUMBER, regex.IGNORECASE)
    gate = regex.compile(DOCUMENT_NUMBER_GATE, regex.IGNORECASE)
    rng = random.Random(3)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab -"
    checked = 0
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(4, 20)))
        if value.search(text):
            checked += 1
            assert gate.search(text), text
    assert checked > 500


def test_the_birth_date_shape_gate_holds_every_adult_birth_year() -> None:
    from gdprep.privacy.recognizers import dob

    gate = regex.compile(dob.BirthDateShapeRecognizer.GATE or "")
    assert all(gate.fullmatch(str(year)) for year in dob._ADULT_BIRTH_YEARS)
    recognizer = dob.BirthDateShapeRecognizer()
    assert recognizer.analyze("Anna Weber (12.03.1980) called", [])  # the gate lets a birth date through
    assert recognizer.analyze("Anna Weber (12.03.2024) called", []) == []
