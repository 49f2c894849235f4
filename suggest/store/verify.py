"""``verify``: does the database still say what the audit chain says it said?

Checked, streaming in pages so memory stays flat apart from one small dict per audited row:

* the chain: every link and HMAC; unkeyed (old) events only as a prefix sealed by a keyed ``audit.keyed``
  event, so an edit re-hashed without the key shows as an unkeyed event after keyed ones;
* decisions and position decisions against their events, both ways: a row without its event was
  inserted behind the service's back, an event without its row was deleted, a differing row was edited;
* api_keys against key.create / key.revoke events: a forged key, a changed role, a revocation undone;
* optionally an anchor (``anchor``: "id:hash", kept outside the database): the log must still reach it,
  so deleting the newest events shows.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .audit import GENESIS_HASH, SEALED, event_hash, row_digest
from .models import ApiKeyRow, AuditEventRow, DecisionRow, PositionDecisionRow, iso

_PAGE = 1000
_TABLES = {"decision": DecisionRow, "position.decision": PositionDecisionRow}
# at most this many problems are listed; the first ones say enough to start looking
_MAX_PROBLEMS = 50


def _pages(session: Session, model: Any):
    last = 0
    while True:
        rows = session.scalars(select(model).where(model.id > last).order_by(model.id).limit(_PAGE)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()


def anchor(session: Session) -> str:
    head = session.execute(select(AuditEventRow.id, AuditEventRow.hash).order_by(AuditEventRow.id.desc())
                           .limit(1)).first()
    return f"{head.id}:{head.hash}" if head else f"0:{GENESIS_HASH}"


def verify(session: Session, key: bytes, *, anchor_text: str | None = None) -> dict[str, Any]:
    problems: list[str] = []
    first_broken: int | None = None
    audited: dict[str, dict[int, dict[str, Any]]] = {"decision": {}, "position.decision": {}}
    keys: dict[int, dict[str, Any]] = {}
    expected_prev, checked, unkeyed, sealed, keyed_seen = GENESIS_HASH, 0, 0, False, False
    head: tuple[int, str] = (0, GENESIS_HASH)
    for row in _pages(session, AuditEventRow):
        problem, payload = _link(row, expected_prev, key)
        if problem is None:
            if row.hash == event_hash(row.prev_hash, at=row.at, actor=row.actor, kind=row.kind,
                                      subject=row.subject, payload=payload, key=key):
                keyed_seen = True
                if row.kind == SEALED and not sealed:
                    sealed = payload.get("unkeyed_events") == unkeyed and payload.get("unkeyed_head") == expected_prev
                    if not sealed:
                        problem = "the seal of the unkeyed events does not match them"
            elif keyed_seen:
                problem = "unkeyed hash after keyed events (edited and re-hashed without the key)"
            else:
                unkeyed += 1
        if problem:
            first_broken = first_broken or row.id
            problems.append(f"event {row.id}: {problem}")
        elif row.kind in audited and "id" in payload:
            audited[row.kind][payload["id"]] = payload
        elif row.kind in ("key.create", "key.revoke") and "id" in payload:
            keys.setdefault(payload["id"], {})[row.kind] = payload
        expected_prev, checked, head = row.hash, checked + 1, (row.id, row.hash)
    if unkeyed and not sealed:
        problems.append(f"{unkeyed} unkeyed events are not sealed by a keyed event (the chain was rewritten "
                        "without the key)")
    for kind, model in _TABLES.items():
        problems += _rows_against_events(session, model, kind, audited[kind])
    problems += _keys_against_events(session, keys)
    if anchor_text:
        problems += _check_anchor(session, anchor_text, head)
    ok = not problems
    message = f"audit chain intact ({checked} events" + (f", {unkeyed} unkeyed and sealed" if unkeyed else "") \
        + "; decisions and keys match their events)" if ok else "; ".join(problems[:_MAX_PROBLEMS])
    return {"ok": ok, "checked": checked, "first_broken_id": first_broken, "problems": problems[:_MAX_PROBLEMS],
            "message": message, "anchor": f"{head[0]}:{head[1]}"}


def _link(row: AuditEventRow, expected_prev: str, key: bytes) -> tuple[str | None, dict[str, Any]]:
    if row.prev_hash != expected_prev:
        return "prev_hash does not match the previous event's hash (an event was removed or reordered)", {}
    try:
        payload = json.loads(row.payload)
    except ValueError:
        return "payload is not valid JSON", {}
    fields = dict(at=row.at, actor=row.actor, kind=row.kind, subject=row.subject, payload=payload)
    if row.hash not in (event_hash(row.prev_hash, **fields, key=key), event_hash(row.prev_hash, **fields, key=None)):
        return "hash does not match the event's content (the event was edited)", payload
    return None, payload


def _rows_against_events(session: Session, model: Any, kind: str, events: dict[int, dict[str, Any]]) -> list[str]:
    problems, seen = [], set()
    for row in _pages(session, model):
        seen.add(row.id)
        event = events.get(row.id)
        if event is None:
            problems.append(f"{model.__tablename__} row {row.id} has no audit event (inserted outside the service)")
            continue
        same = all(getattr(row, k) == v for k, v in event.items() if k not in ("row_hash", "at"))
        if not same or ("row_hash" in event and event["row_hash"] != row_digest(row)):
            problems.append(f"{model.__tablename__} row {row.id} differs from its audit event (changed)")
    problems += [f"{model.__tablename__} row {i} is in the audit trail but not in the table (deleted)"
                 for i in sorted(set(events) - seen)]
    return problems


def _keys_against_events(session: Session, events: dict[int, dict[str, Any]]) -> list[str]:
    problems, seen = [], set()
    for row in _pages(session, ApiKeyRow):
        seen.add(row.id)
        created = events.get(row.id, {}).get("key.create")
        revoked = events.get(row.id, {}).get("key.revoke")
        if created is None:
            problems.append(f"api_keys row {row.id} ({row.name}) has no key.create event (a forged key)")
            continue
        revoked_at = row.revoked_at
        digest = row_digest(row, revoked_at=None)  # the create event vouches for the key as created
        if created.get("row_hash") != digest or created.get("role") != row.role:
            problems.append(f"api_keys row {row.id} ({row.name}) differs from its key.create event "
                            "(name, role or hash changed)")
        if (revoked is None) != (revoked_at is None) or (revoked and revoked.get("revoked_at") != iso(revoked_at)):
            problems.append(f"api_keys row {row.id} ({row.name}): revocation differs from the audit trail")
    problems += [f"api_keys row {i} is in the audit trail but not in the table (deleted)"
                 for i in sorted(set(events) - seen)]
    return problems


def _check_anchor(session: Session, anchor_text: str, head: tuple[int, str]) -> list[str]:
    try:
        anchor_id, anchor_hash = anchor_text.strip().split(":", 1)
        anchor_id_int = int(anchor_id)
    except ValueError:
        return [f"the anchor {anchor_text!r} is not 'id:hash' as `cde-suggest audit anchor` prints it"]
    if anchor_id_int == 0:
        return []
    found = session.scalar(select(AuditEventRow.hash).where(AuditEventRow.id == anchor_id_int))
    if found is None:
        n = session.scalar(select(func.count()).select_from(AuditEventRow))
        return [f"anchored event {anchor_id_int} is gone: the log ends at event {head[0]} ({n} events), so "
                "its newest events were deleted"]
    if found != anchor_hash:
        return [f"anchored event {anchor_id_int} has another hash than the anchor (the chain was rewritten)"]
    return []
