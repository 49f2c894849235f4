"""Request bodies of the position endpoints (pydantic), with the examples OpenAPI shows."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator

from .models import NO_CONTROL, Body, CurrentLevel, Index, _no_control, json_int

# Enough for any real JD (a few hundred activities) and small enough that a body cannot make an edit
# walk huge lists.
MAX_LIST = 1000


class PositionIn(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "title": "Section Officer (Coordination)", "department": "Department of Rural Development",
        "ministry": "Ministry of Rural Development",
        "text": "Role 1: Budget work\n- Prepare the Budget Estimates for the Division.\n"
                "Role 2: RTI work\n- Reply to RTI applications within thirty days.\n"}]})

    title: str = Field(min_length=1, max_length=200, json_schema_extra=NO_CONTROL)
    department: str = Field(min_length=1, max_length=200, json_schema_extra=NO_CONTROL)
    ministry: str | None = Field(None, max_length=200, json_schema_extra=NO_CONTROL)
    text: str = Field(min_length=1, json_schema_extra=NO_CONTROL,
                      description="job description with or without role headings; bounded by max_text_chars")
    set_id: str | None = Field(None, min_length=1, max_length=32, pattern=r"^[0-9a-f]+$",
                               description="the suggestion set made from the same JD: the position shows its "
                                           "decisions (inherited_from) until a reviewer decides on the position")

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


class _Edit(Body):
    model_config = ConfigDict(extra="forbid")
    revision: json_int(1, 2**31 - 1) | None = Field(
        None, description="the revision the edit was made on; 409 if it is stale")

    @field_validator("name", check_fields=False)
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return _no_control(v)


class RenameEdit(_Edit):
    """Rename a role: no competency changes."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"op": "rename", "role": 0,
                                                               "name": "Budget and accounts"}]})
    op: Literal["rename"]
    role: Index = Field(description="the role's position in the roles list")
    name: str = Field(max_length=200, description="the new name", json_schema_extra=NO_CONTROL)


class MergeEdit(_Edit):
    """Merge roles into the first of them; its competencies are recomputed."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"op": "merge", "roles": [0, 1], "name": "Finance"}]})
    op: Literal["merge"]
    roles: list[Index] = Field(min_length=2, max_length=MAX_LIST, description="two or more role positions")
    name: str | None = Field(None, max_length=200, description="name of the merged role; none keeps the first's",
                             json_schema_extra=NO_CONTROL)


class SplitEdit(_Edit):
    """Split activities off a role into a new role right after it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"op": "split", "role": 0, "activities": [1],
                                                               "name": "Expenditure"}]})
    op: Literal["split"]
    role: Index = Field(description="the role to split")
    activities: list[Index] = Field(min_length=1, max_length=MAX_LIST,
                                    description="activity indexes (as in evidence) to move to the new role")
    name: str | None = Field(None, max_length=200, description="the new role's name", json_schema_extra=NO_CONTROL)


class MoveEdit(_Edit):
    """Move one activity to another role."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"op": "move", "activity": 1, "to_role": 1}]})
    op: Literal["move"]
    activity: Index = Field(description="the activity's index (as in evidence)")
    to_role: Index = Field(description="the role it moves to")


# One role edit; `op` says which. Indexes are role positions in the current roles list and global activity
# indexes. One model per op, so the schema says which fields each op needs (a fuzzer once sent a rename
# without a role, which the schema allowed and the server refused).
EditIn = Annotated[RenameEdit | MergeEdit | SplitEdit | MoveEdit, Field(discriminator="op")]


class GapIn(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"levels": {"FUN-001": 1, "FUN-002": 3}}]})

    # id lengths in the key type, so the schema says them too (propertyNames)
    levels: dict[Annotated[str, Field(min_length=1, max_length=100)], CurrentLevel] = Field(
        default_factory=dict, max_length=MAX_LIST,
        description="an official's current level (0 = not held .. 5) per competency id")
