"""The gates every path's input passes before any model call: the text (`check_text`) and the ranking
parameters (`check_ranking`)."""

from __future__ import annotations

import re
import unicodedata

from .errors import InputError
from .settings import Settings

# format characters that show as nothing: text made only of them is as empty as whitespace
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def check_text(text: str | bytes, max_chars: int) -> str:
    """The one gate every path's text passes before any model call (API, CLI, batch, positions):
    UTF-8, no lone surrogates (no database or UTF-8 answer can hold one), not empty or invisible,
    within the limit; returned in NFC so equal-looking texts are equal and offsets refer to what is stored."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"the input is not UTF-8 text (bad byte at position {exc.start}); "
                             "save it as UTF-8 and try again", code="not_utf8") from exc
    bad = _SURROGATE.search(text or "")
    if bad:
        raise InputError(f"the text holds a lone surrogate at position {bad.start()} (broken Unicode); "
                         "copy it again from the original", code="invalid_characters",
                         detail={"position": bad.start()})
    if not text or not _INVISIBLE.sub("", text):
        raise InputError("the text is empty; paste a job description or work-allocation text", code="empty_text")
    text = unicodedata.normalize("NFC", text)
    if len(text) > max_chars:
        raise InputError(f"the text has {len(text)} characters, over the limit of {max_chars}; "
                         "split it or raise CDE_MAX_TEXT_CHARS", code="text_too_long",
                         detail={"limit": max_chars, "length": len(text)})
    return text


def check_ranking(settings: Settings, top_k: int | None, min_score: float | None) -> tuple[int, float]:
    """The request's top_k and min_score, or the settings' defaults; out-of-range values are refused."""
    top_k = settings.top_k if top_k is None else top_k
    min_score = settings.min_score if min_score is None else min_score
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= settings.max_top_k:
        raise InputError(f"top_k must be between 1 and {settings.max_top_k}", code="top_k_out_of_range",
                         detail={"max_top_k": settings.max_top_k})
    if not 0.0 <= min_score <= 1.0:
        raise InputError("min_score must be between 0 and 1", code="min_score_out_of_range")
    return top_k, float(min_score)
