"""Tables of the decision store (SQLAlchemy 2 declarative).

The schema itself is created by the hand-written Alembic migrations in ``migrations/versions``;
these classes must describe the same tables (a test compares them with Alembic's autogenerate).
Timestamps are always UTC: SQLite has no time zone type, so ``UTCDateTime`` strips the zone on the
way in and puts UTC back on the way out; PostgreSQL gets ``timestamptz``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Explicit constraint names, so the migration and the models agree and a later migration can
# drop a constraint by name on both backends.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ACTIONS = ("accept", "reject", "modify", "add", "withdraw")
ASK_TAGS = ("attitude", "skill", "knowledge")
ROLES = ("viewer", "reviewer", "admin")
PROPOSAL_TYPES = ("Behavioural", "Functional", "Domain")
PROPOSAL_STATUSES = ("proposed", "approved", "rejected")

# JSONB on PostgreSQL: indexable and validated; plain JSON text elsewhere.
JsonType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(value: datetime) -> str:
    """Fixed-width ISO 8601 with 'Z'; the audit hash covers this string, so it must never vary."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id() -> str:
    return uuid.uuid4().hex


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            # a naive value is ambiguous; refusing it keeps every stored time comparable
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SuggestionSetRow(Base):
    __tablename__ = "suggestion_sets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    position: Mapped[str | None] = mapped_column(String(300), index=True)
    department: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    top_k: Mapped[int] = mapped_column(Integer)
    min_score: Mapped[float] = mapped_column(Float)
    dictionary_name: Mapped[str] = mapped_column(String(200))
    dictionary_version: Mapped[str] = mapped_column(String(100))
    dictionary_fingerprint: Mapped[str] = mapped_column(String(128))
    model_id: Mapped[str] = mapped_column(String(200))
    # kept beside the payload so list/status queries need not parse every payload
    n_suggestions: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType)


class ProposalRow(Base):
    """A competency the reviewer thinks the dictionary lacks, tied to one activity of a set."""

    __tablename__ = "proposals"
    __table_args__ = (
        CheckConstraint(_in("type", PROPOSAL_TYPES), name="type"),
        CheckConstraint(_in("status", PROPOSAL_STATUSES), name="status"),
        CheckConstraint("level IS NULL OR (level BETWEEN 1 AND 5)", name="level"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    set_id: Mapped[str] = mapped_column(ForeignKey("suggestion_sets.id"), index=True)
    activity_index: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(20))
    ask: Mapped[dict[str, Any]] = mapped_column(JsonType)
    level: Mapped[int | None] = mapped_column(Integer)
    rationale: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), index=True)
    proposed_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_comment: Mapped[str | None] = mapped_column(Text)


class ApiKeyRow(Base):
    """Only sha256(key) is kept; the plaintext is shown once at creation."""

    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        # a name is unique among live keys only, so a revoked name can be issued again
        Index("uq_api_keys_active_name", "name", unique=True,
              sqlite_where="revoked_at IS NULL", postgresql_where="revoked_at IS NULL"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10))
    key_hash: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(8), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEventRow(Base):
    """Append-only hash chain; ``prev_hash`` is UNIQUE so two appends can never share a parent."""

    __tablename__ = "audit_events"
    # the PostgreSQL insert guard (migration 0003) looks events up by kind and subject
    __table_args__ = (Index("ix_audit_events_kind_subject", "kind", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(50), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


# -- positions with roles (migration 0002) ----------------------------------------------------------

POSITION_OPS = ("create", "rename", "merge", "split", "move", "rerun")


class PositionRow(Base):
    """A position and its current roles; every change is also kept in ``position_revisions``."""

    __tablename__ = "positions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    department: Mapped[str] = mapped_column(String(300), index=True)
    ministry: Mapped[str | None] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    dictionary_name: Mapped[str] = mapped_column(String(200))
    dictionary_version: Mapped[str] = mapped_column(String(100))
    dictionary_fingerprint: Mapped[str] = mapped_column(String(128))
    model_id: Mapped[str] = mapped_column(String(200))
    revision: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType)
    # the suggestion set it was built from (0004), whose decisions it inherits; no foreign key, because
    # SQLite adds one to an existing table only by copying it, which the tables pointing here forbid
    source_set_id: Mapped[str | None] = mapped_column(String(32))


class PositionRevisionRow(Base):
    """Append-only (triggers): the payload after each change, so any earlier state can be shown again."""

    __tablename__ = "position_revisions"
    __table_args__ = (
        CheckConstraint(_in("op", POSITION_OPS), name="op"),
        Index("uq_position_revisions_position_id_revision", "position_id", "revision", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    position_id: Mapped[str] = mapped_column(ForeignKey("positions.id"))
    revision: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(100))
    op: Mapped[str] = mapped_column(String(10))
    detail: Mapped[dict[str, Any]] = mapped_column(JsonType)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonType)


class ReviewRow(Base):
    """The one decision log (migration 0004): every reviewer decision on a suggestion set or a position.

    Append-only (triggers): a change of mind is a new row that supersedes the old one, a withdrawal is a row
    too. The subject is exactly one of ``set_id`` and ``position_id``, each a real foreign key, so neither
    kind can point at a subject that does not exist. The idempotency record lives on the rows themselves
    (``idempotency_key`` + ``request_hash``): a replay finds them by key, reviewer and subject kind.
    ``legacy_id`` is the id a row had in ``decisions`` or ``position_decisions`` before 0004 (null for rows
    written since): their audit events name that id, so ``verify`` checks them by it.
    """

    __tablename__ = "review_log"
    __table_args__ = (
        CheckConstraint(_in("action", ACTIONS), name="action"),
        CheckConstraint("level IS NULL OR (level BETWEEN 1 AND 5)", name="level"),
        CheckConstraint(f"ask_tag IS NULL OR {_in('ask_tag', ASK_TAGS)}", name="ask_tag"),
        CheckConstraint("(set_id IS NULL) <> (position_id IS NULL)", name="one_subject"),
        Index("ix_review_log_set_id_competency_id", "set_id", "competency_id"),
        Index("ix_review_log_position_id_competency_id", "position_id", "competency_id"),
        Index("ix_review_log_idempotency_key_reviewer", "idempotency_key", "reviewer"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    set_id: Mapped[str | None] = mapped_column(ForeignKey("suggestion_sets.id"))
    position_id: Mapped[str | None] = mapped_column(ForeignKey("positions.id"))
    competency_id: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(10))
    level: Mapped[int | None] = mapped_column(Integer)
    ask_tag: Mapped[str | None] = mapped_column(String(10))
    reason_code: Mapped[str | None] = mapped_column(String(100))
    comment: Mapped[str | None] = mapped_column(Text)
    # where an "add" puts the competency: an activity of a set, or a role (its index) of a position
    activity_index: Mapped[int | None] = mapped_column(Integer)
    role_id: Mapped[int | None] = mapped_column(Integer)
    reviewer: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("review_log.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    legacy_id: Mapped[int | None] = mapped_column(Integer)

    @property
    def subject_kind(self) -> str:
        return "set" if self.set_id is not None else "position"

    @property
    def subject_id(self) -> str:
        return self.set_id if self.set_id is not None else self.position_id  # type: ignore[return-value]


# -- dictionary drafts and versions (migration 0005) ------------------------------------------------

DRAFT_STATUSES = ("draft", "published")


class DictionaryDraftRow(Base):
    """A new dictionary entry written from a proposal; editable until it is published in a version."""

    __tablename__ = "dictionary_drafts"
    __table_args__ = (CheckConstraint(_in("status", DRAFT_STATUSES), name="status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    proposal_id: Mapped[str] = mapped_column(ForeignKey("proposals.id"), unique=True)
    competency_id: Mapped[str] = mapped_column(String(64), unique=True)
    entry: Mapped[dict[str, Any]] = mapped_column(JsonType)
    status: Mapped[str] = mapped_column(String(10), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revision: Mapped[int] = mapped_column(Integer)
    published_in: Mapped[str | None] = mapped_column(String(100))


class DictionaryVersionRow(Base):
    """A dictionary version: the base dictionary plus every entry published up to it (``entries``).

    Every replica rebuilds the same dictionary from its own base and this row, and checks the fingerprint.
    At most one row is active (a partial unique index); replicas poll it."""

    __tablename__ = "dictionary_versions"
    __table_args__ = (
        Index("uq_dictionary_versions_active", "active", unique=True,
              sqlite_where="active", postgresql_where="active"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(128))
    base_version: Mapped[str] = mapped_column(String(100))
    base_fingerprint: Mapped[str] = mapped_column(String(128))
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean)
