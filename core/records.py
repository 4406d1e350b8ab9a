"""One record model for every stage, and the streaming reader for JSONL, CSV and Parquet (the writers are in
`gdprep.record_writers`).

Readers yield batches, so memory does not grow with the file. Every input record comes out either
as a `Record` or as a `BadRecord` carrying a stable reason code; nothing is skipped silently.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import regex

from gdprep.errors import InputError, UsageError
from gdprep.fieldpaths import KEY, FieldPathError, SkipMatcher, escape_key, parse_path

Format = Literal["jsonl", "csv", "parquet"]
OnError = Literal["fail", "quarantine"]
_EXTENSIONS: dict[str, Format] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv",
                                  ".parquet": "parquet", ".pq": "parquet"}
_PARQUET_MAGIC = b"PAR1"
#: integers with at least this many digits are scanned as their decimal text (phone numbers, national ids)
MIN_INT_DIGITS = 6
#: objects and lists may nest this deep in a record; deeper ones are set aside (reason `too_deep`) before any
#: recursive code (the field walker, the JSON writer) could run out of stack on them
MAX_NESTING = 200
_MIN_INT = 10 ** (MIN_INT_DIGITS - 1)


class TextFieldSpec(Protocol):
    """What a reader needs to know about fields (satisfied by `gdprep.policies.FieldSpec`). A spec may also
    have `skip` (a list of field path patterns, see `gdprep.fieldpaths`); one without it skips nothing."""

    text_fields: list[str]
    messages_field: str
    message_content_key: str
    id_field: str


@dataclass(slots=True)
class Record:
    """A parsed input record. `data` is the record as read; `texts` are the (field path, text) pairs to
    scan; `scanned` and `skipped` are the field paths looked at and left alone, list positions as `[*]`."""

    id: str
    data: dict[str, Any]
    line: int
    texts: list[tuple[str, str]] = field(default_factory=list)
    scanned: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


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
                         "name the file .jsonl, .csv or .parquet, or pass --format (in gdprep curate: "
                         "--input-format)")
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


#: object keys that read as schema names (lower-case snake_case) are not scanned as data
_SCHEMA_KEY = regex.compile(r"[a-z_][a-z0-9_]*")


@dataclass(slots=True)
class _Walk:
    texts: list[tuple[str, str]]
    scanned: list[str]
    skipped: list[str]
    #: (depth, path, shape, key) of nested object keys to scan as data
    keys: list[tuple[int, str, str, str]] = field(default_factory=list)


class FieldWalker:
    """Finds every value of a record to scan: strings at any depth (objects, lists, chat messages,
    preference pairs) and integers of MIN_INT_DIGITS or more digits, except the id field and the paths
    `spec.skip` names. With `scan_keys`, the keys of nested objects are scanned too (a map keyed by e-mail
    or name), except lower-case snake_case keys, which read as schema: they come after every value, deepest
    first, as paths ending in `[key]`, so renaming one never moves a path still to be written. Also checks
    the record's shape (`text_fields`, chat messages). Built once per reader; nothing in a record is copied."""

    def __init__(self, spec: TextFieldSpec, max_chars: int, scan_keys: bool = False) -> None:
        self.spec = spec
        self.max_chars = max_chars
        self.scan_keys = scan_keys
        self.skip = SkipMatcher(getattr(spec, "skip", None) or ())

    def walk(self, data: dict[str, Any], require_text: bool = True) -> _Walk:
        self._check_shape(data, require_text)
        out = _Walk([], [], [])
        start = self.skip.start
        id_field = self.spec.id_field
        for key, value in data.items():
            if key == id_field:
                continue
            path = escape_key(key if isinstance(key, str) else str(key))
            nodes, skipped = SkipMatcher.step(start, key) if start else ((), False)
            self._visit(value, path, path, nodes, out, skipped, 1)
        for _, path, shape, key in sorted(out.keys, key=lambda entry: -entry[0]):
            _check_encodable(path, key)
            self._check_length(path, key)
            out.scanned.append(shape)
            out.texts.append((path, key))
        return out

    def _check_length(self, path: str, value: str) -> None:
        if len(value) > self.max_chars:
            raise InputError(f"field {path!r} has {len(value):,} characters, over the limit of "
                             f"{self.max_chars:,}; split the record or raise max_text_chars in the policy",
                             reason="text_too_long")

    def _visit(self, value: Any, path: str, shape: str, nodes: tuple[Any, ...], out: _Walk,
               skipped: bool = False, depth: int = 1) -> None:
        """Scan `value`, or, under a skipped path, only list it: a skipped value is written back as it is,
        so it must still be encodable."""
        if depth > MAX_NESTING and isinstance(value, (dict, list, tuple)):
            raise InputError(f"field {shape.split('.')[0].split('[')[0]!r} nests objects or lists more than "
                             f"{MAX_NESTING} levels deep; flatten the record", reason="too_deep")
        if isinstance(value, str):
            _check_encodable(path, value)
            if skipped:
                out.skipped.append(shape)
                return
            self._check_length(path, value)
            out.scanned.append(shape)
            if value:
                out.texts.append((path, value))
        elif type(value) is int:  # not bool
            if value >= _MIN_INT or value <= -_MIN_INT:
                (out.skipped if skipped else out.scanned).append(shape)
                if not skipped:
                    out.texts.append((path, str(value)))
        elif isinstance(value, dict):
            for key, child in value.items():
                escaped = escape_key(key if isinstance(key, str) else str(key))
                child_nodes, child_skipped = SkipMatcher.step(nodes, key) if nodes else ((), False)
                data_key = self.scan_keys and isinstance(key, str) and bool(key) and not _SCHEMA_KEY.fullmatch(key)
                if data_key and not (skipped or child_skipped):  # a skipped value's key is skipped with it
                    out.keys.append((path.count(".") + path.count("[") + 1, f"{path}.{escaped}[key]",
                                     f"{shape}[key]", key))
                # coverage names a key that may be data as `{key}`, never by its text
                self._visit(child, f"{path}.{escaped}", f"{shape}.{{key}}" if data_key else f"{shape}.{escaped}",
                            child_nodes, out, skipped or child_skipped, depth + 1)
        elif isinstance(value, (list, tuple)):
            for index, child in enumerate(value):
                child_nodes, child_skipped = SkipMatcher.step(nodes, index) if nodes else ((), False)
                self._visit(child, f"{path}[{index}]", f"{shape}[*]", child_nodes, out, skipped or child_skipped,
                            depth + 1)
        # floats, booleans and nulls hold nothing to scan

    def _check_messages(self, name: str, messages: Any) -> bool:
        """Chat messages must be a list of objects whose content is text; True if one has content."""
        if not isinstance(messages, list):
            raise InputError(f"field {name!r} must be a list of messages, got {type(messages).__name__}",
                             reason="bad_messages")
        content_key = self.spec.message_content_key
        has_content = False
        for i, message in enumerate(messages):
            if not isinstance(message, dict):
                raise InputError(f"{name}[{i}] must be an object with a {content_key!r} key", reason="bad_messages")
            content = message.get(content_key)
            if content is None:
                continue
            if not isinstance(content, str):
                raise InputError(f"{name}[{i}].{content_key} is {type(content).__name__}, expected a string",
                                 reason="non_string_field")
            has_content = True
        return has_content

    def _check_shape(self, data: dict[str, Any], require_text: bool) -> None:
        has_text = False
        for name in self.spec.text_fields:
            value = data.get(name)
            if value is None:
                continue
            if isinstance(value, str):
                has_text = True
            elif isinstance(value, list):  # a preference pair's chosen/rejected as chat messages
                has_text = self._check_messages(name, value) or has_text
            else:
                raise InputError(f"field {name!r} is {type(value).__name__}, expected a string (or a list of chat "
                                 "messages); convert it to text or remove it from fields.text_fields",
                                 reason="non_string_field")
        messages = data.get(self.spec.messages_field)
        if messages is not None:
            has_text = self._check_messages(self.spec.messages_field, messages) or has_text
        if require_text and self.spec.text_fields and not has_text:
            wanted = ", ".join(repr(n) for n in [*self.spec.text_fields, self.spec.messages_field])
            raise InputError(f"record has no text field; expected one of {wanted} (every field is scanned, "
                             "but a record must hold one of `fields.text_fields`; set `fields.text_fields: []` "
                             "in the policy to accept records of any shape)", reason="missing_text")


def extract_texts(data: dict[str, Any], spec: TextFieldSpec, max_chars: int,
                  require_text: bool = True) -> list[tuple[str, str]]:
    """Return (field path, text) for every value of a record to scan (see `FieldWalker`), or raise
    InputError(reason=...). Paths look like `text`, `meta.customer.email`, `messages[2].content`."""
    return FieldWalker(spec, max_chars).walk(data, require_text).texts


def set_text(data: dict[str, Any], field_path: str, value: str) -> None:
    """Write `value` at a field path produced by `extract_texts`, or, for a path ending in `[key]`, rename
    that key to `value`. `data` (the top level) is changed in place; every nested object or list on the way
    is copied first, so objects the caller shares with others (the record as read) never change. An integer
    that is rewritten becomes the string `value`."""
    try:
        segments = parse_path(field_path)
        if segments[-1] is KEY:
            *parents, old_key = segments[:-1]

            def make(node: Any) -> Any:
                return _renamed(node, old_key, value)
        else:
            *parents, last = segments

            def make(node: Any) -> Any:
                return _with_child(node, last, value)
        if parents:
            data[parents[0]] = _replace_at(data[parents[0]], parents, 1, make)  # type: ignore[index]
        elif segments[-1] is KEY:
            renamed = make(data)
            data.clear()
            data.update(renamed)
        else:
            data[last] = value  # type: ignore[index]
    except (FieldPathError, KeyError, IndexError, TypeError):
        raise InputError(f"field {field_path!r} is not in the record", reason="bad_field_path") from None


def _replace_at(node: Any, segments: Sequence[Any], i: int, make: Any) -> Any:
    """A copy of `node` in which the object at `segments[i:]` is replaced by `make(that object)`; every
    object on the way is copied, none is changed."""
    if i == len(segments):
        return make(node)
    seg = segments[i]
    return _with_child(node, seg, _replace_at(node[seg], segments, i + 1, make))


def _with_child(node: Any, seg: Any, child: Any) -> Any:
    """A copy of the object or list `node` with `child` at `seg`."""
    if isinstance(node, dict):
        return {**node, seg: child}
    if not isinstance(node, (list, tuple)) or not isinstance(seg, int):
        raise TypeError(seg)
    copy = list(node)
    copy[seg] = child
    return tuple(copy) if isinstance(node, tuple) else copy


def _renamed(node: Any, old_key: Any, new_key: str) -> dict[str, Any]:
    """A copy of the object `node` with `old_key` renamed to `new_key`, in the same key order. A new key that
    another key of the object already has gets " (2)", " (3)" ... so that no value is overwritten (two
    e-mail keys redacted to the same placeholder)."""
    if not isinstance(node, dict):
        raise TypeError(old_key)
    if old_key not in node:
        raise KeyError(old_key)
    key, n = new_key, 1
    while key != old_key and key in node:
        n += 1
        key = f"{new_key} ({n})"
    return {(key if k == old_key else k): v for k, v in node.items()}


#: what a bad record's error tells the user to do, for commands that take --on-error
FIX_OR_QUARANTINE = "Fix the record, or pass --on-error quarantine to set bad records aside and continue"


class RecordReader:
    """Streams records from a JSONL, CSV or Parquet file in batches. With `on_error="fail"` a bad record raises
    an InputError naming the file and line, ending with `advice` (what the calling command offers)."""

    def __init__(self, path: Path, spec: TextFieldSpec, *, fmt: str | None = None,
                 max_chars: int = 1_000_000, on_error: OnError = "fail", require_text: bool = True,
                 advice: str = FIX_OR_QUARANTINE) -> None:
        if not path.exists():
            raise UsageError(f"input file {path} does not exist")
        if not path.is_file():
            raise UsageError(f"input {path} is not a file")
        self.path = path
        self.format: Format = detect_format(path, fmt)
        self.spec = spec
        self.max_chars = max_chars
        self.on_error = on_error
        self.advice = advice
        self.require_text = require_text
        # nested keys are data only in JSON: CSV has none, and a Parquet struct's keys are its schema
        self.walker = FieldWalker(spec, max_chars, scan_keys=self.format == "jsonl")
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
                             "rename it to .parquet or pass --format parquet (in gdprep curate: "
                             "--input-format parquet)", path=str(self.path),
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
            raise InputError(f"{exc.detail}. {self.advice}", path=str(self.path), line=line,
                             reason=exc.reason) from None
        return BadRecord(line=line, reason=exc.reason, message=exc.detail, raw=raw)

    def _record(self, line: int, data: Any, raw: str) -> Record | BadRecord:
        if not isinstance(data, dict):
            return self._bad(line, InputError(f"expected a JSON object per line, got {type(data).__name__}",
                                              reason="not_an_object"), raw)
        try:
            found = self.walker.walk(data, self.require_text)
        except InputError as exc:
            return self._bad(line, exc, raw)
        raw_id = data.get(self.spec.id_field)
        if isinstance(raw_id, (dict, list)):
            return self._bad(line, InputError(f"field {self.spec.id_field!r} must be a string or number",
                                              reason="bad_id"), raw)
        rid = str(raw_id) if raw_id not in (None, "") else content_id(data)
        return Record(id=rid, data=data, line=line, texts=found.texts, scanned=found.scanned, skipped=found.skipped)

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
                except RecursionError:
                    yield self._bad(lineno, _too_deep_to_parse(), raw.rstrip("\n"))
                    continue
                except ValueError:  # e.g. an integer past Python's digit limit; the message would quote it
                    yield self._bad(lineno, InputError("is not valid JSON for gdprep (a number out of range)",
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
                        except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
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


def _too_deep_to_parse() -> InputError:
    return InputError(f"is not valid JSON for gdprep: it nests objects or lists deeper than the parser can follow "
                      f"(records may nest at most {MAX_NESTING} levels); flatten the record", reason="bad_json")
