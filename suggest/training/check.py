"""A fast, fixed validation figure for an adapter: what `make test` reproduces to prove the committed file works.

TECH validation queries (75) against a fixed slice of ESCO (their gold labels plus a seeded sample of other
labels), dense only. Embedding 2k short labels takes seconds, where the full 13.9k-label space takes minutes
on 2 cores; the figure is recorded in the registry at training time and must come back within 0.5 points.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from ..encode import Encoder
from ..evaluation import metrics as M
from ..evaluation.benchmarks import load_benchmark

DISTRACTORS = 2000
SEED = 7


def subset_figure(encoder: Encoder, data_dir: Path) -> float:
    """Dense RP@5 (percent) of TECH validation over its gold labels plus DISTRACTORS fixed other labels."""
    bench = load_benchmark("tech", "validation", data_dir)
    entries = bench.dictionary.entries
    gold = {g for q in bench.queries for g in q.gold}
    others = sorted(e.id for e in entries if e.id not in gold)
    keep = gold | set(random.Random(SEED).sample(others, DISTRACTORS))
    chosen = [e for e in entries if e.id in keep]
    labels = encoder.encode([e.name for e in chosen])
    queries = encoder.encode([q.text for q in bench.queries])
    scores = queries @ labels.T
    run = {}
    for q, row in zip(bench.queries, scores):
        top = np.argsort(-row, kind="stable")[:10]
        run[q.id] = {chosen[j].id: float(row[j]) for j in top}
    return round(100 * M.mean(M.per_query(bench.qrels(), run, "rp@5")), 2)
