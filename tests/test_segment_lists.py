"""Lists of duties inside one sentence become one activity per duty (suggest/task_lists.py)."""

import pytest

from suggest.segment import segment
from suggest.task_lists import task_items


def texts(jd: str) -> list[str]:
    acts = segment(jd)
    for a in acts:
        assert jd[a.start:a.end] == a.text
    return [a.text for a in acts]


def test_ing_list_after_a_lead_in():
    jd = ("Key tasks include setting the targets for ticket checking, checking the parcel earnings, handling "
          "passenger complaints, settling claims for lost luggage, and replying to audit objections.")
    assert texts(jd) == ["setting the targets for ticket checking", "checking the parcel earnings",
                         "handling passenger complaints", "settling claims for lost luggage",
                         "replying to audit objections."]


def test_ing_list_with_inner_and_keeps_each_item_whole():
    jd = ("Key tasks include verifying institutions on the National Scholarship Portal, approving district nodal "
          "officers' verification of applications, settling DBT payment failures with the PFMS and bank, and "
          "replying to student complaints.")
    assert texts(jd)[2:] == ["settling DBT payment failures with the PFMS and bank", "replying to student complaints."]
    assert len(texts(jd)) == 4


def test_three_imperatives_with_a_verb_pair_and_an_including_tail():
    jd = ("He/she will prepare and check estimates for retrofitting of schemes under JJM, get technical sanction "
          "from the EE, and supervise works by contractors, including recording measurements in the MB and "
          "passing running bills.")
    assert texts(jd) == [
        "prepare and check estimates for retrofitting of schemes under JJM",
        "get technical sanction from the EE",
        "supervise works by contractors, including recording measurements in the MB and passing running bills.",
    ]


def test_semicolon_list_of_nominal_duties():
    assert texts("Duties: maintenance of the cash book; pay fixation; disposal of RTI applications.") == [
        "maintenance of the cash book", "pay fixation", "disposal of RTI applications."]


@pytest.mark.parametrize("jd,first", [
    ("The officer also prepares the budget, monitors expenditure, and replies to audit paras.", "prepares the budget"),
    ("Her work involves processing leave, maintaining service books, and fixing pay.", "processing leave"),
    ("Establishment: processing leave, maintaining service books, and fixing pay.", "processing leave"),
])
def test_lead_in_is_left_out_of_the_first_item(jd, first):
    assert texts(jd)[0] == first and len(texts(jd)) == 3


def test_brackets_keep_their_commas():
    jd = ("He/she will prepare the budget, monitor expenditure (including releases, savings, and surrenders), "
          "and reply to audit paras.")
    assert texts(jd)[1] == "monitor expenditure (including releases, savings, and surrenders)"


@pytest.mark.parametrize("jd", [
    "Maintain the cash book and reconcile it with the bank every month.",
    "Maintain the cash book, and reconcile it with the bank every month.",
    "Prepare replies to Lok Sabha and Rajya Sabha questions.",
    "Ensure collection of fees, fines and taxes from all wards.",
    "Supervise revenue administration, including settlement of land, mutation, and updating of land records.",
    "Handle establishment matters such as leave, pension, pay fixation, and disposal of appeals.",
    "Maintain files, records, reports and returns of the Section.",
    "Maintain the stock register, issue items against indents and assist in the physical verification.",
    "Ensure that officers prepare the estimates, submit the bills, and record measurements.",
    "Prepare the agenda, circulate it to members, and record the minutes.",
    "Liaise with the States, the PAO, and the bank on releases.",
    "Review pending Parliament matters, audit paras and court cases, and issue the minutes the same day.",
    "Handle matters of pay, leave, pension, training and recruitment.",
])
def test_not_a_list_of_duties(jd):
    assert texts(jd) == [jd]


def test_no_list_returns_the_span_unchanged():
    text = "xx Maintain the cash book and reconcile it with the bank. yy"
    assert task_items(text, 3, 57) == [(3, 57)]
