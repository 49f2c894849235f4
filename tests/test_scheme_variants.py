"""A line that names one variant of a scheme is not evidence for a competency about its sibling."""

import numpy as np
import pytest

from suggest.scheme_variants import conflicts, variants


def test_variants_are_read_by_stem():
    assert variants("Geo-tagging of PMAY-G houses; SBM-U toilets and SBM-G ODF plus") == {
        "PMAY": frozenset({"G"}), "SBM": frozenset({"U", "G"})}
    # two capitals are not a stem (PM-JAY, AB-PMJAY); a lower-case suffix is a word (e-Office, COVID-era)
    assert variants("PM-JAY cards, e-Office files, COVID-era claims") == {}


def test_a_sibling_variant_conflicts_and_a_shared_or_unnamed_one_does_not():
    lines = [variants("Release PMAY-G instalments"), variants("Track PMAY-G and PMAY-U houses"),
             variants("Upload reports on RTI-MIS"), variants("Maintain the cash book")]
    comps = [variants("Rural housing under PMAY-G"), variants("Urban housing under PMAY-U"),
             variants("Cash and accounts")]
    got = conflicts(lines, comps)
    assert got.tolist() == [[False, True, False],   # the urban entry conflicts with a rural line
                            [False, False, False],  # a line naming both conflicts with neither
                            [False, False, False],  # a stem no competency names: no conflict
                            [False, False, False]]
    assert conflicts([], comps).shape == (0, 3) and conflicts(lines, []).shape == (4, 0)


@pytest.mark.slow
def test_a_rural_housing_line_is_not_suggested_urban_housing(real_suggester):
    # an Extension Officer's order at a block office (unseen JD, 2026-12-01): Urban Housing came at 77%
    text = ("- Scrutiny of Gram Panchayat Development Plans before upload on eGramSwaraj.\n"
            "- Monitoring of MGNREGS job cards, muster rolls and wage payments through NeFMS.\n"
            "- Geo-tagging of PMAY-G houses and release of instalments.\n"
            "- Gram Sabha meetings - attendance, minutes, ATR.\n")
    names = [s.name for s in real_suggester.suggest(text).suggestions]
    assert "Rural Housing" in names and "Urban Housing" not in names
    line = ["Geo-tagging of PMAY-G houses and release of instalments"]
    at = {e.name: i for i, e in enumerate(real_suggester.dictionary.entries)}
    scores = real_suggester.score_texts(line)
    assert scores[0, at["Rural Housing"]] > scores[0, at["Urban Housing"]]
    # the setting is the whole of the demotion: with it at 0 the urban entry scores exactly 0.3 more
    off = type(real_suggester)(real_suggester.settings.model_copy(update={"scheme_conflict_penalty": 0.0}),
                               real_suggester.dictionary, real_suggester.encoder, real_suggester.index)
    raw = off.score_texts(line)
    assert np.isclose(raw[0, at["Urban Housing"]] - scores[0, at["Urban Housing"]], 0.3, atol=1e-5)
    assert np.isclose(raw[0, at["Rural Housing"]], scores[0, at["Rural Housing"]])
