"""Small input checks shared by the store modules.

The store re-checks what the API layer validates because the CLI and scripts call it directly,
and because the two backends disagree on bad input (PostgreSQL refuses NUL characters in text,
SQLite stores them), which would make the same call succeed on one and fail on the other.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError

MAX_NAME_CHARS = 300
MAX_TEXT_CHARS = 4000


def check_level(level: Any, field: str = "level") -> int | None:
    if level is None:
        return None
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
        raise InputError(f"{field} must be an integer from 1 to 5", code="invalid_level")
    return level


def check_text(value: Any, field: str, *, max_chars: int = MAX_TEXT_CHARS, required: bool = False) -> str | None:
    """Optional free text: a string without NUL characters, at most ``max_chars`` long."""
    if value is None:
        if required:
            raise InputError(f"{field} is required", code=f"invalid_{field}")
        return None
    if not isinstance(value, str) or len(value) > max_chars or "\x00" in value:
        raise InputError(f"{field} must be text of at most {max_chars} characters, without NUL",
                         code=f"invalid_{field}")
    if required and not value.strip():
        raise InputError(f"{field} must not be blank", code=f"invalid_{field}")
    return value


def check_name(value: Any, field: str, *, max_chars: int = MAX_NAME_CHARS) -> str:
    """A required one-line identifier such as a reviewer or key name; surrounding spaces dropped."""
    text = check_text(value, field, max_chars=max_chars, required=True)
    assert text is not None  # for the type checker: required=True never returns None
    return text.strip()
