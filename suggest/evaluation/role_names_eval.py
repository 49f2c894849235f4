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
                             context=[groups[j] for j in keep]) for k in keep]
        names = N.unique_names(names, [[p.activities[i].text for i in groups[k]] for k in keep])
        for k, name in zip(keep, names):
            texts = [p.activities[i].text for i in groups[k]]
            refs = [gold["roles"][k]["name"]]
            rows.append({"id": p.id, "split": p.split, "role": k, **score_name(name, refs, texts)})
    return rows


def name_predicted_groups(suggester: Any, positions: list[dict[str, Any]], review: list[dict[str, Any]]
                          ) -> list[dict[str, Any]]:
    """Name the roles the shipped grouping builds and score them against the names a reader would write
    (`better` in the review file, keyed by position and role index)."""
    from .. import roles as R

    better = {(r["id"], r["role"]): r for r in review}
    rows = []
    for gold in positions:
        if gold.get("structured"):
            continue
        roles = R.build_roles(suggester, gold["text"])
        for k, role in enumerate(roles):
            rev = better.get((gold["id"], k))
            if rev is None:
                continue
            texts = [a["text"] for a in role["activities"]]
            rows.append({"id": gold["id"], "role": k, "old": rev["name"], "old_ok": rev["acceptable"],
                         **score_name(role["name"], [rev["better"]], texts)})
    return rows


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    from ..settings import Settings
    from ..suggester import Suggester

    args = list(sys.argv[1:] if argv is None else argv)
    suggester = Suggester.from_settings(Settings())
    out: dict[str, Any] = {}
    rows = []
    for f in ("roles.jsonl", "roles_heldout.jsonl", "roles_heldout2.jsonl"):
        rows += name_gold_groups(suggester, read(GOLD / f))
    for split in dict.fromkeys(r["split"] for r in rows):
        out[f"gold_{split}"] = summarise([r for r in rows if r["split"] == split])
    pred = name_predicted_groups(suggester, read(GOLD / "roles_heldout2.jsonl"),
                                 read(GOLD / "role_names_review_heldout2.jsonl"))
    out["predicted_heldout2_vs_better"] = summarise(pred)
    out["predicted_heldout2_old_vs_better"] = summarise(
        [score_name(r["old"], r["references"], []) | {"coverage": 0.0} for r in pred])
    if "--rows" in args:
        out["rows"] = rows
        out["predicted_rows"] = pred
    print(json.dumps(out, indent=1, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
