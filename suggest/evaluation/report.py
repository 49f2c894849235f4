"""`eval --report DIR`: every method on one benchmark, written as report.md, results.json and three plots.

The numbers come from pure helpers over (qrels, run); only `write_report` and the plot/write helpers touch
files. One Suggester serves every method, so its index is built (or loaded) once.
"""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ..dictionary import ASK_KINDS, TYPE_LETTER, Dictionary
from . import metrics as M
from . import runner, suites

REPO = Path(__file__).resolve().parents[2]
KS = tuple(range(1, 11))
GROUP_METRICS = ("rp@5", "mrr")
SETTING_KEYS = ("lexical_weight", "alias_penalty", "facet_theme", "facet_description", "dense_aliases",
                "retrieve_rows", "runtime")
N_BINS = 10


# ---------------------------------------------------------------- pure helpers


def rp_curve(qrels, run, ks=KS) -> list[float]:
    return [M.mean(M.per_query(qrels, run, f"rp@{k}")) for k in ks]


def query_groups(queries, dictionary: Dictionary) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Query ids by competency type letter (B/F/D) and by ASK kind, both from the query's first gold id.
    A query counts under every ASK kind its first gold entry has statements for."""
    by_type: dict[str, list[str]] = defaultdict(list)
    by_ask: dict[str, list[str]] = defaultdict(list)
    for q in queries:
        entry = dictionary.get(q.gold[0]) if q.gold else None
        by_type[TYPE_LETTER.get(str(entry.type), "?") if entry else "?"].append(q.id)
        if entry is not None:
            for kind in ASK_KINDS:
                if getattr(entry.ask, kind):
                    by_ask[kind].append(q.id)
    return dict(sorted(by_type.items())), dict(sorted(by_ask.items()))


def group_breakdown(qrels, run, groups: dict[str, list[str]], metrics=GROUP_METRICS) -> dict[str, dict]:
    per = {m: M.per_query(qrels, run, m) for m in metrics}
    out = {}
    for name, qids in groups.items():
        row: dict[str, Any] = {}
        for m in metrics:
            vals = [per[m][q] for q in qids if q in per[m]]
            row[m] = float(np.mean(vals)) if vals else 0.0
            row["n"] = len(vals)
        out[name] = row
    return out


def scored_items(qrels, run, depth: int) -> tuple[list[float], list[bool]]:
    """Score and correctness of each of the top-`depth` items of every query that has gold."""
    scores, correct = [], []
    for qid, gold in qrels.items():
        relevant = {i for i, r in gold.items() if r > 0}
        if not relevant:
            continue
        items = run.get(qid, {})
        for item in M.ranked_items(items)[:depth]:
            scores.append(float(items[item]))
            correct.append(item in relevant)
    return scores, correct


def calibration_bins(scores: list[float], correct: list[bool], n_bins: int = N_BINS) -> list[dict]:
    """Equal-width bins over [0, 1] (widened to the data when scores leave it): mean score, fraction correct."""
    if not scores:
        return []
    s, c = np.asarray(scores, float), np.asarray(correct, float)
    lo, hi = min(0.0, float(s.min())), max(1.0, float(s.max()))
    edges = np.linspace(lo, hi, n_bins + 1)
    which = np.clip(np.digitize(s, edges[1:-1]), 0, n_bins - 1)
    out = []
    for b in range(n_bins):
        mask = which == b
        if mask.any():
            out.append({"lo": float(edges[b]), "hi": float(edges[b + 1]), "n": int(mask.sum()),
                        "mean_score": float(s[mask].mean()), "fraction_correct": float(c[mask].mean())})
    return out


def _pct(result: dict, m: str) -> str:
    lo, hi = result.get(f"{m}_ci", [result[m], result[m]])
    return f"{100 * result[m]:.1f} [{100 * lo:.1f}–{100 * hi:.1f}]"


def render_markdown(res: dict) -> str:
    d = res["dictionary"]
    lines = [
        f"# Evaluation: {res['benchmark']} ({res['split']})", "",
        f"- dictionary: {d['name']} {d['version']} ({d['fingerprint']})",
        f"- model: {res['model']}; commit: {res['git_commit']}; created: {res['created_at']}",
        f"- settings: {', '.join(f'{k}={v}' for k, v in res['settings'].items())}",
        f"- queries: {res['n_queries']}; default method: {res['default_method']}", "",
        "Percentages with 95% bootstrap intervals.", "",
        "| method | " + " | ".join(runner.METRICS) + " | n | latency p50 (ms) |",
        "|---|" + "---|" * len(runner.METRICS) + "---|---|",
    ]
    for method, r in res["methods"].items():
        cells = [_pct(r, m) for m in runner.METRICS]
        lines.append(f"| {method} | " + " | ".join(cells) + f" | {r['n']} | {r['latency_ms_p50']:.1f} |")
    for title, key in (("competency type (first gold id)", "by_type"), ("ASK kind (first gold id)", "by_ask")):
        if not res[key]:
            continue
        lines += ["", f"## {res['default_method']} by {title}", "",
                  "| group | " + " | ".join(GROUP_METRICS) + " | n |", "|---|" + "---|" * len(GROUP_METRICS) + "---|"]
        for name, row in res[key].items():
            lines.append(f"| {name} | " + " | ".join(f"{100 * row[m]:.1f}" for m in GROUP_METRICS)
                         + f" | {row['n']} |")
    lines += ["", "## Plots", "", "![RP@k](metric_vs_k.png)", "![scores](score_distributions.png)",
              "![calibration](calibration.png)", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------- I/O at the edges


def git_commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "unknown"


def _load_bench(settings, name: str, split: str, gold_path: Path | None):
    if name == "gold" and gold_path is not None:
        from ..dictionary import load_dictionary
        from .benchmarks import load_benchmark

        return load_benchmark("gold", suites.GOLD_SPLITS.get(split, split), settings.eval_data_dir,
                              gold_path=gold_path, dictionary=load_dictionary(settings.dictionary))
    return suites.load(settings, name, split)


def _plots(out_dir: Path, res: dict, default_scores: tuple[list[float], list[bool]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for method, curve in res["rp_at_k"].items():
        ax.plot(KS, curve, marker="o", label=method)
    ax.set(xlabel="k", ylabel="RP@k", title=f"RP@k, {res['benchmark']} {res['split']}", xticks=list(KS))
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "metric_vs_k.png", dpi=100)
    plt.close(fig)

    scores, correct = default_scores
    s, c = np.asarray(scores, float), np.asarray(correct, bool)
    fig, ax = plt.subplots(figsize=(6, 4))
    bins = np.linspace(float(s.min()), float(s.max()) + 1e-9, 31) if s.size else 10
    ax.hist(s[~c], bins=bins, alpha=0.6, label=f"incorrect ({int((~c).sum())})")
    ax.hist(s[c], bins=bins, alpha=0.6, label=f"correct ({int(c.sum())})")
    ax.set(xlabel="score", ylabel="items", title=f"Top-10 scores, {res['default_method']}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "score_distributions.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 5))
    cal = res["calibration"]
    lo = min([0.0] + [b["lo"] for b in cal])
    hi = max([1.0] + [b["hi"] for b in cal])
    ax.plot([lo, hi], [lo, hi], linestyle="--", color="grey", label="perfect")
    ax.plot([b["mean_score"] for b in cal], [b["fraction_correct"] for b in cal], marker="o",
            label=res["default_method"])
    ax.set(xlabel="mean score (top-5)", ylabel="fraction correct", title="Reliability", ylim=(0, 1))
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "calibration.png", dpi=100)
    plt.close(fig)


def write_report(settings, name: str, split: str, out_dir: Path, *, gold_path: Path | None = None,
                 methods=("lexical", "dense", "hybrid")) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    methods = tuple(methods)
    bench = _load_bench(settings, name, split, gold_path)
    suggester = suites.suggester_for(settings, bench)
    default = "hybrid" if "hybrid" in methods else methods[0]

    runs: dict[str, runner.RunResult] = {}
    scores: dict[str, dict] = {}
    for method in methods:
        if name == "gold" and method == "hybrid":
            runs[method] = runner.suggest_queries(suggester, bench.queries)
        else:
            runs[method] = runner.rank_queries(suggester, bench.queries, method)
        scores[method] = runner.score(runs[method])

    main = runs[default]
    by_type, by_ask = query_groups(bench.queries, bench.dictionary)
    top5 = scored_items(main.qrels, main.run, 5)
    s = suggester.settings
    res: dict[str, Any] = {
        "benchmark": bench.name, "split": bench.split, "n_queries": len(bench.queries), "default_method": default,
        "dictionary": bench.dictionary.info.model_dump(), "model": suggester.encoder.model_id,
        "git_commit": git_commit(), "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "settings": {k: getattr(s, k, None) for k in SETTING_KEYS},
        "methods": scores,
        "rp_at_k": {m: rp_curve(r.qrels, r.run) for m, r in runs.items()},
        "by_type": group_breakdown(main.qrels, main.run, by_type),
        "by_ask": group_breakdown(main.qrels, main.run, by_ask),
        "calibration": calibration_bins(*top5),
    }
    _plots(out_dir, res, scored_items(main.qrels, main.run, 10))
    (out_dir / "report.md").write_text(render_markdown(res), encoding="utf-8")
    (out_dir / "results.json").write_text(json.dumps(res, indent=2, default=str), encoding="utf-8")
    res["files"] = [str(out_dir / f) for f in ("report.md", "results.json", "metric_vs_k.png",
                                               "score_distributions.png", "calibration.png")]
    return res
