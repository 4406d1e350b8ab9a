"""Texts shorter than `TIMEOUT_FROM_CHARS` are matched without the regex module's timeout (it costs about
2 µs a call). These tests run every gate, prefilter and pattern of every registered recognizer on adversarial
texts just under that length, under the timeout: a pattern that backtracks catastrophically on such a text
raises `TimeoutError` here instead of hanging a detection run."""

from __future__ import annotations

import time

import pytest
import regex

from gdprep.privacy.recognizers import base
from gdprep.privacy.recognizers.base import GdprepPatternRecognizer
from gdprep.privacy.recognizers.fold import FoldedPrefilter
from gdprep.privacy.recognizers.registry import build_recognizers

_LENGTH = base.TIMEOUT_FROM_CHARS - 1
# units that the name, address, date and number patterns take again and again, without ever completing a match
_UNITS = [
    "Aa ", "a", "A", "1", "1 ", "1-", "1.", "12/", "A.", "Aa-", "Aa, ", ",\n", "Aa\n", "\n\n", " \t", "@a", ".a",
    "a@", "Mr Aa ", "Via Aa ", "Flat 1, ", "née ", "GB1", "Aa'", "Aa (", "[1:1] ", "A1 ", "+1 ", "(1) ",
]
_CUES = ["", "Name: ", "Dear ", "Regards,\n", "born ", "sort code ", "bsn ", "IBAN ", "Patient: ", "Mrs ",
         "Address: ", "my name is ", "tel ", "DOB: "]


def _texts() -> list[str]:
    texts = []
    for cue in _CUES:
        for unit in _UNITS:
            texts.append((cue + unit * (_LENGTH // len(unit) + 1))[:_LENGTH])
    return texts


def _patterns() -> list[tuple[str, regex.Pattern[str]]]:
    found: list[tuple[str, regex.Pattern[str]]] = []
    for recognizer in build_recognizers():
        if not isinstance(recognizer, GdprepPatternRecognizer):
            continue
        recognizer.compile_all()
        name = type(recognizer).__name__
        for pattern_name, compiled, _, prefilter in recognizer._compiled:
            assert compiled is not None
            found.append((f"{name}.{pattern_name}", compiled))
            if isinstance(prefilter, FoldedPrefilter):  # its `re` form: tests/test_fold_prefilter.py
                prefilter = prefilter.original
            if isinstance(prefilter, regex.Pattern):  # (a word prefilter is a set lookup)
                found.append((f"{name}.{pattern_name} (prefilter)", prefilter))
        if recognizer._gate is not None:
            found.append((f"{name} (gate)", recognizer._gate))
    return found


def test_a_value_is_found_in_short_and_long_texts_alike() -> None:
    recognizer = next(r for r in build_recognizers({"UK_NINO"}) if type(r).__name__ == "UkNinoRecognizer")
    assert isinstance(recognizer, GdprepPatternRecognizer)
    short = "my nino is AB123456C"
    assert [(r.start, r.end) for r in recognizer.analyze(short, ["UK_NINO"])] == [(11, 20)]
    # the same value in a long text is still found (there the patterns run under the timeout)
    long = "x " * base.TIMEOUT_FROM_CHARS + short
    assert [(r.start - 2 * base.TIMEOUT_FROM_CHARS, r.end - 2 * base.TIMEOUT_FROM_CHARS)
            for r in recognizer.analyze(long, ["UK_NINO"])] == [(11, 20)]


def test_every_pattern_finishes_on_adversarial_texts_just_under_the_threshold() -> None:
    patterns = _patterns()
    assert len(patterns) > 150  # every recognizer module took part
    texts = _texts()
    assert all(len(text) == _LENGTH for text in texts)
    slowest = (0.0, "")
    for label, compiled in patterns:
        for text in texts:
            started = time.perf_counter()
            try:
                for _ in compiled.finditer(text, timeout=base.REGEX_TIMEOUT_S):
                    pass
            except TimeoutError:  # pragma: no cover - the failure this test exists for
                pytest.fail(f"{label} backtracks on {text[:40]!r}...: more than {base.REGEX_TIMEOUT_S} s")
            slowest = max(slowest, (time.perf_counter() - started, label))
    # a pattern within the timeout can still be far slower than its peers; name it when this test is run with -s
    print(f"slowest pattern on one adversarial text: {slowest[1]} ({slowest[0] * 1000:.1f} ms)")


def test_the_check_catches_a_catastrophic_pattern() -> None:
    # what the test above guards against: an alternation that can split a run two ways backtracks exponentially
    with pytest.raises(TimeoutError):
        for _ in regex.compile(r"(?:a|aa)+$").finditer("a" * 40 + "!", timeout=0.5):
            pass


class _Catastrophic(GdprepPatternRecognizer):
    ENTITY = "PERSON"
    PATTERNS = [("catastrophic", r"(?:a|aa)+$", 0.5)]


def test_a_pattern_over_its_limit_on_a_long_text_is_a_clear_error_not_a_storage_error(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # the regex module's TimeoutError is an OSError, which the CLI would report as a file-system problem
    from gdprep.errors import DetectionTimeout

    monkeypatch.setattr(base, "REGEX_TIMEOUT_S", 0.2)
    text = "a" * base.TIMEOUT_FROM_CHARS + "!"
    with pytest.raises(DetectionTimeout, match="_Catastrophic: a pattern ran over its 0.2 s limit on a text of 1,025"):
        _Catastrophic().analyze(text, ["PERSON"])
    assert not issubclass(DetectionTimeout, OSError)


class _CatastrophicGate(GdprepPatternRecognizer):
    ENTITY = "PERSON"
    GATE = r"(?:a|aa)+$"
    PATTERNS = [("plain", r"b", 0.5)]


def test_a_gate_over_its_limit_is_the_same_clear_error_when_the_run_checks_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # RecognizerRun checks a recognizer's gates itself before calling it (`skip_gates`)
    from gdprep.errors import DetectionTimeout
    from gdprep.privacy.analysis import RecognizerRun

    monkeypatch.setattr(base, "REGEX_TIMEOUT_S", 0.2)
    recognizer = _CatastrophicGate()
    assert recognizer.skip_gates()
    run = RecognizerRun([recognizer], ["PERSON"], enhancer=None)
    text = "a" * base.TIMEOUT_FROM_CHARS + "!"
    with pytest.raises(DetectionTimeout, match="_CatastrophicGate: a pattern ran over its 0.2 s limit"):
        run.analyze(text, None, 0.0)


def test_a_short_text_is_matched_without_the_timeout(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # a limit far below what this text takes (about a million backtracking steps): only an untimed search finishes
    monkeypatch.setattr(base, "REGEX_TIMEOUT_S", 1e-6)
    assert _Catastrophic().analyze("a" * 20 + "!", ["PERSON"]) == []
