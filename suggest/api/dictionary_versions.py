"""New competencies reach the dictionary under /v1/dictionary: drafts written from proposals, published as
versions (admin); the versions and what this server serves (any key).

Publishing commits the version and wakes this server's watcher, which rebuilds the index in the
background and swaps the suggester; other replicas pick the version up at their next poll
(`suggest/dictionary_watch.py`)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request

from .contract import RATED, WITH_BODY, WITH_ID, errors
from .deps import Admin, Paging, Viewer, services as _services
from .draft_models import DraftIn, DraftPatch, PublishIn
from .out_dictionary import Draft, DictionaryVersion, DictionaryVersionPage, DraftPage
from .rate import WriteRate

router = APIRouter(prefix="/v1/dictionary", tags=["dictionary"])


def _versions(request: Request) -> Any:
    return _services(request).need_store().dictionary_versions


@router.post("/drafts", status_code=201, response_model=Draft, operation_id="createDictionaryDraft",
             responses=errors(*WITH_ID, *WITH_BODY, *RATED, 409), dependencies=[WriteRate])
def create_draft(body: DraftIn, request: Request, who: Admin) -> Any:
    """Turn a proposal into a draft entry: the proposal's name, type and ASK, with the text given here. It is
    saved when well formed; `missing` lists what it still needs before it can be published."""
    base = _services(request).base()  # new ids must not clash with the base dictionary's
    return _versions(request).create_draft(body.proposal_id, body.fields(), actor=who.name, base=base)


@router.get("/drafts", response_model=DraftPage, operation_id="listDictionaryDrafts", responses=errors())
def list_drafts(request: Request, who: Admin, paging: Paging,
                status: Literal["draft", "published"] | None = None) -> Any:
    items, total = _versions(request).list_drafts(status=status, limit=paging.limit, offset=paging.offset)
    return paging.page(items, total)


@router.get("/drafts/{draft_id}", response_model=Draft, operation_id="getDictionaryDraft",
            responses=errors(*WITH_ID))
def get_draft(draft_id: str, request: Request, who: Admin) -> Any:
    return _versions(request).get_draft(draft_id)


@router.patch("/drafts/{draft_id}", response_model=Draft, operation_id="updateDictionaryDraft",
              responses=errors(*WITH_ID, *WITH_BODY, *RATED, 409), dependencies=[WriteRate])
def update_draft(draft_id: str, body: DraftPatch, request: Request, who: Admin) -> Any:
    """Edit a draft before it is published; fields left out keep their value."""
    return _versions(request).update_draft(draft_id, body.fields(), actor=who.name, revision=body.revision)


@router.post("/versions", status_code=201, response_model=DictionaryVersion,
             operation_id="publishDictionaryVersion", responses=errors(*WITH_ID, *WITH_BODY, *RATED, 409),
             dependencies=[WriteRate])
def publish(body: PublishIn, request: Request, who: Admin) -> Any:
    """Publish drafts (all unpublished ones when none are named) as a new dictionary version, active at
    once. Refused whole when a draft's proposal is not approved, a draft is incomplete, or a name is
    already taken. Servers switch to it once their index is rebuilt (seconds); until then they serve the
    version before."""
    services = _services(request)
    version = _versions(request).publish(body.draft_ids, actor=who.name, base=services.base(),
                                         comment=body.comment)
    services.watcher.wake()
    return version


@router.get("/versions", response_model=DictionaryVersionPage, operation_id="listDictionaryVersions",
            responses=errors())
def list_versions(request: Request, who: Viewer, paging: Paging) -> Any:
    """Published versions, newest first; `loaded` is what this server serves now."""
    services = _services(request)
    suggester = services.need_suggester()
    items, total = _versions(request).list_versions(limit=paging.limit, offset=paging.offset)
    return {**paging.page(items, total), "loaded": suggester.dictionary.info.model_dump(),
            "reloading": services.watcher.building, "reload_error": services.watcher.error}
