"""`cde-suggest suggest` and `cde-suggest batch`: suggestions for one JD, or for a file of many."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ..errors import InputError
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


@app.command()
def batch(
    input: Annotated[Path, typer.Argument(help="INPUT.jsonl, .csv or .parquet, each item with 'text' (and "
                                               "optional 'id')")],
    output: Annotated[Path, typer.Option("-o", "--output", help="OUT.jsonl (one JSON result per line) or "
                                                                "OUT.parquet")],
    engine: Annotated[str, typer.Option(help="local: this process; ray: a pool of Ray actors, one model "
                                             "each")] = "local",
    actors: Annotated[Optional[int], typer.Option(help="Ray actors (default CDE_RAY_ACTORS)", min=1)] = None,
    address: Annotated[Optional[str], typer.Option(help="Ray cluster to join: auto or HEAD:6379 (default "
                                                        "CDE_RAY_ADDRESS; unset = a local Ray)")] = None,
    threads_per_actor: Annotated[Optional[int], typer.Option(help="Encoder threads per actor (default: cores / "
                                                                  "actors locally)", min=1)] = None,
    report: Annotated[bool, typer.Option("--report", help="Print throughput (JDs/s once every worker is up) "
                                                          "as JSON")] = False,
    dictionary: DictOpt = None,
) -> None:
    """Suggest competencies for many job descriptions. A bad item is reported in its line, not fatal.
    The lines of CDE_BATCH_CHUNK_ITEMS items are encoded together, in one model call."""
    from ..batch import items_from_rows
    from ..batch_io import RecordWriter, check_output, read_rows

    with friendly_errors():
        if engine not in ("local", "ray"):
            raise InputError("--engine must be local or ray", code="invalid_input")
        settings = make_settings(dictionary)
        items = items_from_rows(read_rows(input, settings.max_batch_items))
        check_output(output)
        run = _run_ray if engine == "ray" else _run_local
        with RecordWriter(output) as writer:
            figures = run(settings, items, writer, actors=actors or settings.ray_actors,
                          address=address or settings.ray_address,
                          threads=threads_per_actor or settings.ray_threads_per_actor)
        err.print(f"wrote {writer.count} results to {output} ({writer.failed} failed)")
        if report:
            print(json.dumps(figures))


def _progress(total: int):
    from tqdm import tqdm

    return tqdm(total=total, desc="suggesting", unit="jd", file=sys.stderr)


def _run_local(settings, items, writer, **_: object) -> dict:
    import time

    from ..batch import suggest_items

    suggester = build_suggester(settings)
    t0 = time.perf_counter()
    with _progress(len(items)) as bar:
        for record in suggest_items(suggester, items, chunk=settings.batch_chunk_items):
            writer.write(record)
            bar.update()
    wall = time.perf_counter() - t0
    return {"engine": "local", "threads": settings.torch_threads, "items": len(items), "wall_s": round(wall, 2),
            "jd_per_s": round(len(items) / wall, 2) if wall > 0 else 0.0}


def _run_ray(settings, items, writer, *, actors: int, address: str | None, threads: int | None) -> dict:
    import os

    from .. import batch_ray

    per_actor = batch_ray.threads_per_actor(actors, requested=threads, cores=os.cpu_count() or 1,
                                            on_cluster=bool(address), default_threads=settings.torch_threads)
    stats = batch_ray.RayStats(actors=actors, threads_per_actor=per_actor, address=address)
    with err.status("starting Ray…"):
        # locally, never fewer Ray CPUs than the pool asks for, or the pool would wait for ever
        stats.startup_s = batch_ray.start(settings, address=address,
                                          cpus=max(os.cpu_count() or 1, actors * per_actor))
    try:
        with _progress(len(items)) as bar:
            for record in batch_ray.run(settings, items, actors=actors, threads=per_actor, stats=stats):
                writer.write(record)
                bar.update()
    finally:
        batch_ray.stop()
    return stats.report(len(items))
