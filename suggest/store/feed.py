"""The events feed: the audit trail read forwards from a position, as the changes a frontend cares about.

Built on the audit trail rather than on a table of its own, so nothing can be written without reaching the
feed: every write appends its event in the same transaction. Audit ids are the feed's positions. They are
handed out in commit order because writes are serialised (BEGIN IMMEDIATE on SQLite, an advisory lock taken
at BEGIN on PostgreSQL, see db.py): a reader can never see id N+1 while N is still uncommitted, so reading
"after N" never skips an event that commits later.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .decisions import decision_dict
from .models import AuditEventRow, ReviewRow, iso

# audit kind -> feed type. Keys, seals and other internals stay in the audit trail only.
TYPES = {
    "suggestion_set.create": "suggestion_set.created",
    "decision": "decision.recorded",
    "proposal.create": "proposal.created",
    "proposal.update": "proposal.decided",
    "position.create": "position.created",
    "position.edit": "position.edited",
    "position.rerun": "position.rerun",
    "position.decision": "position_decision.recorded",
    "dictionary.load": "dictionary.loaded",
    "dictionary.publish": "dictionary.published",
}


def read_feed(session: Session, *, after: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
    """Up to `limit` events with audit id > `after`, oldest first, and whether more follow."""
    rows = session.scalars(select(AuditEventRow).where(AuditEventRow.id > after, AuditEventRow.kind.in_(TYPES))
                           .order_by(AuditEventRow.id).limit(limit + 1)).all()
    more, rows = len(rows) > limit, rows[:limit]
    payloads = [json.loads(r.payload) for r in rows]
    # the rows themselves, not the events' copies: an event carries no decision time of its own
    decisions = _rows(session, "set_id", [p for r, p in zip(rows, payloads) if r.kind == "decision"])
    position_decisions = _rows(session, "position_id",
                               [p for r, p in zip(rows, payloads) if r.kind == "position.decision"])
    return [_event(r, p, decisions, position_decisions) for r, p in zip(rows, payloads)], more


def _rows(session: Session, owner: str, payloads: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """{the id the event names: the decision}. Events written before migration 0004 name a row by its id in
    the old table, which the review log keeps as legacy_id; those are keyed negative, so the two numberings
    never meet."""
    new = [p["id"] for p in payloads if isinstance(p.get("id"), int) and "legacy_id" in p]
    old = [p["id"] for p in payloads if isinstance(p.get("id"), int) and "legacy_id" not in p]
    out: dict[int, dict[str, Any]] = {}
    if new:
        out.update({r.id: decision_dict(r) for r in session.scalars(select(ReviewRow).where(ReviewRow.id.in_(new)))})
    if old:
        column = getattr(ReviewRow, owner)
        query = select(ReviewRow).where(ReviewRow.legacy_id.in_(old), column.is_not(None))
        out.update({-r.legacy_id: decision_dict(r) for r in session.scalars(query) if r.legacy_id is not None})
    return out


def _event(row: AuditEventRow, payload: dict[str, Any], decisions: dict[int, dict[str, Any]],
           position_decisions: dict[int, dict[str, Any]]) -> dict[str, Any]:
    kind = row.kind
    out: dict[str, Any] = {"id": row.id, "type": TYPES[kind], "at": iso(row.at), "actor": row.actor,
                           "set_id": None, "position_id": None, "proposal_id": None, "competency_id": None,
                           "revision": None, "decision": None, "position_decision": None, "proposal_status": None,
                           "dictionary": None}
    if kind == "suggestion_set.create":
        out["set_id"] = row.subject
    elif kind == "decision":
        out.update(set_id=payload.get("set_id"), competency_id=payload.get("competency_id"),
                   decision=_pick(decisions, payload))
    elif kind.startswith("proposal."):
        out.update(proposal_id=row.subject, set_id=payload.get("set_id"),
                   proposal_status=payload.get("status", "proposed"))
    elif kind == "position.decision":
        out.update(position_id=payload.get("position_id"), competency_id=payload.get("competency_id"),
                   position_decision=_pick(position_decisions, payload))
    elif kind.startswith("position."):
        out.update(position_id=row.subject, revision=payload.get("revision", 1))
    elif kind == "dictionary.load":
        out["dictionary"] = {"name": payload.get("name"), "version": payload.get("version"),
                             "fingerprint": row.subject, "model": payload.get("model")}
    elif kind == "dictionary.publish":
        out["dictionary"] = {"name": payload.get("name"), "version": row.subject,
                             "fingerprint": payload.get("fingerprint"), "model": None}
    return out


def _pick(found: dict[int, dict[str, Any]], payload: dict[str, Any]) -> dict[str, Any] | None:
    key = payload.get("id")
    if not isinstance(key, int):
        return None
    return found.get(key if "legacy_id" in payload else -key)
