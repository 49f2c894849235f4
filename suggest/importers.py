"""Importers: turn other dictionary formats into raw entries that `dictionary.validate_entries` checks.

Formats: the KCM JSON exactly as Karmayogi Bharat publishes it, our own JSON (a list of entries, as
`cde-suggest dictionary show --json` prints), and the CSV format documented in dictionary/README.md.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from .errors import DictionaryError

CSV_LIST_SEP = "|"
CSV_COLUMNS = (
    "id", "type", "theme", "sub_theme", "name", "description", "attitude", "skill", "knowledge",
    "level_1", "level_2", "level_3", "level_4", "level_5", "examples", "aliases",
)
CSV_REQUIRED = ("id", "type", "theme", "name")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DictionaryError(f"{path} is not UTF-8 text: {exc}", code="dictionary_not_utf8") from exc


def is_kcm_record(record: Any) -> bool:
    return isinstance(record, dict) and "sub_theme" in record and ("competency_id" in record or "theme" in record)


def kcm_record_to_entry(record: dict[str, Any]) -> dict[str, Any]:
    """The published KCM has no ASK, levels or examples; its description is used as is (the ministry's own text)."""
    description = (record.get("sub_theme_description") or "").strip() or (record.get("theme_description") or "").strip()
    return {
        "id": record.get("competency_id"),
        "type": record.get("type"),
        "theme": record.get("theme"),
        "sub_theme": record.get("sub_theme"),
        "name": record.get("sub_theme"),
        "description": description,
    }


def read_json(path: Path) -> tuple[str, str, list[Any]]:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise DictionaryError(f"{path} is not valid JSON: {exc}", code="dictionary_unreadable") from exc
    name, version = path.stem, "unversioned"
    if isinstance(data, dict):
        name, version = str(data.get("name", name)), str(data.get("version", version))
        data = data.get("entries")
    if not isinstance(data, list):
        raise DictionaryError(f"{path} must hold a JSON list of entries", code="dictionary_invalid")
    if data and all(is_kcm_record(r) and "competency_id" in r for r in data):
        return name, version, [kcm_record_to_entry(r) for r in data]
    return name, version, data


def _split(cell: str | None) -> list[str]:
    return [p.strip() for p in (cell or "").split(CSV_LIST_SEP) if p.strip()]


def read_csv(path: Path) -> tuple[str, str, list[Any]]:
    reader = csv.DictReader(_read_text(path).splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise DictionaryError(
            f"{path}: the CSV header lacks required column(s) {', '.join(missing)}; "
            f"expected columns: {', '.join(CSV_COLUMNS)}",
            code="dictionary_invalid",
        )
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise DictionaryError(f"{path}: unknown CSV column(s) {', '.join(unknown)}", code="dictionary_invalid")
    entries: list[dict[str, Any]] = []
    for row in reader:
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        levels = {i: row[f"level_{i}"] for i in range(1, 6) if row.get(f"level_{i}")}
        entries.append({
            "id": row.get("id"),
            "type": row.get("type"),
            "theme": row.get("theme"),
            "sub_theme": row.get("sub_theme") or None,
            "name": row.get("name"),
            "description": row.get("description", ""),
            "ask": {k: _split(row.get(k)) for k in ("attitude", "skill", "knowledge")},
            "levels": levels,
            "examples": _split(row.get("examples")),
            "aliases": _split(row.get("aliases")),
        })
    return path.stem, "unversioned", entries
