"""Word lists about how officials write duties: duty verbs (to split multi-duty sentences and spot
activity lines) and seniority cues (to nudge the suggested proficiency level)."""

from __future__ import annotations

import re

DUTY_VERBS = frozenset("""
accept achieve acknowledge act adapt address adjudicate administer advise advocate allocate analyse analyze
anticipate appraise apply appoint approve arrange ascertain assess assign assist attend audit authorise authorize
balance brief build calculate carry certify chair check circulate clarify classify coach collaborate collate collect
communicate compile complete comply compute conceptualise conceptualize conduct consolidate consult contribute control
convene coordinate co-ordinate correspond counsel create curate deal decide defend define delegate deliver demonstrate
deploy design determine develop devise digitise digitize direct disburse discharge dispatch dispose disseminate distribute
draft drive educate effect empanel enable encourage endorse enforce engage ensure enter establish estimate evaluate
examine execute explain facilitate file finalise finalize follow forecast formulate forward frame furnish gather
generate guide handle head identify implement improve incorporate induct inform initiate inspect instruct integrate
interact interpret investigate issue keep launch lead liaise maintain manage map mentor moderate monitor mobilise
mobilize motivate negotiate nominate note notify obtain operate organise organize outline oversee participate perform
place plan post prepare present prioritise prioritize process procure produce promote propose protect provide publish
pursue put raise reconcile reply recommend record recruit rectify redress refer regulate release render report represent
research resolve respond review revise scrutinise scrutinize secure select serve settle share sign solve sort source
streamline strengthen submit summarise summarize supervise supply support sustain take tabulate tender track train transmit undertake
update upload validate verify visit vet work write
""".split())

# Words after a verb-looking word that show it is a noun ("audit and accounts", "files are moved").
NOUN_NEXT = frozenset({"is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "of", "and", "or",
                       "nor", "etc", "matters", "cases", "work", "works", "related", "relating", "section", "wing",
                       "cell"})
# A clause starting with these leans on the one before it ("reconcile it with the bank").
REFERS_BACK = frozenset({"it", "them", "these", "those", "same", "this", "such"})
# "ensure that X ..., and Y": what follows is what is to be ensured, not a duty of its own.
COMPLEMENT = re.compile(r"\b(?:ensures?|sees?|makes? sure|checks?|verify|verifies|confirms?|satisfy)\s+(?:that|whether)"
                        r"\b|\bmakes? sure\b", re.IGNORECASE)

# Cues that an activity sits low or high on the proficiency scale. Checked on lowercase word starts.
LOW_CUES = ("assist", "help", "support", "under the guidance", "under guidance", "maintain", "enter", "upload",
            "receive", "diarise", "diarize", "file ", "collect", "record", "type", "dispatch")
HIGH_CUES = ("lead", "head", "oversee", "supervise", "formulate", "frame", "design", "direct", "chair", "approve",
             "strategy", "strategic", "policy", "policies", "national", "across the ministry", "across ministries",
             "advise the minister", "advise the secretary", "mentor", "guide the", "set standards", "reform")


def verb_base(word: str) -> str | None:
    """Return the duty verb a word is a form of (prepare, prepares, preparing), or None."""
    w = word.lower()
    if w in DUTY_VERBS:
        return w
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e")):
        if w.endswith(suffix):
            stem = w[: -len(suffix)] + repl
            if stem in DUTY_VERBS:
                return stem
    return None


# Devanagari letters and signs, without the danda (।, ॥), digits and the abbreviation sign
DEVA_LETTERS = "\u0900-\u0963\u0971-\u097f"
# Hindi puts the verb last: a duty ends in an infinitive (करना), a polite imperative (करें) or a future or
# present form (करेगा, करते हैं). Nouns that end like an infinitive are listed so a heading such as
# "प्रधानमंत्री आवास योजना" is not read as a duty.
_HINDI_DUTY_END = re.compile(r"(?:ना|नी|ें|एं|ेगा|ेगी|ेंगे|ाएगा|ाएगी|ाएंगे|है|हैं)$")
_HINDI_NOUN_NA = {"योजना", "सूचना", "अधिसूचना", "घटना", "रचना", "संरचना", "तुलना", "गणना", "भावना", "कल्पना",
                  "प्रस्तावना", "प्रार्थना", "आलोचना", "सांत्वना", "कामना", "चेतना", "वंदना", "मीना", "सेना",
                  "जुर्माना", "खजाना", "पैमाना", "ठिकाना", "घराना", "कोना", "सोना", "दाना", "थाना"}


def hindi_duty(s: str) -> bool:
    """A Hindi duty: its last Devanagari word is a verb form (the verb comes last in Hindi)."""
    deva = re.findall(rf"[{DEVA_LETTERS}]+", s)
    return bool(deva) and deva[-1] not in _HINDI_NOUN_NA and bool(_HINDI_DUTY_END.search(deva[-1]))


def words(s: str) -> list[str]:
    """The Latin and Devanagari words of a line, as the segmenter counts and reads them."""
    return re.findall(rf"[A-Za-z{DEVA_LETTERS}][A-Za-z{DEVA_LETTERS}'/-]*", s)
