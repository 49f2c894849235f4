"""Routes under /v1. Handlers are thin: validate, call the suggester or the store, shape the answer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request

from .. import formats
from ..errors import NotFound
from ..suggester import check_ranking, check_text
from .download import CSV_RESPONSE, csv_download
from .rate import ModelRate, WriteRate
from .deps import ERRORS, Admin, Paging, Reviewer, Viewer, services as _services
from .models import DecisionsRequest, ProposalIn, ProposalPatch, SuggestRequest

router = APIRouter(prefix="/v1")


@router.post("/suggestions", status_code=201, responses=ERRORS, tags=["suggestions"], dependencies=[ModelRate])
def create_suggestions(body: SuggestRequest, request: Request, who: Viewer) -> dict:
    """Suggest competencies for a job description and store the suggestion set for review."""
    services = _services(request)
    s = services.settings
    check_ranking(s, body.top_k, body.min_score)  # before waiting for the model slot
    text = check_text(body.text, s.max_text_chars)  # NFC: what is stored is what offsets refer to
    suggester = services.need_suggester()
    with services.model_slot():
        result = suggester.suggest(text, top_k=body.top_k, min_score=body.min_score, lang=body.lang)
    store = services.need_store()
    payload = result.model_dump(mode="json")
    set_id = store.save_suggestion_set(payload, text=text, position=body.position, department=body.department,
                                      created_by=who.name, top_k=body.top_k or s.top_k,
                                      min_score=s.min_score if body.min_score is None else body.min_score)
    return store.get_suggestion_set(set_id)


@router.get("/suggestions", responses=ERRORS, tags=["suggestions"])
def list_suggestions(request: Request, who: Viewer, paging: Paging, position: str | None = None,
                     status: Literal["open", "in_review", "reviewed"] | None = None) -> dict:
    items, total = _services(request).need_store().list_suggestion_sets(position=position, status=status,
                                                                         limit=paging.limit, offset=paging.offset)
    return paging.page(items, total)


@router.get("/suggestions/{set_id}", responses=ERRORS, tags=["suggestions"])
def get_suggestions(set_id: str, request: Request, who: Viewer) -> dict:
    return _services(request).need_store().get_suggestion_set(set_id)


@router.post("/suggestions/{set_id}/decisions", status_code=201, responses=ERRORS, tags=["review"],
             dependencies=[WriteRate])
def post_decisions(set_id: str, body: DecisionsRequest, request: Request, who: Reviewer,
                   idempotency_key: Annotated[str | None, Header()] = None) -> dict:
    """Accept, reject or modify suggestions. The reviewer is the API key's owner; a later decision on the
    same item supersedes the earlier one, and both stay in the history."""
    services = _services(request)
    stored = services.need_store().record_decisions(
        set_id, who.name, [d.model_dump() for d in body.decisions], idempotency_key=idempotency_key)
    return {"set_id": set_id, "decisions": stored}


@router.get("/suggestions/{set_id}/decisions", responses=ERRORS, tags=["review"])
def decision_history(set_id: str, request: Request, who: Viewer, competency_id: str | None = None) -> dict:
    store = _services(request).need_store()
    store.get_suggestion_set(set_id)  # 404 for an unknown set
    return {"set_id": set_id, "history": store.decision_history(set_id, competency_id)}


@router.post("/suggestions/{set_id}/proposals", status_code=201, responses=ERRORS, tags=["review"],
             dependencies=[WriteRate])
def create_proposal(set_id: str, body: ProposalIn, request: Request, who: Reviewer) -> dict:
    """Propose a new competency from an unmatched activity; curators approve or reject it."""
    return _services(request).need_store().create_proposal(
        set_id, activity_index=body.activity_index, name=body.name, type=body.type, ask=body.ask.model_dump(),
        level=body.level, rationale=body.rationale, proposed_by=who.name)


@router.get("/proposals", responses=ERRORS, tags=["curation"])
def list_proposals(request: Request, who: Admin, paging: Paging,
                   status: Literal["proposed", "approved", "rejected"] | None = None) -> dict:
    items, total = _services(request).need_store().list_proposals(status=status, limit=paging.limit,
                                                                  offset=paging.offset)
    return paging.page(items, total)


@router.get("/proposals/{proposal_id}", responses=ERRORS, tags=["curation"])
def get_proposal(proposal_id: str, request: Request, who: Admin) -> dict:
    return _services(request).need_store().get_proposal(proposal_id)


@router.patch("/proposals/{proposal_id}", responses=ERRORS, tags=["curation"], dependencies=[WriteRate])
def patch_proposal(proposal_id: str, body: ProposalPatch, request: Request, who: Admin) -> dict:
    return _services(request).need_store().update_proposal(proposal_id, status=body.status, actor=who.name,
                                                           comment=body.comment)


@router.get("/positions/{position}/competencies", responses={**ERRORS, **CSV_RESPONSE}, tags=["positions"])
def position_competencies(position: str, request: Request, who: Viewer,
                          format: Literal["json", "igot", "frac", "csv"] = "json"):
    """The accepted mapping of a position, in our shape, iGOT's competencies_v6, FRAC's, or CSV."""
    services = _services(request)
    mapping = services.need_store().position_mapping(position)
    if format == "igot":
        return formats.to_igot(position, mapping)
    if format == "frac":
        dictionary = services.suggester.dictionary if services.suggester else None
        return formats.to_frac(position, formats.roles_from_mapping(position, mapping), dictionary)
    if format == "csv":
        return csv_download(formats.to_csv(mapping), position)
    return {"position": position, "competencies": mapping}


@router.get("/competencies", responses=ERRORS, tags=["dictionary"])
def list_competencies(request: Request, who: Viewer, paging: Paging, q: str | None = Query(None, max_length=200),
                      type: Literal["Behavioural", "Functional", "Domain"] | None = None) -> dict:
    limit, offset = paging.limit, paging.offset
    d = _services(request).need_suggester().dictionary
    needle = (q or "").lower()
    hits = [e for e in d.entries if (type is None or e.type == type) and
            (not needle or needle in e.name.lower() or needle in e.theme.lower() or needle in e.description.lower()
             or needle in e.id.lower() or any(needle in a.lower() for a in e.aliases))]
    return {"dictionary": d.info.model_dump(), "total": len(hits), "limit": limit, "offset": offset,
            "items": [e.model_dump(mode="json") for e in hits[offset:offset + limit]]}


@router.get("/competencies/{competency_id}", responses=ERRORS, tags=["dictionary"])
def get_competency(competency_id: str, request: Request, who: Viewer) -> dict:
    entry = _services(request).need_suggester().dictionary.get(competency_id)
    if entry is None:
        raise NotFound(f"no competency {competency_id} in the loaded dictionary", code="competency_not_found")
    return entry.model_dump(mode="json")


@router.get("/audit", responses=ERRORS, tags=["admin"])
def audit(request: Request, who: Admin, paging: Paging, kind: str | None = None) -> dict:
    items, total = _services(request).need_store().list_events(limit=paging.limit, offset=paging.offset, kind=kind)
    return paging.page(items, total)
