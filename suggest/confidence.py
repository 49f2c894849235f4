"""Confidence: the chance that a suggestion is one an expert would tag, from a few features of how it was
chosen, through a logistic curve fitted on the position dev split (`cde-suggest eval --calibrate`).

A raw score alone over-trusts a competency resting on one loose line and under-trusts one that several
activities call for, which is what the reliability plot of the first release showed; the features say so.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np

from .calibration import calibration_path

FEATURES = ("score", "support", "first_round", "domain", "behavioural", "off_sector")
# The first release's score-only curve (fitted on the activity gold), neutral on the other features: used
# until a fit exists, and for the ablation row without the fitted curve.
DEFAULT = {"features": list(FEATURES), "weights": [14.2264, 0.0, 0.0, 0.0, 0.0, 0.0], "bias": -10.172}


def features(score: float, support: int, first_round: bool, kind: str, sector_ok: bool) -> list[float]:
    return [float(score), float(min(support, 4)), float(first_round), float(kind == "Domain"),
            float(kind == "Behavioural"), float(not sector_ok)]


def probability(x: list[float], model: dict) -> float:
    z = float(np.dot(np.asarray(model["weights"], dtype=np.float64), np.asarray(x, dtype=np.float64)))
    return float(1.0 / (1.0 + np.exp(-(z + float(model["bias"])))))


def calibration_key(model_id: str, adapter: str | None = None) -> str:
    """Curves are per model revision: an adapter moves the scores, so it is fitted apart from its base."""
    return f"{model_id}+{adapter}" if adapter else model_id


@lru_cache(maxsize=8)
def _load(key: str) -> str:
    path = calibration_path()
    if path.is_file():
        data = json.loads(path.read_text())
        # an adapter with no curve of its own borrows its base model's until `eval --calibrate` fits one
        for k in (key, key.split("+")[0]):
            entry = data.get(k) or {}
            if entry.get("position", {}).get("features") == list(FEATURES):
                return json.dumps(entry["position"])
    return json.dumps(DEFAULT)


def load_confidence_model(model_id: str, fitted: bool = True, adapter: str | None = None) -> dict:
    """The fitted model for this encoder (and adapter), or DEFAULT (score alone) when asked or none matches."""
    return json.loads(_load(calibration_key(model_id, adapter))) if fitted else dict(DEFAULT)
