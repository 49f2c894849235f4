"""Dictionary drafts (new entries written from approved proposals) and dictionary versions.

Revision ID: 0005
Revises: 0003 (re-pointed at 0004 when the decision-log migration lands)

A version row holds the base dictionary's version and fingerprint plus every entry published up to it,
so any replica can rebuild exactly that dictionary from its own base and check the fingerprint. At most
one version is active: a partial unique index on the flag, so two publishes can never leave two active.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Snapshot of the types at this revision, as in 0001.
UTC_TS = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "dictionary_drafts",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("proposal_id", sa.String(32), nullable=False),
        sa.Column("competency_id", sa.String(64), nullable=False),
        sa.Column("entry", JSON, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("published_in", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dictionary_drafts"),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"], name="fk_dictionary_drafts_proposal_id_proposals"),
        sa.UniqueConstraint("proposal_id", name="uq_dictionary_drafts_proposal_id"),
        sa.UniqueConstraint("competency_id", name="uq_dictionary_drafts_competency_id"),
        sa.CheckConstraint("status IN ('draft', 'published')", name="ck_dictionary_drafts_status"),
    )
    op.create_index("ix_dictionary_drafts_status", "dictionary_drafts", ["status"])

    op.create_table(
        "dictionary_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(128), nullable=False),
        sa.Column("base_version", sa.String(100), nullable=False),
        sa.Column("base_fingerprint", sa.String(128), nullable=False),
        sa.Column("entries", JSON, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dictionary_versions"),
        sa.UniqueConstraint("version", name="uq_dictionary_versions_version"),
    )
    op.create_index("uq_dictionary_versions_active", "dictionary_versions", ["active"], unique=True,
                    sqlite_where=sa.text("active"), postgresql_where=sa.text("active"))


def downgrade() -> None:
    op.drop_index("uq_dictionary_versions_active", table_name="dictionary_versions")
    op.drop_table("dictionary_versions")
    op.drop_index("ix_dictionary_drafts_status", table_name="dictionary_drafts")
    op.drop_table("dictionary_drafts")
