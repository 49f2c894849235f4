"""Checking a batch of reviewer decisions, shared by suggestion sets and positions."""

from __future__ import annotations

import hashlib
from typing import Any

from ..errors import InputError
from ._checks import Limits, check_level, check_name, check_text
from .audit import canonical_json
from .models import ACTIONS, ASK_TAGS, iso

_DECISION_KEYS = frozenset({"competency_id", "action", "level", "ask_tag", "reason_code", "comment"})


def prepare_decisions(owner: dict[str, str], reviewer: str, decisions: Any, idempotency_key: str | None,
                      limits: Limits) -> tuple[str, list[dict[str, Any]], str | None, str]:
    """Check a batch of decisions (for a suggestion set or a position); return the checked reviewer,
    items and key, and the request hash that idempotent replays are compared by."""
    reviewer = check_name(reviewer, "reviewer", max_chars=limits.max_name_chars)
    if not isinstance(decisions, list) or not decisions:
        raise InputError("decisions must be a non-empty list", code="no_decisions")
    if len(decisions) > limits.max_decisions:
        raise InputError(f"at most {limits.max_decisions} decisions per request; send them in smaller batches",
                         code="too_many_decisions", detail={"limit": limits.max_decisions})
    items = [_normalise_decision(d, limits) for d in decisions]
    if idempotency_key is not None:
        idempotency_key = check_name(idempotency_key, "idempotency_key", max_chars=limits.max_name_chars)
    request_hash = hashlib.sha256(canonical_json({**owner, "decisions": items}).encode()).hexdigest()
    return reviewer, items, idempotency_key, request_hash


def decision_dict(row: Any) -> dict[str, Any]:
    """A stored decision as the API answers it; a set's carries set_id, a position's position_id."""
    owner = {"set_id": row.set_id} if hasattr(row, "set_id") else {"position_id": row.position_id}
    return {"id": row.id, **owner, "competency_id": row.competency_id, "action": row.action, "level": row.level,
            "ask_tag": row.ask_tag, "reason_code": row.reason_code, "comment": row.comment,
            "reviewer": row.reviewer, "at": iso(row.at), "supersedes_id": row.supersedes_id,
            "idempotency_key": row.idempotency_key}


def _normalise_decision(raw: Any, limits: Limits) -> dict[str, Any]:
    """Validate one decision; the result has every key, so equal requests hash equally."""
    if not isinstance(raw, dict):
        raise InputError("each decision must be an object", code="invalid_decision")
    extra = sorted(set(raw) - _DECISION_KEYS)
    if extra:
        # identity and timestamps come from the store, never from the caller (mass assignment)
        raise InputError(f"unexpected fields in decision: {', '.join(extra)}", code="invalid_decision")
    action = raw.get("action")
    if action not in ACTIONS:
        raise InputError(f"action must be one of {', '.join(ACTIONS)}", code="invalid_action")
    ask_tag = raw.get("ask_tag")
    if ask_tag is not None and ask_tag not in ASK_TAGS:
        raise InputError(f"ask_tag must be one of {', '.join(ASK_TAGS)}", code="invalid_ask_tag")
    item = {
        "competency_id": check_name(raw.get("competency_id"), "competency_id", max_chars=limits.max_id_chars),
        "action": action,
        "level": check_level(raw.get("level")),
        "ask_tag": ask_tag,
        "reason_code": check_text(raw.get("reason_code"), "reason_code", max_chars=limits.max_id_chars),
        "comment": check_text(raw.get("comment"), "comment", max_chars=limits.max_comment_chars),
    }
    if action == "modify" and item["level"] is None and ask_tag is None:
        raise InputError("a 'modify' decision must change the level or the ASK tag", code="modify_needs_change")
    return item
