"""One record model for every stage, and streaming readers/writers for JSONL, CSV and Parquet.

Readers yield batches, so memory does not grow with the file. Every input record comes out either
as a `Record` or as a `BadRecord` carrying a stable reason code; nothing is skipped silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from gdprep.errors import InputError, UsageError

Format = Literal["jsonl", "csv", "parquet"]
OnError = Literal["fail", "quarantine"]
_EXTENSIONS: dict[str, Format] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv",
                                  ".parquet": "parquet", ".pq": "parquet"}
_PARQUET_MAGIC = b"PAR1"
_MESSAGE_FIELD_RE = re.compile(r"^(?P<list>[^\[]+)\[(?P<idx>\d+)\]\.(?P<key>.+)$")


class TextFieldSpec(Protocol):
    """What a reader needs to know about fields (satisfied by `gdprep.policies.FieldSpec`)."""

    text_fields: list[str]
    messages_field: str
    message_content_key: str
    id_field: str


@dataclass(slots=True)
class Record:
    """A parsed input record. `data` is the record as read; `texts` are the fields to scan."""

    id: str
    data: dict[str, Any]
    line: int
    texts: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class BadRecord:
    """An input record that could not be used; `raw` is kept only for the quarantine file."""

    line: int
    reason: str
    message: str
    raw: str


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def detect_format(path: Path, explicit: str | None = None) -> Format:
    if explicit:
        if explicit not in ("jsonl", "csv", "parquet"):
            raise UsageError(f"unknown format {explicit!r}; use jsonl, csv or parquet")
        return explicit  # type: ignore[return-value]
    fmt = _EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"{path}: cannot tell the format from the extension {path.suffix!r}; "
                         "name the file .jsonl, .csv or .parquet, or pass --format")
    return fmt


def content_id(data: dict[str, Any]) -> str:
    """A stable id for a record without one: a hash of its canonical JSON."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:24]


def _check_encodable(name: str, text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"field {name!r} holds an invalid character (a lone surrogate at offset {exc.start}); "
                         "fix the escape sequence in the source", reason="bad_encoding") from None


def extract_texts(data: dict[str, Any], spec: TextFieldSpec, max_chars: int,
                  require_text: bool = True) -> list[tuple[str, str]]:
    """Return (field path, text) for every text field of a record, or raise InputError(reason=...).

    Field paths are `text`, `prompt`, `completion` (or whatever spec.text_fields names) and
    `messages[i].content` for chat records.
    """
    texts: list[tuple[str, str]] = []
    for name in spec.text_fields:
        if name not in data or data[name] is None:
            continue
        value = data[name]
        if not isinstance(value, str):
            raise InputError(f"field {name!r} is {type(value).__name__}, expected a string; "
                             "convert it to text or remove it from fields.text_fields", reason="non_string_field")
        _check_encodable(name, value)
        texts.append((name, value))
    messages = data.get(spec.messages_field)
    if messages is not None:
        if not isinstance(messages, list):
            raise InputError(f"field {spec.messages_field!r} must be a list of messages, got "
                             f"{type(messages).__name__}", reason="bad_messages")
        for i, message in enumerate(messages):
            if not isinstance(message, dict):
                raise InputError(f"{spec.messages_field}[{i}] must be an object with a "
                                 f"{spec.message_content_key!r} key", reason="bad_messages")
            content = message.get(spec.message_content_key)
            if content is None:
                continue
            if not isinstance(content, str):
                raise InputError(f"{spec.messages_field}[{i}].{spec.message_content_key} is "
                                 f"{type(content).__name__}, expected a string", reason="non_string_field")
            _check_encodable(f"{spec.messages_field}[{i}]", content)
            texts.append((f"{spec.messages_field}[{i}].{spec.message_content_key}", content))
    if not texts and require_text:
        wanted = ", ".join(repr(n) for n in [*spec.text_fields, spec.messages_field])
        raise InputError(f"record has no text field; expected one of {wanted} "
                         "(or set `fields` in the policy to name your text fields)", reason="missing_text")
    for name, text in texts:
        if len(text) > max_chars:
            raise InputError(f"field {name!r} has {len(text):,} characters, over the limit of {max_chars:,}; "
                             "split the record or raise max_text_chars in the policy", reason="text_too_long")
    return texts


def set_text(data: dict[str, Any], field_path: str, value: str) -> None:
    """Write `value` at a field path produced by `extract_texts` (copy-on-write for messages)."""
    match = _MESSAGE_FIELD_RE.match(field_path)
    if match is None:
        data[field_path] = value
        return
    messages = [dict(m) for m in data[match["list"]]]
    messages[int(match["idx"])][match["key"]] = value
    data[match["list"]] = messages


class RecordReader:
    """Streams records from a JSONL, CSV or Parquet file in batches."""

    def __init__(self, path: Path, spec: TextFieldSpec, *, fmt: str | None = None,
                 max_chars: int = 1_000_000, on_error: OnError = "fail", require_text: bool = True) -> None:
        if not path.exists():
            raise UsageError(f"input file {path} does not exist")
        if not path.is_file():
            raise UsageError(f"input {path} is not a file")
        self.path = path
        self.format: Format = detect_format(path, fmt)
        self.spec = spec
        self.max_chars = max_chars
        self.on_error = on_error
        self.require_text = require_text
        self.n_items = 0  # records and bad records yielded: the reader's side of the accounting
        #: column names (CSV header) or Arrow schema (Parquet) of the input, for writing it back unchanged
        self.columns: list[str] | None = None
        self.schema: Any = None
        self._check_magic()
        self._read_layout()

    def _check_magic(self) -> None:
        with self.path.open("rb") as fh:
            head = fh.read(4)
        if self.format == "parquet" and head != _PARQUET_MAGIC:
            raise InputError("is not a Parquet file (no PAR1 header); check the file or its extension",
                             path=str(self.path), reason="wrong_format")
        if self.format != "parquet" and head == _PARQUET_MAGIC:
            raise InputError(f"looks like a Parquet file but was read as {self.format}; "
                             "rename it to .parquet or pass --format parquet", path=str(self.path),
                             reason="wrong_format")

    def _read_layout(self) -> None:
        """Known before the first record is read, so writers can start with the input's columns."""
        if self.format == "csv":
            try:
                with self.path.open("r", encoding="utf-8-sig", newline="") as fh:
                    header = next(csv.reader(fh), None)
            except (UnicodeDecodeError, csv.Error):
                return  # the full read reports it with a line number
            self.columns = list(header) if header else None
        elif self.format == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            try:
                self.schema = pq.ParquetFile(self.path).schema_arrow
            except (pa.ArrowInvalid, OSError) as exc:
                raise InputError(f"cannot be read as Parquet: {exc}", path=str(self.path),
                                 reason="wrong_format") from None

    def batches(self, batch_size: int = 256) -> Iterator[list[Record | BadRecord]]:
        batch: list[Record | BadRecord] = []
        for item in self._items():
            self.n_items += 1
            batch.append(item)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    # -- parsing -----------------------------------------------------------------------------------
    def _bad(self, line: int, exc: InputError, raw: str) -> BadRecord:
        if self.on_error == "fail":
            raise InputError(f"{exc.detail}. Fix the record, or pass --on-error quarantine to set "
                             "bad records aside and continue", path=str(self.path), line=line,
                             reason=exc.reason) from None
        return BadRecord(line=line, reason=exc.reason, message=exc.detail, raw=raw)

    def _record(self, line: int, data: Any, raw: str) -> Record | BadRecord:
        if not isinstance(data, dict):
            return self._bad(line, InputError(f"expected a JSON object per line, got {type(data).__name__}",
                                              reason="not_an_object"), raw)
        try:
            texts = extract_texts(data, self.spec, self.max_chars, self.require_text)
        except InputError as exc:
            return self._bad(line, exc, raw)
        raw_id = data.get(self.spec.id_field)
        if isinstance(raw_id, (dict, list)):
            return self._bad(line, InputError(f"field {self.spec.id_field!r} must be a string or number",
                                              reason="bad_id"), raw)
        rid = str(raw_id) if raw_id not in (None, "") else content_id(data)
        return Record(id=rid, data=data, line=line, texts=texts)

    def _items(self) -> Iterator[Record | BadRecord]:
        if self.format == "jsonl":
            yield from self._jsonl()
        elif self.format == "csv":
            yield from self._csv()
        else:
            yield from self._parquet()

    def _jsonl(self) -> Iterator[Record | BadRecord]:
        with self.path.open("rb") as fh:
            for lineno, raw_bytes in enumerate(fh, start=1):
                try:
                    raw = raw_bytes.decode("utf-8")
                except UnicodeDecodeError as exc:
                    yield self._bad(lineno, InputError(
                        f"is not valid UTF-8 (byte {exc.start}); re-encode the file as UTF-8 "
                        "(e.g. `iconv -f latin1 -t utf-8`)", reason="bad_encoding"),
                        raw_bytes.decode("utf-8", errors="replace"))
                    continue
                if lineno == 1 and raw.startswith("\ufeff"):
                    raw = raw[1:]
                if not raw.strip():
                    continue
                try:
                    data = json.loads(raw)
                except json.JSONDecodeError as exc:
                    yield self._bad(lineno, InputError(f"is not valid JSON ({exc.msg} at column {exc.colno})",
                                                       reason="bad_json"), raw.rstrip("\n"))
                    continue
                yield self._record(lineno, data, raw.rstrip("\n"))

    def _csv(self) -> Iterator[Record | BadRecord]:
        # the csv module's default field limit (128 KiB) is below the policy's text limit
        csv.field_size_limit(max(csv.field_size_limit(), self.max_chars + 1))
        try:
            fh = self.path.open("r", encoding="utf-8-sig", newline="")
            with fh:
                reader = csv.DictReader(fh)
                if not reader.fieldnames:
                    raise InputError("has no header row; the first line must name the columns",
                                     path=str(self.path), line=1, reason="wrong_format")
                for row in reader:
                    lineno = reader.line_num
                    if None in row:
                        yield self._bad(lineno, InputError("has more values than the header has columns",
                                                           reason="bad_csv_row"), json.dumps(row, default=str))
                        continue
                    # empty cells stay "" so every column survives the round trip
                    data: dict[str, Any] = dict(row)
                    messages = data.get(self.spec.messages_field)
                    if messages == "":
                        data[self.spec.messages_field] = None
                    elif isinstance(messages, str):
                        try:
                            data[self.spec.messages_field] = json.loads(messages)
                        except json.JSONDecodeError:
                            yield self._bad(lineno, InputError(
                                f"column {self.spec.messages_field!r} must hold a JSON list of messages",
                                reason="bad_messages"), json.dumps(row))
                            continue
                    yield self._record(lineno, data, json.dumps(row, ensure_ascii=False))
        except UnicodeDecodeError as exc:
            raise InputError(f"is not valid UTF-8 (byte offset {exc.start}); re-encode the file as UTF-8",
                             path=str(self.path), reason="bad_encoding") from None
        except csv.Error as exc:
            raise InputError(f"is not valid CSV: {exc}", path=str(self.path), reason="wrong_format") from None

    def _parquet(self) -> Iterator[Record | BadRecord]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            pf = pq.ParquetFile(self.path)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"cannot be read as Parquet: {exc}", path=str(self.path),
                             reason="wrong_format") from None
        row = 0
        for batch in pf.iter_batches(batch_size=1024):
            for data in batch.to_pylist():
                row += 1
                # nulls stay: every column survives the round trip; extract_texts skips None values
                yield self._record(row, data, json.dumps(data, ensure_ascii=False, default=str))


def _shown(path: Path) -> str:
    """The path a user asked for, not the staging name a run writes to until it succeeds."""
    name = path.name
    if name.startswith(".") and name.endswith(".partial"):
        name = name[1:-len(".partial")]
    return str(path.with_name(name))


class RecordWriter:
    """Writes records in JSONL, CSV or Parquet, batch by batch."""

    def __init__(self, path: Path, fmt: Format, messages_field: str = "messages", *,
                 columns: list[str] | None = None, schema: Any = None) -> None:
        self.path = path
        self.format = fmt
        self.messages_field = messages_field
        self.columns = columns  # CSV: write this header (the input's), not one guessed from the first rows
        self.count = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: io.TextIOBase | None = None
        self._csv: csv.DictWriter[str] | None = None
        self._parquet: Any = None
        self._schema: Any = schema  # Parquet: the input's schema, so sparse columns are kept
        if fmt in ("jsonl", "csv"):
            self._fh = path.open("w", encoding="utf-8", newline="")  # type: ignore[assignment]

    def write(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        self.count += len(rows)
        if self.format == "jsonl":
            assert self._fh is not None
            for row in rows:
                self._fh.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        elif self.format == "csv":
            self._write_csv(rows)
        else:
            self._write_parquet(rows)

    def _write_csv(self, rows: Sequence[dict[str, Any]]) -> None:
        assert self._fh is not None
        if self._csv is None:
            names: list[str] = list(self.columns or [])
            for row in rows:
                names.extend(k for k in row if k not in names)
            self._csv = csv.DictWriter(self._fh, fieldnames=names, extrasaction="raise")
            self._csv.writeheader()
        for row in rows:
            out = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                   for k, v in row.items()}
            try:
                self._csv.writerow(out)
            except ValueError as exc:
                raise InputError(f"record has columns the first records did not have ({exc}); "
                                 "write JSONL or Parquet for records of varying shape",
                                 path=_shown(self.path)) from None

    def _write_parquet(self, rows: Sequence[dict[str, Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            table = (pa.Table.from_pylist(list(rows), schema=self._schema) if self._schema is not None
                     else pa.Table.from_pylist(list(rows)))
        except (pa.ArrowInvalid, pa.ArrowTypeError, KeyError):
            # never echo the Arrow message: it quotes cell values, which may be personal data
            columns = sorted({k for row in rows for k in row})
            raise InputError(f"records do not fit one Parquet schema (columns {columns}); check that each "
                             "column holds one type, or write JSONL instead", path=_shown(self.path)) from None
        if self._parquet is None:
            self._schema = table.schema
            self._parquet = pq.ParquetWriter(self.path, self._schema)
        self._parquet.write_table(table)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
        if self.format == "parquet":
            if self._parquet is None:  # no rows at all: still leave a valid, empty file
                import pyarrow as pa
                import pyarrow.parquet as pq

                pq.write_table(pa.table({}), self.path)
            else:
                self._parquet.close()

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class JsonlSink:
    """A small JSONL appender for side outputs (findings, quarantine, dropped records)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.count = 0
        self._fh = path.open("w", encoding="utf-8")

    def write(self, obj: dict[str, Any]) -> None:
        self._fh.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
        self.count += 1

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> JsonlSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
