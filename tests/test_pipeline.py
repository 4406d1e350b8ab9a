"""Finding resolution under a policy, streaming behaviour and record accounting."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from gdprep.policies import Policy, load_policy
from gdprep.privacy.findings import RawFinding
from gdprep.privacy.pipeline import PrivacyScanner, RunSummary
from gdprep.privacy.resolution import resolve
from gdprep.records import BadRecord, Record

from .conftest import read_jsonl, write_jsonl

POLICY = load_policy("uk-gdpr-default")


def raw(start: int, end: int, etype: str, score: float = 0.9, name: str = "r") -> RawFinding:
    return RawFinding(start, end, etype, score, name)


def test_contained_span_merges_into_container() -> None:
    text = "Flat 3, 14 Kingsway Road, Leeds LS6 2QT"
    kept, below = resolve([raw(0, len(text), "STREET_ADDRESS", 0.7), raw(32, 39, "UK_POSTCODE", 1.0),
                           raw(26, 39, "PERSON", 0.85)], text, "text", POLICY)
    assert [(k.start, k.end, k.entity_type) for k in kept] == [(0, len(text), "STREET_ADDRESS")]
    assert below == []


def test_partial_overlap_is_unioned_so_nothing_leaks() -> None:
    text = "Contact Mary Ann Smith-Jones today"
    kept, _ = resolve([raw(8, 16, "PERSON", 0.85), raw(13, 28, "PERSON", 0.6)], text, "text", POLICY)
    assert [(k.start, k.end) for k in kept] == [(8, 28)]


def test_parts_of_one_address_found_apart_become_one_span() -> None:
    text = "Flat 12, Block C, 45 Nelson Mandela Drive\nDurban 4001 | call Ann Lee"
    street = text.index("45")
    town = text.index("Durban")
    kept, _ = resolve([raw(0, 16, "STREET_ADDRESS", 0.7), raw(street, town - 1, "STREET_ADDRESS", 0.85),
                       raw(town, town + 11, "STREET_ADDRESS", 0.6), raw(text.index("Ann"), len(text), "PERSON")],
                      text, "text", POLICY)
    assert [(text[k.start:k.end], k.entity_type) for k in kept] == [
        ("Flat 12, Block C, 45 Nelson Mandela Drive\nDurban 4001", "STREET_ADDRESS"), ("Ann Lee", "PERSON")]


def test_an_address_is_not_joined_to_a_name_or_across_words() -> None:
    text = "Ann Lee, 5 Mill Lane and 7 Park Road"
    kept, _ = resolve([raw(0, 7, "PERSON"), raw(9, 20, "STREET_ADDRESS"), raw(25, 36, "STREET_ADDRESS")],
                      text, "text", POLICY)
    assert [text[k.start:k.end] for k in kept] == ["Ann Lee", "5 Mill Lane", "7 Park Road"]


def test_same_span_keeps_higher_score_type() -> None:
    text = "ref 943 476 5919"
    kept, _ = resolve([raw(4, 16, "PHONE_NUMBER", 0.75), raw(4, 16, "UK_NHS", 1.0)], text, "text", POLICY)
    assert [k.entity_type for k in kept] == ["UK_NHS"]


def test_threshold_and_review_band() -> None:
    text = "aaaa bbbb cccc dddd"
    kept, below = resolve([raw(0, 4, "PERSON", 0.55), raw(5, 9, "PERSON", 0.45), raw(10, 14, "PERSON", 0.2)],
                          text, "text", POLICY)
    assert [(k.start, k.score) for k in kept] == [(0, 0.55)]
    assert [(b.start, b.score) for b in below] == [(5, 0.45)]  # 0.2 is under review_band.low (0.3)


def test_types_outside_policy_are_ignored() -> None:
    policy = Policy.model_validate({"schema_version": 1, "name": "x", "languages": ["en"],
                                    "entities": {"EMAIL_ADDRESS": {}}})
    kept, below = resolve([raw(0, 4, "PERSON", 0.99)], "Jane", "text", policy)
    assert kept == [] and below == []


@pytest.mark.parametrize("token", ["<PERSON_12>", "<EMAIL_ADDRESS>", "<PHONE_NUMBER#9f8e7d6c5b4a3210>",
                                   "<ENC:UK_NHS:AbC-123_xyz>"])
def test_findings_inside_gdprep_tokens_are_ignored(token: str) -> None:
    text = f"see {token} now"
    kept, _ = resolve([raw(4, 4 + len(token), "PHONE_NUMBER", 0.9), raw(5, 9, "PERSON", 0.9)], text, "text", POLICY)
    assert kept == []


def test_scanner_streams_lazily() -> None:
    """The scanner pulls batches on demand: an endless source still yields results."""
    pulled = itertools.count()

    def endless() -> Iterator[list[Record | BadRecord]]:
        while True:
            n = next(pulled)
            yield [Record(id=str(n), data={"text": "hello"}, line=n, texts=[("text", "Call Jane Smith")])]

    with PrivacyScanner(POLICY, workers=1) as scanner:
        first = list(itertools.islice(scanner.scan(endless()), 5))
    assert [s.record.id for s in first] == ["0", "1", "2", "3", "4"]
    assert next(pulled) <= 8  # only a bounded read-ahead was consumed


def test_accounting_check_catches_loss() -> None:
    from gdprep.errors import IntegrityError

    with pytest.raises(IntegrityError, match="record accounting failed: 3 in != 1 out"):
        RunSummary(n_in=3, n_out=1, n_quarantined=1, n_dropped=0).check_accounting()


def test_multiprocess_detection_matches_single_process(tmp_path: Path) -> None:
    from gdprep.privacy.pipeline import run_detect

    rows = [{"id": str(i), "text": f"Ring Oliver Bennett on 07700 900{i:03d} or oliver{i}@example.org"}
            for i in range(40)]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    one = run_detect(src, tmp_path / "one.jsonl", POLICY, workers=1)
    two = run_detect(src, tmp_path / "two.jsonl", POLICY, workers=2)
    assert one.n_out == two.n_out == 40
    assert read_jsonl(tmp_path / "one.jsonl") == read_jsonl(tmp_path / "two.jsonl")


def test_names_propagate_across_fields_of_a_record() -> None:
    fields = [("messages[0].content", "Hi, this is Marianne Quellec from Lyon."),
              ("messages[1].content", "Thanks marianne quellec, and Marianne, may I ask something?")]
    kept = [resolve([raw(12, 28, "PERSON", 0.8)], fields[0][1], fields[0][0], POLICY)[0], []]
    from gdprep.privacy.resolution import propagate_names

    propagate_names(fields, kept, POLICY)
    second = fields[1][1]
    assert [second[f.start:f.end] for f in kept[1]] == ["marianne quellec", "Marianne"]
    assert all(f.recognizer == "NamePropagation" for f in kept[1])


def test_propagation_keeps_case_for_dictionary_words() -> None:
    from gdprep.privacy.resolution import propagate_names

    text = "Contact May Quellec. You may call her; May is in today."
    kept = [resolve([raw(8, 19, "PERSON", 0.8)], text, "text", POLICY)[0]]
    propagate_names([("text", text)], kept, POLICY)
    assert [text[f.start:f.end] for f in kept[0]] == ["May Quellec", "May"]
    assert kept[0][1].start == text.index("May is")


@pytest.mark.parametrize(("text", "anchor", "expected"), [
    ("Present: Ann Quellec (chair), tom hembrock, Ivo Maddox\n", "Ann Quellec",
     ["Ann Quellec", "tom hembrock", "Ivo Maddox"]),
    ("Tenants: Ivo Maddox and orla quennell\n", "Ivo Maddox", ["Ivo Maddox", "orla quennell"]),
    ("Employee: hembrock, orla (staff ID E1)\n", "hembrock", ["hembrock", "orla"]),
    # an apposition or the next clause is not a list item
    ("Kind regards,\norla quennell, conseillère clientèle, Acme SA", "orla quennell", ["orla quennell"]),
    ("pt tom hembrock settled overnight, obs stable, pain 2/10", "tom hembrock", ["tom hembrock"]),
    ("Referred by Ann Quellec, Practice Nurse.", "Ann Quellec", ["Ann Quellec"]),
    ("Personeelsdossier: Ivo Maddox, BSN 123456782.", "Ivo Maddox", ["Ivo Maddox"]),
])
def test_name_lists_extend_their_first_name(text: str, anchor: str, expected: list[str]) -> None:
    from gdprep.privacy.resolution import propagate_names

    start = text.index(anchor)
    kept = [resolve([raw(start, start + len(anchor), "PERSON", 0.8)], text, "text", POLICY)[0]]
    propagate_names([("text", text)], kept, POLICY)
    assert [text[f.start:f.end] for f in kept[0]] == expected


def test_a_name_with_no_separator_beside_it_compiles_no_list_pattern() -> None:
    from gdprep.privacy.resolution import _list_patterns, propagate_names

    _list_patterns.cache_clear()
    text = "Ivo Maddox called about the invoice"
    kept = [resolve([raw(0, 10, "PERSON", 0.8)], text, "text", POLICY)[0]]
    propagate_names([("text", text)], kept, POLICY)
    assert [text[f.start:f.end] for f in kept[0]] == ["Ivo Maddox"]
    assert _list_patterns.cache_info().currsize == 0  # the large list patterns were not needed
    text = "Tenants: Ivo Maddox and orla quennell\n"
    kept = [resolve([raw(9, 19, "PERSON", 0.8)], text, "text", POLICY)[0]]
    propagate_names([("text", text)], kept, POLICY)
    assert _list_patterns.cache_info().currsize == 1
