"""`cde-suggest dictionary …` (validate, show, schema; draft, publish, versions) and `cde-suggest index build`."""

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


# ---------------------------------------------------------------- new entries and versions (the database's)

draft_app = typer.Typer(help="Draft new dictionary entries from proposals (published with `dictionary publish`).",
                        no_args_is_help=True)
dictionary_app.add_typer(draft_app, name="draft")
FromOpt = Annotated[Optional[Path], typer.Option("--from", help="YAML or JSON mapping of entry fields: theme, "
                                                                "sub_theme, name, description, ask, levels, "
                                                                "examples, aliases")]
ActorOpt = Annotated[str, typer.Option(help="Who does this, for the audit trail")]


def _versions_and_base(dictionary: Path | None = None):
    from ..dictionary import load_dictionary
    from ..store import Store

    settings = make_settings(dictionary)
    return Store.open(settings.resolved_database_url).dictionary_versions, load_dictionary(settings.dictionary)


def _fields(path: Path | None) -> dict:
    from ..errors import InputError

    if path is None:
        return {}
    if not path.is_file():
        raise InputError(f"file not found: {path}", code="file_not_found")
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML too
    if not isinstance(data, dict):
        raise InputError(f"{path} must hold a mapping of entry fields", code="invalid_draft")
    return data


def _print_draft(d: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(d, ensure_ascii=False, indent=2))
        return
    e = d["entry"]
    out.print(f"{d['id']}  {d['competency_id']}  {e['type']} · {e['theme']} · {e['name']}  [{d['status']}, "
              f"revision {d['revision']}]", highlight=False, markup=False)
    for m in d["missing"]:
        out.print(f"  missing {m['field']}: {m['message']}", highlight=False, markup=False)
    if not d["missing"] and d["status"] == "draft":
        out.print("  complete: ready to publish once its proposal is approved", highlight=False)


@draft_app.command("create")
def draft_create(proposal_id: Annotated[str, typer.Argument(help="The proposal to turn into an entry")],
                 from_file: FromOpt = None, actor: ActorOpt = "cli", dictionary: DictOpt = None,
                 as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Draft an entry from a proposal: its name, type and ASK, plus the fields in --from."""
    with friendly_errors():
        versions, base = _versions_and_base(dictionary)
        _print_draft(versions.create_draft(proposal_id, _fields(from_file), actor=actor, base=base), as_json)


@draft_app.command("edit")
def draft_edit(draft_id: Annotated[str, typer.Argument(help="Draft id")], from_file: FromOpt = None,
               actor: ActorOpt = "cli", as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Replace the fields given in --from; the others stay."""
    with friendly_errors():
        versions, _ = _versions_and_base()
        _print_draft(versions.update_draft(draft_id, _fields(from_file), actor=actor), as_json)


@draft_app.command("show")
def draft_show(draft_id: Annotated[str, typer.Argument(help="Draft id")],
               as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One draft, with what it still lacks."""
    with friendly_errors():
        _print_draft(_versions_and_base()[0].get_draft(draft_id), as_json)


@draft_app.command("list")
def draft_list(status: Annotated[Optional[str], typer.Option(help="draft or published")] = None) -> None:
    """Drafts, newest first."""
    with friendly_errors():
        items, _ = _versions_and_base()[0].list_drafts(status=status, limit=make_settings().max_page_size)
        for d in items:
            _print_draft(d, False)


@dictionary_app.command("publish")
def dictionary_publish(
    draft: Annotated[Optional[list[str]], typer.Option("--draft", help="Draft id (repeat); default: every "
                                                                       "unpublished draft")] = None,
    comment: Annotated[Optional[str], typer.Option(help="Why, for the version list")] = None,
    actor: ActorOpt = "cli", dictionary: DictOpt = None,
) -> None:
    """Publish drafts as a new dictionary version, active at once; running servers switch within
    CDE_DICTIONARY_POLL_S seconds plus their index rebuild."""
    with friendly_errors():
        versions, base = _versions_and_base(dictionary)
        v = versions.publish(draft or None, actor=actor, base=base, comment=comment)
        out.print(f"published {v['version']} ({v['fingerprint'][:19]}…): adds {', '.join(v['added'])}",
                  highlight=False)


@dictionary_app.command("versions")
def dictionary_versions(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Published dictionary versions, newest first; the active one is marked."""
    with friendly_errors():
        items, _ = _versions_and_base()[0].list_versions(limit=make_settings().max_page_size)
        if as_json:
            print(json.dumps(items, ensure_ascii=False, indent=2))
            return
        if not items:
            out.print("no versions published: the base dictionary is in force")
        for v in items:
            out.print(f"{'*' if v['active'] else ' '} {v['version']}  {v['fingerprint'][:19]}…  {v['created_at']}  "
                      f"{v['created_by']}  +{len(v['added'])}: {', '.join(v['added'])}", highlight=False,
                      markup=False)
