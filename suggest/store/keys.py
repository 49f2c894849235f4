"""API keys: ``cde_`` + 32 random bytes (urlsafe base64); only the sha256 of the key is stored.

256 bits of randomness need no slow hash (bcrypt guards low-entropy passwords, which these are
not). The ``cde_`` prefix makes a leaked key easy to grep for; the next 8 characters are kept in
clear as ``prefix`` so an admin can tell keys apart and lookups need not scan the table.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Conflict, InputError, NotFound
from ._checks import check_name
from .audit import append_event, row_digest
from .models import ROLES, ApiKeyRow, iso, utcnow

KEY_PREFIX = "cde_"
_DISPLAY_CHARS = 8
# token_urlsafe(32) is 43 characters; anything much longer is not ours, so skip the work
_MAX_KEY_CHARS = 128


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def key_dict(row: ApiKeyRow) -> dict[str, Any]:
    """Public view of a key: never the hash, never the plaintext."""
    return {
        "id": row.id, "name": row.name, "role": row.role, "prefix": row.prefix,
        "created_at": iso(row.created_at),
        "revoked_at": iso(row.revoked_at) if row.revoked_at else None,
        "active": row.revoked_at is None,
    }


def create_key(session: Session, name: str, role: str, *, actor: str,
               max_name_chars: int) -> tuple[str, dict[str, Any]]:
    name = check_name(name, "key_name", max_chars=max_name_chars)
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}", code="invalid_role")
    if _active(session, name) is not None:
        raise Conflict(f"an active key named {name!r} already exists; revoke it first", code="key_name_taken")
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKeyRow(name=name, role=role, key_hash=hash_key(plaintext),
                    prefix=plaintext[len(KEY_PREFIX):len(KEY_PREFIX) + _DISPLAY_CHARS], created_at=utcnow())
    session.add(row)
    session.flush()
    # id and row digest let `verify` check the api_keys table against the trail (a role edited in the
    # database, a key inserted behind the service's back)
    append_event(session, actor, "key.create", name, {"id": row.id, "name": name, "role": role,
                                                      "row_hash": row_digest(row)})
    return plaintext, key_dict(row)


def verify_key(session: Session, plaintext: str) -> dict[str, Any] | None:
    """The key's public view if it is known and not revoked, else None."""
    if not isinstance(plaintext, str) or not plaintext.startswith(KEY_PREFIX) or len(plaintext) > _MAX_KEY_CHARS:
        return None
    prefix = plaintext[len(KEY_PREFIX):len(KEY_PREFIX) + _DISPLAY_CHARS]
    digest = hash_key(plaintext)
    candidates = session.scalars(
        select(ApiKeyRow).where(ApiKeyRow.prefix == prefix, ApiKeyRow.revoked_at.is_(None))
    ).all()
    found = None
    for row in candidates:
        # compare every candidate, not just until the first match, so timing says nothing
        if hmac.compare_digest(row.key_hash, digest):
            found = row
    return key_dict(found) if found is not None else None


def revoke_key(session: Session, name: str, *, actor: str, max_name_chars: int) -> dict[str, Any]:
    name = check_name(name, "key_name", max_chars=max_name_chars)
    row = _active(session, name)
    if row is None:
        raise NotFound(f"no active key named {name!r}", code="key_not_found")
    # the one UPDATE on api_keys: revocation is a state change, and the audit event records it
    row.revoked_at = utcnow()
    session.flush()
    append_event(session, actor, "key.revoke", name, {"id": row.id, "name": name, "role": row.role,
                                                      "revoked_at": iso(row.revoked_at)})
    return key_dict(row)


def list_keys(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id)).all()
    return [key_dict(r) for r in rows]


def _active(session: Session, name: str) -> ApiKeyRow | None:
    return session.scalar(select(ApiKeyRow).where(ApiKeyRow.name == name, ApiKeyRow.revoked_at.is_(None)))
