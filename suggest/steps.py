"""One line per slow first-start step (exporting, quantising, building the index), with the time it took.

A first start can take tens of seconds on a small machine; a line per step tells the operator what the wait
is for and which step to prepare ahead of time (`cde-suggest models prepare`). Steps go to stderr, so a
command's JSON on stdout stays clean; warm starts skip every step and print nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

_console = Console(stderr=True, highlight=False)


@contextmanager
def step(label: str) -> Iterator[None]:
    """Print `label…` now and `label: done in N s` (or `failed after N s`) when the block ends."""
    _console.print(f"[bold]▸[/bold] {label}…")
    started = time.perf_counter()
    try:
        yield
    except BaseException:
        _console.print(f"[red]✗[/red] {label}: failed after {time.perf_counter() - started:.1f} s")
        raise
    _console.print(f"[green]✓[/green] {label}: done in {time.perf_counter() - started:.1f} s")
