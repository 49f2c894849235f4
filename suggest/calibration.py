"""Where the fitted confidence curve lives: models/calibration.json (bundled in the wheel as _data/models)."""

from __future__ import annotations

from pathlib import Path


def calibration_path() -> Path:
    here = Path(__file__).resolve().parent
    for c in (here / "_data" / "models" / "calibration.json", here.parent / "models" / "calibration.json"):
        if c.is_file():
            return c
    return here.parent / "models" / "calibration.json"
