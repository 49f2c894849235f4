"""`cde-suggest suggest` and `cde-suggest batch`: suggestions for one JD, or for a file of many."""

from __future__ import annotations

import csv
import json
import sys
import textwrap
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ..errors import CDEError, InputError
from ._common import DictOpt, build_suggester, err, friendly_errors, make_settings, out, read_text

app = typer.Typer()


# ---------------------------------------------------------------- suggest


@app.command()
def suggest(
    source: Annotated[str, typer.Argument(help="Job description file, or - for standard input")] = "-",
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole suggestion set as JSON")] = False,
    top_k: Annotated[Optional[int], typer.Option(help="Most suggestions to return")] = None,
    min_score: Annotated[Optional[float], typer.Option(help="Score threshold")] = None,
    lang: Annotated[str, typer.Option(help="auto (detect per line), en or hi")] = "auto",
    dictionary: DictOpt = None,
) -> None:
    """Suggest competencies for one job description."""
    with friendly_errors():
        settings = make_settings(dictionary)
        text = read_text(source, settings)
        result = build_suggester(settings).suggest(text, top_k=top_k, min_score=min_score, lang=lang)
        if as_json:
            print(result.model_dump_json(indent=2))
            return
        print_suggestions(result)


def print_suggestions(result) -> None:
    """One table, most confident first, with a confidence column and the activity number the evidence comes
    from (as the unmatched list numbers them) rather than character offsets; evidence is cut at a word."""
    d = result.dictionary
    ctx = result.context
    out.print(f"[bold]{len(result.suggestions)} suggestions[/] from {len(result.activities)} activities · "
              f"{d.name} {d.version} ({d.fingerprint[:19]}) · model {result.model.id}")
    about = [v for v in (ctx.designation, ctx.department, ctx.pay_level) if v]
    if about:
        out.print("position: " + " · ".join(about) + (f" (seniority: {ctx.seniority})" if ctx.seniority else ""),
                  highlight=False, markup=False)
    table = Table(show_lines=False)
    for col in ("#", "id", "competency", "type", "ASK", "level", "confidence", "evidence"):
        table.add_column(col, overflow="fold")
    # sorted here too: the table promises this order whatever order the caller's result is in (stable on ties)
    for n, s in enumerate(sorted(result.suggestions, key=lambda s: -s.confidence), start=1):
        ev = s.evidence[0] if s.evidence else None
        evidence = f"[{ev.activity + 1}] {shorten(ev.text, 60)}" if ev else ""
        conf = f"{s.confidence:.0%}" + (" (low)" if s.low_confidence else "")
        table.add_row(str(n), s.competency_id, s.name, s.competencyAreaName[0],
                      "/".join(t[0].upper() for t in s.ask_tags), str(s.suggested_level), conf, evidence)
    out.print(table)
    if result.unmatched:
        out.print("[bold]Unmatched activities[/] (candidates for new competencies):")
        for i in result.unmatched:
            out.print(f"  [{i + 1}] {result.activities[i].text}", highlight=False, markup=False)


def shorten(text: str, width: int) -> str:
    """Cut at a word boundary, never mid-word."""
    return textwrap.shorten(text, width=width, placeholder=" …")


# ---------------------------------------------------------------- batch


def _read_batch(path: Path, limit: int) -> list[dict]:
    if not path.is_file():
        raise InputError(f"input file not found: {path}", code="file_not_found")
    rows: list[dict] = []
    if path.suffix.lower() == ".jsonl":
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{n} is not valid JSON: {exc}", code="bad_batch_line") from exc
    elif path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    else:
        raise InputError("batch input must be .jsonl or .csv with a 'text' column", code="unsupported_format")
    if len(rows) > limit:
        raise InputError(f"{len(rows)} items exceed the batch limit of {limit}; split the file or raise "
                         "CDE_MAX_BATCH_ITEMS", code="batch_too_large")
    return rows


@app.command()
def batch(
    input: Annotated[Path, typer.Argument(help="INPUT.jsonl or INPUT.csv, each item with 'text' (and optional 'id')")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write one JSON result per line")],
    dictionary: DictOpt = None,
) -> None:
    """Suggest competencies for many job descriptions. A bad item is reported in its line, not fatal."""
    from tqdm import tqdm

    with friendly_errors():
        settings = make_settings(dictionary)
        rows = _read_batch(input, settings.max_batch_items)
        suggester = build_suggester(settings)
        failed = 0
        with output.open("w", encoding="utf-8") as f:
            for n, row in enumerate(tqdm(rows, desc="suggesting", unit="jd", file=sys.stderr)):
                item_id = str(row.get("id") or n + 1)
                try:
                    res = suggester.suggest(row.get("text") or "")
                    f.write(json.dumps({"id": item_id, "result": res.model_dump(mode="json")}) + "\n")
                except CDEError as exc:
                    failed += 1
                    f.write(json.dumps({"id": item_id, "error": exc.to_dict()}) + "\n")
        err.print(f"wrote {len(rows)} results to {output} ({failed} failed)")
