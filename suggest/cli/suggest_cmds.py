"""`cde-suggest suggest` and `cde-suggest batch`: suggestions for one JD, or for a file of many."""

from __future__ import annotations

import csv
import json
import sys
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
    dictionary: DictOpt = None,
) -> None:
    """Suggest competencies for one job description."""
    with friendly_errors():
        settings = make_settings(dictionary)
        text = read_text(source, settings)
        result = build_suggester(settings).suggest(text, top_k=top_k, min_score=min_score)
        if as_json:
            print(result.model_dump_json(indent=2))
            return
        print_suggestions(result)


def print_suggestions(result) -> None:
    d = result.dictionary
    out.print(f"[bold]{len(result.suggestions)} suggestions[/] from {len(result.activities)} activities · "
              f"{d.name} {d.version} ({d.fingerprint[:19]}) · model {result.model.id}")
    for area in ("Behavioural", "Functional", "Domain"):
        items = [s for s in result.suggestions if s.competencyAreaName == area]
        if not items:
            continue
        table = Table(title=f"{area} ({len(items)})", title_justify="left", show_lines=False)
        for col in ("id", "competency", "theme", "ASK", "level", "score", "evidence [start:end]"):
            table.add_column(col, overflow="fold")
        for s in sorted(items, key=lambda s: (s.ask_tags[0], -s.score)):
            ev = s.evidence[0] if s.evidence else None
            ev_text = f"{ev.text[:70]} [{ev.start}:{ev.end}]" if ev else ""
            table.add_row(s.competency_id, s.name, s.competencyThemeName, "/".join(t[0].upper() for t in s.ask_tags),
                          str(s.suggested_level), f"{s.score:.2f}", ev_text)
        out.print(table)
    if result.unmatched:
        out.print("[bold]Unmatched activities[/] (candidates for new competencies):")
        for i in result.unmatched:
            out.print(f"  [{i}] {result.activities[i].text}", highlight=False)


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
