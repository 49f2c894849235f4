"""API keys: Bearer tokens checked against hashes in the store; roles viewer < reviewer < admin.

A development key (settings.dev_key, printed by `cde-suggest serve`) is accepted from loopback clients only."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Depends, Request

from ..errors import AuthError, Forbidden

ROLES = {"viewer": 0, "reviewer": 1, "admin": 2}
LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}


@dataclass(frozen=True)
class Principal:
    name: str
    role: str


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    # one documented way only: a second, undocumented header (X-Api-Key) was accepted before and is not now
    return None


def authenticate(request: Request) -> Principal:
    services = request.app.state.services
    token = _bearer(request)
    if not token:
        raise AuthError("an API key is required: send 'Authorization: Bearer <key>' "
                        "(create one with cde-suggest keys create)", code="missing_key")
    dev = services.settings.dev_key
    if dev and hmac.compare_digest(token.encode(), dev.encode()):
        host = request.client.host if request.client else ""
        if host not in LOOPBACK:
            raise AuthError("the development key works only from this machine; use a real API key",
                            code="dev_key_not_local")
        return Principal("dev", "admin")
    record = services.need_store().verify_key(token)
    if record is None:
        raise AuthError("the API key is unknown or revoked", code="invalid_key")
    return Principal(record["name"], record["role"])


def require(role: str):
    def dependency(principal: Principal = Depends(authenticate)) -> Principal:
        if ROLES[principal.role] < ROLES[role]:
            raise Forbidden(f"this needs the {role} role; your key has the {principal.role} role",
                            code="insufficient_role")
        return principal

    return dependency
