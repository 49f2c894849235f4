"""Lead-ins of a duty line: they say who does the work, not what it is ("Duties:", "You will", "The officer
shall be responsible for", a leading "To"), so an activity starts at the verb after them."""

from __future__ import annotations

import re

from .verbs import verb_base, words

_LEAD_LABEL = re.compile(
    r"^(?:(?:key|main|major|principal|general|specific)\s+)?(?:duties|responsibilities|functions|tasks)"
    r"(?:\s+and\s+(?:responsibilities|functions))?(?:\s*:|\s+(?:will\s+|shall\s+)?(?:include|includes|are|comprise|"
    r"involve)s?(?:\s+the\s+following)?\s*:?)\s*(?=\S)",
    re.IGNORECASE,
)
_LEAD_SUBJECT = re.compile(
    r"^(?:(?:you|he|she|he\s*/\s*she|she\s*/\s*he|he or she|they|the\s+(?:[\w().&/'-]+\s+){0,6}?)\s*)?"
    r"(?:(?:will|shall|would|must|is to|are to|is expected to|is required to)(?:\s+also)?"
    r"(?:\s+be\s+(?:responsible|required|expected|entrusted|accountable)\s+(?:for|to|with))?"
    r"|(?:is|are)(?:\s+also)?\s+(?:responsible|accountable)\s+for)\s+(?=\S)"
    r"|^(?:is\s+)?responsible\s+for\s+(?=\S)|^to\s+(?=\S)",
    re.IGNORECASE,
)
_RESPONSIBLE_FOR = re.compile(r"(?:responsible|accountable)\s+for\s*$", re.IGNORECASE)
# ... unless what follows only announces them ("responsible for the following:")
_INTRODUCES = re.compile(r"(?:the\s+)?following\b|.*:\s*$", re.IGNORECASE)


def skip_lead_ins(text: str, a: int, b: int) -> int:
    """Offset where the duty starts once 'Duties:', 'You will', 'The officer shall be responsible for',
    a leading 'To' ... are passed; unchanged unless a verb follows the lead-in."""
    for _ in range(3):
        seg = text[a:b]
        m = _LEAD_LABEL.match(seg)
        if not m:
            m = _LEAD_SUBJECT.match(seg)
            nxt = words(seg[m.end():])[:1] if m else []
            # "responsible for" introduces duties however they are written ("for pre-check of bills")
            owned = m is not None and _RESPONSIBLE_FOR.search(m.group(0)) and not _INTRODUCES.match(seg[m.end():])
            if not owned and not (nxt and verb_base(nxt[0]) and nxt[0].lower() != "be"):
                m = None
        if not m:
            return a
        a += m.end()
    return a
