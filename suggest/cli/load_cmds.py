"""`cde-suggest loadtest`: many clients posting real JDs to a server, with req/s, p50, p99 and errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._common import err, friendly_errors, make_settings, out

app = typer.Typer()


@app.command()
def loadtest(
    url: Annotated[Optional[str], typer.Option(help="A running server (e.g. http://127.0.0.1:8000); "
                                                    "default: start one with a fresh data folder")] = None,
    key: Annotated[Optional[str], typer.Option(envvar="CDE_LOADTEST_KEY",
                                               help="API key for --url (its per-minute model limit applies)")] = None,
    clients: Annotated[int, typer.Option(min=1, max=256, help="Concurrent clients")] = 8,
    duration: Annotated[float, typer.Option(min=0.5, help="Seconds measured, after a second of warm-up")] = 15.0,
    whole: Annotated[bool, typer.Option("--whole", help="Post whole sample JDs instead of 3-duty JDs")] = False,
    samples: Annotated[Optional[Path], typer.Option(help="Folder of .txt JDs (default eval/samples)")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes of the server started here")] = 1,
    database_url: Annotated[Optional[str], typer.Option(help="Database of the server started here "
                                                             "(default: a fresh SQLite file)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
) -> None:
    """Load-test POST /v1/suggestions: N clients for D seconds, each posting without pause."""
    from ..bench import repo_file
    from ..errors import InputError
    from ..loadtest import Target, local_server, measure, run_load, sample_jds

    with friendly_errors():
        jds = sample_jds(samples or repo_file("eval", "samples"), whole=whole)
        if url:
            if not key:
                raise InputError("--url needs --key (or CDE_LOADTEST_KEY)", code="invalid_input")
            result = run_load(Target(url.rstrip("/"), key), jds, clients=clients, seconds=duration)
            result["server"] = url
        else:
            settings = make_settings()
            err.print("starting a server (model, index, empty store)…")
            with local_server(settings.resolved_cache_dir, workers=workers, database_url=database_url) as target, \
                    err.status(f"{clients} clients for {duration:g} s…"):
                result = measure(target, jds, clients=clients, seconds=duration)
            result.update(server="started here", workers=workers,
                          database="postgresql" if database_url and "postgres" in database_url else "sqlite")
        result["jds"] = "whole" if whole else "3 duties"
        if as_json:
            print(json.dumps(result, indent=2))
            return
        out.print(f"{result['ok']} of {result['requests']} requests answered 201 in {result['seconds']} s by "
                  f"{clients} clients: [bold]{result['rps']} req/s[/], p50 {result['p50_ms']} ms, "
                  f"p99 {result['p99_ms']} ms")
        if "server_cpu_ms_per_req" in result:
            out.print(f"server CPU per request: {result['server_cpu_ms_per_req']} ms")
        if result["errors"]:
            out.print("errors: " + ", ".join(f"{k}: {v}" for k, v in result["errors"].items()))
