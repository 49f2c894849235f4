"""FAISS over the dictionary's facets, cached on disk keyed by the dictionary and model fingerprints.

Each row points back to its competency and its facet kind (name, attitude, skill, knowledge, example,
alias), so a hit says both which competency matched and which of A, S or K. Level descriptors are
embedded too, but kept out of retrieval: they only serve to suggest a proficiency level.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import faiss
import numpy as np

from .dictionary import ASK_KINDS, LEVELS, Competency, Dictionary
from .encode import Encoder
from .steps import step

FACET_SCHEMA = "facets-v1"  # bump when the facet texts change, so caches rebuild


@dataclass(frozen=True)
class Row:
    competency: int  # position in Dictionary.entries
    kind: str
    text: str


@dataclass(frozen=True)
class FacetConfig:
    """How the name row is written. Our dictionary gains from theme and description; for a label-only
    taxonomy such as ESCO the bare label embeds better (scouting.md, rows 0 vs 2)."""

    theme: bool = True
    description: bool = True
    dense_aliases: bool = True  # False: aliases count in BM25 only, and are not embedded at all

    @property
    def tag(self) -> str:
        return f"t{int(self.theme)}d{int(self.description)}a{int(self.dense_aliases)}"


def dense_row_ids(rows: list[Row], config: FacetConfig) -> np.ndarray:
    return np.array([i for i, r in enumerate(rows) if config.dense_aliases or r.kind != "alias"], dtype=np.int64)


def facet_rows(entries: tuple[Competency, ...] | list[Competency], config: FacetConfig = FacetConfig()) -> list[Row]:
    rows: list[Row] = []
    for ci, e in enumerate(entries):
        head = f"{e.name}: {e.description}" if e.description and config.description else e.name
        if config.theme and e.theme and e.theme != e.name:
            head = f"{e.theme} - {head}"
        seen = {head.lower()}
        rows.append(Row(ci, "name", head))
        facets = [(k, t) for k in ASK_KINDS for t in getattr(e.ask, k)]
        facets += [("example", t) for t in e.examples] + [("alias", t) for t in e.aliases]
        for kind, text in facets:
            if text.lower() not in seen:  # a repeated text adds cost, not evidence
                seen.add(text.lower())
                rows.append(Row(ci, kind, text))
    return rows


def level_texts(entries: tuple[Competency, ...] | list[Competency]) -> list[str]:
    """Five descriptors per entry, in entry order; entries without levels get empty strings."""
    return [e.levels.get(lv, "") for e in entries for lv in LEVELS]


class VectorIndex(Protocol):
    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass
class FacetIndex:
    rows: list[Row]
    index: faiss.Index           # holds the embedded rows only (see FacetConfig.dense_aliases)
    dense_rows: np.ndarray       # FAISS position -> row id
    vectors: np.ndarray          # (rows, dim); zero for rows that are not embedded
    level_vectors: np.ndarray    # (entries * 5, dim); zero rows where an entry has no level text
    key: str
    built: bool                  # False when loaded from the cache

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        k = min(k, self.index.ntotal)
        scores, ids = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return scores, self.dense_rows[ids]


def cache_key(dictionary: Dictionary, model_id: str, model_revision: str, config: FacetConfig = FacetConfig()) -> str:
    blob = "|".join([FACET_SCHEMA, config.tag, dictionary.fingerprint, model_id, model_revision])
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def _atomic_write(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build_or_load(dictionary: Dictionary, encoder: Encoder, cache_dir: Path, *, rebuild: bool = False,
                  config: FacetConfig = FacetConfig()) -> FacetIndex:
    """Load the index for (dictionary, model, facet config) from the cache, or embed and save it."""
    rows = facet_rows(dictionary.entries, config)
    dense = dense_row_ids(rows, config)
    # the revision (weights sha256) is in the key: vectors from other weights must never be reused
    key = cache_key(dictionary, encoder.model_id, encoder.revision, config)
    folder = cache_dir / "index" / key
    if not rebuild and (folder / "meta.json").is_file():
        try:
            index = faiss.read_index(str(folder / "facets.faiss"))
            levels = np.load(folder / "levels.npy")
            if index.ntotal == len(dense):
                vectors = np.zeros((len(rows), index.d), dtype=np.float32)
                vectors[dense] = index.reconstruct_n(0, index.ntotal)
                return FacetIndex(rows, index, dense, vectors, levels, key, built=False)
        except (OSError, RuntimeError, ValueError):
            pass  # a damaged cache is rebuilt below, never trusted
    texts = level_texts(dictionary.entries)
    present = [i for i, t in enumerate(texts) if t]
    with step(f"building the index ({len(dense) + len(present)} rows of {dictionary.info.name} to embed)"):
        vectors = np.zeros((len(rows), encoder.dimension), dtype=np.float32)
        vectors[dense] = encoder.encode([rows[i].text for i in dense])
        levels = np.zeros((len(texts), encoder.dimension), dtype=np.float32)
        if present:
            levels[present] = encoder.encode([texts[i] for i in present])
    index = faiss.IndexFlatIP(encoder.dimension)
    index.add(np.ascontiguousarray(vectors[dense]))
    folder.mkdir(parents=True, exist_ok=True)
    _atomic_write(folder / "facets.faiss", lambda p: faiss.write_index(index, p))
    _atomic_write(folder / "levels.npy", lambda p: np.save(open(p, "wb"), levels))
    meta = {"key": key, "schema": FACET_SCHEMA, "dictionary": dictionary.info.model_dump(),
            "model": encoder.model_id, "revision": encoder.revision, "rows": len(rows), "embedded_rows": int(len(dense))}
    _atomic_write(folder / "meta.json", lambda p: Path(p).write_text(json.dumps(meta, indent=2)))
    return FacetIndex(rows, index, dense, vectors, levels, key, built=True)
