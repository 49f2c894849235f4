"""A pure-ASGI body cap: refuses sized and chunked bodies over the limit with 413, before any parsing.

A body without Content-Length is read up to the limit and then replayed to the app, so the app never
sees a partial body and the cap cannot be swallowed by a parser's own error handling."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _body(limit: int) -> bytes:
    return json.dumps({"code": "payload_too_large",
                       "message": f"the request body is over the limit of {limit} bytes; send less text "
                                  "or raise CDE_MAX_BODY_BYTES",
                       "detail": {"limit": limit}}).encode()


_NUL_BODY = json.dumps({"code": "invalid_characters",
                        "message": "the address holds a NUL character, which nothing here can store or match",
                        "detail": None}).encode()


class NulGuardMiddleware:
    """Refuses a NUL in the path or query string with 422 before any route runs. PostgreSQL cannot
    hold NUL in text, so a lookup by such a name failed there with 500 while SQLite answered 404;
    nothing stored can contain one (the store refuses it), so no real lookup is lost."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ("\x00" in scope.get("path", "")
                                        or b"%00" in (scope.get("query_string") or b"")):
            await send({"type": "http.response.start", "status": 422,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(_NUL_BODY)).encode())]})
            await send({"type": "http.response.body", "body": _NUL_BODY})
            return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int, *, overrides: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = max_body_bytes
        self.overrides = overrides or {}  # e.g. uploads get their own, larger cap

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.overrides.get(scope.get("path", ""), self.limit)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit():
            if int(length) > limit:
                await self._reject(send, limit)
                return
            await self.app(scope, receive, send)
            return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                await self._reject(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, send: Send, limit: int) -> None:
        body = _body(limit)
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
