"""One review log: decisions on suggestion sets and on positions in one append-only table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

Until 0003 a set's decisions lived in ``decisions`` (with replies to repeated Idempotency-Keys in
``idempotency``) and a position's in ``position_decisions`` (with the key on the rows). Both move into
``review_log``, whose subject is exactly one of ``set_id`` and ``position_id``; the key and the request
hash sit on its rows for both kinds. Set decisions keep their ids; position decisions are numbered after
them (their order within a position is kept). Every moved row remembers its old id in ``legacy_id``:
the audit events written before this migration name that id and can never be rewritten, so ``verify``
checks a moved row against its event by the old id and the old columns.

The append-only triggers and, on PostgreSQL, the "no row without its audit event" guard move to the new
table; the old tables are dropped. The rows are copied before the guard exists, so copying needs no events.
A position also remembers the suggestion set it was built from (``source_set_id``), whose decisions
it shows until a reviewer decides on the position itself. There is no downgrade: the merged log cannot be
split without renumbering rows that events name.
Restore the backup taken before upgrading instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Snapshot of the types at this revision, as in 0001.
UTC_TS = sa.DateTime(timezone=True)
ACTIONS = "('accept', 'reject', 'modify', 'add', 'withdraw')"
OLD_TABLES = ("decisions", "position_decisions")
_COLUMNS = ("competency_id, action, level, ask_tag, reason_code, comment, reviewer, at, idempotency_key")


def upgrade() -> None:
    op.create_table(
        "review_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("set_id", sa.String(32), nullable=True),
        sa.Column("position_id", sa.String(32), nullable=True),
        sa.Column("competency_id", sa.String(100), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("ask_tag", sa.String(10), nullable=True),
        sa.Column("reason_code", sa.String(100), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("activity_index", sa.Integer(), nullable=True),
        sa.Column("role_id", sa.Integer(), nullable=True),
        sa.Column("reviewer", sa.String(100), nullable=False),
        sa.Column("at", UTC_TS, nullable=False),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("request_hash", sa.String(64), nullable=True),
        sa.Column("legacy_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_review_log"),
        sa.ForeignKeyConstraint(["set_id"], ["suggestion_sets.id"], name="fk_review_log_set_id_suggestion_sets"),
        sa.ForeignKeyConstraint(["position_id"], ["positions.id"], name="fk_review_log_position_id_positions"),
        sa.ForeignKeyConstraint(["supersedes_id"], ["review_log.id"], name="fk_review_log_supersedes_id_review_log"),
        sa.CheckConstraint(f"action IN {ACTIONS}", name="ck_review_log_action"),
        sa.CheckConstraint("level IS NULL OR (level BETWEEN 1 AND 5)", name="ck_review_log_level"),
        sa.CheckConstraint("ask_tag IS NULL OR ask_tag IN ('attitude', 'skill', 'knowledge')",
                           name="ck_review_log_ask_tag"),
        sa.CheckConstraint("(set_id IS NULL) <> (position_id IS NULL)", name="ck_review_log_one_subject"),
    )
    op.create_index("ix_review_log_set_id_competency_id", "review_log", ["set_id", "competency_id"])
    op.create_index("ix_review_log_position_id_competency_id", "review_log", ["position_id", "competency_id"])
    op.create_index("ix_review_log_idempotency_key_reviewer", "review_log", ["idempotency_key", "reviewer"])

    op.add_column("positions", sa.Column("source_set_id", sa.String(32), nullable=True))
    _copy_rows()
    _retire_old_tables()
    _create_append_only_triggers()
    _create_audit_guard()


def downgrade() -> None:
    raise NotImplementedError("0004 merged two decision logs into review_log; restore the backup taken before "
                              "upgrading to go back to 0003")


def _dialect() -> str:
    return op.get_context().dialect.name


def _copy_rows() -> None:
    # a set decision's request hash was kept in `idempotency`; it now sits on the row
    op.execute(
        f"INSERT INTO review_log (id, set_id, position_id, {_COLUMNS}, supersedes_id, request_hash, legacy_id) "
        f"SELECT d.id, d.set_id, NULL, d.{_COLUMNS.replace(', ', ', d.')}, d.supersedes_id, "
        "(SELECT i.request_hash FROM idempotency i WHERE i.key = d.idempotency_key AND i.reviewer = d.reviewer), "
        "d.id FROM decisions d ORDER BY d.id"
    )
    offset = "(SELECT COALESCE(MAX(id), 0) FROM decisions)"
    op.execute(
        f"INSERT INTO review_log (id, set_id, position_id, {_COLUMNS}, supersedes_id, request_hash, legacy_id) "
        f"SELECT p.id + {offset}, NULL, p.position_id, p.{_COLUMNS.replace(', ', ', p.')}, "
        f"p.supersedes_id + {offset}, p.request_hash, p.id FROM position_decisions p ORDER BY p.id"
    )
    if _dialect() == "postgresql":
        # explicit ids do not move the serial's sequence; the next insert must come after them
        op.execute("SELECT setval(pg_get_serial_sequence('review_log', 'id'), "
                   "COALESCE((SELECT MAX(id) FROM review_log), 0) + 1, false)")


def _retire_old_tables() -> None:
    if _dialect() == "sqlite":
        for table in OLD_TABLES:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
    for table in ("idempotency", "position_decisions", "decisions"):
        op.drop_table(table)  # on PostgreSQL this drops the table's triggers too
    if _dialect() == "postgresql":
        for table in OLD_TABLES:
            op.execute(f"DROP FUNCTION IF EXISTS cde_require_audit_{table}()")


def _create_append_only_triggers() -> None:
    dialect = _dialect()
    if dialect == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"CREATE TRIGGER review_log_no_{verb} BEFORE {verb.upper()} ON review_log "
                       "BEGIN SELECT RAISE(ABORT, 'review_log is append-only'); END")
    elif dialect == "postgresql":
        # cde_refuse_change() comes from 0001
        op.execute("CREATE TRIGGER review_log_append_only BEFORE UPDATE OR DELETE ON review_log "
                   "FOR EACH ROW EXECUTE FUNCTION cde_refuse_change()")
        op.execute("CREATE TRIGGER review_log_no_truncate BEFORE TRUNCATE ON review_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION cde_refuse_change()")
    else:
        raise NotImplementedError(f"append-only triggers are not written for {dialect}")


def _create_audit_guard() -> None:
    """As 0003 did for the old tables: at COMMIT, a new row needs its audit event from the same transaction."""
    if _dialect() != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION cde_require_audit_review_log() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NOT EXISTS (SELECT 1 FROM audit_events e
                           WHERE e.kind = CASE WHEN NEW.set_id IS NOT NULL THEN 'decision'
                                               ELSE 'position.decision' END
                             AND e.subject = COALESCE(NEW.set_id, NEW.position_id) || '/' || NEW.competency_id
                             AND e.xmin = pg_current_xact_id()::xid
                             AND (e.payload::jsonb ->> 'id') = NEW.id::text) THEN
                RAISE EXCEPTION '% row % has no audit event in its transaction', TG_TABLE_NAME, NEW.id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute("CREATE CONSTRAINT TRIGGER review_log_need_audit AFTER INSERT ON review_log "
               "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cde_require_audit_review_log()")
