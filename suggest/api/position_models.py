"""Request bodies of the position endpoints (pydantic), with the examples OpenAPI shows."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator

from .models import Body, CurrentLevel, Index, _no_control

# Enough for any real JD (a few hundred activities) and small enough that a body cannot make an edit
# walk huge lists.
MAX_LIST = 1000


class PositionIn(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "title": "Section Officer (Coordination)", "department": "Department of Rural Development",
        "ministry": "Ministry of Rural Development",
        "text": "Role 1: Budget work\n- Prepare the Budget Estimates for the Division.\n"
                "Role 2: RTI work\n- Reply to RTI applications within thirty days.\n"}]})

    title: str = Field(min_length=1, max_length=200)
    department: str = Field(min_length=1, max_length=200)
    ministry: str | None = Field(None, max_length=200)
    text: str = Field(min_length=1, description="job description with or without role headings; bounded by max_text_chars")

    @field_validator("title", "department", "ministry", "text")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return _no_control(v)

    @field_validator("title", "department")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be blank")
        return v.strip()


class EditIn(Body):
    """One role edit. Indexes are role positions in the current roles list and global activity indexes
    (the `index` of an activity, as in evidence)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"op": "rename", "role": 0, "name": "Budget and accounts"},
        {"op": "merge", "roles": [0, 1], "name": "Finance"},
        {"op": "split", "role": 0, "activities": [2, 3], "name": "Audit paras"},
        {"op": "move", "activity": 4, "to_role": 1}]})

    op: Literal["rename", "merge", "split", "move"]
    role: Index | None = None
    roles: list[Index] | None = Field(None, max_length=MAX_LIST)
    activities: list[Index] | None = Field(None, max_length=MAX_LIST)
    activity: Index | None = None
    to_role: Index | None = None
    name: str | None = Field(None, max_length=200)
    revision: int | None = Field(None, ge=1, le=2**31 - 1, description="the revision the edit was made on; 409 if it is stale")

    @field_validator("name")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return _no_control(v)


class GapIn(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"levels": {"FUN-001": 1, "FUN-002": 3}}]})

    levels: dict[str, CurrentLevel] = Field(default_factory=dict, max_length=MAX_LIST,
                                   description="an official's current level (0 = not held .. 5) per competency")

    @field_validator("levels")
    @classmethod
    def _ids(cls, v: dict[str, int]) -> dict[str, int]:  # 0..5 is enforced by CurrentLevel
        if any(not k or len(k) > 100 for k in v):
            raise ValueError("competency ids must be 1..100 characters")
        return v
