"""Role topics: what a duty is about, read against a catalogue of the things Indian government work is
divided by (`role_topics.yaml`: Parliament questions and assurances, audit paras, land records, …).

The competency dictionary says what skills a duty calls for, and those cut across topics ("Noting and
drafting" is in every role); the general sentence encoder sees "fisheries" in every line of a fisheries
JD. A work-allocation order instead groups duties by the thing they act on. The catalogue names those
things with the words officials use for them (Lok Sabha, assurances, CPIO, mutation, UC), so a duty line
can be placed by its objects and abbreviations, which the encoder barely weighs.

Each activity gets a score per topic (`topic_scores`):

- **key terms**: the topic's words and phrases found in the line, matched on word stems, each weighted
  by how few topics list it (a term listed under many topics says little) and by its length (a phrase
  is stronger evidence than one word);
- **description**: the cosine between the line's vector and the topic's description, from the same
  encoder, so a duty written without any listed term still leans to the right topic.

Grouping uses the rows as one more view of each activity (suggest/roles.py), and naming uses the best
topic only where most of a role's activities have it as their best topic (`supported_topic`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

CATALOGUE = Path(__file__).resolve().parent / "role_topics.yaml"
# weight of the description cosine beside the key terms; tuned on the flat dev positions only
DENSE_WEIGHT = 0.5
# a term's length bonus per extra word: "audit paras" is surer than "audit"
PHRASE_BONUS = 0.5
# a weak term's share of a key term's weight: two weak terms stay below MIN_SUPPORT, so neither one nor
# two of them name a role
WEAK = 0.35
# the description cosine below this says nothing about the topic (MiniLM puts unrelated lines near 0.1-0.2)
DENSE_FLOOR = 0.2

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/().'-]*[A-Za-z0-9)]|[A-Za-z0-9]")


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    family: str
    about: str
    terms: tuple[str, ...]
    weak: tuple[str, ...] = ()
    short: str = ""


@dataclass(frozen=True)
class Catalogue:
    topics: tuple[Topic, ...]
    family_names: dict[str, str]
    # stemmed term -> per-topic weights, the matcher's lookup: (term tokens) -> {topic index: weight}
    term_weights: dict[tuple[str, ...], dict[int, float]]
    max_term_words: int

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.topics]

    @property
    def families(self) -> list[str]:
        """Family ids in a fixed order (first appearance), the columns of `family_scores`."""
        return list(dict.fromkeys(t.family for t in self.topics))


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer, already a dependency of the lexical index

    return Stemmer.Stemmer("english")


def tokens(text: str) -> list[str]:
    """Lower-cased word stems; "7/12", "GFR 12-C" and "Section 3(3)" stay tokens of their own."""
    return list(_tokens(text))


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    # cached: naming one JD's roles tokenises the same duties and bank names some fifty times each
    stem = _stemmer().stemWord
    out = []
    for raw in _TOKEN.findall(text):
        if raw.endswith(")") and raw.count("(") < raw.count(")"):
            raw = raw[:-1]  # "(DAY-NRLM)": the closing bracket of a parenthesis, not part of the word
        w = raw.lower().strip("'")
        w = w[:-2] if w.endswith("'s") else w
        out.append(stem(w) if w.isalpha() else w)
    return tuple(out)


def build_catalogue(raw: list[dict[str, Any]], family_names: dict[str, str] | None = None) -> Catalogue:
    topics = tuple(Topic(str(t["id"]), str(t["name"]), str(t.get("family", t["id"])), str(t.get("about", "")),
                         tuple(str(x) for x in t.get("terms") or ()), tuple(str(x) for x in t.get("weak") or ()),
                         str(t.get("short") or t["name"])) for t in raw)
    listed: dict[tuple[str, ...], dict[int, float]] = {}
    for i, t in enumerate(topics):
        for terms, strength in ((t.terms, 1.0), (t.weak, WEAK)):
            for term in terms:
                key = tuple(tokens(term))
                if key:
                    owners = listed.setdefault(key, {})
                    owners[i] = max(owners.get(i, 0.0), strength)
    n = len(topics)
    weights: dict[tuple[str, ...], dict[int, float]] = {}
    for key, owners in listed.items():
        # idf over topics: a term every topic could claim ties nothing together
        w = float(np.log((1.0 + n) / len(owners))) * (1.0 + PHRASE_BONUS * (len(key) - 1))
        weights[key] = {i: w * strength for i, strength in owners.items()}
    return Catalogue(topics, dict(family_names or {}), weights, max((len(k) for k in weights), default=1))


@lru_cache(maxsize=4)
def load_catalogue(path: str | None = None) -> Catalogue:
    import yaml

    p = Path(path) if path else CATALOGUE
    data = yaml.load(p.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return build_catalogue(list(data["topics"]), {str(k): str(v) for k, v in (data.get("families") or {}).items()})


def term_scores(texts: Sequence[str], catalogue: Catalogue) -> np.ndarray:
    """(activities, topics): the summed weights of each topic's terms found in each line.

    Longest match first at each position, so "audit paras" counts once as the phrase, not again as
    "audit"; a term counts once per line however often it recurs."""
    out = np.zeros((len(texts), len(catalogue.topics)), dtype=np.float64)
    for r, text in enumerate(texts):
        toks = tokens(text)
        seen: set[tuple[str, ...]] = set()
        i = 0
        while i < len(toks):
            step = 1
            for n in range(min(catalogue.max_term_words, len(toks) - i), 0, -1):
                key = tuple(toks[i:i + n])
                if key in catalogue.term_weights:
                    if key not in seen:
                        seen.add(key)
                        for t, w in catalogue.term_weights[key].items():
                            out[r, t] += w
                    step = n
                    break
            i += step
    return out


def description_texts(catalogue: Catalogue) -> list[str]:
    return [f"{t.name}. {t.about}" for t in catalogue.topics]


_TOPIC_VECTORS: dict[tuple[str, int], np.ndarray] = {}


def topic_vectors(encoder: Any, catalogue: Catalogue) -> np.ndarray:
    """The catalogue's descriptions embedded once per encoder (a few dozen short lines)."""
    key = (f"{getattr(encoder, 'model_id', '')}@{getattr(encoder, 'revision', '')}", id(catalogue))
    if key not in _TOPIC_VECTORS:
        _TOPIC_VECTORS[key] = np.asarray(encoder.encode(description_texts(catalogue)), dtype=np.float64)
    return _TOPIC_VECTORS[key]


def dense_scores(vectors: np.ndarray, topic_vecs: np.ndarray, usable: Sequence[bool] | None = None) -> np.ndarray:
    """Cosine of each activity with each description above DENSE_FLOOR; rows not `usable` (another
    model's vectors, as for Hindi lines) get zeros."""
    v = np.asarray(vectors, dtype=np.float64)
    if v.size == 0 or v.shape[1] != topic_vecs.shape[1]:
        return np.zeros((v.shape[0], topic_vecs.shape[0]))
    vn = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    tn = topic_vecs / np.maximum(np.linalg.norm(topic_vecs, axis=1, keepdims=True), 1e-12)
    cos = np.maximum(vn @ tn.T - DENSE_FLOOR, 0.0)
    if usable is not None:
        cos[~np.asarray(usable, dtype=bool)] = 0.0
    return cos


def topic_scores(texts: Sequence[str], vectors: np.ndarray | None, catalogue: Catalogue,
                 topic_vecs: np.ndarray | None = None, *, usable: Sequence[bool] | None = None,
                 dense_weight: float = DENSE_WEIGHT) -> np.ndarray:
    """(activities, topics): key-term weight plus `dense_weight` x the description cosine (scaled so both
    are on a term-weight scale: a full-strength description match is worth one typical term)."""
    s = term_scores(texts, catalogue)
    if vectors is not None and topic_vecs is not None and dense_weight > 0:
        unit = float(np.log(1.0 + len(catalogue.topics)))  # the weight of a single-word, single-topic term
        s = s + dense_weight * unit * dense_scores(vectors, topic_vecs, usable) / (1.0 - DENSE_FLOOR)
    return s


def best_topics(scores: np.ndarray) -> list[int | None]:
    """Each activity's best topic, or None when no topic scored at all."""
    s = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    return [int(np.argmax(row)) if row.size and row.max() > 0 else None for row in s]


def family_scores(scores: np.ndarray, catalogue: Catalogue) -> np.ndarray:
    """(activities, families): each family's topic scores summed, so "pension" and "transfers" lines,
    different topics, still share being staff matters."""
    fams = catalogue.families
    m = np.zeros((len(catalogue.topics), len(fams)))
    for i, t in enumerate(catalogue.topics):
        m[i, fams.index(t.family)] = 1.0
    return np.atleast_2d(np.asarray(scores, dtype=np.float64)) @ m


# A topic names a role only when more than half of its activities have it as their best topic, each
# with at least this share of one key term's weight (log(1 + topics)): one key term of the topic (listed
# under at most two topics), or three weak ones. Half or less is the reader's "fits half or less of its
# activities" rejection.
MIN_SUPPORT_TERMS = 0.8


def _majority(labels: list[Any]) -> Any | None:
    counts: dict[Any, int] = {}
    for x in labels:
        if x is not None:
            counts[x] = counts.get(x, 0) + 1
    # ties cannot both be a strict majority; the order of first appearance keeps the result stable
    best = max(counts.items(), key=lambda kv: kv[1], default=None)
    return best[0] if best is not None and 2 * best[1] > len(labels) else None


def support_floor(n_topics: int) -> float:
    return MIN_SUPPORT_TERMS * float(np.log(1.0 + n_topics))


def supported_topic(scores: np.ndarray, *, min_support: float | None = None) -> int | None:
    """The topic that is the best, with at least `min_support`, for more than half of the rows."""
    s = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    min_support = support_floor(s.shape[1]) if min_support is None else min_support
    best = [b if b is not None and s[r, b] >= min_support else None for r, b in enumerate(best_topics(s))]
    return _majority(best) if len(best) else None


def supported_family(scores: np.ndarray, catalogue: Catalogue, *, min_support: float | None = None) -> str | None:
    """The family of the best topics of more than half of the rows (each at least `min_support`), when
    the catalogue names it."""
    s = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    min_support = support_floor(s.shape[1]) if min_support is None else min_support
    fams = [catalogue.topics[b].family if b is not None and s[r, b] >= min_support else None
            for r, b in enumerate(best_topics(s))]
    fam = _majority(fams) if len(fams) else None
    return fam if fam in catalogue.family_names else None


def scored_topic_scores(scored: Any, encoder: Any, catalogue: Catalogue | None = None) -> np.ndarray:
    """Topic scores of a suggester's Scored text. Only English-route rows have vectors from `encoder`; the
    others (Hindi, mixed) are placed by their key terms alone."""
    catalogue = catalogue or load_catalogue()
    texts = [a.text for a in scored.activities]
    usable = [scored.route(i) == "en" for i in range(len(texts))]
    vecs = topic_vectors(encoder, catalogue) if any(usable) else None
    return topic_scores(texts, scored.vectors if vecs is not None else None, catalogue, vecs, usable=usable)


def supported_pair(scores: np.ndarray, *, min_support: float | None = None) -> tuple[int, int] | None:
    """Two topics that together are the best (each row at least `min_support`) for more than half of the
    rows, each for at least one: a role that does two things, as "Cash and Parliament" does. The more
    frequent first; ties in catalogue order."""
    s = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    if s.shape[0] < 2:
        return None
    floor = support_floor(s.shape[1]) if min_support is None else min_support
    counts: dict[int, int] = {}
    for r, b in enumerate(best_topics(s)):
        if b is not None and s[r, b] >= floor:
            counts[b] = counts.get(b, 0) + 1
    top = sorted(counts, key=lambda t: (-counts[t], t))[:2]
    if len(top) < 2 or 2 * (counts[top[0]] + counts[top[1]]) <= s.shape[0]:
        return None
    return top[0], top[1]


def pair_name(catalogue: Catalogue, first: int, second: int) -> str:
    a, b = catalogue.topics[first].short, catalogue.topics[second].short
    # "Law and order and elections" reads as three things; a comma keeps it two
    joiner = ", " if " and " in a or " and " in b else " and "
    return f"{a[:1].upper() + a[1:]}{joiner}{b}"
