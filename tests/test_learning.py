"""Learning from reviewers: the pure learners, the versioned artefacts, and one learn cycle end to end
against a real store (SQLite and PostgreSQL): decide, learn, the suggestion is stamped, roll back."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from suggest.learning import Decision, LearnParams, capped, learn_priors, memory_delta, select_examples
from suggest.ranker import RankerWatcher, active_ranker, learn_and_save, list_rankers, rollback, save_ranker
from suggest.errors import CDEError
from suggest.store import Store
from suggest.suggester import Suggester


def test_one_reviewer_cannot_steer_alone():
    p = LearnParams(max_per_reviewer=5, max_per_reviewer_competency=2)
    flood = [Decision("C1", False, "mallory") for _ in range(50)]
    kept = capped(flood + [Decision("C2", True, "alice")], p)
    assert sum(d.reviewer == "mallory" for d in kept) == 2 and kept[-1].reviewer == "alice"


def test_priors_are_smoothed_capped_and_need_enough_decisions():
    decisions = [Decision("A", True, f"r{i}") for i in range(20)] + [Decision("B", False, f"r{i}") for i in range(20)]
    decisions.append(Decision("C", False, "r0"))
    priors = learn_priors(decisions, LearnParams(min_decisions=3))
    assert priors["A"] > 0 > priors["B"] and "C" not in priors
    assert all(abs(v) <= LearnParams().max_delta for v in priors.values())


def test_memory_lifts_accepted_and_lowers_rejected_competencies_near_the_activity():
    examples = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    near_first = np.array([[0.96, 0.28]], dtype=np.float32)
    delta = memory_delta(near_first, examples, np.array([0, 1]), np.array([True, False]), 3,
                         LearnParams(memory_threshold=0.5, memory_strength=0.2, max_delta=0.2))
    assert delta[0, 0] > 0.15 and delta[0, 1] == 0.0 and delta[0, 2] == 0.0  # the rejected one is far away
    opposite = memory_delta(np.array([[0.28, 0.96]], dtype=np.float32), examples, np.array([0, 1]),
                            np.array([True, False]), 3, LearnParams(memory_threshold=0.5, memory_strength=0.2))
    assert opposite[0, 1] < 0 and opposite[0, 0] == 0.0


def test_examples_keep_the_newest_decision_per_text_and_competency():
    ex = select_examples([Decision("A", True, "r", "Prepare the budget"), Decision("A", False, "s", "Prepare the budget"),
                          Decision("B", True, "r", "")])
    assert ex == [{"text": "Prepare the budget", "competency_id": "A", "accepted": False}]


def test_versions_rollback_and_a_tampered_file(tmp_path):
    v1 = save_ranker(tmp_path, {"A": 0.05}, {"x": 1}, {})
    v2 = save_ranker(tmp_path, {"A": -0.05}, {"x": 1}, {}, [{"text": "t", "competency_id": "A", "accepted": True}])
    assert (v1.version, v2.version) == ("v1", "v2") and active_ranker(tmp_path).sha256 == v2.sha256
    watcher = RankerWatcher(tmp_path)
    assert watcher.current().version == "v2"
    assert rollback(tmp_path).version == "v1"
    assert watcher.current().version == "v1"  # a running service picks the change up, no restart
    assert [r["active"] for r in list_rankers(tmp_path)] == [True, False]
    assert rollback(tmp_path) is None and watcher.current() is None
    body = json.loads((tmp_path / "v2.json").read_text())
    body["priors"]["A"] = 0.5
    (tmp_path / "v2.json").write_text(json.dumps(body))
    (tmp_path / "active.json").write_text(json.dumps({"active": "v2", "history": ["v2"]}))
    with pytest.raises(CDEError) as bad:
        active_ranker(tmp_path)
    assert bad.value.code == "ranker_corrupt"


JD = "- Prepare the budget estimates for the division.\n- Reply to RTI applications within thirty days.\n"


def test_learn_cycle_end_to_end(db_url, tmp_settings, fake_encoder):
    settings = tmp_settings.model_copy(update={"min_score": 0.0})
    suggester = Suggester.from_settings(settings, encoder=fake_encoder)
    store = Store.open(db_url)
    folder = settings.data_dir / "rankers"
    first = suggester.suggest(JD, top_k=3)
    assert first.ranker is None
    ids = [s.competency_id for s in first.suggestions]
    # three reviewers; one key later revoked, one decision flagged as spam
    for name in ("alice", "bob", "mallory"):
        store.create_key(name, "reviewer")
    for round_ in range(4):
        set_id = store.save_suggestion_set(first.model_dump(mode="json"), text=JD, position="SO", department="D",
                                           created_by="alice", top_k=3, min_score=0.0)
        store.record_decisions(set_id, "alice", [{"competency_id": ids[0], "action": "reject"},
                                                 {"competency_id": ids[1], "action": "accept"}])
        store.record_decisions(set_id, "bob", [{"competency_id": ids[0], "action": "reject"}])
        flagged = store.record_decisions(set_id, "mallory", [{"competency_id": ids[2], "action": "accept"}])
        store.flag_spam("set", flagged[0]["id"], actor="admin", reason="test")
    store.revoke_key("bob")
    decisions, left_out = store.learning_decisions()
    assert left_out == {"spam": 4, "revoked_key": 4, "superseded": 0}
    assert {d.reviewer for d in decisions} == {"alice"} and all(d.text for d in decisions)
    result = learn_and_save(decisions, left_out, folder)
    assert result["saved"] == "v1" and result["examples"] == 2
    stamped = suggester.suggest(JD, top_k=3)
    assert stamped.ranker is not None and stamped.ranker.version == "v1"
    assert stamped.ranker.sha256 == active_ranker(folder).sha256
    score = {s.competency_id: s.score for s in stamped.suggestions}
    before = {s.competency_id: s.score for s in first.suggestions}
    assert score.get(ids[1], 1.0) >= before[ids[1]]  # accepted: lifted (or unchanged when capped by ties)
    assert score.get(ids[0], -1.0) < before[ids[0]]  # rejected: lowered
    rollback(folder)
    assert suggester.suggest(JD, top_k=3).ranker is None
    assert store.verify_chain()["ok"]
    store.close()


def test_learning_can_be_switched_off(tmp_settings, fake_encoder):
    save_ranker(tmp_settings.data_dir / "rankers", {"X": 0.1}, {}, {})
    on = Suggester.from_settings(tmp_settings, encoder=fake_encoder)
    off = Suggester.from_settings(tmp_settings.model_copy(update={"learned_ranking": False}), encoder=fake_encoder)
    assert on.suggest(JD).ranker is not None and off.suggest(JD).ranker is None
    assert os.path.isdir(tmp_settings.data_dir / "rankers")
