"""The competency dictionary: the entry model, loading, validation and the content fingerprint.

Importers for other formats (the KCM JSON as published, CSV) live in `importers.py`.
"""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import DictionaryError

CompetencyType = Literal["Behavioural", "Functional", "Domain"]
ASK_KINDS = ("attitude", "skill", "knowledge")
LEVELS = (1, 2, 3, 4, 5)
# The KCM's id prefixes carry the type; a ministry's own ids may use any other prefix.
TYPE_PREFIX = {"BEH": "Behavioural", "FUN": "Functional", "DOM": "Domain"}
TYPE_LETTER = {"Behavioural": "B", "Functional": "F", "Domain": "D"}


def _clean(values: list[str]) -> list[str]:
    out = [v.strip() for v in values]
    if any(not v for v in out):
        raise ValueError("must not contain empty strings")
    return out


class ASK(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attitude: list[str] = Field(default_factory=list)
    skill: list[str] = Field(default_factory=list)
    knowledge: list[str] = Field(default_factory=list)

    @field_validator("attitude", "skill", "knowledge")
    @classmethod
    def _strip(cls, v: list[str]) -> list[str]:
        return _clean(v)


class Competency(BaseModel):
    """One dictionary entry. Names, types, themes are the KCM's; the rest is our own text."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
    type: CompetencyType
    theme: str = Field(min_length=1)
    sub_theme: str | None = None
    name: str = Field(min_length=1)
    description: str = ""
    ask: ASK = Field(default_factory=ASK)
    levels: dict[int, str] = Field(default_factory=dict)
    examples: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)

    @field_validator("theme", "name", "description")
    @classmethod
    def _strip_text(cls, v: str) -> str:
        return v.strip()

    @field_validator("examples", "aliases")
    @classmethod
    def _strip_lists(cls, v: list[str]) -> list[str]:
        return _clean(v)

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, v: dict[int, str]) -> dict[int, str]:
        if v and set(v) != set(LEVELS):
            raise ValueError(f"levels must have exactly the keys 1..5, got {sorted(v)}")
        if any(not (t or "").strip() for t in v.values()):
            raise ValueError("level descriptors must not be empty")
        return {k: v[k].strip() for k in sorted(v)}

    @property
    def sub_theme_name(self) -> str:
        return self.sub_theme or self.name


class DictionaryInfo(BaseModel):
    name: str
    version: str
    fingerprint: str


class Dictionary:
    """A loaded, validated dictionary. Immutable after construction."""

    def __init__(self, name: str, version: str, entries: list[Competency]) -> None:
        self.name = name
        self.version = version
        self.entries = tuple(entries)
        self.by_id = {e.id: e for e in self.entries}

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, competency_id: str) -> Competency | None:
        return self.by_id.get(competency_id)

    @cached_property
    def fingerprint(self) -> str:
        return fingerprint(self.entries)

    @property
    def info(self) -> DictionaryInfo:
        return DictionaryInfo(name=self.name, version=self.version, fingerprint=self.fingerprint)


def fingerprint(entries: tuple[Competency, ...] | list[Competency]) -> str:
    """sha256 of the canonical JSON of the entries, so any content change yields a new index key."""
    payload = [e.model_dump(mode="json") for e in sorted(entries, key=lambda e: e.id)]
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- validation


def _entry_label(raw: Any, position: int) -> str:
    if isinstance(raw, dict) and raw.get("id"):
        return str(raw["id"])
    return f"#{position + 1}"


def validate_entries(raw_entries: Any, *, strict: bool = False) -> tuple[list[Competency], list[dict[str, str]]]:
    """Validate raw entries; return the good ones and one error per (entry, field) problem.

    `strict` adds the bundled dictionary's completeness bar (ASK, five levels, three examples, aliases).
    """
    errors: list[dict[str, str]] = []
    if not isinstance(raw_entries, list):
        return [], [{"entry": "(file)", "field": "(root)", "message": "expected a list of entries"}]
    good: list[Competency] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_entries):
        label = _entry_label(raw, i)
        if not isinstance(raw, dict):
            errors.append({"entry": label, "field": "(entry)", "message": "expected a mapping"})
            continue
        try:
            entry = Competency.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or "(entry)"
                errors.append({"entry": label, "field": loc, "message": err["msg"]})
            continue
        problems = _entry_rules(entry, strict=strict)
        if entry.id in seen:
            problems.append(("id", f"duplicate id (first seen as entry #{seen[entry.id] + 1})"))
        seen.setdefault(entry.id, i)
        errors.extend({"entry": label, "field": f, "message": m} for f, m in problems)
        if not problems:
            good.append(entry)
    return good, errors


def _entry_rules(e: Competency, *, strict: bool) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    prefix = e.id.split("-", 1)[0]
    if prefix in TYPE_PREFIX and TYPE_PREFIX[prefix] != e.type:
        problems.append(("type", f"id prefix {prefix} means {TYPE_PREFIX[prefix]}, but type is {e.type}"))
    if not strict:
        return problems
    if not e.description:
        problems.append(("description", "is required"))
    if not e.ask.skill:
        problems.append(("ask.skill", "needs at least one statement"))
    if not e.ask.knowledge:
        problems.append(("ask.knowledge", "needs at least one statement"))
    if e.type == "Behavioural" and not e.ask.attitude:
        problems.append(("ask.attitude", "is required for Behavioural entries"))
    if not e.levels:
        problems.append(("levels", "needs five proficiency-level descriptors (1..5)"))
    if len(e.examples) < 3:
        problems.append(("examples", f"needs at least 3 example activities, has {len(e.examples)}"))
    if not e.aliases:
        problems.append(("aliases", "needs at least one alias"))
    return problems


def raise_if_errors(source: str, errors: list[dict[str, str]]) -> None:
    if errors:
        lines = [f"{e['entry']}: {e['field']}: {e['message']}" for e in errors[:20]]
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        raise DictionaryError(
            f"dictionary {source} has {len(errors)} error(s); fix them and reload:\n" + "\n".join(lines) + more,
            detail=errors,
        )


# ---------------------------------------------------------------- loading


def bundled_dictionary_path() -> Path:
    """The bundled dictionary: inside the installed package, or the repo's dictionary/ in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "dictionary", here.parent / "dictionary"):
        if (candidate / "dictionary.yaml").is_file():
            return candidate
    raise DictionaryError(
        "the bundled dictionary is missing from this installation; reinstall the package (pip install -e .)",
        code="dictionary_not_found",
    )


def _read_yaml(path: Path) -> Any:
    try:
        # libyaml's safe loader when present: ~10x faster, and the dictionary is read at every start
        return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except UnicodeDecodeError as exc:
        raise DictionaryError(f"{path} is not UTF-8 text: {exc}", code="dictionary_not_utf8") from exc
    except yaml.YAMLError as exc:
        raise DictionaryError(f"{path} is not valid YAML: {exc}", code="dictionary_unreadable") from exc


def read_raw(path: Path) -> tuple[str, str, Any]:
    """Read a dictionary source into (name, version, raw entries) without validating the entries."""
    from . import importers  # importers depend on this module's models

    if not path.exists():
        raise DictionaryError(
            f"dictionary not found: {path}; pass an existing folder, .yaml, .json or .csv file",
            code="dictionary_not_found",
        )
    if path.is_dir():
        manifest = path / "dictionary.yaml"
        meta = _read_yaml(manifest) if manifest.is_file() else {}
        if not isinstance(meta, dict):
            raise DictionaryError(f"{manifest} must be a mapping with name and version", code="dictionary_invalid")
        raw: list[Any] = []
        files = sorted(p for p in path.rglob("*.y*ml") if p.name != "dictionary.yaml")
        if not files:
            raise DictionaryError(f"no .yaml entry files under {path}", code="dictionary_not_found")
        for f in files:
            part = _read_yaml(f)
            if not isinstance(part, list):
                raise DictionaryError(f"{f} must contain a YAML list of entries", code="dictionary_invalid")
            raw.extend(part)
        return str(meta.get("name", path.name)), str(meta.get("version", "unversioned")), raw
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        data = _read_yaml(path)
        if isinstance(data, dict) and "entries" in data:
            return str(data.get("name", path.stem)), str(data.get("version", "unversioned")), data["entries"]
        return path.stem, "unversioned", data
    if suffix == ".json":
        return importers.read_json(path)
    if suffix == ".csv":
        return importers.read_csv(path)
    raise DictionaryError(
        f"unsupported dictionary format {suffix!r}: use a folder, .yaml, .json (ours or the KCM's) or .csv",
        code="dictionary_unsupported",
    )


def load_dictionary(path: Path | str | None = None, *, strict: bool | None = None) -> Dictionary:
    """Load and validate a dictionary; None loads the bundled one (validated strictly)."""
    source = Path(path) if path is not None else bundled_dictionary_path()
    if strict is None:
        strict = path is None
    name, version, raw = read_raw(source)
    entries, errors = validate_entries(raw, strict=strict)
    raise_if_errors(str(source), errors)
    if not entries:
        raise DictionaryError(f"dictionary {source} has no entries", code="dictionary_empty")
    return Dictionary(name=name, version=version, entries=entries)


def json_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "C-DE competency dictionary",
        "type": "array",
        "items": Competency.model_json_schema(),
    }
