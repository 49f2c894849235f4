"""Reading the shared public data files, with one clear error when a file is missing."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import InputError


def _require(path: Path) -> Path:
    if not path.is_file():
        raise InputError(
            f"benchmark data file not found: {path}; pass --data-dir or set CDE_EVAL_DATA_DIR "
            "to the folder that holds the shared public data (default ../shared/data)",
            code="benchmark_data_missing",
        )
    return path


def _read_csv(path: Path, columns: tuple[str, ...]) -> Iterator[list[str]]:
    """Yield the named columns of each row, in the order asked (plain reader: DictReader is ~2x slower here)."""
    # utf-8-sig because Task_DWA.csv starts with a byte-order mark that would otherwise prefix its first column.
    with _require(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputError(f"{path} lacks column(s) {missing}; has {header}", code="benchmark_data_invalid")
        where = [header.index(c) for c in columns]
        last = max(where)
        for row in reader:
            if len(row) > last:  # blank lines come through as []
                yield [row[i] for i in where]


def _read_json(path: Path) -> Any:
    with _require(path).open(encoding="utf-8") as fh:
        return json.load(fh)
