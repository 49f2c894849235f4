"""Role-name quality without a human reader: name each GOLD role group (so naming is measured apart from
grouping) and compare the name with the gold role name and with the role's own duties.

Per role:

- **overlap**: F1 of the stemmed content words of the generated name against the gold name (the best of
  several references, where a reader also wrote a `better` name);
- **hit**: at least one content word shared with a reference;
- **coverage**: the share of the role's duties that contain at least one content word of the name (a name
  taken from one duty of many covers little; a name from a sector the duties never mention covers none);
- **fragment**: a one-word name that is not an abbreviation ("Transfer", "Products"): a reader rejected these;
- **words**: the length of the name in words.

The pure scoring functions below take names and texts; `name_gold_groups` needs a Suggester (topic scores
use its encoder) and is what `python -m suggest.evaluation.role_names_eval` runs on the gold files.
Only flat positions are scored: headed ones keep the JD's own headings.

A second figure uses the readers' reviews: the roles the shipped grouping builds are matched, by their exact
activities, to the roles a reader judged (`judged_rows`), and their current names are scored against the
name the reader would write (`better`), with how many rejected and accepted names changed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..role_topics import tokens

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold"
# words that join or frame a name but say nothing about the work
STOP = frozenset(["and", "of", "the", "for", "to", "in", "on", "with", "a", "an", "by", "at", "from", "under", "its", "their", "other", "related", "relating", "work", "matters", "matter", "duties", "general"])


def content_stems(text: str) -> set[str]:
    """Stemmed content words of a name or a duty line."""
    return {t for t in tokens(text.replace(",", " ").replace(":", " ")) if t not in STOP and not t.isdigit()}


def overlap_f1(name: str, references: Sequence[str]) -> float:
    """The best F1 of the name's content words against any reference name's."""
    p = content_stems(name)
    best = 0.0
    for ref in references:
        g = content_stems(ref)
        common = len(p & g)
        if common:
            best = max(best, 2 * common / (len(p) + len(g)))
    return best


def coverage(name: str, texts: Sequence[str]) -> float:
    """Share of duty lines that contain at least one content word of the name."""
    words = content_stems(name)
    if not texts:
        return 0.0
    return sum(1 for t in texts if words & set(tokens(t))) / len(texts)


def is_fragment(name: str) -> bool:
    """One word that is not an abbreviation: "Transfer", "Products" (a reader rejected these)."""
    words = [w for w in name.replace(",", " ").split() if w.lower() not in STOP]
    return len(words) == 1 and not any(c.isupper() for c in words[0][1:])


def score_name(name: str, references: Sequence[str], texts: Sequence[str]) -> dict[str, Any]:
    f1 = overlap_f1(name, references)
    return {"name": name, "references": list(references), "overlap": round(f1, 4), "hit": f1 > 0,
            "coverage": round(coverage(name, texts), 4), "fragment": is_fragment(name),
            "words": len(name.split())}


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    if not rows:
        return {"n": 0}
    return {"n": len(rows),
            "overlap": round(float(np.mean([r["overlap"] for r in rows])), 4),
            "hit": round(float(np.mean([r["hit"] for r in rows])), 4),
            "coverage": round(float(np.mean([r["coverage"] for r in rows])), 4),
            "fragment": round(float(np.mean([r["fragment"] for r in rows])), 4),
            "words": round(float(np.mean([r["words"] for r in rows])), 2)}


# ---------------------------------------------------------------- with the real model


def gold_groups(truth: Sequence[int | None], n_roles: int) -> list[list[int]]:
    """Activity indices per gold role (segmented activities mapped to gold bullets by roles_eval)."""
    groups: list[list[int]] = [[] for _ in range(n_roles)]
    for i, t in enumerate(truth):
        if t is not None:
            groups[t].append(i)
    return groups


def name_gold_groups(suggester: Any, positions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Name every gold role of the flat positions with the current naming code; one scored row per role."""
    from .. import role_names as N
    from .. import roles as R
    from .roles_eval import prepare

    flat = [p for p in positions if not p.get("structured")]
    rows = []
    for gold, p in zip(flat, prepare(suggester, flat)):
        groups = gold_groups(p.truth, len(gold["roles"]))
        keep = [k for k, g in enumerate(groups) if g]
        names = [R.role_name(p.scored, groups[k], suggester.dictionary, structured=False, topics=p.topics,
                             context=[groups[j] for j in keep], bank=p.bank) for k in keep]
        names = N.unique_names(names, [[p.activities[i].text for i in groups[k]] for k in keep])
        for k, name in zip(keep, names):
            texts = [p.activities[i].text for i in groups[k]]
            refs = [gold["roles"][k]["name"]]
            rows.append({"id": p.id, "split": p.split, "role": k, **score_name(name, refs, texts)})
    return rows


def judged_rows(current: dict[str, list[dict[str, Any]]], judged: dict[str, list[dict[str, Any]]],
                review: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The current names of the roles a reader judged, against the name the reader would write (`better`).

    `current` and `judged`: per position, the roles as {"name", "activities": [text, ...]}, now and as the
    reader saw them. A role counts only where its activities are exactly those of a judged role, since a
    `better` name fits the group it was written for; review rows of the previous rules of held-out 3
    (`system: previous`) are left out, as the current rules descend from the `new` ones."""
    rev = {(r["id"], r["role"]): r for r in review if r.get("system", "new") in ("new", "both")}
    rows = []
    for pid, roles in current.items():
        seen = judged.get(pid, [])
        for role in roles:
            j = next((j for j, g in enumerate(seen) if g["activities"] == role["activities"]), None)
            r = rev.get((pid, j))
            if r is None or r.get("structured"):
                continue
            rows.append({"id": pid, "role": j, "judged": r["name"], "judged_ok": bool(r["acceptable"]),
                         "better": r["better"], "judged_overlap": round(overlap_f1(r["name"], [r["better"]]), 4),
                         "changed": role["name"] != r["name"],
                         **score_name(role["name"], [r["better"]], role["activities"])})
    return rows


def summarise_judged(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Overlap with the reader's names now and for the judged names; how many rejected and accepted names
    changed (an accepted name that changes is a risk, so those are listed)."""
    return {**summarise(rows),
            "judged_overlap": round(float(np.mean([r["judged_overlap"] for r in rows])), 4) if rows else 0.0,
            "rejected": sum(not r["judged_ok"] for r in rows),
            "rejected_changed": sum(r["changed"] and not r["judged_ok"] for r in rows),
            "accepted": sum(r["judged_ok"] for r in rows),
            "accepted_changed": [f'{r["id"]}/{r["role"]}: {r["judged"]} -> {r["name"]}'
                                 for r in rows if r["changed"] and r["judged_ok"]]}


def current_roles(suggester: Any, positions: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The roles the shipped grouping and naming build for each flat position."""
    from .. import roles as R

    return {g["id"]: [{"name": r["name"], "activities": [a["text"] for a in r["activities"]]}
                      for r in R.build_roles(suggester, g["text"])]
            for g in positions if not g.get("structured")}


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


# The groups the readers judged, built by `build_roles` at the commits the reviews name (H11-H20 at
# 50e3525, H21-H30 at 7488b9e, H51-H60 at 21a127b, H61-H70 at a293c47,
# H71-H80 at eee6992, H121-H140 at 0684226); the grouping has changed for some since.
JUDGED = Path(__file__).resolve().parents[2] / "eval" / "reports" / "role-names3" / "judged_groups.json"
REVIEWS = {"heldout2": ("roles_heldout2.jsonl", "role_names_review_heldout2.jsonl"),
           "heldout3": ("roles_heldout3.jsonl", "role_names_review_heldout3.jsonl"),
           "heldout6": ("roles_heldout6.jsonl", "role_names_review_heldout6.jsonl"),
           "heldout7": ("roles_heldout7.jsonl", "role_names_review_heldout7.jsonl"),
           "heldout8": ("roles_heldout8.jsonl", "role_names_review_heldout8.jsonl"),
           "heldout9": ("roles_heldout9.jsonl", "role_names_review_heldout9.jsonl"),
           "heldout10": ("roles_heldout10.jsonl", "role_names_review_heldout10.jsonl"),
           "heldout11": ("roles_heldout11.jsonl", "role_names_review_heldout11.jsonl"),
           "heldout12": ("roles_heldout12.jsonl", "role_names_review_heldout12.jsonl"),
           "heldout13": ("roles_heldout13.jsonl", "role_names_review_heldout13.jsonl"),
           "heldout14": ("roles_heldout14.jsonl", "role_names_review_heldout14.jsonl")}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    from ..settings import Settings
    from ..suggester import Suggester

    args = list(sys.argv[1:] if argv is None else argv)
    suggester = Suggester.from_settings(Settings())
    out: dict[str, Any] = {}
    rows = []
    for f in ("roles.jsonl", "roles_heldout.jsonl", "roles_heldout2.jsonl", "roles_heldout3.jsonl"):
        rows += name_gold_groups(suggester, read(GOLD / f))
    for split in dict.fromkeys(r["split"] for r in rows):
        out[f"gold_{split}"] = summarise([r for r in rows if r["split"] == split])
    judged = json.loads(JUDGED.read_text(encoding="utf-8")) if JUDGED.exists() else {}
    pred = []
    for key, (gold_file, review_file) in REVIEWS.items():
        got = judged_rows(current_roles(suggester, read(GOLD / gold_file)), judged, read(GOLD / review_file))
        out[f"judged_{key}"] = summarise_judged(got)
        pred += got
    if "--rows" in args:
        out["rows"] = rows
        out["judged_rows"] = pred
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
