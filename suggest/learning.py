"""Learning from reviewers: recorded decisions -> a small artefact that shifts the ranking.

Two methods, both measured by the replay in `cde-suggest eval --learning`:

- **memory** (the default): every decided (activity text, competency) pair is kept as an example. At
  ranking time an activity close to an accepted example lifts that competency, and one close to a rejected
  example lowers it, in proportion to how close (cosine above `memory_threshold`), capped at `max_delta`.
  Reviewers' corrections reach the next JD that says the same thing in other words.
- **priors**: each competency's acceptance rate, smoothed towards the overall rate, becomes one score
  offset for every text. It barely moved precision in the replay: whether a competency fits depends on the
  duty, not on the competency alone.

Either way one reviewer's decisions are capped, overall and per competency, so that a single reviewer
cannot steer the ranking alone. Pure functions: the CLI and the service do the I/O (`suggest/ranker.py`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Decision:
    competency_id: str
    accepted: bool  # accept, modify or add; reject is False
    reviewer: str
    text: str = ""  # the activity the decision was about (the suggestion's evidence)


@dataclass(frozen=True)
class LearnParams:
    smoothing: float = 8.0  # pseudo-decisions at the overall rate added to every competency
    strength: float = 0.3  # score offset per unit of (smoothed rate - overall rate)
    max_delta: float = 0.1  # no competency moves further than this
    min_decisions: int = 3  # fewer than this on a competency: no prior for it
    max_per_reviewer: int = 300  # a reviewer's newest decisions counted, in all
    max_per_reviewer_competency: int = 10  # and on any one competency
    memory_threshold: float = 0.65  # cosine above which an example speaks for a new activity
    memory_strength: float = 0.25  # score shift of an identical activity, before the cap
    reject_weight: float = 1.0  # how much a rejection counts against an acceptance

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def capped(decisions: Sequence[Decision], p: LearnParams) -> list[Decision]:
    """Each reviewer's newest decisions within the caps; `decisions` run oldest to newest."""
    total: Counter[str] = Counter()
    per_competency: Counter[tuple[str, str]] = Counter()
    kept: list[Decision] = []
    for d in reversed(decisions):
        if total[d.reviewer] >= p.max_per_reviewer or \
                per_competency[(d.reviewer, d.competency_id)] >= p.max_per_reviewer_competency:
            continue
        total[d.reviewer] += 1
        per_competency[(d.reviewer, d.competency_id)] += 1
        kept.append(d)
    kept.reverse()
    return kept


def learn_priors(decisions: Sequence[Decision], p: LearnParams = LearnParams()) -> dict[str, float]:
    """competency id -> score offset in [-max_delta, max_delta]; competencies with too few decisions are absent."""
    kept = capped(decisions, p)
    if not kept:
        return {}
    overall = sum(d.accepted for d in kept) / len(kept)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for d in kept:
        counts[d.competency_id][0] += int(d.accepted)
        counts[d.competency_id][1] += 1
    priors = {}
    for cid, (accepted, n) in sorted(counts.items()):
        if n < p.min_decisions:
            continue
        rate = (accepted + p.smoothing * overall) / (n + p.smoothing)
        priors[cid] = round(float(np.clip(p.strength * (rate - overall), -p.max_delta, p.max_delta)), 5)
    return priors


def prior_vector(priors: dict[str, float], competency_ids: Iterable[str]) -> np.ndarray:
    """The offsets in dictionary order (0 for a competency with no prior), to add to a score matrix."""
    return np.array([priors.get(cid, 0.0) for cid in competency_ids], dtype=np.float32)


def select_examples(decisions: Sequence[Decision], p: LearnParams = LearnParams()) -> list[dict]:
    """The memory: one example per (text, competency), the newest decision winning, within the caps."""
    newest: dict[tuple[str, str], Decision] = {}
    for d in capped(decisions, p):
        if d.text.strip():
            newest[(d.text.strip(), d.competency_id)] = d
    return [{"text": t, "competency_id": c, "accepted": d.accepted} for (t, c), d in sorted(newest.items())]


def memory_delta(activity_vectors: np.ndarray, example_vectors: np.ndarray, example_competency: np.ndarray,
                 example_accepted: np.ndarray, n_competencies: int, p: LearnParams = LearnParams()) -> np.ndarray:
    """(activities, competencies) score shifts: the closest accepted example lifts, the closest rejected one
    lowers; examples under the threshold say nothing. Competencies with no close example get 0."""
    out = np.zeros((activity_vectors.shape[0], n_competencies), dtype=np.float32)
    if activity_vectors.size == 0 or example_vectors.size == 0:
        return out
    sims = activity_vectors @ example_vectors.T  # both L2-normalised: cosine
    weight = np.clip((sims - p.memory_threshold) / (1.0 - p.memory_threshold), 0.0, 1.0) * p.memory_strength
    lift = np.zeros_like(out)
    drop = np.zeros_like(out)
    for a in range(out.shape[0]):
        pos = example_accepted
        np.maximum.at(lift[a], example_competency[pos], weight[a, pos])
        np.maximum.at(drop[a], example_competency[~pos], weight[a, ~pos])
    return np.clip(lift - p.reject_weight * drop, -p.max_delta, p.max_delta)
