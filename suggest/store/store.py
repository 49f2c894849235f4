"""``Store``: the decision store on SQLAlchemy (SQLite or PostgreSQL).

Every write runs in one serialised transaction (see ``db.py``) together with its audit event, so
a change and its audit record commit or vanish together. Decisions live in the one review log shared
with positions (``review_log.py``): never updated, a change of mind is a new row whose ``supersedes_id``
points at the reviewer's earlier decision, and a withdrawal is a row too.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import case, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..errors import InputError, NotFound, NotReady
from ..learning import Decision
from . import audit, keys, learning_data, proposals, review_log, verify
from .audit_key import load_audit_key
from ._checks import check_name, check_page, check_text, copy_payload, optional_name
from .decisions import decision_dict, prepare_decisions
from .feed import read_feed
from .db import Sessions, make_engine, migrate
from .limits import Limits
from .models import AuditEventRow, ReviewRow, SuggestionSetRow, iso, new_id, utcnow

if TYPE_CHECKING:
    from .dictionary_versions import VersionStore
    from .positions import PositionStore

SET_STATUSES = ("open", "in_review", "reviewed")


class Store(Sessions):
    """Decision store. ``Store.open(url)`` for normal use; ``Store(engine)`` when tests own the engine."""

    @classmethod
    def open(cls, url: str, *, run_migrations: bool = True, limits: Limits | None = None,
             audit_key: bytes | None = None) -> Store:
        """``audit_key`` defaults to CDE_AUDIT_KEY or DATA_DIR/audit.key (``audit_key.py``)."""
        engine = make_engine(url)
        if run_migrations:
            migrate(engine)
        store = cls(engine, limits, audit_key=audit_key or load_audit_key())
        if run_migrations:
            store.seal_unkeyed()
        return store

    def seal_unkeyed(self) -> None:
        """If the newest event predates the keyed chain, append a keyed event that seals the unkeyed ones
        (their count and head), so rewriting them later without the key shows in verify."""
        with self._write() as s:
            head = s.scalars(select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(1)).first()
            if head is None or head.hash == audit.event_hash(
                    head.prev_hash, at=head.at, actor=head.actor, kind=head.kind, subject=head.subject,
                    payload=json.loads(head.payload), key=self.audit_key):
                return
            n = int(s.scalar(select(func.count()).select_from(AuditEventRow)) or 0)
            audit.append_event(s, "system", audit.SEALED, "audit_events",
                               {"unkeyed_events": n, "unkeyed_head": head.hash})

    def close(self) -> None:
        self.engine.dispose()

    @cached_property
    def positions(self) -> PositionStore:
        from .positions import PositionStore  # built on first use: most callers never touch positions
        return PositionStore(self.engine, self.limits, audit_key=self.audit_key)

    @cached_property
    def dictionary_versions(self) -> VersionStore:
        from .dictionary_versions import VersionStore
        return VersionStore(self.engine, self.limits, audit_key=self.audit_key)

    def ping(self) -> None:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except SQLAlchemyError as exc:
            raise NotReady(f"database unreachable: {type(exc).__name__}") from exc

    # -- suggestion sets -------------------------------------------------------------------------

    def save_suggestion_set(self, payload: dict[str, Any], *, text: str, position: str | None,
                            department: str | None, created_by: str, top_k: int, min_score: float) -> str:
        payload = copy_payload(payload)
        dictionary, model = payload.get("dictionary"), payload.get("model")
        if not isinstance(dictionary, dict) or not isinstance(model, dict) or "id" not in model:
            raise InputError("payload needs 'dictionary' {name, version, fingerprint} and 'model' {id}",
                             code="invalid_payload")
        suggestions = payload.get("suggestions")
        if not isinstance(suggestions, list) or not all(isinstance(s, dict) and "competency_id" in s
                                                        for s in suggestions):
            raise InputError("payload 'suggestions' must be a list of objects with competency_id",
                             code="invalid_payload")
        lim = self.limits
        check_text(text, "text", max_chars=lim.max_text_chars, required=True)
        row = SuggestionSetRow(
            id=new_id(), created_at=utcnow(), created_by=check_name(created_by, "created_by", max_chars=lim.max_name_chars),
            position=optional_name(position, "position", max_chars=lim.max_name_chars),
            department=optional_name(department, "department", max_chars=lim.max_name_chars),
            text=text, top_k=int(top_k), min_score=float(min_score),
            dictionary_name=str(dictionary.get("name", "")), dictionary_version=str(dictionary.get("version", "")),
            dictionary_fingerprint=str(dictionary.get("fingerprint", "")), model_id=str(model["id"]),
            n_suggestions=len(suggestions), payload=payload,
        )
        with self._write() as s:
            s.add(row)
            s.flush()
            # not the text: it may hold personal details and the audit trail can never be purged
            audit.append_event(s, row.created_by, "suggestion_set.create", row.id,
                               {"id": row.id, "position": row.position, "fingerprint": row.dictionary_fingerprint})
        return row.id

    def get_suggestion_set(self, set_id: str) -> dict[str, Any]:
        with self._read() as s:
            row = _get_set(s, set_id)
            current = _current_reviews(s, [set_id]).get(set_id, {})
        out: dict[str, Any] = {
            "id": row.id, "created_at": iso(row.created_at), "created_by": row.created_by,
            "position": row.position, "department": row.department, "text": row.text,
        }
        # the stored columns win over same-named payload keys: they are what the store vouches for
        out.update({k: v for k, v in row.payload.items() if k not in out})
        out["suggestions"] = [
            {**sg, "review": review_log.review_dict(current.get(sg["competency_id"]))}
            for sg in row.payload["suggestions"]
        ]
        return out

    def list_suggestion_sets(self, *, position: str | None = None, status: str | None = None,
                             limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """Newest first; status and total are computed in SQL so filtering keeps the total right."""
        check_page(limit, offset, self.limits)
        if status is not None and status not in SET_STATUSES:
            raise InputError(f"status must be one of {', '.join(SET_STATUSES)}", code="invalid_status")
        S = SuggestionSetRow
        R = ReviewRow
        # a reviewer's own additions are not suggestions, so they do not count towards "reviewed"
        counts = (select(R.set_id, func.count(func.distinct(R.competency_id)).label("n"))
                  .where(R.set_id.is_not(None), R.action.not_in(("add", "withdraw")))
                  .group_by(R.set_id).subquery())
        n_reviewed = func.coalesce(counts.c.n, 0)
        status_expr = case((n_reviewed == 0, "open"), (n_reviewed >= S.n_suggestions, "reviewed"),
                           else_="in_review")
        query = (select(S.id, S.created_at, S.position, S.department, S.n_suggestions,
                        n_reviewed.label("n_reviewed"), status_expr.label("status"))
                 .outerjoin(counts, counts.c.set_id == S.id))
        if position is not None:
            query = query.where(S.position == position)
        if status is not None:
            query = query.where(status_expr == status)
        with self._read() as s:
            total = int(s.scalar(select(func.count()).select_from(query.subquery())) or 0)
            rows = s.execute(query.order_by(S.created_at.desc(), S.id).limit(limit).offset(offset)).all()
        items = [{"id": r.id, "created_at": iso(r.created_at), "position": r.position, "department": r.department,
                  "n_suggestions": r.n_suggestions, "n_reviewed": int(r.n_reviewed), "status": r.status}
                 for r in rows]
        return items, total

    # -- decisions -------------------------------------------------------------------------------

    def record_decisions(self, set_id: str, reviewer: str, decisions: list[dict[str, Any]], *,
                         idempotency_key: str | None = None,
                         dictionary_ids: Collection[str] = ()) -> list[dict[str, Any]]:
        """Append decisions to the review log (``review_log.py``). ``dictionary_ids``: the ids of the dictionary
        the set was made with, which an "add" must name."""
        subject = review_log.Subject("set", set_id)
        reviewer, items, idempotency_key, request_hash = prepare_decisions(
            subject.owner, reviewer, decisions, idempotency_key, self.limits)
        with self._write() as s:
            prior = review_log.replay(s, subject, reviewer, idempotency_key, request_hash)
            if prior is not None:
                return prior  # a replay: answer as before, write nothing
            parent = _get_set(s, set_id)
            placement = review_log.Placement(
                suggested={sg["competency_id"] for sg in parent.payload["suggestions"]},
                dictionary_ids=dictionary_ids,
                activities={a.get("index", i) for i, a in enumerate(parent.payload.get("activities") or [])})
            return review_log.record(s, subject, reviewer, items, placement=placement,
                                     idempotency_key=idempotency_key, request_hash=request_hash)

    def decision_history(self, set_id: str, competency_id: str | None = None) -> list[dict[str, Any]]:
        """Every decision, superseded and withdrawn ones included, oldest first."""
        with self._read() as s:
            _get_set(s, set_id)
            return [decision_dict(r) for r in review_log.rows(s, review_log.Subject("set", set_id), competency_id)]

    def current_decisions(self, set_id: str) -> list[dict[str, Any]]:
        """The decision that stands on each competency (adds included), in the order they were made."""
        with self._read() as s:
            _get_set(s, set_id)
            standing = review_log.current(review_log.rows(s, review_log.Subject("set", set_id)))
        return [decision_dict(r) for r in sorted(standing.values(), key=lambda r: r.id)]

    def position_mapping(self, position: str) -> list[dict[str, Any]]:
        """The competencies reviewers have accepted (or modified) for a position.

        Across every set saved for the position, the newest decision on each competency wins: a
        later rejection removes a competency that an older set had accepted.
        """
        with self._read() as s:
            sets = {r.id: r for r in s.scalars(select(SuggestionSetRow).where(SuggestionSetRow.position == position))}
            current = _current_reviews(s, list(sets))
        winners: dict[str, tuple[str, ReviewRow]] = {}
        for set_id, by_competency in current.items():
            for competency_id, row in by_competency.items():
                held = winners.get(competency_id)
                if held is None or row.id > held[1].id:
                    winners[competency_id] = (set_id, row)
        mapping = []
        for competency_id, (set_id, row) in winners.items():
            suggestion = next((sg for sg in sets[set_id].payload["suggestions"]
                               if sg["competency_id"] == competency_id), None)
            if row.action not in ("accept", "modify") or suggestion is None:
                continue  # a reviewer's "add" carries no suggestion to map; sets' adds show in their decisions
            required = row.level if row.level is not None else suggestion.get("suggested_level")
            mapping.append({**suggestion, "required_level": required, "review": review_log.review_dict(row),
                            "set_id": set_id})
        mapping.sort(key=lambda m: (-float(m.get("score") or 0.0), str(m.get("name", "")), m["competency_id"]))
        return mapping

    # -- proposals -------------------------------------------------------------------------------

    def create_proposal(self, set_id: str, *, activity_index: int, name: str, type: str,
                        ask: dict[str, Any] | None, level: int | None, rationale: str | None,
                        proposed_by: str) -> dict[str, Any]:
        with self._write() as s:
            return proposals.create_proposal(s, set_id, activity_index=activity_index, name=name, type=type,
                                             ask=ask, level=level, rationale=rationale, proposed_by=proposed_by,
                                             limits=self.limits)

    def get_proposal(self, proposal_id: str) -> dict[str, Any]:
        with self._read() as s:
            return proposals.get_proposal(s, proposal_id)

    def list_proposals(self, status: str | None = None, limit: int = 50, offset: int = 0, *,
                       set_id: str | None = None) -> tuple[list[dict[str, Any]], int]:
        check_page(limit, offset, self.limits)
        with self._read() as s:
            return proposals.list_proposals(s, status=status, set_id=set_id, limit=limit, offset=offset)

    def update_proposal(self, proposal_id: str, *, status: str, actor: str,
                        comment: str | None = None) -> dict[str, Any]:
        with self._write() as s:
            return proposals.update_proposal(s, proposal_id, status=status, actor=actor, comment=comment,
                                             limits=self.limits)

    # -- API keys --------------------------------------------------------------------------------

    def create_key(self, name: str, role: str, *, actor: str = "cli") -> tuple[str, dict[str, Any]]:
        with self._write() as s:
            return keys.create_key(s, name, role, actor=actor, max_name_chars=self.limits.max_name_chars)

    def verify_key(self, plaintext: str) -> dict[str, Any] | None:
        with self._read() as s:
            return keys.verify_key(s, plaintext)

    def revoke_key(self, name: str, *, actor: str = "cli") -> dict[str, Any]:
        with self._write() as s:
            return keys.revoke_key(s, name, actor=actor, max_name_chars=self.limits.max_name_chars)

    def list_keys(self) -> list[dict[str, Any]]:
        with self._read() as s:
            return keys.list_keys(s)

    # -- learning --------------------------------------------------------------------------------

    def learning_decisions(self) -> tuple[list[Decision], dict[str, int]]:
        with self._read() as s:
            return learning_data.learning_decisions(s)

    def flag_spam(self, kind: str, decision_id: int, *, actor: str, reason: str | None = None) -> dict[str, Any]:
        """An admin marks a decision as spam: it stays in the trail but the learning loop ignores it."""
        actor = check_name(actor, "actor", max_chars=self.limits.max_name_chars)
        check_text(reason, "reason", max_chars=self.limits.max_comment_chars)
        with self._write() as s:
            return learning_data.flag_spam(s, kind, decision_id, actor=actor, reason=reason)

    # -- audit -----------------------------------------------------------------------------------

    @staticmethod
    def append_event(session: Session, actor: str, kind: str, subject: str, payload: dict[str, Any]) -> None:
        """Append within the caller's transaction (for code that already holds a write session)."""
        audit.append_event(session, actor, kind, subject, payload)

    def record_event(self, actor: str, kind: str, subject: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Audit something that happened outside the store, e.g. 'dictionary.load'."""
        n = self.limits.max_name_chars
        actor = check_name(actor, "actor", max_chars=n)
        kind = check_name(kind, "kind", max_chars=n)
        subject = check_name(subject, "subject", max_chars=n)
        with self._write() as s:
            return audit.event_dict(audit.append_event(s, actor, kind, subject, payload))

    def list_events(self, limit: int = 100, offset: int = 0,
                    kind: str | None = None) -> tuple[list[dict[str, Any]], int]:
        check_page(limit, offset, self.limits)
        with self._read() as s:
            return audit.list_events(s, limit=limit, offset=offset, kind=kind)

    def feed(self, *, after: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
        """Events after audit id `after`, oldest first, as the feed shows them (feed.py); and whether more follow."""
        check_page(limit, 0, self.limits)
        with self._read() as s:
            return read_feed(s, after=after, limit=limit)

    def verify_chain(self, anchor: str | None = None) -> dict[str, Any]:
        """The chain, decisions and keys against their events, and the anchor if one is given (verify.py)."""
        with self._read() as s:
            return verify.verify(s, self.audit_key, anchor_text=anchor)

    def anchor(self) -> str:
        """'id:hash' of the newest event: keep it elsewhere; `verify --anchor` then detects a cut tail."""
        with self._read() as s:
            return verify.anchor(s)


# -- helpers ---------------------------------------------------------------------------------------


def _get_set(session: Session, set_id: str) -> SuggestionSetRow:
    row = session.get(SuggestionSetRow, set_id) if isinstance(set_id, str) else None
    if row is None:
        raise NotFound(f"no suggestion set {set_id!r}", code="suggestion_set_not_found")
    return row


def _current_reviews(session: Session, set_ids: list[str]) -> dict[str, dict[str, ReviewRow]]:
    """{set_id: {competency_id: current decision}} across all reviewers."""
    by_set: dict[str, list[ReviewRow]] = {}
    if set_ids:
        for row in session.scalars(select(ReviewRow).where(ReviewRow.set_id.in_(set_ids)).order_by(ReviewRow.id)):
            by_set.setdefault(row.set_id or "", []).append(row)
    return {set_id: review_log.current(log) for set_id, log in by_set.items()}
