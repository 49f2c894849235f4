"""Batch files in and out, chosen by extension: JSONL, CSV or Parquet in; JSONL or Parquet out.

Parquet needs pyarrow, which comes with the `scale` extra; it is imported only when a Parquet file is named,
so JSONL and CSV work on a core install.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from .batch import RECORD_FIELDS
from .errors import EngineError, InputError

READ_SUFFIXES = (".jsonl", ".csv", ".parquet")
WRITE_SUFFIXES = (".jsonl", ".parquet")
_ROW_GROUP = 256  # records per Parquet row group: small enough to stream, large enough to compress


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise EngineError("Parquet files need pyarrow: pip install 'cde-suggest[scale]'",
                          code="scale_extra_missing") from exc
    return pa, pq


def read_rows(path: Path, limit: int) -> list[dict[str, Any]]:
    """Every row of the input, each a dict with 'text' (and maybe 'id'); refused when over `limit`."""
    if not path.is_file():
        raise InputError(f"input file not found: {path}", code="file_not_found")
    suffix = path.suffix.lower()
    rows: list[dict[str, Any]] = []
    if suffix == ".jsonl":
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{n} is not valid JSON: {exc}", code="bad_batch_line") from exc
    elif suffix == ".csv":
        rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    elif suffix == ".parquet":
        _, pq = _pyarrow()
        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several unrelated types for a damaged file
            raise InputError(f"{path} could not be read as Parquet: {exc}", code="unreadable_file") from exc
        columns = [c for c in ("id", "text") if c in table.column_names]
        rows = table.select(columns).to_pylist()
    else:
        raise InputError("batch input must be .jsonl, .csv or .parquet with a 'text' column",
                         code="unsupported_format")
    if len(rows) > limit:
        raise InputError(f"{len(rows)} items exceed the batch limit of {limit}; split the file or raise "
                         "CDE_MAX_BATCH_ITEMS", code="batch_too_large")
    return rows


def check_output(path: Path) -> None:
    """Refuse a wrong output name before any model loads."""
    if path.suffix.lower() not in WRITE_SUFFIXES:
        raise InputError("batch output must be .jsonl or .parquet", code="unsupported_format")
    if path.suffix.lower() == ".parquet":
        _pyarrow()


class RecordWriter:
    """Writes records as they arrive. JSONL keeps the shape `batch` always wrote, {id, result} or {id, error};
    Parquet has one row per item with the columns of `RECORD_FIELDS` (result and error as JSON text)."""

    def __init__(self, path: Path) -> None:
        check_output(path)
        self.path = path
        self.count = 0
        self.failed = 0
        self._parquet = path.suffix.lower() == ".parquet"
        self._pending: list[dict[str, Any]] = []
        self._writer = None
        self._file = None if self._parquet else path.open("w", encoding="utf-8")

    def write(self, record: dict[str, Any]) -> None:
        self.count += 1
        self.failed += record["error"] is not None
        if self._file is not None:
            key, value = ("result", record["result"]) if record["error"] is None else ("error", record["error"])
            self._file.write(f'{{"id": {json.dumps(record["id"])}, "{key}": {value}}}\n')
            return
        self._pending.append({k: record[k] for k in RECORD_FIELDS})
        if len(self._pending) >= _ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        pa, pq = _pyarrow()
        schema = pa.schema([("id", pa.string()), ("result", pa.string()), ("error", pa.string()),
                            ("error_code", pa.string()), ("competency_ids", pa.list_(pa.string()))])
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, schema)
        if self._pending:
            self._writer.write_table(pa.Table.from_pylist(self._pending, schema=schema))
        self._pending = []

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            return
        self._flush()  # also creates the file for an empty batch
        self._writer.close()

    def __enter__(self) -> "RecordWriter":
        return self

    def __exit__(self, exc_type, *_: object) -> None:
        self.close()
        if exc_type is not None and self.count == 0:  # failed before any result (e.g. no model): leave no file
            self.path.unlink(missing_ok=True)
