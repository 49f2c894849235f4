"""Pure ranking over a whole JD: which competencies enter the list, given every activity's scores.

`rank.aggregate` ranks competencies by their single best activity, which lets one activity's second and
third matches push another activity's only match out of the list, and lets a Domain competency from a
sector the JD never touches in on one loose line. Three levers, each measured on the position dev split
(README, ablation table):

- **support**: a competency that several activities call for gains a little over one resting on a single
  line (`support_bonus` per extra activity, at most `MAX_EXTRA_SUPPORT` of them);
- **sector agreement**: a Domain competency stays only when its sector is supported by the JD (enough
  activities whose best Domain match lies in that sector, or the designation and department pointing
  there) or when its own line is strong evidence (its best activity scores at least `domain_own_line`
  and ranks it among that activity's top matches);
- **coverage before depth**: every activity's best competency above the threshold enters the list before
  any activity's second best, then the second bests, and so on (a round-robin over activities; within a
  round, stronger first).

No I/O and no model: arrays in, plain tuples out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_EXTRA_SUPPORT = 3
OWN_LINE_RANK = 2  # "a line of its own": the competency is among its best activity's top two matches


@dataclass(frozen=True)
class JDParams:
    min_score: float
    top_k: int
    support_threshold: float = 0.55
    support_bonus: float = 0.02
    domain_own_line: float = 0.7
    sector_min_activities: int = 3
    coverage: bool = True
    coverage_penalty: float = 1.0
    sector_agreement: bool = True
    max_evidence: int = 3


@dataclass(frozen=True)
class Pick:
    competency: int
    score: float  # best activity's score plus the support bonus
    best: float  # best activity's fused score, before the bonus
    support: int  # activities scoring at least support_threshold
    round: int  # 0: some activity's best match; 1: a second best …
    evidence: tuple[tuple[int, float], ...]  # (activity, score), the line that supports it best first
    sector_ok: bool  # False only for a Domain competency kept on the strength of its own line


def support_counts(scores: np.ndarray, threshold: float) -> np.ndarray:
    return (scores >= threshold).sum(axis=0).astype(np.int64)


def sector_votes(scores: np.ndarray, sector_of: np.ndarray, n_sectors: int, floor: float) -> np.ndarray:
    """Per sector, the activities whose best Domain match lies in it and scores at least `floor`."""
    votes = np.zeros(n_sectors, dtype=np.int64)
    domain = np.flatnonzero(sector_of >= 0)
    if scores.size == 0 or domain.size == 0:
        return votes
    sub = scores[:, domain]
    best = sub.argmax(axis=1)
    for a, j in enumerate(best):
        if sub[a, j] >= floor:
            votes[sector_of[domain[j]]] += 1
    return votes


def domain_allowed(scores: np.ndarray, sector_of: np.ndarray, votes: np.ndarray, context_sectors: set[int],
                   p: JDParams) -> tuple[np.ndarray, np.ndarray]:
    """(allowed, sector_ok) masks over competencies. Non-Domain competencies are always allowed."""
    n = scores.shape[1]
    allowed = np.ones(n, dtype=bool)
    sector_ok = np.ones(n, dtype=bool)
    if scores.size == 0:
        return allowed, sector_ok
    # rank of each competency within each activity's row (0 = that activity's best match)
    order = np.argsort(-scores, axis=1, kind="stable")
    rank_in_row = np.empty_like(order)
    rows = np.arange(scores.shape[0])[:, None]
    rank_in_row[rows, order] = np.arange(n)[None, :]
    for c in np.flatnonzero(sector_of >= 0) if p.sector_agreement else ():
        s = int(sector_of[c])
        # the designation and department pointing at the sector stand in for one supporting activity
        needed = p.sector_min_activities - (1 if s in context_sectors else 0)
        if votes[s] >= max(needed, 1):
            continue
        a = int(np.argmax(scores[:, c]))
        own_line = scores[a, c] >= p.domain_own_line and rank_in_row[a, c] < OWN_LINE_RANK
        allowed[c] = own_line
        sector_ok[c] = False
    return allowed, sector_ok


def evidence_for(scores: np.ndarray, c: int, min_score: float, max_evidence: int) -> tuple[tuple[int, float], ...]:
    """The activities that support competency c best: highest score first; ties on activity order."""
    col = scores[:, c]
    acts = np.lexsort((np.arange(col.size), -col))
    ev = [(int(a), float(col[a])) for a in acts[:max_evidence] if col[a] >= min_score]
    return tuple(ev) or ((int(acts[0]), float(col[acts[0]])),)


def select(scores: np.ndarray, sector_of: np.ndarray, n_sectors: int, p: JDParams,
           context_sectors: set[int] | frozenset[int] = frozenset(), votes: np.ndarray | None = None) -> list[Pick]:
    """The competencies for one JD, in the order they entered the list (coverage rounds, stronger first).

    `votes`: sector votes counted elsewhere. One role's lines are ranked with the whole position's votes:
    a post is in one sector, and a two-line role of a revenue office ("attest mutations", "inspect the
    girdawari") must not lose Land Records because only one of its own lines votes for the sector."""
    if scores.size == 0:
        return []
    best = scores.max(axis=0)
    support = support_counts(scores, p.support_threshold)
    adjusted = best + p.support_bonus * np.clip(support - 1, 0, MAX_EXTRA_SUPPORT)
    if votes is None:
        votes = sector_votes(scores, sector_of, n_sectors, p.support_threshold)
    allowed, sector_ok = domain_allowed(scores, sector_of, votes, set(context_sectors), p)
    eligible = allowed & (best >= p.min_score)
    if p.coverage:
        order = _coverage_order(scores, adjusted, eligible, p.coverage_penalty, p.top_k)
    else:
        ranked = [int(c) for c in np.lexsort((np.arange(best.size), -adjusted)) if eligible[c]]
        order = [(c, 0) for c in ranked]
    return [Pick(c, float(adjusted[c]), float(best[c]), int(support[c]), r,
                 evidence_for(scores, c, p.min_score, p.max_evidence), bool(sector_ok[c]))
            for c, r in order[:p.top_k]]


def _coverage_order(scores: np.ndarray, adjusted: np.ndarray, eligible: np.ndarray, penalty: float,
                    limit: int) -> list[tuple[int, int]]:
    """Greedy, diversity-aware order (MMR over activities): each step takes the competency with the best
    adjusted score minus `penalty` times the number of competencies already taken from its best activity.
    A large penalty is a strict round-robin (every activity's best before any second best); zero is the
    plain score order. The round reported is how many had been taken from that activity before it."""
    candidates = np.flatnonzero(eligible)
    if candidates.size == 0:
        return []
    home = scores[:, candidates].argmax(axis=0)  # the activity that supports each candidate best
    gain = adjusted[candidates].astype(np.float64)
    taken_from = np.zeros(scores.shape[0], dtype=np.int64)
    free = np.ones(candidates.size, dtype=bool)
    out: list[tuple[int, int]] = []
    while free.any() and len(out) < limit:
        value = np.where(free, gain - penalty * taken_from[home], -np.inf)
        j = int(np.argmax(value))  # first maximum: ties go to the lower competency index
        out.append((int(candidates[j]), int(taken_from[home[j]])))
        taken_from[home[j]] += 1
        free[j] = False
    return out
