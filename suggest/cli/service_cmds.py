"""`cde-suggest serve`, `keys` and `audit`: running the service and administering its store."""

from __future__ import annotations

import json
import secrets
from typing import Annotated, Optional

import typer

from ._common import DictOpt, err, friendly_errors, make_settings, out

app = typer.Typer()
keys_app = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True)
audit_app = typer.Typer(help="Inspect the audit trail.", no_args_is_help=True)


def _store():
    from ..store import Store

    return Store.open(make_settings().resolved_database_url)


@app.command()
def serve(
    host: Annotated[Optional[str], typer.Option(help="Interface to bind (default 127.0.0.1)")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port (default 8000)")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, max=64, help="Server processes sharing the port "
                                                                     "(uvicorn workers; default CDE_WORKERS "
                                                                     "or 1); each loads its own model")] = None,
    dictionary: DictOpt = None,
) -> None:
    """Start the REST API and the web page on the embedded defaults (bundled dictionary and model, SQLite)."""
    import os

    import uvicorn

    from ..api import create_app

    with friendly_errors():
        settings = make_settings(dictionary, host=host, port=port, workers=workers)
        workers = settings.workers
        if settings.dev_key is None:
            settings.dev_key = "cde_dev_" + secrets.token_urlsafe(24)
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        err.print(f"C-DE service on http://{settings.host}:{settings.port}/  (API docs at /docs)"
                  + (f", {workers} worker processes" if workers > 1 else ""))
        err.print(f"database: {settings.resolved_database_url}")
        err.print("development key (admin, accepted from this machine only):")
        print(settings.dev_key, flush=True)
        if workers == 1:
            uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
            return
        # workers are fresh processes that read their settings from the environment: hand them what was
        # chosen here, and create once what they would otherwise race to create (audit key file, schema)
        os.environ["CDE_DEV_KEY"] = settings.dev_key
        os.environ["CDE_WORKERS"] = str(workers)
        if settings.dictionary is not None:
            os.environ["CDE_DICTIONARY"] = str(settings.dictionary)
        _prepare_shared(settings)
        uvicorn.run("suggest.api.app:app_from_env", factory=True, workers=workers, host=settings.host,
                    port=settings.port, log_level="info")


def _prepare_shared(settings) -> None:
    from ..store import Store
    from ..store.audit_key import load_audit_key

    load_audit_key(settings)
    Store.open(settings.resolved_database_url).close()


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="Who the key is for; shown as the reviewer")],
    role: Annotated[str, typer.Option(help="viewer, reviewer or admin")] = "reviewer",
) -> None:
    """Create a key. It is printed once, alone on the last line; only its hash is stored."""
    with friendly_errors():
        key, record = _store().create_key(name, role)
        err.print(f"created {record['role']} key '{record['name']}' (prefix {record['prefix']}); store it now, "
                  "it cannot be shown again:")
        print(key)


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="Name of the key to revoke")]) -> None:
    """Revoke a key; requests with it get 401 from then on."""
    with friendly_errors():
        record = _store().revoke_key(name)
        out.print(f"revoked key '{record['name']}'")


@keys_app.command("list")
def keys_list() -> None:
    """List keys (names, roles, dates; never the keys)."""
    with friendly_errors():
        for k in _store().list_keys():
            out.print(json.dumps(k, default=str))


@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[Optional[str], typer.Option(help="An 'id:hash' printed earlier by `audit anchor`: "
                                                       "the log must still reach it")] = None,
) -> None:
    """Check the chain (HMAC), decisions and API keys against their events, and the anchor; names what it found."""
    with friendly_errors():
        result = _store().verify_chain(anchor)
        if result["ok"]:
            out.print(f"ok: {result['message']}")
            return
        for problem in result["problems"]:
            err.print(f"BROKEN: {problem}")
        raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Print the chain's head as 'id:hash'. Keep it outside this system (a log, a signed e-mail); a later
    `audit verify --anchor` then detects deleted newest events."""
    with friendly_errors():
        print(_store().anchor())
