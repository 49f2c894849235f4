"""Training needs: what a position requires minus what an official already has.

Pure functions over plain dicts, so the CLI, the API and a spreadsheet export share one definition of a
gap: required level above current level, where a competency the official was never assessed on counts
as level 0.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .dictionary import LEVELS, Dictionary
from .errors import InputError

MIN_LEVEL, MAX_LEVEL = 0, max(LEVELS)  # 0 = not held at all; 1..5 are the dictionary's levels
NAME_KEYS = ("name", "competencyAreaName", "competencyThemeName", "competencySubThemeName")
CSV_COLUMNS = ("competency_id", "name", "competencyAreaName", "competencyThemeName", "current_level",
               "required_level", "gap", "activity_count", "levels_to_reach")


def _level(value: Any, where: str) -> int:
    try:
        level = int(str(value).strip())
    except (TypeError, ValueError):
        raise InputError(f"{where}: level {value!r} is not a whole number; use 0 (not held) to 5",
                         code="invalid_level") from None
    if not MIN_LEVEL <= level <= MAX_LEVEL:
        raise InputError(f"{where}: level {level} is outside {MIN_LEVEL}..{MAX_LEVEL}", code="invalid_level")
    return level


def training_needs(required: list[dict[str, Any]], current_levels: dict[str, int],
                   dictionary: Dictionary | None) -> list[dict[str, Any]]:
    """Competencies whose required level is above the current one, biggest gap first, then those more
    activities need, then by id, so the list is the same for the same inputs.

    `levels_to_reach` gives the descriptors of each level still to climb (current+1..required): what
    the training has to teach, in the dictionary's words. A competency the dictionary lacks (another
    dictionary's position file) still yields a need, with no descriptors."""
    needs: list[dict[str, Any]] = []
    for item in required:
        cid = str(item["competency_id"])
        req = _level(item.get("required_level"), f"required level of {cid}")
        cur = _level(current_levels.get(cid, 0), f"current level of {cid}")
        if req <= cur:
            continue
        entry = dictionary.get(cid) if dictionary is not None else None
        names = {k: item.get(k) for k in NAME_KEYS}
        if entry is not None:
            names = {"name": entry.name, "competencyAreaName": entry.type,
                     "competencyThemeName": entry.theme, "competencySubThemeName": entry.sub_theme_name}
        needs.append({
            "competency_id": cid,
            **names,
            "current_level": cur,
            "required_level": req,
            "gap": req - cur,
            "activity_count": int(item.get("activity_count") or 0),
            "levels_to_reach": [{"level": lv, "descriptor": entry.levels.get(lv, "") if entry else ""}
                                for lv in range(cur + 1, req + 1)],
        })
    needs.sort(key=lambda n: (-n["gap"], -n["activity_count"], n["competency_id"]))
    return needs


def read_levels_csv(path: Path | str) -> dict[str, int]:
    """An official's current levels: a CSV with the columns competency_id,level (0..5)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"levels file not found: {path}; pass a CSV with the columns competency_id,level",
                         code="file_not_found")
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: spreadsheets often save a byte-order mark
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text; save it as CSV UTF-8", code="not_utf8") from exc
    return parse_levels_csv(text, source=str(path))


def parse_levels_csv(text: str, *, source: str = "levels") -> dict[str, int]:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip() for f in reader.fieldnames or []]
    if "competency_id" not in fields or "level" not in fields:
        raise InputError(f"{source}: expected the header competency_id,level, got {','.join(fields) or 'nothing'}",
                         code="bad_levels_header")
    levels: dict[str, int] = {}
    for n, row in enumerate(reader, start=2):  # line 1 is the header
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        cid = row.get("competency_id", "")
        if not cid and not row.get("level"):
            continue  # blank line
        if not cid:
            raise InputError(f"{source}:{n}: competency_id is empty", code="bad_levels_row")
        if cid in levels:
            raise InputError(f"{source}:{n}: {cid} appears twice", code="bad_levels_row")
        levels[cid] = _level(row.get("level"), f"{source}:{n}")
    return levels


def needs_to_csv(items: Iterable[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for it in items:
        steps = " | ".join(f"{s['level']}: {s['descriptor']}" for s in it.get("levels_to_reach", []))
        w.writerow([it.get(c, "") if c != "levels_to_reach" else steps for c in CSV_COLUMNS])
    return buf.getvalue()


def _roles_of(position: Any) -> list[dict[str, Any]]:
    if isinstance(position, list):
        return position
    if isinstance(position, dict) and isinstance(position.get("roles"), list):
        return position["roles"]
    raise InputError("a position must be {\"title\": ..., \"roles\": [...]} or a list of roles",
                     code="bad_position")


def required_from_position(position_json: dict[str, Any] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per competency across all roles: the highest level any role needs and the number of distinct
    activities whose evidence asks for it (an activity cited by two roles counts once)."""
    merged: dict[str, dict[str, Any]] = {}
    activities: dict[str, set[Any]] = {}
    for r, role in enumerate(_roles_of(position_json)):
        if not isinstance(role, dict):
            raise InputError(f"role #{r + 1} is not an object", code="bad_position")
        for c, comp in enumerate(role.get("competencies") or []):
            where = f"role #{r + 1}, competency #{c + 1}"
            if not isinstance(comp, dict) or not comp.get("competency_id"):
                raise InputError(f"{where} has no competency_id", code="bad_position")
            cid = str(comp["competency_id"])
            level = comp.get("required_level", comp.get("suggested_level"))
            if level is None:
                raise InputError(f"{where} ({cid}) has neither required_level nor suggested_level",
                                 code="bad_position")
            level = _level(level, f"{where} ({cid})")
            item = merged.setdefault(cid, {"competency_id": cid, **{k: comp.get(k) for k in NAME_KEYS},
                                           "required_level": level})
            item["required_level"] = max(item["required_level"], level)
            ids = activities.setdefault(cid, set())
            for ev in comp.get("evidence") or []:
                # the activity index when there is one, else its span: either names one activity
                ids.add(ev.get("activity", (ev.get("start"), ev.get("end"))) if isinstance(ev, dict) else ev)
    for cid, item in merged.items():
        item["activity_count"] = len(activities[cid])
    return list(merged.values())
