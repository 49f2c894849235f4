"""Dictionary search for a reviewer's "add" box: lexical and dense ranking over the same facet rows the
suggester uses (name with description, ASK statements, examples, aliases), plus a lift for entries whose
name, id or alias holds the query as typed, so a reviewer who types part of a name finds that entry first.

`rank_entries` is pure; `search` runs the encoder and the indexes through `Suggester.score_texts`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .dictionary import Competency

if TYPE_CHECKING:
    from .suggester import Suggester

# Fused scores lie in about 0..1; these lifts put a typed name or alias above any meaning-only match, and a
# phrase found in a description above most of them, without reordering entries within each group.
NAME_LIFT = 0.5
TEXT_LIFT = 0.2


def rank_entries(query: str, entries: Sequence[Competency], fused: np.ndarray, *,
                 min_score: float) -> list[tuple[int, float]]:
    """(entry position, score), best first: every entry whose name, id, alias, theme or description holds the
    query (from a word's start), and every other entry whose fused score reaches `min_score`. Ties keep
    dictionary order."""
    needle = " ".join(query.lower().split())
    # from the start of a word: "rti" finds "RTI Responsiveness", not "fertiliser"
    typed = re.compile(r"\b" + re.escape(needle)) if needle else None
    out: list[tuple[int, float]] = []
    for i, entry in enumerate(entries):
        lift = 0.0
        if typed and (needle == entry.id.lower() or any(typed.search(t.lower()) for t in (entry.name, *entry.aliases))):
            lift = NAME_LIFT
        elif typed and (typed.search(entry.description.lower()) or typed.search(entry.theme.lower())):
            lift = TEXT_LIFT
        score = float(fused[i])
        if lift or score >= min_score:
            out.append((i, score + lift))
    out.sort(key=lambda t: (-t[1], t[0]))
    return out


def search(suggester: Suggester, query: str, *, min_score: float) -> list[tuple[Competency, float]]:
    entries = suggester.dictionary.entries
    fused = suggester.score_texts([query])[0]
    return [(entries[i], score) for i, score in rank_entries(query, entries, fused, min_score=min_score)]
