"""The suggestion set: the one output shape shared by the CLI, the API and the evaluation harness."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .dictionary import DictionaryInfo


class ModelInfo(BaseModel):
    id: str
    revision: str | None = Field(None, description="sha256 over the model's recorded weight checksums; "
                                                    "absent on sets stored before it was recorded")


class ActivityOut(BaseModel):
    index: int
    text: str
    start: int
    end: int
    section: str | None = None
    lang: str = Field("en", description="language the line was read as: en, hi, mixed or other (per line; "
                                        "en goes to the English model, the rest to the multilingual one)")
    handled: bool = Field(True, description="false when no model read this line (its language is not handled)")


class Evidence(BaseModel):
    activity: int
    start: int
    end: int
    text: str
    score: float


class AskMatch(BaseModel):
    attitude: list[str] = Field(default_factory=list)
    skill: list[str] = Field(default_factory=list)
    knowledge: list[str] = Field(default_factory=list)


class Suggestion(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    competency_id: str
    name: str
    competencyAreaName: str
    competencyThemeName: str
    competencySubThemeName: str
    score: float
    confidence: float
    suggested_level: int = Field(ge=1, le=5)
    ask_tags: list[str]
    ask: AskMatch
    matched_text: str = Field(description="the dictionary text that matched best")
    evidence: list[Evidence]
    level_descriptor: str | None = Field(None, description="what the suggested level means, from the dictionary")
    support: int = Field(1, description="activities of the text that call for this competency")
    low_confidence: bool = Field(False, description="confidence below the abstain threshold (a setting)")
    explanation: list[str] = Field(default_factory=list, description="why it was suggested: support, sector "
                                                                     "agreement with the position, level")


class ContextOut(BaseModel):
    """What the text (or the caller) says about the position itself: never treated as duties."""

    designation: str | None = None
    department: str | None = None
    grade: str | None = None
    pay_level: str | None = None
    posting: str | None = None
    reports_to: str | None = None
    seniority: str | None = Field(None, description="seniority band read from designation or pay level "
                                                    "(docs/seniority.md)")


class RankerInfo(BaseModel):
    """The learned ranker (`cde-suggest learn`) that shaped a suggestion set."""

    version: str
    sha256: str


class SuggestionSet(BaseModel):
    dictionary: DictionaryInfo
    model: ModelInfo
    activities: list[ActivityOut]
    suggestions: list[Suggestion]
    unmatched: list[int]
    context: ContextOut = Field(default_factory=ContextOut)
    ranker: RankerInfo | None = Field(None, description="learned ranker version and sha256; absent when none "
                                                        "was active")
    multilingual_model: ModelInfo | None = Field(None, description="the model that read the Hindi and mixed lines, "
                                                                   "when any were read")
    notices: list[str] = Field(default_factory=list, description="plain-language notes on the input, e.g. lines "
                                                                  "in a language that is not handled")
