"""Views of a JD's activities that role grouping compares: TF-IDF without the duty verb, and competency
profiles. Both are read within one JD, so what every line of the JD shares separates no roles.

Kept apart from suggest/roles.py so that the pairwise same-role model (suggest/role_pairs.py) and the
grouping both use them without importing each other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

# entries kept per activity in its profile: the topic lives in the few strongest, the rest is noise
PROFILE_TOP = 10

_WORD = re.compile(r"[A-Za-z][A-Za-z-]+")
# function words only: within one JD the IDF already discounts words every activity shares
_STOP = frozenset("a an and are as at be by for from in into is its of on or the their this that to under "
                  "with within".split())


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer, already a dependency of the lexical index

    return Stemmer.Stemmer("english")


def lexical_features(texts: Sequence[str]) -> np.ndarray:
    """TF-IDF over the JD's own activities, without each activity's first word.

    The first word is the duty verb (prepare, monitor, review): shared across roles, it would pull
    together activities that share only a verb. IDF is computed within the JD, so a word such as "RTI"
    that three activities share is a strong tie, and "Department", in every line, is a weak one."""
    stem = _stemmer().stemWord
    docs = []
    for t in texts:
        words = [w.lower() for w in _WORD.findall(t)[1:]]
        docs.append([stem(w) for w in words if w not in _STOP])
    vocab = {w: i for i, w in enumerate(sorted({w for d in docs for w in d}))}
    x = np.zeros((len(docs), len(vocab)), dtype=np.float64)
    for i, d in enumerate(docs):
        for w in d:
            x[i, vocab[w]] += 1.0
    df = (x > 0).sum(axis=0)
    idf = np.log((1.0 + len(docs)) / (1.0 + df)) + 1.0
    return x * idf


def unit_rows(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)


def centred_scores(scores: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
    """Scores on `columns` (default all), less the JD's mean per column."""
    s = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    if columns is not None:
        s = s[:, columns]
    return s - s.mean(axis=0, keepdims=True)


def competency_profile(scores: np.ndarray, columns: np.ndarray | None = None, *, top: int = PROFILE_TOP
                       ) -> np.ndarray:
    """Each activity's scores on `columns` (default all), centred on the JD, with only its `top` entries
    above the JD's mean kept. Centring matters as for the embeddings: a competency every line of the JD
    scores well on (Noting and drafting) separates no roles."""
    c = centred_scores(scores, columns)
    out = np.zeros_like(c)
    k = min(top, c.shape[1])
    for i, row in enumerate(c):
        # stable order: ties go to the earlier column, so the profile does not depend on sort internals
        keep = np.lexsort((np.arange(row.size), -row))[:k]
        out[i, keep] = np.maximum(row[keep], 0.0)
    return out
