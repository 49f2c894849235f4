"""New dictionary entries and dictionary versions, as pure functions (the store and the API do the I/O).

A draft is an entry written from a proposal. It is saved when it is well formed (the entry model's own
rules); it is published only when it is also complete by the bundled dictionary's bar (`strict`):
description, ASK statements, five level descriptors, three examples, an alias. A version is the base
dictionary plus every entry published up to it, so it can be rebuilt on any replica from its base and
the stored entries, and its fingerprint checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .dictionary import TYPE_LETTER, Competency, Dictionary, validate_entries
from .errors import Conflict, DictionaryError, InputError

# "NEW-F0001": KCM ids start BEH-, FUN- or DOM-, so no published KCM id can take this form
DRAFT_PREFIX = "NEW"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ENTRY_FIELDS = ("theme", "sub_theme", "name", "description", "ask", "levels", "examples", "aliases")


def draft_competency_id(type_: str, n: int) -> str:
    return f"{DRAFT_PREFIX}-{TYPE_LETTER[type_]}{n:04d}"


def next_version(base_version: str, n: int) -> str:
    """The n-th version published on a base: '2026.11.0+d3' (semver build metadata: the base stays visible)."""
    return f"{base_version}+d{n}"


def build_entry(competency_id: str, type_: str, fields: dict[str, Any]) -> tuple[Competency, list[dict[str, str]]]:
    """The entry a draft describes, and what it still lacks before it can be published.

    Malformed fields (wrong types, empty statements, level keys other than 1..5) are refused at once
    with every problem listed, so a saved draft is always a valid entry."""
    raw = {k: v for k, v in fields.items() if k in ENTRY_FIELDS and v is not None}
    raw.update(id=competency_id, type=type_)
    good, errors = validate_entries([raw], strict=False)
    # PostgreSQL's JSON cannot hold NUL, and no dictionary text needs a control character
    errors += [{"field": f, "message": "must not contain control characters"} for f in _controls(raw)]
    if errors:
        problems = [{"field": e["field"], "message": e["message"]} for e in errors]
        raise InputError("the draft entry is not valid: " + "; ".join(f"{p['field']}: {p['message']}"
                                                                      for p in problems),
                         code="invalid_draft", detail=problems)
    _, strict = validate_entries([raw], strict=True)
    return good[0], [{"field": e["field"], "message": e["message"]} for e in strict]


def _controls(value: Any, field: str = "") -> list[str]:
    if isinstance(value, str):
        return [field or "(entry)"] if _CONTROL.search(value) else []
    if isinstance(value, dict):
        return [f for k, v in value.items() for f in _controls(v, f"{field}.{k}" if field else str(k))]
    if isinstance(value, list):
        return [f for v in value for f in _controls(v, field)][:1]
    return []


def missing(entry: Competency) -> list[dict[str, str]]:
    """What keeps a well-formed entry from being published (empty when it is complete)."""
    _, strict = validate_entries([entry.model_dump(mode="json")], strict=True)
    return [{"field": e["field"], "message": e["message"]} for e in strict]


def name_key(name: str) -> str:
    """Names compare without case, spacing or punctuation: 'File / DAK management' = 'file dak Management'."""
    return " ".join(re.findall(r"\w+", name.casefold()))


def check_new_entries(new: list[Competency], existing: Iterable[Competency]) -> None:
    """A new entry may not take an id or a name the dictionary already has, nor one another new entry
    takes: a reviewer could not tell the two apart."""
    taken: dict[str, str] = {}
    ids = set()
    for e in existing:
        ids.add(e.id)
        taken.setdefault(name_key(e.name), e.id)
    clashes = []
    for e in new:
        if e.id in ids:
            raise Conflict(f"competency id {e.id} is already in the dictionary", code="duplicate_competency_id",
                           detail={"competency_id": e.id})
        key = name_key(e.name)
        if key in taken:
            clashes.append({"competency_id": e.id, "name": e.name, "clashes_with": taken[key]})
        taken.setdefault(key, e.id)
        ids.add(e.id)
    if clashes:
        listed = ", ".join(f"{c['name']!r} ({c['competency_id']}) = {c['clashes_with']}" for c in clashes)
        raise Conflict(f"a competency of that name is already in the dictionary: {listed}; rename the draft",
                       code="duplicate_competency_name", detail=clashes)


def compose(base: Dictionary, added: list[Competency], version: str) -> Dictionary:
    """The base dictionary with the published entries after it, under a new version string."""
    check_new_entries(added, base.entries)
    return Dictionary(name=base.name, version=version, entries=[*base.entries, *added])


def from_version(base: Dictionary, version: dict[str, Any]) -> Dictionary:
    """Rebuild a stored version on this replica's base, refusing when the result is not what was published:
    another base (CDE_DICTIONARY differs between replicas) or stored entries that were altered."""
    if version["base_fingerprint"] != base.fingerprint:
        raise DictionaryError(
            f"dictionary version {version['version']} was built on base {version['base_fingerprint'][:19]}…, "
            f"but this server loads base {base.fingerprint[:19]}…; give every replica the same CDE_DICTIONARY",
            code="dictionary_base_mismatch",
            detail={"version": version["version"], "expected_base": version["base_fingerprint"],
                    "loaded_base": base.fingerprint})
    entries = [Competency.model_validate(e) for e in version["entries"]]
    built = compose(base, entries, version["version"])
    if built.fingerprint != version["fingerprint"]:
        raise DictionaryError(f"dictionary version {version['version']} does not match its fingerprint; its "
                              "stored entries were changed", code="dictionary_version_corrupt",
                              detail={"version": version["version"], "expected": version["fingerprint"],
                                      "found": built.fingerprint})
    return built

