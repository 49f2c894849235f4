"""Seniority bands from designations and pay levels, scope cues, and coherent level profiles."""

import pytest

from suggest.seniority import BANDS, band_for, level_range, profile_levels, scope_of


@pytest.mark.parametrize("designation, band", [
    ("Multi-Tasking Staff", "support"), ("MTS", "support"), ("Peon", "support"), ("Daftary", "support"),
    ("LDC", "support"), ("Upper Division Clerk", "support"),
    ("Assistant", "junior"), ("Assistant Section Officer", "junior"), ("ASO", "junior"),
    ("Asstt. Section Officer", "junior"), ("A.S.O. (Cash)", "junior"), ("Inspector", "junior"),
    ("Junior Engineer", "junior"), ("Patwari", "junior"), ("Gram Panchayat Secretary", "junior"),
    ("Section Officer", "middle"), ("Sr. Section Officer", "middle"), ("SO (Budget)", "middle"),
    ("Superintendent", "middle"), ("Tehsildar", "middle"), ("Block Development Officer", "middle"),
    ("BDO", "middle"), ("Headmaster", "middle"), ("Manager", "middle"), ("Dy. SP", "middle"),
    ("Under Secretary", "senior"), ("Deputy Secretary", "senior"), ("Dy. Secretary", "senior"),
    ("Dy Secy (Admn)", "senior"), ("Deputy Director", "senior"), ("Joint Director of Agriculture", "senior"),
    ("Assistant Commissioner (Customs)", "senior"), ("Deputy Commissioner of Income Tax", "senior"),
    ("District Health Officer", "senior"), ("Executive Engineer", "senior"), ("SP", "senior"),
    ("Superintendent of Police", "senior"), ("Principal", "senior"), ("Deputy General Manager", "senior"),
    ("Director", "executive"), ("Joint Secretary", "executive"), ("Jt. Secretary", "executive"),
    ("District Collector", "executive"), ("Deputy Commissioner, Udupi District", "executive"),
    ("Superintending Engineer", "executive"), ("Chief Engineer", "executive"), ("General Manager", "executive"),
    ("Additional Secretary", "apex"), ("Addl. Secretary", "apex"), ("Secretary", "apex"),
    ("Chief Secretary", "apex"), ("Director General", "apex"), ("DG", "apex"), ("Addl. DG", "apex"),
])
def test_designations(designation, band):
    assert band_for(designation) == band


def test_qualifiers_are_not_swallowed_by_the_bare_title():
    assert band_for("Deputy Secretary") != band_for("Secretary")
    assert (band_for("Assistant Section Officer"), band_for("Section Officer")) == ("junior", "middle")
    assert (band_for("Assistant Executive Engineer"), band_for("Executive Engineer")) == ("middle", "senior")
    assert band_for("Principal Secretary") == "apex" and band_for("Private Secretary") == "middle"
    assert band_for("Deputy Director General") == "executive"
    # the post named first is the holder's, not the superior mentioned after it
    assert band_for("Deputy Director, office of the Director General") == "senior"


def test_unknown_designation_is_none():
    assert band_for("Consultant") is None
    assert band_for(None) is None
    assert band_for("") is None


@pytest.mark.parametrize("pay, band", [
    ("Level 2", "support"), ("Pay Level-7", "junior"), ("Level 8 in the Pay Matrix", "middle"),
    ("Level 11", "senior"), ("Pay Level-11", "senior"), ("Level 11 in the Pay Matrix", "senior"),
    ("Level-13A", "executive"), ("Level 14", "executive"), ("Level 15", "apex"), ("Level 17", "apex"),
    ("12", "senior"), ("Level 99", None), ("senior grade", None),
])
def test_pay_levels(pay, band):
    assert band_for(None, pay) == band


def test_designation_comes_before_pay_level_then_text():
    assert band_for("Patwari", "Level 4") == "junior"
    assert band_for("Consultant", "Level 12") == "senior"
    assert band_for(None, None, "Ministry of Finance\nDesignation: Under Secretary\nLevel 12") == "senior"


def test_text_fallback_ignores_the_superior():
    text = "Government of India\nReports to: Joint Secretary\nSection Officer, Budget Section\n..."
    assert band_for(None, None, text) == "middle"
    assert band_for(None, None, "Post: ASO, reporting to the Section Officer") == "junior"
    assert band_for(None, None, "Department of X\nReporting officer: Director\nPay Level 7") == "junior"
    assert band_for(None, None, "Duties so far as assigned.") is None  # "so" in running text is not SO


@pytest.mark.parametrize("text, scope", [
    ("Assist the Section Officer in compiling the data", -1),
    ("Maintain the register of receipts", -1),
    ("Enter the bills in PFMS", -1),
    ("Dispatch the letters under the guidance of the Section Officer", -1),
    ("Maintain files under the supervision of the Under Secretary", -1),
    ("Approve the annual action plan of the districts", 1),
    ("Formulate the state policy on groundwater", 1),
    ("Lead the team that drafts the scheme guidelines", 1),
    ("Frame policy on transfers", 1),
    ("Supervises the work of the Section", 1),
    ("Directs the Divisions on cash management", 1),
    ("Examine proposals for re-appropriation between object heads", 0),
    ("Reconcile Direct Benefit Transfer payments", 0),
    ("Delays that lead to audit objections are reported", 0),
    ("Prepare the note for the file", 0),
])
def test_scope(text, scope):
    assert scope_of(text) == scope


def test_level_ranges():
    assert level_range("junior", "Functional") == (1, 2, 3)
    assert level_range("middle", "Functional") == (2, 3, 3)
    assert level_range("senior", "Functional") == (2, 3, 4)
    assert level_range("executive", "Functional") == (3, 4, 5)
    assert level_range("apex", "Functional") == (4, 5, 5)
    assert level_range("support", "Functional") == (1, 1, 2)
    assert level_range("junior", "Behavioural")[1] == level_range("junior", "Functional")[1] - 1
    for band in BANDS:
        for ctype in ("Behavioural", "Functional", "Domain"):
            lo, typ, hi = level_range(band, ctype)
            assert 1 <= lo <= typ <= hi <= 5
    with pytest.raises(ValueError):
        level_range("junior", "Technical")


def test_aso_never_gets_5_and_js_never_gets_1():
    for ctype in ("Behavioural", "Functional", "Domain"):
        for d in (1, 2, 3, 4, 5, None):
            for s in (-1, 0, 1):
                assert max(profile_levels([(ctype, d, s)], band_for("ASO"))) < 5
                (js,) = profile_levels([(ctype, d, s)], band_for("Joint Secretary"))
                assert js >= 3
                if ctype == "Functional":
                    assert js != 1


def test_profile_with_band():
    # middle Functional (2, 3, 3): scope +1 is clipped at 3; a descriptor of 1 pulls one step, to 2
    assert profile_levels([("Functional", 3, 1), ("Functional", 1, 0)], "middle") == [3, 2]
    # executive Functional (3, 4, 5): scope -1 gives 3; a descriptor at 5 may only pull one step, to 4
    assert profile_levels([("Functional", 5, -1)], "executive") == [4]
    # senior (2, 3, 4): scope +1 to 4, descriptor agrees; scope -1 to 2, descriptor 1 cannot leave the range
    assert profile_levels([("Domain", 4, 1), ("Behavioural", 1, -1)], "senior") == [4, 2]
    # no descriptor: the band and wording alone decide
    assert profile_levels([("Functional", None, 0)], "junior") == [2]
    assert profile_levels([], "junior") == []


def test_profile_without_band():
    # descriptor level nudged by scope, clipped to 1..4
    assert profile_levels([("Functional", 5, 1), ("Functional", 1, -1), ("Domain", 3, 0)], None) == [4, 1, 3]
    # coherence: median of [5->4, 4, 4, 1, 1] is 4, so the 1s are lifted to 2
    items = [("Functional", 5, 0), ("Functional", 4, 0), ("Domain", 4, 0), ("Behavioural", 1, 0),
             ("Behavioural", 1, -1)]
    levels = profile_levels(items, None)
    assert levels == [4, 4, 4, 2, 2]
    median = sorted(levels)[len(levels) // 2]
    assert all(abs(x - median) <= 2 for x in levels)
