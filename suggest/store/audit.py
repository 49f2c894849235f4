"""The audit trail: an append-only, hash-chained log of every write.

Each event stores ``prev_hash`` and ``hash = HMAC-SHA256(key, prev_hash + "|" + canonical_json(event))``
where the event is ``{at, actor, kind, subject, payload}`` and the key lives outside the database
(``audit_key.py``): someone who can write the database can no longer edit an event and recompute every
later hash. Events written before the chain was keyed used plain sha256; they stay verifiable as a
prefix sealed by the first keyed event (``audit.keyed``). The database refuses UPDATE and DELETE
(triggers), which stops mistakes; ``verify.py`` finds what someone who drops the triggers does.

Callers append inside their own transaction, so the event commits or rolls back with the change
it describes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from .db import ADVISORY_LOCK_KEY
from .models import AuditEventRow, iso, utcnow

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


KEY_INFO = "audit_key"  # where a write session carries the chain's key (Session.info)
SEALED = "audit.keyed"  # the first keyed event after unkeyed ones: it seals them


def event_hash(prev_hash: str, *, at: datetime, actor: str, kind: str, subject: str,
               payload: dict[str, Any], key: bytes | None) -> str:
    """HMAC-SHA256 with the chain's key; key=None gives the old unkeyed sha256, for checking old events."""
    body = canonical_json({"at": iso(at), "actor": actor, "kind": kind, "subject": subject, "payload": payload})
    message = f"{prev_hash}|{body}".encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def row_digest(row: Any, **override: Any) -> str:
    """sha256 over every column of a row (times as ISO strings): what an event vouches for."""
    values = {c.key: override[c.key] if c.key in override else getattr(row, c.key) for c in row.__table__.columns}
    values = {k: iso(v) if isinstance(v, datetime) else v for k, v in values.items()}
    return hashlib.sha256(canonical_json(values).encode()).hexdigest()


def append_event(session: Session, actor: str, kind: str, subject: str, payload: dict[str, Any]) -> AuditEventRow:
    """Append one event to the chain within the caller's transaction (a session from ``Sessions``,
    which carries the key)."""
    key = session.info.get(KEY_INFO)
    if not key:
        raise RuntimeError("audit events need the chain's key: use a session from Sessions")
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
        hash=event_hash(prev_hash, at=at, actor=actor, kind=kind, subject=subject, payload=payload, key=key),
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
