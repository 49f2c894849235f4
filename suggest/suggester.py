"""The pipeline: text -> activities -> vectors -> facet hits -> ranked, explained suggestions.

Two public stages: `score(text) -> Scored` (segment, encode, retrieve, fuse: the model's work) and
`rank(scored, activities=...) -> list[Suggestion]` (pure given the loaded dictionary and index).
`suggest` is the two together; roles and positions rank subsets of the same `Scored`, so a text is
encoded once however many roles it is split into.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import rank as ranking
from .calibration import load_calibration
from .dictionary import ASK_KINDS, Dictionary, load_dictionary
from .encode import Encoder, load_encoder
from .errors import InputError
from .index import FacetConfig, FacetIndex, build_or_load
from .lexical import LexicalIndex
from .schemas import ActivityOut, AskMatch, Evidence, ModelInfo, Suggestion, SuggestionSet
from .segment import Activity, preload_sentencizer, segment
from .settings import Settings

ASK_MIN = 0.30  # an ASK statement this close to the evidence counts as matched


def check_text(text: str | bytes, max_chars: int) -> str:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"the input is not UTF-8 text (bad byte at position {exc.start}); "
                             "save it as UTF-8 and try again", code="not_utf8") from exc
    if not text or not text.strip():
        raise InputError("the text is empty; paste a job description or work-allocation text", code="empty_text")
    if len(text) > max_chars:
        raise InputError(f"the text has {len(text)} characters, over the limit of {max_chars}; "
                         "split it or raise CDE_MAX_TEXT_CHARS", code="text_too_long",
                         detail={"limit": max_chars, "length": len(text)})
    return text


def check_ranking(settings: Settings, top_k: int | None, min_score: float | None) -> tuple[int, float]:
    """The request's top_k and min_score, or the settings' defaults; out-of-range values are refused."""
    top_k = settings.top_k if top_k is None else top_k
    min_score = settings.min_score if min_score is None else min_score
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= settings.max_top_k:
        raise InputError(f"top_k must be between 1 and {settings.max_top_k}", code="top_k_out_of_range",
                         detail={"max_top_k": settings.max_top_k})
    if not 0.0 <= min_score <= 1.0:
        raise InputError("min_score must be between 0 and 1", code="min_score_out_of_range")
    return top_k, float(min_score)


@dataclass
class Scored:
    activities: list[Activity]
    vectors: np.ndarray
    scores: np.ndarray  # (activities, competencies) fused


class Suggester:
    """Holds the dictionary, encoder and indexes; `suggest` is pure given those."""

    def __init__(self, settings: Settings, dictionary: Dictionary, encoder: Encoder, index: FacetIndex) -> None:
        self.settings = settings
        self.dictionary = dictionary
        self.encoder = encoder
        self.index = index
        self.lexical = LexicalIndex([r.text for r in index.rows])
        self._row_owner = np.array([r.competency for r in index.rows], dtype=np.int64)
        self._row_penalty = np.array([settings.alias_penalty if r.kind == "alias" else 0.0 for r in index.rows],
                                     dtype=np.float32)
        self._rows_of: list[list[int]] = [[] for _ in dictionary.entries]
        for i, r in enumerate(index.rows):
            self._rows_of[r.competency].append(i)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, encoder: Encoder | None = None,
                      dictionary: Dictionary | None = None, rebuild: bool = False) -> "Suggester":
        settings = settings or Settings()
        # spaCy's import (thinc pulls in torch) is the slowest part of a start; run it beside the model load
        warm = threading.Thread(target=preload_sentencizer, name="cde-spacy", daemon=True)
        warm.start()
        dictionary = dictionary or load_dictionary(settings.dictionary)
        encoder = encoder or load_encoder(settings.model_id, threads=settings.torch_threads,
                                          batch_size=settings.encode_batch_size, runtime=settings.runtime,
                                          cache_dir=Path(settings.resolved_cache_dir))
        config = FacetConfig(theme=settings.facet_theme, description=settings.facet_description,
                             dense_aliases=settings.dense_aliases)
        index = build_or_load(dictionary, encoder, Path(settings.resolved_cache_dir), rebuild=rebuild, config=config)
        suggester = cls(settings, dictionary, encoder, index)
        warm.join()
        return suggester

    def score_texts(self, texts: list[str], vectors: np.ndarray | None = None, *,
                    lexical_weight: float | None = None) -> np.ndarray:
        """(texts, competencies) fused scores; also used by the evaluation harness for sentence queries.

        `lexical_weight` overrides the settings' BM25 weight for this call only (the evaluation's
        lexical and dense baselines); the shared settings are never changed."""
        weight = self.settings.lexical_weight if lexical_weight is None else lexical_weight
        if vectors is None:
            vectors = self.encoder.encode(texts)
        n = len(self.dictionary.entries)
        k = self.settings.retrieve_rows
        d_scores, d_ids = self.index.search(vectors, k)
        if self.settings.alias_penalty:
            d_scores = d_scores - self._row_penalty[d_ids]
        # a competency no dense row reached is scored as the weakest retrieved hit, not as zero
        dense = ranking.pool_max(d_ids, d_scores, self._row_owner, n, fill=d_scores[:, -1])
        lexical = None
        if weight > 0:
            l_scores, l_ids = self.lexical.search(texts, k)
            lexical = ranking.normalise_rows(ranking.pool_max(l_ids, l_scores, self._row_owner, n, fill=0.0))
        return ranking.fuse(dense, lexical, weight)

    # -- the two public stages -------------------------------------------------------------------

    def score(self, text: str | bytes, *, lexical_weight: float | None = None) -> Scored:
        """Stage 1: check the text, segment it, encode the activities and score them against the dictionary."""
        text = check_text(text, self.settings.max_text_chars)
        activities = segment(text, max_activities=self.settings.max_activities)
        texts = [a.text[: self.settings.max_activity_chars] for a in activities]
        if not texts:
            return Scored(activities, np.zeros((0, self.encoder.dimension), np.float32),
                          np.zeros((0, len(self.dictionary.entries)), np.float32))
        vectors = self.encoder.encode(texts)
        return Scored(activities, vectors, self.score_texts(texts, vectors, lexical_weight=lexical_weight))

    def rank(self, scored: Scored, *, activities: Sequence[int] | None = None, top_k: int | None = None,
             min_score: float | None = None) -> list[Suggestion]:
        """Stage 2: the explained suggestions for all activities, or for a subset (one role's).

        Evidence keeps the global activity indexes and offsets, so it always points into the original text."""
        top_k, min_score = check_ranking(self.settings, top_k, min_score)
        rows = list(range(len(scored.activities))) if activities is None else [int(a) for a in activities]
        ranked = ranking.aggregate(scored.scores[np.asarray(rows, dtype=np.int64)], min_score=min_score, top_k=top_k,
                                max_evidence=self.settings.evidence_per_suggestion)
        return [self._explain(ranking.Ranked(r.competency, r.score, tuple((rows[a], sc) for a, sc in r.evidence)),
                              scored) for r in ranked]

    def suggest(self, text: str | bytes, *, top_k: int | None = None, min_score: float | None = None,
                lexical_weight: float | None = None) -> SuggestionSet:
        """Both stages: the whole suggestion set for one text."""
        check_ranking(self.settings, top_k, min_score)  # before the model runs
        scored = self.score(text, lexical_weight=lexical_weight)
        return SuggestionSet(
            dictionary=self.dictionary.info,
            model=ModelInfo(id=self.encoder.model_id, revision=self.encoder.revision),
            activities=[ActivityOut(index=a.index, text=a.text, start=a.start, end=a.end, section=a.section)
                        for a in scored.activities],
            suggestions=self.rank(scored, top_k=top_k, min_score=min_score),
            unmatched=ranking.unmatched(scored.scores, self.settings.unmatched_score),
        )

    def _explain(self, r: ranking.Ranked, scored: Scored) -> Suggestion:
        entry = self.dictionary.entries[r.competency]
        ev_acts = [a for a, _ in r.evidence] or [int(np.argmax(scored.scores[:, r.competency]))]
        act_vecs = scored.vectors[ev_acts]
        rows = self._rows_of[r.competency]
        sims = (self.index.vectors[rows] @ act_vecs.T).max(axis=1)  # each facet vs its best evidence
        best_row = rows[int(np.argmax(sims))]
        ask = {k: [] for k in ASK_KINDS}
        ranked_rows = sorted(zip(rows, sims), key=lambda t: -t[1])
        for row, sim in ranked_rows:
            kind = self.index.rows[row].kind
            if kind in ask and sim >= ASK_MIN:
                ask[kind].append(self.index.rows[row].text)
        if not any(ask.values()):
            # nothing close enough: tag the single closest statement, or the type's usual ASK
            for row, _ in ranked_rows:
                if self.index.rows[row].kind in ask:
                    ask[self.index.rows[row].kind].append(self.index.rows[row].text)
                    break
        tags = [k for k in ASK_KINDS if ask[k]] or [_default_ask(entry.type)]
        lv = self.index.level_vectors[r.competency * 5:(r.competency + 1) * 5] @ act_vecs[0]
        level = ranking.suggest_level(lv, ranking.level_prior(scored.activities[ev_acts[0]].text))
        return Suggestion(
            competency_id=entry.id,
            name=entry.name,
            competencyAreaName=entry.type,
            competencyThemeName=entry.theme,
            competencySubThemeName=entry.sub_theme_name,
            score=round(r.score, 4),
            confidence=round(ranking.calibrate(r.score, *self.calibration), 4),
            suggested_level=level,
            ask_tags=tags,
            ask=AskMatch(**ask),
            matched_text=self.index.rows[best_row].text,
            evidence=[Evidence(activity=a, start=scored.activities[a].start, end=scored.activities[a].end,
                               text=scored.activities[a].text, score=round(sc, 4)) for a, sc in r.evidence],
        )

    @property
    def calibration(self) -> tuple[float, float]:
        return load_calibration(self.encoder.model_id)


def _default_ask(kind: str) -> str:
    return {"Behavioural": "attitude", "Functional": "skill"}.get(kind, "knowledge")
