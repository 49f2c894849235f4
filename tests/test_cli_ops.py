"""keys and audit commands against a real SQLite store."""

import sqlalchemy as sa
from typer.testing import CliRunner

from suggest.cli import app
from suggest.store import Store

runner = CliRunner()


def test_keys_create_prints_the_key_alone_on_the_last_line_and_stores_a_hash(tmp_path):
    env = {"CDE_DATA_DIR": str(tmp_path)}
    result = runner.invoke(app, ["keys", "create", "--role", "reviewer", "--name", "asha"], env=env)
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().splitlines()[-1]
    assert key.startswith("cde_") and " " not in key
    store = Store.open(f"sqlite:///{tmp_path / 'cde.db'}")
    assert store.verify_key(key)["role"] == "reviewer"
    with sa.create_engine(f"sqlite:///{tmp_path / 'cde.db'}").connect() as conn:
        dump = " ".join(str(v) for row in conn.exec_driver_sql("select * from api_keys") for v in row)
    assert key not in dump
    again = runner.invoke(app, ["keys", "create", "--role", "reviewer", "--name", "asha"], env=env)
    assert again.exit_code == 2 and "key_name_taken" in again.output
    revoked = runner.invoke(app, ["keys", "revoke", "asha"], env=env)
    assert revoked.exit_code == 0 and store.verify_key(key) is None
    bad = runner.invoke(app, ["keys", "create", "--role", "boss", "--name", "x"], env=env)
    assert bad.exit_code == 2 and "invalid_role" in bad.output


def test_audit_verify_names_the_first_broken_link(tmp_path):
    env = {"CDE_DATA_DIR": str(tmp_path)}
    for name in ("a", "b", "c"):
        assert runner.invoke(app, ["keys", "create", "--role", "viewer", "--name", name], env=env).exit_code == 0
    ok = runner.invoke(app, ["audit", "verify"], env=env)
    assert ok.exit_code == 0 and "intact" in ok.output
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'cde.db'}")
    with engine.begin() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("select id from audit_events order by id")]
        conn.exec_driver_sql("drop trigger if exists audit_events_no_update")
        names = [r[0] for r in conn.exec_driver_sql("select name from sqlite_master where type='trigger'")]
        for n in names:
            if "audit" in n and "update" in n:
                conn.exec_driver_sql(f"drop trigger {n}")
        conn.exec_driver_sql(f"update audit_events set subject = 'tampered' where id = {ids[1]}")
    broken = runner.invoke(app, ["audit", "verify"], env=env)
    assert broken.exit_code == 1 and f"event {ids[1]}" in broken.output
