"""A learned same-role score for pairs of a JD's activities, and the grouping it drives.

For each pair of activities, seven cosines (`PAIR_FEATURES`): the sentence vectors centred on the JD and
as they are, the competency scores over the dictionary's Functional and Domain entries centred on the JD
(all of them, and each line's strongest ten), TF-IDF without the duty verb, the role-topic scores
(suggest/role_topics.py) and the assignments to the role bank's prototypes (suggest/role_bank.py). A
logistic regression
over those cosines gives the probability that an official would put the two in one role
(`same_role_probability`); its coefficients are fitted on gold positions (`fit_logistic`) and stored in
role_pairs.json beside this module, with the command that refits them.

The groups are then cut from that probability by average linkage to a number of roles set by the line
count (`role_count`: n / ROWS_PER_ROLE, within the labelling guide's three to five), with no role grown
past the guide's five duties (`capped_average_linkage`); a role left with one duty joins the role it most
probably belongs to where that has room (`merge_singletons`). A probability cut (p = 0.5) and a
likelihood-best number of roles were measured too and chose the number of roles worse (README, Role
grouping; suggest/evaluation/roles_lopo.py).

Everything here is a pure function of arrays; suggest/roles.py builds the views from a scored JD.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .logistic import fit_standardised
from .role_views import centred_scores, competency_profile, lexical_features, unit_rows

PAIR_FEATURES = ("embedding_centred", "embedding_raw", "scores_centred", "profile", "tfidf", "topics", "bank")
MODEL_PATH = Path(__file__).resolve().parent / "role_pairs.json"
MIN_ROLES, MAX_ROLES = 3, 5  # the labelling guide: three to five roles per position
MAX_ROLE_SIZE = 5  # ... of two to five duties each


@dataclass(frozen=True)
class PairModel:
    """Logistic regression over standardised pairwise features, and the role-count rule fitted with it."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    rows_per_role: float
    max_role_size: int = MAX_ROLE_SIZE
    fitted_on: str = ""
    refit: str = ""
    lopo: dict[str, object] = field(default_factory=dict)


def cosine_matrix(x: np.ndarray) -> np.ndarray:
    u = unit_rows(np.asarray(x, dtype=np.float64))
    return u @ u.T


def pair_features(texts: Sequence[str], vectors: np.ndarray, scores: np.ndarray,
                  columns: np.ndarray | None, topics: np.ndarray, bank: np.ndarray) -> np.ndarray:
    """(n, n, len(PAIR_FEATURES)): each view's cosine between every two activities of one JD.

    Centring on the JD removes what every line shares (every line of a fisheries JD is about fisheries);
    the raw cosine is kept beside it because the fit finds the two disagree usefully. `topics` are the
    lines' role-topic scores (role_topics.scored_topic_scores): the catalogue knows that "girdawari" and
    "mutation" are both land records, which neither the encoder nor the dictionary profile does."""
    v = np.asarray(vectors, dtype=np.float64)
    views = [v - v.mean(axis=0, keepdims=True), v, centred_scores(scores, columns),
             competency_profile(scores, columns), lexical_features(texts), np.asarray(topics, dtype=np.float64),
             np.asarray(bank, dtype=np.float64)]
    return np.stack([cosine_matrix(x) for x in views], axis=-1)


def upper_pairs(features: np.ndarray, labels: Sequence[int | None] | None = None
                ) -> tuple[np.ndarray, np.ndarray | None]:
    """The pairs i < j as rows, and (with gold `labels`) whether each pair shares a role; pairs with an
    unlabelled activity are left out."""
    n = features.shape[0]
    i, j = np.triu_indices(n, 1)
    if labels is None:
        return features[i, j], None
    known = np.array([labels[a] is not None and labels[b] is not None for a, b in zip(i, j)], dtype=bool)
    same = np.array([labels[a] == labels[b] for a, b in zip(i, j)], dtype=np.float64)
    return features[i, j][known], same[known]


def fit_logistic(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, iterations: int = 100
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Returns (mean, scale, coef, intercept) over standardised columns (logistic.fit_standardised)."""
    return fit_standardised(x, y, l2=l2, steps=iterations, tol=1e-10, min_scale=1e-12)


def same_role_probability(features: np.ndarray, model: PairModel) -> np.ndarray:
    """(n, n) probability that two activities share a role; 1 on the diagonal."""
    z = (features - np.asarray(model.mean)) / np.asarray(model.scale)
    p = 1.0 / (1.0 + np.exp(-(z @ np.asarray(model.coef) + model.intercept)))
    np.fill_diagonal(p, 1.0)
    return p


def role_count(n: int, rows_per_role: float) -> int:
    """n / rows_per_role rounded half up, within the guide's three to five roles, and with at least two
    lines a role when the JD is too short for three (one role for one line)."""
    k = int(np.floor(n / rows_per_role + 0.5))
    return max(1, min(max(MIN_ROLES, min(MAX_ROLES, k)), n // 2))


def average_linkage(distances: np.ndarray, *, k: int = 1, threshold: float = np.inf,
                    cap: int | None = None) -> list[list[int]]:
    """Average linkage, merging the closest pair of groups until `k` groups remain or the closest pair is
    no nearer than `threshold`. With `cap`, two groups are not merged into one of more than `cap` lines
    while another merge is possible (then the nearest pair merges regardless, so `k` is always reached).

    Each group lives in the slot of its smallest member, and np.argmin returns the first minimum in
    row-major order, so equal distances merge the pair with the smallest indexes first: the result does
    not depend on floating-point noise from a library's internal ordering."""
    n = distances.shape[0]
    if n == 0:
        return []
    d = np.array(distances, dtype=np.float64)
    np.fill_diagonal(d, np.inf)
    members: list[list[int]] = [[i] for i in range(n)]
    alive = np.ones(n, dtype=bool)
    while alive.sum() > max(k, 1):
        masked = np.where(alive[:, None] & alive[None, :], d, np.inf)
        if cap is not None:
            sizes = np.array([len(m) for m in members])
            capped = np.where(sizes[:, None] + sizes[None, :] <= cap, masked, np.inf)
            masked = capped if np.isfinite(capped).any() else masked
        i, j = divmod(int(np.argmin(masked)), n)
        if not masked[i, j] < threshold:
            break
        i, j = min(i, j), max(i, j)
        ni, nj = len(members[i]), len(members[j])
        merged = (ni * d[i] + nj * d[j]) / (ni + nj)  # Lance-Williams update for average linkage
        d[i, :] = merged
        d[:, i] = merged
        d[i, i] = np.inf
        d[j, :] = np.inf
        d[:, j] = np.inf
        members[i] = sorted(members[i] + members[j])
        members[j] = []
        alive[j] = False
    return sorted((m for m, ok in zip(members, alive) if ok), key=lambda g: g[0])


def capped_average_linkage(distances: np.ndarray, k: int, cap: int = MAX_ROLE_SIZE) -> list[list[int]]:
    """Average linkage down to `k` groups of at most `cap` lines where possible. Without the cap one broad
    group swallows the lines that are near everything ("maintain records", "attend meetings"); the guide's
    five duties per role is the cap."""
    return average_linkage(distances, k=k, cap=cap)


def merge_singletons(distances: np.ndarray, groups: list[list[int]], limit: float = np.inf,
                     cap: int | None = None) -> list[list[int]]:
    """Each one-activity group joined to the group nearest it (mean distance to its members), nearest
    pair first, while that distance is below `limit` and (with `cap`) the group has room. The labelling
    guide gives a role two to five duties: one duty alone is a role's stray line more often than a role
    of its own ("coordinate with the police for signage" beside a road-safety role)."""
    groups = [list(g) for g in groups]
    while True:
        best: tuple[float, int, int] | None = None
        for i, g in enumerate(groups):
            if len(g) != 1:
                continue
            for j, h in enumerate(groups):
                if j != i and (cap is None or len(h) < cap):
                    d = float(np.mean(distances[g[0], h]))
                    if d < limit and (best is None or d < best[0]):
                        best = (d, i, j)
        if best is None:
            return sorted((sorted(g) for g in groups if g), key=lambda g: g[0])
        _, i, j = best
        groups[j] = groups[j] + groups[i]
        del groups[i]


def group_by_probability(probability: np.ndarray, model: PairModel) -> list[list[int]]:
    """Average linkage to the model's number of roles, then single duties folded into the role they most
    probably belong to where it has room (on the 44 flat development positions, leave-one-out ARI 0.434
    against 0.426 without the fold, and 19 of 192 roles were one duty). Moving duties between the groups
    afterwards to raise the summed log-odds within them (best single moves and swaps) was measured and
    dropped: +0.015 on 84 positions, -0.009 on the 16 unseen ones read next, -0.006 over all 100."""
    n = probability.shape[0]
    groups = capped_average_linkage(1.0 - probability, role_count(n, model.rows_per_role), model.max_role_size)
    return merge_singletons(1.0 - probability, groups, cap=model.max_role_size)


def model_from_dict(d: dict[str, object]) -> PairModel:
    t = {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}
    return PairModel(**t)  # type: ignore[arg-type]


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> PairModel:
    model = model_from_dict(json.loads(Path(path or MODEL_PATH).read_text(encoding="utf-8")))
    if tuple(model.features) != PAIR_FEATURES:
        raise ValueError(f"{path or MODEL_PATH} was fitted on features {model.features}, not {PAIR_FEATURES}; refit "
                         f"it: {model.refit}")
    return model


def save_model(model: PairModel, path: Path | None = None) -> Path:
    p = path or MODEL_PATH
    p.write_text(json.dumps(asdict(model), indent=2) + "\n", encoding="utf-8")
    return p
