"""Request bodies at the API edge (pydantic), with the examples OpenAPI shows."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control(v: str | None) -> str | None:
    if v is not None and _CONTROL.search(v):
        raise ValueError("must not contain control characters")
    return v


class SuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "text": "Key responsibilities:\n- Prepare the Budget Estimates for the Division.\n"
                "- Put up draft replies to Parliament Questions.",
        "position": "Section Officer (Budget)", "department": "Department of Rural Development", "top_k": 10}]})

    text: str = Field(description="job description or work-allocation text")
    position: str | None = Field(None, max_length=200)
    department: str | None = Field(None, max_length=200)
    top_k: int | None = Field(None, ge=1)
    min_score: float | None = Field(None, ge=0.0, le=1.0)

    @field_validator("text", "position", "department")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return _no_control(v)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    competency_id: str = Field(max_length=64)
    action: Literal["accept", "reject", "modify"]
    level: int | None = Field(None, ge=1, le=5)
    ask_tag: Literal["attitude", "skill", "knowledge"] | None = None
    reason_code: str | None = Field(None, max_length=64, pattern=r"^[a-z0-9_.-]+$")
    comment: str | None = Field(None, max_length=2000)

    @field_validator("comment")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return _no_control(v)


class DecisionsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"decisions": [
        {"competency_id": "FUN-067", "action": "accept", "level": 3},
        {"competency_id": "FUN-104", "action": "reject", "reason_code": "not_relevant",
         "comment": "No social media work in this post"}]}]})
    decisions: list[DecisionIn] = Field(min_length=1)


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attitude: list[str] = Field(default_factory=list, max_length=20)
    skill: list[str] = Field(default_factory=list, max_length=20)
    knowledge: list[str] = Field(default_factory=list, max_length=20)


class ProposalIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "activity_index": 4, "name": "Disaster relief fund administration", "type": "Domain",
        "ask": {"knowledge": ["SDRF and NDRF norms"], "skill": ["Assess relief claims"]}, "level": 3,
        "rationale": "No dictionary entry covers relief fund work"}]})
    activity_index: int = Field(ge=0)
    name: str = Field(min_length=3, max_length=200)
    type: Literal["Behavioural", "Functional", "Domain"]
    ask: AskIn = Field(default_factory=AskIn)
    level: int | None = Field(None, ge=1, le=5)
    rationale: str = Field("", max_length=4000)


class ProposalPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["approved", "rejected"]
    comment: str | None = Field(None, max_length=2000)
