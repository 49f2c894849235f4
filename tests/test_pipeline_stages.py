"""The suggester's two public stages, score and rank, as roles, positions and evaluation use them;
and the store's limits, which come from Settings alone."""

from __future__ import annotations

import pytest

from suggest.errors import InputError
from suggest.evaluation import runner
from suggest.evaluation.benchmarks import Query
from suggest.index import FacetConfig, cache_key
from suggest.settings import Settings
from suggest.store import Store
from suggest.store.limits import Limits
from suggest.suggester import Suggester

JD = ("- Prepare the budget estimates for the division.\n"
      "- Reply to RTI applications within thirty days.\n"
      "- Mentor newly joined assistants on noting and drafting.\n")


@pytest.fixture
def suggester(tmp_settings, fake_encoder):
    return Suggester.from_settings(tmp_settings.model_copy(update={"min_score": 0.0}), encoder=fake_encoder)


def test_suggest_is_score_then_rank(suggester):
    whole = suggester.suggest(JD, top_k=5)
    scored = suggester.score(JD)
    assert [s.model_dump() for s in suggester.rank(scored, top_k=5)] == [s.model_dump() for s in whole.suggestions]
    assert whole.model.id == "fake-bow" and whole.model.revision == "test-only"


def test_rank_of_a_subset_cites_only_that_subset_with_global_offsets(suggester):
    scored = suggester.score(JD)
    assert len(scored.activities) == 3
    for s in suggester.rank(scored, activities=[2], top_k=5):
        assert {e.activity for e in s.evidence} <= {2}
        for e in s.evidence:
            assert JD[e.start:e.end] == e.text == scored.activities[2].text
    assert suggester.rank(scored, activities=[], top_k=5) == []


def test_ranking_parameters_are_checked_once_for_every_caller(suggester):
    scored = suggester.score(JD)
    for bad in ({"top_k": 0}, {"top_k": suggester.settings.max_top_k + 1}, {"min_score": 1.5}):
        with pytest.raises(InputError):
            suggester.rank(scored, **bad)
        with pytest.raises(InputError):
            suggester.suggest(JD, **bad)
    with pytest.raises(InputError, match="empty"):
        suggester.score("   ")


def test_evaluation_methods_never_change_the_shared_settings(suggester):
    queries = [Query(id="q1", text="prepare the budget estimates", gold=("X",))]
    before = suggester.settings.model_dump()
    lexical = runner.rank_queries(suggester, queries, "lexical").run["q1"]
    dense = runner.rank_queries(suggester, queries, "dense").run["q1"]
    assert suggester.settings.model_dump() == before
    assert lexical != dense  # the weight did reach the scoring


def test_index_cache_key_names_the_model_revision(suggester):
    d = suggester.dictionary
    assert cache_key(d, "m", "rev-a") != cache_key(d, "m", "rev-b")
    s = suggester.settings
    config = FacetConfig(theme=s.facet_theme, description=s.facet_description, dense_aliases=s.dense_aliases)
    assert suggester.index.key == cache_key(d, "fake-bow", "test-only", config)


def test_store_limits_come_from_settings(tmp_path):
    limits = Limits.from_settings(Settings(max_page_size=3, max_decisions=2, max_text_chars=100,
                                           max_name_chars=20, max_id_chars=10, max_comment_chars=100))
    store = Store.open(f"sqlite:///{tmp_path / 'cde.db'}", limits=limits)
    payload = {"dictionary": {"name": "d", "version": "1", "fingerprint": "f"}, "model": {"id": "m"},
               "suggestions": [{"competency_id": c} for c in ("A", "B", "C")]}
    with pytest.raises(InputError) as too_long:
        store.save_suggestion_set(payload, text="x" * 101, position=None, department=None, created_by="me",
                                  top_k=5, min_score=0.5)
    assert too_long.value.code == "invalid_field"
    set_id = store.save_suggestion_set(payload, text="x" * 100, position=None, department=None,
                                       created_by="me", top_k=5, min_score=0.5)
    with pytest.raises(InputError) as page:
        store.list_suggestion_sets(limit=4)
    assert page.value.code == "page_out_of_range"
    assert store.list_suggestion_sets(limit=3)[1] == 1
    three = [{"competency_id": c, "action": "accept"} for c in ("A", "B", "C")]
    with pytest.raises(InputError) as many:
        store.record_decisions(set_id, "me", three)
    assert many.value.code == "too_many_decisions"
    with pytest.raises(InputError):
        store.record_decisions(set_id, "me", [{"competency_id": "A" * 11, "action": "accept"}])
    with pytest.raises(InputError):
        store.record_decisions(set_id, "r" * 21, three[:1])
    assert len(store.record_decisions(set_id, "me", three[:2])) == 2
    store.close()


HEADED = ("Designation: Under Secretary (Budget)\nPay Level: Level 11 in the Pay Matrix\n"
          "Department: Department of Expenditure\n\n" + JD)


def test_header_lines_become_the_positions_context_not_activities(suggester):
    res = suggester.suggest(HEADED, top_k=5)
    assert [a.text for a in res.activities] == [a.text for a in suggester.suggest(JD, top_k=5).activities]
    assert res.context.designation == "Under Secretary (Budget)"
    assert res.context.department.startswith("Department of Expenditure")
    assert res.context.seniority == "senior"
    typed = suggester.suggest(JD, top_k=5, position="Section Officer", department="Cash Section")
    assert typed.context.designation == "Section Officer" and typed.context.seniority == "middle"


def test_one_list_by_confidence_with_levels_explained(suggester):
    res = suggester.suggest(HEADED, top_k=5)
    confidences = [s.confidence for s in res.suggestions]
    assert confidences == sorted(confidences, reverse=True)
    for s in res.suggestions:
        assert s.level_descriptor == suggester.dictionary.get(s.competency_id).levels.get(s.suggested_level)
        assert s.explanation and "senior-level post" in s.explanation[-1]
        assert s.low_confidence == (s.confidence < suggester.settings.low_confidence)


def test_abstain_hides_low_confidence_when_asked(suggester):
    strict = suggester.settings.model_copy(update={"low_confidence": 0.99})
    shown = Suggester.from_settings(strict, encoder=suggester.encoder).suggest(HEADED, top_k=5).suggestions
    hidden = Suggester.from_settings(strict.model_copy(update={"abstain": "hide"}),
                                     encoder=suggester.encoder).suggest(HEADED, top_k=5).suggestions
    assert shown and all(s.low_confidence for s in shown)  # marked, still listed
    assert hidden == []
