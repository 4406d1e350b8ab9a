"""Re-readable record sources for the curation passes: a file (JSONL, CSV, Parquet; streamed in batches
on every pass) or rows already in memory (a polars DataFrame, a `datasets.Dataset`, a list of dicts).

Each pass yields the same items in the same order: (input index, record id, data, example, problem).
A record that cannot be used carries a problem (reason code, message) instead of an example.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdprep.curation.config import FieldsConfig
from gdprep.curation.example import Example, example_from_record
from gdprep.errors import InputError, UsageError
from gdprep.records import FIX_OR_QUARANTINE, BadRecord, OnError, RecordReader, content_id, file_sha256


@dataclass(slots=True)
class Item:
    index: int
    id: str
    line: int
    data: dict[str, Any] | None
    example: Example | None
    problem: tuple[str, str] | None = None  # (reason code, message) of an unusable record


@dataclass(frozen=True, slots=True)
class _ReaderSpec:
    """What `RecordReader` needs to find ids and text (satisfies `gdprep.records.TextFieldSpec`)."""

    text_fields: list[str]
    messages_field: str
    message_content_key: str
    id_field: str


def _example(index: int, rid: str, data: dict[str, Any], fields: FieldsConfig) -> Example:
    return example_from_record(
        index, rid, data, text_field=fields.text_field, prompt_field=fields.prompt_field,
        completion_field=fields.completion_field, messages_field=fields.messages_field,
        content_key=fields.content_key, role_key=fields.role_key, label_field=fields.label_field,
        group_field=fields.group_field, chosen_field=fields.chosen_field, rejected_field=fields.rejected_field)


class FileSource:
    """Streams a JSONL, CSV or Parquet file; every pass reads it again."""

    def __init__(self, path: Path, fields: FieldsConfig, *, fmt: str | None = None, on_error: OnError = "fail",
                 batch_size: int = 2000, advice: str = FIX_OR_QUARANTINE) -> None:
        self.path = path
        self.advice = advice  # what a bad record's error (on_error "fail") tells the user to do
        self.fields = fields
        self.on_error = on_error
        self.batch_size = batch_size
        self._spec = _ReaderSpec([fields.text_field, fields.prompt_field, fields.completion_field,
                                  fields.chosen_field, fields.rejected_field],
                                 fields.messages_field, fields.content_key, fields.id_field)
        probe = self._reader(fmt)
        self.format = probe.format
        self.columns = probe.columns
        self.schema = probe.schema
        self._fmt = fmt

    def _reader(self, fmt: str | None) -> RecordReader:
        return RecordReader(self.path, self._spec, fmt=fmt, on_error=self.on_error, advice=self.advice)

    def batches(self) -> Iterator[list[Item]]:
        reader = self._reader(self._fmt)
        index = 0
        for batch in reader.batches(self.batch_size):
            items: list[Item] = []
            for rec in batch:
                if isinstance(rec, BadRecord):
                    items.append(Item(index, f"line-{rec.line}", rec.line, None, None, (rec.reason, rec.message)))
                else:
                    try:
                        example = _example(index, rec.id, rec.data, self.fields)
                        items.append(Item(index, rec.id, rec.line, rec.data, example))
                    except InputError as exc:
                        if self.on_error == "fail":
                            raise InputError(f"{exc.detail}. {self.advice}", path=str(self.path),
                                             line=rec.line, reason=exc.reason) from None
                        items.append(Item(index, rec.id, rec.line, rec.data, None, (exc.reason, exc.detail)))
                index += 1
            yield items


class MemorySource:
    """Rows already in memory (dicts); ids come from `fields.id_field` or a content hash."""

    format = "jsonl"
    columns: list[str] | None = None
    schema: Any = None

    def __init__(self, rows: Sequence[dict[str, Any]], fields: FieldsConfig, *, batch_size: int = 2000,
                 on_error: OnError = "fail") -> None:
        self.rows = rows
        self.fields = fields
        self.batch_size = batch_size
        self.on_error = on_error

    def batches(self) -> Iterator[list[Item]]:
        for start in range(0, len(self.rows), self.batch_size):
            items: list[Item] = []
            for index in range(start, min(len(self.rows), start + self.batch_size)):
                data = self.rows[index]
                raw_id = data.get(self.fields.id_field)
                rid = str(raw_id) if raw_id not in (None, "") else content_id(data)
                try:
                    items.append(Item(index, rid, index + 1, data, _example(index, rid, data, self.fields)))
                except InputError as exc:
                    if self.on_error == "fail":
                        raise InputError(f"row {index}: {exc.detail}", reason=exc.reason) from None
                    items.append(Item(index, rid, index + 1, data, None, (exc.reason, exc.detail)))
            yield items



class ChainedSource:
    """Several files read as one input, one after the other (real records and `gdprep synth`'s synthetic ones):
    input indices run on across the files. The files must have one format."""

    def __init__(self, paths: Sequence[Path], fields: FieldsConfig, *, fmt: str | None = None,
                 on_error: OnError = "fail", batch_size: int = 2000) -> None:
        self.parts = [FileSource(p, fields, fmt=fmt, on_error=on_error, batch_size=batch_size) for p in paths]
        formats = {part.format for part in self.parts}
        if len(formats) > 1:
            listed = ", ".join(f"{part.path} ({part.format})" for part in self.parts)
            raise UsageError(f"the inputs have different formats: {listed}; give files of one format")
        self.format = self.parts[0].format
        columns = [part.columns for part in self.parts]
        self.columns = list(dict.fromkeys(c for cols in columns for c in cols or ())) if all(columns) else None
        schemas = [part.schema for part in self.parts]
        self.schema = schemas[0] if all(s is not None and s.equals(schemas[0]) for s in schemas) else None
        self.sizes: list[int] = [0] * len(self.parts)  # items per file, known after a full pass

    def batches(self) -> Iterator[list[Item]]:
        offset = 0
        for part in self.parts:
            read = 0
            for batch in part.batches():
                for item in batch:
                    item.index += offset
                    if item.example is not None:
                        item.example = dataclasses.replace(item.example, index=item.index)
                read += len(batch)
                yield batch
            self.sizes[self.parts.index(part)] = read
            offset += read

    def describe(self) -> list[dict[str, Any]]:
        """Each file's path, SHA-256 and items (after a full pass), for the report and the ledger."""
        return [{"path": str(part.path), "sha256": file_sha256(part.path), "records": n}
                for part, n in zip(self.parts, self.sizes, strict=True)]
