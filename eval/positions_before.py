"""Predictions of an earlier release on the position gold, for the "before" row of the whole-JD report.

Run it with that release's package first on the path (a git worktree of the commit), e.g.
    git worktree add ../before 2cf0bb6
    PYTHONPATH=../before python eval/positions_before.py --split test -o eval/reports/positions-test/before.json
It uses only `Suggester.suggest(text)`, which every release has; the text goes in alone, as the
page of that release sent it. Scoring is done by the current `position_metrics` (see positions_report).
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

GOLD = Path(__file__).resolve().parent / "gold" / "positions.jsonl"
SPLITS = {"validation": "dev", "test": "test"}


KEEP = ("competency_id", "competencyAreaName", "competencyThemeName", "score", "confidence", "suggested_level",
        "ask_tags")


def slim(suggestion: dict) -> dict:
    """What the whole-JD measures read, and no more (the report keeps these files in the repository)."""
    out = {k: suggestion[k] for k in KEEP if k in suggestion}
    out["evidence"] = [{"text": e["text"]} for e in suggestion.get("evidence", [])]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="test")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    import suggest
    from suggest.settings import Settings
    from suggest.suggester import Suggester

    package = Path(suggest.__file__).resolve().parent
    commit = subprocess.run(["git", "-C", str(package), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    suggester = Suggester.from_settings(Settings())
    items = [json.loads(x) for x in GOLD.read_text(encoding="utf-8").splitlines() if x.strip()]
    preds = {}
    for it in (i for i in items if i["split"] == SPLITS[args.split]):
        res = suggester.suggest(it["text"], top_k=15)
        preds[it["id"]] = [slim(s.model_dump(mode="json")) for s in res.suggestions]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"commit": commit, "split": args.split, "predictions": preds}, indent=1))


if __name__ == "__main__":
    main()
