"""Whole-JD measures on hand-computed toy data."""

import copy

import pytest

from suggest.evaluation import metrics
from suggest.evaluation import position_metrics as P

PRED = ["a", "b", "c", "d"]
GOLD = {"b", "d", "e"}


def test_ranking_measures():
    assert P.recall_at_k(PRED, GOLD, 2) == pytest.approx(1 / 3)
    assert P.recall_at_k(PRED, GOLD, 4) == pytest.approx(2 / 3)
    assert P.precision_at_k(PRED, GOLD, 2) == 0.5
    assert P.precision_at_k(PRED, GOLD, 10) == 0.2          # divided by k, though only 4 came back
    assert P.precision_at_k_returned(PRED, GOLD, 10) == 0.5  # divided by the 4 shown
    assert P.precision_at_k_returned(PRED, GOLD, 2) == 0.5
    assert P.mrr(PRED, GOLD) == 0.5


def test_ranking_edge_cases():
    assert P.recall_at_k([], GOLD, 5) == 0.0
    assert P.precision_at_k([], GOLD, 5) == 0.0
    assert P.precision_at_k_returned([], GOLD, 5) == 0.0
    assert P.mrr([], GOLD) == 0.0
    assert P.recall_at_k(PRED, set(), 5) == 0.0
    # all right
    assert P.recall_at_k(["a", "b"], {"a", "b"}, 5) == 1.0
    assert P.precision_at_k(["a", "b"], {"a", "b"}, 5) == 0.4
    assert P.precision_at_k_returned(["a", "b"], {"a", "b"}, 5) == 1.0
    assert P.mrr(["a", "b"], {"a", "b"}) == 1.0
    with pytest.raises(ValueError):
        P.precision_at_k(PRED, GOLD, 0)


def test_off_sector_count():
    pred = [{"id": "D1", "type": "Domain", "sector": "Health and Family Welfare"},
            {"id": "D2", "type": "Domain", "sector": "Agriculture and Farmers Welfare"},
            {"id": "F1", "type": "Functional", "sector": "Office Management"},
            {"competency_id": "D3", "competencyAreaName": "Domain",
             "competencyThemeName": " health and  family welfare"}]
    assert P.off_sector_count(pred, ["Health and Family Welfare"]) == 1
    assert P.off_sector_count(pred, ["Health and Family Welfare"], k=1) == 0
    assert P.off_sector_count(pred, []) == 3
    assert P.off_sector_count([], ["Health and Family Welfare"]) == 0


def test_level_accuracy():
    acc = P.level_accuracy([(3, 3), (2, 3), (5, 3), (1, 1)])
    assert acc == {"exact": 0.5, "within_one": 0.75, "n": 4}
    assert P.level_accuracy([]) == {"exact": 0.0, "within_one": 0.0, "n": 0}


def test_ece_perfectly_calibrated_is_zero():
    conf = [0.8] * 5 + [0.2] * 5 + [1.0] * 2
    ok = [1, 1, 1, 1, 0] + [1, 0, 0, 0, 0] + [1, 1]
    assert P.expected_calibration_error(conf, ok) == pytest.approx(0.0, abs=1e-12)
    assert P.expected_calibration_error([], []) == 0.0


def test_ece_of_a_miscalibrated_toy_set():
    # four at 0.9 with half right (gap 0.4), two at 0.3 with half right (gap 0.2):
    # ECE = 4/6 * 0.4 + 2/6 * 0.2 = 1/3
    conf = [0.9] * 4 + [0.3] * 2
    ok = [1, 1, 0, 0, 1, 0]
    assert P.expected_calibration_error(conf, ok) == pytest.approx(1 / 3)
    # one bin holding 0.72 and 0.78 (mean 0.75), one right: gap 0.25
    assert P.expected_calibration_error([0.72, 0.78], [True, False]) == pytest.approx(0.25)
    # with two bins both still fall in [0.5, 1)
    assert P.expected_calibration_error([0.72, 0.78], [True, False], bins=2) == pytest.approx(0.25)


def test_reliability_bins():
    bins = P.reliability_bins([0.9, 0.9, 0.3, 1.0, 0.0], [1, 0, 1, 1, 0], bins=10)
    assert len(bins) == 10
    assert bins[9] == {"lower": 0.9, "upper": 1.0, "count": 3, "confidence": pytest.approx(14 / 15),
                       "accuracy": pytest.approx(2 / 3)}
    assert bins[3]["count"] == 1 and bins[3]["accuracy"] == 1.0
    assert bins[0]["count"] == 1 and bins[0]["accuracy"] == 0.0
    assert bins[5] == {"lower": 0.5, "upper": 0.6, "count": 0, "confidence": None, "accuracy": None}
    with pytest.raises(ValueError):
        P.reliability_bins([1.2], [1])
    with pytest.raises(ValueError):
        P.reliability_bins([0.5, 0.6], [1])


def test_precision_at_confidence():
    assert P.precision_at_confidence([0.9, 0.7, 0.69, 0.2], [1, 0, 1, 1]) == 0.5
    assert P.precision_at_confidence([0.9, 0.7, 0.69, 0.2], [1, 0, 1, 1], threshold=0.95) == 0.0
    assert P.precision_at_confidence([], []) == 0.0


def test_evidence_accuracy():
    pairs = [
        ("Compile the  Revised\nEstimates for the year", ["compile the revised estimates"]),  # gold inside
        ("estimates", ["compile the revised estimates"]),                                     # citation inside
        ("Scrutinise expenditure", ["compile"]),                                             # no overlap
        ([{"text": "x y"}, {"text": "Reconcile PFMS"}], ["reconcile pfms releases"]),         # second citation
        ("", ["a"]),                                                                          # empty never counts
        ("anything", []),                                                                     # not scored
    ]
    assert P.evidence_accuracy(pairs) == pytest.approx(3 / 5)
    assert P.evidence_accuracy([]) == 0.0


def test_ask_agreement_and_jaccard():
    pairs = [(["skill", "knowledge"], ["skill"]), (["attitude"], ["knowledge", "skill"]),
             (["knowledge"], ["knowledge", "skill"]), ([], [])]
    assert P.ask_agreement(pairs) == pytest.approx(2 / 3)
    assert P.ask_jaccard(pairs) == pytest.approx((0.5 + 0 + 0.5) / 3)
    assert P.ask_agreement([]) == 0.0 and P.ask_jaccard([]) == 0.0


def test_bootstrap_reuses_the_shared_one():
    values = [0.0, 1.0, 0.5, 0.25, 1.0]
    assert P.bootstrap_ci(values, seed=4, n=200) == metrics.bootstrap_ci(values, seed=4, n_resamples=200)
    assert P.bootstrap_ci([0.5, 0.5, 0.5]) == (0.5, 0.5)
    assert P.bootstrap_ci([]) == (0.0, 0.0)


GOLD_ITEMS = [
    {"id": "JD1", "sectors": ["Health and Family Welfare"], "expected": [
        {"id": "FUN-067", "level": 3, "ask": ["skill", "knowledge"], "evidence": ["revised estimates"]},
        {"id": "DOM-001", "level": 2, "ask": ["knowledge"], "evidence": ["immunisation coverage"]}]},
    {"id": "JD2", "expected": [{"id": "BEH-001", "level": 2, "ask": ["attitude"], "evidence": []}]},
    {"id": "JD3", "expected": []},
    {"id": "JD4", "expected": [{"id": "FUN-067", "level": 3}]},
]
PREDICTIONS = {
    "JD1": [
        {"id": "FUN-067", "confidence": 0.9, "level": 3, "ask": ["skill"], "type": "Functional",
         "sector": "Budgeting", "evidence": "Compile the Revised Estimates"},
        {"id": "DOM-009", "confidence": 0.8, "level": 2, "ask": ["knowledge"], "type": "Domain",
         "sector": "Agriculture and Farmers Welfare", "evidence": "crop insurance"},
        {"id": "DOM-001", "confidence": 0.6, "level": 4, "ask": ["skill"], "type": "Domain",
         "sector": "Health and Family Welfare", "evidence": "Review immunisation coverage monthly"}],
    "JD2": [  # the API's field names
        {"competency_id": "FUN-100", "confidence": 0.7, "suggested_level": 2, "ask_tags": ["skill"],
         "competencyAreaName": "Functional", "competencyThemeName": "Office Management",
         "evidence": [{"text": "noting"}]},
        {"competency_id": "BEH-001", "confidence": 0.3, "suggested_level": 2, "ask_tags": ["attitude", "skill"],
         "competencyAreaName": "Behavioural", "competencyThemeName": "Self", "evidence": [{"text": "x"}]}],
    "JD9": [{"id": "FUN-001", "confidence": 0.99}],  # not in gold: ignored
}


def test_evaluate_positions_hand_computed():
    gold, preds = copy.deepcopy(GOLD_ITEMS), copy.deepcopy(PREDICTIONS)
    r = P.evaluate_positions(gold, preds, ks=(5,), n_resamples=200)
    assert (gold, preds) == (GOLD_ITEMS, PREDICTIONS)
    assert r["n_jd"] == 3                                      # JD3 has no gold; JD4 has no predictions
    assert r["recall@5"] == pytest.approx((1 + 1 + 0) / 3)
    assert r["precision@5"] == pytest.approx((0.4 + 0.2 + 0) / 3)
    assert r["precision@5_returned"] == pytest.approx((2 / 3 + 1 / 2 + 0) / 3)
    assert r["mrr"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert r["off_sector@10"] == pytest.approx(1 / 3)
    assert (r["level_exact"], r["level_within_one"], r["level_exact_n"]) == (0.75, 0.75, 2)
    assert (r["evidence_accuracy"], r["evidence_accuracy_n"]) == (1.0, 1)
    assert r["ask_primary"] == pytest.approx((0.5 + 1) / 2)
    assert r["ask_jaccard"] == pytest.approx((0.25 + 0.5) / 2)
    # pooled: (0.9, right) (0.8, wrong) (0.6, right) (0.7, wrong) (0.3, right), each alone in its bin
    assert r["ece"] == pytest.approx((0.1 + 0.8 + 0.4 + 0.7 + 0.7) / 5)
    assert r["precision_at_confidence"] == pytest.approx(1 / 3)
    assert (r["n_confident"], r["n_suggestions"]) == (3, 5)
    assert len(r["reliability"]) == 10
    for name in ("recall@5", "mrr", "level_exact", "ece"):
        lo, hi = r[f"{name}_ci"]
        assert lo <= hi and isinstance(lo, float)
    assert r["recall@5_ci"][0] <= r["recall@5"] <= r["recall@5_ci"][1]


def test_evaluate_positions_empty():
    r = P.evaluate_positions([], {})
    assert r["n_jd"] == 0 and r["ece"] == 0.0 and r["ece_ci"] == [0.0, 0.0]
    r = P.evaluate_positions([{"id": "J", "expected": [{"id": "A", "level": 2}]}], {})
    assert (r["recall@10"], r["precision@10_returned"], r["mrr"], r["n_suggestions"]) == (0.0, 0.0, 0.0, 0)
    assert "level_exact" not in r
