"""What a JD line says about the position rather than about its duties.

Officials put the designation, pay level, place of posting and reporting line anywhere: a block at the
top, a line after the duties, or a first line such as "Under Secretary (Budget), Department of
Expenditure." with no "Key:" at all. Reading these as context (not dropping them, not taking them as
activities) keeps them away from the encoder and lets callers show or use them.

Work-allocation orders pasted as text are read here too: their preambles and table layouts are not
duties either. This module must not import segment.py (segment imports it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace

from .verbs import verb_base


@dataclass(frozen=True)
class PositionContext:
    designation: str | None = None
    grade: str | None = None
    pay_level: str | None = None
    posting: str | None = None
    reports_to: str | None = None
    department: str | None = None
    lines: tuple[tuple[int, int], ...] = ()


FIELDS = tuple(f.name for f in fields(PositionContext) if f.name != "lines")

_KEYS = {
    "designation": r"designation|name of (?:the )?post|post held|post|position|title|job title|पदनाम|पद का नाम|पद",
    "grade": r"grade|group|cadre|service|classification|समूह|ग्रेड|संवर्ग|सेवा",
    "pay_level": r"pay\s*(?:level|scale|band|matrix)?|level in (?:the )?pay matrix|pay level in (?:the )?pay matrix|"
                 r"grade pay|scale of pay|remuneration|emoluments|वेतन स्तर|वेतन मैट्रिक्स में स्तर|वेतनमान|वेतन",
    "posting": r"place of posting|posting|location|headquarters|hqrs?|hq|duty station|station|place of work|"
               r"तैनाती का स्थान|तैनाती स्थान|तैनाती|पदस्थापना का स्थान|पदस्थापना|मुख्यालय|कार्यस्थल",
    "reports_to": r"reporting (?:officer|to|authority)|reports to|reporting|supervisor|immediate superior|"
                  r"रिपोर्टिंग अधिकारी|रिपोर्टिंग|नियंत्रक अधिकारी|किसे रिपोर्ट करेंगे",
    "department": r"department|deptt?|ministry|division|wing|section|office|organi[sz]ation|directorate|unit|cell|"
                  r"विभाग|मंत्रालय|कार्यालय|प्रभाग|अनुभाग|निदेशालय|संगठन",
}
# A key needs a colon, or a dash with space around it: "Post-graduate degree" is not "Post: graduate".
_SEP = r"(?:\s*:|\s+[-\u2013\u2014](?=\s))\s*"
_KEYED = [(name, re.compile(rf"^(?:{alts}){_SEP}(?P<v>\S.*)$", re.IGNORECASE)) for name, alts in _KEYS.items()]
# An order's or a chart's title names the post: "Work allocation - Extension Officer (Panchayat), w.e.f. 01.11.2026",
# "Sub: Work allocation - Shri R.K. Sinha, Panchayat Extension Officer (PEO)", "Job Chart - Dy. Registrar (Co-op.
# Societies), Pay Level S-20", "Duties & Responsibilities : Station Officer (In-charge)". What follows is read as a
# designation line, without the person's name or the date it takes effect; "Duties: Prepare …" is not one.
_ORDER_TITLE = re.compile(r"^(?:sub(?:ject)?\.?\s*[:\-\u2013\u2014]\s*)?(?:work\s+allocation|allocation\s+of\s+work|"
                          r"distribution\s+of\s+work|job\s+chart|duties\s*(?:&|and)\s*responsibilities|charter\s+of\s+duties)"
                          r"(?:\s+(?:of|for|to)(?:\s+the)?)?\s*(?:[:\-\u2013\u2014]\s*)?(?=\S)", re.IGNORECASE)
_HONORIFIC = re.compile(r"(?:shri|smt|sh|ms|mr|mrs|dr|kum|km)\.?\s+[^,()]{2,40},\s*", re.IGNORECASE)
_EFFECTIVE = re.compile(r"[\s,;(]*\b(?:w\.?\s?e\.?\s?f\b\.?|with effect from\b).*$", re.IGNORECASE)

_UNKEYED = [
    # a prose JD's opening description: "The Executive Officer is the chief administrative officer of …",
    # "The Superintendent heads the establishment branch of the Collectorate.", "The Section Officer handles
    # the coordination work of the Department." (what follows says which work)
    ("designation", re.compile(r"^(?:the\s+)?(?!(?:he|she|it|this|they)\b)(?P<v>[a-z][\w()/&.' -]{2,60}?)\s+"
                               r"(?:(?:is|shall be|will be|acts as|functions as)\s+the\s+(?:chief\s+|principal\s+|"
                               r"overall\s+|senior(?:most)?\s+)?(?:executive|administrative|controlling|head|"
                               r"in-charge)\b|heads\s+the\s+[\w&' -]{2,40}?\s+(?:branch|section|wing|cell|unit)\b|"
                               r"(?:handles|looks after)\s+the\s+[\w&' -]{2,40}?\s+(?:work|matters)\s+of\s+the\s+"
                               r"(?:department|ministry|directorate|office|collectorate|division)\W*$)",
                               re.IGNORECASE)),
    ("reports_to", re.compile(r"^(?:(?:the\s+)?(?:officer|incumbent|post(?:\s*holder)?|position|he\s*/\s*she|he|she|"
                              r"you)\s+)?(?:reports|reporting|(?:will|shall)\s+report)\s+(?:directly\s+)?to\b[\s,:]*"
                              r"(?P<v>\S.*)$", re.IGNORECASE)),
    ("posting", re.compile(r"^(?:place of posting|posted at|posting at|based at|stationed at|location|headquarters|"
                           r"duty station)\b[\s,:]*(?P<v>\S.*)$", re.IGNORECASE)),
    ("pay_level", re.compile(r"^(?:pay\s+(?=level))?(?P<v>(?:level|pay\s+(?:level|scale|band|matrix))\b.*)$", re.IGNORECASE)),
    ("grade", re.compile(r"^(?P<v>(?:group\s+['\"\u2018]?[ABCD]\b|gazetted\b|non-gazetted\b).*)$", re.IGNORECASE)),
    ("department", re.compile(r"^(?P<v>(?:government of [A-Z][\w ]+,\s*)?(?:department|ministry|directorate|office|"
                              r"division|wing|commission|board|secretariat)\s+of\s+[A-Z].*)$", re.IGNORECASE)),
]
_PAY = re.compile(r"\b(pay (level|scale|matrix|band)|level[- ]\d{1,2}\b|rs\.?\s?\d|\u20b9|grade pay)", re.IGNORECASE)
_DESIGNATION = re.compile(
    r"\b(?:secretary|officer|director|manager|commissioner|collector|magistrate|engineer|inspector|superintendent|"
    r"assistant|clerk|consultant|adviser|advisor|controller|registrar|principal|conservator|ta[hs]sildar|accountant|"
    r"stenographer|analyst|specialist|co-?ordinator|scientist|professor|lecturer|chairman|chairperson|administrator|"
    r"counsellor|ranger|auditor|examiner|translator)s?\b|\b(?:ASO|SO|US|DS|JS|UDC|LDC|MTS|BDO|SDM|CMO|DPM|SDO|EE|AE|JE|"
    r"XEN|DFO|RFO|BEO|DEO|CDPO|PAO|DDO|SHO|SP|DSP|ACP|ADM)\b",
    re.IGNORECASE,
)
_DEPT_WORD = re.compile(r"\b(?:department|deptt?|ministry|division|section|wing|office|directorate|cell|unit|mission|"
                        r"government|govt|commission|board|secretariat|society|bureau|authority|corporation|nigam|"
                        r"limited|ltd|company|university|parishad|samiti)\b", re.IGNORECASE)
_SMALL = {"of", "and", "&", "for", "the", "in", "to", "on", "at", "cum", "-cum-", "/", "-", "i/c"}
_TRIM = " \t,;:.-\u2013\u2014"
_SUBJECTS = re.compile(r"^(?:the|you|he|she|they|it|this|these|any|such|all|each)\b", re.IGNORECASE)
_HEADINGISH = re.compile(r"^(?:key |main |major )?(?:responsibilities|duties|functions|tasks|job|role|charter|scope)\b"
                         r"|:\s*$", re.IGNORECASE)


def _words(s: str) -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'/-]*", s)


def _title_case(piece: str) -> bool:
    depth = 0
    for w in piece.split():
        bare = w.strip("()[],.;:'\"")
        opens, closes = w.count("("), w.count(")")
        inside = depth > 0 or opens > 0
        depth += opens - closes
        if inside or not bare or bare.lower() in _SMALL or bare[0].isupper() or bare[0].isdigit():
            continue
        return False
    return True


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in _TRIM:
        a += 1
    while b > a and text[b - 1] in _TRIM:
        b -= 1
    return a, b


def header_fields(text: str, start: int, end: int, *, bulleted: bool = False, top: bool = True
                  ) -> list[tuple[str, int, int]]:
    """Context fields a line (or sentence) text[start:end] gives, as (field, value_start, value_end), or [].
    `top`: no duty read yet, where a bare 'Budget Division' names the office rather than heading a part."""
    s = text[start:end]
    lead = len(s) - len(s.lstrip())
    body = s.strip()
    if not body:
        return []
    b0 = start + lead
    title = _ORDER_TITLE.match(body)
    if title:
        found = order_title(text, b0 + title.end(), b0 + len(body))
        if found:
            return found
    for name, rx in _KEYED:
        m = rx.match(body)
        if m:
            return [(name, *_trim(text, b0 + m.start("v"), b0 + len(body)))]
    words = _words(body)
    if len(words) > 18 or ";" in body:
        return []
    for name, rx in _UNKEYED:
        m = rx.match(body)
        if m and (name != "pay_level" or _PAY.search(body)) and (name != "grade" or len(words) <= 8):
            return [(name, *_trim(text, b0 + m.start("v"), b0 + m.end("v")))]
    # a line of digits or marks has no words (schemathesis sent "00": IndexError, 500)
    first = verb_base(words[0]) if words else None
    if _PAY.search(body) and len(words) <= 12 and first is None \
            and (re.search(r"\b(?:pay|level)\b", body, re.IGNORECASE) or len(words) <= 6):
        return [("pay_level", *_trim(text, b0, b0 + len(body)))]
    if bulleted or _SUBJECTS.match(body) or _HEADINGISH.search(body) or first is not None:
        return []
    return _designation(text, b0, b0 + len(body), top)


def keyed_fields(text: str, a: int, b: int) -> list[tuple[str, int, int]]:
    """The field of a cell that names its key ("Post: …", "Reporting Officer: …"), else []."""
    keyed = any(rx.match(text[a:b].strip()) for _, rx in _KEYED)
    return header_fields(text, a, b, top=True) if keyed else []


def context_cells(text: str, cells: list[tuple[int, int]], *, top: bool = False
                  ) -> list[list[tuple[str, int, int]]] | None:
    """Each cell's context fields when a pipe-separated line is a header line, not a table row: every
    cell gives a field, and at least one is keyed or (`top`) no duty has been read yet ("SDO (Roads), PWD
    | Sub-Division Kaithal" as a title). None otherwise: a work-allocation row has a work cell, which gives
    no field, and its header row has no keys."""
    pair = key_value_cells(text, cells)
    if pair is not None:
        return pair
    found = [header_fields(text, a, b, top=True) for a, b in cells]
    return found if all(found) and (top or any(keyed_fields(text, a, b) for a, b in cells)) else None


_BARE_KEYS = [(name, re.compile(rf"^(?:{alts})\s*:?$", re.IGNORECASE)) for name, alts in _KEYS.items()]


def key_value_cells(text: str, cells: list[tuple[int, int]]) -> list[list[tuple[str, int, int]]] | None:
    """A two-column header row, "Reports to | Deputy Director", read as "Reports to: Deputy Director": the
    key cell gives nothing and the value cell the field. None when the first cell is not a bare key, or
    when the row heads a table's columns ("Section | Work allotted")."""
    roles = column_roles(text, cells) if len(cells) == 2 else None
    if len(cells) != 2 or (roles is not None and ("work" in roles or "serial" in roles)):
        return None
    (ka, kb), (va, vb) = cells
    name = next((n for n, rx in _BARE_KEYS if rx.match(text[ka:kb].strip())), None)
    if name is None or not text[va:vb].strip():
        return None
    return [[], [(name, *_trim(text, va, vb))]]


def order_title(text: str, a: int, b: int) -> list[tuple[str, int, int]]:
    """The designation (and a pay level or department beside it) of text[a:b], the part of an order's title
    after "Work allocation -"; [] when it is not a post."""
    name = _HONORIFIC.match(text, a)
    a = name.end() if name else a
    cut = _EFFECTIVE.search(text, a, b)
    b = cut.start() if cut and cut.start() > a else b
    found = _designation(text, a, b, True)
    if not found or found[0][0] != "designation":
        return []
    pay = next((p for p in _pieces(text, a, b)[1:] if _PAY.search(text[p[0]:p[1]])), None)
    return found + ([("pay_level", *_trim(text, *pay))] if pay else [])


def _pieces(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans of text[a:b] between commas outside brackets."""
    pieces, pos, depth = [], a, 0
    for i in range(a, b):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if text[i] == "," and depth == 0:
            pieces.append((pos, i))
            pos = i + 1
    pieces.append((pos, b))
    return pieces


def _designation(text: str, a: int, b: int, top: bool) -> list[tuple[str, int, int]]:
    """'Under Secretary (Budget), Department of Expenditure, Budget Division.' -> designation + department."""
    pieces = _pieces(text, a, b)
    first = text[pieces[0][0]:pieces[0][1]]
    if len(_words(first)) > 8 or not _title_case(first):
        return []
    named = _DESIGNATION.search(first)
    dept = next((p for p in pieces[1 if named else 0:]
                 if _DEPT_WORD.search(text[p[0]:p[1]]) and _title_case(text[p[0]:p[1]])), None)
    if named:
        out = [("designation", *_trim(text, *pieces[0]))]
        if dept:
            out.append(("department", *_trim(text, dept[0], b)))
        return out
    if dept == pieces[0] and (top or " of " in text[a:b]) and len(_words(text[a:b])) <= 12 and all(_title_case(text[p[0]:p[1]]) for p in pieces):
        return [("department", *_trim(text, a, b))]
    return []


class ContextBuilder:
    """Collects header fields as lines are read; the first value of a field wins (the top block is the
    most deliberate statement of it)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.values: dict[str, str] = {}
        self.lines: list[tuple[int, int]] = []

    def take(self, start: int, end: int, found: list[tuple[str, int, int]]) -> None:
        for name, a, b in found:
            if a < b:
                self.values.setdefault(name, self.text[a:b])
        self.lines.append(_trim(self.text, start, end))

    def build(self) -> PositionContext:
        return replace(PositionContext(**self.values), lines=tuple(self.lines))


# --- work-allocation orders ---------------------------------------------------------------------------

PREAMBLE = re.compile(
    r"^(?:in\s+(?:partial\s+)?(?:modification|supersession|continuation|pursuance|suppression)\s+of\b"
    r"|.*\b(?:is|are|stands?|has been|have been)\s+(?:hereby\s+)?(?:re-?allocated|allocated|distributed|assigned)"
    r"\s+(?:as\s+under|as\s+follows|among)\b"
    r"|this\s+(?:issues|is\s+issued)\s+with\b|copy\s+(?:to|forwarded)\b|(?:office\s+)?order\s+no\b|office\s+order\s*$"
    r"|.*\bwith\s+immediate\s+effect\s*[.:]?\s*$|.*\bas\s+(?:under|follows)\s*[:.\-]?\s*$)",
    re.IGNORECASE,
)
_SERIAL_COL = re.compile(r"^(?:s\.?\s*no|sl\.?\s*no|sr\.?\s*no|serial|item\s+no|no)\b\.?|^#$", re.IGNORECASE)
_PERSON_COL = re.compile(r"\b(?:dealing|name|officer|official|hand|allotted to|allocated to|remarks|designation|"
                         r"staff|in-?charge|person|assistant)\b", re.IGNORECASE)
_WORK_COL = re.compile(r"\b(?:subject|work|item|duties|duty|function|matter|description|task|responsibilit\w*)\b", re.IGNORECASE)
_SERIAL = re.compile(r"^\(?(?:\d{1,3}|[ivxlIVXL]{1,5}|[A-Za-z])[.)]?$")
_PERSON = re.compile(
    r"^(?:sh|shri|smt|ms|mr|mrs|dr|kum|km|sushri)\.?\s|,\s*(?:ASO|SO|AO|AAO|UDC|LDC|MTS|US|DS|SSO|JSA|SSA|ASA|"
    r"Assistant|Section Officer|Under Secretary|Steno\w*|PA|PS|PPS)\.?$|^(?:ASO|SO|UDC|LDC|MTS|JSA|SSA)\.?$"
)


def table_cells(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """Cells of a table row pasted as text ('3 | Court cases | Sh. R. Kumar, ASO', or tab separated)."""
    line = text[start:end]
    sep = "|" if "|" in line else "\t" if "\t" in line.strip() else None
    if sep is None:
        return None
    cells, pos = [], start
    for part in line.split(sep):
        a, b = _trim(text, pos, pos + len(part))
        pos += len(part) + 1
        if a < b:
            cells.append((a, b))
    return cells


def column_roles(text: str, cells: list[tuple[int, int]]) -> list[str] | None:
    """'serial' / 'person' / 'work' for each cell of a header row, or None if the row is not a header."""
    roles = []
    for a, b in cells:
        c = text[a:b]
        if len(_words(c)) > 5:
            return None
        roles.append("serial" if _SERIAL_COL.search(c) else "work" if _WORK_COL.search(c)
                     else "person" if _PERSON_COL.search(c) else "")
    return roles if any(roles) and not any(_SERIAL.match(text[a:b]) for a, b in cells) else None


def work_cells(text: str, cells: list[tuple[int, int]], roles: list[str] | None) -> list[tuple[int, int]]:
    """The cells of a data row that describe work: not the serial number, not the person it is given to."""
    keep = []
    for i, (a, b) in enumerate(cells):
        role = roles[i] if roles and i < len(roles) and len(roles) == len(cells) else ""
        c = text[a:b]
        if role in ("serial", "person") or _SERIAL.match(c) or _PERSON.search(c) or not _words(c):
            continue
        keep.append((a, b))
    return keep
