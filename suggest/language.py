"""Which encoder reads a line: English lines go to the English model, Hindi and mixed lines to the
multilingual one.

Decided per activity by the share of Devanagari among the line's letters, because officials mix the two
in one order ("PFMS पर मासिक व्यय की निगरानी करना"): one language per JD would send half the lines to a
model that cannot read them. A line counts as English only when almost all its letters are Latin; a few
Devanagari letters already make MiniLM's word pieces meaningless, so any line past that goes multilingual.
Lines in other scripts (Tamil, Bengali, Urdu ...) are marked "other": the multilingual model reads them,
but we have not measured it on them, and the answer says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

Lang = Literal["en", "hi", "mixed", "other"]
Requested = Literal["auto", "en", "hi"]
LANGS: tuple[str, ...] = ("auto", "en", "hi")

# Below this share of Devanagari a line is English (an office name in Hindi inside an English duty);
# at or above HINDI it is Hindi (an acronym such as PFMS inside a Hindi duty); in between it is mixed.
ENGLISH_MAX = 0.1
HINDI_MIN = 0.8


def _script(ch: str) -> str | None:
    o = ord(ch)
    if 0x0900 <= o <= 0x097F or 0xA8E0 <= o <= 0xA8FF:
        return "deva"
    if ch.isascii():
        return "latin" if ch.isalpha() else None
    if ch.isalpha():
        return "latin" if o < 0x0250 else "other"  # accented Latin (é, ā) is still Latin
    return None


def detect(text: str) -> Lang:
    """'en', 'hi', 'mixed' or 'other' for one line, from the scripts of its letters. Digits and punctuation
    do not count; a line without letters is English (nothing in it needs the multilingual model)."""
    counts = {"deva": 0, "latin": 0, "other": 0}
    for ch in text:
        s = _script(ch)
        if s:
            counts[s] += 1
    total = sum(counts.values())
    if total == 0:
        return "en"
    if counts["other"] / total >= 0.5:
        return "other"
    deva = counts["deva"] / total
    if deva < ENGLISH_MAX and counts["other"] == 0:
        return "en"
    if deva >= HINDI_MIN:
        return "hi"
    return "mixed"


def route(lang: str) -> str:
    """'en' -> the English encoder; everything else -> 'multi'."""
    return "en" if lang == "en" else "multi"


def resolve(texts: Sequence[str], requested: str = "auto") -> list[Lang]:
    """Each line's language: detected, unless the caller named one ('en' or 'hi' forces every line)."""
    if requested not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}")
    if requested == "auto":
        return [detect(t) for t in texts]
    return [requested] * len(texts)  # type: ignore[list-item]
