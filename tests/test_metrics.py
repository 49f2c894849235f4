"""Metrics on hand-computed fixtures, cross-checked against ranx, and never mutating their inputs."""

import copy

import pytest

from suggest.evaluation import metrics as M

QRELS = {"q1": {"a": 1, "b": 1}, "q2": {"c": 1}, "q3": {"x": 1, "y": 1, "z": 1}, "empty": {}}
RUN = {
    "q1": {"a": 0.9, "b": 0.1, "c": 0.8, "d": 0.7},   # ranking a, c, d, b
    "q2": {"a": 0.9, "b": 0.8, "c": 0.7},             # c at rank 3
    "q3": {"p": 0.5, "q": 0.4},                       # nothing relevant retrieved
}


def test_hand_computed_values():
    assert M.per_query(QRELS, RUN, "rp@1") == {"q1": 1.0, "q2": 0.0, "q3": 0.0}
    assert M.per_query(QRELS, RUN, "rp@5") == {"q1": 1.0, "q2": 1.0, "q3": 0.0}
    assert M.per_query(QRELS, RUN, "rp@2") == {"q1": 0.5, "q2": 0.0, "q3": 0.0}
    assert M.per_query(QRELS, RUN, "mrr") == {"q1": 1.0, "q2": pytest.approx(1 / 3), "q3": 0.0}
    assert M.per_query(QRELS, RUN, "p@2") == {"q1": 0.5, "q2": 0.0, "q3": 0.0}
    assert M.per_query(QRELS, RUN, "recall@3") == {"q1": 0.5, "q2": 1.0, "q3": 0.0}
    # AP(q1) = (1/1 + 2/4) / 2 = 0.75
    assert M.per_query(QRELS, RUN, "map")["q1"] == pytest.approx(0.75)
    # nDCG@3(q2) = (1/log2(4)) / 1 = 0.5
    assert M.per_query(QRELS, RUN, "ndcg@3")["q2"] == pytest.approx(0.5)


def test_queries_without_gold_are_skipped_and_counted():
    result = M.evaluate(QRELS, RUN, ["rp@5", "mrr"], ci=False)
    assert result["n"] == 3
    assert result["rp@5"] == pytest.approx(2 / 3)


def test_ties_break_on_item_id():
    assert M.ranked_items({"b": 0.5, "a": 0.5, "c": 0.9}) == ["c", "a", "b"]


def test_bootstrap_is_seeded_and_brackets_the_mean():
    values = [0.0, 1.0, 1.0, 0.5, 0.25, 1.0, 0.0, 0.75]
    lo, hi = M.bootstrap_ci(values, seed=3)
    assert (lo, hi) == M.bootstrap_ci(values, seed=3)
    assert lo <= sum(values) / len(values) <= hi


def test_metrics_do_not_mutate_inputs():
    qrels, run = copy.deepcopy(QRELS), copy.deepcopy(RUN)
    M.evaluate(qrels, run, ["rp@5", "mrr", "ndcg@10", "map", "recall@10", "p@3"])
    assert qrels == QRELS and run == RUN


def test_agrees_with_ranx():
    ranx = pytest.importorskip("ranx")
    qrels = {k: v for k, v in QRELS.items() if v}
    ours = M.evaluate(qrels, RUN, ["ndcg@10", "map", "mrr", "recall@3", "p@2"], ci=False)
    theirs = ranx.evaluate(ranx.Qrels(qrels), ranx.Run(RUN), ["ndcg@10", "map", "mrr", "recall@3", "precision@2"])
    assert ours["ndcg@10"] == pytest.approx(theirs["ndcg@10"])
    assert ours["map"] == pytest.approx(theirs["map"])
    assert ours["mrr"] == pytest.approx(theirs["mrr"])
    assert ours["recall@3"] == pytest.approx(theirs["recall@3"])
    assert ours["p@2"] == pytest.approx(theirs["precision@2"])


def test_logistic_fit_recovers_a_known_curve():
    import numpy as np

    from suggest.evaluation.calibrate import fit_logistic_features

    rng = np.random.default_rng(0)
    x = np.column_stack([rng.uniform(0.2, 0.9, 4000), rng.integers(0, 2, 4000), np.ones(4000)])
    y = (rng.uniform(size=4000) < 1 / (1 + np.exp(-(10 * x[:, 0] + 1.5 * x[:, 1] - 5)))).astype(float)
    w, b = fit_logistic_features(x, y, l2=0.01)
    assert 8 < w[0] < 12 and 1.0 < w[1] < 2.0 and -6 < b < -4
    assert w[2] == 0.0  # a constant feature carries no weight
