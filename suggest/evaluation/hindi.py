"""`cde-suggest eval --benchmark hindi`: the Hindi gold against the English gold it was translated from.

Two parts, both through the same `Suggester.suggest` the API calls:
- activity lines (eval/gold/hindi_activities.jsonl): RP@5 etc. on the Hindi lines, and on the English
  source lines of the same ids, so the gap is measured on the same duties;
- whole JDs (eval/gold/hindi_positions.jsonl): recall@10 etc. on the Hindi or mixed text, and on its
  English counterpart (`en_text`: the same duty lines in English, the same expected ids).

`fit` makes the multilingual score map (suggest/multilingual.py) from the dev lines only; the test split
is never seen by it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..suggester import Suggester
from . import position_metrics, runner
from .benchmarks import Query
from .positions_eval import predict

GOLD_DIR = Path(__file__).resolve().parents[2] / "eval" / "gold"
LINES_PATH = GOLD_DIR / "hindi_activities.jsonl"
JDS_PATH = GOLD_DIR / "hindi_positions.jsonl"
ENGLISH_PATH = GOLD_DIR / "activities.jsonl"
SPLITS = {"validation": "dev", "dev": "dev", "test": "test", "all": None}
HEADLINE = ("rp@1", "rp@5", "rp@10", "mrr", "recall@10")


def _read(path: Path, split: str) -> list[dict[str, Any]]:
    if split not in SPLITS:
        raise InputError(f"split must be one of {', '.join(SPLITS)}", code="invalid_input")
    if not path.is_file():
        raise InputError(f"Hindi gold not found: {path}", code="file_not_found")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if SPLITS[split] is None or r["split"] == SPLITS[split]]


def paired_lines(split: str) -> tuple[list[Query], list[Query], list[Query]]:
    """(all Hindi lines, the translated Hindi lines, their English sources), the last two in one order."""
    hindi = _read(LINES_PATH, split)
    english = {r["id"]: r for r in _read(ENGLISH_PATH, "all")}
    every = [Query(r["id"], r["text"], tuple(r["gold"])) for r in hindi]
    pairs = [r for r in hindi if r.get("source")]
    same = [Query(r["id"], r["text"], tuple(r["gold"])) for r in pairs]
    # the English query keeps the Hindi id so both runs are scored on identical qrels
    source = [Query(r["id"], english[r["source"]]["text"], tuple(english[r["source"]]["gold"])) for r in pairs]
    return every, same, source


def _lines(suggester: Suggester, queries: list[Query]) -> dict[str, Any]:
    result = runner.score(runner.suggest_queries(suggester, queries))
    return {k: result[k] for k in result if k.split("_")[0] in HEADLINE or k == "latency_ms_p50"} | {"n": len(queries)}


def _jds(suggester: Suggester, items: list[dict[str, Any]], english: bool) -> dict[str, Any]:
    if english:
        items = [{**it, "text": it["en_text"], "title": it.get("en_title"), "department": it.get("en_department")}
                 for it in items]
    predictions, _ = predict(suggester, items)
    result = position_metrics.evaluate_positions(items, predictions)
    keep = ("recall@10", "precision@5", "mrr")
    return {k: v for k, v in result.items() if k.split("_")[0] in keep} | {"n": len(items)}


def evaluate(suggester: Suggester, split: str) -> dict[str, Any]:
    every, same, source = paired_lines(split)
    jds = _read(JDS_PATH, split)
    out: dict[str, Any] = {"benchmark": "hindi", "split": split,
                           "lines_hindi_all": _lines(suggester, every),
                           "lines_hindi_translated": _lines(suggester, same),
                           "lines_english_same": _lines(suggester, source),
                           "jd_hindi": _jds(suggester, jds, english=False),
                           "jd_english_same": _jds(suggester, jds, english=True)}
    ml = suggester.multilingual
    out["rp@5_gap_points"] = round(100 * (out["lines_english_same"]["rp@5"] - out["lines_hindi_translated"]["rp@5"]), 1)
    out["jd_recall@10_gap_points"] = round(100 * (out["jd_english_same"]["recall@10"] - out["jd_hindi"]["recall@10"]), 1)
    out["multilingual_model"] = ml.encoder.model_id
    out["multilingual_load_s"] = None if ml.load_seconds is None else round(ml.load_seconds, 2)
    return out


def fit(suggester: Suggester) -> dict[str, Any]:
    """Fit the multilingual score maps on the dev lines: the multilingual path on each Hindi line against the
    English path on its English source line. Saved beside the confidence curve."""
    from ..multilingual import fit_score_map, save_score_maps

    _, same, source = paired_lines("validation")
    ml = suggester.multilingual
    hindi_texts, english_texts = [q.text for q in same], [q.text for q in source]
    vectors = ml.encode(hindi_texts)
    w = suggester.settings.multilingual_lexical_weight
    maps = {"fused": fit_score_map(ml.raw_scores(hindi_texts, vectors, w),
                                   suggester.score_texts(english_texts)),
            "dense": fit_score_map(ml.raw_scores(hindi_texts, vectors, 0.0),
                                   suggester.score_texts(english_texts, lexical_weight=0.0))}
    fitted_on = f"eval/gold/hindi_activities.jsonl dev split ({len(same)} translated lines vs their English sources)"
    save_score_maps(ml.encoder.model_id, maps, fitted_on)
    ml._maps = maps  # this process uses the new maps at once
    return {"fitted_on": fitted_on, "saved": "models/calibration.json", "knots": len(maps["fused"].x),
            "fused_range": [round(float(np.min(maps["fused"].x)), 3), round(float(np.max(maps["fused"].x)), 3)]}
