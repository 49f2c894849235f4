"""One logistic-regression fit for the project's small learned pieces (the confidence curve, the same-role
model): Newton's method on the L2-penalised log loss over standardised columns, the intercept unpenalised.
Deterministic and library-free; a few thousand rows and a handful of features need nothing more."""

from __future__ import annotations

import numpy as np


def fit_standardised(x: np.ndarray, y: np.ndarray, *, l2: float = 1.0, steps: int = 100, tol: float = 1e-10,
                     min_scale: float = 1e-12) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(mean, scale, coef, intercept) with P(y=1) = sigmoid(((x - mean) / scale) @ coef + intercept).

    A column whose spread is at most `min_scale` gets scale 1, so it contributes nothing instead of NaN."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > min_scale, scale, 1.0)
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    beta = np.zeros(z.shape[1])
    penalty = np.diag([l2] * (z.shape[1] - 1) + [0.0])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ beta)))
        grad = z.T @ (p - y) + penalty @ beta
        hess = (z * (p * (1.0 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.max(np.abs(step)) < tol:
            break
    return mean, scale, beta[:-1], float(beta[-1])
