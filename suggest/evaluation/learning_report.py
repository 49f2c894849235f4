"""`cde-suggest eval --learning`: the replay of `learning_sim` on our activity gold, the whole-JD gold and
TECH / HOUSE validation, clean and with 20% of decisions flipped, written as report.md, results.json and
learning_curve.png."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..settings import Settings
from ..suggester import Suggester
from . import learning_sim as sim
from . import positions_eval, suites

FLIP = 0.2


def _kcm_sets(suggester: Suggester, settings: Settings) -> dict[str, tuple[list, list]]:
    bench = suites.load(settings, "gold", "all", suggester)
    ids = [e.id for e in suggester.dictionary.entries]
    vectors = suggester.encoder.encode([q.text for q in bench.queries])
    rows = suggester.score_texts([q.text for q in bench.queries], vectors)
    activity = sim.vector_items(bench.queries, rows, vectors, ids)
    act_train, act_test = sim.halves(activity, key=lambda i: int(i.id[1:3]))  # P01-A01 -> 1
    positions = sim.position_items(suggester, positions_eval.load_positions("all"))
    pos_train, pos_test = sim.halves(positions, key=lambda i: int(i.id[1:]))  # J07 -> 7
    train = act_train + pos_train  # one office's reviewers decide on both kinds of text
    return {"activity gold": (train, act_test), "whole-JD gold": (train, pos_test)}


def _esco_set(settings: Settings, name: str) -> tuple[list, list, Suggester]:
    bench = suites.load(settings, name, "validation")
    suggester = suites.suggester_for(settings, bench)
    ids = [e.id for e in suggester.dictionary.entries]
    vectors = suggester.encoder.encode([q.text for q in bench.queries])
    items = sim.vector_items(bench.queries, suggester.score_texts([q.text for q in bench.queries], vectors),
                             vectors, ids)
    return items[1::2], items[0::2], suggester


def write_learning_report(settings: Settings, out_dir: Path, *, suggester: Suggester | None = None,
                          esco: bool = True) -> dict[str, Any]:
    suggester = suggester or Suggester.from_settings(settings)
    sets = {name: (train, test, suggester) for name, (train, test) in _kcm_sets(suggester, settings).items()}
    if esco:
        for name in ("tech", "house"):
            sets[f"{name.upper()} validation"] = _esco_set(settings, name)
    results = {}
    for name, (train, test, owner) in sets.items():
        ids = [e.id for e in owner.dictionary.entries]
        memory = sim.Learner("memory", ids, owner.encoder.encode)
        priors = sim.Learner("priors", ids, owner.encoder.encode)
        results[name] = {"clean": sim.curve(train, test, memory),
                         "flipped_20pct": sim.curve(train, test, memory, flip=FLIP),
                         "priors_clean": sim.curve(train, test, priors)}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    (out_dir / "report.md").write_text(render(results), encoding="utf-8")
    _plot(out_dir, results)
    return {name: {kind: {"before": r[kind]["before"]["p@5"],
                          "after": {p["decisions"]: round(p["p@5"], 4) for p in r[kind]["points"]}}
                   for kind in r} for name, r in results.items()}


def render(results: dict[str, Any]) -> str:
    lines = ["# Learning from reviewers: replayed decisions", "",
             "Gold labels replayed as reviewer decisions on one half of each set; precision@5 on the other half "
             "before learning and after N decisions (95% bootstrap intervals over the held-back queries). "
             f"'flipped' replays {FLIP:.0%} of the decisions reversed at random. 'clean' and 'flipped' use the "
             "default method (memory); 'priors clean' is the per-competency priors method.", ""]
    for name, r in results.items():
        for kind, res in r.items():
            b = res["before"]
            lines += [f"## {name}, {kind.replace('_', ' ')} ({b['n']} held-back queries, "
                      f"{res['decisions_available']} decisions available)", "",
                      "| decisions | P@5 | 95% CI | gain | gain 95% CI |", "|---|---|---|---|---|",
                      f"| 0 (before) | {b['p@5']:.3f} | [{b['ci'][0]:.3f}, {b['ci'][1]:.3f}] | | |"]
            for p in res["points"]:
                lines.append(f"| {p['decisions']} | {p['p@5']:.3f} | [{p['ci'][0]:.3f}, {p['ci'][1]:.3f}] | "
                             f"{p['gain']:+.3f} | [{p['gain_ci'][0]:+.3f}, {p['gain_ci'][1]:+.3f}] |")
            lines.append("")
    lines.append("![learning curve](learning_curve.png)")
    return "\n".join(lines) + "\n"


def _plot(out_dir: Path, results: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(4.2 * len(results), 3.6), squeeze=False)
    for ax, (name, r) in zip(axes[0], results.items()):
        for kind, style in (("clean", "-o"), ("flipped_20pct", "--s"), ("priors_clean", ":^")):
            res = r[kind]
            xs = [0] + [p["decisions"] for p in res["points"]]
            ys = [res["before"]["p@5"]] + [p["p@5"] for p in res["points"]]
            lo = [res["before"]["ci"][0]] + [p["ci"][0] for p in res["points"]]
            hi = [res["before"]["ci"][1]] + [p["ci"][1] for p in res["points"]]
            ax.plot(xs, ys, style, label=kind.replace("_", " "))
            ax.fill_between(xs, lo, hi, alpha=0.15)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("replayed decisions")
        ax.set_ylabel("P@5, held-back half")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out_dir / "learning_curve.png", dpi=90)
    plt.close(fig)
