import numpy as np
import pytest

from suggest import rank
from suggest.dictionary import load_dictionary
from suggest.index import build_or_load
from suggest.suggester import Suggester

from .conftest import DATA


def test_pool_max_takes_the_best_row_per_owner_and_fills_the_rest():
    ids = np.array([[0, 1, 2]])
    scores = np.array([[0.9, 0.5, 0.7]])
    owner = np.array([0, 0, 1, 2])
    out = rank.pool_max(ids, scores, owner, 3, fill=np.array([0.1]))
    assert np.allclose(out, [[0.9, 0.7, 0.1]])


def test_normalise_rows_keeps_zero_rows():
    out = rank.normalise_rows(np.array([[2.0, 1.0], [0.0, 0.0]]))
    assert out.tolist() == [[1.0, 0.5], [0.0, 0.0]]


def test_fuse_is_a_weighted_sum():
    d, lx = np.array([[0.8, 0.2]]), np.array([[0.0, 1.0]])
    assert np.allclose(rank.fuse(d, lx, 0.25), [[0.6, 0.4]])
    assert rank.fuse(d, None, 0.25) is d


def test_aggregate_thresholds_caps_and_orders_deterministically():
    scores = np.array([[0.9, 0.5, 0.7, 0.7],
                       [0.2, 0.6, 0.8, 0.1]])
    ranked = rank.aggregate(scores, min_score=0.55, top_k=3)
    assert [r.competency for r in ranked] == [0, 2, 3]  # best per column: 0.9, 0.8, 0.7; 0.6 loses to top_k
    assert [r.competency for r in rank.aggregate(scores, min_score=0.75, top_k=9)] == [0, 2]
    assert ranked[1].evidence == ((1, pytest.approx(0.8)), (0, pytest.approx(0.7)))
    tie = rank.aggregate(np.array([[0.5, 0.5]]), min_score=0.0, top_k=2)
    assert [r.competency for r in tie] == [0, 1]


def test_unmatched_lists_weak_activities():
    assert rank.unmatched(np.array([[0.2, 0.3], [0.9, 0.1]]), 0.5) == [0]
    assert rank.unmatched(np.zeros((0, 2)), 0.5) == []


def test_level_follows_descriptors_and_wording():
    sims = np.array([0.1, 0.1, 0.1, 0.5, 0.1])
    assert rank.suggest_level(sims, rank.level_prior("Prepare the statement.")) == 4
    assert rank.suggest_level(np.zeros(5), rank.level_prior("Assist the section in data entry")) in (1, 2)
    assert rank.suggest_level(np.zeros(5), rank.level_prior("Formulate national policy and lead the team")) in (4, 5)


@pytest.fixture
def fake_suggester(tmp_settings, fake_encoder):
    d = load_dictionary(DATA / "tiny_dictionary.yaml")
    index = build_or_load(d, fake_encoder, tmp_settings.resolved_cache_dir)
    tmp_settings.min_score = 0.2
    tmp_settings.unmatched_score = 0.2
    return Suggester(tmp_settings, d, fake_encoder, index)


def test_fake_encoder_ranking_end_to_end(fake_suggester):
    text = "Duties:\n- Prepare the budget estimates of the division.\n- Reply to RTI applications on time.\n"
    res = fake_suggester.suggest(text)
    by_activity = {}
    for s in res.suggestions:
        for ev in s.evidence:
            by_activity.setdefault(ev.activity, []).append((ev.score, s.competency_id))
    assert max(by_activity[0])[1] == "FUN-001"
    assert max(by_activity[1])[1] == "FUN-002"
    ids = {e.id for e in fake_suggester.dictionary.entries}
    assert {s.competency_id for s in res.suggestions} <= ids  # never an invented id
    assert res.dictionary.fingerprint == fake_suggester.dictionary.fingerprint
    assert res.model.id == "fake-bow"


def test_same_input_same_output(fake_suggester):
    text = "- Mentor newly joined assistants and guide junior staff on noting files."
    assert fake_suggester.suggest(text).model_dump() == fake_suggester.suggest(text).model_dump()


def test_unrelated_activity_is_unmatched(fake_suggester):
    res = fake_suggester.suggest("- Zebra xylophone quantum marmalade voyage.")
    assert res.unmatched == [0]


def test_index_is_reused_from_cache(tmp_settings, fake_encoder):
    d = load_dictionary(DATA / "tiny_dictionary.yaml")
    first = build_or_load(d, fake_encoder, tmp_settings.resolved_cache_dir)
    second = build_or_load(d, fake_encoder, tmp_settings.resolved_cache_dir)
    assert first.built and not second.built and first.key == second.key
    assert np.allclose(first.vectors, second.vectors)
    assert {r.kind for r in first.rows} == {"name", "attitude", "skill", "knowledge", "example", "alias"}


def test_damaged_cache_is_rebuilt(tmp_settings, fake_encoder):
    d = load_dictionary(DATA / "tiny_dictionary.yaml")
    first = build_or_load(d, fake_encoder, tmp_settings.resolved_cache_dir)
    (tmp_settings.resolved_cache_dir / "index" / first.key / "facets.faiss").write_bytes(b"garbage")
    again = build_or_load(d, fake_encoder, tmp_settings.resolved_cache_dir)
    assert again.built


def test_aliases_can_stay_out_of_the_dense_index(tmp_settings, fake_encoder):
    from suggest.index import FacetConfig

    d = load_dictionary(DATA / "tiny_dictionary.yaml")
    full = build_or_load(d, fake_encoder, tmp_settings.resolved_cache_dir)
    lean = build_or_load(d, fake_encoder, tmp_settings.resolved_cache_dir, config=FacetConfig(dense_aliases=False))
    n_alias = sum(r.kind == "alias" for r in full.rows)
    assert lean.key != full.key and len(lean.rows) == len(full.rows)
    assert lean.index.ntotal == full.index.ntotal - n_alias
    _, ids = lean.search(fake_encoder.encode(["budgeting"]), lean.index.ntotal)
    assert all(lean.rows[i].kind != "alias" for i in ids[0])
