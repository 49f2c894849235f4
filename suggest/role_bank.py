"""The role bank: roles that officials would recognise, each a handful of duties, used to tell whether two
duties of a new JD belong to one role.

`models/role_bank/roles.jsonl` holds positions written for this project in our own words (no gold
position is among them; models/role_bank/README.md says who wrote them and how), each split into roles of
two to five duties. Every bank role becomes a prototype: the mean of its duties' unit vectors, from the
same encoder that scores the JD (`bank_centroids`, cached per encoder revision in memory and in the cache
folder). A JD's duty is then read as a soft assignment over the prototypes nearest it (`assignments`), and
two duties whose assignments overlap lean towards one role, as two duties some official already grouped
together do (suggest/role_pairs.py, feature "bank").

Why a bank and not a finer encoder: an encoder fine-tuned on the same positions (LoRA, same-role pairs)
helped leave-one-position-out ARI as much as the bank did and nothing beside it, and it would cost a second
encoder pass per JD; the bank costs one (lines x prototypes) product.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .role_name_rules import PROCESS_WORDS, is_bare, only_parties, said_in
from .role_names import JOINERS, supported_parts
from .role_topics import tokens
from .role_views import unit_rows

# a duty is read over its TOP nearest prototypes, softmax at TEMPERATURE on the cosine: chosen by
# leave-one-position-out ARI on the 52 flat development positions (0.05/20 and 0.1/50 were within 0.012)
TEMPERATURE = 0.1
TOP = 50
# a group's name is sought among its few nearest bank roles: on the 345 gold role groups of the 84 flat
# development positions, the name overlap with the gold names was 0.431 with one, 0.440 with three and 0.438
# with five (0.408 before names could use words of kind: role_name_rules.bank_wins)
NAME_CANDIDATES = 3
ENCODE_CHUNK = 1024  # bank lines per encoder call while the prototypes are built (a stop is seen between calls)


@dataclass(frozen=True)
class Bank:
    """Bank roles as tuples of duty lines, with their names, and a checksum of the file they came from."""

    roles: tuple[tuple[str, ...], ...]
    names: tuple[str, ...]
    sha256: str

    def duties(self) -> tuple[list[str], np.ndarray]:
        """Every duty line, and the index of the role each belongs to."""
        lines = [d for r in self.roles for d in r]
        owners = np.repeat(np.arange(len(self.roles)), [len(r) for r in self.roles])
        return lines, owners


def bank_path() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "models" / "role_bank" / "roles.jsonl",
                      here.parent / "models" / "role_bank" / "roles.jsonl"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("models/role_bank/roles.jsonl is missing from this installation; reinstall the package")


def parse_bank(text: str) -> Bank:
    roles, names = [], []
    for line in text.splitlines():
        if not line.strip():
            continue
        for role in json.loads(line)["roles"]:
            duties = tuple(str(d).strip() for d in role["activities"] if str(d).strip())
            if duties:
                roles.append(duties)
                names.append(str(role.get("name", "")))
    return Bank(tuple(roles), tuple(names), hashlib.sha256(text.encode("utf-8")).hexdigest())


@lru_cache(maxsize=2)
def load_bank(path: str | None = None) -> Bank:
    return parse_bank(Path(path or bank_path()).read_text(encoding="utf-8"))


def centroids(vectors: np.ndarray, owners: np.ndarray, n_roles: int) -> np.ndarray:
    """(n_roles, d): each role's mean unit duty vector, itself made unit length."""
    v = unit_rows(np.asarray(vectors, dtype=np.float64))
    sums = np.zeros((n_roles, v.shape[1]))
    np.add.at(sums, owners, v)
    return unit_rows(sums)


_CENTROIDS: dict[tuple[str, str], np.ndarray] = {}
_BUILDING = threading.Lock()


def bank_centroids(encoder: Any, bank: Bank | None = None, cache_dir: Path | None = None, *,
                   should_stop: Callable[[], bool] = lambda: False) -> np.ndarray:
    """The bank's prototypes under `encoder`: from memory, else the cache folder, else encoded now (about
    70 s for the bank's 25,912 lines on 2 cores; `cde-suggest models prepare` does it ahead of a first start).
    Encoding goes in chunks and raises InterruptedError, caching nothing, once `should_stop()` is true: a
    server shutting down while it warms the bank must not leave the encoder running as the process exits."""
    bank = bank or load_bank()
    revision = f"{getattr(encoder, 'model_id', '')}@{getattr(encoder, 'revision', '')}"
    key = (revision, bank.sha256)
    if key in _CENTROIDS:
        return _CENTROIDS[key]
    # one builder at a time: a `roles` call made during the service's warm-up waits for it (then reads
    # memory) instead of encoding the 25,912 bank lines a second time on the same two cores
    with _BUILDING:
        if key not in _CENTROIDS:
            _CENTROIDS[key] = _build(encoder, bank, key, cache_dir, should_stop)
    return _CENTROIDS[key]


def _build(encoder: Any, bank: Bank, key: tuple[str, str], cache_dir: Path | None,
           should_stop: Callable[[], bool]) -> np.ndarray:
    name = "role_bank-" + hashlib.sha256("|".join(key).encode()).hexdigest()[:16] + ".npy"
    cached = Path(cache_dir) / name if cache_dir is not None else None
    if cached is not None and cached.is_file():
        c = np.load(cached)
    else:
        lines, owners = bank.duties()
        parts = []
        for i in range(0, len(lines), ENCODE_CHUNK):
            if should_stop():
                raise InterruptedError("role bank prototypes not finished: the service is stopping")
            parts.append(np.asarray(encoder.encode(lines[i:i + ENCODE_CHUNK])))
        c = centroids(np.concatenate(parts), owners, len(bank.roles)).astype(np.float32)
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".tmp.npy")
            np.save(tmp, c)
            tmp.replace(cached)  # a reader never sees half a file
    return np.asarray(c, dtype=np.float32)  # a (lines x 9,551) product per JD: float32 halves its memory traffic


def assignments(vectors: np.ndarray, prototypes: np.ndarray, *, usable: Sequence[bool] | None = None,
                temperature: float = TEMPERATURE, top: int = TOP) -> np.ndarray:
    """(lines, prototypes): each line's softmax over its `top` nearest prototypes, zero elsewhere. Rows
    not `usable` (vectors from another model, as for Hindi lines) and rows of another width stay zero."""
    v = np.asarray(vectors, dtype=np.float64)
    p = np.asarray(prototypes, dtype=np.float32)  # as stored: no per-call copy
    out = np.zeros((v.shape[0], p.shape[0]))
    if v.size == 0 or p.size == 0 or v.shape[1] != p.shape[1]:
        return out
    sims = (unit_rows(v).astype(np.float32) @ p.T).astype(np.float64)
    k = min(top, p.shape[0])
    # the k largest per row (a partition, not a sort: thousands of prototypes, a dozen lines)
    keep = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    top_sims = np.take_along_axis(sims, keep, axis=1)
    e = np.exp((top_sims - top_sims.max(axis=1, keepdims=True)) / temperature)
    np.put_along_axis(out, keep, e / e.sum(axis=1, keepdims=True), axis=1)
    if usable is not None:
        out[~np.asarray(usable, dtype=bool)] = 0.0
    return out


def scored_assignments(scored: Any, encoder: Any, cache_dir: Path | None = None) -> np.ndarray:
    """Bank assignments of a suggester's Scored text; only English-route rows carry `encoder`'s vectors."""
    usable = [scored.route(i) == "en" for i in range(len(scored.activities))]
    if not any(usable):
        return np.zeros((len(usable), 0))
    return assignments(scored.vectors, bank_centroids(encoder, cache_dir=cache_dir), usable=usable)


def nearest_roles(rows: np.ndarray, k: int = NAME_CANDIDATES) -> list[int]:
    """The `k` bank roles a group's duties lean to most: the largest columns of their summed assignments."""
    r = np.asarray(rows, dtype=np.float64)
    if r.ndim != 2 or r.size == 0 or not r.any():
        return []
    sums = r.sum(axis=0)
    order = np.lexsort((np.arange(sums.size), -sums))[:k]  # ties to the earlier role: no sort-order noise
    return [int(j) for j in order if sums[j] > 0]


def grounded_name(name: str, texts: Sequence[str]) -> str | None:
    """A bank role's name cut to the parts the duties mention (role_names.supported_parts), and kept only
    when each content word left is in the duties, is the noun of a verb they use ("inspection"), or only
    says what kind of work it is ("supervision", role_name_rules.PROCESS_WORDS): "Appeals before SAT" must
    not name GST appeals, nor "Farmer grievances" a public grievance desk."""
    kept = supported_parts(name, texts)
    if not kept or (kept != name and is_bare(kept)) or only_parties(kept):
        # "Stores" cut from "Stores and consumables" is a fragment, not the official's heading; "Instructors"
        # names whom the work is about, not the work (both readers of H81-H100 rejected it)
        return None
    said = set(tokens(" ".join(texts)))
    words = [w for w in tokens(kept.replace(",", " ")) if w not in JOINERS]
    if not words or not any(said_in(w, said) for w in words):
        return None
    return kept if all(said_in(w, said) or w in PROCESS_WORDS for w in words) else None


def bank_name(rows: np.ndarray, texts: Sequence[str], bank: Bank | None = None) -> str | None:
    """The grounded name of the first of the bank roles nearest a group of duties (their assignment
    `rows`) that has one."""
    names = (bank or load_bank()).names
    for j in nearest_roles(rows):
        name = grounded_name(names[j], texts)
        if name:
            return name
    return None
