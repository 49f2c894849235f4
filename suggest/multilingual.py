"""The second path: Hindi and mixed activities, read by the multilingual encoder against its own index.

Nothing here runs until a non-English activity arrives: the English path neither imports the engine nor
pays for its index. The first such activity loads the model (about half a second, checksums included)
and loads the index from the cache, or embeds the dictionary's facets once when there is none
(`load_seconds` records what it took).

e5's cosines sit higher and closer together than MiniLM's (an unrelated pair scores ~0.75), so its scores
are mapped onto the English scale before they enter the shared (activities x competencies) matrix: a
monotone piecewise-linear map that sends the multilingual path's score quantiles on the Hindi gold dev
lines to the English path's quantiles on the same lines in English (`fit_score_map`, stored in
models/calibration.json under the multilingual model's id). Thresholds, support, sector agreement and the
confidence curve then mean the same for a Hindi line as for an English one.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import rank as ranking
from .calibration import calibration_path
from .dictionary import Dictionary
from .index import FacetConfig, FacetIndex, build_or_load
from .lexical import LexicalIndex
from .settings import Settings

GLOSSARY = "hindi-glossary.tsv"
# Hindi inflects nouns and verbs by suffix (शिकायत, शिकायतों, शिकायतें): a glossary word also matches with these
_SUFFIX = "(?:ों|ें|ो|े|ी|ा|ाएं|ाओं|ियों|ियां|ओं|एं|यों|यां)?"
_DEVA = "\u0900-\u0963\u0966-\u097f"
QUANTILES = 41  # knots of the score map; more than the dev lines' spread can support would only add noise
TOP_PER_LINE = 20  # the map is fitted on each line's best scores: the region every threshold lives in


def _glossary_path() -> Path:
    here = Path(__file__).resolve().parent
    for c in (here / "_data" / "models" / GLOSSARY, here.parent / "models" / GLOSSARY):
        if c.is_file():
            return c
    return here.parent / "models" / GLOSSARY


@lru_cache(maxsize=1)
def _glossary() -> tuple[tuple[re.Pattern, str], ...]:
    """(pattern, English words) per entry, longest Hindi term first."""
    path = _glossary_path()
    rows = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and "\t" in line:
                hindi, english = line.split("\t", 1)
                words = [re.escape(w) + _SUFFIX for w in hindi.split()]
                rows.append((len(hindi), re.compile(rf"(?<![{_DEVA}])" + r"\s+".join(words) + rf"(?![{_DEVA}])"),
                             english.strip()))
    return tuple((rx, en) for _, rx, en in sorted(rows, key=lambda r: -r[0]))


def gloss(text: str) -> str:
    """The line with the English words of the glossary terms it contains appended: what BM25 reads for a
    Hindi line, so that exact official terms (सूचना का अधिकार -> RTI, निविदा -> tender) count as they
    do in English. A term inside a longer matched term counts once."""
    found, taken = [], []
    for rx, english in _glossary():
        for m in rx.finditer(text):
            if not any(a <= m.start() and m.end() <= b for a, b in taken):
                taken.append((m.start(), m.end()))
                found.append(english)
    return text + (" " + " ".join(found) if found else "")


@dataclass(frozen=True)
class ScoreMap:
    """Piecewise-linear and monotone; outside the fitted range it holds the end values."""

    x: tuple[float, ...] = (0.0, 1.0)
    y: tuple[float, ...] = (0.0, 1.0)

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        return np.interp(scores, self.x, self.y).astype(np.float32)

    def as_json(self) -> dict:
        return {"x": [round(v, 5) for v in self.x], "y": [round(v, 5) for v in self.y]}


def fit_score_map(source: np.ndarray, target: np.ndarray, *, top: int = TOP_PER_LINE) -> ScoreMap:
    """Quantile matching: each line's `top` best scores under the multilingual path (`source`) against
    the same lines' best scores under the English path (`target`), both (lines, competencies)."""
    def best(m: np.ndarray) -> np.ndarray:
        return np.sort(m, axis=1)[:, -top:].ravel()

    qs = np.linspace(0.0, 1.0, QUANTILES)
    x, y = np.quantile(best(source), qs), np.quantile(best(target), qs)
    keep = np.concatenate([[True], np.diff(x) > 1e-6])  # np.interp needs increasing knots
    return ScoreMap(tuple(float(v) for v in x[keep]), tuple(float(v) for v in np.maximum.accumulate(y[keep])))


def load_score_maps(model_id: str, path: Path | None = None) -> dict[str, ScoreMap]:
    """The fitted maps ('fused' for the ranking scores, 'dense' for ASK statement similarity), or identity
    maps when none has been fitted yet."""
    path = path or calibration_path()
    entry = json.loads(path.read_text()).get(model_id, {}) if path.is_file() else {}
    maps = entry.get("score_map", {})
    return {k: ScoreMap(tuple(maps[k]["x"]), tuple(maps[k]["y"])) if k in maps else ScoreMap()
            for k in ("fused", "dense")}


def save_score_maps(model_id: str, maps: dict[str, ScoreMap], fitted_on: str, path: Path | None = None) -> Path:
    path = path or calibration_path()
    data = json.loads(path.read_text()) if path.is_file() else {}
    data.setdefault(model_id, {})["score_map"] = {**{k: m.as_json() for k, m in maps.items()}, "fitted_on": fitted_on}
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


class MultilingualPath:
    """Lazily loaded encoder + index + score maps for non-English activities; thread-safe first load."""

    def __init__(self, settings: Settings, dictionary: Dictionary, config: FacetConfig, lexical: LexicalIndex,
                 row_owner: np.ndarray, *, encoder=None) -> None:
        self.settings = settings
        self.dictionary = dictionary
        self.config = config
        self.lexical = lexical
        self._row_owner = row_owner
        self._encoder = encoder  # tests pass a fake; otherwise loaded on first use
        self._index: FacetIndex | None = None
        self._maps: dict[str, ScoreMap] | None = None
        self._lock = threading.Lock()
        self.load_seconds: float | None = None
        # the service puts the encoder behind micro-batching (suggest/microbatch.py) once it is loaded
        self.wrap_encoder = lambda encoder: encoder

    @property
    def loaded(self) -> bool:
        return self._index is not None

    def load(self) -> "MultilingualPath":
        with self._lock:
            if self._index is None:
                t = time.perf_counter()
                if self._encoder is None:
                    from .encode import load_encoder

                    self._encoder = load_encoder(self.settings.multilingual_model_id,
                                                 threads=self.settings.torch_threads,
                                                 batch_size=self.settings.encode_batch_size)
                self._index = build_or_load(self.dictionary, self._encoder, Path(self.settings.resolved_cache_dir),
                                            config=self.config)
                self._maps = load_score_maps(self._encoder.model_id)
                self.load_seconds = time.perf_counter() - t
            self._encoder = self.wrap_encoder(self._encoder)
        return self

    @property
    def encoder(self):
        return self.load()._encoder

    @property
    def index(self) -> FacetIndex:
        return self.load()._index  # type: ignore[return-value]

    @property
    def maps(self) -> dict[str, ScoreMap]:
        return self.load()._maps  # type: ignore[return-value]

    def encode(self, texts: list[str]) -> np.ndarray:
        enc = self.encoder
        return enc.encode_queries(texts) if hasattr(enc, "encode_queries") else enc.encode(texts)

    def raw_scores(self, texts: list[str], vectors: np.ndarray, lexical_weight: float) -> np.ndarray:
        """Fused scores on the multilingual model's own scale (what the map is fitted on). BM25 runs on the
        line plus its glossary words: Latin words inside a Hindi line (PFMS, GeM) and the English of its
        official terms match the English rows exactly."""
        n = len(self.dictionary.entries)
        d_scores, d_ids = self.index.search(vectors, self.settings.retrieve_rows)
        dense = ranking.pool_max(d_ids, d_scores, self._row_owner, n, fill=d_scores[:, -1])
        lexical = None
        if lexical_weight > 0:
            l_scores, l_ids = self.lexical.search([gloss(t) for t in texts], self.settings.retrieve_rows)
            lexical = ranking.normalise_rows(ranking.pool_max(l_ids, l_scores, self._row_owner, n, fill=0.0))
        return ranking.fuse(dense, lexical, lexical_weight)

    def score(self, texts: list[str], lexical_weight: float) -> tuple[np.ndarray, np.ndarray]:
        """(vectors, scores on the English scale) for non-English texts."""
        vectors = self.encode(texts)
        return vectors, self.maps["fused"](self.raw_scores(texts, vectors, lexical_weight))
