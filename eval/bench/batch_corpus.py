"""A corpus of job descriptions for batch runs, made the same way every time from the gold files in this repo.

The 44 whole JDs of eval/gold/positions.jsonl come first, as written; the rest are composed, each from a
designation and department of one of those JDs and 3 to 8 duty lines drawn from eval/gold/activities.jsonl,
numbered, bulleted or in prose. A seeded generator, so no large file needs committing.

    python eval/bench/batch_corpus.py 200 corpus.jsonl     # or corpus.parquet (needs pyarrow)
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

GOLD = Path(__file__).resolve().parents[1] / "gold"


def corpus(n: int = 200, seed: int = 14) -> list[dict[str, str]]:
    positions = [json.loads(x) for x in (GOLD / "positions.jsonl").read_text(encoding="utf-8").splitlines() if x]
    lines = [json.loads(x)["text"] for x in (GOLD / "activities.jsonl").read_text(encoding="utf-8").splitlines() if x]
    rng = random.Random(seed)
    out = [{"id": p["id"], "text": p["text"]} for p in positions[:n]]
    while len(out) < n:
        head = rng.choice(positions)
        duties = rng.sample(lines, rng.randint(3, 8))
        style = rng.choice(("numbered", "bullets", "prose"))
        if style == "numbered":
            body = "Duties:\n" + "\n".join(f"{k}. {d}" for k, d in enumerate(duties, start=1))
        elif style == "bullets":
            body = "Responsibilities include:\n" + "\n".join(f"• {d}" for d in duties)
        else:
            body = " ".join(duties)
        text = f"Designation: {head['title']}\nDepartment: {head['department']}\n\n{body}\n"
        out.append({"id": f"C{len(out) + 1:04d}", "text": text})
    return out


def write(rows: list[dict[str, str]], path: Path) -> None:
    if path.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), path)
    else:
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


if __name__ == "__main__":
    write(corpus(int(sys.argv[1])), Path(sys.argv[2]))
