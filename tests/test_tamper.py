"""Issue 13, item 5: someone with write access to the database tampers; each attempt must be refused by the
database (blocked) or named by `verify` (detected). Runs on SQLite and PostgreSQL; `TAMPERINGS` is the list
counted in the README."""

from __future__ import annotations

import json
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from suggest.store import Store
from suggest.store.audit import event_hash
from suggest.store.models import utcnow


def seeded(url: str) -> Store:
    store = Store.open(url)
    store.create_key("viewer-1", "viewer", actor="admin")
    store.create_key("gone", "reviewer", actor="admin")
    store.revoke_key("gone", actor="admin")
    payload = {"dictionary": {"name": "tiny", "version": "1", "fingerprint": "ab" * 16}, "model": {"id": "m"},
               "suggestions": [{"competency_id": f"C{i}"} for i in range(3)]}
    set_id = store.save_suggestion_set(payload, text="Prepare the budget.", position="SO", department=None,
                                       created_by="alice", top_k=5, min_score=0.1)
    store.record_decisions(set_id, "bob", [{"competency_id": f"C{i}", "action": "accept", "level": 2}
                                           for i in range(3)])
    for i in range(60):
        store.record_event("system", "dictionary.load", f"d{i}", {"n": i})
    assert store.verify_chain()["ok"]
    return store


def sql(store: Store, *statements: str) -> None:
    with store.engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def without_triggers(store: Store, table: str, *statements: str) -> None:
    """What an owner of the database can do: switch the append-only triggers off, change, switch back."""
    if store.engine.dialect.name == "postgresql":
        sql(store, f"ALTER TABLE {table} DISABLE TRIGGER USER", *statements, f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return
    with store.engine.begin() as conn:
        triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                                {"t": table}).all()
        for name, _ in triggers:
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        for statement in statements:
            conn.exec_driver_sql(statement)
        for _, create in triggers:  # as if the file had been edited: the schema looks untouched
            conn.exec_driver_sql(create)


def _rehash_from(store: Store, first_id: int) -> None:
    """Recompute every hash from `first_id` on with the unkeyed scheme: all an attacker without the key has."""
    from datetime import UTC, datetime

    with store.engine.connect() as conn:
        prev = conn.execute(text("SELECT hash FROM audit_events WHERE id < :i ORDER BY id DESC LIMIT 1"),
                            {"i": first_id}).scalar() or "0" * 64
        rows = conn.execute(text("SELECT id, at, actor, kind, subject, payload FROM audit_events WHERE id >= :i "
                                 "ORDER BY id"), {"i": first_id}).all()
    # prev_hash is UNIQUE, so every row first gets a placeholder, then its final link
    placeholders = [f"UPDATE audit_events SET prev_hash = 'x{row.id}' WHERE id = {row.id}" for row in rows]
    final = []
    for row in rows:
        at = row.at if isinstance(row.at, datetime) else datetime.fromisoformat(str(row.at))
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        h = event_hash(prev, at=at, actor=row.actor, kind=row.kind, subject=row.subject,
                       payload=json.loads(row.payload), key=None)
        final.append(f"UPDATE audit_events SET prev_hash = '{prev}', hash = '{h}' WHERE id = {row.id}")
        prev = h
    without_triggers(store, "audit_events", *placeholders, *final)


def _first_decision_event(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT min(id) FROM audit_events WHERE kind = 'decision'")).scalar()


def _now(store: Store) -> str:
    return utcnow().strftime("%Y-%m-%d %H:%M:%S")


# name -> (tamper(store) -> anchor or None, words verify must name)
TAMPERINGS = {
    "decision row changed": (lambda st: without_triggers(st, "review_log", "UPDATE review_log SET action = 'reject' "
                                                                           "WHERE id = 1"), "review_log row 1 differs"),
    "decision level changed": (lambda st: without_triggers(st, "review_log", "UPDATE review_log SET level = 5 WHERE "
                                                                             "id = 2"), "review_log row 2 differs"),
    "decision row deleted": (lambda st: without_triggers(st, "review_log", "DELETE FROM review_log WHERE id = 3"),
                             "review_log row 3 is in the audit trail but not in the table"),
    "forged decision inserted": (lambda st: sql(st, "INSERT INTO review_log (set_id, competency_id, action, reviewer, "
                                                    f"at) SELECT id, 'C9', 'accept', 'mallory', '{_now(st)}' "
                                                    "FROM suggestion_sets"), "has no audit event"),
    "last 50 events deleted (anchor kept)": ("anchor", "anchored event"),
    "event edited, later hashes recomputed": ("rehash", "unkeyed hash after keyed events"),
    "event deleted in the middle": (lambda st: without_triggers(st, "audit_events", "DELETE FROM audit_events WHERE "
                                                                                    "id = 10"), "event 11"),
    "api key role viewer -> admin": (lambda st: sql(st, "UPDATE api_keys SET role = 'admin' WHERE name = 'viewer-1'"),
                                     "differs from its key.create event"),
    "forged api key inserted": (lambda st: sql(st, "INSERT INTO api_keys (name, role, key_hash, prefix, created_at) "
                                                   f"VALUES ('evil', 'admin', '{'0' * 64}', 'abcdefgh', '{_now(st)}')"),
                                "no key.create event"),
    "revoked key revived": (lambda st: sql(st, "UPDATE api_keys SET revoked_at = NULL WHERE name = 'gone'"),
                            "revocation differs"),
    "whole chain rewritten unkeyed": ("rehash-all", "unkeyed"),
}


@pytest.mark.parametrize("case", list(TAMPERINGS))
def test_tampering_is_blocked_or_detected(db_url, case):
    store = seeded(db_url)
    tamper, words = TAMPERINGS[case]
    anchor = None
    try:
        if tamper == "anchor":
            anchor = store.anchor()
            without_triggers(store, "audit_events", "DELETE FROM audit_events WHERE id > (SELECT max(id) - 50 FROM "
                                                    "audit_events)")
        elif tamper == "rehash":
            target = _first_decision_event(store) + 5
            without_triggers(store, "audit_events", "UPDATE audit_events SET payload = '{\"n\":999}' "
                                                    f"WHERE id = {target}")
            _rehash_from(store, target)
        elif tamper == "rehash-all":
            _rehash_from(store, 1)
        else:
            tamper(store)
    except DBAPIError as exc:  # blocked by the database itself
        assert store.engine.dialect.name == "postgresql" and "audit event" in str(exc)
        assert store.verify_chain()["ok"] is True  # and nothing changed
        return
    result = store.verify_chain(anchor)
    assert result["ok"] is False, case
    assert words in result["message"], (case, result["message"])


@pytest.mark.parametrize("db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_postgres_blocks_a_forged_decision_even_with_append_only_triggers_on(db_url):
    store = seeded(db_url)
    with pytest.raises(DBAPIError, match="has no audit event in its transaction"):
        TAMPERINGS["forged decision inserted"][0](store)
    with pytest.raises(DBAPIError, match="has no audit event in its transaction"):
        TAMPERINGS["forged api key inserted"][0](store)


def test_an_untouched_store_verifies_with_its_anchor(db_url):
    store = seeded(db_url)
    anchor = store.anchor()
    store.record_event("system", "x", "y", {})
    assert store.verify_chain(anchor)["ok"] is True


def test_old_unkeyed_events_stay_verifiable_once_sealed(tmp_path):
    url = f"sqlite:///{tmp_path / 'cde.db'}"
    store = seeded(url)
    _rehash_from(store, 1)  # as a database written before the chain was keyed
    store.close()
    reopened = Store.open(url)  # opening seals them with a keyed event
    result = reopened.verify_chain()
    assert result["ok"] is True and "unkeyed and sealed" in result["message"], result["message"]


def test_the_key_file_is_private_and_outside_the_database(tmp_path, monkeypatch):
    import os
    import stat

    monkeypatch.delenv("CDE_AUDIT_KEY")
    monkeypatch.setenv("CDE_DATA_DIR", str(tmp_path / "data"))
    store = Store.open(f"sqlite:///{tmp_path / 'data' / 'cde.db'}")
    store.record_event("system", "x", "y", {})
    key_file = tmp_path / "data" / "audit.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert store.verify_chain()["ok"]
    other = Store.open(f"sqlite:///{tmp_path / 'data' / 'cde.db'}", audit_key=b"another-key-" * 4)
    assert other.verify_chain()["ok"] is False  # a chain keyed with one secret does not verify with another


def test_cli_anchor_and_verify(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from suggest.cli import app

    monkeypatch.setenv("CDE_DATA_DIR", str(tmp_path))
    store = seeded(f"sqlite:///{tmp_path / 'cde.db'}")
    runner = CliRunner()
    anchor = runner.invoke(app, ["audit", "anchor"]).stdout.strip()
    assert anchor == store.anchor()
    ok = runner.invoke(app, ["audit", "verify", "--anchor", anchor])
    assert ok.exit_code == 0, ok.output
    without_triggers(store, "audit_events", "DELETE FROM audit_events WHERE id > 60")
    cut = runner.invoke(app, ["audit", "verify", "--anchor", anchor])
    assert cut.exit_code == 1 and "anchored event" in cut.output
