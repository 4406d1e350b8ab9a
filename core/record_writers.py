"""Streaming writers for records: `RecordWriter` for JSONL, CSV and Parquet, batch by batch (a Parquet column is
widened when a redacted integer becomes text), and `JsonlSink` for one JSON object per line."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gdprep.errors import InputError
from gdprep.records import Format


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
        self._parquet_file = path   # Parquet: where rows go (another name after the schema was widened)
        self._promoted: set[str] = set()  # Parquet: columns widened to hold redacted integers as text
        self._n_rewrites = 0
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
        import pyarrow.parquet as pq

        self._grow(rows)
        table = self._table(rows)
        if table is None and self._widen(rows):
            self._grow(rows)  # with the widened columns as text the rows' schema can be read: add what is new
            table = self._table(rows)
        if table is None:
            # never echo the Arrow message: it quotes cell values, which may be personal data
            columns = sorted({k for row in rows for k in row})
            raise InputError(f"records do not fit one Parquet schema (columns {columns}); check that each "
                             "column holds one type, or write JSONL instead", path=_shown(self.path))
        if self._parquet is None:
            self._schema = table.schema
            self._parquet = pq.ParquetWriter(self._parquet_file, self._schema)
        self._parquet.write_table(table)

    def _converted(self, rows: Sequence[dict[str, Any]]) -> Sequence[dict[str, Any]]:
        """`rows` with the integers in widened (string) columns written as text."""
        if not self._promoted:
            return rows
        return [{k: (_as_type(v, self._schema.field(k).type) if k in self._promoted else v)
                 for k, v in row.items()} for row in rows]

    def _table(self, rows: Sequence[dict[str, Any]]) -> Any:
        import pyarrow as pa

        rows = self._converted(rows)
        try:
            return pa.Table.from_pylist(list(rows), schema=self._schema if self._schema is not None
                                        else inferred_schema(rows))
        except (pa.ArrowInvalid, pa.ArrowTypeError, KeyError):
            return None

    def _grow(self, rows: Sequence[dict[str, Any]]) -> None:
        """Arrow drops, without a word, a key its schema lacks: a column or struct field first seen after the
        first rows (a sparse `meta.*` field) would be lost. The schema grows by what the rows hold and it lacks
        (new columns and struct fields; a column that held only nulls takes the type of its first values),
        and rows already written are rewritten once to it. Types the schema has are never changed here."""
        import pyarrow as pa

        if self._schema is None:
            return
        try:
            seen = inferred_schema(self._converted(rows))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return  # a column mixing types within these rows: `_widen` or the caller's error deals with it
        grown = _grown_schema(self._schema, seen)
        if grown is not None:
            self._rewrite(grown)

    def _widen(self, rows: Sequence[dict[str, Any]]) -> bool:
        """A redacted integer is written as its replacement text: the column (or struct field, or list
        item) it is in becomes a string column. Rows already written are rewritten once with the wider
        schema. Returns False when widening would not help (the rows do not fit for another reason)."""
        import pyarrow as pa

        if self._schema is None:  # no schema yet: columns that mix integers and strings become strings
            mixed = {k for k in {k for row in rows for k in row}
                     if any(isinstance(row.get(k), str) for row in rows)
                     and any(type(row.get(k)) is int for row in rows)}
            if not mixed:
                return False
            try:
                inferred = inferred_schema([{k: (str(v) if k in mixed and type(v) is int else v)
                                             for k, v in row.items()} for row in rows])
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                return False
            self._schema = inferred
            self._promoted |= mixed
            return True
        fields = []
        changed: set[str] = set()
        for f in self._schema:
            wide = f.type
            for row in rows:
                wide = _widened_type(wide, row.get(f.name))
            if wide != f.type:
                changed.add(f.name)
            fields.append(f.with_type(wide))
        if not changed:
            return False
        metadata = {k: v for k, v in (self._schema.metadata or {}).items() if k != b"pandas"} or None
        self._rewrite(pa.schema(fields, metadata=metadata))
        self._promoted |= changed
        return True

    def _rewrite(self, schema: Any) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._schema = schema
        if self._parquet is None:
            return
        self._parquet.close()
        written = self._parquet_file
        self._n_rewrites += 1
        self._parquet_file = self.path.with_name(f"{self.path.name}.widened{self._n_rewrites}")
        self._parquet = pq.ParquetWriter(self._parquet_file, schema)
        for batch in pq.ParquetFile(written).iter_batches():
            table = pa.Table.from_batches([batch])
            try:
                table = table.cast(schema)  # a column widened to string: its integers as decimal text
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
                table = pa.Table.from_pylist(table.to_pylist(), schema=schema)  # grown: new columns are null
            self._parquet.write_table(table)
        written.unlink()

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
                if self._parquet_file != self.path:
                    os.replace(self._parquet_file, self.path)

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def inferred_schema(rows: Sequence[dict[str, Any]]) -> Any:
    """The Arrow schema of `rows`, every key of every row (nested ones too) in order of first appearance.
    `pa.Table.from_pylist` without a schema takes the columns of the first row only and drops the rest."""
    import pyarrow as pa

    return pa.schema(list(pa.array(list(rows)).type))


def _grown_schema(schema: Any, seen: Any) -> Any:
    """`schema` with what `seen` (the schema of newer rows) adds, or None when it adds nothing: new fields at
    the end, struct fields added by name, a null-typed field given `seen`'s type. Nothing else changes."""
    import pyarrow as pa

    fields, changed = [], False
    for f in schema:
        index = seen.get_field_index(f.name)
        wide = _grown_type(f.type, seen.field(index).type) if index >= 0 else f.type
        changed |= wide != f.type
        fields.append(f.with_type(wide))
    for f in seen:
        if schema.get_field_index(f.name) < 0 and not pa.types.is_null(f.type):
            fields.append(f)
            changed = True
    return pa.schema(fields, metadata=schema.metadata) if changed else None


def _grown_type(old: Any, new: Any) -> Any:
    import pyarrow as pa

    if pa.types.is_null(old):
        return new
    if pa.types.is_struct(old) and pa.types.is_struct(new):
        grown = _grown_schema(pa.schema(list(old)), pa.schema(list(new)))
        return pa.struct(list(grown)) if grown is not None else old
    if pa.types.is_list(old) and pa.types.is_list(new):
        item = _grown_type(old.value_type, new.value_type)
        return pa.list_(old.value_field.with_type(item)) if item != old.value_type else old
    return old


def _widened_type(arrow_type: Any, value: Any) -> Any:
    """`arrow_type`, with each integer type that `value` holds a string in replaced by string."""
    import pyarrow as pa

    if value is None:
        return arrow_type
    if pa.types.is_integer(arrow_type):
        return pa.string() if isinstance(value, str) else arrow_type
    if pa.types.is_struct(arrow_type) and isinstance(value, dict):
        fields = [f.with_type(_widened_type(f.type, value.get(f.name))) for f in arrow_type]
        return pa.struct(fields) if any(f.type != g.type for f, g in zip(fields, arrow_type, strict=True)) \
            else arrow_type
    if (pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type)) and isinstance(value, (list, tuple)):
        item = arrow_type.value_type
        for x in value:
            item = _widened_type(item, x)
        if item == arrow_type.value_type:
            return arrow_type
        make = pa.large_list if pa.types.is_large_list(arrow_type) else pa.list_
        return make(arrow_type.value_field.with_type(item))
    return arrow_type


def _as_type(value: Any, arrow_type: Any) -> Any:
    """`value` with the integers that a widened (string) type now holds written as their decimal text."""
    import pyarrow as pa

    if value is None:
        return None
    if type(value) is int and (pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)):
        return str(value)
    if pa.types.is_struct(arrow_type) and isinstance(value, dict):
        return {k: (_as_type(v, arrow_type.field(k).type) if arrow_type.get_field_index(k) >= 0 else v)
                for k, v in value.items()}
    if (pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type)) and isinstance(value, (list, tuple)):
        return [_as_type(v, arrow_type.value_type) for v in value]
    return value


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
