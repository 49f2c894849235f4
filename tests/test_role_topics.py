"""Role topics (suggest/role_topics.py and its catalogue): matching duty lines to topics, the support rules
that let a topic name a role, the grouping view, single-duty merging and `eval --roles --gold`.

The catalogue tests read the real bundled catalogue (cheap: no encoder); fake scores and distances are
used only for the pure support and merging rules. The slow tests use the real model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from suggest import role_names as N
from suggest import role_topics as T
from suggest import roles as R
from suggest.dictionary import load_dictionary

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny_dictionary.yaml"
GOLD_ROLES = Path(__file__).resolve().parent.parent / "eval" / "gold" / "roles.jsonl"


@pytest.fixture(scope="module")
def cat() -> T.Catalogue:
    return T.load_catalogue()


def idx(cat: T.Catalogue, topic_id: str) -> int:
    return [t.id for t in cat.topics].index(topic_id)


# ---------------------------------------------------------------- the catalogue


def test_catalogue_is_complete_and_its_names_are_role_headings(cat):
    ids = [t.id for t in cat.topics]
    names = [t.name for t in cat.topics]
    assert 40 <= len(ids) <= 320 and len(set(ids)) == len(ids) and len(set(names)) == len(names)
    for t in cat.topics:
        assert t.terms and t.about and t.short, t.id
        assert t.family in cat.family_names, t.id
        # a heading, not a sentence: no lead-in, no trailing full stop, short
        assert not N.LEAD_IN.match(t.name) and not t.name.endswith(".") and len(t.name.split()) <= 6, t.name
    assert set(cat.families) == set(cat.family_names)


def test_terms_match_on_stems_longest_phrase_first_and_once_per_line(cat):
    audit = idx(cat, "audit")
    one = T.term_scores(["Reply to audit paras."], cat)[0, audit]
    # "audit paras" is one phrase: not counted again as the weak "audit"; "paras" plural matches "para"
    assert one == pytest.approx(cat.term_weights[tuple(T.tokens("audit paras"))][audit])
    twice = T.term_scores(["Reply to audit paras and upload replies on audit paras."], cat)[0, audit]
    assert twice == pytest.approx(one)
    assert T.tokens("Promote SHGs under OLM (DAY-NRLM)")[-1] == "day-nrlm"
    assert T.tokens("Section 3(3) of the Act")[1] == "3(3)"


def test_weak_terms_weigh_less_than_key_terms_and_alone_never_reach_support(cat):
    floor = T.support_floor(len(cat.topics))
    enforcement = idx(cat, "enforcement")
    weak = T.term_scores(["Inspect the premises."], cat)[0, enforcement]
    strong = T.term_scores(["Launch prosecution of the firm."], cat)[0, enforcement]
    assert 0 < weak < floor <= strong
    two_weak = T.term_scores(["Inspect the premises and run checks."], cat)[0, enforcement]
    assert two_weak < floor


@pytest.mark.parametrize("line, topic", [
    ("Maintain the register of pending Parliament Assurances on the Online Assurance Monitoring System.",
     "parliament"),
    ("Transfer RTI applications to the concerned CPIOs within five days.", "rti"),
    ("Furnish replies to draft audit paras received from the office of the CAG.", "audit"),
    ("Decide mutation cases in the record of rights within the prescribed time.", "land_records"),
    ("Fixation of pay of officers on promotion and grant of MACP.", "establishment"),
    ("Purchase of stationery through GeM.", "procurement"),
    ("Verify Utilisation Certificates submitted by States in the format of GFR 12-C.", "fund_release"),
    ("Monitor disposal of public grievances pending on CPGRAMS.", "grievances"),
    ("Examine refund claims of exporters.", "tax_refunds"),
])
def test_common_duties_find_their_topic_from_key_terms_alone(cat, line, topic):
    assert T.best_topics(T.term_scores([line], cat)) == [idx(cat, topic)]


def test_a_line_with_no_listed_term_has_no_best_topic(cat):
    assert T.best_topics(T.term_scores(["Carry out any other work entrusted."], cat)) == [None]


def test_description_cosine_adds_only_for_usable_rows_of_the_same_model(cat):
    rng = np.random.default_rng(0)
    tv = rng.standard_normal((len(cat.topics), 8))
    vecs = np.vstack([tv[3], tv[3]])
    dense = T.dense_scores(vecs, tv, usable=[True, False])
    assert int(np.argmax(dense[0])) == 3 and not dense[1].any()
    assert not T.dense_scores(np.ones((2, 5)), tv).any()  # another model's width: nothing to compare


# ---------------------------------------------------------------- support rules (pure)


def _rows(best: list[int | None], n_topics: int = 5, strength: float = 10.0) -> np.ndarray:
    s = np.zeros((len(best), n_topics))
    for r, b in enumerate(best):
        if b is not None:
            s[r, b] = strength
    return s


def test_a_topic_needs_more_than_half_of_the_rows():
    assert T.supported_topic(_rows([1, 1, 2])) == 1
    assert T.supported_topic(_rows([1, 1, 2, 3])) is None  # half is not enough
    assert T.supported_topic(_rows([1, None, None])) is None
    assert T.supported_topic(_rows([1, 1, 1], strength=0.5)) is None  # each row needs real evidence


def test_two_topics_may_name_a_role_only_together_covering_most_rows():
    assert T.supported_pair(_rows([1, 2])) == (1, 2)
    assert T.supported_pair(_rows([2, 1, 2, None])) == (2, 1)
    assert T.supported_pair(_rows([1, 2, None, None])) is None
    assert T.supported_pair(_rows([1])) is None


def test_pair_names_read_as_two_things(cat):
    a, b = idx(cat, "cash"), idx(cat, "parliament")
    assert T.pair_name(cat, a, b) == "Cash and Parliament"
    assert T.pair_name(cat, idx(cat, "law_order"), idx(cat, "elections")) == "Law and order, elections"


def test_family_names_a_role_spread_over_one_area(cat):
    s = np.zeros((3, len(cat.topics)))
    for r, t in enumerate(("pension", "vigilance", "establishment")):
        s[r, idx(cat, t)] = 10.0
    assert T.supported_topic(s) is None and T.supported_family(s, cat) == "people"
    assert T.family_scores(s, cat).shape == (3, len(cat.families))


# ---------------------------------------------------------------- naming and checks


def test_a_supported_topic_names_the_role_and_an_unsupported_one_is_flagged(cat):
    d = load_dictionary(TINY)
    scores = np.zeros((3, len(d.entries)))
    topics = _rows([idx(cat, "audit")] * 2 + [idx(cat, "budget")], len(cat.topics))
    texts = ["Reply to audit paras.", "Upload Action Taken Notes on audit paras.", "Compile the Budget Estimates."]
    # the topic, with only the part of its name that the duties mention (no padded second noun)
    assert N.name_role(texts, scores, d, topics=topics) == "Audit paras"
    assert N.naming_problems("Audit paras and inspection reports", scores, d, topics) == []
    assert N.naming_problems("Budget formulation", scores, d, topics) == ["unsupported_topic"]
    # the family name of an area the role is not about is flagged too
    assert N.naming_problems("Parliament matters", scores, d, topics) == ["unsupported_topic"]


def test_with_topics_known_a_theme_label_never_names_a_mixed_role(cat, monkeypatch):
    d = load_dictionary(TINY)
    monkeypatch.setattr(N, "_parser", lambda: None)  # no objects either: the last resort is honest
    scores = np.array([[0.9, 0.1, 0.2], [0.8, 0.3, 0.1], [0.7, 0.2, 0.1]])
    topics = _rows([None, None, None], len(cat.topics))
    texts = ["Attend to other work.", "Carry out tasks.", "Any other work."]
    assert N.name_role(texts, scores, d) == "Budget and financial management"  # without topics: the theme
    assert N.name_role(texts, scores, d, topics=topics) == "Other duties"


# ---------------------------------------------------------------- grouping


def test_role_features_add_the_topic_and_family_cosines():
    texts = ["Prepare budget estimates.", "Reply to audit paras.", "Monitor expenditure."]
    v = np.random.default_rng(1).standard_normal((3, 6))
    topics = np.array([[3.0, 0.0, 1.0], [0.0, 4.0, 0.0], [2.0, 0.0, 0.5]])
    fams = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    base = R.role_features(texts, v, embedding_weight=0.3)
    f = R.role_features(texts, v, embedding_weight=0.3, topics=topics, families=fams, topic_weight=0.4,
                        family_weight=0.15)
    tu, fu = R._unit_rows(topics), R._unit_rows(fams)
    assert np.allclose(f @ f.T, base @ base.T + 0.4 * tu @ tu.T + 0.15 * fu @ fu.T)


def test_a_single_duty_joins_its_nearest_role_only_when_near_enough():
    d = np.array([[0.0, 0.2, 0.9, 0.95],
                  [0.2, 0.0, 0.9, 0.95],
                  [0.9, 0.9, 0.0, 0.5],
                  [0.95, 0.95, 0.5, 0.0]])
    groups = [[0, 1], [2], [3]]
    # 2 and 3 are nearest each other (0.5): the two single duties become one role
    assert R.merge_singletons(d, groups, 0.6) == [[0, 1], [2, 3]]
    assert R.merge_singletons(d, groups, 0.4) == groups
    assert R.merge_singletons(d, [[0, 1, 2, 3]], 0.6) == [[0, 1, 2, 3]]


def test_splits_beyond_dev_and_test_are_reported_under_their_own_name():
    from suggest.evaluation.roles_eval import Prepared, by_structure, splits_of

    p = Prepared("H1", False, "heldout", [], np.zeros((0, 2)), np.zeros((0, 2)), [])
    assert splits_of([p]) == ["dev", "test", "heldout"]
    out = by_structure([p], {"H1": 0.5})
    assert out["heldout_flat"]["n"] == 1 and out["dev_flat"]["n"] == 0


# ---------------------------------------------------------------- slow: the real model


@pytest.mark.slow
def test_topics_group_and_name_a_flat_dev_position(real_suggester):
    gold = next(json.loads(line) for line in GOLD_ROLES.read_text(encoding="utf-8").splitlines()
                if json.loads(line)["id"] == "R15")
    # an explicit cut height selects the topic-view clustering (the default groups with the learned model)
    roles = R.build_roles(real_suggester, gold["text"], distance_threshold=R.DISTANCE_THRESHOLD)
    names = [r["name"] for r in roles]
    assert "Parliament questions and assurances" in names
    # the salary role may take a topic's name ("Cash, salary and claims") or a bank role's ("Pay and claims of
    # staff", since the bank has 2,400 positions): either way it says the pay and the claims
    assert any(("salary" in n.lower() or "pay" in n.lower()) and "claims" in n.lower() for n in names), names
    cat = T.load_catalogue()
    scored = real_suggester.score(gold["text"])
    topics = T.scored_topic_scores(scored, real_suggester.encoder)
    for r in roles:
        rows = np.array([a["index"] for a in r["activities"]])
        assert "unsupported_topic" not in N.naming_problems(r["name"], scored.scores[rows],
                                                            real_suggester.dictionary, topics[rows])
    assert len(cat.topics) == topics.shape[1]


@pytest.mark.slow
def test_eval_roles_reads_another_gold_file(real_suggester, tmp_path):
    from suggest.evaluation.roles_eval import evaluate_roles

    lines = [json.loads(x) for x in GOLD_ROLES.read_text(encoding="utf-8").splitlines() if x.strip()]
    picked = [dict(p, split="heldout") for p in lines if p["id"] in ("R01", "R10")]
    path = tmp_path / "heldout.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in picked), encoding="utf-8")
    res = evaluate_roles(None, suggester=real_suggester, gold_path=path)
    assert res["n_positions"] == 2 and res["splits"]["heldout"] == ["R01", "R10"]
    assert res["ari"]["heldout_headed"]["mean"] == 1.0 and res["ari"]["heldout_flat"]["n"] == 1


def test_tokens_are_cached_but_each_caller_gets_its_own_list():
    first = T.tokens("Verify the ration cards (RCMS) of new applicants")
    first.append("changed")
    again = T.tokens("Verify the ration cards (RCMS) of new applicants")
    assert "changed" not in again and again == first[:-1] and again[0] == "verifi"
