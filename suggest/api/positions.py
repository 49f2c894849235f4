"""Positions with roles under /v1/positions: create from a JD, edit roles, decide, export, rerun, gap.

Handlers stay thin: role editing is in `suggest.position_ops` (pure), persistence in
`suggest.store.positions`. Viewers may create and read (like suggestions); reviewers edit and decide.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request

from .. import formats, gap, position_ops
from ..errors import Conflict, InputError
from ..suggester import check_text
from .download import CSV_RESPONSE, csv_download
from .rate import ModelRate, WriteRate
from .contract import RATED, WITH_BODY, WITH_ID, errors
from .deps import IdempotencyKey, Paging, Reviewer, Viewer, dictionary_ids, services as _services
from .models import DecisionsRequest
from .out_positions import (Position, PositionDecisionBatch, PositionDecisionHistory, PositionExport, PositionPage,
                            RerunResult, RevisionHistory, TrainingNeeds)
from .out_suggestions import FracPosition, IgotExport
from .position_models import EditIn, GapIn, PositionIn

router = APIRouter(prefix="/v1/positions")
POSITIONS = ["positions"]


def _positions(request: Request) -> Any:
    return _services(request).need_store().positions


def _loaded(suggester: Any) -> tuple[dict[str, Any], str]:
    return suggester.dictionary.info.model_dump(mode="json"), str(suggester.encoder.model_id)


def _same_scoring(position: dict[str, Any], suggester: Any) -> None:
    """Edits recompute with the loaded dictionary and model; if those are not the ones the position
    was built with, an edit would silently swap every affected role's competencies for the new ones.
    A rerun does that on purpose and reports the difference, so it comes first."""
    info, model_id = _loaded(suggester)
    if position["dictionary"]["fingerprint"] != info["fingerprint"] or position["model"]["id"] != model_id:
        raise Conflict("the position was built with another dictionary or model than the one loaded now; "
                       "POST .../rerun first", code="dictionary_changed",
                       detail={"position": {"dictionary": position["dictionary"], "model": position["model"]},
                               "loaded": {"dictionary": info, "model": {"id": model_id}}})


def accepted_roles(position: dict[str, Any]) -> list[dict[str, Any]]:
    """Roles with only the competencies a reviewer accepted or modified, each at its required level."""
    return [{"name": r["name"], "activities": [a["text"] for a in r["activities"]],
             "competencies": [c for c in r["competencies"]
                              if (c.get("review") or {}).get("action") in ("accept", "modify")]}
            for r in position["roles"]]


def frac_roles(position: dict[str, Any], history: list[dict[str, Any]], current: list[dict[str, Any]],
               dictionary: Any) -> list[dict[str, Any]]:
    """Every role with every competency not rejected (formats.to_frac marks the unreviewed ones DRAFT), and the
    competencies reviewers added to a role that still stand, named from the dictionary."""
    standing = {d["competency_id"]: d for d in current}
    placed = {d["competency_id"]: d["role_id"] for d in history if d["action"] == "add" and d["role_id"] is not None}
    suggested = {c["competency_id"] for r in position["roles"] for c in r["competencies"]}
    roles = []
    for i, r in enumerate(position["roles"]):
        competencies = [c for c in r["competencies"] if (c.get("review") or {}).get("action") != "reject"]
        levels = sorted(c["suggested_level"] for c in r["competencies"]) or [2]
        for cid, role_id in placed.items():
            entry = dictionary.get(cid) if dictionary is not None else None
            decision = standing.get(cid)
            if (role_id != i or cid in suggested or entry is None or decision is None
                    or decision["action"] not in formats.KEPT):
                continue
            # an add without a level takes the role's middle suggested level: same post, same seniority
            competencies.append({
                "competency_id": cid, "name": entry.name, "competencyAreaName": entry.type,
                "competencyThemeName": entry.theme, "competencySubThemeName": entry.sub_theme or entry.name,
                "required_level": decision["level"] or levels[len(levels) // 2], "evidence": [],
                "review": decision})
        roles.append({"name": r["name"], "activities": [a["text"] for a in r["activities"]],
                      "competencies": competencies})
    return roles


def required(position: dict[str, Any]) -> list[dict[str, Any]]:
    """Per competency across roles: the highest required level and how many activities need it."""
    roles = [{**r, "competencies": [c for c in r["competencies"]
                                    if (c.get("review") or {}).get("action") in ("accept", "modify")]}
             for r in position["roles"]]
    return gap.required_from_position({"roles": roles})


# ---------------------------------------------------------------- create and read


@router.post("", status_code=201, response_model=Position, tags=POSITIONS, operation_id="createPosition",
             responses=errors(*WITH_BODY, *RATED, 404), dependencies=[ModelRate])
def create_position(body: PositionIn, request: Request, who: Viewer) -> Any:
    """Group the JD's activities into roles (its own headings when it has them) and suggest each role's
    competencies from that role's activities only. With `set_id` (the suggestion set made from the same JD)
    the position shows that set's decisions, marked `inherited_from`, until a reviewer decides on it."""
    services = _services(request)
    if body.set_id is not None:
        services.need_store().get_suggestion_set(body.set_id)  # 404 before the model is asked
    text = check_text(body.text, services.settings.max_text_chars)  # NFC: roles' offsets refer to it
    suggester = services.need_suggester()
    with services.model_slot():
        payload = position_ops.initial_roles(suggester, text)
    info, model_id = _loaded(suggester)
    store = _positions(request)
    position_id = store.create(payload, title=body.title, department=body.department, ministry=body.ministry,
                               text=text, created_by=who.name, dictionary=info, model_id=model_id,
                               source_set_id=body.set_id)
    return store.get(position_id)


@router.get("", response_model=PositionPage, tags=POSITIONS, operation_id="listPositions", responses=errors())
def list_positions(request: Request, who: Viewer, paging: Paging) -> Any:
    items, total = _positions(request).list_positions(limit=paging.limit, offset=paging.offset)
    return paging.page(items, total)


@router.get("/{position_id}", response_model=Position, tags=POSITIONS, operation_id="getPosition",
            responses=errors(*WITH_ID))
def get_position(position_id: str, request: Request, who: Viewer) -> Any:
    """Each role competency carries `review` (the newest decision on it) and `required_level`."""
    return _positions(request).get(position_id)


@router.get("/{position_id}/revisions", response_model=RevisionHistory, tags=POSITIONS,
            operation_id="listPositionRevisions", responses=errors(*WITH_ID))
def position_revisions(position_id: str, request: Request, who: Viewer) -> Any:
    return {"position_id": position_id, "revisions": _positions(request).revisions(position_id)}


# ---------------------------------------------------------------- edits and reruns


@router.post("/{position_id}/edits", response_model=Position, tags=POSITIONS, operation_id="editPositionRoles",
             responses=errors(*WITH_ID, *WITH_BODY, *RATED, 409), dependencies=[WriteRate])
def edit_roles(position_id: str, body: EditIn, request: Request, who: Reviewer) -> Any:
    """Rename, merge, split or move; the affected roles' competencies are recomputed from their own
    activities, and the change is kept as a new revision."""
    store = _positions(request)
    position = store.load(position_id)
    if body.revision is not None and body.revision != position["revision"]:
        raise Conflict(f"the position is at revision {position['revision']}, not {body.revision}; reload it",
                       code="revision_conflict", detail={"revision": position["revision"]})
    edit = body.model_dump(exclude_none=True, exclude={"revision"})
    payload = position["payload"]
    if body.op == "rename":  # no competency changes, so no scoring (and no model needed)
        roles, _ = position_ops.restructure(payload["roles"], edit)
        new_payload = {**payload, "roles": roles}
    else:
        services = _services(request)
        suggester = services.need_suggester()
        _same_scoring(position, suggester)
        with services.model_slot():
            new_payload = position_ops.apply_edit(payload, edit, suggester, suggester.score(position["text"]))
    store.save_revision(position_id, actor=who.name, op=body.op, detail=edit, payload=new_payload,
                        base_revision=position["revision"])
    return store.get(position_id)


@router.post("/{position_id}/rerun", response_model=RerunResult, tags=POSITIONS, operation_id="rerunPosition",
             responses=errors(*WITH_ID, *RATED, 409), dependencies=[ModelRate])
def rerun_position(position_id: str, request: Request, who: Reviewer) -> Any:
    """Recompute every role against the active dictionary version and the model, keeping the roles
    themselves; the answer says which competencies were added, dropped or changed. Right after a version is
    published, a server still rebuilding its index answers 503 `dictionary_reloading` (retry shortly)."""
    store = _positions(request)
    services = _services(request)
    suggester = services.dictionary_current()  # the active dictionary version, never the one it replaces
    position = store.load(position_id)
    before = position["payload"]
    with services.model_slot():
        after = position_ops.rerun(before, position["text"], suggester, suggester.score(position["text"]))
    change = position_ops.diff(before["roles"], after["roles"])
    info, model_id = _loaded(suggester)
    detail = {"from": {"dictionary": position["dictionary"], "model": position["model"]},
              "to": {"dictionary": info, "model": {"id": model_id}},
              "added": change["added"], "dropped": change["dropped"],
              "changed": [c["competency_id"] for c in change["changed"]]}
    store.save_revision(position_id, actor=who.name, op="rerun", detail=detail, payload=after,
                        base_revision=position["revision"], dictionary=info, model_id=model_id)
    return {"diff": change, "position": store.get(position_id)}


# ---------------------------------------------------------------- decisions


@router.post("/{position_id}/decisions", status_code=201, response_model=PositionDecisionBatch,
             operation_id="recordPositionDecisions", responses=errors(*WITH_ID, *WITH_BODY, *RATED, 409),
             tags=["review"], dependencies=[WriteRate])
def post_position_decisions(position_id: str, body: DecisionsRequest, request: Request, who: Reviewer,
                            idempotency_key: IdempotencyKey = None) -> Any:
    """Accept, reject or modify a competency of the position; add a dictionary competency the service missed
    to a role (`add` with `role_id`, the role's index); take back your newest decision (`withdraw`). A
    decision is per competency, so it holds in every role that needs the competency, and keeps holding
    across role edits."""
    services = _services(request)
    if len(body.decisions) > services.settings.max_decisions:
        raise InputError(f"at most {services.settings.max_decisions} decisions per request",
                         code="too_many_decisions")
    store = _positions(request)
    ids: frozenset[str] = frozenset()
    if any(d.action == "add" for d in body.decisions):
        ids = dictionary_ids(request, store.load(position_id)["dictionary"], body.decisions)
    stored = store.record_decisions(position_id, who.name, [d.model_dump() for d in body.decisions],
                                    idempotency_key=idempotency_key, dictionary_ids=ids)
    return {"position_id": position_id, "decisions": stored}


@router.get("/{position_id}/decisions", response_model=PositionDecisionHistory,
            operation_id="getPositionDecisionHistory", responses=errors(*WITH_ID), tags=["review"])
def position_decision_history(position_id: str, request: Request, who: Viewer,
                              competency_id: str | None = None) -> Any:
    """Where each competency stands now (`current`: the position's own decisions, else those inherited from
    its suggestion set) and every decision taken on the position itself."""
    store = _positions(request)
    current = [{**{k: v for k, v in d.items() if k != "set_id"}, "position_id": position_id}
               for d in store.current_decisions(position_id) if competency_id in (None, d["competency_id"])]
    return {"position_id": position_id, "current": current,
            "history": store.decision_history(position_id, competency_id)}


# ---------------------------------------------------------------- export and gap


@router.get("/{position_id}/export", response_model=PositionExport | IgotExport | FracPosition,
            tags=POSITIONS, operation_id="exportPosition", responses=errors(*WITH_ID))
def export_position(position_id: str, request: Request, who: Viewer,
                    format: Literal["frac", "igot", "json"] = "json") -> Any:
    """json and igot: only accepted or modified competencies, each at its required level. FRAC nests every role
    POSITION -> ROLE -> {ACTIVITY, COMPETENCY -> COMPETENCIESLEVEL}, with the level's descriptor: what a
    reviewer accepted, modified or added is VERIFIED, what nobody has reviewed yet is DRAFT, rejected ones
    are left out."""
    services = _services(request)
    store = _positions(request)
    position = store.get(position_id)
    if format == "frac":
        dictionary = services.suggester.dictionary if services.suggester is not None else None
        roles = frac_roles(position, store.decision_history(position_id), store.current_decisions(position_id),
                           dictionary)
        return formats.to_frac(position["title"], roles, dictionary, department=position["department"])
    if format == "igot":
        return formats.to_igot(position["title"], required(position))
    return {k: position[k] for k in ("id", "title", "department", "ministry", "revision", "dictionary", "model")} \
        | {"roles": accepted_roles(position)}


@router.post("/{position_id}/gap", response_model=TrainingNeeds, tags=POSITIONS, operation_id="getTrainingNeeds",
             responses={**errors(*WITH_ID, *WITH_BODY), **CSV_RESPONSE})
def position_gap(position_id: str, body: GapIn, request: Request, who: Viewer,
                 format: Literal["json", "csv"] = "json") -> Any:
    """Training needs: accepted competencies whose required level is above the official's current
    level (0 when not given), biggest gap first, then those more activities need."""
    services = _services(request)
    position = _positions(request).get(position_id)
    dictionary = services.suggester.dictionary if services.suggester is not None else None
    items = gap.training_needs(required(position), body.levels, dictionary)
    if format == "csv":
        return csv_download(gap.needs_to_csv(items), f"gap-{position_id}")
    return {"position_id": position_id, "items": items}
