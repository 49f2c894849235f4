"""Exports of a position's accepted mapping in other C-DE tools' shapes. Pure functions over dicts.

- iGOT: the `competencies_v6` fields used on iGOT content (competencyAreaName, competencyThemeName,
  competencySubThemeName), with our KCM id as the sub-theme reference.
- FRAC / work allocation: POSITION -> ROLE -> {ACTIVITY, COMPETENCY -> COMPETENCIESLEVEL} data nodes.
  A node is VERIFIED only where a reviewer vouched for it, DRAFT otherwise (`frac_status`).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .dictionary import Dictionary


def to_igot(position: str, mapping: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "position": position,
        "competencies_v6": [{
            "competencyAreaName": m["competencyAreaName"],
            "competencyThemeName": m["competencyThemeName"],
            "competencySubThemeName": m["competencySubThemeName"],
            "competencySubThemeRefId": m["competency_id"],
            "level": m["required_level"],
        } for m in mapping],
    }


def _level_node(entry, level: int) -> dict[str, Any]:
    return {"type": "COMPETENCIESLEVEL", "name": f"Level {level}", "level": f"Level {level}",
            "description": entry.levels.get(level, "") if entry else ""}


KEPT = ("accept", "modify", "add")


def frac_status(verified: bool) -> str:
    return "VERIFIED" if verified else "DRAFT"


def kept(m: dict[str, Any]) -> bool:
    """A reviewer accepted, modified or added it (its current review says so)."""
    return (m.get("review") or {}).get("action") in KEPT


def frac_competency(m: dict[str, Any], dictionary: Dictionary | None) -> dict[str, Any]:
    entry = dictionary.get(m["competency_id"]) if dictionary else None
    level = int(m["required_level"])
    return {
        "type": "COMPETENCY", "id": m["competency_id"], "name": m.get("name") or m["competencySubThemeName"],
        "description": entry.description if entry else "", "source": "C-DE", "status": frac_status(kept(m)),
        "level": f"Level {level}",
        "additionalProperties": {"competencyType": m["competencyAreaName"], "competencyArea": m["competencyThemeName"]},
        "children": [_level_node(entry, level)],
    }


def to_frac(position: str, roles: list[dict[str, Any]], dictionary: Dictionary | None,
            department: str | None = None) -> dict[str, Any]:
    """roles: [{name, activities: [text], competencies: [mapping item with its review]}].

    VERIFIED: a competency a reviewer accepted, modified or added; an activity such a competency cites as
    evidence (or that an added one was placed on); a role whose every competency is decided and one at least
    kept; the position when all its roles are. Everything else is DRAFT: a suggestion nobody has reviewed yet
    is exported as one, not as a fact."""
    nodes = []
    for r in roles:
        vouched = {ev["text"] for m in r["competencies"] if kept(m) for ev in m.get("evidence") or []}
        vouched |= set(r.get("verified_activities") or ())
        decided = all(m.get("review") for m in r["competencies"])
        nodes.append({
            "type": "ROLE", "name": r["name"],
            "status": frac_status(decided and any(kept(m) for m in r["competencies"])),
            "children": [{"type": "ACTIVITY", "name": a, "status": frac_status(a in vouched)} for a in r["activities"]]
            + [frac_competency(m, dictionary) for m in r["competencies"]],
        })
    verified = bool(nodes) and all(n["status"] == "VERIFIED" for n in nodes)
    return {"type": "POSITION", "name": position, "department": department, "status": frac_status(verified),
            "children": nodes}


def roles_from_mapping(position: str, mapping: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Without explicit roles, one role holds every evidenced activity (roles come with positions)."""
    activities: list[str] = []
    for m in mapping:
        for ev in m.get("evidence", []):
            if ev["text"] not in activities:
                activities.append(ev["text"])
    return [{"name": position, "activities": activities, "competencies": mapping}]


def to_csv(mapping: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["competency_id", "competencyAreaName", "competencyThemeName", "competencySubThemeName",
                "required_level", "action", "reviewer"])
    for m in mapping:
        review = m.get("review") or {}
        w.writerow([m["competency_id"], m["competencyAreaName"], m["competencyThemeName"],
                    m["competencySubThemeName"], m["required_level"], review.get("action", ""),
                    review.get("reviewer", "")])
    return buf.getvalue()
