"""Contract tests for the decision store, run against SQLite and PostgreSQL.

PostgreSQL: CDE_TEST_POSTGRES_URL (default: local trust-auth server, database "test"). Each test gets
a fresh schema via the connection's search_path, dropped afterwards. An unreachable server skips
the PostgreSQL leg, unless CDE_REQUIRE_POSTGRES=1 (CI), where it fails instead.
"""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from suggest.errors import Conflict, InputError, NotFound
from suggest.store import DecisionStore, Store, make_engine, migrate
from suggest.store.db import current_revision, head_revision
from suggest.store.models import Base

PG_URL = os.environ.get("CDE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TABLES = ("suggestion_sets", "review_log", "proposals", "api_keys", "audit_events")


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    if request.param == "sqlite":
        # a folder that does not exist yet: make_engine must create it
        yield f"sqlite:///{tmp_path}/data/cde.db"
        return
    admin = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with admin.connect():
            pass
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL not reachable at {PG_URL} (set CDE_TEST_POSTGRES_URL): {exc.orig}"
        if os.environ.get("CDE_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    schema = f"cde_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    st = Store.open(db_url)
    try:
        yield st
    finally:
        st.close()


def make_payload(ids: tuple[str, ...] = ("C1", "C2", "C3")) -> dict[str, Any]:
    return {
        "dictionary": {"name": "tiny", "version": "2025.1", "fingerprint": "ab" * 16},
        "model": {"id": "fake-model"},
        "activities": [
            {"index": 0, "text": "Draft policy notes for the ministry", "start": 0, "end": 35, "section": None},
            {"index": 1, "text": "Coordinate with district officials", "start": 36, "end": 70, "section": None},
        ],
        "suggestions": [
            {"competency_id": cid, "name": f"Competency {cid}", "suggested_level": 2,
             "score": round(0.9 - i * 0.1, 2), "ask_tags": ["skill"]}
            for i, cid in enumerate(ids)
        ],
        "unmatched": [],
    }


def save(st: Store, *, position: str | None = "Under Secretary", ids: tuple[str, ...] = ("C1", "C2", "C3")) -> str:
    return st.save_suggestion_set(make_payload(ids), text="Draft policy notes. Coordinate.", position=position,
                                  department="DoPT", created_by="alice", top_k=15, min_score=0.42)


def raw(st: Store, sql: str) -> list[tuple[Any, ...]]:
    with st.engine.begin() as conn:
        result = conn.exec_driver_sql(sql)
        return [tuple(r) for r in result] if result.returns_rows else []


def count(st: Store, table: str) -> int:
    return int(raw(st, f"SELECT COUNT(*) FROM {table}")[0][0])


def kinds(st: Store) -> list[str]:
    events, _ = st.list_events(limit=st.limits.max_page_size)
    return [e["kind"] for e in reversed(events)]


# -- suggestion sets -----------------------------------------------------------------------------


def test_store_satisfies_protocol(store: Store) -> None:
    assert isinstance(store, DecisionStore)
    store.ping()


def test_save_get_list_set(store: Store) -> None:
    set_id = save(store)
    got = store.get_suggestion_set(set_id)
    assert got["id"] == set_id and got["position"] == "Under Secretary" and got["department"] == "DoPT"
    assert got["text"] == "Draft policy notes. Coordinate." and got["created_by"] == "alice"
    assert got["created_at"].endswith("Z")
    assert got["dictionary"]["fingerprint"] == "ab" * 16 and got["model"]["id"] == "fake-model"
    assert [s["competency_id"] for s in got["suggestions"]] == ["C1", "C2", "C3"]
    assert all(s["review"] is None for s in got["suggestions"])

    other = save(store, position="Section Officer")
    items, total = store.list_suggestion_sets()
    assert total == 2 and {i["id"] for i in items} == {set_id, other}
    items, total = store.list_suggestion_sets(position="Section Officer")
    assert total == 1 and items[0] == {**items[0], "id": other, "n_suggestions": 3, "n_reviewed": 0,
                                       "status": "open"}
    items, total = store.list_suggestion_sets(limit=1, offset=1)
    assert total == 2 and len(items) == 1


def test_get_missing_set_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.get_suggestion_set("nope")


def test_saved_payload_is_a_copy(store: Store) -> None:
    payload = {**make_payload(), "id": "spoofed"}
    set_id = store.save_suggestion_set(payload, text="t", position=None, department=None, created_by="a",
                                       top_k=5, min_score=0.5)
    payload["suggestions"].clear()
    got = store.get_suggestion_set(set_id)
    assert len(got["suggestions"]) == 3
    assert got["id"] == set_id  # a payload key cannot shadow a stored column


def test_list_status_filter_keeps_total(store: Store) -> None:
    open_id, partial_id, done_id = save(store), save(store), save(store, ids=("C1",))
    store.record_decisions(partial_id, "bob", [{"competency_id": "C1", "action": "accept"}])
    store.record_decisions(done_id, "bob", [{"competency_id": "C1", "action": "reject"}])
    for status, expected in (("open", open_id), ("in_review", partial_id), ("reviewed", done_id)):
        items, total = store.list_suggestion_sets(status=status)
        assert total == 1 and [i["id"] for i in items] == [expected]
        assert items[0]["status"] == status
    with pytest.raises(InputError):
        store.list_suggestion_sets(status="bogus")
    with pytest.raises(InputError):
        store.list_suggestion_sets(limit=10_000)


# -- decisions -----------------------------------------------------------------------------------


def test_decisions_supersede_and_keep_history(store: Store) -> None:
    set_id = save(store)
    first = store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "accept"}])
    second = store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "modify", "level": 4,
                                                     "comment": "needs depth"}])
    assert first[0]["supersedes_id"] is None
    assert second[0]["supersedes_id"] == first[0]["id"]
    assert second[0]["at"].endswith("Z")
    history = store.decision_history(set_id, "C1")
    assert [h["id"] for h in history] == [first[0]["id"], second[0]["id"]]  # both rows kept, oldest first
    review = store.get_suggestion_set(set_id)["suggestions"][0]["review"]
    assert review["action"] == "modify" and review["level"] == 4 and review["reviewer"] == "bob"

    # another reviewer's later decision becomes current but supersedes nothing of theirs
    third = store.record_decisions(set_id, "carol", [{"competency_id": "C1", "action": "reject",
                                                      "reason_code": "not_relevant"}])
    assert third[0]["supersedes_id"] is None
    assert store.get_suggestion_set(set_id)["suggestions"][0]["review"]["action"] == "reject"
    assert len(store.decision_history(set_id)) == 3


def test_idempotent_replay_writes_nothing(store: Store) -> None:
    set_id = save(store)
    body = [{"competency_id": "C1", "action": "accept"}, {"competency_id": "C2", "action": "reject"}]
    first = store.record_decisions(set_id, "bob", body, idempotency_key="k-1")
    before = {t: count(store, t) for t in TABLES}
    again = store.record_decisions(set_id, "bob", [dict(d) for d in body], idempotency_key="k-1")
    assert again == first
    assert {t: count(store, t) for t in TABLES} == before
    # the key is scoped to the reviewer: another reviewer may use the same key
    store.record_decisions(set_id, "carol", body, idempotency_key="k-1")
    assert count(store, "review_log") == 4


def test_reused_idempotency_key_with_other_body_conflicts(store: Store) -> None:
    set_id = save(store)
    store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "accept"}], idempotency_key="k-2")
    with pytest.raises(Conflict) as err:
        store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "reject"}], idempotency_key="k-2")
    assert err.value.code == "idempotency_key_reused"
    assert count(store, "review_log") == 1


@pytest.mark.parametrize(("decision", "code"), [
    ({"competency_id": "C9", "action": "accept"}, "unknown_competency"),
    ({"competency_id": "C1", "action": "modify"}, "modify_needs_change"),
    ({"competency_id": "C1", "action": "approve"}, "invalid_action"),
    ({"competency_id": "C1", "action": "modify", "level": 6}, "invalid_level"),
    ({"competency_id": "C1", "action": "accept", "reviewer": "mallory"}, "invalid_decision"),
])
def test_bad_decisions_are_refused_and_write_nothing(store: Store, decision: dict[str, Any], code: str) -> None:
    set_id = save(store)
    events = count(store, "audit_events")
    good = {"competency_id": "C2", "action": "accept"}
    with pytest.raises(InputError) as err:
        store.record_decisions(set_id, "bob", [good, decision])
    assert err.value.code == code
    assert count(store, "review_log") == 0 and count(store, "audit_events") == events


def test_decisions_on_missing_set(store: Store) -> None:
    with pytest.raises(NotFound):
        store.record_decisions("missing", "bob", [{"competency_id": "C1", "action": "accept"}])


# -- proposals -----------------------------------------------------------------------------------


def test_proposal_lifecycle(store: Store) -> None:
    set_id = save(store)
    created = store.create_proposal(set_id, activity_index=1, name="Inter-district coordination",
                                    type="Functional", ask={"skill": ["runs joint reviews"]}, level=3,
                                    rationale="not in the dictionary", proposed_by="bob")
    assert created["status"] == "proposed" and created["ask"] == {"attitude": [], "skill": ["runs joint reviews"],
                                                                  "knowledge": []}
    assert store.get_proposal(created["id"]) == created
    items, total = store.list_proposals(status="proposed")
    assert total == 1 and items[0]["id"] == created["id"]

    done = store.update_proposal(created["id"], status="approved", actor="admin", comment="ok")
    assert done["status"] == "approved" and done["decided_by"] == "admin" and done["decided_at"].endswith("Z")
    assert store.list_proposals(status="proposed")[1] == 0
    with pytest.raises(Conflict):
        store.update_proposal(created["id"], status="rejected", actor="admin")
    with pytest.raises(InputError) as err:
        store.create_proposal(set_id, activity_index=7, name="x", type="Domain", ask=None, level=None,
                              rationale=None, proposed_by="bob")
    assert err.value.code == "unknown_activity"
    with pytest.raises(NotFound):
        store.get_proposal("missing")


# -- position mapping ----------------------------------------------------------------------------


def test_position_mapping(store: Store) -> None:
    set_id = save(store, position="Deputy Secretary")
    store.record_decisions(set_id, "bob", [
        {"competency_id": "C1", "action": "accept"},
        {"competency_id": "C2", "action": "modify", "level": 5},
        {"competency_id": "C3", "action": "reject"},
    ])
    mapping = store.position_mapping("Deputy Secretary")
    by_id = {m["competency_id"]: m for m in mapping}
    assert set(by_id) == {"C1", "C2"}
    assert by_id["C1"]["required_level"] == 2  # the suggested level, as accepted
    assert by_id["C2"]["required_level"] == 5  # the reviewer's level
    assert by_id["C2"]["review"]["action"] == "modify" and by_id["C2"]["set_id"] == set_id

    # a newer set for the same position: its decisions win, one entry per competency
    newer = save(store, position="Deputy Secretary", ids=("C1", "C3"))
    store.record_decisions(newer, "carol", [{"competency_id": "C1", "action": "reject"},
                                            {"competency_id": "C3", "action": "accept"}])
    assert {m["competency_id"]: m["set_id"] for m in store.position_mapping("Deputy Secretary")} == {
        "C2": set_id, "C3": newer}
    assert store.position_mapping("Nobody") == []


# -- API keys ------------------------------------------------------------------------------------


def test_keys_hashed_at_rest(store: Store) -> None:
    plaintext, info = store.create_key("alice-laptop", "reviewer")
    assert plaintext.startswith("cde_") and info["prefix"] == plaintext[4:12]
    assert "key_hash" not in info and plaintext not in str(info)
    secret_part = plaintext[12:]
    for table in TABLES:
        dump = str(raw(store, f"SELECT * FROM {table}"))
        assert secret_part not in dump, f"key material stored in {table}"
    assert raw(store, "SELECT key_hash FROM api_keys")[0][0] == hashlib.sha256(plaintext.encode()).hexdigest()
    assert all("key_hash" not in k for k in store.list_keys())


def test_verify_and_revoke_keys(store: Store) -> None:
    plaintext, _ = store.create_key("bob", "admin")
    assert (store.verify_key(plaintext) or {}).get("role") == "admin"
    assert store.verify_key(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert store.verify_key("not-a-key") is None
    with pytest.raises(Conflict) as err:
        store.create_key("bob", "viewer")
    assert err.value.code == "key_name_taken"

    revoked = store.revoke_key("bob")
    assert revoked["active"] is False and revoked["revoked_at"].endswith("Z")
    assert store.verify_key(plaintext) is None
    with pytest.raises(NotFound):
        store.revoke_key("bob")
    # the name is free again once its key is revoked; the old key stays dead
    new_plain, _ = store.create_key("bob", "viewer")
    assert (store.verify_key(new_plain) or {}).get("role") == "viewer" and store.verify_key(plaintext) is None
    assert [k["active"] for k in store.list_keys()] == [False, True]
    with pytest.raises(InputError):
        store.create_key("eve", "root")


# -- audit trail ---------------------------------------------------------------------------------


def test_every_write_is_audited(store: Store) -> None:
    set_id = save(store)
    store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "accept"},
                                           {"competency_id": "C2", "action": "reject"}])
    prop = store.create_proposal(set_id, activity_index=0, name="Drafting", type="Functional", ask=None,
                                 level=None, rationale=None, proposed_by="bob")
    store.update_proposal(prop["id"], status="rejected", actor="admin")
    store.create_key("k", "viewer", actor="admin")
    store.revoke_key("k", actor="admin")
    store.record_event("admin", "dictionary.load", "tiny@2025.1", {"entries": 12})
    assert kinds(store) == ["suggestion_set.create", "decision", "decision", "proposal.create", "proposal.update",
                            "key.create", "key.revoke", "dictionary.load"]
    events, total = store.list_events(kind="decision")
    assert total == 2 and {e["subject"] for e in events} == {f"{set_id}/C1", f"{set_id}/C2"}
    create = store.list_events(kind="suggestion_set.create")[0][0]
    assert create["payload"] == {"id": set_id, "position": "Under Secretary", "fingerprint": "ab" * 16}
    key_event = store.list_events(kind="key.create")[0][0]
    assert {k: key_event["payload"][k] for k in ("name", "role")} == {"name": "k", "role": "viewer"}
    result = store.verify_chain()
    assert (result["ok"], result["checked"], result["first_broken_id"], result["problems"]) == (True, 8, None, [])
    assert result["message"].startswith("audit chain intact (8 events")


@pytest.mark.parametrize("table", ["audit_events", "review_log"])
@pytest.mark.parametrize("verb", ["update", "delete"])
def test_append_only_tables_refuse_changes(store: Store, table: str, verb: str) -> None:
    set_id = save(store)
    store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "accept"}])
    column = "actor" if table == "audit_events" else "reviewer"
    sql = f"UPDATE {table} SET {column} = 'mallory'" if verb == "update" else f"DELETE FROM {table}"
    with pytest.raises(DBAPIError, match="append-only"):
        raw(store, sql)
    assert count(store, table) >= 1


# SQLite has no TRUNCATE (its DELETE is covered above), so this one runs on PostgreSQL only
@pytest.mark.parametrize("db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_postgres_refuses_truncate(store: Store) -> None:
    save(store)
    for table in ("audit_events", "review_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            raw(store, f"TRUNCATE {table} CASCADE")
    assert count(store, "audit_events") == 1


def _set_update_trigger(st: Store, enabled: bool) -> None:
    if st.engine.dialect.name == "postgresql":
        raw(st, f"ALTER TABLE audit_events {'ENABLE' if enabled else 'DISABLE'} TRIGGER audit_events_append_only")
    elif enabled:
        raw(st, "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
                "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END")
    else:
        raw(st, "DROP TRIGGER audit_events_no_update")


def test_verify_chain_finds_tampering(store: Store) -> None:
    for i in range(4):
        store.record_event("admin", "dictionary.load", f"d{i}", {"n": i})
    assert store.verify_chain()["ok"] is True
    target = store.list_events(limit=4)[0][2]["id"]  # newest first: the second event
    _set_update_trigger(store, False)
    raw(store, f"UPDATE audit_events SET payload = '{{\"n\":99}}' WHERE id = {target}")
    _set_update_trigger(store, True)
    result = store.verify_chain()
    assert result["ok"] is False and result["first_broken_id"] == target
    assert str(target) in result["message"]


def test_concurrent_appends_do_not_fork_the_chain(store: Store) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(10):
                store.record_event(f"w{n}", "dictionary.load", f"{n}-{i}", {"i": i})
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = store.verify_chain()
    assert (result["ok"], result["checked"], result["first_broken_id"], result["problems"]) == (True, 40, None, [])


# -- engine and migrations -----------------------------------------------------------------------


def test_sqlite_pragmas(tmp_path: Any) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/nested/dir/cde.db")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert (tmp_path / "nested" / "dir" / "cde.db").exists()
    finally:
        engine.dispose()


def test_migrations_twice_are_a_no_op(store: Store, db_url: str) -> None:
    save(store)
    before = sorted(inspect(store.engine).get_table_names())
    migrate(store.engine)
    again = Store.open(db_url)  # a second process starting up
    try:
        assert sorted(inspect(again.engine).get_table_names()) == before
        assert current_revision(again.engine) == head_revision() == "0005"
        assert count(again, "suggestion_sets") == 1 and count(again, "audit_events") == 1
    finally:
        again.close()


def test_migration_matches_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(DBAPIError):
        raw(store, "INSERT INTO proposals (id, set_id, activity_index, name, type, ask, status, proposed_by, "
                   "created_at) VALUES ('p', 'no-such-set', 0, 'n', 'Domain', '{}', 'proposed', 'x', "
                   "'2025-01-01 00:00:00')")


def test_text_with_nul_is_refused_on_every_backend(store: Store) -> None:
    with pytest.raises(InputError):
        store.save_suggestion_set(make_payload(), text="bad\x00text", position=None, department=None,
                                  created_by="a", top_k=5, min_score=0.5)
    set_id = save(store)
    with pytest.raises(InputError):
        store.record_decisions(set_id, "bob", [{"competency_id": "C1", "action": "accept", "comment": "a\x00"}])
