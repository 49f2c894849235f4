"""Input checks and limits shared by the store modules.

The store re-checks what the API layer validates because the CLI and scripts call it directly,
and because the two backends disagree on bad input (PostgreSQL refuses NUL characters in text,
SQLite stores them), which would make the same call succeed on one and fail on the other.
Every limit comes from `Settings` through `Limits`; none is written here.
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import InputError
from .audit import canonical_json
from .limits import Limits


def check_level(level: Any, field: str = "level") -> int | None:
    if level is None:
        return None
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        raise InputError(f"{field} must be an integer from 1 to 5", code="invalid_level", detail={"field": field})
    return level


def check_text(value: Any, field: str, *, max_chars: int, required: bool = False) -> str | None:
    """Optional free text: a string without NUL characters, at most ``max_chars`` long."""
    if value is None:
        if required:
            raise InputError(f"{field} is required", code="invalid_field", detail={"field": field})
        return None
    if not isinstance(value, str) or len(value) > max_chars or "\x00" in value:
        raise InputError(f"{field} must be text of at most {max_chars} characters, without NUL",
                         code="invalid_field", detail={"field": field, "limit": max_chars})
    if required and not value.strip():
        raise InputError(f"{field} must not be blank", code="invalid_field", detail={"field": field})
    return value


def check_name(value: Any, field: str, *, max_chars: int) -> str:
    """A required one-line identifier such as a reviewer or key name; surrounding spaces dropped."""
    text = check_text(value, field, max_chars=max_chars, required=True)
    assert text is not None  # for the type checker: required=True never returns None
    return text.strip()


def optional_name(value: Any, field: str, *, max_chars: int) -> str | None:
    if value is None:
        return None
    return check_name(value, field, max_chars=max_chars) if str(value).strip() else None


def check_page(limit: Any, offset: Any, limits: Limits) -> None:
    if (not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= limits.max_page_size
            or not isinstance(offset, int) or isinstance(offset, bool) or offset < 0):
        raise InputError(f"limit must be 1..{limits.max_page_size} and offset >= 0", code="page_out_of_range",
                         detail={"max_page_size": limits.max_page_size})


def copy_payload(payload: Any) -> dict[str, Any]:
    """A JSON-clean deep copy, so later changes to the caller's dict cannot reach the stored row."""
    if not isinstance(payload, dict):
        raise InputError("payload must be an object", code="invalid_payload")
    try:
        encoded = canonical_json(payload)
    except (TypeError, ValueError) as exc:
        raise InputError(f"payload is not JSON-serialisable: {exc}", code="invalid_payload") from exc
    copied: dict[str, Any] = json.loads(encoded)
    if _has_nul(copied):
        raise InputError("payload contains a NUL character", code="invalid_payload")
    return copied


def _has_nul(value: Any) -> bool:
    # PostgreSQL's JSONB refuses \u0000 while SQLite stores it; refuse it on both
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False
