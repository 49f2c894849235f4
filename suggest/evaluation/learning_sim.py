"""Does the service learn from its reviewers? A replay (`cde-suggest eval --learning`).

Gold labels are replayed as reviewer decisions on one half of each gold set (every suggestion a reviewer
would have seen in the top 10: accept when it is in the gold, reject otherwise), priors are learned from
the first N decisions, and precision@5 is measured on the other half, before and after, for N = 50 … 1,000.
The adversarial replay flips 20% of the decisions at random. Halves are by position (activity gold,
whole-JD gold) or alternate queries (TECH, HOUSE validation), so no evaluated text was ever decided on.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..learning import Decision, LearnParams, learn_priors, memory_delta, prior_vector, select_examples
from ..ranker import Ranker
from . import metrics

CURVE = (50, 100, 200, 500, 1000)
REVIEWERS = 5  # decisions are spread over a few simulated reviewers, as in an office
SEEN = 10  # a reviewer decides on what the list shows


@dataclass(frozen=True)
class Learned:
    """What one learn run produced, in the form the ranking applies it."""

    key: str
    ranker: Ranker
    priors: np.ndarray
    memory: np.ndarray
    competency: np.ndarray
    accepted: np.ndarray
    params: LearnParams


@dataclass
class Item:
    id: str
    gold: frozenset[str]
    top: Callable[[Learned | None], list[tuple[str, str]]]  # ranked (id, evidence text); None: no learning


def decision_stream(items: Sequence[Item], *, flip: float, seed: int) -> list[Decision]:
    rng = random.Random(seed)
    order = list(items)
    rng.shuffle(order)
    stream = []
    for n, item in enumerate(order):
        for cid, text in item.top(None)[:SEEN]:
            right = cid in item.gold
            stream.append(Decision(cid, (not right) if rng.random() < flip else right, f"sim-{n % REVIEWERS}", text))
    return stream


def precision_at_5(items: Sequence[Item], learned: Learned | None) -> list[float]:
    return [len({cid for cid, _ in item.top(learned)[:5]} & item.gold) / 5 for item in items]


class Learner:
    """Learns from a prefix of the stream with one method, encoding memory texts once."""

    def __init__(self, method: str, ids: Sequence[str], encode: Callable[[list[str]], np.ndarray],
                 params: LearnParams = LearnParams()) -> None:
        self.method, self.ids, self.encode, self.params = method, list(ids), encode, params
        self.index = {cid: i for i, cid in enumerate(self.ids)}
        self._vectors: dict[str, np.ndarray] = {}

    def __call__(self, decisions: Sequence[Decision], key: str) -> Learned:
        p = self.params
        priors = learn_priors(decisions, p) if self.method == "priors" else {}
        examples = select_examples(decisions, p) if self.method == "memory" else []
        missing = sorted({e["text"] for e in examples} - set(self._vectors))
        if missing:
            self._vectors.update(zip(missing, self.encode(missing)))
        memory = np.array([self._vectors[e["text"]] for e in examples], dtype=np.float32) if examples \
            else np.zeros((0, 1), np.float32)
        ranker = Ranker(key, key, priors, {"params": p.as_dict()}, tuple(examples))
        return Learned(key, ranker, prior_vector(priors, self.ids), memory,
                       np.array([self.index[e["competency_id"]] for e in examples], dtype=np.int64),
                       np.array([e["accepted"] for e in examples], dtype=bool), p)


def curve(train: Sequence[Item], test: Sequence[Item], learner: Learner, *, flip: float = 0.0,
          seed: int = 0) -> dict:
    """P@5 on `test` before learning and after N replayed decisions from `train`, with 95% CIs."""
    stream = decision_stream(train, flip=flip, seed=seed)
    base = precision_at_5(test, None)
    out = {"decisions_available": len(stream), "before": _summary(base), "points": []}
    for n in CURVE:
        if n > len(stream):
            break
        learned = learner(stream[:n], f"sim-{learner.method}-{flip}-{seed}-{n}")
        after = precision_at_5(test, learned)
        diff = [a - b for a, b in zip(after, base)]
        out["points"].append({"decisions": n, **_summary(after), "gain": float(np.mean(diff)),
                              "gain_ci": list(metrics.bootstrap_ci(np.asarray(diff), seed=seed))})
    return out


def _summary(values: list[float]) -> dict:
    arr = np.asarray(values, dtype=np.float64)
    return {"p@5": float(arr.mean()) if arr.size else 0.0, "ci": list(metrics.bootstrap_ci(arr)), "n": int(arr.size)}


def vector_items(queries, score_rows: np.ndarray, vectors: np.ndarray, ids: Sequence[str]) -> list[Item]:
    """Sentence queries (activity gold, TECH, HOUSE): each row of fused scores re-ranked under what was
    learned; the query itself is the evidence a reviewer decides on."""
    items = []
    for q, row, vec in zip(queries, score_rows, vectors):
        def top(learned, row=row, vec=vec, text=q.text):
            scores = row
            if learned is not None:
                scores = row + learned.priors + memory_delta(vec[None, :], learned.memory, learned.competency,
                                                             learned.accepted, len(ids), learned.params)[0]
            return [(ids[j], text) for j in np.argsort(-scores, kind="stable")[:SEEN]]
        items.append(Item(q.id, frozenset(q.gold), top))
    return items


def position_items(suggester, gold_items: list[dict]) -> list[Item]:
    """Whole JDs through the suggester's own rank stage, with what was learned as its ranker."""
    items = []
    for it in gold_items:
        scored = suggester.score(it["text"], position=it.get("title"), department=it.get("department"))

        def top(learned, scored=scored):
            ranker = None if learned is None else learned.ranker
            return [(s.competency_id, s.evidence[0].text if s.evidence else "")
                    for s in suggester.rank(scored, top_k=SEEN, ranker=ranker)]
        items.append(Item(it["id"], frozenset(e["id"] for e in it["expected"]), top))
    return items


def halves(items: Sequence[Item], key: Callable[[Item], int]) -> tuple[list[Item], list[Item]]:
    train = [i for i in items if key(i) % 2 == 1]
    return train, [i for i in items if key(i) % 2 == 0]
