"""CI quality gate: RP@5 on our gold must not drop below a floor set just under today's measured value
(README, Quality). Lower a floor only with a measured reason in the commit message."""

import pytest

from suggest.evaluation.suites import evaluate_benchmark

pytestmark = pytest.mark.slow

FLOORS = {  # split: (rp@5 floor, measured when set); default adapter esco-kcm-lora-v2, 2026-11-30
    "validation": (0.77, 0.794),
    "test": (0.71, 0.733),
}


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_gold_rp5_floor(real_suggester, real_settings, split):
    result = evaluate_benchmark(real_settings, "gold", split, "hybrid", suggester=real_suggester)
    floor, measured = FLOORS[split]
    assert result["n"] >= 85
    assert result["rp@5"] >= floor, f"RP@5 {result['rp@5']:.3f} fell below {floor} (was {measured})"


# whole-JD gold (eval/gold/positions.jsonl), README Quality; measured 2026-11-30 with the default adapter
# esco-kcm-lora-v2 and its own confidence curve. precision_at_confidence went from 0.942 (base model) to 0.887
# on test with that switch (ECE improved, 0.065 -> 0.055); its floor moved from 0.90 to 0.86 for that reason.
POSITION_FLOORS = {
    "validation": {"recall@10": (">=", 0.61, 0.631), "precision@5": (">=", 0.73, 0.755),
                   "off_sector@10": ("<=", 0.15, 0.091), "level_within_one": (">=", 0.95, 0.992),
                   "precision_at_confidence": (">=", 0.86, 0.889)},
    "test": {"recall@10": (">=", 0.65, 0.671), "precision@5": (">=", 0.74, 0.764),
             "off_sector@10": ("<=", 0.10, 0.045), "level_within_one": (">=", 0.90, 0.920),
             "precision_at_confidence": (">=", 0.86, 0.887)},
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


ESCO_FLOORS = {  # validation splits only (tuning data); rp@5 floor just under the measured value (adapter v2)
    "tech": (0.70, 0.727),
    "house": (0.65, 0.677),
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
