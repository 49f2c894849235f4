"""Lists of duties run inside one sentence: "Key tasks include setting the targets for ticket checking,
checking the parcel earnings, handling passenger complaints, and replying to audit objections."

segment.py splits sentences at semicolons between imperative duties and at lists of four or more
imperatives; prose JDs also write lists of -ing forms ("checking ..., handling ..."), nominal duties
("maintenance of the cash book; pay fixation; disposal of RTI applications") and three-item lists
("prepare ..., get ..., and supervise ..."). Each item is a duty of its own, and an activity that blends
them gets the suggestions of its first item only.

A sentence is split only when it is a list: items cut at commas or semicolons (never at a bare "and":
"Maintain the cash book and reconcile it with the bank" is one duty), every item starting with the same
kind of duty form as the first, at least three items, or two when a semicolon separates them. Pieces that
do not start with a duty form ("fines and taxes" in "collection of fees, fines and taxes") stay with the
item before them, and so does everything after "including"/"such as" (it describes that item) or after
"ensure that" (it is what is to be ensured). Rules over punctuation and word forms, no parser: they cost
microseconds per sentence, and the parse of the small spaCy model gets such long lists wrong often enough.
"""

from __future__ import annotations

import re

from .verbs import COMPLEMENT, DUTY_VERBS, NOUN_NEXT, REFERS_BACK

__all__ = ["task_items"]

# Everyday verbs officials use inside lists ("get technical sanction", "setting the targets"); too general
# to mark a line as a duty on their own, so they are not in DUTY_VERBS.
_LIST_VERBS = DUTY_VERBS | frozenset({"answer", "attend", "bring", "call", "clear", "fix", "get", "give", "hear",
                                      "hold", "look", "make", "meet", "pass", "receive", "run", "sanction", "see",
                                      "send", "set", "tally", "watch"})
# "following" is a form of "follow" but introduces what comes next, not a duty
_NOT_DUTY_ING = frozenset({"following"})
# Nouns of action that head a nominal duty when "of" follows ("disposal of RTI applications")
_ACTION_NOUN = re.compile(r"(?:tion|sion|ment|ance|ence|sal|val|ure|sis|ery)$")
_ACTION_NOUNS = frozenset({"review", "audit", "issue", "conduct", "supply", "control", "upkeep", "redress",
                           "dispatch", "release", "transfer", "custody", "scrutiny", "grant", "settlement"})
# Function words after a verb-looking word show it is a noun ("files are moved", "audit and accounts").
# Content words ("works", "matters") only do so after a verb that is a common noun too ("audit matters"):
# "supervise works by contractors" is a duty.
_FUNCTION_NEXT = NOUN_NEXT & frozenset({"is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
                                        "of", "and", "or", "nor", "etc"})
_NOUN_TOO = frozenset({"act", "audit", "balance", "brief", "call", "check", "control", "deal", "design", "dispatch",
                       "draft", "effect", "estimate", "file", "forecast", "head", "issue", "map", "note", "plan",
                       "post", "process", "record", "release", "report", "review", "sanction", "share", "sign",
                       "sort", "supply", "support", "tender", "track", "train", "update", "visit", "work"})
# Words that follow a verb rather than a noun: its object's determiner, or a preposition it governs
_VERB_NEXT = frozenset({"the", "a", "an", "all", "each", "every", "their", "its", "his", "her", "our", "these",
                        "those", "this", "that", "whether", "to", "with", "on", "for", "in", "at", "up", "out"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019/-]*")
_SEP = re.compile(r"\s*;\s*(?:(?:and|or)\s+)?|,\s*(?:(?:and|or)\s+)?")
# After these an item goes on describing itself ("..., including recording measurements, passing bills")
_TAIL = re.compile(r"\b(?:including|such as|viz|e\.\s?g|i\.\s?e|namely|like|especially|particularly|in particular|"
                   r"for example|for instance)\b", re.IGNORECASE)
# Lead-ins before a list that segment.py leaves: "The work involves", "Her tasks include", "Establishment:"
_INCLUDE = re.compile(r"^(?:[A-Za-z/'\u2019-]+\s+){1,5}?(?:include|includes|involve|involves|comprise|comprises|"
                      r"cover|covers|consists? of)\s*:?\s+(?:the following\s*:?\s+)?", re.IGNORECASE)
_LABEL = re.compile(r"^[^:;,()]{1,40}:\s+|^(?:is\s+|are\s+)?responsible\s+for\s+", re.IGNORECASE)
_SUBJECTS = {"he", "she", "he/she", "she/he", "they", "the"}
_MODALS = {"will", "shall", "should", "would", "must", "can", "may", "also", "further", "additionally"}
_FAMILY = {"base": "base", "third": "third", "ing": "noun", "nominal": "noun"}


def _ing_base(word: str) -> str | None:
    stem = word[:-3]
    for cand in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else ""):
        if cand in _LIST_VERBS:
            return cand
    return None


def _third_base(word: str) -> str | None:
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and word[: -len(suffix)] + repl in _LIST_VERBS:
            return word[: -len(suffix)] + repl
    return None


def _verb_kind(word: str) -> str | None:
    if word.endswith("ing") and word not in _NOT_DUTY_ING and _ing_base(word):
        return "ing"
    if word in _LIST_VERBS:
        return "base"
    return "third" if _third_base(word) else None


def _form(piece: str, after_semicolon: bool) -> str | None:
    """The kind of duty form a list piece starts with: 'base' (prepare), 'third' (prepares), 'ing'
    (preparing), 'nominal' (preparation of), or None when it starts otherwise."""
    words = [w.lower() for w in _WORD.findall(piece[:200])[:5]]
    if words[:1] == ["the"] and words[2:3] == ["of"]:
        words = words[1:]  # "the monitoring of schemes"
    paired = len(words) >= 4 and words[1] in {"and", "or"} and _verb_kind(words[0]) == _verb_kind(words[2])
    if paired:
        words = words[2:]  # a verb pair on one object: "prepare and check estimates"
    if len(words) < 2 or set(words[1:3]) & REFERS_BACK:
        return None
    w, nxt = words[:2]
    kind = _verb_kind(w)
    base = _ing_base(w) if kind == "ing" else _third_base(w) if kind == "third" else w
    # a word that is a noun too ("audit", "review") reads as a verb when paired with another verb
    noun_too = base in _NOUN_TOO and not paired
    noun_next = NOUN_NEXT if noun_too else _FUNCTION_NEXT
    if kind == "ing":
        return "ing" if nxt not in noun_next or nxt == "of" else None  # "training and recruitment" is a subject
    if nxt == "of" and (_ACTION_NOUN.search(w) or w in _ACTION_NOUNS):
        return "nominal"
    if kind and noun_too and nxt not in _VERB_NEXT:
        return None  # "review pending matters, audit paras and court cases": a noun unless an object follows
    if kind and nxt not in noun_next:
        return kind
    # a semicolon list may name a duty by its noun alone ("pay fixation", "cadre management")
    if after_semicolon and any(_ACTION_NOUN.search(x) for x in words[:2]):
        return "nominal"
    return None


def _lead(seg: str) -> int:
    """Where the first item starts: after "The work involves", "Establishment:", or a subject such as
    "The officer also" when a verb follows it; 0 otherwise."""
    for pattern in (_INCLUDE, _LABEL):
        m = pattern.match(seg)
        if m and _form(seg[m.end():], False):
            return m.end()
    words = list(_WORD.finditer(seg[:120]))
    if not words or words[0].group().lower() not in _SUBJECTS:
        return 0
    for i, m in enumerate(words[1:9], start=1):
        if re.search(r"[,;:]", seg[:m.start()]):
            return 0
        kind = _form(seg[m.start():], False)
        after_modal = words[i - 1].group().lower() in _MODALS
        if kind == "third" or (kind == "base" and after_modal):
            return m.start()
    return 0


def _depth(seg: str, upto: int) -> int:
    return seg.count("(", 0, upto) - seg.count(")", 0, upto)


def _cuts(seg: str, lead: int, family: str) -> list[tuple[int, int, bool]]:
    """Separators that end one item and start the next: (start, end, is_semicolon)."""
    cuts: list[tuple[int, int, bool]] = []
    item_start = lead
    for m in _SEP.finditer(seg, lead):
        semicolon = ";" in m.group()
        right = seg[m.end():]
        if _depth(seg, m.start()) > 0 or not right[:1].isalpha():
            continue
        current = re.sub(r"\([^()]*\)", " ", seg[item_start:m.start()])  # "(including ...)" ends inside
        if not semicolon and (_TAIL.search(current) or COMPLEMENT.search(current) or not right[0].islower()):
            continue
        kind = _form(right, semicolon)
        if kind is None or _FAMILY[kind] != family or len(_WORD.findall(current)) < 2:
            continue
        cuts.append((m.start(), m.end(), semicolon))
        item_start = m.end()
    return cuts


def task_items(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans of text[a:b] (offsets into `text`), one per duty when the sentence is a list of duties,
    else [(a, b)] unchanged. The lead-in before the first item is left out."""
    seg = text[a:b]
    if "," not in seg and ";" not in seg:
        return [(a, b)]
    lead = _lead(seg)
    first = _form(seg[lead:], False)
    if first is None:
        return [(a, b)]
    cuts = _cuts(seg, lead, _FAMILY[first])
    if len(cuts) < 2 and not any(semicolon for _, _, semicolon in cuts):
        return [(a, b)]
    spans, pos = [], lead
    for start, end, _ in cuts:
        spans.append((a + pos, a + start))
        pos = end
    spans.append((a + pos, b))
    return spans
