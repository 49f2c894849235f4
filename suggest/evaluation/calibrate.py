"""Fit the score -> confidence mapping (a logistic curve) on the gold dev split, and save it next to the
model registry. Pure fitting; the CLI does the I/O."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..calibration import calibration_path


def fit_logistic(scores: np.ndarray, labels: np.ndarray, *, steps: int = 5000, lr: float = 0.5) -> tuple[float, float]:
    """Maximum-likelihood a, b for P(correct) = 1 / (1 + exp(-(a*score + b))); plain gradient descent,
    deterministic, enough for two parameters."""
    x = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    mu, sd = x.mean(), x.std() or 1.0
    z = (x - mu) / sd  # standardise so one learning rate suits any score scale
    a, b = 0.0, 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(a * z + b)))
        a -= lr * float(np.mean((p - y) * z))
        b -= lr * float(np.mean(p - y))
    return a / sd, b - a * mu / sd


def pairs_from_run(qrels: dict, run: dict, depth: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """(score, is_correct) for the top `depth` items of every query."""
    scores, labels = [], []
    for qid, items in run.items():
        gold = {i for i, r in qrels.get(qid, {}).items() if r > 0}
        for item, score in sorted(items.items(), key=lambda kv: (-kv[1], kv[0]))[:depth]:
            scores.append(score)
            labels.append(1.0 if item in gold else 0.0)
    return np.array(scores), np.array(labels)


def save_calibration(model_id: str, a: float, b: float, meta: dict, path: Path | None = None) -> Path:
    path = path or calibration_path()
    data = json.loads(path.read_text()) if path.is_file() else {}
    data[model_id] = {"a": round(a, 4), "b": round(b, 4), **meta}
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path
