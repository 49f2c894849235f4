import json
from pathlib import Path

import pytest

from suggest.pos_tags import coarse_tag

ROOT = Path(__file__).resolve().parents[1]


def test_fine_tags_map_to_coarse_ones():
    assert coarse_tag("NNS", "claims", "dobj") == "NOUN"
    assert coarse_tag("NNP", "PFMS", "pobj") == "PROPN"
    assert coarse_tag("VB", "prepare", "ROOT") == "VERB"
    assert coarse_tag("JJ", "annual", "amod") == "ADJ"
    assert coarse_tag("POS", "'s", "case") == "PART"


def test_auxiliaries_subordinators_and_negation_are_read_from_the_word():
    assert coarse_tag("MD", "will", "aux") == "AUX"
    assert coarse_tag("VBZ", "is", "ROOT") == "AUX"
    assert coarse_tag("VBZ", "has", "aux") == "AUX"
    assert coarse_tag("VBZ", "has", "ccomp") == "VERB"  # "has" heading its own clause
    assert coarse_tag("WRB", "where", "advmod") == "SCONJ"
    assert coarse_tag("IN", "of", "prep") == "ADP"
    assert coarse_tag("RB", "not", "neg") == "PART"


@pytest.mark.slow
def test_agrees_with_the_attribute_ruler_on_gold_lines():
    spacy = pytest.importorskip("spacy")
    from suggest.pos_tags import register
    from suggest.role_names import SPACY_MODEL
    from suggest.segment import read_jd

    try:
        full = spacy.load(SPACY_MODEL, exclude=["ner", "lemmatizer"])
    except OSError:
        pytest.skip("the spaCy model is not installed")
    lean = spacy.load(SPACY_MODEL, exclude=["ner", "lemmatizer", "attribute_ruler"])
    lean.add_pipe(register(spacy))
    texts = []
    for line in (ROOT / "eval" / "gold" / "roles.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            texts += ["I " + a.text for a in read_jd(json.loads(line)["text"]).activities]
    pairs = [(x, y) for d, e in zip(full.pipe(texts), lean.pipe(texts)) for x, y in zip(d, e)]
    assert len(pairs) > 4000
    differ = [(x.text, x.pos_, y.pos_) for x, y in pairs if x.pos_ != y.pos_]
    assert len(differ) <= len(pairs) // 1000, differ
    # naming reads nouns, proper nouns, adjectives and verbs: those must agree exactly
    assert not [d for d in differ if {"NOUN", "PROPN", "ADJ", "VERB"} & {d[1], d[2]}], differ
