"""Validate the position-level gold set (eval/gold/positions.jsonl) and print its counts.

Usage:  python eval/gold/check_positions.py [PATH_TO_JSONL] [--dictionary DIR]

Checks (any failure exits with status 1):
- one JSON object per line with the expected fields; ids unique and of the form J<nn>;
- split is "dev" for J01..J22 and "test" from J23 on;
- style and grade come from the documented sets (see POSITIONS.md);
- sectors are Domain themes of the dictionary, and equal the themes of the DOM ids in `expected`;
- every expected id exists in the dictionary (all lists in dictionary/**/*.yaml), no id twice;
- level is an integer 1..5, ask is a non-empty subset of attitude/skill/knowledge;
- 1..3 evidence strings per id, each an exact substring of `text`.
Warnings (printed, not fatal): fewer than 5 or more than 12 expected ids.

Needs only the standard library and PyYAML.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

STYLES = {"numbered", "bullets", "prose", "work_allocation_order", "table_as_text", "headed_sections", "mixed"}
SECRETARIAT_GRADES = ["MTS", "LDC", "UDC", "ASO", "SO", "US", "DS", "Director", "JS", "AS", "Secretary"]
FIELD_GRADES = ["Group C field", "Group B field", "Group A junior field", "Group A senior field",
                "District head", "PSU executive"]
GRADES = set(SECRETARIAT_GRADES) | set(FIELD_GRADES)
ASK = {"attitude", "skill", "knowledge"}
FIELDS = ["id", "split", "style", "title", "grade", "department", "text", "sectors", "expected"]
DEV_LAST = 22


def load_dictionary(folder: Path) -> dict[str, dict]:
    entries: dict[str, dict] = {}
    for path in sorted(folder.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, list):  # the manifest (dictionary.yaml) is a mapping
            continue
        for entry in data:
            if isinstance(entry, dict) and "id" in entry:
                entries[str(entry["id"])] = entry
    return entries


def check(path: Path, dictionary: dict[str, dict]) -> tuple[list[dict], list[str], list[str]]:
    errors: list[str] = []
    warnings: list[str] = []
    domain_themes = {e["theme"] for e in dictionary.values() if e.get("type") == "Domain"}
    records: list[dict] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {n}: not JSON ({exc})")
            continue
        rid = rec.get("id", f"line {n}")
        missing = [k for k in FIELDS if k not in rec]
        if missing:
            errors.append(f"{rid}: missing fields {missing}")
            continue
        records.append(rec)
        m = re.fullmatch(r"J(\d{2,3})", rid)
        if not m:
            errors.append(f"{rid}: id must look like J01")
        elif rid in seen:
            errors.append(f"{rid}: duplicate id")
        else:
            want = "dev" if int(m.group(1)) <= DEV_LAST else "test"
            if rec["split"] != want:
                errors.append(f"{rid}: split {rec['split']!r}, expected {want!r}")
        seen.add(rid)
        if rec["style"] not in STYLES:
            errors.append(f"{rid}: unknown style {rec['style']!r}")
        if rec["grade"] not in GRADES:
            errors.append(f"{rid}: unknown grade {rec['grade']!r}")
        text = rec["text"]
        if not isinstance(text, str) or not text.strip():
            errors.append(f"{rid}: empty text")
            continue
        for s in rec["sectors"]:
            if s not in domain_themes:
                errors.append(f"{rid}: sector {s!r} is not a Domain theme")
        exp = rec["expected"]
        if not 5 <= len(exp) <= 12:
            warnings.append(f"{rid}: {len(exp)} expected ids (guide: 5-12)")
        ids_here: set[str] = set()
        dom_themes_here: set[str] = set()
        for item in exp:
            cid = item.get("id")
            where = f"{rid}/{cid}"
            if cid not in dictionary:
                errors.append(f"{where}: id not in the dictionary")
                continue
            if cid in ids_here:
                errors.append(f"{where}: listed twice")
            ids_here.add(cid)
            if dictionary[cid].get("type") == "Domain":
                dom_themes_here.add(dictionary[cid]["theme"])
            level = item.get("level")
            if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 5:
                errors.append(f"{where}: level {level!r} not an integer 1..5")
            ask = item.get("ask")
            if not isinstance(ask, list) or not ask or not set(ask) <= ASK or len(set(ask)) != len(ask):
                errors.append(f"{where}: ask {ask!r} must be a non-empty subset of {sorted(ASK)}")
            evidence = item.get("evidence")
            if not isinstance(evidence, list) or not 1 <= len(evidence) <= 3:
                errors.append(f"{where}: 1-3 evidence strings required")
                continue
            for ev in evidence:
                if not isinstance(ev, str) or not ev.strip():
                    errors.append(f"{where}: empty evidence")
                elif ev not in text:
                    errors.append(f"{where}: evidence not in text: {ev[:70]!r}")
        if set(rec["sectors"]) != dom_themes_here:
            errors.append(f"{rid}: sectors {sorted(rec['sectors'])} differ from the themes of its DOM ids "
                          f"{sorted(dom_themes_here)}")
    return records, errors, warnings


def counts(records: list[dict], dictionary: dict[str, dict]) -> None:
    def table(title: str, key) -> None:
        c: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for r in records:
            for k in key(r):
                c[k][r["split"]] += 1
        print(f"\n{title:<40} {'dev':>4} {'test':>4} {'all':>4}")
        for k in sorted(c, key=lambda k: (-sum(c[k].values()), k)):
            print(f"  {k:<38} {c[k]['dev']:>4} {c[k]['test']:>4} {sum(c[k].values()):>4}")

    table("split", lambda r: ["positions"])
    table("post family", lambda r: ["field/sector" if r["grade"] in FIELD_GRADES else "central secretariat"])
    table("style", lambda r: [r["style"]])
    table("grade", lambda r: [r["grade"]])
    table("sector (a position may touch several)", lambda r: r["sectors"] or ["(none)"])
    table("type of expected id (per position)", lambda r: sorted({dictionary[e["id"]]["type"] for e in r["expected"]}))

    n_exp = [len(r["expected"]) for r in records]
    n_ev = [len(e["evidence"]) for r in records for e in r["expected"]]
    types = collections.Counter(dictionary[e["id"]]["type"] for r in records for e in r["expected"])
    levels = collections.Counter(e["level"] for r in records for e in r["expected"])
    ids = collections.Counter(e["id"] for r in records for e in r["expected"])
    print(f"\nexpected ids: {sum(n_exp)} in all, {min(n_exp)}-{max(n_exp)} per position, "
          f"mean {sum(n_exp) / len(n_exp):.1f}; distinct ids {len(ids)}")
    print("  by type: " + ", ".join(f"{k} {v}" for k, v in sorted(types.items())))
    print("  by level: " + ", ".join(f"{k}: {levels[k]}" for k in sorted(levels)))
    print(f"  evidence strings: {sum(n_ev)} (mean {sum(n_ev) / len(n_ev):.2f} per id)")
    print("  most frequent: " + ", ".join(f"{k} x{v}" for k, v in ids.most_common(10)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(HERE / "positions.jsonl"))
    ap.add_argument("--dictionary", default=str(ROOT / "dictionary"))
    args = ap.parse_args(argv)
    dictionary = load_dictionary(Path(args.dictionary))
    if not dictionary:
        print(f"no dictionary entries found under {args.dictionary}", file=sys.stderr)
        return 1
    records, errors, warnings = check(Path(args.path), dictionary)
    for w in warnings:
        print("warning:", w)
    if errors:
        for e in errors:
            print("error:", e)
        print(f"\n{len(errors)} error(s) in {len(records)} positions")
        return 1
    print(f"OK: {len(records)} positions, dictionary of {len(dictionary)} entries")
    counts(records, dictionary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
