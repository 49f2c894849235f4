"""Checking a batch of reviewer decisions, and how a stored decision reads: one shape for suggestion sets and
positions (the subject is a set or a position; ``review_log.py`` keeps the log)."""

from __future__ import annotations

import hashlib
from typing import Any

from ..errors import InputError
from ._checks import Limits, check_level, check_name, check_text
from .audit import canonical_json
from .models import ACTIONS, ASK_TAGS, iso

_DECISION_KEYS = frozenset({"competency_id", "action", "level", "ask_tag", "reason_code", "comment",
                            "activity_index", "role_id"})


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
    # the placement keys join the hash only when used, so a request hashed before they existed still matches
    hashed = [{k: v for k, v in it.items() if v is not None or k not in ("activity_index", "role_id")}
              for it in items]
    request_hash = hashlib.sha256(canonical_json({**owner, "decisions": hashed}).encode()).hexdigest()
    return reviewer, items, idempotency_key, request_hash


def decision_dict(row: Any) -> dict[str, Any]:
    """A stored decision as the API answers it; a set's carries set_id, a position's position_id."""
    owner = {"set_id": row.set_id} if row.set_id is not None else {"position_id": row.position_id}
    return {"id": row.id, **owner, "competency_id": row.competency_id, "action": row.action, "level": row.level,
            "ask_tag": row.ask_tag, "reason_code": row.reason_code, "comment": row.comment,
            "activity_index": row.activity_index, "role_id": row.role_id,
            "reviewer": row.reviewer, "at": iso(row.at), "supersedes_id": row.supersedes_id,
            "idempotency_key": row.idempotency_key}


def _index(raw: Any, field: str) -> int | None:
    if raw is None:
        return None
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
        raise InputError(f"{field} must be a whole number from 0", code="invalid_decision", detail={"field": field})
    return raw


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
        "activity_index": _index(raw.get("activity_index"), "activity_index"),
        "role_id": _index(raw.get("role_id"), "role_id"),
    }
    if action == "modify" and item["level"] is None and ask_tag is None:
        raise InputError("a 'modify' decision must change the level or the ASK tag", code="modify_needs_change")
    if action != "add" and (item["activity_index"] is not None or item["role_id"] is not None):
        raise InputError("activity_index and role_id place an 'add'; other actions take neither",
                         code="placement_needs_add")
    return item
