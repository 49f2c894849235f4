"""`cde-suggest models prepare` and `models gate`: the encoder's files made ahead of serving, and the int8
quality gate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._common import DictOpt, err, friendly_errors, make_settings, out

models_app = typer.Typer(help="Prepare the encoder ahead of serving; check the int8 encoder's quality.",
                         no_args_is_help=True)


@models_app.command("prepare")
def prepare_cmd(
    model_only: Annotated[bool, typer.Option("--model-only", help="Export (and quantise) only; no index")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
    dictionary: DictOpt = None,
) -> None:
    """Export the model to ONNX, quantise it when CDE_RUNTIME=onnx-int8, and build the dictionary's index,
    each once (cached by checksums), so `serve` starts without torch and without embedding anything."""
    from ..prepare import prepare

    with friendly_errors():
        result = prepare(make_settings(dictionary), model_only=model_only)
        if as_json:
            print(json.dumps(result, indent=2, default=str))
        else:
            err.print(f"prepared {result['model']} ({result['runtime']}) in {result['seconds']} s"
                      + (f"; index {result['index']} {'built' if result['index_built'] else 'reused'}"
                         if "index" in result else ""))


@models_app.command("gate")
def gate_cmd(
    report: Annotated[Optional[Path], typer.Option(help="Write results.json and report.md here")] = None,
    max_drop: Annotated[float, typer.Option(help="Largest RP@5 loss allowed, in points")] = 0.5,
    data_dir: Annotated[Optional[Path], typer.Option(envvar="CDE_EVAL_DATA_DIR",
                                                     help="Public data folder (default ../shared/data)")] = None,
) -> None:
    """RP@5 of fp32 vs int8 on TECH test, the activity gold test and the whole-JD gold test; exit 1 when int8
    loses more than --max-drop points on any of them."""
    from ..evaluation.int8_gate import run_gate, write_gate_report

    with friendly_errors():
        result = run_gate(make_settings(eval_data_dir=data_dir), max_drop_points=max_drop)
        if report is not None:
            write_gate_report(result, report)
        out.print(json.dumps({k: result[k] for k in ("drop_points", "max_drop_points", "passed")}))
        if not result["passed"]:
            raise typer.Exit(1)
