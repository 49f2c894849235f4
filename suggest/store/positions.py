"""``PositionStore``: positions with roles, their revisions and the reviewers' decisions on them.

It shares the engine, the serialised writer and the audit chain with ``Store`` (``store.positions``).
Nothing is overwritten without a trace: ``positions`` holds the current payload for quick reads, and
every change also appends a ``position_revisions`` row in the same transaction as its audit event.

Decisions are per (position, competency), not per role, in the review log shared with suggestion sets
(``review_log.py``): after roles are merged, split or rerun, a decision still applies wherever that
competency still appears, and stops showing where it no longer does without being lost. A position
built from a suggestion set shows that set's decisions until its own reviewers decide.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import Conflict, InputError, NotFound
from . import audit, review_log
from ._checks import check_name, check_page, check_text, copy_payload
from .db import Sessions
from .models import PositionRevisionRow, PositionRow, ReviewRow, SuggestionSetRow, iso, new_id, utcnow
from .decisions import decision_dict, prepare_decisions


class PositionStore(Sessions):
    # -- positions -------------------------------------------------------------------------------

    def create(self, payload: dict[str, Any], *, title: str, department: str, ministry: str | None, text: str,
               created_by: str, dictionary: dict[str, Any], model_id: str, source_set_id: str | None = None) -> str:
        """``source_set_id``: the suggestion set this position was built from; its decisions carry over."""
        payload = _checked_payload(payload)
        n = self.limits.max_name_chars
        check_text(text, "text", max_chars=self.limits.max_text_chars, required=True)
        at = utcnow()
        row = PositionRow(
            id=new_id(), title=check_name(title, "title", max_chars=n),
            department=check_name(department, "department", max_chars=n),
            ministry=check_name(ministry, "ministry", max_chars=n) if ministry and ministry.strip() else None,
            text=text, created_by=check_name(created_by, "created_by", max_chars=n), created_at=at,
            dictionary_name=str(dictionary.get("name", "")), dictionary_version=str(dictionary.get("version", "")),
            dictionary_fingerprint=str(dictionary.get("fingerprint", "")), model_id=str(model_id),
            revision=1, payload=payload, source_set_id=source_set_id)
        with self._write() as s:
            if source_set_id is not None and (not isinstance(source_set_id, str) or len(source_set_id) > 32
                                              or s.get(SuggestionSetRow, source_set_id) is None):
                raise NotFound(f"no suggestion set {source_set_id!r}", code="suggestion_set_not_found")
            s.add(row)
            s.flush()
            s.add(PositionRevisionRow(position_id=row.id, revision=1, at=at, actor=row.created_by, op="create",
                                      detail={}, payload=payload))
            # not the text: it may hold personal details and the audit trail can never be purged
            audit.append_event(s, row.created_by, "position.create", row.id,
                               {"id": row.id, "title": row.title, "department": row.department,
                                "fingerprint": row.dictionary_fingerprint, "set_id": source_set_id})
        return row.id

    def load(self, position_id: str) -> dict[str, Any]:
        """The stored position as is (no reviews): what an edit or a rerun starts from."""
        with self._read() as s:
            return _plain(_get(s, position_id))

    def get(self, position_id: str) -> dict[str, Any]:
        """The position with each role competency's current review and required level."""
        with self._read() as s:
            row = _get(s, position_id)
            current = self._standing(s, row)
        out = _plain(row)
        payload = out.pop("payload")
        out.update({k: v for k, v in payload.items() if k not in ("roles", "params")})
        out["roles"] = [{**role, "competencies": [_reviewed(c, current.get(c["competency_id"]))
                                                  for c in role["competencies"]]}
                        for role in payload["roles"]]
        return out

    def save_revision(self, position_id: str, *, actor: str, op: str, detail: dict[str, Any],
                      payload: dict[str, Any], base_revision: int, dictionary: dict[str, Any] | None = None,
                      model_id: str | None = None) -> int:
        """Append revision base_revision + 1 and make it current; refused when another change got
        there first, so two reviewers editing at once cannot silently undo each other."""
        actor = check_name(actor, "actor", max_chars=self.limits.max_name_chars)
        payload = _checked_payload(payload)
        detail = copy_payload(detail)
        with self._write() as s:
            row = _get(s, position_id)
            if row.revision != base_revision:
                raise Conflict(f"position {position_id} changed meanwhile (revision {row.revision}, "
                               f"not {base_revision}); reload and retry", code="revision_conflict",
                               detail={"revision": row.revision})
            row.revision = base_revision + 1
            row.payload = payload
            if dictionary is not None:
                row.dictionary_name = str(dictionary.get("name", ""))
                row.dictionary_version = str(dictionary.get("version", ""))
                row.dictionary_fingerprint = str(dictionary.get("fingerprint", ""))
            if model_id is not None:
                row.model_id = model_id
            s.add(PositionRevisionRow(position_id=row.id, revision=row.revision, at=utcnow(), actor=actor, op=op,
                                      detail=detail, payload=payload))
            kind = "position.rerun" if op == "rerun" else "position.edit"
            audit.append_event(s, actor, kind, row.id, {"id": row.id, "revision": row.revision, "op": op,
                                                         "detail": detail})
            return row.revision

    def revisions(self, position_id: str) -> list[dict[str, Any]]:
        """Every revision, oldest first, without payloads (those can be large)."""
        with self._read() as s:
            _get(s, position_id)
            rows = s.scalars(select(PositionRevisionRow).where(PositionRevisionRow.position_id == position_id)
                             .order_by(PositionRevisionRow.revision))
            return [{"revision": r.revision, "at": iso(r.at), "actor": r.actor, "op": r.op, "detail": r.detail}
                    for r in rows]

    def revision_payload(self, position_id: str, revision: int) -> dict[str, Any]:
        with self._read() as s:
            row = s.scalar(select(PositionRevisionRow).where(PositionRevisionRow.position_id == position_id,
                                                             PositionRevisionRow.revision == revision))
            if row is None:
                raise NotFound(f"no revision {revision} of position {position_id!r}", code="revision_not_found")
            return dict(row.payload)

    def list_positions(self, *, limit: int = 50, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        check_page(limit, offset, self.limits)
        with self._read() as s:
            total = int(s.scalar(select(func.count()).select_from(PositionRow)) or 0)
            rows = s.execute(select(PositionRow.id, PositionRow.title, PositionRow.department, PositionRow.ministry,
                                    PositionRow.created_at, PositionRow.revision)
                             .order_by(PositionRow.created_at.desc(), PositionRow.id).limit(limit).offset(offset))
            items = [{"id": r.id, "title": r.title, "department": r.department, "ministry": r.ministry,
                      "created_at": iso(r.created_at), "revision": r.revision} for r in rows]
        return items, total

    # -- decisions -------------------------------------------------------------------------------

    def record_decisions(self, position_id: str, reviewer: str, decisions: list[dict[str, Any]], *,
                         idempotency_key: str | None = None,
                         dictionary_ids: Collection[str] = ()) -> list[dict[str, Any]]:
        """As ``Store.record_decisions``; an "add" names a role of the current revision by its index."""
        subject = review_log.Subject("position", position_id)
        reviewer, items, idempotency_key, request_hash = prepare_decisions(
            subject.owner, reviewer, decisions, idempotency_key, self.limits)
        with self._write() as s:
            prior = review_log.replay(s, subject, reviewer, idempotency_key, request_hash)
            if prior is not None:
                return prior  # a replay: answer as before, write nothing
            row = _get(s, position_id)
            roles = row.payload["roles"]
            placement = review_log.Placement(
                suggested={c["competency_id"] for role in roles for c in role["competencies"]},
                dictionary_ids=dictionary_ids, roles=range(len(roles)))
            return review_log.record(s, subject, reviewer, items, placement=placement,
                                     idempotency_key=idempotency_key, request_hash=request_hash)

    def decision_history(self, position_id: str, competency_id: str | None = None) -> list[dict[str, Any]]:
        """Every decision on the position itself, superseded and withdrawn ones included, oldest first."""
        with self._read() as s:
            _get(s, position_id)
            subject = review_log.Subject("position", position_id)
            return [decision_dict(r) for r in review_log.rows(s, subject, competency_id)]

    def current_decisions(self, position_id: str) -> list[dict[str, Any]]:
        """The decision that stands on each competency: the position's own, else the one inherited from the
        suggestion set it was built from (``inherited_from``: that set's id)."""
        with self._read() as s:
            row = _get(s, position_id)
            standing = self._standing(s, row)
        return [{**decision_dict(d), "inherited_from": inherited}
                for d, inherited in sorted(standing.values(), key=lambda t: (t[1] is None, t[0].id))]

    @staticmethod
    def _standing(session: Session, row: PositionRow) -> dict[str, tuple[ReviewRow, str | None]]:
        """{competency_id: (decision, set id it is inherited from or None)}. The set's decisions count only for
        competencies the reviewers of the position have not decided on themselves."""
        own = review_log.current(review_log.rows(session, review_log.Subject("position", row.id)))
        out: dict[str, tuple[ReviewRow, str | None]] = {cid: (d, None) for cid, d in own.items()}
        if row.source_set_id is not None:
            inherited = review_log.current(review_log.rows(session, review_log.Subject("set", row.source_set_id)))
            for cid, d in inherited.items():
                # a set's "add" names an activity of the set, not a role: it is not placed in a role here
                if cid not in out and d.action != "add":
                    out[cid] = (d, row.source_set_id)
        return out


# -- helpers ---------------------------------------------------------------------------------------


def _get(session: Session, position_id: str) -> PositionRow:
    row = session.get(PositionRow, position_id) if isinstance(position_id, str) and len(position_id) <= 32 else None
    if row is None:
        raise NotFound(f"no position {position_id!r}", code="position_not_found")
    return row


def _plain(row: PositionRow) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "department": row.department, "ministry": row.ministry,
            "text": row.text, "created_by": row.created_by, "created_at": iso(row.created_at),
            "revision": row.revision, "set_id": row.source_set_id,
            "dictionary": {"name": row.dictionary_name, "version": row.dictionary_version,
                           "fingerprint": row.dictionary_fingerprint},
            "model": {"id": row.model_id}, "payload": dict(row.payload)}


def _reviewed(competency: dict[str, Any], standing: tuple[ReviewRow, str | None] | None) -> dict[str, Any]:
    decision, inherited = standing if standing is not None else (None, None)
    level = decision.level if decision is not None and decision.level is not None else competency["suggested_level"]
    return {**competency, "review": review_log.review_dict(decision, inherited_from=inherited),
            "required_level": level}


def _checked_payload(payload: Any) -> dict[str, Any]:
    payload = copy_payload(payload)
    roles = payload.get("roles")
    if not isinstance(roles, list) or not all(isinstance(r, dict) and isinstance(r.get("competencies"), list)
                                              and isinstance(r.get("activities"), list) for r in roles):
        raise InputError("payload 'roles' must be a list of {name, activities, competencies}",
                         code="invalid_payload")
    return payload
