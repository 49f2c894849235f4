"""Whole-JD measures: how good is the list of suggestions for a position as a whole, not one activity.

Pure functions over plain data. A gold item, one per JD:

    {"id": "JD01", "sectors": ["Health and Family Welfare"],
     "expected": [{"id": "FUN-067", "level": 3, "ask": ["skill", "knowledge"],
                   "evidence": ["compile the revised estimates"]}, ...]}

`ask` lists the gold tags most important first; `evidence` holds substrings of the JD that justify the
competency. Predictions map a JD id to its suggestions, best first:

    {"id", "confidence", "level", "ask", "type", "sector", "evidence"}

The API's own names (competency_id, suggested_level, ask_tags, competencyAreaName, competencyThemeName,
evidence as [{"text": ...}]) are read too, so a SuggestionSet's model_dump() can be scored as it is.
A suggestion is "matched" (and "correct" for calibration) when its id is among the JD's expected ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from . import metrics

Suggestion = Mapping[str, Any]


def _hits(pred_ids: Sequence[str], gold_ids: Iterable[str], k: int) -> int:
    if k <= 0:
        raise ValueError("k must be positive")
    return len(set(gold_ids).intersection(pred_ids[:k]))


def recall_at_k(pred_ids: Sequence[str], gold_ids: Iterable[str], k: int) -> float:
    """Share of the gold competencies found in the top k. 0.0 when there is no gold."""
    gold = set(gold_ids)
    return _hits(pred_ids, gold, k) / len(gold) if gold else 0.0


def precision_at_k(pred_ids: Sequence[str], gold_ids: Iterable[str], k: int) -> float:
    """Gold hits in the top k divided by k, even when fewer than k were returned: a system that returns
    two suggestions for a JD that needs ten is penalised for the eight it did not offer."""
    return _hits(pred_ids, gold_ids, k) / k


def precision_at_k_returned(pred_ids: Sequence[str], gold_ids: Iterable[str], k: int) -> float:
    """Gold hits in the top k divided by the number actually shown, min(k, returned): how often a
    reviewer who reads the list finds a right one. 0.0 for an empty list."""
    shown = min(k, len(pred_ids))
    return _hits(pred_ids, gold_ids, k) / shown if shown else 0.0


def mrr(pred_ids: Sequence[str], gold_ids: Iterable[str]) -> float:
    """Reciprocal rank of the first gold competency (the mean over JDs is the MRR)."""
    return metrics.reciprocal_rank(set(gold_ids), list(pred_ids))


def _field(s: Suggestion, *names: str, default: Any = None) -> Any:
    for name in names:
        if name in s and s[name] is not None:
            return s[name]
    return default


def _id(s: Suggestion) -> str:
    return str(_field(s, "id", "competency_id"))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def off_sector_count(pred: Sequence[Suggestion], jd_sectors: Iterable[str], k: int = 10) -> int:
    """Domain suggestions in the top k whose sector is not one of the JD's. A JD with no sector makes every
    Domain suggestion off-sector, since nothing in it asked for sector knowledge."""
    sectors = {_norm(s) for s in jd_sectors}
    return sum(1 for s in pred[:k]
               if _norm(str(_field(s, "type", "competencyAreaName", default=""))) == "domain"
               and _norm(str(_field(s, "sector", "theme", "competencyThemeName", default=""))) not in sectors)


def level_accuracy(pairs: Iterable[tuple[int, int]]) -> dict[str, float]:
    """Exact and within-one agreement over (predicted, gold) levels of competencies found in both."""
    diffs = [abs(int(p) - int(g)) for p, g in pairs]
    if not diffs:
        return {"exact": 0.0, "within_one": 0.0, "n": 0}
    return {"exact": sum(d == 0 for d in diffs) / len(diffs),
            "within_one": sum(d <= 1 for d in diffs) / len(diffs), "n": len(diffs)}


def reliability_bins(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> list[dict[str, Any]]:
    """Equal-width confidence bins over [0, 1], each with its mean confidence, accuracy and count, for a
    reliability plot. Empty bins keep their place with None, so the x axis stays fixed. A confidence of
    exactly 1.0 falls in the top bin."""
    if len(confidences) != len(correct):
        raise ValueError("confidences and correct differ in length")
    conf = np.asarray(confidences, dtype=float)
    if conf.size and (conf.min() < 0 or conf.max() > 1):
        raise ValueError("confidences must lie in [0, 1]")
    ok = np.asarray(correct, dtype=float)
    which = np.minimum((conf * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        n = int(mask.sum())
        out.append({"lower": b / bins, "upper": (b + 1) / bins, "count": n,
                    "confidence": float(conf[mask].mean()) if n else None,
                    "accuracy": float(ok[mask].mean()) if n else None})
    return out


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> float:
    """Sum over bins of |accuracy - mean confidence|, weighted by the share of predictions in the bin."""
    total = len(confidences)
    if not total:
        return 0.0
    return float(sum(b["count"] / total * abs(b["accuracy"] - b["confidence"])
                     for b in reliability_bins(confidences, correct, bins) if b["count"]))


def precision_at_confidence(confidences: Sequence[float], correct: Sequence[bool], threshold: float = 0.7) -> float:
    """Share correct among suggestions at or above the threshold: what a reviewer gets if they accept
    those without reading. 0.0 when none reaches it."""
    chosen = [bool(ok) for c, ok in zip(confidences, correct, strict=True) if c >= threshold]
    return sum(chosen) / len(chosen) if chosen else 0.0


def _evidence_texts(evidence: Any) -> list[str]:
    if evidence is None:
        return []
    if isinstance(evidence, str):
        return [evidence]
    return [e["text"] if isinstance(e, Mapping) else str(e) for e in evidence]


def _overlaps(cited: Any, gold: Iterable[str]) -> bool:
    golds = [g for g in (_norm(x) for x in gold) if g]
    for c in (_norm(x) for x in _evidence_texts(cited)):
        # an empty citation is a substring of everything, so it must not count
        if c and any(c in g or g in c for g in golds):
            return True
    return False


def evidence_accuracy(pairs: Iterable[tuple[Any, Sequence[str]]]) -> float:
    """Over (cited evidence, gold evidence strings) of matched suggestions: the share whose citation and a
    gold string contain one another, after whitespace and case are normalised. A citation may be a
    string, a list of strings or a list of {"text": ...}. Pairs without gold evidence are not scored."""
    scored = [_overlaps(cited, gold) for cited, gold in pairs if any(_norm(g) for g in gold)]
    return sum(scored) / len(scored) if scored else 0.0


def ask_agreement(pairs: Iterable[tuple[Iterable[str], Sequence[str]]]) -> float:
    """Over (predicted ASK tags, gold tags, most important first) of matched suggestions: the share whose
    predicted tags include the gold's primary tag. Pairs without gold tags are not scored."""
    scored = [_norm(gold[0]) in {_norm(t) for t in pred} for pred, gold in pairs if gold]
    return sum(scored) / len(scored) if scored else 0.0


def ask_jaccard(pairs: Iterable[tuple[Iterable[str], Sequence[str]]]) -> float:
    """Mean Jaccard overlap of predicted and gold ASK tag sets (pairs without gold tags not scored)."""
    scores = []
    for pred, gold in pairs:
        p, g = {_norm(t) for t in pred}, {_norm(t) for t in gold}
        if g:
            scores.append(len(p & g) / len(p | g))
    return sum(scores) / len(scores) if scores else 0.0


def bootstrap_ci(per_item_values: Sequence[float], seed: int = 0, n: int = 1000) -> tuple[float, float]:
    """95% percentile bootstrap interval of the mean, resampling JDs (metrics.bootstrap_ci)."""
    return metrics.bootstrap_ci(list(per_item_values), n_resamples=n, seed=seed)


def _summary(values: list[float], seed: int, n: int) -> tuple[float, list[float], int]:
    return (float(np.mean(values)) if values else 0.0, list(bootstrap_ci(values, seed=seed, n=n)), len(values))


def evaluate_positions(gold_items: Sequence[Mapping[str, Any]], predictions: Mapping[str, Sequence[Suggestion]],
                       *, ks: Sequence[int] = (5, 10), threshold: float = 0.7, bins: int = 10,
                       seed: int = 0, n_resamples: int = 1000) -> dict[str, Any]:
    """All of the above for a gold file. Ranking measures, off-sector counts, level, evidence and ASK
    agreement are per-JD values averaged over JDs, each with a 95% bootstrap interval over JDs
    (`<name>_ci`) and the number of JDs it was scored on (`<name>_n`); a JD without a matched suggestion
    has no level, evidence or ASK value. Calibration pools every returned suggestion, and its interval
    resamples JDs too. JDs with no expected competency are skipped; a JD missing from `predictions` counts
    as an empty list."""
    per: dict[str, list[float]] = {}
    jd_conf: list[list[float]] = []
    jd_ok: list[list[bool]] = []

    def add(name: str, value: float) -> None:
        per.setdefault(name, []).append(float(value))

    for item in gold_items:
        expected = {str(e["id"]): e for e in item.get("expected", [])}
        if not expected:
            continue
        pred = list(predictions.get(str(item["id"]), []))
        ids = [_id(s) for s in pred]
        for k in ks:
            add(f"recall@{k}", recall_at_k(ids, expected, k))
            add(f"precision@{k}", precision_at_k(ids, expected, k))
            add(f"precision@{k}_returned", precision_at_k_returned(ids, expected, k))
        add("mrr", mrr(ids, expected))
        add("off_sector@10", off_sector_count(pred, item.get("sectors", []), 10))
        matched = [(s, expected[i]) for s, i in zip(pred, ids) if i in expected]
        levels = [(int(_field(s, "level", "suggested_level")), int(g["level"])) for s, g in matched
                  if _field(s, "level", "suggested_level") is not None and g.get("level") is not None]
        if levels:
            acc = level_accuracy(levels)
            add("level_exact", acc["exact"])
            add("level_within_one", acc["within_one"])
        ev = [(_field(s, "evidence"), g.get("evidence") or []) for s, g in matched]
        if any(any(_norm(x) for x in gold) for _, gold in ev):
            add("evidence_accuracy", evidence_accuracy(ev))
        asks = [(_field(s, "ask_tags", "ask", default=[]), g.get("ask") or []) for s, g in matched]
        if any(gold for _, gold in asks):
            add("ask_primary", ask_agreement(asks))
            add("ask_jaccard", ask_jaccard(asks))
        jd_conf.append([float(_field(s, "confidence", default=0.0)) for s in pred])
        jd_ok.append([i in expected for i in ids])

    result: dict[str, Any] = {"n_jd": len(jd_conf)}
    for name, values in per.items():
        result[name], result[f"{name}_ci"], result[f"{name}_n"] = _summary(values, seed, n_resamples)

    conf = [c for cs in jd_conf for c in cs]
    ok = [o for os_ in jd_ok for o in os_]

    def pooled_ece(jd_index: np.ndarray) -> float:
        picked = [int(j) for j in jd_index]
        return expected_calibration_error([c for j in picked for c in jd_conf[j]],
                                          [o for j in picked for o in jd_ok[j]], bins)

    result["ece"] = expected_calibration_error(conf, ok, bins)
    result["ece_ci"] = list(metrics.bootstrap_ci(np.arange(len(jd_conf)), n_resamples=n_resamples, seed=seed,
                                                 stat=pooled_ece))
    result["reliability"] = reliability_bins(conf, ok, bins)
    result["precision_at_confidence"] = precision_at_confidence(conf, ok, threshold)
    result["confidence_threshold"] = threshold
    result["n_confident"] = sum(c >= threshold for c in conf)
    result["n_suggestions"] = len(conf)
    return result
