"""The one review log (issue 12): decisions on suggestion sets and positions in one table, on SQLite and
PostgreSQL: the upgrade from 0003 keeps both kinds (and their audit trail), "add" and "withdraw", and a position
built from a set inherits the set's decisions."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, insert, inspect

from suggest.errors import Conflict, InputError
from suggest.store import Store, make_engine, migrate
from suggest.store.audit import append_event, canonical_json
from suggest.store.db import current_revision, head_revision
from suggest.store.models import iso, utcnow

from .test_store import save

KEY = b"test-audit-key-0123456789abcdef0123456789abcdef"


def _old_row(s: Any, table: str, kind: str, owner: str, values: dict[str, Any]) -> int:
    """Write one decision as the code before 0004 did: the row in its old table and its event, one transaction."""
    t = Table(table, MetaData(), autoload_with=s.connection())
    values = {"level": None, "ask_tag": None, "reason_code": None, "comment": None, "supersedes_id": None,
              "idempotency_key": None, **values, "at": utcnow()}
    row_id = s.execute(insert(t).values(**values).returning(t.c.id)).scalar_one()
    columns = {c.name: values.get(c.name) for c in t.columns} | {"id": row_id}
    digest = hashlib.sha256(canonical_json({k: iso(v) if isinstance(v, datetime) else v
                                            for k, v in columns.items()}).encode()).hexdigest()
    event = {k: v for k, v in columns.items() if k not in ("at", "request_hash")}
    append_event(s, values["reviewer"], kind, f"{values[owner]}/{values['competency_id']}",
                 {**event, "row_hash": digest})
    return row_id


def _database_at_0003(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    migrate(engine, "0003")
    old = Store(engine, audit_key=KEY)
    set_id = save(old)
    with old._write() as s:
        positions = Table("positions", MetaData(), autoload_with=s.connection())
        s.execute(insert(positions).values(
            id="p" * 32, title="SO", department="DoPT", ministry=None, text="t", created_by="alice",
            created_at=utcnow(), dictionary_name="tiny", dictionary_version="1", dictionary_fingerprint="ab" * 16,
            model_id="m", revision=1,
            payload={"roles": [{"name": "Budget", "activities": [], "competencies": [
                {"competency_id": "C1", "suggested_level": 2}, {"competency_id": "C2", "suggested_level": 3}]}]}))
        append_event(s, "alice", "position.create", "p" * 32, {"id": "p" * 32})
    with old._write() as s:
        first = _old_row(s, "decisions", "decision", "set_id",
                         {"set_id": set_id, "competency_id": "C1", "action": "accept", "reviewer": "bob",
                          "idempotency_key": "k-1"})
        s.execute(insert(Table("idempotency", MetaData(), autoload_with=s.connection())).values(
            key="k-1", reviewer="bob", set_id=set_id, created_at=utcnow(), response=[],
            request_hash=hashlib.sha256(canonical_json({"set_id": set_id, "decisions": [
                {"competency_id": "C1", "action": "accept", "level": None, "ask_tag": None, "reason_code": None,
                 "comment": None}]}).encode()).hexdigest()))
        _old_row(s, "decisions", "decision", "set_id",
                 {"set_id": set_id, "competency_id": "C1", "action": "modify", "level": 4, "reviewer": "bob",
                  "supersedes_id": first})
        p1 = _old_row(s, "position_decisions", "position.decision", "position_id",
                      {"position_id": "p" * 32, "competency_id": "C2", "action": "reject", "reviewer": "carol",
                       "reason_code": "not_relevant", "request_hash": None})
        _old_row(s, "position_decisions", "position.decision", "position_id",
                 {"position_id": "p" * 32, "competency_id": "C2", "action": "accept", "reviewer": "carol",
                  "supersedes_id": p1, "request_hash": None})
    engine.dispose()
    return {"set_id": set_id, "position_id": "p" * 32}


def test_upgrade_from_0003_keeps_decisions_of_both_kinds(db_url: str) -> None:
    ids = _database_at_0003(db_url)
    store = Store.open(db_url, audit_key=KEY)
    try:
        assert current_revision(store.engine) == head_revision()  # 0004 and every later one
        tables = set(inspect(store.engine).get_table_names())
        assert "review_log" in tables and not tables & {"decisions", "position_decisions", "idempotency"}

        history = store.decision_history(ids["set_id"])
        assert [(h["competency_id"], h["action"], h["level"]) for h in history] == [("C1", "accept", None),
                                                                                 ("C1", "modify", 4)]
        assert history[1]["supersedes_id"] == history[0]["id"]
        assert store.get_suggestion_set(ids["set_id"])["suggestions"][0]["review"]["level"] == 4

        moved = store.positions.decision_history(ids["position_id"])
        assert [(h["competency_id"], h["action"], h["reviewer"]) for h in moved] == [("C2", "reject", "carol"),
                                                                                  ("C2", "accept", "carol")]
        assert moved[1]["supersedes_id"] == moved[0]["id"] and moved[0]["id"] > history[-1]["id"]
        roles = store.positions.get(ids["position_id"])["roles"]
        assert roles[0]["competencies"][1]["review"]["action"] == "accept"

        # the old events still vouch for the moved rows, and the feed still finds them
        assert store.verify_chain()["ok"], store.verify_chain()["message"]
        feed, _ = store.feed(after=0, limit=50)
        assert sum(1 for e in feed if e["decision"] or e["position_decision"]) == 4

        # a repeat of a request sent before the upgrade is still answered without a write
        again = store.record_decisions(ids["set_id"], "bob", [{"competency_id": "C1", "action": "accept"}],
                                       idempotency_key="k-1")
        assert [d["id"] for d in again] == [history[0]["id"]] and len(store.decision_history(ids["set_id"])) == 2

        # new decisions go on from there, and the chain still verifies
        new = store.positions.record_decisions(ids["position_id"], "carol", [{"competency_id": "C2",
                                                                               "action": "withdraw"}])
        assert new[0]["supersedes_id"] == moved[1]["id"]
        assert store.positions.get(ids["position_id"])["roles"][0]["competencies"][1]["review"]["action"] == "reject"
        assert store.verify_chain()["ok"]
    finally:
        store.close()


def test_a_moved_row_changed_later_is_detected(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'cde.db'}"
    _database_at_0003(url)
    store = Store.open(url, audit_key=KEY)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER review_log_no_update")
        conn.exec_driver_sql("UPDATE review_log SET level = 2 WHERE legacy_id = 2 AND set_id IS NOT NULL")
    result = store.verify_chain()
    assert not result["ok"] and "(decisions row 2) differs" in result["message"]


# -- add and withdraw ------------------------------------------------------------------------------


@pytest.fixture
def store(db_url: str):
    st = Store.open(db_url)
    yield st
    st.close()


DICTIONARY_IDS = {"C1", "C2", "C3", "C7", "C8"}


def test_add_names_a_dictionary_competency_and_an_activity(store: Store) -> None:
    set_id = save(store)
    added = store.record_decisions(set_id, "bob", [{"competency_id": "C7", "action": "add", "activity_index": 1,
                                                     "comment": "missed the coordination duty"}],
                                   dictionary_ids=DICTIONARY_IDS)
    assert added[0]["action"] == "add" and added[0]["activity_index"] == 1 and added[0]["reviewer"] == "bob"
    # the added competency can be decided on like a suggested one
    store.record_decisions(set_id, "bob", [{"competency_id": "C7", "action": "modify", "level": 3}])
    current = {d["competency_id"]: d for d in store.current_decisions(set_id)}
    assert current["C7"]["action"] == "modify"
    assert [h["action"] for h in store.decision_history(set_id, "C7")] == ["add", "modify"]
    for decision, code in (({"competency_id": "C9", "action": "add", "activity_index": 0}, "unknown_competency"),
                           ({"competency_id": "C8", "action": "add", "activity_index": 5}, "unknown_activity"),
                           ({"competency_id": "C8", "action": "add"}, "unknown_activity"),
                           ({"competency_id": "C8", "action": "add", "role_id": 0}, "unknown_activity"),
                           ({"competency_id": "C8", "action": "accept", "activity_index": 0}, "placement_needs_add")):
        with pytest.raises(InputError) as err:
            store.record_decisions(set_id, "bob", [decision], dictionary_ids=DICTIONARY_IDS)
        assert err.value.code == code, decision
    assert verify_ok(store)


def verify_ok(store: Store) -> bool:
    result = store.verify_chain()
    assert result["ok"], result["message"]
    return True


def test_withdraw_undoes_back_to_not_reviewed(store: Store) -> None:
    set_id = save(store)
    store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "accept"}])
    store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "modify", "level": 5}])
    store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "withdraw"}])
    review = store.get_suggestion_set(set_id)["suggestions"][0]["review"]
    assert review["action"] == "accept"  # one step back
    store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "withdraw"}])
    assert store.get_suggestion_set(set_id)["suggestions"][0]["review"] is None
    assert [h["action"] for h in store.decision_history(set_id, "C1")] == ["accept", "modify", "withdraw", "withdraw"]
    with pytest.raises(Conflict) as err:
        store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "withdraw"}])
    assert err.value.code == "nothing_to_withdraw"
    # another reviewer's decision is not theirs to withdraw
    store.record_decisions(set_id, "carol", [{"competency_id": "C2", "action": "reject"}])
    with pytest.raises(Conflict):
        store.record_decisions(set_id, "bob", [{"competency_id": "C2", "action": "withdraw"}])
    assert verify_ok(store)


def test_a_position_built_from_a_set_inherits_its_decisions(store: Store) -> None:
    set_id = save(store)
    store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "modify", "level": 4},
                                           {"competency_id": "C2", "action": "reject"}])
    roles = {"roles": [{"name": "Policy", "activities": [], "competencies": [
        {"competency_id": c, "suggested_level": 2} for c in ("C1", "C2", "C3")]}]}
    pid = store.positions.create(roles, title="US", department="DoPT", ministry=None, text="t", created_by="alice",
                                 dictionary={"fingerprint": "ab" * 16}, model_id="m", source_set_id=set_id)
    comps = {c["competency_id"]: c for c in store.positions.get(pid)["roles"][0]["competencies"]}
    assert comps["C1"]["review"]["inherited_from"] == set_id and comps["C1"]["required_level"] == 4
    assert comps["C2"]["review"]["action"] == "reject" and comps["C3"]["review"] is None
    # a decision on the position itself wins over the inherited one
    store.positions.record_decisions(pid, "carol", [{"competency_id": "C2", "action": "accept"}])
    comps = {c["competency_id"]: c for c in store.positions.get(pid)["roles"][0]["competencies"]}
    assert comps["C2"]["review"]["action"] == "accept" and comps["C2"]["review"]["inherited_from"] is None
    current = {d["competency_id"]: d["inherited_from"] for d in store.positions.current_decisions(pid)}
    assert current == {"C1": set_id, "C2": None}
    assert [h["competency_id"] for h in store.positions.decision_history(pid)] == ["C2"]
    # an add on a position names one of its roles
    store.positions.record_decisions(pid, "carol", [{"competency_id": "C8", "action": "add", "role_id": 0}],
                                     dictionary_ids=DICTIONARY_IDS)
    with pytest.raises(InputError) as err:
        store.positions.record_decisions(pid, "carol", [{"competency_id": "C7", "action": "add", "role_id": 3}],
                                         dictionary_ids=DICTIONARY_IDS)
    assert err.value.code == "unknown_role"
    assert verify_ok(store)


def test_adds_and_withdrawals_in_learning_data_and_online_quality(store: Store) -> None:
    from suggest.evaluation.online import decision_quality

    set_id = save(store)
    store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "accept"},
                                           {"competency_id": "C2", "action": "reject"},
                                           {"competency_id": "C7", "action": "add", "activity_index": 1}],
                           dictionary_ids=DICTIONARY_IDS)
    store.record_decisions(set_id, "bob", [{"competency_id": "C2", "action": "withdraw"}])
    learned, left_out = store.learning_decisions()
    by_id = {d.competency_id: d for d in learned}
    assert set(by_id) == {"C1", "C7"}  # the withdrawn rejection teaches nothing
    assert by_id["C7"].accepted and by_id["C7"].text == "Coordinate with district officials"
    assert left_out["superseded"] == 2  # the rejection and its withdrawal
    q = decision_quality(store)
    assert q["n_decisions"] == 1 and q["acceptance_rate"] == 1.0  # an add is not a suggestion
    assert q["n_added"] == 1 and q["added_share"] == 0.5
