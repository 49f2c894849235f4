import json
import re
from pathlib import Path

import pytest

from suggest.segment import PositionContext, Segmented, read_jd, segment

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
    # One sentence joining a duty and its follow-through with "and" is one activity, as in the gold
    # activities (e.g. "Act as nodal officer for VIP references and ensure that every letter ...").
    assert "Coordinate with the Finance Division and ensure timely release of funds to States." in t


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
    from suggest.errors import InputError

    jd = "\n".join(f"- Prepare report number {i} for the Division." for i in range(12))
    with pytest.raises(InputError) as exc:
        segment(jd, max_activities=5)
    assert exc.value.code == "too_many_activities"


# --- reading a JD as an official writes it (tests/data/jds/*.txt) -------------------------------------

ROOT = Path(__file__).resolve().parent.parent
JDS = Path(__file__).parent / "data" / "jds"


def fixture(name: str) -> str:
    return (JDS / name).read_text(encoding="utf-8")


def read(name: str) -> tuple[str, Segmented]:
    text = fixture(name)
    return text, read_jd(text)


def test_segment_is_read_jd_activities():
    assert segment(JD) == read_jd(JD).activities
    assert isinstance(read_jd(JD).context, PositionContext)


def test_top_designation_line_becomes_context():
    ctx = read_jd(JD).context
    assert ctx.designation == "Section Officer (Budget)"
    assert ctx.department == "Ministry of Rural Development"
    assert ctx.pay_level == "8 in the Pay Matrix"
    assert ctx.posting == "New Delhi"


def test_prose_jd_opening_with_a_bare_designation():
    _text, jd = read("prose_under_secretary.txt")
    assert jd.context.designation == "Under Secretary (Budget)"
    assert jd.context.department == "Department of Expenditure, Budget Division"
    assert jd.context.reports_to == "the Joint Secretary (Budget)"
    assert [a.text for a in jd.activities] == [
        "prepare the budget circular and watch the timelines for receipt of estimates from Ministries.",
        "examining proposals of the Dy. Secretary (Plan) and the Addl. Secretary on supplementary grants.",
        "Settle pension cases with the Pr. CCA office within 30 days.",
    ]


def test_header_lines_in_the_middle_and_at_the_end():
    _text, jd = read("headers_anywhere.txt")
    ctx = jd.context
    assert ctx.grade == "Group A (Gazetted)"
    assert ctx.pay_level == "Level 11 in the Pay Matrix"
    assert ctx.posting == "Shastri Bhawan, New Delhi"
    assert ctx.reports_to == "Deputy Secretary (Administration)"
    assert ctx.department == "Ministry of Education, Department of School Education and Literacy"
    assert len(ctx.lines) == 5
    joined = " ".join(a.text for a in jd.activities)
    for value in (ctx.grade, ctx.pay_level, ctx.posting, ctx.reports_to, ctx.department):
        assert value not in joined
    assert [a.text for a in jd.activities] == [
        "Prepare the budget estimates of the Section",
        "monitor expenditure against the grant",
        "reply to audit paras.",
        "Maintain the cash book and reconcile it with the bank every month.",
        "Ensure that files are moved on e-Office without delay.",
        ("Examine claims of Rs. 5 lakh and above, i.e. those beyond the powers of the Jt. Secretary, "
        "and put them up to the Secy."),
    ]


def test_lead_ins_are_stripped_and_offsets_start_at_the_verb():
    text, jd = read("lead_ins.txt")
    assert [a.text for a in jd.activities] == [
        "preparing the quarterly progress report of the Division.",
        "prepare the budget.",
        "maintain the leave accounts of Group C staff.",
        "process medical reimbursement claims of CGHS beneficiaries.",
        "supervising the work of the dealing hands.",
        "attend meetings of the Departmental Canteen Committee.",
        "liaise with the Directorate of Estates on allotment of quarters.",
        "Draft replies to RTI applications received in the Section.",
    ]
    second = jd.activities[1]
    assert text[:second.start].endswith("You will ")


@pytest.mark.parametrize("sentence", [
    "The officer will prepare the budget.", "The incumbent shall prepare the budget.",
    "He/She will prepare the budget.", "You will be responsible for preparing the budget.",
    "Will be required to prepare the budget.", "To prepare the budget.", "Responsibilities include prepare the budget.",
])
def test_each_lead_in(sentence):
    assert [a.text for a in segment(sentence)] in (["prepare the budget."], ["preparing the budget."])


def test_lead_in_needs_a_verb_after_it():
    assert texts("- The files will be moved on e-Office without delay.") == [
        "The files will be moved on e-Office without delay."]


ABBREVIATIONS = ["Pr.", "Dy.", "Addl.", "Jt.", "No.", "Rs.", "viz.", "i.e.", "e.g.", "Govt.", "Secy.", "Sr.",
                 "Asstt.", "Admn.", "Estt.", "Deptt.", "Min.", "etc.", "Co-op.", "mgmt."]


@pytest.mark.parametrize("abbr", ABBREVIATIONS)
def test_no_sentence_break_after_abbreviations(abbr):
    jd = f"- Send the monthly note on {abbr} Kumar matters to the office in time. Maintain the register of files."
    assert texts(jd) == [f"Send the monthly note on {abbr} Kumar matters to the office in time.",
                         "Maintain the register of files."]


def test_a_section_or_article_number_stays_with_its_duty():
    jd = ("4. Hear and dispose of disputes under Sec. 68 and issue awards.\n"
          "5. Inspect PACS under Sec. 63 and file an FIR where money is embezzled.\n"
          "6. Frame charges under Art. 311 and cl. 4 of the rules.")
    assert texts(jd) == ["Hear and dispose of disputes under Sec. 68 and issue awards.",
                         "Inspect PACS under Sec. 63 and file an FIR where money is embezzled.",
                         "Frame charges under Art. 311 and cl. 4 of the rules."]


def test_pr_cca_stays_one_activity():
    assert texts("Settle pension cases with the Pr. CCA office within 30 days.") == [
        "Settle pension cases with the Pr. CCA office within 30 days."]


def test_etc_still_ends_a_sentence_before_a_new_duty():
    assert texts("- Maintain files, registers etc. Prepare the budget for the Section.") == [
        "Maintain files, registers etc.", "Prepare the budget for the Section."]


def test_coordinated_clauses_stay_with_their_verb():
    _text, jd = read("coordination.txt")
    assert [a.text for a in jd.activities] == [
        ("Ensure that files are moved on e-Office without delay and that replies are sent to the States "
        "within a week."),
        "Maintain the cash book and reconcile it with the bank every month.",
        "Prepare the budget estimates",
        "monitor expenditure against the grant",
        "reply to audit paras.",
        "Draft the Annual Report",
        "compile the Outcome Budget",
        "update the website",
        "brief the Secretary on pending cases.",
        "Maintain the registers, files and records of the Section.",
        "Deal with budget, audit and accounts matters of the attached offices.",
        ("Maintain the stock register of stationery, issue items against approved indents and assist in the "
        "annual physical verification."),
    ]


def test_complement_of_ensure_is_never_split_off():
    for jd in ("Ensure that files are moved on e-Office without delay.",
               "Ensure timely disposal of cases; files are moved on e-Office without delay."):
        assert "files are moved on e-Office without delay." not in texts(jd)


def test_work_allocation_order_with_a_pipe_table():
    _text, jd = read("work_allocation.txt")
    assert [a.text for a in jd.activities] == [
        "Recruitment Rules of Group B and C posts",
        "Pay fixation, increments and MACP",
        "Court cases and legal matters",
    ]
    joined = " ".join(a.text for a in jd.activities)
    for junk in ("S.No.", "Dealing hand", "Kumar", "ASO", "partial modification", "allocated as under",
                 "This issues"):
        assert junk not in joined
    assert jd.context.department == "Government of India"


def test_tab_separated_table():
    assert texts(fixture("tab_table.txt")) == ["Parliament questions and assurances",
                                               "VIP references and public grievances"]


def _all_texts() -> list[tuple[str, str]]:
    out = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(JDS.glob("*.txt"))]
    out += [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "eval" / "samples").glob("*.txt"))]
    for line in (ROOT / "eval" / "gold" / "roles.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append((row["id"], row["text"]))
    out.append(("JD", JD))
    return out


@pytest.mark.parametrize("name,text", _all_texts(), ids=lambda v: v if len(v) < 40 else "")
def test_offsets_point_into_the_original_text(name, text):
    jd = read_jd(text)
    for a in jd.activities:
        assert text[a.start:a.end] == a.text
        assert a.text == a.text.strip() and a.text
    spans = [text[s:e] for s, e in jd.context.lines]
    for (s, e), span in zip(jd.context.lines, spans):
        assert 0 <= s < e <= len(text) and span == span.strip()
        assert not any(a.start < e and s < a.end for a in jd.activities), "a context line is also an activity"
    for field in ("designation", "grade", "pay_level", "posting", "reports_to", "department"):
        value = getattr(jd.context, field)
        assert value is None or any(value in span for span in spans)
    assert [a.index for a in jd.activities] == list(range(len(jd.activities)))


def _gold_activities() -> list[dict]:
    path = ROOT / "eval" / "gold" / "activities.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_each_gold_activity_is_one_activity():
    bad = []
    for row in _gold_activities():
        text = row["text"]
        acts = segment(text)
        whole = len(acts) == 1 and acts[0].start <= 1 and acts[0].end >= len(text.rstrip()) - 1
        if not whole:
            bad.append((row["id"], [a.text for a in acts]))
    assert not bad


def test_context_module_does_not_import_segment():
    source = (ROOT / "suggest" / "jd_context.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import)\s+\S*segment", source, re.MULTILINE)


def test_header_line_laid_out_with_pipes_is_context_not_duties():
    jd = read_jd("Post: Assistant Director (Fisheries) | Level 10 | Directorate of Fisheries, Government of Goa\n"
                 "Reporting Officer: Joint Director\n"
                 "- Inspect fish landing centres and report on hygiene.\n"
                 "- Release subsidy to fishermen for boats and nets under the State scheme.\n")
    assert [a.text for a in jd.activities] == [
        "Inspect fish landing centres and report on hygiene.",
        "Release subsidy to fishermen for boats and nets under the State scheme.",
    ]
    assert jd.context.designation == "Assistant Director (Fisheries)"
    assert jd.context.pay_level == "Level 10"
    assert jd.context.department == "Directorate of Fisheries, Government of Goa"


def test_pipe_row_with_a_work_cell_keeps_the_duty_and_reads_the_key_as_context():
    jd = read_jd("Designation: Section Officer | Pay fixation and MACP of Group C staff")
    assert [a.text for a in jd.activities] == ["Pay fixation and MACP of Group C staff"]
    assert jd.context.designation == "Section Officer"


def test_a_two_column_key_value_header_is_context_and_a_column_header_row_still_heads_a_table():
    jd = read_jd("Post | Block Agriculture Officer\n"
                 "Reports to | Deputy Director of Agriculture\n"
                 "1) Inspect fertiliser shops and check stock registers.\n"
                 "2) Conduct crop cutting experiments for PMFBY.\n")
    assert [a.text for a in jd.activities] == ["Inspect fertiliser shops and check stock registers.",
                                               "Conduct crop cutting experiments for PMFBY."]
    assert jd.context.designation == "Block Agriculture Officer"
    assert jd.context.reports_to == "Deputy Director of Agriculture"
    table = read_jd("Section | Work allotted\nBudget | Prepare the budget estimates and revised estimates\n")
    assert [a.text for a in table.activities] == ["Prepare the budget estimates and revised estimates"]
    assert table.context.department is None


def test_a_prose_jd_that_opens_by_describing_the_post_gives_its_designation_not_a_duty():
    jd = read_jd("The Executive Officer is the chief administrative officer of the Nagar Panchayat. He assesses "
                 "property tax on new buildings. He registers births and deaths.")
    assert jd.context.designation == "Executive Officer"
    assert [a.text for a in jd.activities] == ["He assesses property tax on new buildings.",
                                               "He registers births and deaths."]
    # what the post is for is a duty: only "is the (chief) executive / administrative / head …" describes it
    assert len(segment("The officer is the appellate authority under the RTI Act.")) == 1
    heads = read_jd("The Superintendent heads the establishment branch of the Collectorate. She maintains the "
                    "service books of the ministerial staff.")
    assert heads.context.designation == "Superintendent"
    assert [a.text for a in heads.activities] == ["She maintains the service books of the ministerial staff."]
    assert len(segment("The Deputy Director heads the review meetings on scheme progress every month.")) == 1
    handles = read_jd("The Section Officer handles the coordination work of the Department. He compiles the "
                      "monthly summary for the Cabinet.")
    assert handles.context.designation == "Section Officer"
    assert [a.text for a in handles.activities] == ["He compiles the monthly summary for the Cabinet."]
    # handling a named piece of work is a duty, however it is worded
    assert len(segment("The Assistant handles the pension matters of the retiring staff of the office.")) == 1


def test_responsible_for_is_a_lead_in_even_before_a_nominal_duty():
    assert texts("The Pay and Accounts Officer is responsible for pre-check of bills submitted by the DDOs.") == [
        "pre-check of bills submitted by the DDOs."]
    assert texts("He is also responsible for timely disposal of RTI applications.") == [
        "timely disposal of RTI applications."]


def test_responsible_for_the_following_announces_duties_and_is_not_one():
    assert texts("The Section Officer will be responsible for the following:\n"
                 "- Maintain the cash book.\n- Draw the salary bills.") == [
        "Maintain the cash book.", "Draw the salary bills."]


def test_a_title_line_laid_out_with_pipes_before_any_duty_is_context():
    jd = read_jd("SDO (Roads), PWD B&R  |  Sub-Division Kaithal\n"
                 "* Prepare estimates for strengthening of state highways\n"
                 "* Record measurements in the MB and check bills of contractors\n")
    assert [a.text for a in jd.activities] == ["Prepare estimates for strengthening of state highways",
                                               "Record measurements in the MB and check bills of contractors"]
    assert jd.context.designation == "SDO (Roads)"


def test_an_organisation_name_line_and_an_as_follows_preamble_are_not_duties():
    jd = read_jd("Karnataka State Tourism Development Corporation Ltd.\n"
                 "Work distribution of the Marketing Desk is as follows.\n"
                 "Prepare the annual marketing plan of the corporation.\n"
                 "Book stalls at travel fairs in the country and abroad.\n")
    assert [a.text for a in jd.activities] == ["Prepare the annual marketing plan of the corporation.",
                                               "Book stalls at travel fairs in the country and abroad."]
    assert jd.context.department == "Karnataka State Tourism Development Corporation Ltd"


def test_less_common_bullet_glyphs_are_list_markers():
    jd = "Duties:\n○ Maintain the cash book.\n▸ Draw the salary bills through PFMS.\n► Reply to RTI applications.\n" \
         "◆ Keep the stock register.\n» Send the monthly report.\n➤ Reconcile the accounts.\n"
    assert texts(jd) == ["Maintain the cash book.", "Draw the salary bills through PFMS.", "Reply to RTI applications.",
                         "Keep the stock register.", "Send the monthly report.", "Reconcile the accounts."]


def test_a_heading_in_square_brackets_names_its_section_without_them():
    jd = read_jd("[Court cases]\n- Prepare parawise comments on writ petitions.\n- Brief the counsel before hearings.\n"
                 "[Establishment]\n- Process leave of the staff.\n- Maintain service books.\n")
    assert [a.section for a in jd.activities] == ["Court cases"] * 2 + ["Establishment"] * 2


def test_an_upper_case_heading_is_read_in_sentence_case_keeping_the_jds_acronyms():
    text = ("PADDY PROCUREMENT\n1. Open paddy purchase centres and pay MSP through PFMS.\n"
            "GST AND PFMS RETURNS\n2. File the GST returns of the corporation every month.\n"
            "3. Reconcile the PFMS ledger with the bank.\n")
    sections = [a.section for a in segment(text)]
    assert sections == ["Paddy procurement", "GST and PFMS returns", "GST and PFMS returns"]


def test_a_numbered_part_heading_is_a_heading_even_when_it_opens_with_a_duty_verb():
    jd = read_jd("Deputy Registrar (Cooperative Societies)\n\n"
                 "Part I - Registration and bye-laws\n- Register new cooperative societies after scrutiny of bye-laws.\n"
                 "Part II - Audit and inspection\n- Assign the statutory audit of societies to panel auditors.\n"
                 "Part III - Prepare the audit plan of the year\n- Inspect societies on complaints from members.")
    sections = [a.section for a in jd.activities]
    assert sections[:2] == ["Registration and bye-laws", "Audit and inspection"]
    # a verb that takes an object is a duty written after a label, not a role's name
    assert "Prepare the audit plan of the year" not in sections


def test_a_numbered_list_of_nominal_subjects_is_read_item_by_item():
    # a work-allocation order's subjects: short, numbered, no verb; the first read kept 2 of 7 as duties
    jd = read_jd("Subjects allotted to the UDC (Establishment)\n1. Leave of staff.\n2. Service books.\n"
                 "3. Pay fixation cases.\n4. LTC and medical claims.\n5. Court cases.\n\nSd/-\nDeputy Commissioner\n")
    assert [a.text for a in jd.activities] == ["Leave of staff.", "Service books.", "Pay fixation cases.",
                                               "LTC and medical claims.", "Court cases."]
    assert {a.section for a in jd.activities} == {None}
    # a numbered line followed by lettered items is still their heading
    nested = read_jd("1. Establishment matters\n a) Maintain the service books.\n b) Process leave applications.\n"
                     "2. Accounts\n a) Prepare the pay bills.\n")
    assert [(a.text, a.section) for a in nested.activities] == [
        ("Maintain the service books.", "Establishment matters"), ("Process leave applications.", "Establishment matters"),
        ("Prepare the pay bills.", "Accounts")]


def test_a_work_allocation_title_gives_the_designation_without_its_effective_date():
    keyed = read_jd("Work allocation - Extension Officer (Panchayat), w.e.f. 01.11.2026\n"
                    "- Scrutiny of Gram Panchayat Development Plans.\n- Audit paras of Gram Panchayats.\n")
    assert keyed.context.designation == "Extension Officer (Panchayat)"
    assert [a.text for a in keyed.activities] == ["Scrutiny of Gram Panchayat Development Plans.",
                                                  "Audit paras of Gram Panchayats."]
    bare = read_jd("Work allocation of the Section Officer (Cash) with effect from 1 April 2026\n"
                   "- Draw and disburse salaries through PFMS.\n")
    assert bare.context.designation == "Section Officer (Cash)"
    assert [a.text for a in bare.activities] == ["Draw and disburse salaries through PFMS."]


@pytest.mark.parametrize("title, designation, pay", [
    ("Sub: Work allocation - Shri R.K. Sinha, Panchayat Extension Officer (PEO)", "Panchayat Extension Officer (PEO)", None),
    ("Job Chart - Dy. Registrar (Co-op. Societies), Pay Level S-20 / Level-10 (7th CPC)",
     "Dy. Registrar (Co-op. Societies)", "Pay Level S-20 / Level-10 (7th CPC)"),
    ("Duties & Responsibilities : Station Officer (In-charge, Fire Station Shahdara)",
     "Station Officer (In-charge, Fire Station Shahdara)", None),
])
def test_an_order_or_chart_title_names_the_post_without_the_persons_name(title, designation, pay):
    jd = read_jd(title + "\n- Inspect the registers of the office every month.\n")
    assert (jd.context.designation, jd.context.pay_level) == (designation, pay)
    assert [a.text for a in jd.activities] == ["Inspect the registers of the office every month."]


def test_a_duties_label_before_a_duty_is_still_a_lead_in():
    jd = read_jd("Duties and responsibilities: Prepare the budget estimates of the Division.\n- Maintain the cash book.\n")
    assert jd.context.designation is None
    assert [a.text for a in jd.activities] == ["Prepare the budget estimates of the Division.", "Maintain the cash book."]
