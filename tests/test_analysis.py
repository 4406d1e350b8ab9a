"""`RecognizerRun` does what Presidio's `AnalyzerEngine.analyze` does, result for result."""

from __future__ import annotations

import pytest

from gdprep.policies import load_policy
from gdprep.privacy.engine import ENGINE_LANGUAGE, Detector

TEXTS = [
    "Dear Mr Alan Example, my name is Jo Sample (DOB 01/02/1980), call 020 7946 0000 or +33 1 48 48 74 96.",
    "IBAN GB82 WEST 1234 5698 7654 32, sort code 12-34-56, account 12345678, NHS 943 476 5919.",
    "Mijn BSN is 123456782 en mijn telefoon 06 12345678. Order 123456782 is verzonden.",
    "Steuer-ID 86095742719, PESEL 44051401458, tel. 0049 30 901820, Hauptstraße 5, 10115 Berlin.",
    "nothing personal here at all",
    "",
    "Contact: anna.weber@example.org, IP 192.0.2.1, card 4111 1111 1111 1111, passport 123456789.",
]


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector(load_policy("uk-gdpr-default"))


def _key(result: object) -> tuple[object, ...]:
    metadata = dict(getattr(result, "recognition_metadata", None) or {})
    return (result.start, result.end, result.entity_type, round(result.score, 9),  # type: ignore[attr-defined]
            sorted(metadata.items()), result.analysis_explanation)  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", TEXTS)
def test_the_same_results_as_presidio_analyze(detector: Detector, text: str) -> None:
    assert detector._run is not None
    doc = next(iter(detector.nlp.pipe([text])))
    ours = detector._run.analyze(text, detector._artifacts(doc), detector._min_score)
    presidio = detector.analyzer.analyze(
        text=text, language=ENGINE_LANGUAGE, entities=detector._pattern_entities,
        nlp_artifacts=detector._artifacts(doc), score_threshold=detector._min_score)
    assert [_key(r) for r in ours] == [_key(r) for r in presidio]
    assert ours or not text.strip() or text.startswith("nothing")


@pytest.mark.parametrize("text", TEXTS + ["Re: be it -PRON- a:b:c, the patient's NHS: 943 476 5919 ... !!"])
def test_context_keywords_are_presidios(detector: Detector, text: str) -> None:
    from presidio_analyzer.nlp_engine import NlpArtifacts

    doc = next(iter(detector.nlp.pipe([text])))
    artifacts = detector._artifacts(doc)
    for _ in range(2):  # the second time from the word cache
        assert artifacts.keywords == NlpArtifacts.set_keywords(detector.nlp_engine, artifacts.lemmas, ENGINE_LANGUAGE)
        artifacts = detector._artifacts(doc)
