"""Fit the confidence curve (a logistic over `confidence.FEATURES`) on the position dev split, and save it
next to the model registry. Pure fitting; `positions_eval.fit_confidence` and the CLI do the I/O."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..calibration import calibration_path
from ..logistic import fit_standardised


def fit_logistic_features(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, steps: int = 50
                          ) -> tuple[np.ndarray, float]:
    """Weights and bias for P(correct) = sigmoid(x @ w + b), fitted on standardised features with a small
    L2 penalty (so a feature that never varies on the dev split gets weight 0, not infinity)."""
    mu, sd, coef, intercept = fit_standardised(x, y, l2=l2, steps=steps, tol=1e-9, min_scale=0.0)
    weights = coef / sd
    return weights, float(intercept - np.sum(coef * mu / sd))


def save_position_calibration(model_id: str, model: dict, path: Path | None = None) -> Path:
    path = path or calibration_path()
    data = json.loads(path.read_text()) if path.is_file() else {}
    data.setdefault(model_id, {})["position"] = model
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path
