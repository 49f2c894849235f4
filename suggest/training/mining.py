"""Hard negatives mined from the same FAISS index the service searches, built with the base encoder.

For each anchor, the competencies the base model ranks highest but that are not among the anchor's own
positives are what the fine-tune must learn to push away. The very top non-gold hits are often unlabelled
synonyms (ESCO has many near-duplicate labels), so one is drawn at random from the first `depth` instead of
always taking the first.
"""

from __future__ import annotations

import random
from pathlib import Path

from ..dictionary import Dictionary
from ..encode import Encoder
from ..index import FacetConfig, build_or_load, facet_rows
from .types import Pair, gold_keys

# label-only taxonomies are indexed as bare labels (suites.TAXONOMY_SETTINGS); our dictionary as the service does
ESCO_CONFIG = FacetConfig(theme=False, description=False, dense_aliases=False)


def mine(pairs: list[Pair], encoder: Encoder, dictionaries: dict[str, Dictionary], cache_dir: Path, *,
         seed: int = 42, depth: int = 10, rows: int = 64) -> list[tuple[str, str] | None]:
    """Per pair, (negative competency id, its positive-style text), or None when nothing qualifies."""
    rng = random.Random(seed)
    golds = gold_keys(pairs)
    out: list[tuple[str, str] | None] = [None] * len(pairs)
    for name, dictionary in dictionaries.items():
        config = ESCO_CONFIG if name == "esco" else FacetConfig()
        index = build_or_load(dictionary, encoder, cache_dir, config=config)
        heads = {r.competency: r.text for r in facet_rows(dictionary.entries, config) if r.kind == "name"}
        ids = [e.id for e in dictionary.entries]
        which = [i for i, p in enumerate(pairs) if p.dictionary == name]
        anchors = sorted({pairs[i].anchor for i in which})
        vectors = encoder.encode(anchors)
        _, found = index.search(vectors, rows)
        ranked: dict[str, list[int]] = {}
        for anchor, row_ids in zip(anchors, found):
            seen: list[int] = []
            for r in row_ids:
                c = index.rows[r].competency
                if c not in seen and ids[c] not in golds[anchor]:
                    seen.append(c)
                if len(seen) == depth:
                    break
            ranked[anchor] = seen
        for i in which:
            options = ranked[pairs[i].anchor]
            if options:
                c = rng.choice(options)
                out[i] = (ids[c], heads[c])
    return out
