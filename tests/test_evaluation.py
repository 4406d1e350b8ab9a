"""Evaluation metrics: hand-computed examples, the 50 % overlap boundary, aliases, F2 and gold-file errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gdprep.errors import InputError
from gdprep.privacy.evaluation import (
    DEFAULT_ALIASES,
    CharScore,
    EntityScore,
    GoldRecord,
    Span,
    compatible,
    evaluate,
    f2_score,
    format_table,
    load_gold_jsonl,
)

TEXT = "x" * 60


def _one(gold: list[Span], preds: list[Span], **kwargs: object) -> tuple[EntityScore, CharScore]:
    report = evaluate([GoldRecord("r", TEXT, gold)], {"r": preds}, **kwargs)  # type: ignore[arg-type]
    return report.entity_overall, report.char_overall


@pytest.mark.parametrize(("gold", "pred", "found", "tp"), [
    ((0, 10), (0, 10), 1, 1),
    ((0, 10), (5, 20), 1, 0),    # 5 of gold's 10 chars (exactly 50 %), 5 of pred's 15 (< 50 %)
    ((0, 10), (6, 20), 0, 0),    # 4 of 10: just below the threshold
    ((0, 10), (5, 10), 1, 1),    # 5 of 10 and 5 of 5
    ((0, 10), (10, 20), 0, 0),   # touching, no shared character
    ((0, 5), (0, 3), 1, 1),      # 3 >= 2.5
    ((0, 5), (0, 2), 0, 1),      # 2 < 2.5 for gold, but all of the prediction is inside gold
    ((0, 4), (2, 10), 1, 0),     # 2 of 4 (exactly half) vs 2 of 8
])
def test_overlap_threshold_boundaries(gold: tuple[int, int], pred: tuple[int, int], found: int,
                                      tp: int) -> None:
    entity, _ = _one([Span(*gold, "PERSON")], [Span(*pred, "PERSON")])
    assert (entity.found_gold, entity.tp_pred) == (found, tp)


def test_wrong_type_never_matches_even_with_full_overlap() -> None:
    entity, char = _one([Span(0, 10, "PERSON")], [Span(0, 10, "EMAIL_ADDRESS")])
    assert (entity.found_gold, entity.tp_pred) == (0, 0)
    assert (char.precision, char.recall) == (1.0, 1.0)  # character level is type-agnostic


def _worked_example() -> tuple[list[GoldRecord], dict[str, list[Span]]]:
    gold = [
        GoldRecord("r1", "a" * 40, [Span(0, 10, "PERSON"), Span(20, 35, "EMAIL_ADDRESS")]),
        GoldRecord("r2", "b" * 40, [Span(5, 15, "UK_NHS"), Span(20, 31, "DE_TAX_ID")]),
    ]
    predictions = {
        # two overlapping PERSON predictions over one name, and a false positive phone number
        "r1": [Span(0, 8, "PERSON"), Span(4, 10, "PERSON"), Span(36, 40, "PHONE_NUMBER")],
        # the 11-digit ID is right in place but labelled PESEL: not compatible
        "r2": [Span(5, 15, "UK_NHS"), Span(20, 31, "PL_PESEL")],
    }
    return gold, predictions


def test_worked_example_entity_level() -> None:
    report = evaluate(*_worked_example())
    overall = report.entity_overall
    assert (overall.n_gold, overall.found_gold, overall.n_pred, overall.tp_pred) == (4, 2, 5, 3)
    assert overall.precision == pytest.approx(0.6)
    assert overall.recall == pytest.approx(0.5)
    assert overall.f2 == pytest.approx(1.5 / 2.9)
    assert report.entity == {
        "DE_TAX_ID": EntityScore(n_gold=1, found_gold=0),
        "EMAIL_ADDRESS": EntityScore(n_gold=1, found_gold=0),
        "PERSON": EntityScore(n_gold=1, found_gold=1, n_pred=2, tp_pred=2),
        "PHONE_NUMBER": EntityScore(n_pred=1, tp_pred=0),
        "PL_PESEL": EntityScore(n_pred=1, tp_pred=0),
        "UK_NHS": EntityScore(n_gold=1, found_gold=1, n_pred=1, tp_pred=1),
    }


def test_worked_example_character_level() -> None:
    report = evaluate(*_worked_example())
    # r1: gold 10 + 15 = 25, predictions union [0,10) + [36,40) = 14 (not 8 + 6 + 4), shared 10
    # r2: gold 10 + 11 = 21, predictions 21, shared 21
    assert report.char_overall == CharScore(gold_chars=46, gold_covered=31, pred_chars=35, pred_in_gold=31)
    assert report.char_overall.precision == pytest.approx(31 / 35)
    assert report.char_overall.recall == pytest.approx(31 / 46)
    assert report.char == {
        "DE_TAX_ID": CharScore(gold_chars=11, gold_covered=11),
        "EMAIL_ADDRESS": CharScore(gold_chars=15, gold_covered=0),
        "PERSON": CharScore(gold_chars=10, gold_covered=10, pred_chars=10, pred_in_gold=10),
        "PHONE_NUMBER": CharScore(pred_chars=4, pred_in_gold=0),
        "PL_PESEL": CharScore(pred_chars=11, pred_in_gold=11),
        "UK_NHS": CharScore(gold_chars=10, gold_covered=10, pred_chars=10, pred_in_gold=10),
    }


@pytest.mark.parametrize(("preds", "pred_chars"), [
    ([Span(0, 10, "PERSON")], 10),
    ([Span(0, 10, "PERSON"), Span(0, 10, "PERSON")], 10),            # duplicate
    ([Span(0, 6, "PERSON"), Span(3, 10, "PERSON")], 10),             # overlapping
    ([Span(0, 10, "PERSON"), Span(2, 5, "UK_NHS")], 10),              # nested, different type
    ([Span(0, 5, "PERSON"), Span(5, 10, "PERSON")], 10),              # adjacent
])
def test_overlapping_predictions_are_not_double_counted(preds: list[Span], pred_chars: int) -> None:
    _, char = _one([Span(0, 10, "PERSON")], preds)
    assert char == CharScore(gold_chars=10, gold_covered=10, pred_chars=pred_chars, pred_in_gold=10)
    assert char.precision == 1.0


def test_predicted_characters_in_ignored_ranges_do_not_count() -> None:
    # gold street [0, 10); the prediction runs on over an ignored city [12, 20) and an unlabelled ", " [10, 12)
    report = evaluate([GoldRecord("r", TEXT, [Span(0, 10, "STREET_ADDRESS")])], {"r": [Span(0, 20, "STREET_ADDRESS")]},
                      ignore={"r": [Span(12, 20, "CITY"), Span(40, 50, "CITY")]})
    assert report.char_overall == CharScore(gold_chars=10, gold_covered=10, pred_chars=12, pred_in_gold=10)
    assert report.char["STREET_ADDRESS"].pred_chars == 12
    # without the ignore ranges every predicted character counts
    _, char = _one([Span(0, 10, "STREET_ADDRESS")], [Span(0, 20, "STREET_ADDRESS")])
    assert char.pred_chars == 20


def test_overlapping_gold_spans_are_not_double_counted() -> None:
    gold = [Span(0, 10, "STREET_ADDRESS"), Span(6, 10, "UK_POSTCODE")]
    _, char = _one(gold, [Span(0, 5, "STREET_ADDRESS")])
    assert char == CharScore(gold_chars=10, gold_covered=5, pred_chars=5, pred_in_gold=5)


@pytest.mark.parametrize(("predicted", "gold", "expected"), [
    ("PERSON", "PERSON", True),
    ("UK_POSTCODE", "STREET_ADDRESS", True),
    ("STREET_ADDRESS", "UK_POSTCODE", True),
    ("LOCATION", "STREET_ADDRESS", True),
    ("STREET_ADDRESS", "LOCATION", False),
    ("DE_TAX_ID", "PL_PESEL", False),
    ("PL_PESEL", "DE_TAX_ID", False),
    ("ES_DNI", "ES_NIE", False),
    ("PHONE_NUMBER", "UK_NHS", False),
])
def test_default_alias_table(predicted: str, gold: str, expected: bool) -> None:
    assert compatible(predicted, gold) is expected


def test_default_alias_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        DEFAULT_ALIASES["DE_TAX_ID"] = frozenset({"PL_PESEL"})  # type: ignore[index]


@pytest.mark.parametrize(("aliases", "found", "tp"), [
    (DEFAULT_ALIASES, 0, 1),   # postcode inside the address: a true positive, but the address is not found
    ({}, 0, 0),
])
def test_postcode_inside_gold_address(aliases: dict[str, frozenset[str]], found: int, tp: int) -> None:
    entity, _ = _one([Span(0, 30, "STREET_ADDRESS")], [Span(22, 30, "UK_POSTCODE")], aliases=aliases)
    assert (entity.found_gold, entity.tp_pred) == (found, tp)


@pytest.mark.parametrize(("aliases", "found", "tp"), [
    (DEFAULT_ALIASES, 0, 0),
    ({"PL_PESEL": frozenset({"DE_TAX_ID"})}, 1, 1),
])
def test_ambiguous_national_ids_only_match_when_configured(aliases: dict[str, frozenset[str]], found: int,
                                                          tp: int) -> None:
    entity, _ = _one([Span(0, 11, "DE_TAX_ID")], [Span(0, 11, "PL_PESEL")], aliases=aliases)
    assert (entity.found_gold, entity.tp_pred) == (found, tp)


@pytest.mark.parametrize(("precision", "recall", "expected"), [
    (0.0, 0.0, 0.0),
    (1.0, 1.0, 1.0),
    (0.5, 1.0, 2.5 / 3.0),
    (1.0, 0.5, 2.5 / 4.5),
    (0.6, 0.5, 1.5 / 2.9),
    (0.0, 1.0, 0.0),
    (1.0, 0.0, 0.0),
])
def test_f2_formula(precision: float, recall: float, expected: float) -> None:
    assert f2_score(precision, recall) == pytest.approx(expected)


def test_missing_predictions_mean_nothing_found_and_nothing_predicted() -> None:
    report = evaluate([GoldRecord("r", TEXT, [Span(0, 5, "PERSON")])], {})
    assert report.entity_overall == EntityScore(n_gold=1, found_gold=0)
    overall = report.entity_overall
    assert (overall.precision, overall.recall, overall.f2) == (0, 0, 0)


def test_predictions_are_clipped_to_the_text() -> None:
    gold = [GoldRecord("r", "abcdefghij", [Span(5, 10, "PERSON")])]
    report = evaluate(gold, {"r": [Span(5, 99, "PERSON")]})
    assert report.char_overall == CharScore(gold_chars=5, gold_covered=5, pred_chars=5, pred_in_gold=5)


def test_predictions_for_unknown_ids_are_an_error() -> None:
    with pytest.raises(InputError, match=r"1 record id\(s\) that are not in the gold set \(zz\)"):
        evaluate([GoldRecord("r", TEXT, [])], {"zz": [Span(0, 1, "PERSON")]})


def test_report_to_dict_and_table() -> None:
    report = evaluate(*_worked_example())
    data = json.loads(json.dumps(report.to_dict()))
    assert data["schema_version"] == 1
    assert data["n_records"] == 2
    assert data["entity"]["overall"]["precision"] == pytest.approx(0.6)
    assert data["char"]["by_type"]["PERSON"]["pred_chars"] == 10
    assert data["aliases"]["UK_POSTCODE"] == ["STREET_ADDRESS"]
    table = format_table(report)
    lines = table.splitlines()
    assert lines[0] == "records: 2"
    assert lines[1].split() == ["type", "gold", "found", "pred", "tp", "P", "R", "F2",
                                "char", "P", "char", "R", "char", "F2"]
    assert lines[-1].split()[:8] == ["ALL", "4", "2", "5", "3", "0.600", "0.500", "0.517"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[3:] if not line.startswith("-")}
    # "-" marks an undefined ratio: no predictions (precision) or no gold (recall) of that type
    assert rows["PL_PESEL"] == ["0", "0", "1", "0", "0.000", "-", "-", "1.000", "-", "-"]
    assert rows["DE_TAX_ID"] == ["1", "0", "0", "0", "-", "0.000", "-", "-", "1.000", "-"]


# --- gold loading -------------------------------------------------------------------------------------

GOOD_LINE = json.dumps({"id": "a", "text": "Jane Doe", "spans": [{"start": 0, "end": 8, "type": "PERSON"}]})


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_gold_jsonl(tmp_path: Path) -> None:
    second = json.dumps({"text": "Bob at 10.0.0.1", "spans": [
        {"start": 7, "end": 15, "type": "IP_ADDRESS", "text": "10.0.0.1"}], "lang": "en"})
    records = load_gold_jsonl(_write(tmp_path, GOOD_LINE, "", second))
    assert records == [
        GoldRecord("a", "Jane Doe", [Span(0, 8, "PERSON")]),
        GoldRecord("line-3", "Bob at 10.0.0.1", [Span(7, 15, "IP_ADDRESS")]),
    ]


def _span(start: object, end: object, kind: object = "PERSON", **extra: object) -> str:
    span = {"start": start, "end": end, "type": kind, **extra}
    return json.dumps({"id": "b", "text": "abc", "spans": [span]})


@pytest.mark.parametrize(("line", "message"), [
    ("{not json", r"gold\.jsonl:2: invalid JSON .*each line must be one JSON object"),
    ("[1, 2]", r"expected a JSON object, got list"),
    (json.dumps({"id": "b", "spans": []}), r"missing field `text`"),
    (json.dumps({"id": "b", "text": "abc"}), r"missing field `spans`.*use \[\] for none"),
    (json.dumps({"id": "b", "text": 5, "spans": []}), r"`text` must be a string, got int"),
    (json.dumps({"id": "b", "text": "abc", "spans": {}}), r"`spans` must be a list, got dict"),
    (json.dumps({"id": ["b"], "text": "abc", "spans": []}), r"`id` must be a string or integer"),
    (json.dumps({"id": "b", "text": "abc", "spans": ["PERSON"]}), r"spans\[0\] must be an object"),
    (json.dumps({"id": "b", "text": "abc", "spans": [{"start": 0, "end": 1}]}),
     r"spans\[0\] is missing `type`"),
    (_span(2, 2), r"spans\[0\]: start \(2\) must be less than end \(2\); end is exclusive"),
    (_span(2, 1), r"start \(2\) must be less than end \(1\)"),
    (_span(0, 10), r"span 0-10 is out of range for a text of 3 characters"),
    (_span(-1, 2), r"span -1-2 is out of range"),
    (_span("0", 2), r"`start` and `end` must be integers"),
    (_span(True, 2), r"`start` and `end` must be integers"),
    (_span(0, 2, "NAME"), r"unknown entity type 'NAME'; use one of .*PERSON"),
    (_span(0, 2, text="xy"), r"`text` 'xy' does not match text\[0:2\] 'ab'; fix the offsets"),
    (GOOD_LINE, r"duplicate id 'a' \(first on line 1\)"),
])
def test_bad_gold_lines(tmp_path: Path, line: str, message: str) -> None:
    path = _write(tmp_path, GOOD_LINE, line)
    with pytest.raises(InputError, match=message) as info:
        load_gold_jsonl(path)
    assert (info.value.path, info.value.line) == (str(path), 2)


def test_missing_gold_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.jsonl: cannot open gold file .*check the path"):
        load_gold_jsonl(tmp_path / "missing.jsonl")
