"""Engines and migrations for the decision store.

Write transactions are serialised on both backends so the audit hash chain cannot fork and
check-then-insert logic (idempotency keys) cannot race:

* SQLite: a deferred ``BEGIN`` that reads and then writes can fail with SQLITE_BUSY at once,
  without waiting for the busy timeout, so writes start with ``BEGIN IMMEDIATE``. pysqlite's own
  implicit BEGIN is switched off (``isolation_level = None``, SQLAlchemy's documented recipe) so
  that we emit every BEGIN ourselves.
* PostgreSQL: a transaction-scoped advisory lock taken as the write transaction begins.

A connection is a writer when it comes from ``writer(engine)``, which only sets an execution option.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from .limits import Limits

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

WRITE_OPTION = "cde_write"
# Any constant works as long as every process uses the same one: "CDEAUDIT" in ASCII (fits a bigint).
ADVISORY_LOCK_KEY = 0x4344454155444954
# 5 s matches the research note's busy_timeout; a reviewer click can wait that long, no longer.
SQLITE_BUSY_TIMEOUT_MS = 5000


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the durability settings this store relies on.

    SQLite: creates the parent folder; WAL + synchronous=FULL (WAL with NORMAL may roll back a
    committed transaction after power loss), foreign keys on, a busy timeout.
    PostgreSQL: pre-ping so a restarted server does not fail the first request after it.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            private_file(Path(database).expanduser())
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(parsed, **kwargs)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "begin", _postgres_on_begin)
    return engine


def private_file(path: Path) -> None:
    """Create the file (empty) and any missing folders for it as owner-only: 600 and 700. The database
    holds job descriptions and reviewers' names; SQLite gives its -wal and -shm files the database
    file's mode. Existing files and folders keep the mode their owner chose."""
    missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=0o700)
        os.chmod(folder, 0o700)  # mkdir's mode passes through the umask
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def writer(engine: Engine) -> Engine:
    """The same engine and pool, but its transactions are serialised write transactions."""
    return engine.execution_options(**{WRITE_OPTION: True})


class Sessions:
    """Read and write sessions over one engine; the stores of suggestion sets and of positions share it."""

    def __init__(self, engine: Engine, limits: Limits | None = None, *, audit_key: bytes) -> None:
        self.engine = engine
        self.limits = limits or Limits.from_settings()
        self.audit_key = audit_key
        self._writer = writer(engine)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        # the chain's key travels with the write session, so every append is keyed (audit.append_event)
        with Session(self._writer, expire_on_commit=False, info={"audit_key": self.audit_key}) as session, \
                session.begin():
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                       f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"):
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _postgres_on_begin(conn: Connection) -> None:
    if conn.get_execution_options().get(WRITE_OPTION, False):
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%(k)s)", {"k": ADVISORY_LOCK_KEY})


def alembic_config() -> Config:
    """Alembic configuration built in code: no alembic.ini is needed at run time."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the schema to ``revision``; a no-op when it is already there.

    Runs in one serialised write transaction, so two processes starting at once do not both
    create the tables.
    """
    config = alembic_config()
    with writer(engine).begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
