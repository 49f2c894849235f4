"""The whole-JD report (`cde-suggest eval --benchmark positions --split S --report DIR`): the targets, the
figures with 95% intervals, an ablation that adds one lever at a time, the earlier release's "before" row
(when DIR holds its predictions, see eval/positions_before.py) and a reliability plot.

Each JD is scored once (stage 1); every ablation row re-ranks the same `Scored` with its settings, so the
rows differ only by the lever named.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from ..suggester import Suggester
from . import position_metrics
from .positions_eval import LIST_DEPTH, load_positions

# Cumulative: each row keeps the levers above it. Row 1 is the new segmentation and context reading with
# every ranking lever off, which is the first release's ranking on the new activities.
ABLATION: list[tuple[str, dict[str, Any]]] = [
    ("segmentation + context reading, first-release ranking",
     {"coverage": False, "support_bonus": 0.0, "sector_agreement": False, "seniority_levels": False,
      "fitted_confidence": False}),
    ("+ sector agreement for Domain", {"sector_agreement": True}),
    ("+ support from several activities", {"support_bonus": None}),
    ("+ coverage before depth", {"coverage": True}),
    ("+ one order by fitted confidence", {"fitted_confidence": True}),
    ("+ levels from seniority (default)", {"seniority_levels": True}),
]
HEADLINE = ["recall@10", "precision@5", "mrr", "off_sector@10", "level_exact", "level_within_one", "ece",
            "precision_at_confidence", "evidence_accuracy", "ask_primary"]
TARGETS = {"recall@10": (">=", 0.85), "precision@5": (">=", 0.80), "off_sector@10": ("<=", 0.10),
           "precision_at_confidence": (">=", 0.90), "level_exact": (">=", 0.60), "level_within_one": (">=", 0.90),
           "ece": ("<=", 0.05)}


def ablation_settings(suggester: Suggester) -> list[tuple[str, dict[str, Any]]]:
    """Each row's full overrides (None means: the loaded settings' own value)."""
    rows, current = [], {}
    for label, change in ABLATION:
        current = {**current, **change}
        rows.append((label, {k: (getattr(suggester.settings, k) if v is None else v) for k, v in current.items()}))
    return rows


def run_ablation(suggester: Suggester, items: list[dict[str, Any]], *, seed: int = 0) -> list[dict[str, Any]]:
    scored = {it["id"]: suggester.score(it["text"], position=it.get("title"), department=it.get("department"))
              for it in items}
    out = []
    for label, overrides in ablation_settings(suggester):
        variant = copy.copy(suggester)
        variant.settings = suggester.settings.model_copy(update=overrides)
        preds = {i: [s.model_dump(mode="json") for s in variant.rank(sc, top_k=LIST_DEPTH)] for i, sc in scored.items()}
        out.append({"label": label, "settings": overrides,
                    "metrics": position_metrics.evaluate_positions(items, preds, seed=seed)})
    return out


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _ci(metrics: dict[str, Any], name: str) -> str:
    ci = metrics.get(f"{name}_ci")
    return f"{_fmt(metrics[name])} [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else _fmt(metrics.get(name, "–"))


def render(split: str, rows: list[dict[str, Any]], before: dict[str, Any] | None) -> str:
    final = rows[-1]["metrics"]
    lines = [f"# Whole-JD suggestions: position gold, {split} split", "",
             f"{final['n_jd']} JDs, top {LIST_DEPTH} suggestions each, scored against the first annotator's labels "
             "(eval/gold/positions.jsonl; agreement of a second annotator in eval/gold/POSITIONS.md). Intervals are "
             "95% bootstrap over JDs.", "", "## Targets (issue: whole-JD suggestions)", "",
             "| measure | target | measured | met |", "|---|---|---|---|"]
    for name, (op, goal) in TARGETS.items():
        value = final[name]
        met = value >= goal if op == ">=" else value <= goal
        lines.append(f"| {name} | {op} {goal} | {_ci(final, name)} | {'yes' if met else 'no'} |")
    lines += ["", "## Ablation (each row adds one lever to the row above)", "",
              "| configuration | " + " | ".join(HEADLINE) + " |", "|---" * (len(HEADLINE) + 1) + "|"]
    if before is not None:
        lines.append(f"| before: release {before['commit']} (text only) | "
                     + " | ".join(_fmt(before['metrics'].get(k, '–')) for k in HEADLINE) + " |")
    for row in rows:
        lines.append(f"| {row['label']} | " + " | ".join(_fmt(row['metrics'].get(k, '–')) for k in HEADLINE) + " |")
    lines += ["", f"Suggestions with confidence ≥ {final['confidence_threshold']}: {final['n_confident']} of "
              f"{final['n_suggestions']}, right {final['precision_at_confidence']:.1%} of the time.", "",
              "![reliability](reliability.png)", ""]
    return "\n".join(lines)


def _plot(out_dir: Path, metrics: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bins = [b for b in metrics["reliability"] if b["count"]]
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", label="perfect calibration")
    ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o", label="measured")
    for b in bins:
        ax.annotate(str(b["count"]), (b["confidence"], b["accuracy"]), fontsize=7, xytext=(3, -9),
                    textcoords="offset points")
    ax.set_xlabel("confidence")
    ax.set_ylabel("share in the gold")
    ax.set_title(f"Reliability (ECE {metrics['ece']:.3f})")
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(out_dir / "reliability.png", dpi=100)
    plt.close(fig)


def write_positions_report(suggester: Suggester, split: str, out_dir: Path) -> dict[str, Any]:
    items = load_positions(split)
    rows = run_ablation(suggester, items)
    before = None
    before_path = out_dir / "before.json"
    if before_path.is_file():
        raw = json.loads(before_path.read_text(encoding="utf-8"))
        before = {"commit": raw["commit"],
                  "metrics": position_metrics.evaluate_positions(items, raw["predictions"])}
    out_dir.mkdir(parents=True, exist_ok=True)
    result = {"benchmark": "positions", "split": split, "model": suggester.encoder.model_id,
              "ablation": rows, "before": before}
    (out_dir / "results.json").write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")
    (out_dir / "report.md").write_text(render(split, rows, before), encoding="utf-8")
    _plot(out_dir, rows[-1]["metrics"])
    return {k: v for k, v in rows[-1]["metrics"].items() if not k.endswith("_ci") and k != "reliability"}
