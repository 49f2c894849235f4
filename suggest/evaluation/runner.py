"""Run a method over a benchmark and score it. The same Suggester the API uses does the ranking."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..suggester import Suggester
from . import metrics as M

METRICS = ["rp@1", "rp@5", "rp@10", "mrr", "ndcg@10", "map", "recall@10"]
METHODS = {"lexical": 1.0, "dense": 0.0}  # lexical weight per baseline; "hybrid" uses the settings' weight
RUN_DEPTH = 50


@dataclass
class RunResult:
    qrels: dict[str, dict[str, int]]
    run: dict[str, dict[str, float]]
    latencies_ms: list[float]


def lexical_weight(method: str, default: float) -> float:
    if method == "hybrid":
        return default
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use lexical, dense or hybrid")
    return METHODS[method]


def rank_queries(suggester: Suggester, queries, method: str, *, batch: int = 256) -> RunResult:
    """Score each query sentence against the whole dictionary; keep the top RUN_DEPTH items."""
    weight = lexical_weight(method, suggester.settings.lexical_weight)
    ids = [e.id for e in suggester.dictionary.entries]
    run: dict[str, dict[str, float]] = {}
    lat: list[float] = []
    for i in range(0, len(queries), batch):
        chunk = queries[i:i + batch]
        t = time.perf_counter()
        scores = suggester.score_texts([q.text for q in chunk], lexical_weight=weight)
        lat.extend([(time.perf_counter() - t) * 1000 / len(chunk)] * len(chunk))
        for q, row in zip(chunk, scores):
            top = np.argsort(-row, kind="stable")[:RUN_DEPTH]
            run[q.id] = {ids[j]: float(row[j]) for j in top}
    qrels = {q.id: {g: 1 for g in q.gold} for q in queries}
    return RunResult(qrels, run, lat)


def suggest_queries(suggester: Suggester, queries) -> RunResult:
    """Our gold: run the full suggester (segmentation included) on each text, as an official would."""
    run: dict[str, dict[str, float]] = {}
    lat: list[float] = []
    for q in queries:
        t = time.perf_counter()
        res = suggester.suggest(q.text, top_k=suggester.settings.max_top_k, min_score=0.0)
        lat.append((time.perf_counter() - t) * 1000)
        run[q.id] = {s.competency_id: s.score for s in res.suggestions}
    qrels = {q.id: {g: 1 for g in q.gold} for q in queries}
    return RunResult(qrels, run, lat)


def score(result: RunResult, *, seed: int = 0) -> dict[str, object]:
    out = M.evaluate(result.qrels, result.run, METRICS, seed=seed)
    out["latency_ms_p50"] = float(np.median(result.latencies_ms)) if result.latencies_ms else 0.0
    return out
