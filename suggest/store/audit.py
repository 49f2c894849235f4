"""The audit trail: an append-only, hash-chained log of every write.

Each event stores ``prev_hash`` and ``hash = sha256(prev_hash + "|" + canonical_json(event))``
where the event is ``{at, actor, kind, subject, payload}``. The database refuses UPDATE and DELETE
(triggers), which stops mistakes; the chain makes edits by someone who can drop the triggers
detectable by ``verify_chain``.

Callers append inside their own transaction, so the event commits or rolls back with the change
it describes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from .db import ADVISORY_LOCK_KEY
from .models import AuditEventRow, iso, utcnow

GENESIS_HASH = "0" * 64
# verify_chain streams rows in pages of this size, so memory stays flat however long the log is
_VERIFY_PAGE = 1000


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def event_hash(prev_hash: str, *, at: datetime, actor: str, kind: str, subject: str,
               payload: dict[str, Any]) -> str:
    body = canonical_json({"at": iso(at), "actor": actor, "kind": kind, "subject": subject, "payload": payload})
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()


def append_event(session: Session, actor: str, kind: str, subject: str, payload: dict[str, Any]) -> AuditEventRow:
    """Append one event to the chain within the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        # Usually already held (write transactions take it at BEGIN); re-taking it is cheap and
        # keeps this function safe for a caller who opened a plain transaction.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_LOCK_KEY})
    # autoflush puts earlier events of this same transaction ahead of the lookup
    prev = session.scalar(select(AuditEventRow.hash).order_by(AuditEventRow.id.desc()).limit(1))
    prev_hash = prev or GENESIS_HASH
    at = utcnow()
    # round-trip through canonical JSON: what is hashed is exactly what is stored and re-read
    payload = json.loads(canonical_json(payload))
    row = AuditEventRow(
        at=at, actor=actor, kind=kind, subject=subject, payload=canonical_json(payload),
        prev_hash=prev_hash,
        hash=event_hash(prev_hash, at=at, actor=actor, kind=kind, subject=subject, payload=payload),
    )
    session.add(row)
    session.flush()
    return row


def event_dict(row: AuditEventRow) -> dict[str, Any]:
    return {
        "id": row.id, "at": iso(row.at), "actor": row.actor, "kind": row.kind, "subject": row.subject,
        "payload": json.loads(row.payload), "prev_hash": row.prev_hash, "hash": row.hash,
    }


def list_events(session: Session, *, limit: int, offset: int, kind: str | None) -> tuple[list[dict[str, Any]], int]:
    """Newest first."""
    query = select(AuditEventRow)
    count = select(func.count()).select_from(AuditEventRow)
    if kind is not None:
        query = query.where(AuditEventRow.kind == kind)
        count = count.where(AuditEventRow.kind == kind)
    rows = session.scalars(query.order_by(AuditEventRow.id.desc()).limit(limit).offset(offset)).all()
    return [event_dict(r) for r in rows], int(session.scalar(count) or 0)


def verify_chain(session: Session) -> dict[str, Any]:
    """Recompute every hash in id order; report the first event whose link or content is wrong."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEventRow).where(AuditEventRow.id > last_id).order_by(AuditEventRow.id).limit(_VERIFY_PAGE)
        ).all()
        if not rows:
            break
        for row in rows:
            problem = _check(row, expected_prev)
            if problem:
                return {"ok": False, "checked": checked, "first_broken_id": row.id,
                        "message": f"audit chain broken at event {row.id}: {problem}"}
            checked += 1
            expected_prev = row.hash
            last_id = row.id
        session.expunge_all()  # keep the identity map from growing with the log
    return {"ok": True, "checked": checked, "first_broken_id": None,
            "message": f"audit chain intact ({checked} events)"}


def _check(row: AuditEventRow, expected_prev: str) -> str | None:
    if row.prev_hash != expected_prev:
        return "prev_hash does not match the previous event's hash (an event was removed or reordered)"
    try:
        payload = json.loads(row.payload)
    except ValueError:
        return "payload is not valid JSON"
    recomputed = event_hash(row.prev_hash, at=row.at, actor=row.actor, kind=row.kind,
                            subject=row.subject, payload=payload)
    if recomputed != row.hash:
        return "hash does not match the event's content (the event was edited)"
    return None
