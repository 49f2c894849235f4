"""The review log: one append-only list of reviewer decisions, keyed by (subject, competency), where the
subject is a suggestion set or a position. ``Store`` and ``PositionStore`` both write and read it here, so
the two kinds share the checks, the idempotency design, the audit events and what "current" means.

Current state: each reviewer's decisions on a competency form a stack; a "withdraw" takes that reviewer's
newest one back off it (an undo, which the history still shows). A competency's current review is the
newest of the reviewers' stack tops; none left means "not reviewed".
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict, InputError
from . import audit
from .decisions import decision_dict
from .models import ReviewRow, iso, utcnow

ACCEPTED = ("accept", "modify", "add")


@dataclass(frozen=True)
class Subject:
    kind: str  # "set" or "position"
    id: str

    @property
    def column(self) -> Any:
        return ReviewRow.set_id if self.kind == "set" else ReviewRow.position_id

    @property
    def owner(self) -> dict[str, str]:
        """What the request hash covers besides the decisions (as before the merge, so old keys replay)."""
        return {"set_id": self.id} if self.kind == "set" else {"position_id": self.id}

    @property
    def event_kind(self) -> str:
        return "decision" if self.kind == "set" else "position.decision"


@dataclass(frozen=True)
class Placement:
    """What an "add" may name: the subject's suggested competencies, the dictionary's ids, and its places."""

    suggested: Collection[str]
    dictionary_ids: Collection[str]
    activities: Collection[int] = ()
    roles: Collection[int] = ()


def replay(session: Session, subject: Subject, reviewer: str, key: str | None,
           request_hash: str) -> list[dict[str, Any]] | None:
    """The answer recorded for a repeated Idempotency-Key (None when the key is new). A key is scoped to its
    reviewer and the kind of subject (the route); reused with another body it is a conflict."""
    if key is None:
        return None
    kind_col = ReviewRow.set_id if subject.kind == "set" else ReviewRow.position_id
    prior = session.scalars(select(ReviewRow).where(ReviewRow.idempotency_key == key, ReviewRow.reviewer == reviewer,
                                                    kind_col.is_not(None)).order_by(ReviewRow.id)).all()
    if not prior:
        return None
    if any(p.request_hash != request_hash for p in prior):
        raise Conflict("this Idempotency-Key was already used with a different request",
                       code="idempotency_key_reused")
    return [decision_dict(p) for p in prior]


def rows(session: Session, subject: Subject, competency_id: str | None = None) -> list[ReviewRow]:
    query = select(ReviewRow).where(subject.column == subject.id)
    if competency_id is not None:
        query = query.where(ReviewRow.competency_id == competency_id)
    return list(session.scalars(query.order_by(ReviewRow.id)))


def stacks(log: Iterable[ReviewRow]) -> dict[tuple[str, str], list[ReviewRow]]:
    """{(competency, reviewer): that reviewer's decisions still standing, oldest first}; log oldest first."""
    out: dict[tuple[str, str], list[ReviewRow]] = {}
    for row in log:
        stack = out.setdefault((row.competency_id, row.reviewer), [])
        if row.action == "withdraw":
            if stack:
                stack.pop()
        else:
            stack.append(row)
    return out


def current(log: Iterable[ReviewRow]) -> dict[str, ReviewRow]:
    """{competency_id: its current decision}; a competency every decision was withdrawn from is absent."""
    out: dict[str, ReviewRow] = {}
    for (competency_id, _), stack in stacks(log).items():
        if stack and (competency_id not in out or stack[-1].id > out[competency_id].id):
            out[competency_id] = stack[-1]
    return out


def record(session: Session, subject: Subject, reviewer: str, items: list[dict[str, Any]], *,
           placement: Placement, idempotency_key: str | None, request_hash: str) -> list[dict[str, Any]]:
    """Check the batch against the subject (the caller has locked it in a write transaction) and append it,
    each row with its audit event."""
    log = rows(session, subject)
    standing = stacks(log)
    known = set(placement.suggested) | {r.competency_id for r in log if r.action == "add"}
    _check(subject, items, placement, known)
    own_latest = {r.competency_id: r.id for r in log if r.reviewer == reviewer}
    at = utcnow()
    out = []
    for it in items:
        stack = standing.setdefault((it["competency_id"], reviewer), [])
        supersedes = own_latest.get(it["competency_id"])
        if it["action"] == "withdraw":
            if not stack:
                raise Conflict(f"{reviewer} has no decision on {it['competency_id']} to withdraw",
                               code="nothing_to_withdraw", detail={"competency_id": it["competency_id"]})
            supersedes = stack.pop().id
        row = ReviewRow(**{subject.kind + "_id": subject.id}, reviewer=reviewer, at=at,
                        idempotency_key=idempotency_key, request_hash=request_hash if idempotency_key else None,
                        supersedes_id=supersedes, **it)
        session.add(row)
        session.flush()
        if row.action != "withdraw":
            stack.append(row)
        own_latest[row.competency_id] = row.id
        audit.append_event(session, reviewer, subject.event_kind, f"{subject.id}/{row.competency_id}",
                           event_payload(row))
        out.append(decision_dict(row))
    return out


def event_payload(row: ReviewRow) -> dict[str, Any]:
    """Every column but the time (the event has its own), and the row's digest, which covers the time too."""
    values = {c.key: getattr(row, c.key) for c in ReviewRow.__table__.columns if c.key != "at"}
    return {**values, "row_hash": audit.row_digest(row)}


def _check(subject: Subject, items: list[dict[str, Any]], placement: Placement, known: set[str]) -> None:
    unknown: list[str] = []
    for it in items:
        cid = it["competency_id"]
        if it["action"] != "add":
            if cid not in known:
                unknown.append(cid)
            continue
        if cid not in placement.dictionary_ids:
            raise InputError(f"{cid} is not in the dictionary this {subject.kind} was made with",
                             code="unknown_competency", detail={"competency_ids": [cid]})
        if subject.kind == "set":
            if it["role_id"] is not None or it["activity_index"] not in placement.activities:
                raise InputError("an 'add' on a suggestion set names one of its activities (activity_index)",
                                 code="unknown_activity", detail={"activity_index": it["activity_index"]})
        elif it["activity_index"] is not None or it["role_id"] not in placement.roles:
            raise InputError("an 'add' on a position names one of its roles (role_id, its index)",
                             code="unknown_role", detail={"role_id": it["role_id"]})
        known.add(cid)  # later items of the batch may decide on what this one added
    if unknown:
        where = "set" if subject.kind == "set" else "position"
        raise InputError(f"not suggested for {where} {subject.id}: {', '.join(sorted(set(unknown)))}",
                         code="unknown_competency", detail={"competency_ids": sorted(set(unknown))})


def review_dict(row: ReviewRow | None, *, inherited_from: str | None = None) -> dict[str, Any] | None:
    """The current decision on an item as `review` shows it; `inherited_from` names the set it came from."""
    if row is None:
        return None
    return {"action": row.action, "level": row.level, "ask_tag": row.ask_tag, "reason_code": row.reason_code,
            "comment": row.comment, "reviewer": row.reviewer, "at": iso(row.at), "inherited_from": inherited_from}
