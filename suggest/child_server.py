"""A `cde-suggest serve` in a child process, as the load test and the start-up bench run one: a free loopback
port, a readiness poll, and a stop that never leaves the child behind."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

from .errors import NotReady


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, timeout_s: float, proc: subprocess.Popen | None = None, log: Path | None = None,
               *, interval_s: float = 0.5) -> None:
    """Poll /readyz until it answers 200; a server that exits or never gets ready is an error. A short
    `interval_s` when the wait itself is being timed."""
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log else ""
            raise NotReady(f"the server exited with status {proc.returncode} before it was ready:\n{tail}",
                           code="server_not_ready")
        try:
            if httpx.get(url + "/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(interval_s)
    raise NotReady(f"the server at {url} was not ready within {timeout_s:.0f} s", code="server_not_ready")


def stop(proc: subprocess.Popen, grace_s: float = 30.0) -> None:
    proc.terminate()
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
