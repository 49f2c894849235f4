"""The one place where errors become HTTP responses. Every error body is {code, message, detail}."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..errors import CODES, AuthError, Busy, CDEError, RateLimited
from .out_common import ErrorCode

log = logging.getLogger("cde.api")


def error_response(status: int, code: str, message: str, detail: object = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "detail": detail}, status_code=status, headers=headers)


def _routes(routes) -> list:
    out = []
    for route in routes:
        out.append(route)
        # an included router may be wrapped (FastAPI >= 0.13x); its routes carry their full paths
        inner = getattr(getattr(route, "original_router", None), "routes", None)
        if inner:
            out.extend(_routes(inner))
    return out


def _allowed(request: Request) -> str:
    """Every method of every route on this path: Starlette names only the first route's, and GET and
    POST on one path are two routes here."""
    path = request.url.path
    methods: set[str] = set()
    for route in _routes(request.app.routes):
        regex, route_methods = getattr(route, "path_regex", None), getattr(route, "methods", None)
        if regex is not None and route_methods and regex.match(path):
            methods |= set(route_methods)
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CDEError)
    async def _cde(_: Request, exc: CDEError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthError) else None
        if isinstance(exc, (Busy, RateLimited)):
            headers = {"Retry-After": str((exc.detail or {}).get("retry_after_s", 2))}
        return error_response(exc.status, exc.code, exc.message, exc.detail, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
        first = detail[0] if detail else {"loc": [], "msg": "invalid request"}
        where = ".".join(str(p) for p in first["loc"][1:]) or "body"
        # broken Unicode gets its own registered code, so the page can say what to do about it
        code = "invalid_characters" if any(d["type"] == "invalid_characters" for d in detail) else "validation_error"
        return error_response(422, code, f"{where}: {first['msg']}", detail)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        # keep the exception's headers: a 405 must say which methods are allowed (Allow)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed(request)
        return error_response(exc.status_code, code, str(exc.detail), headers=headers or None)

    @app.get("/v1/errors", response_model=dict[str, ErrorCode], operation_id="listErrorCodes", tags=["ops"])
    def error_codes() -> dict:
        """Every error code the service can return, with its HTTP status and a message for people.
        The web page shows these messages; integrators can use them too."""
        return {code: {"status": c.status, "message": c.message} for code, c in CODES.items()}

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_response(500, "internal_error", "unexpected server error; the request was not completed")
