"""What every router shares: the role dependencies, the services, and the one paging dependency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from ..errors import InputError
from .auth import Principal, require

# documented on every /v1 operation: each can answer these (404 for an unknown id or route, 429 and
# 503 under load), and schemathesis checks that no undocumented status comes back
ERRORS = {400: {"description": "malformed request"}, 401: {"description": "missing or invalid API key"},
          403: {"description": "role too low"}, 404: {"description": "no such item"},
          409: {"description": "clashed with an earlier change"},
          413: {"description": "body too large"}, 422: {"description": "invalid input"},
          429: {"description": "too many requests with this key (see Retry-After)"},
          503: {"description": "model, index or database not ready, or busy (see Retry-After)"}}

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
    database driver's has (an offset past 2**63 used to give 500). `bounded_openapi` puts the same
    maxima into the schema."""
    s = services(request).settings
    limit = min(s.default_page_size, s.max_page_size) if limit is None else limit
    if not 1 <= limit <= s.max_page_size or not 0 <= offset <= s.max_page_offset:
        raise InputError(f"limit must be 1..{s.max_page_size} and offset 0..{s.max_page_offset}",
                         code="page_out_of_range",
                         detail={"max_page_size": s.max_page_size, "max_page_offset": s.max_page_offset})
    return PageParams(limit, offset)


def bounded_openapi(schema: dict[str, Any], settings: Any) -> dict[str, Any]:
    """Write the settings' paging maxima into every list operation's parameters (the Query above can
    only carry constants)."""
    maxima = {"limit": settings.max_page_size, "offset": settings.max_page_offset}
    for ops in schema.get("paths", {}).values():
        for op in ops.values():
            for param in op.get("parameters", []) if isinstance(op, dict) else []:
                if param.get("in") == "query" and param.get("name") in maxima:
                    target = param["schema"]
                    target = next((t for t in target.get("anyOf", []) if t.get("type") == "integer"), target)
                    target["maximum"] = maxima[param["name"]]
    return schema


Paging = Annotated[PageParams, Depends(page_params)]
