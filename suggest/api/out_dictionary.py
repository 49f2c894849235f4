"""Answers about new dictionary entries (drafts) and dictionary versions."""

from __future__ import annotations

from typing import Literal

from .out_common import DictionaryInfo, F, Out, Page
from .out_suggestions import Competency


class Missing(Out):
    field: str = F("entry field", "examples")
    message: str = F("what it still needs", "needs at least 3 example activities, has 1")


class Draft(Out):
    """A new dictionary entry written from a proposal; it reaches the dictionary when it is published."""

    id: str = F("draft id", "5b0c3f0e9d6a4c1f8e2a7b3d4c5e6f70")
    proposal_id: str = F("the proposal it was written from", "7367675a2e724b01a9982cd649f4400a")
    competency_id: str = F("the entry's id: NEW- and the type's letter, never a KCM id", "NEW-D0001")
    status: Literal["draft", "published"] = F("draft: editable; published: part of a dictionary version",
                                              "draft")
    entry: Competency = F("the entry as it will appear in the dictionary")
    missing: list[Missing] = F("what it lacks before it can be published; empty when complete", [])
    revision: int = F("increases with every edit", 1)
    created_by: str = F("admin who drafted it", "admin-1")
    created_at: str = F("when, ISO 8601 UTC", "2025-03-01T10:15:00.000000Z")
    updated_by: str = F("admin who edited it last", "admin-1")
    updated_at: str = F("when it was edited last", "2025-03-01T10:20:00.000000Z")
    published_in: str | None = F("the version that published it", None, default=None)


class DraftPage(Page[Draft]):
    """Drafts, newest first."""


class DictionaryVersion(Out):
    """The base dictionary plus every entry published up to this version."""

    version: str = F("version string: the base's, then +d and a number", "2026.11.0+d1")
    name: str = F("dictionary name", "KCM (C-DE bundled)")
    fingerprint: str = F("sha256 over the version's entries", "sha256:9c1d…")
    base_version: str = F("version of the base dictionary", "2026.11.0")
    base_fingerprint: str = F("fingerprint of the base dictionary", "sha256:3e4a…")
    added: list[str] = F("ids of the entries it adds to the base", ["NEW-D0001"])
    created_by: str = F("admin who published it", "admin-1")
    created_at: str = F("when, ISO 8601 UTC", "2025-03-01T10:30:00.000000Z")
    comment: str | None = F("the admin's note", None, default=None)
    active: bool = F("the version every server serves now", True)


class DictionaryVersionPage(Page[DictionaryVersion]):
    """Versions, newest first, and what this server serves."""

    loaded: DictionaryInfo = F("the dictionary this server serves now")
    reloading: str | None = F("version this server is building its index for, if any", None, default=None)
    reload_error: str | None = F("why the active version could not be loaded here, if it could not", None,
                                 default=None)
