"""``verify``: does the database still say what the audit chain says it said?

Checked, streaming in pages so memory stays flat apart from one small dict per audited row:

* the chain: every link and HMAC; unkeyed (old) events only as a prefix sealed by a keyed ``audit.keyed``
  event, so an edit re-hashed without the key shows as an unkeyed event after keyed ones;
* the review log (decisions on sets and positions) against its events, both ways: a row without its event
  was inserted behind the service's back, an event without its row was deleted, a differing row was edited.
  Rows moved from the old tables by migration 0004 are checked against their old events, by their old id
  and in their old shape (``_legacy``);
* api_keys against key.create / key.revoke events: a forged key, a changed role, a revocation undone;
* optionally an anchor (``anchor``: "id:hash", kept outside the database): the log must still reach it,
  so deleting the newest events shows.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .audit import GENESIS_HASH, SEALED, canonical_json, event_hash, row_digest
from .models import ApiKeyRow, AuditEventRow, ReviewRow, iso

_PAGE = 1000
_DECISION_KINDS = ("decision", "position.decision")
_OLD_TABLES = {"decision": "decisions", "position.decision": "position_decisions"}
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
    # events written before 0004 name a row by its old id; later ones carry every column, legacy_id too
    legacy: dict[str, dict[int, dict[str, Any]]] = {kind: {} for kind in _DECISION_KINDS}
    audited: dict[int, dict[str, Any]] = {}
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
        elif row.kind in _DECISION_KINDS and "id" in payload:
            if "legacy_id" in payload:
                audited[payload["id"]] = payload
            else:
                legacy[row.kind][payload["id"]] = payload
        elif row.kind in ("key.create", "key.revoke") and "id" in payload:
            keys.setdefault(payload["id"], {})[row.kind] = payload
        expected_prev, checked, head = row.hash, checked + 1, (row.id, row.hash)
    if unkeyed and not sealed:
        problems.append(f"{unkeyed} unkeyed events are not sealed by a keyed event (the chain was rewritten "
                        "without the key)")
    problems += _rows_against_events(session, audited, legacy)
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


def _rows_against_events(session: Session, events: dict[int, dict[str, Any]],
                         legacy: dict[str, dict[int, dict[str, Any]]]) -> list[str]:
    problems: list[str] = []
    seen: set[int] = set()
    seen_legacy: dict[str, set[int]] = {kind: set() for kind in legacy}
    old_ids: dict[int, int] = {}  # row id -> its id before 0004; a row supersedes only earlier rows
    for row in _pages(session, ReviewRow):
        if row.legacy_id is None:
            seen.add(row.id)
            event, values, digest = events.get(row.id), None, row_digest(row)
            name = f"review_log row {row.id}"
        else:
            kind = "decision" if row.set_id is not None else "position.decision"
            old_ids[row.id] = row.legacy_id
            seen_legacy[kind].add(row.legacy_id)
            event, values = legacy[kind].get(row.legacy_id), _legacy(row, old_ids)
            digest = hashlib.sha256(canonical_json(values).encode()).hexdigest()
            name = f"review_log row {row.id} ({_OLD_TABLES[kind]} row {row.legacy_id})"
            if row.activity_index is not None or row.role_id is not None:
                event = {**(event or {}), "row_hash": "added after the migration"}
        if event is None:
            problems.append(f"{name} has no audit event (inserted outside the service)")
            continue
        same = all((values.get(k) if values is not None else getattr(row, k)) == v
                   for k, v in event.items() if k not in ("row_hash", "at"))
        if not same or ("row_hash" in event and event["row_hash"] != digest):
            problems.append(f"{name} differs from its audit event (changed)")
    problems += [f"review_log row {i} is in the audit trail but not in the table (deleted)"
                 for i in sorted(set(events) - seen)]
    for kind, by_id in legacy.items():
        problems += [f"{_OLD_TABLES[kind]} row {i} is in the audit trail but not in review_log (deleted)"
                     for i in sorted(set(by_id) - seen_legacy[kind])]
    return problems


def _legacy(row: ReviewRow, old_ids: dict[int, int]) -> dict[str, Any]:
    """A moved row as its old table held it: the columns (and ids) its pre-0004 event and digest cover."""
    values: dict[str, Any] = {"id": row.legacy_id}
    values.update({"set_id": row.set_id} if row.set_id is not None else {"position_id": row.position_id})
    for column in ("competency_id", "action", "level", "ask_tag", "reason_code", "comment", "reviewer"):
        values[column] = getattr(row, column)
    values["at"] = iso(row.at)
    values["supersedes_id"] = None if row.supersedes_id is None else old_ids.get(row.supersedes_id, -1)
    values["idempotency_key"] = row.idempotency_key
    if row.position_id is not None:
        values["request_hash"] = row.request_hash  # only position_decisions kept it on the row
    return values


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
