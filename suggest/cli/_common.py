"""What every command shares: consoles, settings, input reading, and errors printed as a code and a fix."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from ..errors import CDEError, InputError
from ..settings import Settings

out = Console()
err = Console(stderr=True)

DictOpt = Annotated[Optional[Path], typer.Option("--dictionary", "-d", envvar="CDE_DICTIONARY",
                                                  help="Dictionary folder or .yaml/.json/.csv file (default: bundled)")]


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Errors print a code and a fix, never a traceback."""
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


def read_text(source: str, settings: Settings) -> str:
    """The input, checked before the model loads, so a bad file fails in milliseconds, not seconds."""
    from ..suggester import check_text

    return check_text(read_input(source), settings.max_text_chars)


def build_suggester(settings: Settings):
    from ..suggester import Suggester

    with err.status("loading model and index…"):
        return Suggester.from_settings(settings)
