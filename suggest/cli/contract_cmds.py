"""`cde-suggest openapi`: the API contract that docs/openapi.json holds, and the check that it still does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._common import err

app = typer.Typer()


@app.command("openapi")
def openapi_cmd(
    write: Annotated[Optional[Path], typer.Option("--write", help="Write it here (e.g. docs/openapi.json)")] = None,
    check: Annotated[Optional[Path], typer.Option("--check", help="Exit 1 when this file differs, listing "
                                                                  "the changes that would break clients")] = None,
    allow_breaking: Annotated[bool, typer.Option("--allow-breaking", help="Write even when clients of the "
                                                                          "written file would break")] = False,
) -> None:
    """Print the OpenAPI document (default settings), write it, or check a committed copy against it."""
    from ..api.app import contract_schema
    from ..api.contract import breaking_changes, dumps

    text = dumps(contract_schema())
    if check is not None:
        committed = check.read_text(encoding="utf-8")
        if committed == text:
            err.print(f"{check} is up to date")
            return
        for change in breaking_changes(json.loads(committed), json.loads(text)):
            err.print(f"breaking: {change}")
        err.print(f"{check} differs from the code: run cde-suggest openapi --write {check}")
        raise typer.Exit(1)
    if write is not None:
        # the committed file is what clients were built from: overwriting it with a breaking change must be
        # a decision (a new /vN prefix), not a side effect of regenerating
        breaking = breaking_changes(json.loads(write.read_text(encoding="utf-8")), json.loads(text)) \
            if write.is_file() else []
        if breaking and not allow_breaking:
            for change in breaking:
                err.print(f"breaking: {change}")
            err.print("not written: these break existing clients; serve them under a new version, or pass "
                      "--allow-breaking")
            raise typer.Exit(1)
        write.write_text(text, encoding="utf-8")
        err.print(f"wrote {write}")
        return
    print(text, end="")
