"""Coarse part-of-speech tags from the tagger's fine tags, without spaCy's attribute ruler.

The small English pipeline sets `pos_` in its attribute ruler, a rule matcher that costs about 10 ms on a
15-line JD, a quarter of the parse that role naming pays for (README, Role grouping: `roles` must stay
within 1.5x of the suggestion latency). A fine tag decides the coarse one except for auxiliaries ("has",
"will"), subordinating "that"/"if" and negation, which are read from the word and its dependency here. On
the 1,128 gold activity lines this agrees with the ruler on all but 11 of ~20,000 tokens, and on every
noun, proper noun and adjective (tests/test_pos_tags.py).
"""

from __future__ import annotations

from typing import Any

# Penn Treebank tags to Universal POS, as the English pipeline's ruler maps them
TAG_TO_POS = {
    "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "VB": "VERB", "VBD": "VERB", "VBG": "VERB",
    "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB", "MD": "AUX", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ",
    "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "WRB": "ADV", "IN": "ADP", "RP": "ADP", "DT": "DET", "PDT": "DET",
    "WDT": "PRON", "PRP": "PRON", "PRP$": "PRON", "WP": "PRON", "WP$": "DET", "EX": "PRON", "CC": "CCONJ",
    "CD": "NUM", "POS": "PART", "TO": "PART", "UH": "INTJ", "SYM": "SYM", "FW": "X", "LS": "X", "ADD": "X",
    "AFX": "ADJ", "GW": "X", "XX": "X", "NFP": "PUNCT", "HYPH": "PUNCT", ",": "PUNCT", ".": "PUNCT",
    ":": "PUNCT", "``": "PUNCT", "''": "PUNCT", "-LRB-": "PUNCT", "-RRB-": "PUNCT", "$": "SYM", "_SP": "SPACE",
}
AUXILIARIES = frozenset("be is am are was were been being have has had having do does did will shall may can "
                        "must should would could might 's 're 've 'd 'll 'm ca wo".split())
BE = frozenset("be is am are was were been being 's 're 'm".split())
# words the ruler tags as subordinating conjunctions whatever their fine tag
SUBORDINATORS = frozenset("where when wherever whenever how that till upon besides whether if because although "
                          "unless until".split())
NEGATIONS = frozenset(("not", "n't"))
COMPONENT = "tag_to_pos"


def coarse_tag(tag: str, lower: str, dep: str) -> str:
    if lower in AUXILIARIES and (tag == "MD" or (tag.startswith("VB") and (dep.startswith("aux") or lower in BE))):
        return "AUX"  # "has" heading its own clause stays a verb
    if tag in ("IN", "WRB") and (dep == "mark" or lower in SUBORDINATORS):
        return "SCONJ"
    if tag == "DT" and dep in ("nsubj", "nsubjpass", "dobj", "pobj"):
        return "PRON"  # "that" or "this" standing alone
    if tag == "RB" and lower in NEGATIONS:
        return "PART"
    return TAG_TO_POS.get(tag, "X")


def set_coarse_tags(doc: Any) -> Any:
    for tok in doc:
        tok.pos_ = coarse_tag(tok.tag_, tok.lower_, tok.dep_)
    return doc


def register(spacy: Any) -> str:
    """Registers the component with spaCy (once) and returns its name for `nlp.add_pipe`."""
    from spacy.language import Language

    if not Language.has_factory(COMPONENT):
        Language.component(COMPONENT, func=set_coarse_tags)
    return COMPONENT
