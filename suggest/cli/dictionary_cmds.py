"""`cde-suggest dictionary …` and `cde-suggest index build`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from ._common import DictOpt, err, friendly_errors, make_settings, out

dictionary_app = typer.Typer(help="Inspect and validate competency dictionaries.", no_args_is_help=True)
index_app = typer.Typer(help="Build the FAISS facet index.", no_args_is_help=True)


@index_app.command("build")
def index_build(dictionary: DictOpt = None,
                rebuild: Annotated[bool, typer.Option(help="Re-embed even if a cached index exists")] = True) -> None:
    """Embed the dictionary's facets and save the FAISS index in the cache directory."""
    from ..dictionary import load_dictionary
    from ..encode import load_encoder
    from ..index import build_or_load

    with friendly_errors():
        settings = make_settings(dictionary)
        d = load_dictionary(settings.dictionary)
        enc = load_encoder(settings.model_id, threads=settings.torch_threads, runtime=settings.runtime,
                           cache_dir=settings.resolved_cache_dir, adapter=settings.adapter,
                           int8_min_cosine=settings.int8_min_cosine)
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
    from ..dictionary import bundled_dictionary_path, read_raw, validate_entries

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
        from ..dictionary import fingerprint

        out.print(f"ok: {name} {version}, {len(entries)} entries, {fingerprint(entries)}", highlight=False)


@dictionary_app.command("show")
def dictionary_show(dictionary: DictOpt = None,
                    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of the entries")] = False,
                    ) -> None:
    """List the entries of the dictionary."""
    from ..dictionary import load_dictionary

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
    from ..dictionary import json_schema

    print(json.dumps(json_schema(), indent=2))
