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

import faiss
import numpy as np

from . import rank as ranking
from . import jd_rank
from .confidence import load_confidence_model
from .dictionary import Dictionary, load_dictionary
from .encode import Encoder, load_encoder
from .checks import check_ranking, check_text  # re-exported: callers import them from here
from .errors import CDEError, InputError
from .index import FacetConfig, FacetIndex, build_or_load
from .language import detect, resolve, route
from .lexical import LexicalIndex
from .multilingual import MultilingualPath
from .explain import Explainer
from .learning import LearnParams, memory_delta, prior_vector
from .ranker import Ranker, RankerWatcher
from .scheme_variants import conflicts, variants
from .schemas import ActivityOut, ContextOut, ModelInfo, RankerInfo, Suggestion, SuggestionSet
from .jd_context import FIELDS as CONTEXT_FIELDS
from .jd_context import PositionContext
from .jd_rank import JDParams, Pick
from .segment import Activity, preload_sentencizer, read_jd
from .seniority import band_for
from .settings import Settings


@dataclass
class Scored:
    activities: list[Activity]
    vectors: np.ndarray
    scores: np.ndarray  # (activities, competencies) fused
    context: PositionContext = field(default_factory=PositionContext)
    context_scores: np.ndarray | None = None  # (competencies,) for "designation, department", when known
    # per activity: en / hi / mixed / other. Vectors of non-English activities are the multilingual model's,
    # so only rows of one route may be compared with each other or with that route's index.
    langs: list[str] = field(default_factory=list)
    handled: list[bool] = field(default_factory=list)

    def route(self, i: int) -> str:
        return route(self.langs[i]) if self.langs else "en"


@dataclass
class _Lines:
    """One text read and routed, not yet encoded: its activities, context and rows (activities, then the
    designation and department when known), and which rows each model reads."""

    activities: list[Activity]
    context: PositionContext
    rows: list[str]
    langs: list[str]
    handled: list[bool]
    en: list[int]
    multi: list[int]


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
        # each competency's scheme variants over all its indexed texts (scheme_variants.py)
        texts_of: dict[int, list[str]] = {}
        for r in index.rows:
            texts_of.setdefault(r.competency, []).append(r.text)
        self._variants = [variants(" ".join(texts_of.get(c, []))) for c in range(len(dictionary.entries))]
        self.explainer = Explainer(dictionary, index)
        config = FacetConfig(theme=settings.facet_theme, description=settings.facet_description,
                             dense_aliases=settings.dense_aliases)
        self.multilingual = MultilingualPath(settings, dictionary, config, self.lexical, self._row_owner)
        self.rankers = RankerWatcher(settings.data_dir / "rankers")
        self._competency_ids = [e.id for e in dictionary.entries]
        self._prior_cache: tuple[str, tuple[np.ndarray, ...]] | None = None
        # Domain entries' themes are their sectors; -1 marks a competency that has no sector
        self.sectors = sorted({e.theme for e in dictionary.entries if e.type == "Domain"})
        self._sector_of = np.array([self.sectors.index(e.theme) if e.type == "Domain" else -1
                                    for e in dictionary.entries], dtype=np.int64)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, encoder: Encoder | None = None,
                      dictionary: Dictionary | None = None, rebuild: bool = False) -> "Suggester":
        settings = settings or Settings()
        # spaCy's import is a slow part of a start; run it beside the model load
        warm = threading.Thread(target=preload_sentencizer, name="cde-spacy", daemon=True)
        warm.start()
        faiss.omp_set_num_threads(settings.search_threads)  # process-wide: FAISS has no per-index setting
        dictionary = dictionary or load_dictionary(settings.dictionary)
        encoder = encoder or load_encoder(settings.model_id, threads=settings.torch_threads,
                                          batch_size=settings.encode_batch_size, runtime=settings.runtime,
                                          cache_dir=Path(settings.resolved_cache_dir), adapter=settings.adapter,
                                          int8_min_cosine=settings.int8_min_cosine)
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
        fused = ranking.fuse(dense, lexical, weight)
        if self.settings.scheme_conflict_penalty:
            fused = fused - self.settings.scheme_conflict_penalty * conflicts([variants(t) for t in texts], self._variants)
        return fused

    # -- the two public stages -------------------------------------------------------------------

    def score(self, text: str | bytes, *, position: str | None = None, department: str | None = None,
              lexical_weight: float | None = None, lang: str = "auto") -> Scored:
        """Stage 1: check the text, read its header lines as the position's context and its duties as
        activities, encode the activities and score them against the dictionary. A position or department
        typed beside the text wins over what the text's header says. Each activity goes to the encoder of
        its language (`lang` = auto: detected per line; en / hi: forced for every line); both paths land in
        one (activities x competencies) matrix on the English scale."""
        out = self.score_many([(text, position, department)], lexical_weight=lexical_weight, lang=lang)[0]
        if isinstance(out, CDEError):
            raise out
        return out

    def score_many(self, items: Sequence[tuple[str | bytes, str | None, str | None]], *,
                   lexical_weight: float | None = None, lang: str = "auto") -> list[Scored | CDEError]:
        """`score` for many (text, position, department) items with one encoder call per model for all
        their lines; every row is scored on its own, so each item gets what `score` alone gives it. An item
        that fails its checks gets its error in its place; the others go on."""
        prepared = []
        for text, position, department in items:
            try:
                prepared.append(self._prepare(text, position, department, lang))
            except CDEError as exc:
                prepared.append(exc)
        ok = [p for p in prepared if not isinstance(p, CDEError)]
        en_rows = [p.rows[i] for p in ok for i in p.en]
        multi_rows = [p.rows[i] for p in ok for i in p.multi]
        weight = self.settings.multilingual_lexical_weight if lexical_weight is None else lexical_weight
        d_en, n_comp = self.encoder.dimension, len(self.dictionary.entries)
        en_vectors = self.encoder.encode(en_rows) if en_rows else np.zeros((0, d_en), np.float32)
        en_scores = self.score_texts(en_rows, en_vectors, lexical_weight=lexical_weight) if en_rows else None
        multi_vectors, multi_scores = self.multilingual.score(multi_rows, weight) if multi_rows else (None, None)
        # one array for both models, wide enough for either; rows of a route are read in that route's columns
        width = max(d_en, multi_vectors.shape[1] if multi_vectors is not None else 0)
        out: list[Scored | CDEError] = []
        e = m = 0
        for p in prepared:
            if isinstance(p, CDEError):
                out.append(p)
                continue
            vectors = np.zeros((len(p.rows), width), np.float32)
            scores = np.zeros((len(p.rows), n_comp), np.float32)
            if p.en:
                vectors[p.en, :d_en], scores[p.en] = en_vectors[e:e + len(p.en)], en_scores[e:e + len(p.en)]
                e += len(p.en)
            if p.multi:
                vectors[p.multi, :multi_vectors.shape[1]] = multi_vectors[m:m + len(p.multi)]
                scores[p.multi] = multi_scores[m:m + len(p.multi)]
                m += len(p.multi)
            n = len(p.activities)
            has_about = len(p.rows) > n and p.handled[-1]
            out.append(Scored(p.activities, vectors[:n], scores[:n], p.context, scores[n] if has_about else None,
                              langs=p.langs, handled=p.handled[:n]))
        return out

    def _prepare(self, text: str | bytes, position: str | None, department: str | None, lang: str) -> _Lines:
        """The text's checks, context and lines, and which model reads each line: everything before encoding."""
        text = check_text(text, self.settings.max_text_chars)
        jd = read_jd(text, max_activities=self.settings.max_activities)
        typed = {k: v.strip() for k, v in (("designation", position), ("department", department)) if v and v.strip()}
        context = replace(jd.context, **typed)
        texts = [a.text[: self.settings.max_activity_chars] for a in jd.activities]
        try:
            langs = resolve(texts, lang)
        except ValueError as exc:
            raise InputError(str(exc), code="invalid_lang") from exc
        # the designation and department ride in the same encoder call: they say which sector the post is in
        about = ", ".join(v for v in (context.designation, context.department) if v)
        rows = texts + ([about] if about else [])
        row_langs = langs + ([detect(about) if lang == "auto" else lang] if about else [])
        handled = [route(lg) == "en" or self.settings.multilingual for lg in row_langs]
        return _Lines(jd.activities, context, rows, list(langs), handled,
                      en=[i for i, lg in enumerate(row_langs) if route(lg) == "en"],
                      multi=[i for i, lg in enumerate(row_langs) if route(lg) != "en" and handled[i]])

    def rank(self, scored: Scored, *, activities: Sequence[int] | None = None, top_k: int | None = None,
             min_score: float | None = None, ranker: Ranker | None | str = "current") -> list[Suggestion]:
        """Stage 2: the explained suggestions for all activities, or for a subset (one role's), ordered by
        confidence. Which competencies enter the list is `jd_rank.select` (coverage, support, sector
        agreement); their levels form one profile for the post's seniority.

        Evidence keeps the global activity indexes and offsets, so it always points into the original text."""
        s = self.settings
        picks = self.select(scored, activities=activities, top_k=top_k, min_score=min_score, ranker=ranker)
        context_sectors = self._context_sectors(scored)
        band = band_for(scored.context.designation, scored.context.pay_level) if s.seniority_levels else None
        notes = {p.competency: self._sector_note(p, context_sectors) for p in picks
                 if self._sector_of[p.competency] >= 0}
        spaces = None
        # the multilingual index is loaded only for lines it actually read (it is off, or lazy, otherwise)
        if any(scored.route(i) != "en" and (not scored.handled or scored.handled[i])
               for i in range(len(scored.activities))):
            spaces = {"en": (self.index, None),
                      "multi": (self.multilingual.index, self.multilingual.maps["dense"])}
        explained = self.explainer.explain_all(picks, scored.activities, scored.vectors, band,
                                               load_confidence_model(self.encoder.model_id, s.fitted_confidence,
                                                                     getattr(self.encoder, "adapter", None)),
                                               notes, routes=[scored.route(i) for i in range(len(scored.activities))],
                                               spaces=spaces)
        for sg in explained:
            sg.low_confidence = sg.confidence < s.low_confidence
        if s.abstain == "hide":
            explained = [sg for sg in explained if not sg.low_confidence]
        # one order, by confidence; ties keep the order in which coverage chose them
        return sorted(explained, key=lambda sg: -sg.confidence)

    def current_ranker(self) -> Ranker | None:
        """The learned ranker in force (`cde-suggest learn`), or None when none is active or it is switched off."""
        return self.rankers.current() if self.settings.learned_ranking else None

    def _learned(self, ranker: Ranker) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The ranker's priors in dictionary order and its memory encoded (once per ranker version)."""
        if self._prior_cache is None or self._prior_cache[0] != ranker.sha256:
            index = {cid: i for i, cid in enumerate(self._competency_ids)}
            # a later dictionary may drop ids; Hindi examples are left out, the memory is in English-model space
            known = [e for e in ranker.examples if e["competency_id"] in index and route(detect(e["text"])) == "en"]
            vectors = self.encoder.encode([e["text"] for e in known]) if known else np.zeros((0, 1), np.float32)
            self._prior_cache = (ranker.sha256, (
                prior_vector(ranker.priors, self._competency_ids), vectors,
                np.array([index[e["competency_id"]] for e in known], dtype=np.int64),
                np.array([bool(e["accepted"]) for e in known], dtype=bool)))
        return self._prior_cache[1]

    def select(self, scored: Scored, *, activities: Sequence[int] | None = None, top_k: int | None = None,
               min_score: float | None = None, ranker: Ranker | None | str = "current") -> list[Pick]:
        """Which competencies enter the list, before they are explained (`rank` explains them; the
        confidence fit reads their features). A learned ranker's priors shift each competency's scores."""
        s = self.settings
        top_k, min_score = check_ranking(s, top_k, min_score)
        rows = list(range(len(scored.activities))) if activities is None else [int(a) for a in activities]
        params = JDParams(min_score=min_score, top_k=top_k, support_threshold=s.support_threshold,
                          support_bonus=s.support_bonus, domain_own_line=s.domain_own_line,
                          sector_min_activities=s.sector_min_activities, coverage=s.coverage,
                          coverage_penalty=s.coverage_penalty, sector_agreement=s.sector_agreement, max_evidence=s.evidence_per_suggestion)
        if scored.handled:  # a line no model read has no scores: it must not be ranked, nor count as matched
            rows = [r for r in rows if scored.handled[r]]
        ranker = self.current_ranker() if ranker == "current" else ranker
        matrix = self._shifted(scored, rows, ranker)
        votes = None
        if activities is not None:  # one role's lines: the sector is the whole position's (jd_rank.select)
            every = [r for r in range(len(scored.activities)) if not scored.handled or scored.handled[r]]
            votes = jd_rank.sector_votes(self._shifted(scored, every, ranker), self._sector_of, len(self.sectors),
                                         params.support_threshold)
        picks = jd_rank.select(matrix, self._sector_of, len(self.sectors), params, self._context_sectors(scored),
                               votes=votes)
        return [replace(p, evidence=tuple((rows[a], sc) for a, sc in p.evidence)) for p in picks]

    def _shifted(self, scored: Scored, rows: list[int], ranker: Ranker | None | str) -> np.ndarray:
        """The score rows of `rows`, shifted by a learned ranker's priors and memory when one is given."""
        idx = np.asarray(rows, dtype=np.int64)
        matrix = scored.scores[idx]
        if isinstance(ranker, Ranker):
            priors, memory, competency, accepted = self._learned(ranker)
            learned = LearnParams(**ranker.meta.get("params", {}))
            delta = memory_delta(scored.vectors[idx][:, :self.encoder.dimension], memory, competency, accepted,
                                 len(self._competency_ids), learned)
            # the memory holds English-model vectors: a Hindi line's vector lives in the other model's space
            english = np.array([scored.route(r) == "en" for r in rows], dtype=bool)
            matrix = matrix + priors + np.where(english[:, None], delta, 0.0)
        return matrix

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
                lexical_weight: float | None = None, lang: str = "auto") -> SuggestionSet:
        """Both stages: the whole suggestion set for one text."""
        check_ranking(self.settings, top_k, min_score)  # before the model runs
        scored = self.score(text, position=position, department=department, lexical_weight=lexical_weight,
                            lang=lang)
        return self.suggestion_set(scored, top_k=top_k, min_score=min_score)

    def suggest_many(self, texts: Sequence[str | bytes], *, top_k: int | None = None,
                     min_score: float | None = None) -> list[SuggestionSet | CDEError]:
        """`suggest` for many texts with one encoder call for all their lines (`score_many`); a text that
        fails its checks gets its error in its place."""
        check_ranking(self.settings, top_k, min_score)
        return [s if isinstance(s, CDEError) else self.suggestion_set(s, top_k=top_k, min_score=min_score)
                for s in self.score_many([(t, None, None) for t in texts])]

    def suggestion_set(self, scored: Scored, *, top_k: int | None = None,
                       min_score: float | None = None) -> SuggestionSet:
        """Stage 2 and the set's stamps (dictionary, models, ranker, notices) for one scored text."""
        ranker = self.current_ranker()  # read once, so the stamp names what shaped this set
        langs = scored.langs or ["en"] * len(scored.activities)
        handled = scored.handled or [True] * len(scored.activities)
        ml = self.multilingual
        return SuggestionSet(
            dictionary=self.dictionary.info,
            model=ModelInfo(id=self.encoder.model_id, revision=self.encoder.revision),
            multilingual_model=ModelInfo(id=ml.encoder.model_id, revision=ml.encoder.revision)
            if any(route(lg) != "en" and h for lg, h in zip(langs, handled)) else None,
            activities=[ActivityOut(index=a.index, text=a.text, start=a.start, end=a.end, section=a.section,
                                    lang=lg, handled=h) for a, lg, h in zip(scored.activities, langs, handled)],
            suggestions=self.rank(scored, top_k=top_k, min_score=min_score, ranker=ranker),
            unmatched=[i for i in ranking.unmatched(scored.scores, self.settings.unmatched_score) if handled[i]],
            context=ContextOut(**{k: getattr(scored.context, k) for k in CONTEXT_FIELDS},
                               seniority=band_for(scored.context.designation, scored.context.pay_level)),
            ranker=RankerInfo(version=ranker.version, sha256=ranker.sha256) if ranker else None,
            notices=language_notices(langs, handled),
        )


def language_notices(langs: Sequence[str], handled: Sequence[bool]) -> list[str]:
    """What the reader must know about the languages of the text, in plain words."""
    out = []
    skipped = sum(1 for h in handled if not h)
    if skipped:
        out.append(f"{skipped} of {len(langs)} lines are not in English and were not read: Hindi input is "
                   "switched off on this server (CDE_MULTILINGUAL). No competencies are suggested for them.")
    other = sum(1 for lg, h in zip(langs, handled) if lg == "other" and h)
    if other:
        out.append(f"{other} lines are in a language other than English or Hindi. They were read by the "
                   "multilingual model, whose quality has been measured only for Hindi and English: check "
                   "these suggestions with care.")
    return out
