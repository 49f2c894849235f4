from suggest.segment import segment

JD = """Section Officer (Budget), Ministry of Rural Development
Pay Level: 8 in the Pay Matrix
Place of posting: New Delhi

Key responsibilities:
- Prepare the Budget Estimates for the Division; monitor expenditure against the allocation.
- Coordinate with the Finance Division and ensure timely release of funds to States.
1. Put up draft replies to Parliament Questions. Maintain the register of assurances.
(a) Examine and process proposals for procurement through GeM.
\u2022 Mentor newly joined Assistant Section Officers
(c) Any other work assigned by the Under Secretary from time to time.
"""


def texts(jd: str) -> list[str]:
    return [a.text for a in segment(jd)]


def test_offsets_are_exact():
    acts = segment(JD)
    assert acts, "expected activities"
    for a in acts:
        assert JD[a.start:a.end] == a.text


def test_boilerplate_and_headings_are_dropped():
    t = " ".join(texts(JD))
    for junk in ("Pay Level", "Place of posting", "Key responsibilities", "Section Officer (Budget), Ministry",
                 "Any other work"):
        assert junk not in t


def test_bullets_numbers_and_letters_are_stripped():
    t = texts(JD)
    assert "Put up draft replies to Parliament Questions." in t
    assert "Examine and process proposals for procurement through GeM." in t
    assert "Mentor newly joined Assistant Section Officers" in t


def test_sentences_within_a_line_are_split():
    assert "Maintain the register of assurances." in texts(JD)


def test_multi_duty_sentences_are_split():
    t = texts(JD)
    assert "Prepare the Budget Estimates for the Division" in t
    assert "monitor expenditure against the allocation." in t
    assert "Coordinate with the Finance Division" in t
    assert "ensure timely release of funds to States." in t


def test_short_verb_pairs_stay_together():
    assert texts("- Collect and compile data from the States for the annual report.") == [
        "Collect and compile data from the States for the annual report."]


def test_role_headings_become_sections():
    jd = "Role 1: Budget coordination\n- Prepare the budget estimates.\nB. Parliament work\n- Draft replies to questions.\n"
    acts = segment(jd)
    assert [(a.section, a.text) for a in acts] == [
        ("Budget coordination", "Prepare the budget estimates."),
        ("Parliament work", "Draft replies to questions."),
    ]


def test_windows_line_endings_keep_offsets():
    jd = "Duties:\r\n- Reply to RTI applications in time.\r\n- Maintain the RTI register.\r\n"
    acts = segment(jd)
    assert [a.text for a in acts] == ["Reply to RTI applications in time.", "Maintain the RTI register."]
    assert all(jd[a.start:a.end] == a.text for a in acts)


def test_too_many_activities_is_an_input_error():
    import pytest

    from suggest.errors import InputError

    jd = "\n".join(f"- Prepare report number {i} for the Division." for i in range(12))
    with pytest.raises(InputError) as exc:
        segment(jd, max_activities=5)
    assert exc.value.code == "too_many_activities"
