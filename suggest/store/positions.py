"""``PositionStore``: positions with roles, their revisions and the reviewers' decisions on them.

It shares the engine, the serialised writer and the audit chain with ``Store`` (``store.positions``).
Nothing is overwritten without a trace: ``positions`` holds the current payload for quick reads, and
every change also appends a ``position_revisions`` row in the same transaction as its audit event.

Decisions are per (position, competency), not per role: after roles are merged, split or rerun, a
decision still applies wherever that competency still appears, and stops showing where it no longer
does without being lost.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import Conflict, InputError, NotFound
from . import audit
from ._checks import check_name, check_page, check_text, copy_payload
from .db import Sessions
from .models import PositionDecisionRow, PositionRevisionRow, PositionRow, iso, new_id, utcnow
from .decisions import decision_dict, prepare_decisions

ACCEPTED = ("accept", "modify")


class PositionStore(Sessions):
    # -- positions -------------------------------------------------------------------------------

    def create(self, payload: dict[str, Any], *, title: str, department: str, ministry: str | None, text: str,
               created_by: str, dictionary: dict[str, Any], model_id: str) -> str:
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
            revision=1, payload=payload)
        with self._write() as s:
            s.add(row)
            s.flush()
            s.add(PositionRevisionRow(position_id=row.id, revision=1, at=at, actor=row.created_by, op="create",
                                      detail={}, payload=payload))
            # not the text: it may hold personal details and the audit trail can never be purged
            audit.append_event(s, row.created_by, "position.create", row.id,
                               {"id": row.id, "title": row.title, "department": row.department,
                                "fingerprint": row.dictionary_fingerprint})
        return row.id

    def load(self, position_id: str) -> dict[str, Any]:
        """The stored position as is (no reviews): what an edit or a rerun starts from."""
        with self._read() as s:
            return _plain(_get(s, position_id))

    def get(self, position_id: str) -> dict[str, Any]:
        """The position with each role competency's current review and required level."""
        with self._read() as s:
            row = _get(s, position_id)
            current = _current(s, position_id)
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
                         idempotency_key: str | None = None) -> list[dict[str, Any]]:
        reviewer, items, idempotency_key, request_hash = prepare_decisions(
            {"position_id": position_id}, reviewer, decisions, idempotency_key, self.limits)
        D = PositionDecisionRow
        with self._write() as s:
            if idempotency_key is not None:
                prior = s.scalars(select(D).where(D.idempotency_key == idempotency_key, D.reviewer == reviewer)
                                  .order_by(D.id)).all()
                if prior:
                    if any(p.request_hash != request_hash for p in prior):
                        raise Conflict("this Idempotency-Key was already used with a different request",
                                       code="idempotency_key_reused")
                    return [decision_dict(p) for p in prior]  # a replay: answer as before, write nothing
            row = _get(s, position_id)
            known = {c["competency_id"] for role in row.payload["roles"] for c in role["competencies"]}
            unknown = sorted({it["competency_id"] for it in items} - known)
            if unknown:
                raise InputError(f"not suggested for position {position_id}: {', '.join(unknown)}",
                                 code="unknown_competency", detail={"competency_ids": unknown})
            own_latest: dict[str, int] = dict(s.execute(
                select(D.competency_id, func.max(D.id))
                .where(D.position_id == position_id, D.reviewer == reviewer).group_by(D.competency_id)).all())
            at = utcnow()
            out = []
            for it in items:
                d = D(position_id=position_id, reviewer=reviewer, at=at, idempotency_key=idempotency_key,
                      request_hash=request_hash if idempotency_key else None,
                      supersedes_id=own_latest.get(it["competency_id"]), **it)
                s.add(d)
                s.flush()
                own_latest[d.competency_id] = d.id
                stored = decision_dict(d)
                audit.append_event(s, reviewer, "position.decision", f"{position_id}/{d.competency_id}",
                                   {**{k: v for k, v in stored.items() if k != "at"},
                                    "row_hash": audit.row_digest(d)})
                out.append(stored)
        return out

    def decision_history(self, position_id: str, competency_id: str | None = None) -> list[dict[str, Any]]:
        """Every decision, superseded ones included, oldest first."""
        D = PositionDecisionRow
        with self._read() as s:
            _get(s, position_id)
            query = select(D).where(D.position_id == position_id)
            if competency_id is not None:
                query = query.where(D.competency_id == competency_id)
            return [decision_dict(r) for r in s.scalars(query.order_by(D.id))]


# -- helpers ---------------------------------------------------------------------------------------


def _get(session: Session, position_id: str) -> PositionRow:
    row = session.get(PositionRow, position_id) if isinstance(position_id, str) and len(position_id) <= 32 else None
    if row is None:
        raise NotFound(f"no position {position_id!r}", code="position_not_found")
    return row


def _current(session: Session, position_id: str) -> dict[str, PositionDecisionRow]:
    """{competency_id: newest decision} across all reviewers."""
    current: dict[str, PositionDecisionRow] = {}
    for row in session.scalars(select(PositionDecisionRow).where(PositionDecisionRow.position_id == position_id)
                               .order_by(PositionDecisionRow.id)):
        current[row.competency_id] = row  # ascending id: the last one is the newest
    return current


def _plain(row: PositionRow) -> dict[str, Any]:
    return {"id": row.id, "title": row.title, "department": row.department, "ministry": row.ministry,
            "text": row.text, "created_by": row.created_by, "created_at": iso(row.created_at),
            "revision": row.revision,
            "dictionary": {"name": row.dictionary_name, "version": row.dictionary_version,
                           "fingerprint": row.dictionary_fingerprint},
            "model": {"id": row.model_id}, "payload": dict(row.payload)}


def _reviewed(competency: dict[str, Any], decision: PositionDecisionRow | None) -> dict[str, Any]:
    review = None if decision is None else {
        "action": decision.action, "level": decision.level, "ask_tag": decision.ask_tag,
        "reason_code": decision.reason_code, "comment": decision.comment, "reviewer": decision.reviewer,
        "at": iso(decision.at)}
    level = decision.level if decision is not None and decision.level is not None else competency["suggested_level"]
    return {**competency, "review": review, "required_level": level}


def _checked_payload(payload: Any) -> dict[str, Any]:
    payload = copy_payload(payload)
    roles = payload.get("roles")
    if not isinstance(roles, list) or not all(isinstance(r, dict) and isinstance(r.get("competencies"), list)
                                              and isinstance(r.get("activities"), list) for r in roles):
        raise InputError("payload 'roles' must be a list of {name, activities, competencies}",
                         code="invalid_payload")
    return payload
