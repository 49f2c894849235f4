"""Whole-JD evaluation (`cde-suggest eval --benchmark positions`): each gold JD goes through the same
`Suggester.suggest` the API calls, with the title and department a user types beside the text, and the
list is scored by `position_metrics` (recall@10, precision@5, MRR, off-sector Domain, levels, ECE …)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..suggester import Suggester
from . import position_metrics

POSITIONS_PATH = Path(__file__).resolve().parents[2] / "eval" / "gold" / "positions.jsonl"
SPLITS = {"validation": "dev", "dev": "dev", "test": "test", "all": None}
LIST_DEPTH = 15  # what the page shows by default (Settings.top_k); precision and recall read the top 5 / 10


def load_positions(split: str, path: Path = POSITIONS_PATH) -> list[dict[str, Any]]:
    if split not in SPLITS:
        raise InputError(f"split must be one of {', '.join(SPLITS)}", code="invalid_input")
    if not path.is_file():
        raise InputError(f"position gold not found: {path}", code="file_not_found")
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = SPLITS[split]
    return [it for it in items if wanted is None or it["split"] == wanted]


def predict(suggester: Suggester, items: list[dict[str, Any]], *, top_k: int = LIST_DEPTH,
            **options: Any) -> tuple[dict[str, list[dict[str, Any]]], list[float]]:
    """Each JD's suggestion list as plain dicts (what the API returns), and the latency of each."""
    out: dict[str, list[dict[str, Any]]] = {}
    latencies: list[float] = []
    for it in items:
        t = time.perf_counter()
        res = suggester.suggest(it["text"], top_k=top_k, position=it.get("title"),
                                department=it.get("department"), **options)
        latencies.append((time.perf_counter() - t) * 1000)
        out[it["id"]] = [s.model_dump(mode="json") for s in res.suggestions]
    return out, latencies


def evaluate(suggester: Suggester, split: str, *, path: Path = POSITIONS_PATH, **options: Any) -> dict[str, Any]:
    items = load_positions(split, path)
    predictions, latencies = predict(suggester, items, **options)
    result = position_metrics.evaluate_positions(items, predictions)
    latencies.sort()
    result.update(benchmark="positions", split=split, latency_ms_p50=latencies[len(latencies) // 2] if latencies
                  else 0.0, model=suggester.encoder.model_id)
    return result


def confidence_pairs(suggester: Suggester, items: list[dict[str, Any]], *, top_k: int = LIST_DEPTH
                     ) -> tuple[list[list[float]], list[float]]:
    """(features, in-gold) for every competency each JD's list holds: what the confidence curve is fit on."""
    from ..confidence import features

    x: list[list[float]] = []
    y: list[float] = []
    entries = suggester.dictionary.entries
    for it in items:
        gold = {e["id"] for e in it["expected"]}
        scored = suggester.score(it["text"], position=it.get("title"), department=it.get("department"))
        for p in suggester.select(scored, top_k=top_k):
            entry = entries[p.competency]
            x.append(features(p.score, p.support, p.round == 0, entry.type, p.sector_ok))
            y.append(1.0 if entry.id in gold else 0.0)
    return x, y


def fit_confidence(suggester: Suggester, *, split: str = "validation", path: Path = POSITIONS_PATH) -> dict:
    """Fit the confidence curve on the position dev split and save it beside the model registry."""
    import numpy as np

    from ..confidence import FEATURES
    from .calibrate import fit_logistic_features, save_position_calibration

    x, y = confidence_pairs(suggester, load_positions(split, path))
    weights, bias = fit_logistic_features(np.asarray(x), np.asarray(y))
    model = {"features": list(FEATURES), "weights": [round(float(w), 5) for w in weights], "bias": round(bias, 5),
             "fitted_on": f"eval/gold/positions.jsonl {split} split, top-{LIST_DEPTH} per JD",
             "pairs": len(y), "positive_rate": round(float(np.mean(y)), 4),
             "dictionary": suggester.dictionary.fingerprint}
    from ..confidence import calibration_key

    model["adapter"] = getattr(suggester.encoder, "adapter", None) or "none"
    saved = save_position_calibration(calibration_key(suggester.encoder.model_id, model["adapter"]
                                                      if model["adapter"] != "none" else None), model)
    return {**model, "saved": str(saved)}
