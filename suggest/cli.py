"""`cde-suggest`: thin typer commands over the library. Errors print a code and a fix, never a traceback."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from .errors import CDEError, InputError
from .settings import Settings

app = typer.Typer(help="Suggest Karmayogi competencies for job descriptions (C-DE).", no_args_is_help=True,
                  pretty_exceptions_enable=False)
dictionary_app = typer.Typer(help="Inspect and validate competency dictionaries.", no_args_is_help=True)
index_app = typer.Typer(help="Build the FAISS facet index.", no_args_is_help=True)
app.add_typer(dictionary_app, name="dictionary")
app.add_typer(index_app, name="index")

out = Console()
err = Console(stderr=True)

DictOpt = Annotated[Optional[Path], typer.Option("--dictionary", "-d", envvar="CDE_DICTIONARY",
                                                  help="Dictionary folder or .yaml/.json/.csv file (default: bundled)")]


@contextmanager
def friendly_errors() -> Iterator[None]:
    try:
        yield
    except CDEError as exc:
        err.print(f"error [{exc.code}] {exc.message}", markup=False, highlight=False, soft_wrap=True, style="red")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def make_settings(dictionary: Path | None = None, **overrides: object) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if dictionary is not None:
        values["dictionary"] = dictionary
    return Settings(**values)


def read_input(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    path = Path(source)
    if not path.is_file():
        raise InputError(f"input file not found: {source}; pass a text file or - for standard input",
                         code="file_not_found")
    return path.read_bytes()


def build_suggester(settings: Settings):
    from .suggester import Suggester

    with err.status("loading model and index…"):
        return Suggester.from_settings(settings)


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
        text = read_input(source)
        from .suggester import check_text

        check_text(text, settings.max_text_chars)  # fail fast, before loading the model
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


# ---------------------------------------------------------------- index and dictionary


@index_app.command("build")
def index_build(dictionary: DictOpt = None,
                rebuild: Annotated[bool, typer.Option(help="Re-embed even if a cached index exists")] = True) -> None:
    """Embed the dictionary's facets and save the FAISS index in the cache directory."""
    from .dictionary import load_dictionary
    from .encode import load_encoder
    from .index import build_or_load

    with friendly_errors():
        settings = make_settings(dictionary)
        d = load_dictionary(settings.dictionary)
        enc = load_encoder(settings.model_id, threads=settings.torch_threads, runtime=settings.runtime,
                           cache_dir=settings.resolved_cache_dir)
        idx = build_or_load(d, enc, settings.resolved_cache_dir, rebuild=rebuild)
        out.print(f"index {idx.key}: {len(idx.rows)} facet rows for {len(d)} competencies "
                  f"({'built' if idx.built else 'reused'}) in {settings.resolved_cache_dir}")


@dictionary_app.command("validate")
def dictionary_validate(
    path: Annotated[Optional[Path], typer.Argument(help="Dictionary to check (default: bundled)")] = None,
    strict: Annotated[Optional[bool], typer.Option("--strict/--lenient",
                                                   help="Require ASK, five levels, examples, aliases")] = None,
) -> None:
    """Check a dictionary; every error names its entry and field."""
    from .dictionary import bundled_dictionary_path, read_raw, validate_entries

    with friendly_errors():
        source = path or bundled_dictionary_path()
        is_strict = (path is None) if strict is None else strict
        name, version, raw = read_raw(source)
        entries, errors = validate_entries(raw, strict=is_strict)
        if errors:
            for e in errors:
                err.print(f"{e['entry']}: {e['field']}: {e['message']}", highlight=False, markup=False)
            err.print(f"{len(errors)} error(s) in {source}")
            raise typer.Exit(1)
        from .dictionary import fingerprint

        out.print(f"ok: {name} {version}, {len(entries)} entries, {fingerprint(entries)}", highlight=False)


@dictionary_app.command("show")
def dictionary_show(dictionary: DictOpt = None,
                    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of the entries")] = False,
                    ) -> None:
    """List the entries of the dictionary."""
    from .dictionary import load_dictionary

    with friendly_errors():
        d = load_dictionary(make_settings(dictionary).dictionary)
        if as_json:
            print(json.dumps([e.model_dump(mode="json") for e in d.entries], ensure_ascii=False, indent=2))
            return
        table = Table(title=f"{d.name} {d.version} · {len(d)} entries · {d.fingerprint[:19]}", title_justify="left")
        for col in ("id", "type", "theme", "name", "levels", "examples"):
            table.add_column(col)
        for e in d.entries:
            table.add_row(e.id, e.type, e.theme, e.name, str(len(e.levels)), str(len(e.examples)))
        out.print(table)


@dictionary_app.command("schema")
def dictionary_schema() -> None:
    """Print the JSON schema of a dictionary file (also committed as dictionary/schema.json)."""
    from .dictionary import json_schema

    print(json.dumps(json_schema(), indent=2))


from . import cli_more  # noqa: E402,F401  (registers eval, bench, serve, keys, audit)
from . import cli_ops  # noqa: E402,F401
from . import cli_roles  # noqa: E402,F401  (registers roles and gap)
