"""A small error hierarchy. Each error has a stable code and an HTTP status; the API maps them in one place."""

from __future__ import annotations

from typing import Any


class CDEError(Exception):
    code = "error"
    status = 500

    def __init__(self, message: str, *, code: str | None = None, detail: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.detail = detail

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class InputError(CDEError):
    """The caller sent something we cannot use: empty, too long, not UTF-8, out of bounds."""

    code = "invalid_input"
    status = 422


class PayloadTooLarge(CDEError):
    code = "payload_too_large"
    status = 413


class NotFound(CDEError):
    code = "not_found"
    status = 404


class Conflict(CDEError):
    code = "conflict"
    status = 409


class AuthError(CDEError):
    code = "unauthorized"
    status = 401


class Forbidden(CDEError):
    code = "forbidden"
    status = 403


class DictionaryError(CDEError):
    """The dictionary is missing or invalid; detail lists every problem by entry and field."""

    code = "dictionary_invalid"
    status = 500


class ModelError(CDEError):
    """The embedding model is missing or corrupt; the message names the pip command that fixes it."""

    code = "model_unavailable"
    status = 503


class Busy(CDEError):
    """Too many suggestion requests are already running or waiting; the client should retry shortly."""

    code = "busy"
    status = 503


class NotReady(CDEError):
    code = "not_ready"
    status = 503
