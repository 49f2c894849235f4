"""Request bodies at the API edge (pydantic), with the examples OpenAPI shows."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, field_validator, model_validator
from pydantic_core import PydanticCustomError

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# the same rule for the schema, so a client keeping to it is never refused for a control character
NO_CONTROL = {"pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"}
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _integral(value: Any) -> Any:
    """JSON Schema's integer includes 3.0 (a number with a zero fraction), so a client keeping to the
    schema may send it; it means 3. "3" and true stay refused (a bool was stored as 1 before)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def json_int(ge: int, le: int | None = None) -> Any:
    """An integer as JSON Schema means it (3 or 3.0, never "3", 3.5 or true), bounded. The bounds sit on
    the integer itself, before the validator, so they reach the schema as minimum and maximum."""
    return Annotated[StrictInt, Field(ge=ge, le=le), BeforeValidator(_integral)]


Level = json_int(1, 5)
CurrentLevel = json_int(0, 5)
# indexes into a JD's activities or roles; far above any real JD, far below any driver's integer limit
Index = json_int(0, 100_000)
# free text the store bounds by CDE_MAX_COMMENT_CHARS; the schema gets the same maximum (contract.finish),
# so no constant here can disagree with it
Comment = Annotated[str | None, Field(description="at most CDE_MAX_COMMENT_CHARS characters, no control "
                                                  "characters", json_schema_extra=NO_CONTROL)]


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


class Body(BaseModel):
    """A request body. JSON may spell a lone surrogate (\\ud800) that no database and no UTF-8 answer can
    hold; it used to reach the model and fail at the INSERT with 500. Refused here, in any field.
    Strict: JSON `true` is not a number and "3" is not 3 (subclasses' configs merge with this one)."""

    model_config = ConfigDict(strict=True)

    @model_validator(mode="before")
    @classmethod
    def _no_surrogates(cls, data: Any) -> Any:
        if _has_surrogate(data):
            raise PydanticCustomError("invalid_characters", "holds a lone surrogate (broken Unicode)")
        return data


def _no_control(v: str | None) -> str | None:
    if v is not None and _CONTROL.search(v):
        raise ValueError("must not contain control characters")
    return v


class SuggestRequest(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "text": "Key responsibilities:\n- Prepare the Budget Estimates for the Division.\n"
                "- Put up draft replies to Parliament Questions.",
        "position": "Section Officer (Budget)", "department": "Department of Rural Development", "top_k": 10}]})

    text: str = Field(min_length=1, description="job description or work-allocation text",
                      json_schema_extra=NO_CONTROL)
    position: str | None = Field(None, max_length=200, json_schema_extra=NO_CONTROL)
    department: str | None = Field(None, max_length=200, json_schema_extra=NO_CONTROL)
    top_k: json_int(1) | None = Field(None, description="at most CDE_MAX_TOP_K")
    min_score: float | None = Field(None, ge=0.0, le=1.0)
    lang: Literal["auto", "en", "hi"] = Field("auto", description="auto: each line's language is detected (Hindi "
                                                                  "and mixed lines go to the multilingual model); "
                                                                  "en or hi: every line is read as that language")

    @field_validator("text", "position", "department")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return _no_control(v)


class DecisionIn(Body):
    """One decision on a competency of a suggestion set or a position. "add" puts a dictionary competency the
    service missed on an activity of a set (`activity_index`) or a role of a position (`role_id`); "withdraw"
    takes back the sender's newest decision on the competency (the history keeps both)."""

    model_config = ConfigDict(extra="forbid")
    competency_id: str = Field(min_length=1, max_length=64)
    action: Literal["accept", "reject", "modify", "add", "withdraw"]
    level: Level | None = None
    ask_tag: Literal["attitude", "skill", "knowledge"] | None = None
    reason_code: str | None = Field(None, max_length=64, pattern=r"^[a-z0-9_.-]+$")
    comment: Comment = None
    activity_index: Index | None = Field(None, description="add on a suggestion set: the activity it belongs to")
    role_id: Index | None = Field(None, description="add on a position: the role (its index) it belongs to")

    @field_validator("comment")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return _no_control(v)


class DecisionsRequest(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"decisions": [
        {"competency_id": "FUN-067", "action": "accept", "level": 3},
        {"competency_id": "FUN-104", "action": "reject", "reason_code": "not_relevant",
         "comment": "No social media work in this post"},
        {"competency_id": "FUN-031", "action": "add", "activity_index": 2, "comment": "Handles dak daily"}]}]})
    decisions: list[DecisionIn] = Field(min_length=1)


class AskIn(Body):
    model_config = ConfigDict(extra="forbid")
    attitude: list[str] = Field(default_factory=list, max_length=20)
    skill: list[str] = Field(default_factory=list, max_length=20)
    knowledge: list[str] = Field(default_factory=list, max_length=20)


class ProposalIn(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "activity_index": 4, "name": "Disaster relief fund administration", "type": "Domain",
        "ask": {"knowledge": ["SDRF and NDRF norms"], "skill": ["Assess relief claims"]}, "level": 3,
        "rationale": "No dictionary entry covers relief fund work"}]})
    activity_index: Index
    name: str = Field(min_length=3, max_length=200)
    type: Literal["Behavioural", "Functional", "Domain"]
    ask: AskIn = Field(default_factory=AskIn)
    level: Level | None = None
    rationale: str = Field("", description="why the dictionary needs it; at most CDE_MAX_COMMENT_CHARS "
                                           "characters")


class ProposalPatch(Body):
    model_config = ConfigDict(extra="forbid")
    status: Literal["approved", "rejected"]
    comment: Comment = None

    @field_validator("comment")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return _no_control(v)
