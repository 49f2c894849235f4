"""Online quality from recorded reviewer decisions.

`quality` is pure: it takes plain rows and returns plain numbers. `decision_rows` is the only I/O.

decisions: [{"id", "set_id", "competency_id", "action", "reviewer", "at"}]   (at: datetime or ISO string)
sets:      [{"id", "suggestions": [{"competency_id", "competencyAreaName", "score"}, ...]}]  (rank order)

Only each (set, competency, reviewer)'s standing decision counts: the latest one, unless it was withdrawn
(then the one before it, if any). "accept" and "modify" are positive: a modified suggestion was right, only
its level or ASK tag was not. An "add" is a competency the service missed and a reviewer added from the
dictionary: it is not a suggestion, so it stays out of acceptance and precision and is counted on its own
(`n_added`, and `added_share`, the share of kept competencies that reviewers had to add).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

POSITIVE = frozenset({"accept", "modify"})
PRECISION_KS = (1, 3, 5)
UNKNOWN_TYPE = "unknown"


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value)
    parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso_week(value: Any) -> str:
    """ISO year-week of a timestamp, e.g. '2026-W48'."""
    year, week, _ = _time(value).astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"


def latest_decisions(decisions: Iterable[dict]) -> list[dict]:
    """The standing decision of each (set, competency, reviewer): by time, then by row id, then input order;
    a "withdraw" takes that reviewer's newest one back."""
    indexed = list(enumerate(decisions))
    indexed.sort(key=lambda p: (_time(p[1]["at"]), p[1].get("id") if p[1].get("id") is not None else -1, p[0]))
    stacks: dict[tuple[str, str, str], list[dict]] = {}
    for _, d in indexed:
        stack = stacks.setdefault((d["set_id"], d["competency_id"], d["reviewer"]), [])
        if d["action"] == "withdraw":
            if stack:
                stack.pop()
        else:
            stack.append(d)
    return [stack[-1] for stack in stacks.values() if stack]


def _rate(values: list[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def _precision_at(current: list[dict], order: dict[str, list[str]], k: int) -> float | None:
    """Per set: among the top-k shown suggestions that were reviewed, the fraction of positive decisions
    (each reviewer's current decision counts once); then the mean over sets that have such decisions."""
    by_set: dict[str, list[dict]] = defaultdict(list)
    for d in current:
        by_set[d["set_id"]].append(d)
    per_set = []
    for set_id, rows in by_set.items():
        top = set(order.get(set_id, [])[:k])
        hits = [d["action"] in POSITIVE for d in rows if d["competency_id"] in top]
        if hits:
            per_set.append(sum(hits) / len(hits))
    return sum(per_set) / len(per_set) if per_set else None


def _agreement(current: list[dict]) -> tuple[float | None, int]:
    """Fraction of items (set, competency) with >= 2 reviewers whose current verdicts all agree."""
    verdicts: dict[tuple[str, str], dict[str, bool]] = defaultdict(dict)
    for d in current:
        verdicts[(d["set_id"], d["competency_id"])][d["reviewer"]] = d["action"] in POSITIVE
    multi = [set(v.values()) for v in verdicts.values() if len(v) >= 2]
    return _rate([len(v) == 1 for v in multi]), len(multi)


def _summary(current: list[dict], order: dict[str, list[str]]) -> dict[str, Any]:
    added = [d for d in current if d["action"] == "add"]
    current = [d for d in current if d["action"] != "add"]
    agreement, n_multi = _agreement(current)
    n_kept = sum(d["action"] in POSITIVE for d in current) + len(added)
    return {
        "n_decisions": len(current),
        "acceptance_rate": _rate([d["action"] in POSITIVE for d in current]),
        "precision_at": {k: _precision_at(current, order, k) for k in PRECISION_KS},
        "agreement": agreement,
        "n_items_multi": n_multi,
        "n_added": len(added),
        "added_share": len(added) / n_kept if n_kept else None,
    }


def quality(decisions: list[dict], sets: list[dict]) -> dict[str, Any]:
    """Acceptance, precision@{1,3,5} by shown rank, inter-reviewer agreement; overall, by type, by week."""
    order = {s["id"]: [sg["competency_id"] for sg in s.get("suggestions") or []] for s in sets}
    area = {(s["id"], sg["competency_id"]): sg.get("competencyAreaName") or UNKNOWN_TYPE
            for s in sets for sg in s.get("suggestions") or []}
    current = latest_decisions(decisions)
    by_type: dict[str, list[dict]] = defaultdict(list)
    by_week: dict[str, list[dict]] = defaultdict(list)
    for d in current:
        by_type[area.get((d["set_id"], d["competency_id"]), UNKNOWN_TYPE)].append(d)
        by_week[iso_week(d["at"])].append(d)
    out = _summary(current, order)
    out["n_sets_reviewed"] = len({d["set_id"] for d in current})
    out["by_type"] = {t: _summary(rows, order) for t, rows in sorted(by_type.items())}
    out["by_week"] = {w: _summary(rows, order) for w, rows in sorted(by_week.items())}
    return out


def decision_rows(store) -> tuple[list[dict], list[dict]]:
    """Every decision and every suggestion set's shown order, read straight from the store's tables."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from ..store.models import ReviewRow, SuggestionSetRow

    with Session(store.engine) as s:
        decisions = [
            {"id": r.id, "set_id": r.set_id, "competency_id": r.competency_id, "action": r.action,
             "level": r.level, "reviewer": r.reviewer, "at": r.at}
            for r in s.scalars(select(ReviewRow).where(ReviewRow.set_id.is_not(None)).order_by(ReviewRow.id))
        ]
        sets = [
            {"id": set_id, "suggestions": [
                {"competency_id": sg["competency_id"], "competencyAreaName": sg.get("competencyAreaName"),
                 "score": sg.get("score")} for sg in (payload or {}).get("suggestions") or []]}
            for set_id, payload in s.execute(select(SuggestionSetRow.id, SuggestionSetRow.payload))
        ]
    return decisions, sets


def decision_quality(store) -> dict[str, Any]:
    return quality(*decision_rows(store))
