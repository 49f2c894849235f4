"""Score -> acceptance probability, fitted on our gold dev split (`cde-suggest eval --calibrate`)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DEFAULT = (12.0, -6.0)  # a neutral logistic centred at 0.5 until a fit exists


def calibration_path() -> Path:
    here = Path(__file__).resolve().parent
    for c in (here / "_data" / "models" / "calibration.json", here.parent / "models" / "calibration.json"):
        if c.is_file():
            return c
    return here.parent / "models" / "calibration.json"


@lru_cache(maxsize=8)
def load_calibration(model_id: str) -> tuple[float, float]:
    path = calibration_path()
    if not path.is_file():
        return DEFAULT
    data = json.loads(path.read_text()).get(model_id)
    return (float(data["a"]), float(data["b"])) if data else DEFAULT
