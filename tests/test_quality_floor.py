"""CI quality gate: RP@5 on our gold must not drop below a floor set just under today's measured value
(README, Quality). Lower a floor only with a measured reason in the commit message."""

import pytest

from suggest.evaluation.suites import evaluate_benchmark

pytestmark = pytest.mark.slow

FLOORS = {  # split: (rp@5 floor, measured when set)
    "validation": (0.75, 0.777),
    "test": (0.69, 0.714),
}


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_gold_rp5_floor(real_suggester, real_settings, split):
    result = evaluate_benchmark(real_settings, "gold", split, "hybrid", suggester=real_suggester)
    floor, measured = FLOORS[split]
    assert result["n"] >= 85
    assert result["rp@5"] >= floor, f"RP@5 {result['rp@5']:.3f} fell below {floor} (was {measured})"


POSITION_FLOORS = {  # whole-JD gold (eval/gold/positions.jsonl); measured 2026-11-30, README Quality
    "validation": {"recall@10": (">=", 0.60, 0.624), "precision@5": (">=", 0.70, 0.736),
                   "off_sector@10": ("<=", 0.15, 0.091), "level_within_one": (">=", 0.95, 0.980),
                   "precision_at_confidence": (">=", 0.88, 0.931)},
    "test": {"recall@10": (">=", 0.66, 0.684), "precision@5": (">=", 0.72, 0.745),
             "off_sector@10": ("<=", 0.10, 0.045), "level_within_one": (">=", 0.90, 0.934),
             "precision_at_confidence": (">=", 0.90, 0.942)},
}


@pytest.mark.parametrize("split", sorted(POSITION_FLOORS))
def test_whole_jd_floors(real_suggester, split):
    from suggest.evaluation import positions_eval

    result = positions_eval.evaluate(real_suggester, split)
    assert result["n_jd"] == 22
    for name, (op, floor, measured) in POSITION_FLOORS[split].items():
        value = result[name]
        ok = value >= floor if op == ">=" else value <= floor
        assert ok, f"{split} {name} {value:.3f} is past its floor {floor} (was {measured})"


def test_hybrid_beats_its_parts_on_gold_dev(real_suggester, real_settings):
    hybrid = evaluate_benchmark(real_settings, "gold", "validation", "hybrid", suggester=real_suggester)
    lexical = evaluate_benchmark(real_settings, "gold", "validation", "lexical", suggester=real_suggester)
    assert hybrid["mrr"] > lexical["mrr"]


ESCO_FLOORS = {  # validation splits only (tuning data); rp@5 floor just under the measured value
    "tech": (0.68, 0.720),
    "house": (0.46, 0.490),
}


@pytest.fixture(scope="module")
def esco_suggester(real_settings, shared_data):
    """The ESCO skills as a dictionary (13,896 labels + aliases), embedded once (several minutes on 2 cores)."""
    from suggest.evaluation import suites

    settings = real_settings.model_copy(update={"eval_data_dir": shared_data})
    bench = suites.load(settings, "tech", "validation")
    return settings, suites.suggester_for(settings, bench)


@pytest.mark.parametrize("name", sorted(ESCO_FLOORS))
def test_esco_validation_rp5_floor(esco_suggester, name):
    settings, suggester = esco_suggester
    result = evaluate_benchmark(settings, name, "validation", "hybrid", suggester=suggester)
    floor, measured = ESCO_FLOORS[name]
    assert result["rp@5"] >= floor, f"{name} validation RP@5 {result['rp@5']:.3f} fell below {floor} (was {measured})"
