"""The audit trail guards its rows: an index to find an event by kind and subject, and on PostgreSQL a
deferred constraint trigger that refuses an INSERT into decisions, position_decisions or api_keys unless
the same transaction also wrote that row's audit event.

The check runs at COMMIT (DEFERRABLE INITIALLY DEFERRED) because the service inserts the row first and
its event right after, in one transaction. "Same transaction" is the event row's xmin equal to the
current transaction id: an old event cannot vouch for a re-inserted row. SQLite has no deferred
triggers; there `verify` finds a row without its event.
"""

from __future__ import annotations

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None

# table -> (event kind, SQL for the event's subject from NEW)
GUARDED = {
    "decisions": ("decision", "NEW.set_id || '/' || NEW.competency_id"),
    "position_decisions": ("position.decision", "NEW.position_id || '/' || NEW.competency_id"),
    "api_keys": ("key.create", "NEW.name"),
}


def upgrade() -> None:
    op.create_index("ix_audit_events_kind_subject", "audit_events", ["kind", "subject"])
    if op.get_context().dialect.name != "postgresql":
        return
    for table, (kind, subject) in GUARDED.items():
        op.execute(
            f"""
            CREATE FUNCTION cde_require_audit_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM audit_events e
                               WHERE e.kind = '{kind}' AND e.subject = {subject}
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
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {table}_need_audit AFTER INSERT ON {table} "
            f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION cde_require_audit_{table}()"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for table in GUARDED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_need_audit ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS cde_require_audit_{table}()")
    op.drop_index("ix_audit_events_kind_subject", table_name="audit_events")
