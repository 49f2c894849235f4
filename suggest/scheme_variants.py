"""Scheme variants: a line that names one variant of a scheme ("PMAY-G", the rural housing scheme) is not
evidence for a competency written about a sibling variant ("PMAY-U", the urban one).

The encoder reads the two as near-identical, and BM25's tokenizer drops the one-letter suffix, so on
"Geo-tagging of PMAY-G houses and release of instalments" Urban Housing outscored Rural Housing (0.78
against 0.62) and was suggested to a block office at 77%. A competency conflicts with a line when both name
variants of one stem (an acronym of three or more capitals) and no variant is shared. Stems only one side
names never conflict, so system names such as "RTI-MIS" or "CPC-TDS" are left alone.

Pure functions: texts in, masks out."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

VARIANT = re.compile(r"\b([A-Z]{3,})-([A-Z]{1,5})\b")

Variants = dict[str, frozenset[str]]


def variants(text: str) -> Variants:
    """Each stem named in `text` with the suffixes it carries: "PMAY-G and SBM-U" -> {PMAY: {G}, SBM: {U}}."""
    found: dict[str, set[str]] = {}
    for stem, suffix in VARIANT.findall(text):
        found.setdefault(stem, set()).add(suffix)
    return {s: frozenset(v) for s, v in found.items()}


def conflicts(lines: Sequence[Variants], competencies: Sequence[Variants]) -> np.ndarray:
    """(lines, competencies) bool: the line names a variant of a stem the competency also names, and they
    share none of its variants."""
    out = np.zeros((len(lines), len(competencies)), dtype=bool)
    named = [(c, v) for c, v in enumerate(competencies) if v]
    for i, line in enumerate(lines):
        if not line:
            continue
        for c, comp in named:
            out[i, c] = any(stem in comp and not (suffixes & comp[stem]) for stem, suffixes in line.items())
    return out
