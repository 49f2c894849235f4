"""What the learning loop may learn from: every reviewer's current decisions on sets and positions, minus
those from reviewers whose keys are all revoked and those an admin flagged as spam.

Spam flags are audit events (kind `decision.spam`, subject `set:ID` or `position:ID`) rather than a new
table: they are append-only, attributed and covered by the chain like every other admin act.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InputError, NotFound
from ..learning import Decision
from .audit import append_event
from .models import ApiKeyRow, AuditEventRow, PositionRow, ReviewRow, SuggestionSetRow
from .review_log import ACCEPTED, stacks

SPAM_KIND = "decision.spam"
KINDS = ("set", "position")


def flag_spam(session: Session, kind: str, decision_id: int, *, actor: str, reason: str | None) -> dict[str, Any]:
    if kind not in KINDS:
        raise InputError("kind must be 'set' or 'position'", code="invalid_input")
    row = session.get(ReviewRow, decision_id) if isinstance(decision_id, int) else None
    if row is None or row.subject_kind != kind:
        raise NotFound(f"no {kind} decision {decision_id}", code="decision_not_found")
    append_event(session, actor, SPAM_KIND, f"{kind}:{decision_id}", {"kind": kind, "id": decision_id,
                                                                       "reason": reason})
    return {"kind": kind, "id": decision_id, "flagged_by": actor, "reason": reason}


def learning_decisions(session: Session) -> tuple[list[Decision], dict[str, int]]:
    """Oldest first, each reviewer's standing decision per (subject, competency); and what was left out. An "add"
    is a positive example of (the activity it names, the competency)."""
    spam = {row for row in session.scalars(select(AuditEventRow.subject).where(AuditEventRow.kind == SPAM_KIND))}
    keys: dict[str, bool] = {}
    for name, revoked in session.execute(select(ApiKeyRow.name, ApiKeyRow.revoked_at)):
        keys[name] = keys.get(name, False) or revoked is None  # True: the reviewer still has an active key
    revoked_only = {name for name, active in keys.items() if not active}
    evidence = _Evidence(session)
    logs: dict[str, list[ReviewRow]] = {}
    for row in session.scalars(select(ReviewRow).order_by(ReviewRow.id)):
        logs.setdefault(f"{row.subject_kind}:{row.subject_id}", []).append(row)
    current: list[tuple[Any, Decision]] = []
    left_out = {"spam": 0, "revoked_key": 0, "superseded": 0}
    for subject, log in logs.items():
        kind, subject_id = subject.split(":", 1)
        kept = []
        for row in log:
            if f"{kind}:{row.id}" in spam:
                left_out["spam"] += 1
            elif row.reviewer in revoked_only:
                left_out["revoked_key"] += 1
            else:
                kept.append(row)
        # each reviewer's standing decision per competency; a withdrawn one teaches nothing
        standing = [stack[-1] for stack in stacks(kept).values() if stack]
        left_out["superseded"] += len(kept) - len(standing)
        for row in standing:
            text = evidence.text(kind, subject_id, row.competency_id, row.activity_index)
            current.append((row.at, Decision(row.competency_id, row.action in ACCEPTED, row.reviewer, text)))
    ordered = [d for _, d in sorted(current, key=lambda t: t[0])]
    return ordered, left_out


class _Evidence:
    """The activity text each decided suggestion cited first: what the memory learns from."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[tuple[str, str], dict[str, str]] = {}

    def text(self, kind: str, subject: str, competency_id: str, activity_index: int | None = None) -> str:
        if (kind, subject) not in self.cache:
            self.cache[(kind, subject)] = self._load(kind, subject)
        if activity_index is not None:  # a reviewer's "add" names the activity it belongs to
            return self.cache[(kind, subject)].get(f"#{activity_index}", "")
        return self.cache[(kind, subject)].get(competency_id, "")

    def _load(self, kind: str, subject: str) -> dict[str, str]:
        row = self.session.get(SuggestionSetRow if kind == "set" else PositionRow, subject)
        if row is None:
            return {}
        activities = row.payload.get("activities", []) if kind == "set" else \
            [a for role in row.payload.get("roles", []) for a in role.get("activities", [])]
        items = row.payload.get("suggestions", []) if kind == "set" else \
            [c for role in row.payload.get("roles", []) for c in role.get("competencies", [])]
        out: dict[str, str] = {f"#{a.get('index', i)}": str(a.get("text", "")) for i, a in enumerate(activities)}
        for item in items:
            ev = item.get("evidence") or []
            if ev and item.get("competency_id") not in out:
                out[item["competency_id"]] = str(ev[0].get("text", ""))
        return out
