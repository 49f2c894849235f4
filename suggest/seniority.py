"""Seniority of a position and the proficiency levels it makes plausible.

A Section Officer and a Joint Secretary can both need "Noting & Drafting", but not at the same level.
The descriptor similarity alone (rank.suggest_level) cannot tell them apart, because the duty wording is
often the same. This module reads the designation or pay level, places the post in a seniority band, and
keeps each suggested level inside the range that band makes plausible. The table is ours; the reasoning
is in docs/seniority.md. Pure functions, no I/O.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Sequence
from typing import Literal

Band = Literal["support", "junior", "middle", "senior", "executive", "apex"]
CompetencyType = Literal["Behavioural", "Functional", "Domain"]
BANDS: tuple[Band, ...] = ("support", "junior", "middle", "senior", "executive", "apex")

# Designations after normalisation (lowercase, abbreviations spelt out, punctuation gone). Every pattern
# is tried and the leftmost match wins, the longest on a tie, so "deputy secretary" beats "secretary" and
# "assistant section officer" beats "section officer" without relying on the order of this table; and in
# "Deputy Director, office of the Director General" the post named first is the one we read.
_DESIGNATIONS: tuple[tuple[Band, str], ...] = (
    ("support", r"multi tasking staff|peon|daftr?ar[yi]|farash|chowkidar|jamadar|driver|(?:head )?constable"),
    ("support", r"(?:lower|upper) division clerk|clerk|typist|record keeper|data entry operator|junior assistant"),
    ("support", r"stenographer|forest guard|lab(?:oratory)? attendant|office attendant"),
    ("junior", r"assistant|senior assistant|head clerk|assistant section officer|personal (?:assistant|secretary)"),
    ("junior", r"(?:assistant )?sub inspector|inspector|accountant|assistant (?:accounts|audit) officer"),
    ("junior", r"junior engineer|sectional engineer|staff nurse|nursing officer|(?:assistant )?teacher"),
    ("junior", r"trained graduate teacher|post graduate teacher|range (?:forest )?officer|naib tah?sildar"),
    # Village functionaries run a village's records and schemes alone, which their pay level (4-5) hides.
    ("junior", r"patwari|lekhpal|talathi|village (?:accountant|administrative officer|development officer)"),
    ("junior", r"(?:gram )?panchayat secretary|secretary gram panchayat|gram sevak|revenue inspector|kanungo"),
    ("junior", r"(?:assistant|deputy) manager"),
    ("middle", r"section officer|superintendent|tah?sildar|mamlatdar|block development officer"),
    ("middle", r"(?:senior )?private secretary|assistant (?:executive )?engineer|assistant director"),
    ("middle", r"(?:senior |pay and )?accounts officer|(?:senior )?audit officer|(?:senior )?medical officer"),
    ("middle", r"head ?master|head ?mistress|head teacher|vice principal|manager|assistant conservator"),
    ("middle", r"deputy superintendent of police|child development project officer"),
    ("senior", r"under secretary|deputy secretary|assistant secretary|principal private secretary"),
    ("senior", r"(?:assistant|deputy|joint) commissioner|deputy collector|sub collector"),
    ("senior", r"additional (?:district magistrate|collector|deputy commissioner)"),
    ("senior", r"sub divisional (?:magistrate|officer)"),
    ("senior", r"district(?: \w+){1,3} officer|chief (?:district )?medical officer|civil surgeon"),
    ("senior", r"medical superintendent|(?:senior |additional )?superintendent of police"),
    ("senior", r"executive engineer|deputy director|joint director|assistant director general"),
    ("senior", r"(?:deputy|assistant) general manager|(?:senior|chief) manager|principal|deputy conservator"),
    ("senior", r"principal accounts officer|controller of accounts"),
    ("executive", r"joint secretary|member secretary|director|additional director|deputy director general"),
    ("executive", r"district (?:collector|magistrate)|collector|deputy commissioner\b.*\bdistrict"),
    ("executive", r"district\b.*\bdeputy commissioner|(?:additional |divisional |municipal )?commissioner"),
    ("executive", r"superintending engineer|chief engineer|(?:deputy )?inspector general(?: of police)?"),
    ("executive", r"(?:chief )?general manager|managing director|executive director|principal director"),
    ("executive", r"chief controller of accounts|(?:chief )?conservator of forests"),
    ("apex", r"secretary|additional secretary|special secretary|chief secretary|cabinet secretary"),
    ("apex", r"principal secretary|additional chief secretary|secretary to (?:the )?government"),
    ("apex", r"(?:additional )?director general(?: of police)?|engineer in chief|principal chief conservator"),
    ("apex", r"(?:principal |chief |principal chief )commissioner|chairman|chairperson|chairman and managing director"),
)
_PATTERNS = [(band, re.compile(rf"\b(?:{pat})\b")) for band, pat in _DESIGNATIONS]

# Spelt-out forms of the abbreviations officials use in designations.
_WORDS = {"dy": "deputy", "dty": "deputy", "addl": "additional", "addnl": "additional", "adl": "additional",
          "jt": "joint", "asst": "assistant", "asstt": "assistant", "astt": "assistant", "sr": "senior",
          "snr": "senior", "jr": "junior", "secy": "secretary", "secretery": "secretary", "supdt": "superintendent",
          "supt": "superintendent", "commr": "commissioner", "engr": "engineer", "mgr": "manager", "spl": "special",
          "dir": "director", "tehsildar": "tahsildar"}

# Upper-case acronyms, read only where a designation is expected: in running text "SO", "AS" and "US" are
# ordinary words. Ambiguous ones (DEO: data entry operator or district education officer; MD; CS; CEO,
# which heads anything from a Zila Parishad to NITI Aayog) are left out so the pay level decides.
_ACRONYMS = {"MTS": "multi tasking staff", "LDC": "lower division clerk", "UDC": "upper division clerk",
             "ASO": "assistant section officer", "SO": "section officer", "US": "under secretary",
             "DS": "deputy secretary", "JS": "joint secretary", "AS": "additional secretary",
             "ACS": "additional chief secretary", "PS": "private secretary", "PPS": "principal private secretary",
             "JE": "junior engineer", "AE": "assistant engineer", "AEE": "assistant executive engineer",
             "EE": "executive engineer", "SE": "superintending engineer", "CE": "chief engineer",
             "SI": "sub inspector", "ASI": "assistant sub inspector", "SP": "superintendent of police",
             "SSP": "senior superintendent of police", "DSP": "deputy superintendent of police",
             "DIG": "deputy inspector general", "IG": "inspector general", "IGP": "inspector general of police",
             "DG": "director general", "DGP": "director general of police", "ADG": "additional director general",
             "ADGP": "additional director general of police", "DM": "district magistrate",
             "ADM": "additional district magistrate", "DC": "deputy commissioner", "AC": "assistant commissioner",
             "SDM": "sub divisional magistrate", "SDO": "sub divisional officer", "BDO": "block development officer",
             "DHO": "district health officer", "DFO": "district forest officer", "CMO": "chief medical officer",
             "AAO": "assistant accounts officer", "PAO": "pay and accounts officer", "GM": "general manager",
             "DGM": "deputy general manager", "AGM": "assistant general manager", "CGM": "chief general manager",
             "CMD": "chairman and managing director", "TGT": "trained graduate teacher",
             "PGT": "post graduate teacher", "VDO": "village development officer", "CDPO":
             "child development project officer"}

# 7th CPC Pay Matrix levels. Level 5 is senior clerical work still done under a supervisor; level 10 is
# the Group A entry grade, whose holders handle complex cases but do not yet set direction, so it sits
# with middle (the designation, read first, places an Under Secretary at level 10 in senior).
_PAY_BANDS: tuple[tuple[int, int, Band], ...] = (
    (1, 5, "support"), (6, 7, "junior"), (8, 10, "middle"), (11, 12, "senior"), (13, 14, "executive"),
    (15, 18, "apex"))
_PAY_RE = re.compile(r"\blevel\s*[-–:.]?\s*(\d{1,2})\s*a?\b", re.IGNORECASE)
_BARE_PAY_RE = re.compile(r"^\s*(?:l\s*[-–]?\s*)?(\d{1,2})\s*a?\s*$", re.IGNORECASE)
_LABELLED = re.compile(r"^\s*(?:designation|post|position|title|job title|name of (?:the )?post|rank)"
                       r"(?: held)?\s*[:\-–]\s*(.+)$", re.IGNORECASE)
# Where a line starts naming someone else's post: a JD's header often says who the holder reports to.
_OTHER_POST = re.compile(r"report|supervis|controlling|reviewing|accepting|under the (?:control|guidance)",
                         re.IGNORECASE)


def _normalise(designation: str, *, acronyms: bool) -> str:
    text = re.sub(r"\b(?:[A-Z]\.){2,}", lambda m: m.group(0).replace(".", ""), designation)  # A.S.O. -> ASO
    if acronyms:
        text = re.sub(r"\b[A-Z]{2,5}\b", lambda m: f" {_ACRONYMS.get(m.group(0), m.group(0))} ", text)
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    return " ".join(_WORDS.get(w, w) for w in words)


def _designation_band(designation: str, *, acronyms: bool = True) -> Band | None:
    text = _normalise(designation, acronyms=acronyms)
    best: tuple[int, int] | None = None
    found: Band | None = None
    for band, pattern in _PATTERNS:
        m = pattern.search(text)
        if m and (best is None or (m.start(), -len(m.group(0))) < best):
            best, found = (m.start(), -len(m.group(0))), band
    return found


def _pay_band(pay_level: str) -> Band | None:
    m = _PAY_RE.search(pay_level) or _BARE_PAY_RE.match(pay_level)
    if not m:
        return None
    level = int(m.group(1))
    return next((band for lo, hi, band in _PAY_BANDS if lo <= level <= hi), None)


def _text_band(text: str, max_lines: int = 10) -> Band | None:
    lines = [ln for ln in text.splitlines() if ln.strip()][:max_lines]
    own = [_OTHER_POST.split(ln, maxsplit=1)[0] for ln in lines]
    for ln in own:  # an explicit "Designation: ..." line is the most reliable
        m = _LABELLED.match(ln)
        if m and (band := _designation_band(m.group(1))):
            return band
    for ln in own:
        if band := _designation_band(ln, acronyms=False):
            return band
    for ln in own:
        if re.search(r"pay|matrix", ln, re.IGNORECASE) and (band := _pay_band(ln)):
            return band
    return None


def band_for(designation: str | None, pay_level: str | None = None, text: str | None = None) -> Band | None:
    """The seniority band of a post: from its designation, else its pay level, else the first lines of the
    JD. None when none of them says."""
    if designation and (band := _designation_band(designation)):
        return band
    if pay_level and (band := _pay_band(pay_level)):
        return band
    if text:
        return _text_band(text)
    return None


# (low, typical, high) on the 1..5 scale. Functional follows the grade closely: a dealing hand drafts and
# processes routine cases on their own (2), a Section Officer reviews others' drafts (3), a Joint Secretary
# designs systems and guides teams (4) and the apex shapes government-wide practice (5). Behavioural levels
# 3 and up describe influence over a team or an organisation, which junior and middle posts rarely have,
# so there Behavioural sits one lower. Domain follows Functional, except that middle field posts (BDO,
# Tahsildar, Medical Officer) often carry deep scheme knowledge (up to 4), and apex generalists rotate
# across sectors, so Advanced (4) is their typical domain depth, with 5 kept for the sector's own experts.
_RANGES: dict[Band, dict[str, tuple[int, int, int]]] = {
    "support": {"Behavioural": (1, 1, 2), "Functional": (1, 1, 2), "Domain": (1, 1, 2)},
    "junior": {"Behavioural": (1, 1, 2), "Functional": (1, 2, 3), "Domain": (1, 2, 3)},
    "middle": {"Behavioural": (1, 2, 3), "Functional": (2, 3, 3), "Domain": (2, 3, 4)},
    "senior": {"Behavioural": (2, 3, 4), "Functional": (2, 3, 4), "Domain": (2, 3, 4)},
    "executive": {"Behavioural": (3, 4, 5), "Functional": (3, 4, 5), "Domain": (3, 4, 5)},
    "apex": {"Behavioural": (4, 5, 5), "Functional": (4, 5, 5), "Domain": (4, 4, 5)},
}


def _type_key(competency_type: str) -> str:
    key = competency_type.strip().capitalize().replace("Behavioral", "Behavioural")
    if key not in ("Behavioural", "Functional", "Domain"):
        raise ValueError(f"unknown competency type {competency_type!r}")
    return key


def level_range(band: Band, competency_type: CompetencyType | str) -> tuple[int, int, int]:
    """(low, typical, high) proficiency level for a competency type in a band."""
    if band not in _RANGES:
        raise ValueError(f"unknown band {band!r}")
    return _RANGES[band][_type_key(competency_type)]


# Scope cues. Regexes rather than word lists: "direct" in "Direct Benefit Transfer", "lead to" and budget
# "object heads" say nothing about seniority, and "under the supervision of" is a low cue that must not
# also count as "supervise".
_LOW = re.compile(
    r"\b(?:assist(?:s|ing)?|help(?:s|ing)?|support(?:s|ing)? the|maintain(?:s|ing)?|compil(?:e|es|ing)|"
    r"enter(?:s|ing)?(?! into)|dispatch(?:es|ing)?|receiv(?:e|es|ing)|diari[sz](?:e|es|ing)|upload(?:s|ing)?|"
    r"collect(?:s|ing)?|tabulat(?:e|es|ing)|data entry|typ(?:e|es|ing) (?:letters|notes|drafts)|"
    r"under (?:the )?(?:overall )?(?:guidance|supervision|direction|instructions?|control)|"
    r"as (?:directed|instructed|assigned)|put(?:s|ting)? up (?:files|papers))\b", re.IGNORECASE)
_HIGH = re.compile(
    r"\b(?:approv(?:e|es|ing)|accord(?:s|ing)? (?:\w+ )?(?:approval|sanction)|formulat(?:e|es|ing)|"
    r"lead(?:s|ing)?(?! to)|direct(?:s|ing)?(?! (?:benefit|tax|taxes|cost|recruitment))|"
    r"fram(?:e|es|ing) (?:the )?(?:\w+ )?(?:policy|policies|rules|regulations|guidelines|strategy)|"
    r"supervis(?:e|es|ing)|oversee(?:s|ing)?|chair(?:s|ing)?|head(?:s|ing)? (?:the|a|an)|"
    r"spearhead(?:s|ing)?|steer(?:s|ing)?|lay(?:s|ing)? down|set(?:s|ting)? (?:the )?standards|"
    r"policy (?:formulation|making|decisions?)|strategic (?:direction|plan)|"
    r"advis(?:e|es|ing) the (?:minister|secretary|government|chief secretary)|mentor(?:s|ing)?|"
    r"guid(?:e|es|ing) (?:the )?(?:team|staff|officers|subordinates))\b", re.IGNORECASE)


def scope_of(activity_text: str) -> int:
    """-1 when the wording says the holder assists or processes, +1 when they decide or lead, else 0."""
    low = _LOW.findall(activity_text)
    high = len(_HIGH.findall(_LOW.sub(" ", activity_text)))
    return (high > len(low)) - (len(low) > high)


def _clip(x: int, lo: int, hi: int) -> int:
    return max(lo, min(hi, x))


def _towards(level: int, target: int | None, lo: int, hi: int) -> int:
    if target is None or target == level:
        return level
    return _clip(level + (1 if target > level else -1), lo, hi)


def profile_levels(items: Sequence[tuple[str, int | None, int]], band: Band | None) -> list[int]:
    """One level per (competency type, descriptor level, scope) item of a JD, in the same order.

    With a band, the band's typical level is the anchor: the wording moves it a step and the descriptor
    similarity, being noisy, may pull it one more step towards itself, always inside the band's range.
    Without a band the descriptor level is all we have, nudged by the wording and kept within 1..4
    (5 claims government-wide policy-setting, which needs more evidence than a JD's wording). In both
    cases no item ends more than two levels from the JD's median, since one post does not need expert
    policy leadership in one area and bare awareness in the next."""
    levels: list[int] = []
    for ctype, descriptor, scope in items:
        step = max(-1, min(1, int(scope)))
        if band is None:
            levels.append(_clip((descriptor or 2) + step, 1, 4))
            continue
        lo, typical, hi = level_range(band, ctype)
        levels.append(_towards(_clip(typical + step, lo, hi), descriptor, lo, hi))
    if not levels:
        return []
    # Pulling outliers to median +- 2 leaves the median where it is, so one pass is enough.
    median = statistics.median(levels)
    lo, hi = math.ceil(median - 2), math.floor(median + 2)
    return [_clip(x, lo, hi) for x in levels]
