"""Job description text -> position context + activities with exact character offsets.

Lines, bullets and numbered items are split first (spaCy's sentencizer merges them), then sentences,
then sentences that list several duties. Header lines (designation, pay level, place of posting,
reporting line, department) are read into a PositionContext wherever they stand (jd_context.py);
headings are kept as each activity's `section`, so that role grouping can use a JD's own structure.

What counts as one activity follows the gold activities (eval/gold/activities.jsonl): one sentence is
one duty even when it joins two verbs with "and" ("Examine the proposals and put up a note"), because
officials write a duty with its follow-through. Sentences are split only at semicolons or when they
run a list of four or more duties; lists of -ing forms, nominal duties ("disposal of ...") and three-item
lists are read in task_lists.py.

We use spaCy's blank English tokenizer + sentencizer, not a trained pipeline: after the line split it
gives the same sentences here, costs ~0.01 ms per sentence instead of ~1 ms, and keeps the suggestion
throughput within 15% of the raw encoder's (see README, speed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import InputError
from .jd_context import (
    PREAMBLE,
    ContextBuilder,
    PositionContext,
    column_roles,
    context_cells,
    header_fields,
    keyed_fields,
    table_cells,
    work_cells,
)
from .lead_ins import skip_lead_ins
from .task_lists import task_items
from .verbs import (
    COMPLEMENT,
    DEVA_LETTERS,
    DUTY_VERBS,
    NOUN_NEXT,
    REFERS_BACK,
    hindi_duty,
)
from .verbs import words as _words

__all__ = ["Activity", "PositionContext", "Segmented", "classify_line", "preload_sentencizer", "read_jd", "segment"]

_LINE = re.compile(r"[^\r\n]+")
# Hindi lists number with Devanagari digits (१. २.) and letters (क) ख) or (क)); \d already covers the digits
_MARKER = re.compile(
    r"^\s*(?:[-\u2013\u2014\u2022*\u00b7\u25aa\u25cf\u25e6\u2023\u2043>\u25cb\u25b8\u25ba\u25c6\u00bb\u2713\u2714\u27a2\u27a4\u25a0\u25a1\u2666\u2756]+|\(?\d{1,3}(?:\.\d{1,3})*[.)]|"
    r"\(?[A-Za-z][.)]|\(?[ivxIVX]{1,6}[.)]|\([A-Za-z0-9]{1,4}\)|\(?[\u0915-\u0939][.)])\s+"
)
_DEVA = DEVA_LETTERS
_DANDA = re.compile(r"[\u0964\u0965]+")
# Keys that are neither duties nor position context (context keys are read by jd_context first).
_DROP_KEYS = re.compile(
    r"^(date|order no\.?|f\.?\s*no\.?|no\.|email|e-mail|phone|tel|contact|vacancies|no\. of posts|tenure|age|"
    r"(essential |desirable )?qualification[s]?|experience|subject|ref(erence)?)\s*[:\-\u2013]",
    re.IGNORECASE,
)
_HEADING_WORDS = re.compile(
    r"^(key |main |major |principal |specific |general )?(responsibilities|duties|functions|tasks|activities|"
    r"job description|job profile|roles?( and responsibilities)?|work allocation|duties and responsibilities|"
    r"charter of duties|job responsibilities|scope of work)\b",
    re.IGNORECASE,
)
_ROLE_HEADING = re.compile(r"^(role|area|part|section|function)\s*[\w.]{0,4}\s*[:\-\u2013.]\s*(?P<name>.+)$", re.IGNORECASE)
_CATCH_ALL = re.compile(r"^(any other (work|duty|duties|task|tasks|assignment)|such other (work|duties)|"
                        r"other duties as|and such other)", re.IGNORECASE)
_TRIM = " \t,;:.-\u2013\u2014"
_MAYBE_SENTENCES = re.compile(r"[.!?][\"')\]]?\s+\S")

# Abbreviations officials put before a full stop that does not end the sentence ("the Pr. CCA office").
_ABBREV = re.compile(
    r"(?:^|[\s(/])(pr|dy|addl|jt|no|nos|rs|viz|i\.e|e\.g|govt|secy|sr|jr|asstt|asst|admn|estt|deptt|dept|min|etc|"
    r"sh|shri|smt|dr|mr|mrs|ms|kum|supdt|commr|distt|hqrs|accts|dte|spl|ref|para|sec|secs|art|cl|vs|ltd|pvt|"
    r"w\.e\.f|co-?op|mgmt|mgt|[A-Z])\.$", re.IGNORECASE)
# ...of which these can also end one: "with the State Govt. Prepare ..." splits before the capital verb.
_MAY_END = {"govt", "admn", "estt", "deptt", "dept", "min", "etc", "distt", "hqrs", "accts", "ltd", "pvt"}
_CLAUSE_CUT = re.compile(r"\s*;\s*(?:and\s+)?|,\s*(?:and\s+)?|\s+and\s+|\s+as well as\s+")


@dataclass(frozen=True)
class Activity:
    index: int
    text: str
    start: int
    end: int
    section: str | None = None


@dataclass(frozen=True)
class Segmented:
    context: PositionContext
    activities: list[Activity]


@lru_cache(maxsize=1)
def _sentencizer():
    from .lean_import import import_spacy

    spacy = import_spacy()
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def preload_sentencizer() -> None:
    _sentencizer()


def _starts_with_duty_verb(s: str) -> bool:
    """Whether the line reads as a duty: an English duty verb first, or a Hindi verb form last."""
    if hindi_duty(s):
        return True
    words = _words(s)[:2]
    return any(_duty_form(w) for w in words[:1]) or (len(words) > 1 and words[0].lower() in {"to", "will", "shall"})


def _duty_form(word: str) -> bool:
    """A duty verb in base or third-person form (prepare, prepares); -ing/-ed forms are too often modifiers."""
    w = word.lower()
    if w in DUTY_VERBS:
        return True
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", "")):
        if w.endswith(suffix) and (w[: -len(suffix)] + repl) in DUTY_VERBS:
            return True
    return False


def heading_case(heading: str, text: str) -> str:
    """An upper-case heading as FRAC writes one, in sentence case ("Paddy procurement", not "Paddy
    Procurement"), keeping the words the JD writes in capitals elsewhere (GST, NH, CCTNS)."""
    known = {w for line in text.splitlines() if not line.isupper() for w in re.findall(r"\b[A-Z][A-Z0-9&-]+\b", line)}
    words = [w if w.strip(_TRIM + "()") in known else w.lower() for w in heading.split()]
    if words and words[0].islower():
        words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def classify_line(content: str, has_marker: bool, seen_activity: bool) -> tuple[str, str | None]:
    """Return ('activity'|'heading'|'drop', heading name)."""
    stripped = content.strip(_TRIM + " ")
    if stripped.startswith("[") and stripped.endswith("]"):  # "[Court cases]": the brackets only mark a heading
        stripped = stripped[1:-1].strip(_TRIM + " ")
    ends_sentence = content.rstrip().endswith((".", "\u0964", "\u0965"))
    words = _words(stripped)
    if not words:
        return "drop", None
    if _DROP_KEYS.match(content) or _CATCH_ALL.match(stripped) or PREAMBLE.match(stripped):
        return "drop", None
    role = _ROLE_HEADING.match(stripped)
    name = role.group("name") if role else ""
    if role and len(_words(name)) <= 8 and not (_starts_with_duty_verb(name) and _words(name)[1:2] != ["and"]):
        return "heading", name.strip(_TRIM)  # "Part II - Audit and inspection": a verb joined by "and" is a noun
    if _HEADING_WORDS.match(stripped) and len(words) <= 6:
        return "heading", None
    if content.rstrip().endswith(":") and len(words) <= 10:
        return "heading", stripped
    # Devanagari has no case, so "PFMS पर ..." is "upper case" to str.isupper: only Latin headings count
    if stripped.isupper() and len(words) <= 8 and not re.search(f"[{_DEVA}]", stripped):
        return "heading", stripped  # the reader writes it in sentence case (heading_case)
    if len(words) <= 3 and not ((has_marker or ends_sentence) and _starts_with_duty_verb(stripped) and len(words) >= 2):
        return "heading", stripped
    if not has_marker and not seen_activity and not _starts_with_duty_verb(stripped) and len(words) <= 12 \
            and not ends_sentence:
        return "drop", None  # a title line at the top
    if not _starts_with_duty_verb(stripped) and len(words) <= 6 and not ends_sentence:
        return "heading", stripped
    return "activity", None


def _sentences(body: str) -> list[tuple[int, int]]:
    """Sentence spans of a line, without breaking at the abbreviations officials use ("Pr. CCA").
    A danda (।) or double danda (॥) always ends a sentence; it stays with the sentence it ends."""
    if _DANDA.search(body):
        spans, pos = [], 0
        for m in _DANDA.finditer(body):
            spans += [(pos + a, pos + b) for a, b in _latin_sentences(body[pos:m.end()])]
            pos = m.end()
        if body[pos:].strip():
            spans += [(pos + a, pos + b) for a, b in _latin_sentences(body[pos:])]
        return spans
    return _latin_sentences(body)


def _latin_sentences(body: str) -> list[tuple[int, int]]:
    if not _MAYBE_SENTENCES.search(body):
        return [(0, len(body))]
    spans: list[tuple[int, int]] = []
    for s in _sentencizer()(body).sents:
        if spans:
            m = _ABBREV.search(body[spans[-1][0]:spans[-1][1]].rstrip())
            nxt = _words(body[s.start_char:s.end_char])[:1]
            ends_here = m and m.group(1).lower() in _MAY_END and nxt and nxt[0][0].isupper() and _duty_form(nxt[0])
            if m and not ends_here:
                spans[-1] = (spans[-1][0], s.end_char)
                continue
        spans.append((s.start_char, s.end_char))
    return spans


def _own_duty(text: str, first_word: str) -> bool:
    """Whether `text` (what follows a cut) is a duty of its own: a verb, used as one, not referring back."""
    words = [w.lower() for w in _words(text)[:3]]
    if len(words) < 3 or words[1] in NOUN_NEXT or {words[1], words[2]} & REFERS_BACK:
        return False
    if words[0] in DUTY_VERBS:
        return True
    # "prepares ... and monitors ..." is parallel; "maintain the registers, files and records" is not
    third_person = first_word.lower() not in DUTY_VERBS and _duty_form(first_word)
    return third_person and _duty_form(words[0])


def _split_duties(text: str, start: int) -> list[tuple[int, int]]:
    """Split one sentence at semicolons between duties, and at every clause of a list of 4+ duties."""
    first = (_words(text)[:1] or [""])[0]
    cuts: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    clause_start = 0
    for m in _CLAUSE_CUT.finditer(text):
        right = text[m.end():]
        semicolon = ";" in m.group(0)
        if not right[:1].isalpha() or not (semicolon or right[0].islower()) or not _own_duty(right, first):
            continue
        if semicolon:
            cuts += run if len(run) >= 3 else []
            cuts.append((m.start(), m.end()))
            run, clause_start = [], m.end()
        elif not COMPLEMENT.search(text[clause_start:m.start()]):
            # "ensure that X ..., and Y" keeps Y with ensure: Y is what is to be ensured
            run.append((m.start(), m.end()))
    cuts += run if len(run) >= 3 else []
    spans: list[tuple[int, int]] = []
    pos = 0
    for a, b in sorted(cuts):
        if len(_words(text[pos:a])) >= 3:
            spans.append((pos, a))
            pos = b
    spans.append((pos, len(text)))
    return [(start + a, start + b) for a, b in spans]


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a] in _TRIM:
        a += 1
    while b > a and text[b - 1] in _TRIM + "\u2019'\"":
        b -= 1
    if b < len(text) and text[b] == "." and b > a:
        b += 1  # keep the full stop, it is part of the sentence
    return a, b


class _Reader:
    def __init__(self, text: str, max_activities: int | None) -> None:
        self.text = text
        self.max_activities = max_activities
        self.context = ContextBuilder(text)
        self.out: list[Activity] = []
        self.section: str | None = None
        self.columns: list[str] | None = None
        # a marked line read as a heading, and the section before it: if the next line is another such line,
        # it was one item of a list of subjects ("1. Leave of staff." / "2. Service books."), not a heading
        self.pending: tuple[int, int, str | None, str] | None = None

    def add(self, a: int, b: int) -> None:
        a, b = _trimmed(self.text, a, b)
        if len(_words(self.text[a:b])) < 2:
            return
        self.out.append(Activity(index=len(self.out), text=self.text[a:b], start=a, end=b, section=self.section))
        self.pending = None  # a duty under the pending heading: it was one
        if self.max_activities is not None and len(self.out) > self.max_activities:
            raise InputError(
                f"the text has more than {self.max_activities} activities; split it into several requests "
                "or raise CDE_MAX_ACTIVITIES",
                code="too_many_activities",
                detail={"limit": self.max_activities},
            )

    def header(self, a: int, b: int, *, bulleted: bool = False) -> bool:
        found = header_fields(self.text, a, b, bulleted=bulleted, top=not self.out)
        if found:
            self.context.take(a, b, found)
        return bool(found)

    def table_row(self, start: int, end: int) -> bool:
        cells = table_cells(self.text, start, end)
        if cells is None:
            return False
        # outside a table, 'Post: … | Level 10 | Directorate of …' is a header line laid out with pipes
        found = context_cells(self.text, cells, top=not self.out) if self.columns is None else None
        if found is not None:
            for f, (a, b) in zip(found, cells):
                self.context.take(a, b, f)
            return True
        roles = column_roles(self.text, cells)
        if roles is not None:
            self.columns = roles
            return True
        for a, b in work_cells(self.text, cells, self.columns):
            keyed = keyed_fields(self.text, a, b)  # "Designation: Section Officer" beside a work cell
            if keyed:
                self.context.take(a, b, keyed)
            elif not _CATCH_ALL.match(self.text[a:b]):
                self.sentences(a, b)
        return True

    def line(self, start: int, end: int) -> None:
        raw = self.text[start:end]
        if self.table_row(start, end):
            return
        marker = _MARKER.match(raw)
        shape = re.sub(r"[a-z]+", "a", re.sub(r"\d+", "9", marker.group().strip().lower())) if marker else ""
        if self.pending is not None and shape == self.pending[3]:
            self.flush()
        body_start = start + (marker.end() if marker else len(raw) - len(raw.lstrip()))
        if PREAMBLE.match(self.text[body_start:end]):
            return
        # a line of several sentences is read sentence by sentence, headers included
        if len(_sentences(self.text[body_start:end])) == 1 and self.header(body_start, end, bulleted=bool(marker)):
            return
        # "Key responsibilities: Prepare the ..." keeps what follows the label
        body = self.text[body_start:end]
        label = re.match(r"^[^:]{2,40}:\s+", body)
        if label and _HEADING_WORDS.match(body):
            body_start += label.end()
        duty_start = skip_lead_ins(self.text, body_start, end)
        if duty_start > body_start:  # "You will ..." already says this line is a duty
            self.sentences(duty_start, end, bulleted=bool(marker))
            return
        kind, heading = classify_line(self.text[body_start:end], bool(marker), bool(self.out))
        if kind == "heading":
            # a heading under it: it was a heading too, unless it ends as a sentence does ("5. Court cases.")
            if self.pending is not None and self.text[self.pending[0]:self.pending[1]].rstrip().endswith("."):
                self.flush()
            self.pending = None
            if marker and heading and not heading.isupper() and not self.text[body_start:end].rstrip().endswith(":"):
                self.pending = (body_start, end, self.section, shape)
            self.section = heading_case(heading, self.text) if heading and heading.isupper() else heading or self.section
        elif kind == "activity":
            self.sentences(body_start, end, bulleted=bool(marker))

    def flush(self) -> None:
        """The pending heading was one item of a list: the next marked line has its marker ("3." then "4."),
        or the text ended with no duty under it ("Sd/-" and "Copy to" lines read no duty). A duty read first
        (`add`), or another heading, settles it as a heading."""
        pending, self.pending = self.pending, None
        if pending is not None:
            self.section = pending[2]
            self.sentences(pending[0], pending[1])

    def sentences(self, start: int, end: int, *, bulleted: bool = True) -> None:
        for a, b in _sentences(self.text[start:end]):
            a, b = start + a, start + b
            # a prose JD may open with its designation or state the reporting line mid-paragraph
            if (a > start or b < end) and self.header(a, b, bulleted=bulleted):
                continue
            a = skip_lead_ins(self.text, a, b)
            sent = self.text[a:b]
            if _CATCH_ALL.match(sent.strip(_TRIM)) or PREAMBLE.match(sent.strip(_TRIM)) or _DROP_KEYS.match(sent):
                continue
            for x, y in _split_duties(sent, a):
                for p, q in task_items(self.text, x, y):  # "Key tasks include setting ..., checking ..., and ..."
                    self.add(p, q)


def read_jd(text: str, *, max_activities: int | None = None) -> Segmented:
    """Read a JD into its position context and its activities. Offsets index into `text`:
    text[a.start:a.end] == a.text for every activity, and context.lines are spans of `text`."""
    reader = _Reader(text, max_activities)
    for line in _LINE.finditer(text):
        reader.line(line.start(), line.end())
    reader.flush()
    return Segmented(context=reader.context.build(), activities=reader.out)


def segment(text: str, *, max_activities: int | None = None) -> list[Activity]:
    """Split a JD into activities. Offsets index into `text`: text[a.start:a.end] == a.text."""
    return read_jd(text, max_activities=max_activities).activities
