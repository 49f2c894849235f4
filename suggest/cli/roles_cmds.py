"""`cde-suggest roles` and `cde-suggest gap`: a JD's roles, and an official's training needs for a position."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.table import Table

from ..errors import InputError
from ._common import DictOpt, build_suggester, err, friendly_errors, make_settings, out, read_text

app = typer.Typer()


def _read_position(path: Path) -> Any:
    if not path.is_file():
        raise InputError(f"position file not found: {path}; pass the JSON that `cde-suggest roles --json` "
                         "writes", code="file_not_found")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} is not a UTF-8 JSON file: {exc}", code="bad_position") from exc


@app.command("gap")
def gap(
    position: Annotated[Path, typer.Argument(help="POSITION.json: {\"title\", \"roles\": [...]} or a list of roles")],
    levels: Annotated[Path, typer.Argument(help="LEVELS.csv with the columns competency_id,level (0..5)")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write .json or .csv here")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the training needs as JSON")] = False,
    dictionary: DictOpt = None,
) -> None:
    """Training needs: the competencies a position requires above the official's current levels (offline)."""
    from ..dictionary import load_dictionary
    from ..gap import needs_to_csv, read_levels_csv, required_from_position, training_needs

    with friendly_errors():
        if output is not None and output.suffix.lower() not in (".json", ".csv"):
            raise InputError(f"--output must end in .json or .csv, not {output.suffix or 'nothing'}",
                             code="unsupported_format")
        pos = _read_position(position)
        required = required_from_position(pos)
        current = read_levels_csv(levels)
        d = load_dictionary(make_settings(dictionary).dictionary)
        needs = training_needs(required, current, d)
        if output is not None:
            text = needs_to_csv(needs) if output.suffix.lower() == ".csv" else \
                json.dumps(needs, ensure_ascii=False, indent=2) + "\n"
            output.write_text(text, encoding="utf-8")
            err.print(f"wrote {len(needs)} training needs to {output}")
            return
        if as_json:
            print(json.dumps(needs, ensure_ascii=False, indent=2))
            return
        title = pos.get("title") if isinstance(pos, dict) else None
        _print_needs(needs, title, len(required))


def _print_needs(needs: list[dict[str, Any]], title: str | None, n_required: int) -> None:
    head = f" for {title}" if title else ""
    out.print(f"[bold]{len(needs)} training needs[/]{head} ({n_required} competencies required)")
    if not needs:
        return
    table = Table(show_lines=False)
    for col in ("id", "competency", "area", "current", "required", "gap", "activities", "next level"):
        table.add_column(col, overflow="fold")
    for n in needs:
        nxt = n["levels_to_reach"][0] if n["levels_to_reach"] else None
        table.add_row(n["competency_id"], n.get("name") or "", n.get("competencyAreaName") or "",
                      str(n["current_level"]), str(n["required_level"]), str(n["gap"]), str(n["activity_count"]),
                      f"{nxt['level']}: {nxt['descriptor']}" if nxt and nxt["descriptor"] else "")
    out.print(table)


@app.command("roles")
def roles(
    source: Annotated[str, typer.Argument(help="Job description file, or - for standard input")] = "-",
    as_json: Annotated[bool, typer.Option("--json", help="Print {\"roles\": [...]} as JSON (input to `gap`)")] = False,
    top_k: Annotated[Optional[int], typer.Option(help="Most competencies per role")] = None,
    min_score: Annotated[Optional[float], typer.Option(help="Score threshold")] = None,
    distance_threshold: Annotated[Optional[float], typer.Option(help="Unstructured JDs: cut height of the earlier view-mix clustering instead of the learned same-role grouping")] = None,
    dictionary: DictOpt = None,
) -> None:
    """Group a JD's activities into roles, each with a name and its own competencies."""
    from ..roles import build_roles

    with friendly_errors():
        settings = make_settings(dictionary)
        text = read_text(source, settings)
        result = build_roles(build_suggester(settings), text, distance_threshold=distance_threshold,
                             top_k=top_k, min_score=min_score)
        if as_json:
            print(json.dumps({"title": None if source == "-" else Path(source).stem, "roles": result},
                             ensure_ascii=False, indent=2))
            return
        out.print(f"[bold]{len(result)} roles[/] from {sum(len(r['activities']) for r in result)} activities")
        for n, role in enumerate(result, start=1):
            out.print(f"\n[bold]{n}. {role['name']}[/]", highlight=False)
            for a in role["activities"]:
                out.print(f"   [{a['index']}] {a['text']}", highlight=False, markup=False)
            if role["competencies"]:
                table = Table(show_header=True, box=None, pad_edge=False)
                for col in ("id", "competency", "area", "level", "score"):
                    table.add_column(col)
                for c in role["competencies"]:
                    table.add_row(c["competency_id"], c["name"], c["competencyAreaName"], str(c["suggested_level"]),
                                  f"{c['score']:.2f}")
                out.print(table)
