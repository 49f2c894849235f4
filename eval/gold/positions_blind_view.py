"""Print the position JDs without their labels, for a blind second annotation pass.

Usage:  python eval/gold/positions_blind_view.py [J01 J02 ...]

Prints only id, title, grade, department and text of each JD in eval/gold/positions.jsonl;
the first pass's `expected`, `sectors` and evidence are never shown. Standard library only.
"""

import json
import sys
from pathlib import Path

PATH = Path(__file__).resolve().with_name("positions.jsonl")


def main(wanted: list[str]) -> None:
    for line in PATH.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if wanted and rec["id"] not in wanted:
            continue
        print("=" * 20, rec["id"], "|", rec["title"], "|", rec["grade"], "|", rec["department"])
        print(rec["text"])
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
