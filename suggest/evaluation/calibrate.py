"""Fit the confidence curve (a logistic over `confidence.FEATURES`) on the position dev split, and save it
next to the model registry. Pure fitting; `positions_eval.fit_confidence` and the CLI do the I/O."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..calibration import calibration_path


def fit_logistic_features(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, steps: int = 50
                          ) -> tuple[np.ndarray, float]:
    """Weights and bias for P(correct) = sigmoid(x @ w + b): Newton's method on standardised features with
    a small L2 penalty (so a feature that never varies on the dev split gets weight 0, not infinity)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    z = np.hstack([(x - mu) / sd, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.diag([l2] * (z.shape[1] - 1) + [0.0])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        grad = z.T @ (p - y) + penalty @ w
        hess = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-9:
            break
    weights = w[:-1] / sd
    return weights, float(w[-1] - np.sum(w[:-1] * mu / sd))


def save_position_calibration(model_id: str, model: dict, path: Path | None = None) -> Path:
    path = path or calibration_path()
    data = json.loads(path.read_text()) if path.is_file() else {}
    data.setdefault(model_id, {})["position"] = model
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path
