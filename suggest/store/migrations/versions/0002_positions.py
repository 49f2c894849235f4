"""Positions with roles: positions, their revisions and the reviewers' decisions on them.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01

``position_revisions`` and ``position_decisions`` are append-only like ``decisions`` in 0001: the
history of a position (every role edit, every rerun, every change of mind) is the record reviewers
answer for, so the database itself refuses to rewrite it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_TABLES = ("position_revisions", "position_decisions")

# Snapshot of the types at this revision, as in 0001.
UTC_TS = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "positions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("department", sa.String(300), nullable=False),
        sa.Column("ministry", sa.String(300), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("dictionary_name", sa.String(200), nullable=False),
        sa.Column("dictionary_version", sa.String(100), nullable=False),
        sa.Column("dictionary_fingerprint", sa.String(128), nullable=False),
        sa.Column("model_id", sa.String(200), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_positions"),
    )
    op.create_index("ix_positions_department", "positions", ["department"])
    op.create_index("ix_positions_created_at", "positions", ["created_at"])

    op.create_table(
        "position_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("position_id", sa.String(32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TS, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("op", sa.String(10), nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_position_revisions"),
        sa.ForeignKeyConstraint(["position_id"], ["positions.id"],
                                name="fk_position_revisions_position_id_positions"),
        sa.CheckConstraint("op IN ('create', 'rename', 'merge', 'split', 'move', 'rerun')",
                           name="ck_position_revisions_op"),
    )
    # unique: two concurrent edits of the same revision cannot both be recorded
    op.create_index("uq_position_revisions_position_id_revision", "position_revisions",
                    ["position_id", "revision"], unique=True)

    op.create_table(
        "position_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("position_id", sa.String(32), nullable=False),
        sa.Column("competency_id", sa.String(100), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("ask_tag", sa.String(10), nullable=True),
        sa.Column("reason_code", sa.String(100), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("at", UTC_TS, nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_position_decisions"),
        sa.ForeignKeyConstraint(["position_id"], ["positions.id"],
                                name="fk_position_decisions_position_id_positions"),
        sa.ForeignKeyConstraint(["supersedes_id"], ["position_decisions.id"],
                                name="fk_position_decisions_supersedes_id_position_decisions"),
        sa.CheckConstraint("action IN ('accept', 'reject', 'modify')", name="ck_position_decisions_action"),
        sa.CheckConstraint("level IS NULL OR (level BETWEEN 1 AND 5)", name="ck_position_decisions_level"),
        sa.CheckConstraint("ask_tag IS NULL OR ask_tag IN ('attitude', 'skill', 'knowledge')",
                           name="ck_position_decisions_ask_tag"),
    )
    op.create_index("ix_position_decisions_position_id_competency_id", "position_decisions",
                    ["position_id", "competency_id"])
    op.create_index("ix_position_decisions_idempotency_key_reviewer", "position_decisions",
                    ["idempotency_key", "reviewer"])

    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    for table in ("position_decisions", "position_revisions", "positions"):
        op.drop_table(table)


def _dialect() -> str:
    return op.get_context().dialect.name


def _create_append_only_triggers() -> None:
    dialect = _dialect()
    if dialect == "sqlite":
        for table in APPEND_ONLY_TABLES:
            for verb in ("update", "delete"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    elif dialect == "postgresql":
        # cde_refuse_change() comes from 0001 and names the table in its message
        for table in APPEND_ONLY_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION cde_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION cde_refuse_change()"
            )
    else:
        raise NotImplementedError(f"append-only triggers are not written for {dialect}")


def _drop_append_only_triggers() -> None:
    dialect = _dialect()
    if dialect == "sqlite":
        for table in APPEND_ONLY_TABLES:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    elif dialect == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
