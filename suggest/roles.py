"""Roles: a JD's activities grouped into the jobs-within-the-job an official actually does, each named and
given its own competencies.

A JD that says what its roles are ("Role 1: Budget coordination", "A. Parliament work") is trusted: its
headings decide the groups. Otherwise the activities are grouped by a learned same-role probability
(suggest/role_pairs.py): a logistic regression over seven cosines per pair of activities (sentence vectors
centred on the JD and raw, competency scores over Functional and Domain entries centred on the JD and cut
to each line's strongest, TF-IDF without the duty verb, the lines' role-topic scores from
suggest/role_topics.py, and their assignments to the role bank's prototypes from suggest/role_bank.py),
then average linkage to n / rows_per_role roles (fitted: 3; three to five roles) with no role over five
duties, and a role of one duty folded into the role it most probably belongs to where that has room. It
was chosen by leave-one-position-out ARI over the flat development positions
(suggest/evaluation/roles_lopo.py; README, Role grouping, has the figures before and after each view).

`distance_threshold`, when given, selects the method before: average linkage cut at that height over a
weighted mix of views (`role_features`: centred embedding, TF-IDF, competency profile, role topics and
their families), with single duties merged into their nearest role.

**One competency, one role.** Each role's competencies are ranked from its own activities. A competency
that two roles both call for is kept only in the role with the stronger evidence (higher score; then more
evidence lines; then the earlier role) and dropped from the others (`assign_shared`). A reviewer's
decision and required level are per position and competency, so one place per competency means one
level per competency; the role that keeps it is the one whose lines a reviewer should read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import InputError
from .role_bank import bank_name, scored_assignments
from .role_names import name_role, objects, parse_ahead, unique_names
from .role_pairs import (
    PairModel,
    average_linkage,
    group_by_probability,
    load_model,
    merge_singletons,
    pair_features,
    same_role_probability,
)
from .role_topics import family_scores, load_catalogue, scored_topic_scores
from .role_views import competency_profile, lexical_features
from .role_views import unit_rows as _unit_rows
from .segment import Activity, segment

if TYPE_CHECKING:  # the suggester pulls in faiss and the encoder; grouping and naming must not
    from .suggester import Scored, Suggester

# The method before the learned one (used when a distance_threshold is passed, and by the evaluation as
# "role topics"), tuned together on the flat dev positions of eval/gold/roles.jsonl ONLY (roles_eval.tune); the cosine
# is the weighted sum of the five views' cosines (centred embeddings, TF-IDF, competency profiles, topic
# scores, family scores), and average linkage merges while 1 - cosine is below DISTANCE_THRESHOLD. The
# first three keep the 3:1:6 proportions they were tuned to before topics were added.
DISTANCE_THRESHOLD = 0.75
EMBEDDING_WEIGHT = 0.135
LEXICAL_WEIGHT = 0.045
PROFILE_WEIGHT = 0.27
TOPIC_WEIGHT = 0.4
FAMILY_WEIGHT = 0.15
# a single duty left alone by the cut joins its nearest role when nearer than this (tuned with the above)
SINGLETON_LIMIT = 0.9


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
    `threshold` (deterministic on ties: see role_pairs.average_linkage)."""
    return average_linkage(distances, threshold=threshold)


def _ordered(groups: list[list[int]]) -> list[list[int]]:
    groups = [sorted(g) for g in groups if g]
    return sorted(groups, key=lambda g: g[0])


def group_activities(activities: Sequence[Activity], vectors: np.ndarray, *,
                     distance_threshold: float, singleton_limit: float | None = None) -> list[list[int]]:
    """Activity indexes (positions in `activities`) grouped into roles, ordered by first activity;
    with `singleton_limit`, single-activity groups are merged into their nearest group (`merge_singletons`)."""
    if not activities:
        return []
    if has_structure(activities):
        return group_by_section(activities)
    distances = cosine_distances(vectors)
    groups = agglomerative(distances, distance_threshold)
    return groups if singleton_limit is None else merge_singletons(distances, groups, singleton_limit)


def role_features(texts: Sequence[str], vectors: np.ndarray, *, scores: np.ndarray | None = None,
                  profile_columns: np.ndarray | None = None, embedding_weight: float = EMBEDDING_WEIGHT,
                  lexical_weight: float | None = None, profile_weight: float = PROFILE_WEIGHT,
                  topics: np.ndarray | None = None, families: np.ndarray | None = None,
                  topic_weight: float = TOPIC_WEIGHT, family_weight: float = FAMILY_WEIGHT) -> np.ndarray:
    """Rows whose dot product is the weighted sum of the views' cosines (see the module docstring).

    Concatenating sqrt(w) * unit block for each view gives exactly that sum, so plain cosine clustering
    serves the combined distance. Without `scores` there is no profile and TF-IDF takes the rest of the
    weight (1 - embedding_weight); without `topics` (and `families`) those views are left out."""
    v = np.asarray(vectors, dtype=np.float64)
    if len(texts) == 0:
        return v
    v = _unit_rows(v - v.mean(axis=0, keepdims=True))
    if scores is None:
        profile_weight = 0.0
        lexical_weight = 1.0 - embedding_weight
    elif lexical_weight is None:
        lexical_weight = LEXICAL_WEIGHT
    blocks = [np.sqrt(embedding_weight) * v]
    if lexical_weight > 0:
        blocks.append(np.sqrt(lexical_weight) * _unit_rows(lexical_features(texts)))
    if profile_weight > 0 and scores is not None:
        blocks.append(np.sqrt(profile_weight) * _unit_rows(competency_profile(scores, profile_columns)))
    # topic scores are not centred as the embedding is: key terms are already weighted by how few topics
    # list them, so a topic's score is evidence of that topic, not of the JD's sector
    if topics is not None and topic_weight > 0:
        blocks.append(np.sqrt(topic_weight) * _unit_rows(np.asarray(topics, dtype=np.float64)))
    if families is not None and family_weight > 0:
        blocks.append(np.sqrt(family_weight) * _unit_rows(np.asarray(families, dtype=np.float64)))
    return np.hstack(blocks)


def topic_columns(dictionary: Any) -> np.ndarray:
    """Functional and Domain entries: what the work is about. Behavioural entries say how it is done and
    cut across roles (Responsiveness is in every role that answers anyone)."""
    return np.array([e.type != "Behavioural" for e in dictionary.entries], dtype=bool)


# ---------------------------------------------------------------- roles with competencies


def _competency_dict(s: Any) -> dict[str, Any]:
    """A role card carries what a suggestion card does: evidence lines, confidence and why."""
    d = s.model_dump(mode="json")
    keys = ("competency_id", "name", "competencyAreaName", "competencyThemeName", "competencySubThemeName",
            "score", "confidence", "low_confidence", "suggested_level", "level_descriptor", "ask_tags",
            "matched_text", "support", "explanation", "evidence")
    return {k: d[k] for k in keys}


def role_competencies(suggester: Suggester, scored: Scored, group: Sequence[int], *, top_k: int,
                      min_score: float) -> list[dict[str, Any]]:
    """One role's competencies, ranked from that role's own activities only: a role is a job within the
    job, and a competency that only another role's activities need is not this role's to carry."""
    return [_competency_dict(s) for s in suggester.rank(scored, activities=group, top_k=top_k, min_score=min_score)]


def _strength(c: dict[str, Any]) -> tuple[float, int]:
    return (float(c["score"]), len(c.get("evidence") or []))


def assign_shared(roles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each competency kept in one role only: the one with the strongest evidence (score, then number of
    evidence lines, then the earlier role). Returns new role dicts; the input is not changed."""
    owner: dict[str, tuple[tuple[float, int], int]] = {}
    for r, role in enumerate(roles):
        for c in role["competencies"]:
            held = owner.get(c["competency_id"])
            if held is None or _strength(c) > held[0]:
                owner[c["competency_id"]] = (_strength(c), r)
    return [{**role, "competencies": [c for c in role["competencies"] if owner[c["competency_id"]][1] == r]}
            for r, role in enumerate(roles)]


def role_name(scored: Scored, group: Sequence[int], dictionary: Any, *, structured: bool,
              topics: np.ndarray | None = None, context: Sequence[Sequence[int]] | None = None,
              bank: np.ndarray | None = None) -> str:
    """The JD's own heading when it has one (an official wrote it), else a name built from the activities
    (`topics`: the whole text's topic scores, when known; `context`: all the position's groups, so a word
    every role shares does not name one of them; `bank`: the whole text's role-bank assignments)."""
    section = scored.activities[group[0]].section if structured else None
    if section:
        return section
    rows = np.asarray(group, dtype=np.int64)
    others = None if context is None else [[scored.activities[i].text for i in g] for g in context
                                           if list(g) != list(group)]
    texts = [scored.activities[i].text for i in group]
    official = None if bank is None else bank_name(bank[rows], texts)
    return name_role(texts, scored.scores[rows], dictionary, topics=None if topics is None else topics[rows],
                     others=others, bank=official)


def role_dict(suggester: Suggester, scored: Scored, group: list[int], *, structured: bool, top_k: int,
              min_score: float, topics: np.ndarray | None = None,
              context: Sequence[Sequence[int]] | None = None, bank: np.ndarray | None = None) -> dict[str, Any]:
    return {
        "name": role_name(scored, group, suggester.dictionary, structured=structured, topics=topics,
                          context=context, bank=bank),
        "section": scored.activities[group[0]].section if structured else None,
        "activities": [activity_dict(scored.activities[i]) for i in group],
        "competencies": role_competencies(suggester, scored, group, top_k=top_k, min_score=min_score),
    }


def activity_dict(a: Activity) -> dict[str, Any]:
    return {"index": a.index, "text": a.text, "start": a.start, "end": a.end, "section": a.section}


def learned_groups(scored: Scored, dictionary: Any, topics: np.ndarray, bank: np.ndarray,
                   model: PairModel | None = None) -> list[list[int]]:
    """Flat activities grouped by the learned same-role probability (suggest/role_pairs.py); `topics`:
    the lines' role-topic scores; `bank`: their role-bank assignments (role_bank.scored_assignments)."""
    model = model or load_model()
    feats = pair_features([a.text for a in scored.activities], scored.vectors, scored.scores,
                          topic_columns(dictionary), topics, bank)
    return group_by_probability(same_role_probability(feats, model), model)


def group_scored(scored: Scored, dictionary: Any, *, distance_threshold: float | None = None,
                 topics: np.ndarray | None = None, bank: np.ndarray | None = None,
                 model: PairModel | None = None) -> list[list[int]]:
    """The role groups of one scored text: the JD's headings; else the learned same-role grouping (with
    the lines' role topics and role-bank assignments); or, when `distance_threshold` is given, the cut of
    the combined view cosine (the method before the learned one, with role topics as `topics`)."""
    if not scored.activities:
        return []
    if has_structure(scored.activities):
        return group_by_section(scored.activities)
    if distance_threshold is None:
        if topics is None or bank is None:
            raise ValueError("the learned grouping needs the lines' role-topic scores and bank assignments")
        return learned_groups(scored, dictionary, topics, bank, model)
    feats = role_features([a.text for a in scored.activities], scored.vectors, scores=scored.scores,
                          profile_columns=topic_columns(dictionary), topics=topics,
                          families=None if topics is None else family_scores(topics, load_catalogue()))
    return group_activities(scored.activities, feats, distance_threshold=distance_threshold,
                            singleton_limit=SINGLETON_LIMIT)


def build_roles(suggester: Suggester, text: str | bytes, *, scored: Scored | None = None,
                distance_threshold: float | None = None, top_k: int | None = None,
                min_score: float | None = None) -> list[dict[str, Any]]:
    """Score once (or reuse `scored`, the stage-1 result of the same text); group; name each group; rank
    each group's competencies with the suggester's public `rank` stage; keep each competency in one role.

    Evidence keeps the global activity indexes and text offsets, so a role's evidence can be highlighted
    in the original JD."""
    from .suggester import check_ranking

    top_k, min_score = check_ranking(suggester.settings, top_k, min_score)
    if distance_threshold is not None and distance_threshold <= 0:
        raise InputError("distance_threshold must be positive", code="threshold_out_of_range")
    ahead = None
    if scored is None and isinstance(text, str) and len(text) <= suggester.settings.max_text_chars:
        lines = segment(text)  # the same split score makes; a line it reads otherwise is parsed later
        if not has_structure(lines):  # a flat JD's names need the parse: it runs while the encoder scores
            ahead = parse_ahead([a.text for a in lines])
    scored = scored if scored is not None else suggester.score(text)
    if ahead is not None:
        ahead.result()
    structured = has_structure(scored.activities)
    topics = bank = None
    if not structured:
        objects([a.text for a in scored.activities])  # one parser batch for the whole JD, before naming
        topics = scored_topic_scores(scored, suggester.encoder)
        bank = scored_assignments(scored, suggester.encoder, suggester.settings.resolved_cache_dir)
    groups = group_scored(scored, suggester.dictionary, distance_threshold=distance_threshold, topics=topics,
                          bank=bank)
    roles = [role_dict(suggester, scored, g, structured=structured, top_k=top_k, min_score=min_score,
                       topics=topics, context=groups, bank=bank) for g in groups]
    names = unique_names([r["name"] for r in roles], [[a["text"] for a in r["activities"]] for r in roles])
    return assign_shared([{**r, "name": n} for r, n in zip(roles, names)])
