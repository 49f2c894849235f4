"""The pipeline: text -> activities -> vectors -> facet hits -> ranked, explained suggestions.

Two public stages: `score(text) -> Scored` (segment, encode, retrieve, fuse: the model's work) and
`rank(scored, activities=...) -> list[Suggestion]` (pure given the loaded dictionary and index).
`suggest` is the two together; roles and positions rank subsets of the same `Scored`, so a text is
encoded once however many roles it is split into.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from . import rank as ranking
from . import jd_rank
from .confidence import load_confidence_model
from .dictionary import Dictionary, load_dictionary
from .encode import Encoder, load_encoder
from .errors import InputError
from .index import FacetConfig, FacetIndex, build_or_load
from .lexical import LexicalIndex
from .explain import Explainer
from .schemas import ActivityOut, ContextOut, ModelInfo, Suggestion, SuggestionSet
from .jd_context import FIELDS as CONTEXT_FIELDS
from .jd_context import PositionContext
from .jd_rank import JDParams, Pick
from .segment import Activity, preload_sentencizer, read_jd
from .seniority import band_for
from .settings import Settings

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
    context: PositionContext = field(default_factory=PositionContext)
    context_scores: np.ndarray | None = None  # (competencies,) for "designation, department", when known


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
        self.explainer = Explainer(dictionary, index)
        # Domain entries' themes are their sectors; -1 marks a competency that has no sector
        self.sectors = sorted({e.theme for e in dictionary.entries if e.type == "Domain"})
        self._sector_of = np.array([self.sectors.index(e.theme) if e.type == "Domain" else -1
                                    for e in dictionary.entries], dtype=np.int64)

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
                                          cache_dir=Path(settings.resolved_cache_dir), adapter=settings.adapter)
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

    def score(self, text: str | bytes, *, position: str | None = None, department: str | None = None,
              lexical_weight: float | None = None) -> Scored:
        """Stage 1: check the text, read its header lines as the position's context and its duties as
        activities, encode the activities and score them against the dictionary. A position or department
        typed beside the text wins over what the text's header says."""
        text = check_text(text, self.settings.max_text_chars)
        jd = read_jd(text, max_activities=self.settings.max_activities)
        typed = {k: v.strip() for k, v in (("designation", position), ("department", department)) if v and v.strip()}
        context = replace(jd.context, **typed)
        activities = jd.activities
        texts = [a.text[: self.settings.max_activity_chars] for a in activities]
        if not texts:
            return Scored(activities, np.zeros((0, self.encoder.dimension), np.float32),
                          np.zeros((0, len(self.dictionary.entries)), np.float32), context)
        # the designation and department ride in the same encoder call: they say which sector the post is in
        about = ", ".join(v for v in (context.designation, context.department) if v)
        vectors = self.encoder.encode(texts + ([about] if about else []))
        scores = self.score_texts(texts + ([about] if about else []), vectors, lexical_weight=lexical_weight)
        n = len(texts)
        return Scored(activities, vectors[:n], scores[:n], context, scores[n] if about else None)

    def rank(self, scored: Scored, *, activities: Sequence[int] | None = None, top_k: int | None = None,
             min_score: float | None = None) -> list[Suggestion]:
        """Stage 2: the explained suggestions for all activities, or for a subset (one role's), ordered by
        confidence. Which competencies enter the list is `jd_rank.select` (coverage, support, sector
        agreement); their levels form one profile for the post's seniority.

        Evidence keeps the global activity indexes and offsets, so it always points into the original text."""
        s = self.settings
        picks = self.select(scored, activities=activities, top_k=top_k, min_score=min_score)
        context_sectors = self._context_sectors(scored)
        band = band_for(scored.context.designation, scored.context.pay_level)
        notes = {p.competency: self._sector_note(p, context_sectors) for p in picks
                 if self._sector_of[p.competency] >= 0}
        explained = self.explainer.explain_all(picks, scored.activities, scored.vectors, band,
                                               load_confidence_model(self.encoder.model_id), notes)
        for sg in explained:
            sg.low_confidence = sg.confidence < s.low_confidence
        if s.abstain == "hide":
            explained = [sg for sg in explained if not sg.low_confidence]
        # one order, by confidence; ties keep the order in which coverage chose them
        return sorted(explained, key=lambda sg: -sg.confidence)

    def select(self, scored: Scored, *, activities: Sequence[int] | None = None, top_k: int | None = None,
               min_score: float | None = None) -> list[Pick]:
        """Which competencies enter the list, before they are explained (`rank` explains them; the
        confidence fit reads their features)."""
        s = self.settings
        top_k, min_score = check_ranking(s, top_k, min_score)
        rows = list(range(len(scored.activities))) if activities is None else [int(a) for a in activities]
        params = JDParams(min_score=min_score, top_k=top_k, support_threshold=s.support_threshold,
                          support_bonus=s.support_bonus, domain_own_line=s.domain_own_line,
                          sector_min_activities=s.sector_min_activities, coverage=s.coverage,
                          max_evidence=s.evidence_per_suggestion)
        picks = jd_rank.select(scored.scores[np.asarray(rows, dtype=np.int64)], self._sector_of, len(self.sectors),
                               params, self._context_sectors(scored))
        return [replace(p, evidence=tuple((rows[a], sc) for a, sc in p.evidence)) for p in picks]

    def _context_sectors(self, scored: Scored) -> set[int]:
        """The sector the designation and department point to, when they point clearly at one."""
        if scored.context_scores is None:
            return set()
        domain = np.flatnonzero(self._sector_of >= 0)
        if domain.size == 0:
            return set()
        best = domain[int(np.argmax(scored.context_scores[domain]))]
        return {int(self._sector_of[best])} if scored.context_scores[best] >= self.settings.context_sector_score else set()

    def _sector_note(self, pick: Pick, context_sectors: set[int]) -> str:
        sector = self.sectors[int(self._sector_of[pick.competency])]
        if not pick.sector_ok:
            return f"sector {sector}: not otherwise in this JD; kept for its own strong line"
        if int(self._sector_of[pick.competency]) in context_sectors:
            return f"sector {sector}: matches the designation and department"
        return f"sector {sector}: several duties of this JD are in it"

    def suggest(self, text: str | bytes, *, top_k: int | None = None, min_score: float | None = None,
                position: str | None = None, department: str | None = None,
                lexical_weight: float | None = None) -> SuggestionSet:
        """Both stages: the whole suggestion set for one text."""
        check_ranking(self.settings, top_k, min_score)  # before the model runs
        scored = self.score(text, position=position, department=department, lexical_weight=lexical_weight)
        return SuggestionSet(
            dictionary=self.dictionary.info,
            model=ModelInfo(id=self.encoder.model_id, revision=self.encoder.revision),
            activities=[ActivityOut(index=a.index, text=a.text, start=a.start, end=a.end, section=a.section)
                        for a in scored.activities],
            suggestions=self.rank(scored, top_k=top_k, min_score=min_score),
            unmatched=ranking.unmatched(scored.scores, self.settings.unmatched_score),
            context=ContextOut(**{k: getattr(scored.context, k) for k in CONTEXT_FIELDS},
                               seniority=band_for(scored.context.designation, scored.context.pay_level)),
        )
