"""What every router shares: the role dependencies, the services, and the one paging dependency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Query, Request

from ..errors import Conflict, InputError
from .auth import Principal, require

# the same key and body answer as before and write nothing; the store bounds it like a name
IdempotencyKey = Annotated[str | None, Header(description="makes a retry safe: the same key with the same body "
                                                          "answers as before (1..CDE_MAX_NAME_CHARS characters)")]

Viewer = Annotated[Principal, Depends(require("viewer"))]
Reviewer = Annotated[Principal, Depends(require("reviewer"))]
Admin = Annotated[Principal, Depends(require("admin"))]


def services(request: Request) -> Any:
    return request.app.state.services


@dataclass(frozen=True)
class PageParams:
    limit: int
    offset: int

    def page(self, items: list[Any], total: int) -> dict[str, Any]:
        return {"items": items, "total": total, "limit": self.limit, "offset": self.offset}


def page_params(request: Request,
                limit: Annotated[int | None, Query(ge=1, description="Items per page (default and maximum are "
                                                                     "settings)")] = None,
                offset: Annotated[int, Query(ge=0, description="Items to skip (at most a setting)")] = 0
                ) -> PageParams:
    """Every list route pages through this, so they share one bound: CDE_MAX_PAGE_SIZE and
    CDE_MAX_PAGE_OFFSET. Both are checked here, before SQL, because a Python int has no ceiling and the
    database driver's has (an offset past 2**63 used to give 500). `contract.finish` puts the same
    maxima into the schema."""
    s = services(request).settings
    limit = min(s.default_page_size, s.max_page_size) if limit is None else limit
    if not 1 <= limit <= s.max_page_size or not 0 <= offset <= s.max_page_offset:
        raise InputError(f"limit must be 1..{s.max_page_size} and offset 0..{s.max_page_offset}",
                         code="page_out_of_range",
                         detail={"max_page_size": s.max_page_size, "max_page_offset": s.max_page_offset})
    return PageParams(limit, offset)


Paging = Annotated[PageParams, Depends(page_params)]


def dictionary_ids(request: Request, made_with: dict[str, Any], decisions: list[Any]) -> frozenset[str]:
    """The competency ids an "add" may name: the loaded dictionary's, which must be the one the set or position
    was made with (an id from another version could mean something else there). Nothing is loaded for a
    batch without adds."""
    if not any(d.action == "add" for d in decisions):
        return frozenset()
    dictionary = services(request).need_suggester().dictionary
    if made_with.get("fingerprint") != dictionary.fingerprint:
        raise Conflict("this was made with another dictionary than the one loaded now, so an added competency "
                       "cannot be checked against it", code="dictionary_changed",
                       detail={"made_with": made_with, "loaded": dictionary.info.model_dump(mode="json")})
    return frozenset(e.id for e in dictionary.entries)
