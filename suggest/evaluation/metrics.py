"""Ranking metrics over the standard shapes, as pure functions.

qrels: {query_id: {item_id: relevance}}   (relevance > 0 means relevant)
run:   {query_id: {item_id: score}}        (higher is better; ties break on item id)

Definitions follow Decorte et al. and WorkRB: RP@k = |gold ∩ top-k| / min(k, |gold|). Queries with no
relevant item are skipped. Nothing here mutates its inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import numpy as np

Qrels = Mapping[str, Mapping[str, float]]
Run = Mapping[str, Mapping[str, float]]


def ranked_items(scores: Mapping[str, float]) -> list[str]:
    return [item for item, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))]


def _relevant(gold: Mapping[str, float]) -> set[str]:
    return {i for i, rel in gold.items() if rel > 0}


def rprecision_at_k(gold: set[str], ranking: list[str], k: int) -> float:
    return len(gold.intersection(ranking[:k])) / min(k, len(gold))


def precision_at_k(gold: set[str], ranking: list[str], k: int) -> float:
    return len(gold.intersection(ranking[:k])) / k


def recall_at_k(gold: set[str], ranking: list[str], k: int) -> float:
    return len(gold.intersection(ranking[:k])) / len(gold)


def reciprocal_rank(gold: set[str], ranking: list[str]) -> float:
    for i, item in enumerate(ranking, start=1):
        if item in gold:
            return 1.0 / i
    return 0.0


def ndcg_at_k(gold_rel: Mapping[str, float], ranking: list[str], k: int) -> float:
    """nDCG with linear gains (rel / log2(rank + 1)), as ranx and trec_eval compute it."""
    dcg = sum(gold_rel.get(item, 0.0) / math.log2(i + 2) for i, item in enumerate(ranking[:k]))
    ideal = sorted((r for r in gold_rel.values() if r > 0), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def average_precision(gold: set[str], ranking: list[str]) -> float:
    hits, total = 0, 0.0
    for i, item in enumerate(ranking, start=1):
        if item in gold:
            hits += 1
            total += hits / i
    return total / len(gold)


def per_query(qrels: Qrels, run: Run, metric: str) -> dict[str, float]:
    """One metric per query. `metric` is like 'rp@5', 'p@3', 'recall@10', 'ndcg@10', 'mrr', 'map'."""
    name, _, k_text = metric.partition("@")
    k = int(k_text) if k_text else 0
    out: dict[str, float] = {}
    for qid, gold_rel in qrels.items():
        gold = _relevant(gold_rel)
        if not gold:
            continue
        ranking = ranked_items(run.get(qid, {}))
        if name == "rp":
            out[qid] = rprecision_at_k(gold, ranking, k)
        elif name == "p":
            out[qid] = precision_at_k(gold, ranking, k)
        elif name in ("r", "recall"):
            out[qid] = recall_at_k(gold, ranking, k)
        elif name == "mrr":
            out[qid] = reciprocal_rank(gold, ranking)
        elif name == "ndcg":
            out[qid] = ndcg_at_k({i: float(r) for i, r in gold_rel.items()}, ranking, k)
        elif name == "map":
            out[qid] = average_precision(gold, ranking)
        else:
            raise ValueError(f"unknown metric {metric!r}")
    return out


def mean(values: Mapping[str, float]) -> float:
    return float(np.mean(list(values.values()))) if values else 0.0


def bootstrap_ci(values: list[float] | np.ndarray, *, n_resamples: int = 1000, seed: int = 0,
                 alpha: float = 0.05, stat: Callable[[np.ndarray], float] = np.mean) -> tuple[float, float]:
    """Percentile bootstrap interval of a per-query statistic, with a fixed seed for reproducibility."""
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, arr.size, size=(n_resamples, arr.size))
    stats = np.array([stat(arr[row]) for row in idx])
    return (float(np.quantile(stats, alpha / 2)), float(np.quantile(stats, 1 - alpha / 2)))


def evaluate(qrels: Qrels, run: Run, metrics: list[str], *, ci: bool = True, seed: int = 0) -> dict[str, object]:
    """Mean of each metric, plus `<metric>_ci` (95% bootstrap) and `n`, the number of scored queries."""
    result: dict[str, object] = {}
    n = 0
    for m in metrics:
        values = per_query(qrels, run, m)
        n = len(values)
        result[m] = mean(values)
        if ci:
            lo, hi = bootstrap_ci(list(values.values()), seed=seed)
            result[f"{m}_ci"] = [lo, hi]
    result["n"] = n
    return result
