"""Pure, deterministic ranking: per-activity facet hits -> per-competency scores over the whole text.

No I/O here and no model calls: inputs are arrays, outputs are arrays and plain tuples, so each step
can be tested with hand-made numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .verbs import HIGH_CUES, LOW_CUES

NEG = np.float32(-1.0)


def pool_max(ids: np.ndarray, scores: np.ndarray, row_owner: np.ndarray, n_owners: int,
             fill: np.ndarray | float = 0.0) -> np.ndarray:
    """Max-pool row hits onto their owners: (queries, k) hits -> (queries, n_owners) scores.

    Owners with no retrieved row get `fill` (a scalar or one value per query)."""
    q = ids.shape[0]
    out = np.full((q, n_owners), NEG, dtype=np.float32)
    owners = row_owner[ids]
    for i in range(q):
        np.maximum.at(out[i], owners[i], scores[i].astype(np.float32))
    fill_arr = np.broadcast_to(np.asarray(fill, dtype=np.float32).reshape(-1, 1), (q, 1))
    return np.where(out == NEG, fill_arr, out)


def normalise_rows(x: np.ndarray) -> np.ndarray:
    """Divide each row by its maximum (BM25 scores have no fixed scale); all-zero rows stay zero."""
    m = x.max(axis=1, keepdims=True)
    return np.divide(x, m, out=np.zeros_like(x), where=m > 0)


def fuse(dense: np.ndarray, lexical: np.ndarray | None, weight: float) -> np.ndarray:
    """Weighted sum of dense cosine and max-normalised BM25. A weighted sum beat reciprocal-rank fusion
    in the scouting run (scouting.md, 3c vs 3d)."""
    if lexical is None or weight == 0:
        return dense
    return (1.0 - weight) * dense + weight * lexical


@dataclass(frozen=True)
class Ranked:
    competency: int
    score: float
    evidence: tuple[tuple[int, float], ...]  # (activity index, score), best first


def aggregate(scores: np.ndarray, *, min_score: float, top_k: int, max_evidence: int = 3) -> list[Ranked]:
    """(activities, competencies) -> competencies ranked by their best activity.

    Ties break on competency position, so the order is deterministic."""
    if scores.size == 0:
        return []
    best = scores.max(axis=0)
    order = np.lexsort((np.arange(best.size), -best))
    out: list[Ranked] = []
    for c in order:
        if best[c] < min_score or len(out) >= top_k:
            break
        col = scores[:, c]
        acts = np.lexsort((np.arange(col.size), -col))
        ev = [(int(a), float(col[a])) for a in acts[:max_evidence] if col[a] >= min_score]
        out.append(Ranked(int(c), float(best[c]), tuple(ev)))
    return out


def unmatched(scores: np.ndarray, threshold: float) -> list[int]:
    """Activities whose best competency scores below the threshold: where new competencies are needed."""
    if scores.size == 0:
        return []
    return [int(i) for i in np.flatnonzero(scores.max(axis=1) < threshold)]


def level_prior(text: str) -> np.ndarray:
    """A small push towards lower or higher levels from the wording of the activity."""
    t = " " + text.lower() + " "
    low = sum(1 for c in LOW_CUES if f" {c}" in t)
    high = sum(1 for c in HIGH_CUES if f" {c}" in t)
    prior = np.array([0.0, 0.01, 0.02, 0.01, 0.0], dtype=np.float32)
    prior += np.float32(0.02) * low * np.array([1, 1, 0, -1, -1], dtype=np.float32)
    prior += np.float32(0.02) * high * np.array([-1, -1, 0, 1, 1], dtype=np.float32)
    return prior


def suggest_level(descriptor_sims: np.ndarray, prior: np.ndarray) -> int:
    """Pick 1..5: the level whose descriptor the activity resembles most, relative to the others,
    plus the wording prior. Without descriptors (all zero) the prior alone decides."""
    sims = descriptor_sims.astype(np.float32)
    centred = sims - sims.mean() if np.any(sims) else sims
    return int(np.argmax(centred + prior)) + 1
