"""Conformance with the peer: Presidio's own recognizer test cases, run through gdprep's whole detector.

The cases are vendored in tests/fixtures/presidio_recognizer_cases.json, with the repository, path and commit
they come from. Every positive must be reported with one of its suite's types over the same characters, and
every negative left alone, except the differences the fixture lists with their reasons. A listed difference
that no longer holds fails as well, so the list cannot go stale.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gdprep.policies import load_policy
from gdprep.privacy.entities import ENTITY_TYPES
from gdprep.privacy.findings import Finding

FIXTURE = Path(__file__).parent / "fixtures" / "presidio_recognizer_cases.json"
DATA: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
SUITES: dict[str, dict[str, Any]] = {suite["suite"]: suite for suite in DATA["suites"]}


@dataclass(frozen=True)
class Expectation:
    suite: str
    text: str
    value: str | None  # the positive's characters; None for a negative case
    start: int = 0
    end: int = 0


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    value = text[start:end]
    return start + len(value) - len(value.lstrip()), end - len(value) + len(value.rstrip())


def _expectations() -> Iterator[Expectation]:
    for suite in DATA["suites"]:
        for case in suite["cases"]:
            if not case["spans"]:
                yield Expectation(suite["suite"], case["text"], None)
            for start, end in case["spans"]:
                start, end = _trimmed(case["text"], start, end)
                yield Expectation(suite["suite"], case["text"], case["text"][start:end], start, end)


EXPECTATIONS = list(_expectations())
DIFFERENCES = {(d["suite"], d["text"], d.get("value")): d for d in DATA["differences"]}


@pytest.fixture(scope="module")
def findings() -> dict[str, list[Finding]]:
    """Every vendored text through one detector with the default policy: confident and review findings."""
    from gdprep.privacy.engine import Detector

    detector = Detector(load_policy("uk-gdpr-default"))
    texts = sorted({case["text"] for suite in DATA["suites"] for case in suite["cases"]})
    scanned = detector.scan_records([[("text", text)] for text in texts])
    return {text: kept + below for text, (kept, below) in zip(texts, scanned, strict=True)}


def _holds(expectation: Expectation, found: list[Finding]) -> bool:
    if expectation.value is None:
        return not found
    types = SUITES[expectation.suite]["types"]
    return any(f.start == expectation.start and f.end == expectation.end and f.entity_type in types for f in found)


def _describe(found: list[Finding], text: str) -> list[tuple[str, str, float]]:
    return [(text[f.start:f.end], f.entity_type, round(f.score, 2)) for f in found]


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_positives_found(suite: str, findings: dict[str, list[Finding]]) -> None:
    missed = [(e.text, e.value, _describe(findings[e.text], e.text)) for e in EXPECTATIONS
              if e.suite == suite and e.value is not None and (suite, e.text, e.value) not in DIFFERENCES
              and not _holds(e, findings[e.text])]
    assert missed == []


@pytest.mark.parametrize("suite", sorted(SUITES))
def test_negatives_left_alone(suite: str, findings: dict[str, list[Finding]]) -> None:
    reported = [(e.text, _describe(findings[e.text], e.text)) for e in EXPECTATIONS
                if e.suite == suite and e.value is None and (suite, e.text, None) not in DIFFERENCES
                and not _holds(e, findings[e.text])]
    assert reported == []


def test_every_listed_difference_still_holds(findings: dict[str, list[Finding]]) -> None:
    stale = []
    for expectation in EXPECTATIONS:
        difference = DIFFERENCES.get((expectation.suite, expectation.text, expectation.value))
        if difference is not None and _holds(expectation, findings[expectation.text]):
            stale.append((expectation.suite, expectation.text, difference["reason"]))
    assert stale == []


def test_differences_name_vendored_cases_and_say_why() -> None:
    known = {(e.suite, e.text, e.value) for e in EXPECTATIONS}
    for key, difference in DIFFERENCES.items():
        assert key in known, f"difference for a case the fixture does not hold: {key}"
        assert difference["outcome"] == ("reported" if key[2] is None else "missed")
        assert difference["kind"] in ("deliberate", "gap")
        assert len(difference["reason"]) > 30
    assert len(DIFFERENCES) == len(DATA["differences"]), "a difference is listed twice"


def test_fixture_names_its_origin_and_gdprep_types() -> None:
    assert DATA["origin"]["repository"] == "https://github.com/microsoft/presidio"
    for suite in DATA["suites"]:
        assert suite["path"].startswith("presidio-analyzer/tests/test_") and suite["path"].endswith(".py")
        assert len(suite["commit"]) == 40 and int(suite["commit"], 16) >= 0
        assert suite["types"] and set(suite["types"]) <= set(ENTITY_TYPES), suite["suite"]
        assert load_policy("uk-gdpr-default").entities.keys() >= set(suite["types"]), suite["suite"]
        for case in suite["cases"]:
            assert all(0 <= start < end <= len(case["text"]) for start, end in case["spans"]), case


def test_most_of_the_peers_cases_hold_without_a_listed_difference() -> None:
    # the differences are exceptions: if they grew to a large share, the conformance claim would be empty
    positives = [e for e in EXPECTATIONS if e.value is not None]
    negatives = [e for e in EXPECTATIONS if e.value is None]
    missed = sum((e.suite, e.text, e.value) in DIFFERENCES for e in positives)
    reported = sum((e.suite, e.text, None) in DIFFERENCES for e in negatives)
    assert missed / len(positives) < 0.25 and reported / len(negatives) < 0.15
