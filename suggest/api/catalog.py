"""The dictionary (competencies), curation of proposed competencies, and the audit trail under /v1."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Request

from ..errors import NotFound
from ..search import search
from .contract import RATED, WITH_BODY, WITH_ID, errors
from .deps import Admin, Paging, Viewer, services as _services
from .models import ProposalPatch
from .out_common import AuditPage
from .out_suggestions import Competency, CompetencyPage, Proposal, ProposalPage
from .rate import WriteRate

router = APIRouter(prefix="/v1")


@router.get("/competencies", response_model=CompetencyPage, operation_id="listCompetencies", responses=errors(),
            tags=["dictionary"])
def list_competencies(request: Request, who: Viewer, paging: Paging, q: str | None = Query(None, max_length=200),
                      type: Literal["Behavioural", "Functional", "Domain"] | None = None) -> Any:
    """Entries of the loaded dictionary, in dictionary order; with `q`, searched by meaning and by words (the
    suggester's dense and BM25 ranking over names, descriptions, aliases, ASK statements and examples), best
    match first; entries whose name, id or alias holds `q` come first. For a reviewer's "add" box."""
    limit, offset = paging.limit, paging.offset
    services = _services(request)
    suggester = services.need_suggester()
    d = suggester.dictionary
    if q and q.strip():
        with services.model_slot():
            found = search(suggester, q.strip(), min_score=services.settings.search_min_score)
        hits = [e for e, _ in found if type is None or e.type == type]
    else:
        hits = [e for e in d.entries if type is None or e.type == type]
    return {"dictionary": d.info.model_dump(), "total": len(hits), "limit": limit, "offset": offset,
            "items": [e.model_dump(mode="json") for e in hits[offset:offset + limit]]}


@router.get("/competencies/{competency_id}", response_model=Competency, operation_id="getCompetency",
            responses=errors(*WITH_ID), tags=["dictionary"])
def get_competency(competency_id: str, request: Request, who: Viewer) -> Any:
    entry = _services(request).need_suggester().dictionary.get(competency_id)
    if entry is None:
        raise NotFound(f"no competency {competency_id} in the loaded dictionary", code="competency_not_found")
    return entry.model_dump(mode="json")


@router.get("/proposals", response_model=ProposalPage, operation_id="listProposals", responses=errors(),
            tags=["dictionary"])
def list_proposals(request: Request, who: Admin, paging: Paging,
                   status: Literal["proposed", "approved", "rejected"] | None = None) -> Any:
    """Competencies reviewers proposed for the dictionary (admin)."""
    items, total = _services(request).need_store().list_proposals(status=status, limit=paging.limit,
                                                                  offset=paging.offset)
    return paging.page(items, total)


@router.get("/proposals/{proposal_id}", response_model=Proposal, operation_id="getProposal",
            responses=errors(*WITH_ID), tags=["dictionary"])
def get_proposal(proposal_id: str, request: Request, who: Admin) -> Any:
    return _services(request).need_store().get_proposal(proposal_id)


@router.patch("/proposals/{proposal_id}", response_model=Proposal, operation_id="decideProposal",
              responses=errors(*WITH_ID, *WITH_BODY, *RATED, 409), tags=["dictionary"], dependencies=[WriteRate])
def patch_proposal(proposal_id: str, body: ProposalPatch, request: Request, who: Admin) -> Any:
    """Approve or reject a proposal, once (409 when it was already decided)."""
    return _services(request).need_store().update_proposal(proposal_id, status=body.status, actor=who.name,
                                                           comment=body.comment)


@router.get("/audit", response_model=AuditPage, operation_id="listAuditEvents", responses=errors(), tags=["admin"])
def audit(request: Request, who: Admin, paging: Paging, kind: str | None = Query(None, max_length=200)) -> Any:
    """The hash-chained audit trail, newest first (admin). For following changes, use GET /v1/events."""
    items, total = _services(request).need_store().list_events(limit=paging.limit, offset=paging.offset, kind=kind)
    return paging.page(items, total)
