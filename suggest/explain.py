"""Turning a chosen competency into what a reviewer reads: its ASK tags, its level (with the descriptor
that says what the level means), its evidence, its confidence and a plain explanation of why.

The levels of one JD are chosen together (`seniority.profile_levels`), so this module works on all of a
JD's picks at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import confidence as conf
from . import rank as ranking
from .dictionary import ASK_KINDS, Dictionary
from .index import FacetIndex
from .jd_rank import Pick
from .schemas import AskMatch, Evidence, Suggestion
from .seniority import Band, profile_levels, scope_of
from .segment import Activity

ASK_MIN = 0.30  # an ASK statement this close to the evidence counts as matched
# A Behavioural competency is about how a person acts; it reads as a skill only when the evidence is much
# closer to one of its skill statements than to any attitude statement.
BEHAVIOURAL_SKILL_MARGIN = 0.10
SCOPE_WORDS = {-1: "the duty's wording (assists, maintains) lowered it",
               1: "the duty's wording (approves, leads) raised it"}


@dataclass(frozen=True)
class _Facets:
    ask: dict[str, list[str]]
    tags: list[str]
    matched_text: str
    descriptor_level: int


class Explainer:
    def __init__(self, dictionary: Dictionary, index: FacetIndex) -> None:
        self.dictionary = dictionary
        self.index = index
        self._rows_of: list[list[int]] = [[] for _ in dictionary.entries]
        for i, r in enumerate(index.rows):
            self._rows_of[r.competency].append(i)

    def facets(self, competency: int, activity_vectors: np.ndarray, first_activity: Activity,
               index: FacetIndex | None = None, sim_map=None) -> _Facets:
        """The ASK statements closest to the evidence, the best-matching dictionary text, and the level
        whose descriptor the evidence resembles most. `index` is the index of the space the vectors are in
        (the multilingual one for Hindi evidence; its rows are the same rows), `sim_map` puts its cosines
        on the English scale so that ASK_MIN means the same."""
        index = index or self.index
        entry = self.dictionary.entries[competency]
        rows = self._rows_of[competency]
        # a JD with lines of two models keeps one zero-padded array; each space reads its own columns
        activity_vectors = activity_vectors[:, :index.vectors.shape[1]]
        sims = (index.vectors[rows] @ activity_vectors.T).max(axis=1)  # each facet vs its best evidence
        if sim_map is not None:
            sims = sim_map(sims)
        ranked = sorted(zip(rows, sims), key=lambda t: -t[1])
        ask: dict[str, list[str]] = {k: [] for k in ASK_KINDS}
        best_sim: dict[str, float] = {k: -1.0 for k in ASK_KINDS}
        for row, sim in ranked:
            kind = self.index.rows[row].kind
            if kind in ask:
                best_sim[kind] = max(best_sim[kind], float(sim))
                if sim >= ASK_MIN:
                    ask[kind].append(self.index.rows[row].text)
        if not any(ask.values()):
            # nothing close enough: tag the single closest statement
            for row, _ in ranked:
                if self.index.rows[row].kind in ask:
                    ask[self.index.rows[row].kind].append(self.index.rows[row].text)
                    break
        tags = [k for k in ASK_KINDS if ask[k]] or [default_ask(entry.type)]
        if entry.type == "Behavioural":
            tags = behavioural_tags(tags, best_sim)
        lv = index.level_vectors[competency * 5:(competency + 1) * 5] @ activity_vectors[0, :index.level_vectors.shape[1]]
        level = ranking.suggest_level(lv, ranking.level_prior(first_activity.text))
        return _Facets(ask, tags, self.index.rows[ranked[0][0]].text, level)

    def explain_all(self, picks: Sequence[Pick], activities: Sequence[Activity], vectors: np.ndarray,
                    band: Band | None, confidence_model: dict, sector_note: dict[int, str], *,
                    routes: Sequence[str] | None = None, spaces: dict | None = None) -> list[Suggestion]:
        """Every pick of one JD explained, with one coherent level profile across them. With `spaces`
        (route -> (index, similarity map)), a pick's ASK and level come from the evidence that shares its
        best activity's encoder: vectors of two models are never compared."""
        entries = self.dictionary.entries
        facets, scopes = [], []
        for p in picks:
            acts = [a for a, _ in p.evidence]
            index, sim_map = None, None
            if spaces and routes:
                acts = [a for a in acts if routes[a] == routes[acts[0]]]
                index, sim_map = spaces[routes[acts[0]]]
            facets.append(self.facets(p.competency, vectors[acts], activities[acts[0]], index, sim_map))
            scopes.append(scope_of(activities[acts[0]].text))
        # With a seniority band the descriptor similarity is left out: on the position dev split its pull
        # cut exact level agreement from 0.59 to 0.36 (the descriptors' wording, not the post, decided).
        levels = profile_levels([(entries[p.competency].type, None if band else f.descriptor_level, sc)
                                 for p, f, sc in zip(picks, facets, scopes)], band)
        out = []
        for p, f, scope, level in zip(picks, facets, scopes, levels):
            entry = entries[p.competency]
            x = conf.features(p.score, p.support, p.round == 0, entry.type, p.sector_ok)
            notes = [support_note(p.support)]
            if p.competency in sector_note:
                notes.append(sector_note[p.competency])
            notes.append(level_note(level, band, scope))
            out.append(Suggestion(
                competency_id=entry.id, name=entry.name, competencyAreaName=entry.type,
                competencyThemeName=entry.theme, competencySubThemeName=entry.sub_theme_name,
                score=round(p.score, 4), confidence=round(conf.probability(x, confidence_model), 4),
                suggested_level=level, level_descriptor=entry.levels.get(level), ask_tags=f.tags,
                ask=AskMatch(**f.ask), matched_text=f.matched_text, support=p.support, explanation=notes,
                evidence=[Evidence(activity=a, start=activities[a].start, end=activities[a].end,
                                   text=activities[a].text, score=round(sc, 4)) for a, sc in p.evidence]))
        return out


def default_ask(kind: str) -> str:
    return {"Behavioural": "attitude", "Functional": "skill"}.get(kind, "knowledge")


def behavioural_tags(tags: list[str], best_sim: dict[str, float]) -> list[str]:
    """Attitude first for a Behavioural competency, unless the evidence is plainly a skill."""
    plainly_skill = best_sim["skill"] >= best_sim["attitude"] + BEHAVIOURAL_SKILL_MARGIN
    if plainly_skill:
        return ["skill"] + [t for t in tags if t != "skill"]
    return ["attitude"] + [t for t in tags if t != "attitude"]


def support_note(support: int) -> str:
    if support <= 1:  # 0: its best line is just under the support threshold, but still the one line
        return "called for by one activity"
    return f"called for by {support} activities"


def level_note(level: int, band: Band | None, scope: int) -> str:
    base = (f"level {level}: within the usual range for a {band}-level post (docs/seniority.md)" if band
            else f"level {level}: from the dictionary's level descriptors (no designation or pay level found)")
    return base + (f"; {SCOPE_WORDS[scope]}" if scope in SCOPE_WORDS else "")
