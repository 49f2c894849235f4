"""Re-tune the BM25 weight for label-only taxonomies on TECH + HOUSE validation only.

Usage: CDE_ADAPTER=<id|none> python tools/tune_fusion.py [--grid 0.1,0.2,0.35]
Prints, per weight, RP@5 and MRR on both validation splits and the rule the README uses (RP@5 + MRR/2 summed
over both, in points); the best weight goes into suggest/evaluation/suites.py ADAPTER_LEXICAL_WEIGHT. Each
split's queries are embedded once and re-fused per weight, through the same Suggester the eval uses.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from suggest.evaluation import metrics as M
from suggest.evaluation import suites
from suggest.evaluation.runner import RUN_DEPTH
from suggest.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grid", default="0.05,0.1,0.15,0.2,0.25,0.35,0.45")
    args = parser.parse_args()
    grid = [float(x) for x in args.grid.split(",")]
    settings = Settings()
    table = {w: {} for w in grid}
    for name in ("tech", "house"):
        bench = suites.load(settings, name, "validation")
        suggester = suites.suggester_for(settings, bench)
        texts = [q.text for q in bench.queries]
        vectors = suggester.encoder.encode(texts)
        ids = [e.id for e in suggester.dictionary.entries]
        for w in grid:
            scores = suggester.score_texts(texts, vectors, lexical_weight=w)
            run = {q.id: {ids[j]: float(row[j]) for j in np.argsort(-row, kind="stable")[:RUN_DEPTH]}
                   for q, row in zip(bench.queries, scores)}
            rp5 = M.mean(M.per_query(bench.qrels(), run, "rp@5"))
            mrr = M.mean(M.per_query(bench.qrels(), run, "mrr"))
            table[w][name] = {"rp@5": round(100 * rp5, 1), "mrr": round(mrr, 3)}
    for w, row in table.items():
        row["rule"] = round(sum(row[b]["rp@5"] + 50 * row[b]["mrr"] for b in ("tech", "house")), 1)
    best = max(grid, key=lambda w: table[w]["rule"])
    print(json.dumps({"adapter": suites.active_adapter(settings), "grid": table, "best": best}, indent=2))


if __name__ == "__main__":
    main()
