"""BM25 over the same facet rows (bm25s + PyStemmer): catches exact terms (GeM, PFMS, RTI) that a small
embedder blurs. Rebuilt at start: it takes milliseconds for a few thousand rows."""

from __future__ import annotations

import numpy as np
import Stemmer

from .lean_import import import_bm25s

bm25s = import_bm25s()  # without numba: `get_scores` is numpy either way


class LexicalIndex:
    def __init__(self, texts: list[str]) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        self._n = len(texts)
        self._bm25 = bm25s.BM25()
        tokens = bm25s.tokenize(texts, stopwords="en", stemmer=self._stemmer, show_progress=False)
        self._bm25.index(tokens, show_progress=False)

    def search(self, queries: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-k rows per query as (scores, ids); rows with no shared term score 0."""
        k = min(k, self._n)
        tokens = bm25s.tokenize(queries, stopwords="en", stemmer=self._stemmer, show_progress=False,
                                return_ids=False)
        scores = np.zeros((len(queries), k), dtype=np.float32)
        ids = np.zeros((len(queries), k), dtype=np.int64)
        for qi, toks in enumerate(tokens):
            if not toks:
                ids[qi] = np.arange(k)
                continue
            s = self._bm25.get_scores(toks)
            top = np.argpartition(-s, k - 1)[:k] if k < len(s) else np.arange(len(s))
            top = top[np.argsort(-s[top], kind="stable")]
            ids[qi], scores[qi] = top, s[top]
        return scores, ids
