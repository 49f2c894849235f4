"""The int8 quality gate: RP@5 of the fp32 and the int8 encoder on TECH test, our activity gold test and the
whole-JD gold test, through the same code as `cde-suggest eval`. int8 may be the serving default only when
no benchmark loses more than the allowed drop (0.5 RP@5 points, issue 14)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..settings import Settings
from . import metrics

BENCHMARKS = (("positions", "test"), ("gold", "test"), ("tech", "test"))
RUNTIMES = ("onnx", "onnx-int8")


def positions_rp5(suggester, split: str) -> dict[str, Any]:
    """RP@5 on the whole-JD gold (the positions report has P@5 and recall; RP@5 is the gate's common measure)."""
    from . import positions_eval

    items = [it for it in positions_eval.load_positions(split) if it.get("expected")]
    predictions, _ = positions_eval.predict(suggester, items)
    per = [metrics.rprecision_at_k({str(e["id"]) for e in it["expected"]},
                                   [str(s.get("competency_id", s.get("id"))) for s in predictions[it["id"]]], 5)
           for it in items]
    return {"rp@5": sum(per) / len(per), "rp@5_ci": list(metrics.bootstrap_ci(per)), "n": len(per)}


def measure(settings: Settings, name: str, split: str) -> dict[str, Any]:
    if name == "positions":
        from ..suggester import Suggester

        return positions_rp5(Suggester.from_settings(settings), split)
    from .suites import evaluate_benchmark

    res = evaluate_benchmark(settings, name, split, "hybrid")
    return {"rp@5": res["rp@5"], "rp@5_ci": res.get("rp@5_ci"), "mrr": res.get("mrr"), "n": res.get("n")}


def verdict(results: dict[str, dict[str, dict[str, Any]]], max_drop_points: float) -> dict[str, Any]:
    """Per benchmark the RP@5 drop from fp32 to int8 in points; passed only when every drop is within bound."""
    drops = {b: round(100 * (r["onnx"]["rp@5"] - r["onnx-int8"]["rp@5"]), 2) for b, r in results.items()}
    return {"drop_points": drops, "max_drop_points": max_drop_points,
            "passed": all(d <= max_drop_points for d in drops.values())}


def run_gate(settings: Settings, *, max_drop_points: float = 0.5) -> dict[str, Any]:
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for name, split in BENCHMARKS:
        for runtime in RUNTIMES:
            got = measure(settings.model_copy(update={"runtime": runtime}), name, split)
            results.setdefault(f"{name}-{split}", {})[runtime] = got
    from .suites import active_adapter

    return {"model": settings.model_id, "adapter": active_adapter(settings) or "none", "results": results,
            **verdict(results, max_drop_points)}


def write_gate_report(result: dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    lines = ["# int8 quality gate", "", f"Written by `cde-suggest models gate --report {folder}`. Model "
             f"`{result['model']}`, adapter `{result['adapter']}`. RP@5 in points (95% bootstrap CI).", "",
             "| benchmark | fp32 (`onnx`) | int8 (`onnx-int8`) | drop | queries |", "|---|---|---|---|---|"]
    for bench, r in result["results"].items():
        cells = []
        for runtime in RUNTIMES:
            ci = r[runtime].get("rp@5_ci") or [float("nan")] * 2
            cells.append(f"{100 * r[runtime]['rp@5']:.2f} ({100 * ci[0]:.1f}–{100 * ci[1]:.1f})")
        lines.append(f"| {bench} | {cells[0]} | {cells[1]} | {result['drop_points'][bench]:+.2f} | "
                     f"{r['onnx']['n']} |")
    lines += ["", f"Gate: every drop ≤ {result['max_drop_points']} points → "
              f"**{'passed' if result['passed'] else 'not passed'}**."]
    (folder / "report.md").write_text("\n".join(lines) + "\n")
