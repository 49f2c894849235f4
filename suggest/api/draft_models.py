"""Request bodies for new dictionary entries (drafts) and for publishing them as a dictionary version."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import ConfigDict, Field

from .models import AskIn, Body, Comment, json_int

# a statement has a visible character and no control characters: the dictionary refuses blank ones
_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*[^\s\x00-\x08\x0b\x0c\x0e-\x1f\x7f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
Text = Annotated[str, Field(min_length=1, max_length=600, pattern=_TEXT)]
LongText = Annotated[str, Field(min_length=1, max_length=2000, pattern=_TEXT)]
DraftId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]

EXAMPLE = {
    "theme": "Disaster Management", "description": "Administering the State Disaster Response Fund: "
    "assessing relief claims against the norms and accounting for every release.",
    "ask": {"knowledge": ["SDRF and NDRF norms of assistance"], "skill": ["Assess relief claims"],
            "attitude": ["Puts affected people first"]},
    "levels": {"1": "Checks claims with help", "2": "Processes claims alone", "3": "Handles disputed claims",
               "4": "Runs the fund for a district", "5": "Shapes State relief policy"},
    "examples": ["Scrutinise relief claims from the districts", "Prepare the SDRF utilisation certificate",
                 "Release gratuitous relief to flood-affected families"],
    "aliases": ["Relief fund administration"]}


class LevelsIn(Body):
    """All five descriptors, or none: a dictionary entry has exactly the levels 1..5."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False)
    l1: Text = Field(alias="1")
    l2: Text = Field(alias="2")
    l3: Text = Field(alias="3")
    l4: Text = Field(alias="4")
    l5: Text = Field(alias="5")

    def as_dict(self) -> dict[int, str]:
        return {1: self.l1, 2: self.l2, 3: self.l3, 4: self.l4, 5: self.l5}


class DraftFields(Body):
    """The entry's text; a field left out keeps its value (the proposal's name, type and ASK at first)."""

    model_config = ConfigDict(extra="forbid")
    theme: Text | None = None
    sub_theme: Text | None = None
    name: Annotated[str, Field(min_length=3, max_length=200, pattern=_TEXT)] | None = None
    description: LongText | None = None
    ask: AskIn | None = None
    levels: LevelsIn | None = None
    examples: list[Text] | None = Field(None, max_length=20)
    aliases: list[Text] | None = Field(None, max_length=20)

    def fields(self) -> dict[str, Any]:
        out = self.model_dump(exclude_none=True, exclude={"levels", "proposal_id", "revision"})
        if self.levels is not None:
            out["levels"] = self.levels.as_dict()
        return out


class DraftIn(DraftFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"proposal_id": "7367675a2e724b01a9982cd649f4400a", **EXAMPLE}]})
    proposal_id: DraftId


class DraftPatch(DraftFields):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"description": "Administering the State Disaster Response Fund.", "revision": 1}]})
    revision: json_int(1) | None = Field(None, description="the revision you edited; refused when it moved on")


class PublishIn(Body):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"draft_ids": ["5b0c3f0e9d6a4c1f8e2a7b3d4c5e6f70"], "comment": "Relief fund work"}]})
    draft_ids: list[DraftId] | None = Field(None, min_length=1, max_length=100,
                                            description="drafts to publish; left out: every unpublished draft")
    comment: Comment = None
