"""Record reading: formats, stable ids, and every bad-input case with a message naming file and line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gdprep.errors import InputError, UsageError
from gdprep.policies import FieldSpec
from gdprep.record_writers import RecordWriter
from gdprep.records import BadRecord, Record, RecordReader, content_id, set_text

SPEC = FieldSpec()


def read_all(path: Path, **kw) -> list[Record | BadRecord]:
    return [item for batch in RecordReader(path, SPEC, **kw).batches(batch_size=2) for item in batch]


def test_jsonl_forms_and_fields(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"id": "a", "text": "hello"},
        {"id": 7, "prompt": "p", "completion": "c", "label": "x"},
        {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]},
    ]) + "\n", encoding="utf-8")
    items = read_all(path)
    assert [i.id for i in items[:2]] == ["a", "7"]
    assert items[0].texts == [("text", "hello")]
    # every string field is scanned (the label too), and every key of each chat message
    assert items[1].texts == [("prompt", "p"), ("completion", "c"), ("label", "x")]
    assert items[2].texts == [("messages[0].role", "user"), ("messages[0].content", "hi"),
                              ("messages[1].role", "assistant"), ("messages[1].content", "yo")]
    assert items[2].id.startswith("sha256:") and items[2].id == content_id(items[2].data)


def test_content_id_is_stable_across_key_order() -> None:
    assert content_id({"a": 1, "b": "x"}) == content_id({"b": "x", "a": 1})


def test_set_text_on_message_copies() -> None:
    data = {"messages": [{"role": "user", "content": "Jane"}]}
    original = data["messages"]
    set_text(data, "messages[0].content", "<PERSON>")
    assert data["messages"][0]["content"] == "<PERSON>"
    assert original[0]["content"] == "Jane"


BAD_LINES = [
    ('{"id": 1, "text": "ok"}\n{"id": 2, "text": \n', 2, "bad_json", r"in\.jsonl:2: is not valid JSON"),
    ('{"id": 1, "title": "no text"}\n', 1, "missing_text", r"in\.jsonl:1: record has no text field"),
    ('{"id": 1, "text": 42}\n', 1, "non_string_field", r"in\.jsonl:1: field 'text' is int, expected a string"),
    ('[1, 2]\n', 1, "not_an_object", r"in\.jsonl:1: expected a JSON object per line, got list"),
    ('{"id": 1, "messages": "hi"}\n', 1, "bad_messages", r"field 'messages' must be a list"),
    ('{"id": 1, "messages": [{"role": "user", "content": 3}]}\n', 1, "non_string_field",
     r"messages\[0\]\.content is int"),
    ('{"id": {"x": 1}, "text": "a"}\n', 1, "bad_id", r"field 'id' must be a string or number"),
]


@pytest.mark.parametrize(("content", "line", "reason", "message"), BAD_LINES)
def test_bad_jsonl_fails_with_location(tmp_path: Path, content: str, line: int, reason: str, message: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_all(path)
    assert info.value.line == line and info.value.reason == reason
    assert "--on-error quarantine" in str(info.value)


@pytest.mark.parametrize(("content", "line", "reason", "message"), BAD_LINES)
def test_bad_jsonl_quarantines_and_keeps_going(tmp_path: Path, content: str, line: int, reason: str,
                                               message: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(content + '{"id": "good", "text": "fine"}\n', encoding="utf-8")
    items = read_all(path, on_error="quarantine")
    bad = [i for i in items if isinstance(i, BadRecord)]
    good = [i for i in items if isinstance(i, Record)]
    assert [b.reason for b in bad] == [reason] and bad[0].line == line
    assert good[-1].id == "good"


def test_wrong_encoding_names_line(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": 1, "text": "ok"}\n{"id": 2, "text": "caf\xe9"}\n')
    with pytest.raises(InputError, match=r"in\.jsonl:2: is not valid UTF-8.*iconv"):
        read_all(path)


def test_text_over_limit(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "x" * 1_000_001}) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"in\.jsonl:1: field 'text' has 1,000,001 characters, over the limit"):
        read_all(path)


def test_parquet_named_jsonl_is_wrong_format(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    pq.write_table(pa.table({"id": ["1"], "text": ["a"]}), path)
    with pytest.raises(InputError, match=r"looks like a Parquet file.*rename it to \.parquet"):
        read_all(path)


def test_jsonl_named_parquet_is_wrong_format(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    path.write_text('{"id": 1, "text": "a"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"in\.parquet: is not a Parquet file"):
        read_all(path)


def test_unknown_extension_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match=r"cannot tell the format.*--format"):
        RecordReader(tmp_path / "in.txt", SPEC)
    with pytest.raises(UsageError, match="does not exist"):
        RecordReader(tmp_path / "missing.jsonl", SPEC)


def test_csv_and_parquet_round_trip(tmp_path: Path) -> None:
    rows = [{"id": "1", "prompt": "Hi Jane", "completion": "Hello"},
            {"id": "2", "prompt": "Bye", "completion": "Ciao"}]
    for ext, fmt in ((".csv", "csv"), (".parquet", "parquet")):
        path = tmp_path / f"data{ext}"
        with RecordWriter(path, fmt) as writer:  # type: ignore[arg-type]
            writer.write(rows)
        items = read_all(path)
        assert [i.data for i in items] == rows


@pytest.mark.parametrize(("batches", "expected_types"), [
    # a column first seen in a later batch
    ([[{"id": "1"}], [{"id": "2", "note": "late"}]], {"note": "string"}),
    # a struct field first seen later, at two levels
    ([[{"id": "1", "meta": {"k": 1}}], [{"id": "2", "meta": {"k": 2, "synthetic": {"seed": 3}}}]],
     {"meta": "struct<k: int64, synthetic: struct<seed: int64>>"}),
    # a column that held only nulls, then values
    ([[{"id": "1", "email": None}], [{"id": "2", "email": "a@b.eu"}]], {"email": "string"}),
    # a key first seen later inside chat messages (a list of structs)
    ([[{"id": "1", "messages": [{"role": "user"}]}], [{"id": "2", "messages": [{"role": "user", "content": "hi"}]}]],
     {"messages": "list<element: struct<role: string, content: string>>"}),
    # a new column in the batch that also turns an integer column into text (a redacted number)
    ([[{"id": "1", "n": 5}], [{"id": "2", "n": "<NUM>", "extra": "x"}, {"id": "3", "n": 7}]],
     {"n": "string", "extra": "string"}),
], ids=["column", "struct-field", "null-column", "list-of-structs", "with-a-widened-column"])
def test_parquet_keeps_what_later_batches_add(tmp_path: Path, batches: list[list[dict[str, Any]]],
                                              expected_types: dict[str, str]) -> None:
    """Arrow drops a key its schema lacks: a field first seen after the first batch must still be written."""
    path = tmp_path / "out.parquet"
    with RecordWriter(path, "parquet") as writer:
        for batch in batches:
            writer.write(batch)
    table = pq.read_table(path)
    assert {name: str(table.schema.field(name).type) for name in expected_types} == expected_types
    written = table.to_pylist()
    for row, original in zip(written, [r for b in batches for r in b], strict=True):
        # an integer in a column widened to text comes back as its digits
        original = {k: (str(v) if expected_types.get(k) == "string" and type(v) is int else v)
                    for k, v in original.items()}
        assert _without_nulls(row) == _without_nulls(original)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.parquet"]  # no rewrite left behind


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def test_csv_row_with_extra_values(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,text\n1,hello\n2,hi,extra\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"in\.csv:3: has more values than the header"):
        read_all(path)


def test_csv_chat_messages_column(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    msgs = json.dumps([{"role": "user", "content": "hello"}])
    path.write_text('id,messages\n1,"' + msgs.replace('"', '""') + '"\n', encoding="utf-8")
    assert read_all(path)[0].texts == [("messages[0].role", "user"), ("messages[0].content", "hello")]


def test_batches_are_bounded(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": i, "text": "t"}) + "\n" for i in range(1000)), encoding="utf-8")
    sizes = [len(b) for b in RecordReader(path, SPEC).batches(batch_size=64)]
    assert max(sizes) == 64 and sum(sizes) == 1000
