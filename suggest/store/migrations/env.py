"""Alembic environment for the decision store.

Migrations run in code (``suggest.store.db.migrate``), which hands over an open connection via
``config.attributes["connection"]``; there is no alembic.ini and no URL here. Offline mode
(``--sql``) works when a URL is set on the config, for a DBA who wants to review the DDL.
"""

from __future__ import annotations

from alembic import context

from suggest.store.models import Base

target_metadata = Base.metadata
config = context.config


def run_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("offline migrations need sqlalchemy.url set on the Alembic config")
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        # refusing beats guessing a database: a wrong URL would create tables somewhere unexpected
        raise RuntimeError("run migrations through suggest.store.db.migrate(engine)")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
