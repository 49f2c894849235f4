"""The adapter ablation table, every figure measured by running `cde-suggest eval ... --json`.

Usage: python tools/ablation.py [--out eval/reports/adapter] [--only adapter,base] [--bench tech-test,...]
       [--adapter ID]
Rows: the base model and the adapter, each dense-only and with BM25 fusion (the taxonomy weight of
suggest/evaluation/suites.py for that encoder). Results are appended to results.json as they come, so a rerun
skips what is already measured; report.md is rewritten from results.json each time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCHES = ["tech-validation", "tech-test", "house-validation", "house-test", "techwolf-test", "onet-test",
           "gold-validation", "gold-test", "positions-validation", "positions-test"]
ROWS = {  # label -> (CDE_ADAPTER, --method); ADAPTER = the --adapter option; None = kept from an earlier run
    "base, dense": ("none", "dense"),
    "base + fusion (hybrid)": ("none", "hybrid"),
    "first adapter esco-kcm-lora (4.2k pairs), dense": (None, "dense"),
    "first adapter esco-kcm-lora (4.2k pairs) + fusion": (None, "hybrid"),
    "adapter, dense": ("ADAPTER", "dense"),
    "adapter + fusion (re-tuned weight) + its own confidence curve": ("ADAPTER", "hybrid"),
}
WHOLE_JD = "positions"  # whole-JD gold: only the full suggester (hybrid) runs it


def run_one(adapter: str, method: str, bench: str) -> dict:
    name, split = bench.split("-", 1)
    env = dict(os.environ, CDE_ADAPTER=adapter)
    cli = Path(sys.executable).with_name("cde-suggest")
    start = time.perf_counter()
    done = subprocess.run([str(cli), "eval", "--benchmark", name, "--split", split, "--method", method, "--json"],
                          env=env, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    result["wall_s"] = round(time.perf_counter() - start, 1)
    return result


def cell(result: dict | None) -> str:
    if not result:
        return "–"
    if result.get("benchmark") == WHOLE_JD or "recall@10" in result and "rp@5" not in result:
        return f"R@10 {result['recall@10']:.3f} / P@5 {result['precision@5']:.3f} / {result['latency_ms_p50']:.1f}"
    scale = 1 if result.get("benchmark") == "gold" else 100
    rp5 = f"{scale * result['rp@5']:.3f}" if scale == 1 else f"{scale * result['rp@5']:.1f}"
    return f"{rp5} / {result['mrr']:.3f} / {result['latency_ms_p50']:.1f}"


def report(results: dict, out: Path) -> None:
    head = "| method | " + " | ".join(BENCHES) + " |"
    lines = [head, "|---" * (len(BENCHES) + 1) + "|"]
    for label in ROWS:
        lines.append(f"| {label} | " + " | ".join(cell(results.get(f"{label}|{b}")) for b in BENCHES) + " |")
    text = ("# Adapter ablation\n\nEach cell: RP@5 / MRR / per-query latency p50 in ms, from `CDE_ADAPTER=<none|esco-kcm-lora-v2> "
            "cde-suggest eval --benchmark B --split S --method M --json` (tools/ablation.py). ESCO and O*NET RP@5 in "
            "percent; our gold (activities → KCM, full suggester) as a fraction. Latency: ESCO/O*NET queries are "
            "scored in batches of 256 (batch time / queries); gold is one full `suggest` call per activity. The small sets (1-2 batches) carry whatever else loaded the shared "
            "2-core machine at that moment; O*NET's 15,460 queries give the stable latency figure. Whole-JD gold "
            "(positions): recall@10 / precision@5 / latency per JD. The first adapter's rows are kept from its own run "
            "(its files are in the repository's history).\n\n"
            + "\n".join(lines) + "\n")
    (out / "report.md").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("eval/reports/adapter"))
    parser.add_argument("--only", default="", help="comma-separated substrings of row labels")
    parser.add_argument("--bench", default=",".join(BENCHES))
    parser.add_argument("--adapter", default="default", help="adapter id for the adapter rows")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "results.json"
    results = json.loads(path.read_text()) if path.is_file() else {}
    wanted = [x for x in args.only.split(",") if x]
    for bench in args.bench.split(","):
        for label, (adapter, method) in ROWS.items():
            key = f"{label}|{bench}"
            if key in results or adapter is None or (wanted and not any(w in label for w in wanted)):
                continue
            if bench.startswith(WHOLE_JD) and method != "hybrid":
                continue
            res = run_one(args.adapter if adapter == "ADAPTER" else adapter, method, bench)
            results[key] = {k: v for k, v in res.items() if not k.endswith("_ci") and k != "dictionary"}
            path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
            print(key, cell(res), f"{res['wall_s']} s", flush=True)
            report(results, args.out)
    report(results, args.out)


if __name__ == "__main__":
    main()
