"""What every router shares: the role dependencies, the services, and the one paging dependency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from ..errors import InputError
from .auth import Principal, require

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
                limit: Annotated[int | None, Query(description="Items per page (default and maximum are "
                                                               "settings)")] = None,
                offset: Annotated[int, Query(description="Items to skip")] = 0) -> PageParams:
    """Every list route pages through this, so they share one bound: CDE_MAX_PAGE_SIZE."""
    s = services(request).settings
    limit = min(s.default_page_size, s.max_page_size) if limit is None else limit
    if not 1 <= limit <= s.max_page_size or offset < 0:
        raise InputError(f"limit must be 1..{s.max_page_size} and offset >= 0", code="page_out_of_range",
                         detail={"max_page_size": s.max_page_size})
    return PageParams(limit, offset)


Paging = Annotated[PageParams, Depends(page_params)]
