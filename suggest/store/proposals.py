"""Proposals: competencies a reviewer thinks the dictionary is missing, for an admin to approve.

A proposal is decided once. Flipping an approved proposal to rejected would overwrite the first
decision in place, so a second decision is refused (Conflict) instead; the audit trail holds both
the proposal and its decision.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import Conflict, InputError, NotFound
from ._checks import check_level, check_name, check_text
from .limits import Limits
from .audit import append_event
from .models import ASK_TAGS, PROPOSAL_STATUSES, PROPOSAL_TYPES, ProposalRow, SuggestionSetRow, iso, new_id, utcnow

_DECIDED = ("approved", "rejected")


def proposal_dict(row: ProposalRow) -> dict[str, Any]:
    return {
        "id": row.id, "set_id": row.set_id, "activity_index": row.activity_index, "name": row.name,
        "type": row.type, "ask": row.ask, "level": row.level, "rationale": row.rationale,
        "status": row.status, "proposed_by": row.proposed_by, "created_at": iso(row.created_at),
        "decided_by": row.decided_by, "decided_at": iso(row.decided_at) if row.decided_at else None,
        "decision_comment": row.decision_comment,
    }


def create_proposal(session: Session, set_id: str, *, activity_index: int, name: str, type: str,
                    ask: dict[str, Any] | None, level: int | None, rationale: str | None,
                    proposed_by: str, limits: Limits) -> dict[str, Any]:
    parent = session.get(SuggestionSetRow, set_id)
    if parent is None:
        raise NotFound(f"no suggestion set {set_id!r}", code="suggestion_set_not_found")
    indexes = {a.get("index", i) for i, a in enumerate(parent.payload.get("activities") or [])}
    if not isinstance(activity_index, int) or isinstance(activity_index, bool) or activity_index not in indexes:
        raise InputError(f"activity {activity_index!r} is not in suggestion set {set_id}", code="unknown_activity")
    name = check_name(name, "name", max_chars=limits.max_name_chars)
    proposed_by = check_name(proposed_by, "proposed_by", max_chars=limits.max_name_chars)
    if type not in PROPOSAL_TYPES:
        raise InputError(f"type must be one of {', '.join(PROPOSAL_TYPES)}", code="invalid_type")
    check_level(level)
    check_text(rationale, "rationale", max_chars=limits.max_comment_chars)
    row = ProposalRow(
        id=new_id(), set_id=set_id, activity_index=activity_index, name=name, type=type,
        ask=_normalise_ask(ask, limits.max_name_chars), level=level, rationale=rationale, status="proposed",
        proposed_by=proposed_by, created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    append_event(session, proposed_by, "proposal.create", row.id,
                 {"id": row.id, "set_id": set_id, "activity_index": activity_index, "name": name, "type": type})
    return proposal_dict(row)


def get_proposal(session: Session, proposal_id: str) -> dict[str, Any]:
    return proposal_dict(_get(session, proposal_id))


def list_proposals(session: Session, *, status: str | None, set_id: str | None, limit: int,
                   offset: int) -> tuple[list[dict[str, Any]], int]:
    """Newest first."""
    if status is not None and status not in PROPOSAL_STATUSES:
        raise InputError(f"status must be one of {', '.join(PROPOSAL_STATUSES)}", code="invalid_status")
    query = select(ProposalRow)
    count = select(func.count()).select_from(ProposalRow)
    for column, value in ((ProposalRow.status, status), (ProposalRow.set_id, set_id)):
        if value is not None:
            query = query.where(column == value)
            count = count.where(column == value)
    rows = session.scalars(query.order_by(ProposalRow.created_at.desc(), ProposalRow.id).limit(limit).offset(offset))
    return [proposal_dict(r) for r in rows], int(session.scalar(count) or 0)


def update_proposal(session: Session, proposal_id: str, *, status: str, actor: str,
                    comment: str | None, limits: Limits) -> dict[str, Any]:
    if status not in _DECIDED:
        raise InputError("status must be 'approved' or 'rejected'", code="invalid_status")
    check_text(comment, "comment", max_chars=limits.max_comment_chars)
    actor = check_name(actor, "actor", max_chars=limits.max_name_chars)
    row = _get(session, proposal_id)
    if row.status != "proposed":
        raise Conflict(f"proposal {proposal_id} was already {row.status}", code="proposal_already_decided")
    row.status, row.decided_by, row.decided_at, row.decision_comment = status, actor, utcnow(), comment
    session.flush()
    append_event(session, actor, "proposal.update", row.id,
                 {"id": row.id, "status": status, "comment": comment})
    return proposal_dict(row)


def _get(session: Session, proposal_id: str) -> ProposalRow:
    row = session.get(ProposalRow, proposal_id)
    if row is None:
        raise NotFound(f"no proposal {proposal_id!r}", code="proposal_not_found")
    return row


def _normalise_ask(ask: dict[str, Any] | None, max_chars: int) -> dict[str, list[str]]:
    ask = ask or {}
    if not isinstance(ask, dict) or set(ask) - set(ASK_TAGS):
        raise InputError(f"ask may only have the keys {', '.join(ASK_TAGS)}", code="invalid_ask")
    out: dict[str, list[str]] = {}
    for tag in ASK_TAGS:
        items = ask.get(tag) or []
        if not isinstance(items, list):
            raise InputError(f"ask.{tag} must be a list of strings", code="invalid_ask")
        out[tag] = [check_name(s, f"ask.{tag}", max_chars=max_chars) for s in items]
    return out

