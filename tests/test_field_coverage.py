"""Every string field is scanned unless the policy names it in `fields.skip`: nested objects and lists, chat
messages, preference pairs, CSV and Parquet columns, large integers; findings name the field by path, and
redaction, restore and the report follow those paths. Real detection on real files."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from gdprep.errors import InputError
from gdprep.fieldpaths import FieldPathError, SkipMatcher, check_skip_pattern, collapse_path, escape_key, parse_path
from gdprep.policies import FieldSpec, Policy, load_policy
from gdprep.privacy.pipeline import run_detect, run_redact
from gdprep.privacy.report import HASHED_ID_PREFIX, MASKED_ID
from gdprep.privacy.restore import run_deanonymize
from gdprep.records import Record, RecordReader, set_text
from gdprep.service.cli import app

from .conftest import read_jsonl, write_jsonl

BASE = load_policy("uk-gdpr-default")


def policy_with(fields: dict[str, Any] | None = None, operator: str | None = None) -> Policy:
    data = BASE.model_dump()
    if fields is not None:
        data["fields"] = {**data["fields"], **fields}
    if operator is not None:
        data["entities"] = {k: {**v, "operator": {"type": operator}} for k, v in data["entities"].items()}
    return Policy.model_validate(data)


def findings_by_field(path: Path) -> dict[str, set[str]]:
    """{record id: {field path, ...}} from a findings file."""
    return {row["id"]: {e["field"] for e in row["entities"]} for row in read_jsonl(path)}


def read_records(path: Path, spec: FieldSpec | None = None) -> list[Record]:
    items = [i for batch in RecordReader(path, spec or FieldSpec()).batches() for i in batch]
    assert all(isinstance(i, Record) for i in items)
    return items  # type: ignore[return-value]


# --- paths ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("segments", "path"), [
    (("text",), "text"),
    (("meta", "customer", "email"), "meta.customer.email"),
    (("messages", 2, "content"), "messages[2].content"),
    (("tags", 0), "tags[0]"),
    (("a.b", "c[0]"), "a\\.b.c\\[0\\]"),
    (("back\\slash", "star*"), "back\\\\slash.star\\*"),
    (("grid", 1, 0, "x"), "grid[1][0].x"),
    (("meta", ""), "meta."),
])
def test_paths_parse_back_to_one_location(segments: tuple[Any, ...], path: str) -> None:
    rendered = escape_key(segments[0]) + "".join(
        f"[{s}]" if isinstance(s, int) else f".{escape_key(s)}" for s in segments[1:])
    assert rendered == path
    assert parse_path(path) == segments


def test_keys_with_dots_and_brackets_are_extracted_escaped_and_written_back(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "1", "text": "t", "a.b": {"c[0]": "Jane Doe", "c": ["x"]}}])
    rec = read_records(src)[0]
    assert ("a\\.b.c\\[0\\]", "Jane Doe") in rec.texts and ("a\\.b.c[0]", "x") in rec.texts
    data = dict(rec.data)
    set_text(data, "a\\.b.c\\[0\\]", "<PERSON>")
    assert data["a.b"] == {"c[0]": "<PERSON>", "c": ["x"]}
    assert rec.data["a.b"]["c[0]"] == "Jane Doe"


def test_set_text_copies_on_write_at_any_depth() -> None:
    original = {"id": "1", "meta": {"customer": {"email": "a@b.example", "tags": ["x", "y"]}, "other": {"k": 1}}}
    before = copy.deepcopy(original)
    data = dict(original)
    set_text(data, "meta.customer.tags[1]", "<TAG>")
    set_text(data, "meta.customer.email", "<EMAIL_ADDRESS>")
    assert original == before  # nothing the caller holds changed
    assert data["meta"]["customer"] == {"email": "<EMAIL_ADDRESS>", "tags": ["x", "<TAG>"]}
    assert data["meta"]["other"] is original["meta"]["other"]  # untouched branches are shared, not copied
    with pytest.raises(InputError, match="'meta.nope.x' is not in the record"):
        set_text(data, "meta.nope.x", "v")


@pytest.mark.parametrize(("pattern", "message"), [
    ("*", "must be escaped"),
    ("meta*", "must be escaped"),
    (".*", "must follow a field path"),
    ("meta.*.x", "must be escaped"),
    ("tags[x]", r"expected a list position like \[0\] or \[\*\]"),
    ("tags[", "is not closed"),
    ("", "empty skip pattern"),
])
def test_loose_skip_patterns_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(FieldPathError, match=message):
        check_skip_pattern(pattern)
    with pytest.raises(ValueError, match="fields.skip"):
        FieldSpec(skip=[pattern])


def test_skip_matcher_exact_any_index_and_subtree() -> None:
    matcher = SkipMatcher(["meta.source", "messages[*].role", "audit.*", "tags[1]"])

    def skipped(*segments: Any) -> bool:
        nodes, hit = matcher.start, False
        for seg in segments:
            nodes, hit = SkipMatcher.step(nodes, seg)
            if hit:
                return True
        return hit

    assert skipped("meta", "source") and not skipped("meta", "sources") and not skipped("meta")
    assert skipped("messages", 7, "role") and not skipped("messages", 7, "content")
    assert skipped("audit", "who") and skipped("audit", "x", 0, "y") and not skipped("audit2", "who")
    assert skipped("tags", 1) and not skipped("tags", 0)
    assert collapse_path("messages[12].content") == "messages[*].content"


# --- reading: what is scanned -----------------------------------------------------------------------------

def test_every_string_is_scanned_except_the_id(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [{
        "id": "jane@example.com", "text": "hi", "label": "support", "score": 0.5, "ok": True, "n": 12,
        "bsn": 111222333, "none": None,
        "meta": {"customer": {"email": "jane@example.com"}, "contacts": [{"name": "Jane", "phone": "0770"}]},
        "tags": ["vip", "uk"],
        "messages": [{"role": "user", "content": "hello", "name": "Jane"}],
    }])
    rec = read_records(src)[0]
    assert [name for name, _ in rec.texts] == [
        "text", "label", "bsn", "meta.customer.email", "meta.contacts[0].name", "meta.contacts[0].phone",
        "tags[0]", "tags[1]", "messages[0].role", "messages[0].content", "messages[0].name"]
    assert dict(rec.texts)["bsn"] == "111222333"
    assert "tags[*]" in rec.scanned and "meta.contacts[*].phone" in rec.scanned


def test_text_fields_no_longer_limit_scanning(tmp_path: Path) -> None:
    spec = FieldSpec(text_fields=["body"])
    src = write_jsonl(tmp_path / "in.jsonl", [{"id": "1", "body": "b", "notes": "Call Jane"}])
    assert [n for n, _ in read_records(src, spec)[0].texts] == ["body", "notes"]
    # an empty list accepts records of any shape (a customer table with no free-text column)
    src = write_jsonl(tmp_path / "t.jsonl", [{"id": "1", "customer_name": "Jane Doe"}])
    assert read_records(src, FieldSpec(text_fields=[]))[0].texts == [("customer_name", "Jane Doe")]
    with pytest.raises(InputError, match="record has no text field"):
        read_records(src)


def test_lone_surrogate_names_the_nested_field_and_line(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "1", "text": "ok"}\n{"id": "2", "text": "ok", "meta": {"notes": "bad \\ud800 x"}}\n',
                   encoding="utf-8")
    with pytest.raises(InputError, match=r"in\.jsonl:2: field 'meta\.notes' holds an invalid character"):
        read_records(src)


# --- detection and redaction on real files ----------------------------------------------------------------

NESTED = [
    {"id": "n1", "text": "Ticket about a refund.",
     "meta": {"customer": {"email": "jane.doe@example.com", "note": "VIP"}},
     "contacts": [{"name": "Sarah Thompson", "phone": "07700 900123"},
                  {"name": "Oliver Bennett", "email": "oliver.bennett@example.co.uk"}],
     "tags": ["refund", "jane.doe@example.com"]},
]
NESTED_VALUES = ["jane.doe@example.com", "07700 900123", "Sarah Thompson", "Oliver Bennett",
                 "oliver.bennett@example.co.uk"]


def test_nested_json_findings_name_paths_and_output_has_no_planted_value(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", NESTED)
    run_detect(src, tmp_path / "f.jsonl", BASE)
    fields = findings_by_field(tmp_path / "f.jsonl")["n1"]
    assert {"meta.customer.email", "contacts[0].name", "contacts[0].phone", "contacts[1].name",
            "contacts[1].email", "tags[1]"} <= fields
    out = tmp_path / "out.jsonl"
    summary = run_redact(src, out, tmp_path / "r.json", BASE)
    text = out.read_text(encoding="utf-8")
    assert not [v for v in NESTED_VALUES if v in text]
    row = read_jsonl(out)[0]
    assert row["meta"]["customer"] == {"email": "<EMAIL_ADDRESS>", "note": "VIP"}
    assert row["tags"] == ["refund", "<EMAIL_ADDRESS>"] and row["text"] == NESTED[0]["text"]
    coverage = summary.report["field_coverage"]  # type: ignore[index]
    assert coverage["scanned"]["contacts[*].name"] == 2 and coverage["scanned"]["tags[*]"] == 2
    assert coverage["skipped"] == {}


PAIRS = [
    {"id": "p1", "prompt": "Write a reply to the customer.",
     "chosen": "Dear Jane Doe, we refunded GB82 WEST 1234 5698 7654 32. Call 07700 900123.",
     "rejected": "Jane Doe, email jane.doe@example.com for help."},
    {"id": "p2", "prompt": [{"role": "user", "content": "Summarise the call."}],
     "chosen": [{"role": "user", "content": "Summarise the call."},
                {"role": "assistant", "content": "Jonas Becker asked about IBAN DE89 3704 0044 0532 0130 00."}],
     "rejected": [{"role": "user", "content": "Summarise the call."},
                  {"role": "assistant", "content": "Jonas Becker called from 07700 900456."}]},
]
PAIR_VALUES = ["Jane Doe", "GB82 WEST 1234 5698 7654 32", "07700 900123", "jane.doe@example.com", "Jonas Becker",
               "DE89 3704 0044 0532 0130 00", "07700 900456"]


def test_preference_pairs_are_redacted_with_one_pseudonym_per_person(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "pairs.jsonl", PAIRS)
    run_detect(src, tmp_path / "f.jsonl", BASE)
    fields = findings_by_field(tmp_path / "f.jsonl")
    assert {"chosen", "rejected"} <= fields["p1"]
    assert {"chosen[1].content", "rejected[1].content"} <= fields["p2"]
    out = tmp_path / "out.jsonl"
    run_redact(src, out, tmp_path / "r.json", BASE)
    assert not [v for v in PAIR_VALUES if v in out.read_text(encoding="utf-8")]
    p1, p2 = read_jsonl(out)
    token = p1["chosen"].removeprefix("Dear ").split(",")[0]
    assert token.startswith("<PERSON_") and p1["rejected"].startswith(token + ",")
    becker = p2["chosen"][1]["content"].split(" asked")[0]
    assert becker.startswith("<PERSON_") and p2["rejected"][1]["content"].startswith(becker + " called")
    assert becker != token
    assert p2["chosen"][0] == {"role": "user", "content": "Summarise the call."}


def test_csv_columns_are_scanned_and_redacted(tmp_path: Path) -> None:
    src = tmp_path / "customers.csv"
    src.write_text("id,text,customer_name,customer_email,customer_phone\n"
                   "c1,Asked about delivery.,Sarah Thompson,sarah.thompson@example.co.uk,07700 900123\n"
                   "c2,Wants a refund.,Oliver Bennett,oliver.bennett@example.co.uk,\n", encoding="utf-8")
    run_detect(src, tmp_path / "f.jsonl", BASE)
    fields = findings_by_field(tmp_path / "f.jsonl")
    assert fields["c1"] >= {"customer_name", "customer_email", "customer_phone"}
    assert fields["c2"] >= {"customer_name", "customer_email"}
    out = tmp_path / "out.csv"
    run_redact(src, out, tmp_path / "r.json", BASE)
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "id,text,customer_name,customer_email,customer_phone"
    for value in ("Sarah Thompson", "sarah.thompson@example.co.uk", "07700 900123", "Oliver Bennett"):
        assert value not in text
    assert "<EMAIL_ADDRESS>" in text and "Asked about delivery." in text


def test_parquet_columns_nested_structs_and_integers(tmp_path: Path) -> None:
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({
        "id": ["q1", "q2"], "text": ["Order shipped.", "Order late."],
        "customer": [{"name": "Sarah Thompson", "email": "sarah.thompson@example.co.uk"},
                     {"name": "Oliver Bennett", "email": "oliver.bennett@example.co.uk"}],
        "bsn": pa.array([111222333, 42], pa.int64()),
        "amount": [12.5, 3.0],
    }), src)
    run_detect(src, tmp_path / "f.jsonl", BASE)
    fields = findings_by_field(tmp_path / "f.jsonl")
    assert {"customer.name", "customer.email", "bsn"} <= fields["q1"] and "bsn" not in fields["q2"]
    out = tmp_path / "out.parquet"
    run_redact(src, out, tmp_path / "r.json", BASE)
    table = pq.read_table(out)
    assert table.schema.field("bsn").type == pa.string()       # a redacted integer column becomes text
    assert table.schema.field("amount").type == pa.float64()
    rows = table.to_pylist()
    assert rows[0]["bsn"] == "<NL_BSN>" and rows[1]["bsn"] == "42"
    assert rows[0]["customer"] == {"name": rows[0]["customer"]["name"], "email": "<EMAIL_ADDRESS>"}
    assert rows[0]["customer"]["name"].startswith("<PERSON_")
    assert "Sarah Thompson" not in json.dumps(rows)


def test_redact_to_parquet_keeps_a_field_first_seen_after_the_first_batch(tmp_path: Path) -> None:
    """JSONL in, Parquet out: the output's schema comes from the first batch written, and a record 300 lines
    down with a field no earlier record had keeps it (Arrow would drop it silently)."""
    rows: list[dict[str, Any]] = [{"id": f"r{i}", "text": f"Order {i} shipped."} for i in range(300)]
    rows.append({"id": "late", "text": "Call Sarah Thompson.", "meta": {"channel": "phone", "agent": {"team": "B"}}})
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.parquet"
    run_redact(src, out, tmp_path / "r.json", BASE)
    written = pq.read_table(out).to_pylist()
    assert len(written) == 301 and written[0]["meta"] is None
    late = written[-1]
    assert late["meta"] == {"channel": "phone", "agent": {"team": "B"}} and "Sarah Thompson" not in late["text"]


def test_integer_bsn_and_phone_are_found_and_redacted_in_jsonl(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"id": "1", "text": "Account update.", "bsn": 111222333, "phone": 447700900123, "count": 123456789012,
         "year": 2024, "ratio": 111222333.0}])
    run_detect(src, tmp_path / "f.jsonl", BASE)
    assert {"bsn", "phone"} <= findings_by_field(tmp_path / "f.jsonl")["1"]
    out = tmp_path / "out.jsonl"
    run_redact(src, out, tmp_path / "r.json", BASE)
    row = read_jsonl(out)[0]
    assert row["bsn"] == "<NL_BSN>" and row["phone"] == "<PHONE_NUMBER>"
    assert row["year"] == 2024 and row["ratio"] == 111222333.0  # short integers and floats are not scanned


# --- skip ---------------------------------------------------------------------------------------------------

SKIP_ROWS = [
    {"id": "s1", "text": "Contact Sarah Thompson on 07700 900123.",
     "meta": {"source": "sarah.thompson@example.co.uk", "owner": "oliver.bennett@example.co.uk"},
     "audit": {"by": "jane.doe@example.com", "trail": [{"who": "Jonas Becker"}]},
     "messages": [{"role": "Oliver Bennett", "content": "I am Oliver Bennett."}]},
]


def test_skip_by_exact_path_any_index_and_subtree(tmp_path: Path) -> None:
    policy = policy_with({"skip": ["meta.source", "messages[*].role", "audit.*"]})
    src = write_jsonl(tmp_path / "in.jsonl", SKIP_ROWS)
    out, report_path = tmp_path / "out.jsonl", tmp_path / "r.json"
    run_redact(src, out, report_path, policy)
    row = read_jsonl(out)[0]
    assert row["meta"]["source"] == "sarah.thompson@example.co.uk"       # skipped: exact path
    assert row["messages"][0]["role"] == "Oliver Bennett"                # skipped: [*]
    assert row["audit"] == SKIP_ROWS[0]["audit"]                         # skipped: .*
    assert row["meta"]["owner"] == "<EMAIL_ADDRESS>"                     # not named: scanned
    assert "Oliver Bennett" not in row["messages"][0]["content"] and "07700 900123" not in row["text"]
    coverage = json.loads(report_path.read_text(encoding="utf-8"))["field_coverage"]
    assert coverage["skipped"] == {"meta.source": 1, "messages[*].role": 1, "audit.by": 1,
                                   "audit.trail[*].who": 1}
    assert coverage["scanned"] == {"text": 1, "meta.owner": 1, "messages[*].content": 1}
    assert coverage["skip_patterns"] == ["meta.source", "messages[*].role", "audit.*"]
    html = report_path.with_suffix(".html").read_text(encoding="utf-8")
    assert "Fields scanned and skipped" in html and "audit.trail[*].who" in html


def test_cli_prints_the_skipped_fields(tmp_path: Path) -> None:
    policy_file = tmp_path / "p.yaml"
    policy_file.write_text(json.dumps(policy_with({"skip": ["meta.source"]}).model_dump(mode="json")),
                           encoding="utf-8")
    src = write_jsonl(tmp_path / "in.jsonl", SKIP_ROWS)
    result = CliRunner().invoke(app, ["detect", "-i", str(src), "-o", str(tmp_path / "f.jsonl"),
                                      "--policy", str(policy_file)])
    assert result.exit_code == 0, result.output
    assert "skipped fields: meta.source (1)" in result.output
    result = CliRunner().invoke(app, ["redact", "-i", str(src), "-o", str(tmp_path / "o.jsonl"),
                                      "-r", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    assert "skipped fields: none" in result.output


# --- ids ---------------------------------------------------------------------------------------------------

ID_ROWS = [{"id": "jane.doe@example.com", "text": "Hi, I am Sarah Thompson, call 07700 900123.",
            "note": "Maybe Paris."},
           {"id": "rec-2", "text": "Email oliver.bennett@example.co.uk please."}]


def test_personal_id_is_hashed_in_report_and_review_queue(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ID_ROWS)
    out, report_path = tmp_path / "out.jsonl", tmp_path / "r.json"
    result = CliRunner().invoke(app, ["redact", "-i", str(src), "-o", str(out), "-r", str(report_path)])
    assert result.exit_code == 0, result.output
    report_text = report_path.read_text(encoding="utf-8")
    html = report_path.with_suffix(".html").read_text(encoding="utf-8")
    assert "jane.doe@example.com" not in report_text and "jane.doe@example.com" not in html
    assert "jane.doe" not in report_text and "jane.doe" not in html
    report = json.loads(report_text)
    shown = {r["record_id"] for r in report["top_records"]}
    assert "rec-2" in shown  # an ordinary id stays readable
    hashed = [s for s in shown if s.startswith(HASHED_ID_PREFIX)]
    assert len(hashed) == 1 and len(hashed[0]) == len(HASHED_ID_PREFIX) + 64
    assert all(not i["record_id"].startswith("jane") for i in report["review_queue"])
    # the hash is the ledger's own key for the record, so the ledger's lineage can be found from it
    from gdprep.audit.ledger import Ledger

    assert hashed[0] == HASHED_ID_PREFIX + Ledger().record_key("jane.doe@example.com")
    assert read_jsonl(out)[0]["id"] == "jane.doe@example.com"  # the output keeps the id: it is not scanned


def test_personal_id_without_a_ledger_is_masked(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ID_ROWS)
    summary = run_redact(src, tmp_path / "out.jsonl", tmp_path / "r.json", BASE)
    assert "jane.doe" not in (tmp_path / "r.json").read_text(encoding="utf-8")
    assert MASKED_ID in {r["record_id"] for r in summary.report["top_records"]}  # type: ignore[index]


# --- restore -----------------------------------------------------------------------------------------------

def test_restore_round_trip_on_nested_paths(tmp_path: Path) -> None:
    policy = policy_with(operator="pseudonym")
    rows = [{**NESTED[0], "bsn": 111222333}, PAIRS[1]]
    src = write_jsonl(tmp_path / "in.jsonl", rows)
    red, back = tmp_path / "red.jsonl", tmp_path / "back.jsonl"
    run_redact(src, red, tmp_path / "r.json", policy)
    redacted = read_jsonl(red)
    assert not [v for v in [*NESTED_VALUES, "Jonas Becker"] if v in red.read_text(encoding="utf-8")]
    assert redacted[0]["bsn"].startswith("<NL_BSN_")
    n_records, n_tokens = run_deanonymize(red, back, policy, reason="test round trip")
    assert n_records == 2 and n_tokens >= 8
    restored = read_jsonl(back)
    # a redacted integer comes back as its digits, as text; everything else exactly as it was
    assert restored[0] == {**rows[0], "bsn": "111222333"}
    assert restored[1] == rows[1]


def test_detect_findings_file_masks_a_personal_id_and_keeps_the_position(tmp_path: Path) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ID_ROWS)
    run_detect(src, tmp_path / "f.jsonl", BASE)
    text = (tmp_path / "f.jsonl").read_text(encoding="utf-8")
    assert "jane.doe" not in text  # the findings file holds no values, ids included
    rows = read_jsonl(tmp_path / "f.jsonl")
    assert [r["record"] for r in rows] == list(range(len(ID_ROWS)))
    assert rows[0]["id"] == MASKED_ID
    assert rows[1]["id"] == ID_ROWS[1]["id"]  # an ordinary id stays readable


# --- object keys that are personal data ------------------------------------------------------------------

KEYED = [
    {"id": "k1", "text": "Quiz scores below.",
     "scores": {"jane.doe@example.com": 5, "Margaret Oduya": 3, "total_count": 8},
     "meta": {"contacts": {"+44 20 7946 0958": {"Callum Fraser": "ok"}}}},
    {"id": "k2", "text": "Two e-mails.", "by_email": {"a.lee@example.org": 1, "b.khan@example.net": 2}},
]
KEYED_VALUES = ["jane.doe@example.com", "Margaret Oduya", "7946 0958", "Callum Fraser", "a.lee@example.org",
                "b.khan@example.net"]


def test_nested_keys_are_scanned_after_the_values_deepest_first(tmp_path: Path) -> None:
    rec = read_records(write_jsonl(tmp_path / "in.jsonl", KEYED[:1]))[0]
    names = [name for name, _ in rec.texts]
    # values first; then keys, deeper before shallower; schema-like keys ("total_count") and top-level keys
    # are not data; coverage never spells a key that may be data
    assert names[:2] == ["text", "meta.contacts.+44 20 7946 0958.Callum Fraser"]
    assert names[2:] == ["meta.contacts.+44 20 7946 0958.Callum Fraser[key]", "meta.contacts.+44 20 7946 0958[key]",
                         "scores.jane\\.doe@example\\.com[key]", "scores.Margaret Oduya[key]"]
    assert dict(rec.texts)["scores.jane\\.doe@example\\.com[key]"] == "jane.doe@example.com"
    assert set(rec.scanned) == {"text", "meta.contacts.{key}.{key}", "meta.contacts.{key}[key]",
                                "meta.contacts[key]", "scores[key]"}


def test_a_skipped_subtree_skips_its_keys_too(tmp_path: Path) -> None:
    spec = FieldSpec(skip=["scores.*", "meta.contacts.+44 20 7946 0958"])
    rec = read_records(write_jsonl(tmp_path / "in.jsonl", KEYED[:1]), spec)[0]
    # "scores.*" skips the scores' keys; a value skipped by its exact path takes its key (and all below) along
    assert [name for name, _ in rec.texts] == ["text"]
    assert rec.scanned == ["text"] and rec.skipped == ["meta.contacts.{key}.{key}"]  # small integers: neither


def test_set_text_renames_a_key_in_place_order_and_never_overwrites() -> None:
    original = {"id": "x", "m": {"a@x.org": 1, "b@y.org": 2, "<EMAIL_ADDRESS>": 3}}
    data = dict(original)
    set_text(data, "m.a@x\\.org[key]", "<EMAIL_ADDRESS>")
    set_text(data, "m.b@y\\.org[key]", "<EMAIL_ADDRESS>")
    assert list(data["m"].items()) == [("<EMAIL_ADDRESS> (2)", 1), ("<EMAIL_ADDRESS> (3)", 2), ("<EMAIL_ADDRESS>", 3)]
    assert original["m"] == {"a@x.org": 1, "b@y.org": 2, "<EMAIL_ADDRESS>": 3}  # copied on write
    with pytest.raises(InputError):
        set_text(data, "m.gone[key]", "x")


@pytest.mark.parametrize("path", ["a[key].b", "[key]", "a[0][key]"])
def test_key_marker_only_ends_a_path_after_a_key(path: str) -> None:
    with pytest.raises(FieldPathError):
        parse_path(path)
    with pytest.raises(FieldPathError):
        check_skip_pattern("a[key]")


def test_personal_data_in_keys_is_redacted_reported_without_its_value_and_restored(tmp_path: Path) -> None:
    policy = policy_with(operator="pseudonym")
    src = write_jsonl(tmp_path / "in.jsonl", KEYED)
    red, report, findings = tmp_path / "red.jsonl", tmp_path / "r.json", tmp_path / "f.jsonl"
    run_redact(src, red, report, policy)
    run_detect(src, findings, policy)
    rows = read_jsonl(red)
    assert not [v for v in KEYED_VALUES if v in red.read_text(encoding="utf-8")]
    assert rows[0]["scores"]["total_count"] == 8 and list(rows[0]["scores"].values()) == [5, 3, 8]
    assert len(rows[1]["by_email"]) == 2  # two keys redacted alike stay two keys
    # neither the report, its HTML page, the findings file nor the ledger names a key that is personal data
    for path in (report, report.with_suffix(".html"), findings):
        text = path.read_text(encoding="utf-8")
        assert not [v for v in KEYED_VALUES if v in text], path
    assert any(f.startswith("scores.{key:") and f.endswith("[key]") for f in findings_by_field(findings)["k1"])
    run_deanonymize(red, tmp_path / "back.jsonl", policy, reason="test keys")
    # every key was pseudonymised (the policy here uses pseudonyms for every type), so all come back, in order
    back = read_jsonl(tmp_path / "back.jsonl")
    assert [list(row["scores"].items()) for row in back[:1]] == [list(KEYED[0]["scores"].items())]
    assert back == KEYED
