"""Tests for the redaction report: exact counts, bounded memory, masking, and a safe self-contained HTML page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gdprep.errors import UsageError
from gdprep.policies.schema import Policy
from gdprep.privacy.findings import Finding
from gdprep.privacy.report import (
    FlagInfo,
    ReportBuilder,
    mask_residual,
    mask_snippet,
    normalise_field,
    shape_of,
)
from gdprep.privacy.report_html import write_report

NAME = "Jonathan Whitfield"
EMAIL = "j.whitfield@example.org"
PHONE = "020 7946 0958"
IBAN = "GB82WEST12345698765432"
PII_TEXT = f"Hello, my name is {NAME} and you can write to {EMAIL} or call {PHONE}; pay into {IBAN} please."


def _policy(**overrides: object) -> Policy:
    data: dict[str, object] = {
        "schema_version": 1,
        "name": "test-policy",
        "languages": ["en"],
        "entities": {"PERSON": {"threshold": 0.6}, "EMAIL_ADDRESS": {"threshold": 0.5},
                     "PHONE_NUMBER": {"threshold": 0.5}, "IBAN_CODE": {"threshold": 0.5}},
        "review_band": {"low": 0.35, "high": 0.6},
    }
    data.update(overrides)
    return Policy.model_validate(data)


def _finish(builder: ReportBuilder, n: int = 0) -> dict:
    return builder.finish(command="gdprep redact", input_path="in.jsonl", output_path="out.jsonl", n_in=n,
                          n_out=n, n_quarantined=0, n_dropped=0, elapsed_s=1.0)


def _span(text: str, value: str, kind: str, score: float, field: str = "text",
          recognizer: str = "TestRecognizer") -> Finding:
    start = text.index(value)
    return Finding(field, start, start + len(value), kind, score, recognizer)


# ------------------------------------------------------------------------------------------------ counts

def test_counts_are_exact() -> None:
    builder = ReportBuilder(_policy(), top_n=2)
    msg = f"call {PHONE}"
    builder.add_record("r1", texts={"text": PII_TEXT}, action="redacted", flags=[], kept=[
        _span(PII_TEXT, NAME, "PERSON", 0.85, recognizer="SpacyRecognizer"),
        _span(PII_TEXT, EMAIL, "EMAIL_ADDRESS", 1.0, recognizer="EmailRecognizer"),
        _span(PII_TEXT, IBAN, "IBAN_CODE", 1.0, recognizer="IbanRecognizer"),
    ], below_threshold=[_span(PII_TEXT, PHONE, "PHONE_NUMBER", 0.4, recognizer="PhoneRecognizer")])
    builder.add_record("r2", texts={"messages[0].content": msg, "messages[3].content": msg}, action="review",
                       kept=[_span(msg, PHONE, "PHONE_NUMBER", 0.75, "messages[0].content", "PhoneRecognizer"),
                             _span(msg, PHONE, "PHONE_NUMBER", 0.75, "messages[3].content", "PhoneRecognizer")],
                       below_threshold=[],
                       flags=[FlagInfo("health", "Diagnosed with", "messages[0].content", 0, 14),
                              FlagInfo("health", "diagnosed with", "messages[3].content", 0, 14),
                              FlagInfo("criminal", "convicted of", "messages[3].content", 20, 32)])
    builder.add_record("r3", texts={"text": "nothing here"}, kept=[], below_threshold=[], flags=[],
                       action="unchanged")
    builder.add_quarantined("bad_json")
    builder.add_quarantined("bad_json")
    builder.add_quarantined("text_too_long")
    report = builder.finish(command="gdprep redact", input_path="in.jsonl", output_path=None, n_in=6, n_out=3,
                            n_quarantined=3, n_dropped=0, elapsed_s=2.0, extra={"seed": 7})

    assert report["findings"]["total"] == 5
    assert report["findings"]["by_entity_type"] == {"PHONE_NUMBER": 2, "EMAIL_ADDRESS": 1, "IBAN_CODE": 1,
                                                    "PERSON": 1}
    assert list(report["findings"]["by_entity_type"])[0] == "PHONE_NUMBER"
    assert report["findings"]["by_recognizer"] == {"PhoneRecognizer": 2, "EmailRecognizer": 1,
                                                   "IbanRecognizer": 1, "SpacyRecognizer": 1}
    assert report["findings"]["by_field"] == {"messages[].content": 2, "text": 3}
    assert report["below_threshold"]["total"] == 1
    assert report["below_threshold"]["by_entity_type"] == {"PHONE_NUMBER": 1}
    assert report["records"] == {"in": 6, "out": 3, "scanned": 3, "with_findings": 2, "quarantined": 3,
                                 "quarantine_reasons": {"bad_json": 2, "text_too_long": 1}, "dropped": 0,
                                 "duplicate_ids": 0, "duplicate_id_lines": []}
    assert report["timing"] == {"elapsed_s": 2.0, "records_per_s": 3.0}
    assert [r["record_id"] for r in report["top_records"]] == ["r1", "r2"]
    assert report["top_records"][1] == {"record_id": "r2", "count": 2, "types": {"PHONE_NUMBER": 2}}
    special = report["special_categories"]
    assert special["records_flagged"] == 1
    assert special["by_category"] == {"health": 2, "criminal": 1}
    assert special["records_by_category"] == {"criminal": 1, "health": 1}
    assert special["by_cue"] == {"diagnosed with": 2, "convicted of": 1}
    assert special["records_by_action"] == {"redacted": 1, "review": 1, "dropped": 0, "unchanged": 1}
    assert special["flagged_records"] == [{"record_id": "r2", "categories": ["criminal", "health"],
                                           "cues": ["convicted of", "diagnosed with"], "action": "review"}]
    assert report["review_total"] == 1
    assert report["review_queue"][0]["entity_type"] == "PHONE_NUMBER"
    assert report["review_queue"][0]["redacted"] is False
    assert report["policy"]["hash"] == _policy().canonical_hash()
    assert report["extra"] == {"seed": 7}
    assert report["versions"]["gdprep"]


@pytest.mark.parametrize(("scores", "expected_bins"), [
    ([0.0, 0.05, 0.1], {0: 2, 1: 1}),
    ([0.3, 0.7, 0.6, 0.59999], {3: 1, 7: 1, 6: 1, 5: 1}),
    ([0.95, 1.0, 0.99], {9: 3}),
    ([], {}),
    ([0.35, 0.45, 0.55, 0.65, 0.85], {3: 1, 4: 1, 5: 1, 6: 1, 8: 1}),
])
def test_histogram_bins_sum_to_findings(scores: list[float], expected_bins: dict[int, int]) -> None:
    builder = ReportBuilder(_policy())
    threshold = 0.5
    for i, score in enumerate(scores):
        finding = Finding("text", 0, 4, "PERSON", score, "R")
        kept = [finding] if score >= threshold else []
        below = [] if kept else [finding]
        builder.add_record(f"r{i}", texts={"text": "Anna x"}, kept=kept, below_threshold=below, flags=[],
                           action="redacted")
    report = _finish(builder, len(scores))
    hist = report["score_histogram"]
    assert sum(b["count"] for b in hist["bins"]) == len(scores) == hist["total"]
    assert hist["total"] == report["findings"]["total"] + report["below_threshold"]["total"]
    assert sum(b["redacted"] for b in hist["bins"]) == report["findings"]["total"]
    assert {i: b["count"] for i, b in enumerate(hist["bins"]) if b["count"]} == expected_bins
    assert len(hist["bins"]) == 10


def test_memory_stays_bounded_over_50000_records() -> None:
    builder = ReportBuilder(_policy(), top_n=20, review_limit=500)
    text = "Contact Anna Berg at the office"
    for i in range(50_000):
        n = i % 7
        kept = [Finding("text", 8, 17, "PERSON", 0.9, "R")] * n
        builder.add_record(f"rec-{i}", texts={"text": text}, kept=kept, action="unchanged", flags=[],
                           below_threshold=[Finding("text", 8, 17, "PERSON", 0.4, "R")])
    report = _finish(builder, 50_000)
    assert len(report["review_queue"]) <= 500
    assert report["review_truncated"] is True
    assert report["review_total"] == 50_000
    assert len(report["top_records"]) <= 20
    assert {r["count"] for r in report["top_records"]} == {6}
    assert report["top_records"][0]["record_id"] == "rec-6"  # earliest wins among equals
    assert report["findings"]["total"] == sum(i % 7 for i in range(50_000))


@pytest.mark.parametrize(("top_n", "review_limit", "n_records", "expected_top", "expected_review"), [
    (0, 0, 10, 0, 0),
    (3, 2, 10, 3, 2),
    (50, 50, 10, 10, 10),
])
def test_caps_are_respected(top_n: int, review_limit: int, n_records: int, expected_top: int,
                            expected_review: int) -> None:
    builder = ReportBuilder(_policy(), top_n=top_n, review_limit=review_limit)
    for i in range(n_records):
        builder.add_record(str(i), texts={"text": "Anna"}, kept=[Finding("text", 0, 4, "PERSON", 0.5, "R")],
                           below_threshold=[], flags=[], action="redacted")
    report = _finish(builder, n_records)
    assert len(report["top_records"]) == expected_top
    assert len(report["review_queue"]) == expected_review
    assert report["review_truncated"] is (expected_review < n_records)


# ----------------------------------------------------------------------------------------------- masking

@pytest.mark.parametrize(("value", "shape"), [
    ("Jane Doe", "Xxxx Xxx"),
    ("01234 567890", "99999 999999"),
    ("j.doe@mail.eu", "x.xxx@xxxx.xx"),
    ("GB82 WEST 1234", "XX99 XXXX 9999"),
    ("Ünal Öz-Şahin", "Xxxx Xx-Xxxxx"),
])
def test_shape_of(value: str, shape: str) -> None:
    assert shape_of(value) == shape


@pytest.mark.parametrize(("text", "masked"), [
    ("ring 07700 900123 now", "ring 99999 999999 now"),
    ("mail a.b@c.org now", "mail ⟦email⟧ now"),
    ("see https://example.org/u/anna", "see ⟦url⟧"),
    ("aged 42 in room 7", "aged 42 in room 7"),
    ("sort code 12-34-56", "sort code 99-99-99"),
])
def test_mask_residual(text: str, masked: str) -> None:
    assert mask_residual(text) == masked


@pytest.mark.parametrize(("text", "target", "others", "window", "expected"), [
    ("Hi Anna Berg!", ("Anna Berg", "PERSON"), [], 40, "Hi ⟦PERSON: Xxxx Xxxx⟧!"),
    ("Write to Anna Berg at anna@berg.de today", ("Anna Berg", "PERSON"), [("anna@berg.de", "EMAIL_ADDRESS")],
     40, "Write to ⟦PERSON: Xxxx Xxxx⟧ at ⟦EMAIL_ADDRESS⟧ today"),
    ("one two three four Anna Berg five six seven eight", ("Anna Berg", "PERSON"), [], 10,
     "…four ⟦PERSON: Xxxx Xxxx⟧ five six…"),
    ("Anna lives at 12 High Street, call 0161 496 0000", ("12 High Street", "STREET_ADDRESS"), [], 40,
     "Anna lives at ⟦STREET_ADDRESS: 99 Xxxx Xxxxxx⟧, call 9999 999 9999"),
    ("Anna\nBerg wrote", ("Anna\nBerg", "PERSON"), [], 40, "⟦PERSON: Xxxx Xxxx⟧ wrote"),
    # a span cut by the window edge is still masked whole
    ("reach me on +44 20 7946 0958 or Anna Berg", ("Anna Berg", "PERSON"), [("+44 20 7946 0958", "PHONE_NUMBER")],
     12, "…⟦PHONE_NUMBER⟧ or ⟦PERSON: Xxxx Xxxx⟧"),
])
def test_mask_snippet(text: str, target: tuple[str, str], others: list[tuple[str, str]], window: int,
                      expected: str) -> None:
    start = text.index(target[0])
    spans = [(start, start + len(target[0]), target[1])]
    spans += [(text.index(value), text.index(value) + len(value), kind) for value, kind in others]
    assert mask_snippet(text, start, start + len(target[0]), spans, window=window) == expected


def _pii_report(tmp_path: Path, record_id: str = "rec-1") -> tuple[dict, str, str]:
    builder = ReportBuilder(_policy())
    # every value is in the review band, so each gets a snippet that sees all the others;
    # the phone is not reported by any recognizer and must be caught by the residual masking
    builder.add_record(record_id, texts={"text": PII_TEXT}, action="redacted", flags=[], kept=[
        _span(PII_TEXT, EMAIL, "EMAIL_ADDRESS", 0.55), _span(PII_TEXT, IBAN, "IBAN_CODE", 0.5),
    ], below_threshold=[_span(PII_TEXT, NAME, "PERSON", 0.45)])
    report = _finish(builder, 1)
    html_path = write_report(report, tmp_path / "REPORT.json")
    return report, (tmp_path / "REPORT.json").read_text(encoding="utf-8"), html_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("raw", [NAME, "Whitfield", "Jonathan", EMAIL, "whitfield@", PHONE, "7946", "0958",
                                 IBAN, "12345698765432"])
def test_raw_pii_never_appears_in_outputs(tmp_path: Path, raw: str) -> None:
    report, json_text, html = _pii_report(tmp_path)
    assert len(report["review_queue"]) == 3
    assert raw not in json_text
    assert raw not in html


def test_html_is_self_contained_and_stamped(tmp_path: Path) -> None:
    report, json_text, html = _pii_report(tmp_path)
    assert (tmp_path / "REPORT.html").exists()
    assert "http" not in html.lower()
    assert "<script" not in html.lower()
    assert "<svg" in html
    assert "<link" not in html.lower()
    assert '<html lang="en">' in html
    assert html.count("<caption>") >= 6
    assert report["policy"]["hash"] in html
    assert report["policy"]["hash"] in json_text
    assert json.loads(json_text)["schema_version"] == 1


@pytest.mark.parametrize("record_id", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_record_ids_are_escaped(tmp_path: Path, record_id: str) -> None:
    _report, json_text, html = _pii_report(tmp_path, record_id=record_id)
    assert json.loads(json_text)["review_queue"][0]["record_id"] == record_id
    assert record_id not in html
    assert "<script" not in html.lower()
    assert "&lt;" in html


# ------------------------------------------------------------------------------------------ input checks

@pytest.mark.parametrize(("field", "normalised"), [
    ("messages[3].content", "messages[].content"),
    ("messages[12].content", "messages[].content"),
    ("text", "text"),
    ("turns[0].parts[2]", "turns[].parts[]"),
])
def test_normalise_field(field: str, normalised: str) -> None:
    assert normalise_field(field) == normalised


@pytest.mark.parametrize("kwargs", [{"top_n": -1}, {"review_limit": -5}, {"snippet_window": -1}])
def test_builder_rejects_negative_limits(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="must be >= 0"):
        ReportBuilder(_policy(), **kwargs)


@pytest.mark.parametrize(("action", "ok"), [("redacted", True), ("review", True), ("dropped", True),
                                            ("unchanged", True), ("deleted", False), ("", False)])
def test_add_record_checks_action(action: str, ok: bool) -> None:
    builder = ReportBuilder(_policy())
    if ok:
        builder.add_record("r", texts={}, kept=[], below_threshold=[], flags=[], action=action)
        assert _finish(builder)["special_categories"]["records_by_action"][action] == 1
    else:
        with pytest.raises(ValueError, match="record action must be one of"):
            builder.add_record("r", texts={}, kept=[], below_threshold=[], flags=[], action=action)


def test_write_report_refuses_html_path(tmp_path: Path) -> None:
    report = _finish(ReportBuilder(_policy()))
    with pytest.raises(UsageError, match="give the JSON path"):
        write_report(report, tmp_path / "REPORT.html")


@pytest.mark.parametrize(("score_a", "score_b"), [(0.4, 0.5), (0.5, 0.4)])
def test_review_snippet_labels_its_own_type_when_spans_coincide(score_a: float, score_b: float) -> None:
    text = "account 12345678 closed"
    builder = ReportBuilder(_policy())
    builder.add_record("r", texts={"text": text}, kept=[], flags=[], action="unchanged", below_threshold=[
        _span(text, "12345678", "UK_BANK_ACCOUNT", score_a), _span(text, "12345678", "PHONE_NUMBER", score_b)])
    queue = _finish(builder, 1)["review_queue"]
    assert [(item["entity_type"], item["snippet"]) for item in queue] == [
        ("UK_BANK_ACCOUNT", "account ⟦UK_BANK_ACCOUNT: 99999999⟧ closed"),
        ("PHONE_NUMBER", "account ⟦PHONE_NUMBER: 99999999⟧ closed")]
