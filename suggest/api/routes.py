"""Suggestion sets and their review under /v1. Handlers are thin: validate, call the suggester or the store,
shape the answer; the answer's model (`out_suggestions`) is the contract integrators generate clients from."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request

from .. import formats
from ..suggester import check_ranking, check_text
from .contract import RATED, WITH_BODY, WITH_ID, errors
from .deps import IdempotencyKey, Paging, Reviewer, Viewer, dictionary_ids, services as _services
from .download import CSV_RESPONSE, csv_download
from .models import DecisionsRequest, ProposalIn, SuggestRequest
from .out_suggestions import (DecisionBatch, DecisionHistory, FracPosition, IgotExport, PositionMapping, Proposal,
                              SuggestionSet, SuggestionSetPage)
from .rate import ModelRate, WriteRate

router = APIRouter(prefix="/v1")


@router.post("/suggestions", status_code=201, response_model=SuggestionSet, operation_id="createSuggestionSet",
             responses=errors(*WITH_BODY, *RATED), tags=["suggestions"], dependencies=[ModelRate])
def create_suggestions(body: SuggestRequest, request: Request, who: Viewer) -> Any:
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


@router.get("/suggestions", response_model=SuggestionSetPage, operation_id="listSuggestionSets",
            responses=errors(), tags=["suggestions"])
def list_suggestions(request: Request, who: Viewer, paging: Paging, position: str | None = None,
                     status: Literal["open", "in_review", "reviewed"] | None = None) -> Any:
    items, total = _services(request).need_store().list_suggestion_sets(position=position, status=status,
                                                                         limit=paging.limit, offset=paging.offset)
    return paging.page(items, total)


@router.get("/suggestions/{set_id}", response_model=SuggestionSet, operation_id="getSuggestionSet",
            responses=errors(*WITH_ID), tags=["suggestions"])
def get_suggestions(set_id: str, request: Request, who: Viewer) -> Any:
    return _services(request).need_store().get_suggestion_set(set_id)


@router.post("/suggestions/{set_id}/decisions", status_code=201, response_model=DecisionBatch,
             operation_id="recordDecisions", responses=errors(*WITH_ID, *WITH_BODY, *RATED, 409), tags=["review"],
             dependencies=[WriteRate])
def post_decisions(set_id: str, body: DecisionsRequest, request: Request, who: Reviewer,
                   idempotency_key: IdempotencyKey = None) -> Any:
    """Accept, reject or modify suggestions; add a dictionary competency the service missed to an activity
    (`add` with `activity_index`); take back your newest decision on a competency (`withdraw`). The reviewer
    is the API key's owner; a later decision on the same item supersedes the earlier one, and all stay in the
    history. A repeated Idempotency-Key with the same body answers as before and writes nothing; with
    another body it is 409."""
    store = _services(request).need_store()
    ids: frozenset[str] = frozenset()
    if any(d.action == "add" for d in body.decisions):
        ids = dictionary_ids(request, store.get_suggestion_set(set_id)["dictionary"], body.decisions)
    stored = store.record_decisions(set_id, who.name, [d.model_dump() for d in body.decisions],
                                    idempotency_key=idempotency_key, dictionary_ids=ids)
    return {"set_id": set_id, "decisions": stored}


@router.get("/suggestions/{set_id}/decisions", response_model=DecisionHistory, operation_id="getDecisionHistory",
            responses=errors(*WITH_ID), tags=["review"])
def decision_history(set_id: str, request: Request, who: Viewer, competency_id: str | None = None) -> Any:
    """Where each competency stands now (`current`, reviewers' adds included) and every decision ever sent."""
    store = _services(request).need_store()
    current = [d for d in store.current_decisions(set_id) if competency_id in (None, d["competency_id"])]
    return {"set_id": set_id, "current": current, "history": store.decision_history(set_id, competency_id)}


@router.post("/suggestions/{set_id}/proposals", status_code=201, response_model=Proposal,
             operation_id="createProposal", responses=errors(*WITH_ID, *WITH_BODY, *RATED), tags=["review"],
             dependencies=[WriteRate])
def create_proposal(set_id: str, body: ProposalIn, request: Request, who: Reviewer) -> Any:
    """Propose a new competency from an unmatched activity; curators approve or reject it."""
    return _services(request).need_store().create_proposal(
        set_id, activity_index=body.activity_index, name=body.name, type=body.type, ask=body.ask.model_dump(),
        level=body.level, rationale=body.rationale, proposed_by=who.name)


@router.get("/mappings/{title}/competencies", response_model=PositionMapping | IgotExport | FracPosition,
            operation_id="getMapping", responses={**errors(), **CSV_RESPONSE}, tags=["positions"])
def mapping_competencies(title: str, request: Request, who: Viewer,
                         format: Literal["json", "igot", "frac", "csv"] = "json") -> Any:
    """The accepted mapping of a position title as given when suggesting (`position` of a suggestion set),
    across every set saved under that title, in our shape (PositionMapping), iGOT's competencies_v6
    (IgotExport), FRAC's (FracPosition), or CSV. A title nobody used has an empty mapping. Stored positions
    with roles are under /v1/positions/{position_id}."""
    services = _services(request)
    mapping = services.need_store().position_mapping(title)
    if format == "igot":
        return formats.to_igot(title, mapping)
    if format == "frac":
        dictionary = services.suggester.dictionary if services.suggester else None
        return formats.to_frac(title, formats.roles_from_mapping(title, mapping), dictionary)
    if format == "csv":
        return csv_download(formats.to_csv(mapping), title)
    return {"position": title, "competencies": mapping}
