"""Response models of positions: roles, revisions, reruns, position decisions, exports and training needs.

See `out_common` for why these are separate from the engine's models.
"""

from __future__ import annotations

from typing import Any

from .out_common import Activity, AskTag, DictionaryInfo, Evidence, F, ModelInfo, Out, Page, Review
from .out_suggestions import CompetencyNames, DecisionFields


class RoleCompetency(CompetencyNames):
    """A competency a role needs; `review` is the newest decision on it for this position."""

    score: float = F("ranking score", 0.82)
    confidence: float = F("calibrated probability that a reviewer accepts it, 0..1", 0.74)
    suggested_level: int = F("proposed level, 1..5", 3)
    ask_tags: list[AskTag] = F("which ASK statements matched", ["skill"])
    evidence: list[Evidence] = F("the role's activities that called for it")
    review: Review | None = F("newest decision on this competency for the position", None, default=None)
    required_level: int = F("the reviewer's level, else the suggested one", 3)


class Role(Out):
    name: str = F("role name (the JD's heading, or one made from its activities)", "Budget work")
    section: str | None = F("the JD heading the role came from, if any", "Budget work", default=None)
    activities: list[Activity] = F("the role's activities")
    competencies: list[RoleCompetency] = F("what the role's activities call for, best first")


class Position(Out):
    """A position: a job description grouped into roles, each with its competencies."""

    id: str = F("position id", "743a38e1605742f0ba4722d59aba8ec2")
    title: str = F("title", "Section Officer (Coordination)")
    department: str = F("department", "Department of Rural Development")
    ministry: str | None = F("ministry", "Ministry of Rural Development", default=None)
    text: str = F("the job description as stored (NFC); offsets refer to it", "Role 1: Budget work …")
    created_by: str = F("API key name that created it", "igot-frontend")
    created_at: str = F("when, ISO 8601 UTC", "2025-03-01T10:15:00.000000Z")
    revision: int = F("current revision, from 1; send it with an edit to detect clashes", 1)
    set_id: str | None = F("the suggestion set it was built from, whose decisions it inherits", None, default=None)
    dictionary: DictionaryInfo = F("the dictionary the roles were scored with")
    model: ModelInfo = F("the model the roles were scored with")
    unmatched: list[int] = F("indexes of activities no competency matched well", [])
    roles: list[Role] = F("the roles, in the order of the text")


class PositionSummary(Out):
    id: str = F("position id", "743a38e1605742f0ba4722d59aba8ec2")
    title: str = F("title", "Section Officer (Coordination)")
    department: str = F("department", "Department of Rural Development")
    ministry: str | None = F("ministry", None, default=None)
    created_at: str = F("when, ISO 8601 UTC", "2025-03-01T10:15:00.000000Z")
    revision: int = F("current revision", 3)


class PositionPage(Page[PositionSummary]):
    """Positions, newest first."""


class Revision(Out):
    revision: int = F("revision number, from 1", 2)
    at: str = F("when, ISO 8601 UTC", "2025-03-01T10:15:00.000000Z")
    actor: str = F("API key name that made it", "reviewer-1")
    op: str = F("create, rename, merge, split, move or rerun", "merge")
    detail: dict[str, Any] = F("the edit as sent, or a rerun's from/to and changes", {"roles": [0, 1]})


class RevisionHistory(Out):
    position_id: str = F("position id", "743a38e1605742f0ba4722d59aba8ec2")
    revisions: list[Revision] = F("every revision, oldest first")


class ScoreAndLevel(Out):
    score: float = F("best score across roles", 0.8)
    suggested_level: int = F("suggested level", 3)


class CompetencyChange(Out):
    competency_id: str = F("KCM id", "FUN-067")
    before: ScoreAndLevel = F("before the rerun")
    after: ScoreAndLevel = F("after the rerun")


class RerunDiff(Out):
    added: list[str] = F("competencies the position needs now and did not before", ["FUN-104"])
    dropped: list[str] = F("competencies it no longer needs", [])
    changed: list[CompetencyChange] = F("competencies whose score or level changed")


class RerunResult(Out):
    diff: RerunDiff = F("what the rerun changed")
    position: Position = F("the position after the rerun")


class PositionDecision(DecisionFields):
    """A decision on a competency of a position; it holds in every role that needs the competency."""

    position_id: str = F("position id", "743a38e1605742f0ba4722d59aba8ec2")
    inherited_from: str | None = F("the suggestion set the decision was taken on, when the position was built "
                                   "from it and nobody has decided on the position itself yet", None, default=None)


class PositionDecisionBatch(Out):
    position_id: str = F("position id", "743a38e1605742f0ba4722d59aba8ec2")
    decisions: list[PositionDecision] = F("one per decision sent, in order")


class PositionDecisionHistory(Out):
    position_id: str = F("position id", "743a38e1605742f0ba4722d59aba8ec2")
    current: list[PositionDecision] = F("the decision that stands on each competency: the position's own, else "
                                        "the one inherited from its suggestion set (inherited_from); own first")
    history: list[PositionDecision] = F("every decision on the position itself, superseded and withdrawn ones "
                                        "too, oldest first")


class ExportRole(Out):
    name: str = F("role name", "Budget work")
    activities: list[str] = F("the role's activities", ["Prepare the budget estimates of the division."])
    competencies: list[RoleCompetency] = F("accepted or modified competencies only")


class PositionExport(Out):
    """A position with only its accepted (or modified) competencies, each at its required level."""

    id: str = F("position id", "743a38e1605742f0ba4722d59aba8ec2")
    title: str = F("title", "Section Officer (Coordination)")
    department: str = F("department", "Department of Rural Development")
    ministry: str | None = F("ministry", None, default=None)
    revision: int = F("revision exported", 3)
    dictionary: DictionaryInfo = F("the dictionary the roles were scored with")
    model: ModelInfo = F("the model the roles were scored with")
    roles: list[ExportRole] = F("roles with their accepted competencies")


class LevelStep(Out):
    level: int = F("a level still to reach", 3)
    descriptor: str = F("what that level means, from the dictionary; empty when it has none",
                        "complex budget work")


class TrainingNeed(Out):
    competency_id: str = F("KCM id", "FUN-067")
    name: str | None = F("name", "Budget preparation", default=None)
    competencyAreaName: str | None = F("iGOT area", "Functional", default=None)
    competencyThemeName: str | None = F("iGOT theme", "Financial Management", default=None)
    competencySubThemeName: str | None = F("iGOT sub-theme", "Budget preparation", default=None)
    current_level: int = F("the official's level now (0 = not held)", 1)
    required_level: int = F("what the position needs", 3)
    gap: int = F("required minus current", 2)
    activity_count: int = F("activities that need it", 2)
    levels_to_reach: list[LevelStep] = F("each level still to climb, with its descriptor")


class TrainingNeeds(Out):
    position_id: str = F("position id", "743a38e1605742f0ba4722d59aba8ec2")
    items: list[TrainingNeed] = F("biggest gap first, then those more activities need")
