"""Agreement between the first pass of the position-level gold set and the blind second pass.

Usage:  python eval/gold/positions_agreement.py [--first PATH] [--second PATH] [--details]

The first pass (positions.jsonl) is the gold; the second pass (positions_second_pass.jsonl) is scored
against it. Figures, overall and per split (dev = J01-J22, test = J23-J44):

- mean Jaccard of the two id sets per JD;
- precision and recall of the second pass against the first, pooled over all ids of the split
  (micro), with the per-JD mean (macro) alongside;
- primary-id agreement: the first-listed id is the same;
- level agreement, exact and within one, over the ids both passes chose;
- ASK primary-tag agreement over the ids both passes chose (the first tag of each `ask` list);
- sector-set exact agreement.

--details adds the disagreement counts used in POSITIONS.md: ids most often only in one pass,
level differences by id type, and primary-id substitutions.

Needs only the standard library and PyYAML (PyYAML is used to read id types from the dictionary).
"""

from __future__ import annotations

import argparse
import collections
import json
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEV_LAST = 22


def load(path: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out[rec["id"]] = rec
    return out


def load_names(folder: Path) -> dict[str, str]:
    names: dict[str, str] = {}
    for path in sorted(folder.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, list):
            for e in data:
                if isinstance(e, dict) and "id" in e:
                    names[str(e["id"])] = str(e.get("name", ""))
    return names


def split_of(jid: str) -> str:
    return "dev" if int(jid[1:]) <= DEV_LAST else "test"


def pct(num: float, den: float) -> str:
    return "n/a" if den == 0 else f"{100.0 * num / den:.1f}%"


def scores(pairs: list[tuple[dict, dict]]) -> dict[str, str]:
    n = len(pairs)
    jac = tp = n_first = n_second = prim = sect = 0.0
    macro_p = macro_r = 0.0
    shared = lvl_exact = lvl_one = ask_same = 0
    for g, s in pairs:
        gi = [e["id"] for e in g["expected"]]
        si = [e["id"] for e in s["expected"]]
        gs, ss = set(gi), set(si)
        inter = gs & ss
        jac += len(inter) / len(gs | ss)
        tp += len(inter)
        n_first += len(gs)
        n_second += len(ss)
        macro_p += len(inter) / len(ss)
        macro_r += len(inter) / len(gs)
        prim += gi[0] == si[0]
        sect += set(g["sectors"]) == set(s["sectors"])
        gmap = {e["id"]: e for e in g["expected"]}
        smap = {e["id"]: e for e in s["expected"]}
        for cid in inter:
            shared += 1
            d = abs(gmap[cid]["level"] - smap[cid]["level"])
            lvl_exact += d == 0
            lvl_one += d <= 1
            ask_same += gmap[cid]["ask"][0] == smap[cid]["ask"][0]
    return {
        "JDs": str(n),
        "ids first / second": f"{int(n_first)} / {int(n_second)}",
        "mean Jaccard (id sets)": f"{jac / n:.3f}",
        "precision, micro (second vs first)": pct(tp, n_second),
        "recall, micro (second vs first)": pct(tp, n_first),
        "precision / recall, per-JD mean": f"{100 * macro_p / n:.1f}% / {100 * macro_r / n:.1f}%",
        "primary id agreement": f"{int(prim)}/{n} ({pct(prim, n)})",
        "shared ids": str(shared),
        "level exact (shared ids)": f"{lvl_exact}/{shared} ({pct(lvl_exact, shared)})",
        "level within one (shared ids)": f"{lvl_one}/{shared} ({pct(lvl_one, shared)})",
        "ASK primary tag (shared ids)": f"{ask_same}/{shared} ({pct(ask_same, shared)})",
        "sector set exact": f"{int(sect)}/{n} ({pct(sect, n)})",
    }


def details(pairs: list[tuple[dict, dict]], names: dict[str, str]) -> None:
    only_first: collections.Counter = collections.Counter()
    only_second: collections.Counter = collections.Counter()
    by_type_first: collections.Counter = collections.Counter()
    by_type_second: collections.Counter = collections.Counter()
    level_diff: collections.Counter = collections.Counter()
    level_by_type: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    prim_sub: list[str] = []
    sector_diff: list[str] = []
    for g, s in pairs:
        gmap = {e["id"]: e for e in g["expected"]}
        smap = {e["id"]: e for e in s["expected"]}
        for cid in set(gmap) - set(smap):
            only_first[cid] += 1
            by_type_first[cid[:3]] += 1
        for cid in set(smap) - set(gmap):
            only_second[cid] += 1
            by_type_second[cid[:3]] += 1
        for cid in set(gmap) & set(smap):
            d = smap[cid]["level"] - gmap[cid]["level"]
            level_diff[d] += 1
            level_by_type[cid[:3]][d] += 1
        if g["expected"][0]["id"] != s["expected"][0]["id"]:
            prim_sub.append(f"{g['id']}: {g['expected'][0]['id']} -> {s['expected'][0]['id']}")
        if set(g["sectors"]) != set(s["sectors"]):
            a, b = set(g["sectors"]), set(s["sectors"])
            sector_diff.append(f"{g['id']}: first only {sorted(a - b)}, second only {sorted(b - a)}")

    def show(title: str, counter: collections.Counter, k: int = 15) -> None:
        print(f"\n{title}")
        for cid, c in counter.most_common(k):
            print(f"  {cid} {names.get(cid, '')}: {c}")

    print("\n## Disagreement details (all 44 JDs)")
    print(f"\nids only in the first pass, by type: {dict(by_type_first)}")
    print(f"ids only in the second pass, by type: {dict(by_type_second)}")
    show("ids most often only in the first pass:", only_first)
    show("ids most often only in the second pass:", only_second)
    print(f"\nlevel difference (second - first) on shared ids: {dict(sorted(level_diff.items()))}")
    for t, c in sorted(level_by_type.items()):
        print(f"  {t}: {dict(sorted(c.items()))}")
    print("\nprimary-id disagreements (first -> second):")
    for line in prim_sub:
        print("  " + line)
    print("\nsector-set disagreements:")
    for line in sector_diff:
        print("  " + line)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--first", type=Path, default=HERE / "positions.jsonl")
    ap.add_argument("--second", type=Path, default=HERE / "positions_second_pass.jsonl")
    ap.add_argument("--dictionary", type=Path, default=ROOT / "dictionary")
    ap.add_argument("--details", action="store_true")
    args = ap.parse_args()

    first, second = load(args.first), load(args.second)
    missing = sorted(set(first) ^ set(second))
    if missing:
        raise SystemExit(f"JD ids differ between the passes: {missing}")
    ids = sorted(first, key=lambda j: int(j[1:]))
    groups = {
        "all": [(first[j], second[j]) for j in ids],
        "dev": [(first[j], second[j]) for j in ids if split_of(j) == "dev"],
        "test": [(first[j], second[j]) for j in ids if split_of(j) == "test"],
    }
    table = {name: scores(pairs) for name, pairs in groups.items()}
    print("| measure | all | dev | test |")
    print("|---|---|---|---|")
    for key in table["all"]:
        print(f"| {key} | {table['all'][key]} | {table['dev'][key]} | {table['test'][key]} |")
    if args.details:
        details(groups["all"], load_names(args.dictionary))


if __name__ == "__main__":
    main()
