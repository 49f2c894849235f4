"""Response models of suggestion sets, decisions, proposals, the dictionary, and the iGOT and FRAC exports.

iGOT's own field names (competencyAreaName, competencyThemeName, competencySubThemeName, competencies_v6)
are kept as they are, so an iGOT frontend maps nothing. See `out_common` for why these are separate from
the engine's models.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from .out_common import Action, Activity, Ask, AskTag, Context, DictionaryInfo, Evidence, F, ModelInfo, Out, \
    Page, RankerInfo, Review

CompetencyType = Literal["Behavioural", "Functional", "Domain"]


class CompetencyNames(Out):
    """iGOT's names of a competency: area (its type), theme, and sub-theme."""

    competency_id: str = F("KCM id of the competency", "FUN-067")
    name: str = F("the competency's name", "Budget preparation")
    competencyAreaName: str = F("iGOT area: Behavioural, Functional or Domain", "Functional")
    competencyThemeName: str = F("iGOT theme", "Financial Management")
    competencySubThemeName: str = F("iGOT sub-theme", "Budget preparation")


class Suggestion(CompetencyNames):
    """A suggested competency with its evidence; `review` is the newest decision on it."""

    score: float = F("ranking score (about 0..1; a few bonuses may lift it slightly above 1)", 0.82)
    confidence: float = F("calibrated probability that a reviewer accepts it, 0..1", 0.74)
    suggested_level: int = F("proposed proficiency level, 1..5", 3, ge=1, le=5)
    ask_tags: list[AskTag] = F("which ASK statements matched", ["skill", "knowledge"])
    ask: Ask = F("the dictionary's ASK statements for the competency")
    matched_text: str = F("the dictionary text that matched best", "Prepare budget estimates")
    evidence: list[Evidence] = F("activities that called for it, strongest first")
    level_descriptor: str | None = F("what the suggested level means, from the dictionary",
                                     "Prepares estimates for a division", default=None)
    support: int = F("activities of the text that call for it", 2, default=1)
    low_confidence: bool = F("confidence below the abstain threshold (a setting)", False, default=False)
    explanation: list[str] = F("why it was suggested", ["called for by 2 activities"], default_factory=list)
    review: Review | None = F("newest decision on it; null while undecided", None, default=None)


class SuggestionSet(Out):
    """A stored set of suggestions for one job description, with the reviews so far."""

    id: str = F("suggestion set id", "7cd9c30fd7b64a61a58df59f29b228e9")
    created_at: str = F("when, ISO 8601 UTC", "2025-03-01T10:15:00.000000Z")
    created_by: str = F("API key name that created it", "igot-frontend")
    position: str | None = F("position name given by the caller", "Section Officer (Budget)", default=None)
    department: str | None = F("department given by the caller", "Department of Rural Development",
                               default=None)
    text: str = F("the job description as stored (NFC); offsets refer to it", "Key responsibilities: …")
    dictionary: DictionaryInfo = F("the dictionary the suggestions came from")
    model: ModelInfo = F("the model the suggestions came from")
    activities: list[Activity] = F("the activities the text was split into")
    suggestions: list[Suggestion] = F("suggested competencies, best first")
    unmatched: list[int] = F("indexes of activities no competency matched well", [2])
    context: Context = F("what the text says about the position itself", default_factory=Context)
    ranker: RankerInfo | None = F("learned ranker that shaped the set; null when none was active", None,
                                  default=None)
    multilingual_model: ModelInfo | None = F("the model that read Hindi and mixed lines; null when none was "
                                             "needed", None, default=None)
    notices: list[str] = F("plain-language notes on the input, e.g. lines in a language not handled", [],
                           default_factory=list)


class SuggestionSetSummary(Out):
    id: str = F("suggestion set id", "7cd9c30fd7b64a61a58df59f29b228e9")
    created_at: str = F("when, ISO 8601 UTC", "2025-03-01T10:15:00.000000Z")
    position: str | None = F("position name given by the caller", "Section Officer (Budget)", default=None)
    department: str | None = F("department given by the caller", None, default=None)
    n_suggestions: int = F("suggestions in the set", 12)
    n_reviewed: int = F("suggestions with at least one decision", 4)
    status: Literal["open", "in_review", "reviewed"] = F("open: none decided; reviewed: all decided",
                                                         "in_review")


class SuggestionSetPage(Page[SuggestionSetSummary]):
    """Suggestion sets, newest first."""


class DecisionFields(Out):
    """What every recorded decision says, on a suggestion set or a position (one review model: issue #12)."""

    id: int = F("decision id, increasing", 41)
    competency_id: str = F("the competency decided on", "FUN-067")
    action: Action = F("accept, reject, modify, add (a dictionary competency the service missed) or withdraw "
                       "(takes back this reviewer's newest decision on it)", "modify")
    level: int | None = F("level set by the reviewer (1..5), if any", 2, default=None)
    ask_tag: AskTag | None = F("ASK tag set by the reviewer, if any", None, default=None)
    reason_code: str | None = F("why, as a short code", None, default=None)
    comment: str | None = F("why, in words", None, default=None)
    activity_index: int | None = F("add on a suggestion set: the activity the competency belongs to", None,
                                   default=None)
    role_id: int | None = F("add on a position: the role (its index) the competency belongs to", None,
                            default=None)
    reviewer: str = F("API key name that decided", "reviewer-1")
    at: str = F("when, ISO 8601 UTC", "2025-03-01T10:15:00.000000Z")
    supersedes_id: int | None = F("this reviewer's earlier decision on the same item, if any", None,
                                  default=None)
    idempotency_key: str | None = F("the Idempotency-Key it was sent with, if any", "b7c1…", default=None)


class Decision(DecisionFields):
    """One recorded decision on a suggestion set. Decisions are never changed: a later one supersedes an
    earlier one."""

    set_id: str = F("suggestion set id", "7cd9c30fd7b64a61a58df59f29b228e9")


class DecisionBatch(Out):
    """The decisions just recorded (or, for a replayed Idempotency-Key, recorded before)."""

    set_id: str = F("suggestion set id", "7cd9c30fd7b64a61a58df59f29b228e9")
    decisions: list[Decision] = F("one per decision sent, in order")


class DecisionHistory(Out):
    set_id: str = F("suggestion set id", "7cd9c30fd7b64a61a58df59f29b228e9")
    current: list[Decision] = F("the decision that stands on each competency, adds included (withdrawn ones "
                                "are gone), oldest first")
    history: list[Decision] = F("every decision, superseded and withdrawn ones too, oldest first")


class Proposal(Out):
    """A competency a reviewer thinks the dictionary lacks; an admin approves or rejects it once."""

    id: str = F("proposal id", "7367675a2e724b01a9982cd649f4400a")
    set_id: str = F("suggestion set it came from", "7cd9c30fd7b64a61a58df59f29b228e9")
    activity_index: int = F("the unmatched activity it covers", 4)
    name: str = F("proposed name", "Disaster relief fund administration")
    type: CompetencyType = F("proposed type", "Domain")
    ask: Ask = F("proposed ASK statements")
    level: int | None = F("proposed level, 1..5", 3, default=None)
    rationale: str | None = F("why the dictionary needs it", "No entry covers relief fund work", default=None)
    status: Literal["proposed", "approved", "rejected"] = F("where it stands", "proposed")
    proposed_by: str = F("API key name that proposed it", "reviewer-1")
    created_at: str = F("when, ISO 8601 UTC", "2025-03-01T10:15:00.000000Z")
    decided_by: str | None = F("admin who decided it", None, default=None)
    decided_at: str | None = F("when it was decided", None, default=None)
    decision_comment: str | None = F("the admin's comment", None, default=None)


class ProposalPage(Page[Proposal]):
    """Proposals, newest first."""


class Competency(Out):
    """A dictionary entry."""

    id: str = F("KCM id", "FUN-067")
    type: CompetencyType = F("Behavioural, Functional or Domain", "Functional")
    theme: str = F("theme (iGOT competencyThemeName)", "Financial Management")
    sub_theme: str | None = F("sub-theme, when it differs from the name", None, default=None)
    name: str = F("name", "Budget preparation")
    description: str = F("what the competency is", "Preparing budget estimates and monitoring expenditure.")
    ask: Ask = F("attitude, skill and knowledge statements")
    levels: dict[str, str] = F("descriptor of each level, keyed 1..5", {"1": "basic budget work"})
    examples: list[str] = F("example activities", ["Prepare the budget estimates of the division"])
    aliases: list[str] = F("other names", ["budgeting"])


class CompetencyPage(Page[Competency]):
    """Dictionary entries in dictionary order."""

    dictionary: DictionaryInfo = F("the dictionary loaded now")


class MappedCompetency(Suggestion):
    """An accepted (or modified) competency of a position, across every set saved for that position."""

    required_level: int | None = F("the reviewer's level, else the suggested one", 3, default=None)
    set_id: str = F("the set whose decision counts", "7cd9c30fd7b64a61a58df59f29b228e9")


class PositionMapping(Out):
    position: str = F("position name, as given when suggesting", "Section Officer (Budget)")
    competencies: list[MappedCompetency] = F("accepted competencies, best score first")


class IgotCompetency(Out):
    """One entry of iGOT's competencies_v6."""

    competencyAreaName: str = F("iGOT area", "Functional")
    competencyThemeName: str = F("iGOT theme", "Financial Management")
    competencySubThemeName: str = F("iGOT sub-theme", "Budget preparation")
    competencySubThemeRefId: str = F("KCM id of the sub-theme", "FUN-067")
    level: int | None = F("required level, 1..5", 3, default=None)


class IgotExport(Out):
    """A position in iGOT's competencies_v6 shape."""

    position: str = F("position name or title", "Section Officer (Budget)")
    competencies_v6: list[IgotCompetency] = F("required competencies")


class FracLevel(Out):
    type: Literal["COMPETENCIESLEVEL"] = F("FRAC node type", "COMPETENCIESLEVEL")
    name: str = F("Level N", "Level 3")
    level: str = F("Level N", "Level 3")
    description: str = F("the level's descriptor from the dictionary; empty when it has none", "")


class FracCompetencyProperties(Out):
    competencyType: str = F("Behavioural, Functional or Domain", "Functional")
    competencyArea: str = F("theme", "Financial Management")


class FracCompetency(Out):
    # FRAC names a field `additionalProperties`; a closed schema keeps generated clients from mixing it up
    # with their own catch-all of that name (openapi-python-client did)
    model_config = ConfigDict(json_schema_extra={"additionalProperties": False})

    type: Literal["COMPETENCY"] = F("FRAC node type", "COMPETENCY")
    id: str = F("KCM id", "FUN-067")
    name: str = F("name", "Budget preparation")
    description: str = F("the dictionary's description", "")
    source: str = F("always C-DE", "C-DE")
    status: str = F("VERIFIED when a reviewer accepted, modified or added it; DRAFT while nobody has reviewed it",
                    "VERIFIED")
    level: str = F("Level N", "Level 3")
    additionalProperties: FracCompetencyProperties = F("type and theme, as FRAC keeps them")
    children: list[FracLevel] = F("the required level")


class FracActivity(Out):
    type: Literal["ACTIVITY"] = F("FRAC node type", "ACTIVITY")
    name: str = F("the activity", "Prepare the budget estimates of the division.")
    status: str = F("VERIFIED when a competency a reviewer kept cites it, else DRAFT", "VERIFIED")


class FracRole(Out):
    type: Literal["ROLE"] = F("FRAC node type", "ROLE")
    name: str = F("role name", "Budget work")
    status: str = F("VERIFIED when every competency of the role is decided and one at least kept, else DRAFT",
                    "VERIFIED")
    children: list[Annotated[FracActivity | FracCompetency, Field(discriminator="type")]] = F(
        "the role's activities, then its competencies")


class FracPosition(Out):
    """A position as FRAC data nodes: POSITION -> ROLE -> {ACTIVITY, COMPETENCY -> COMPETENCIESLEVEL}."""

    type: Literal["POSITION"] = F("FRAC node type", "POSITION")
    name: str = F("position title", "Section Officer (Coordination)")
    department: str | None = F("department", "Department of Rural Development", default=None)
    status: str = F("VERIFIED when every role is, else DRAFT", "DRAFT")
    children: list[FracRole] = F("roles")
