"""What keeps several server processes (`serve --workers N`, or replicas on one host) from stepping on each
other's files. The database needs nothing here: its write transactions are serialised across processes
(store/db.py), so the audit chain stays one chain.

* `cache_lock`: the first start builds the ONNX export and the index once; the other workers wait for it
  and then read the cache.
* `LeaderLock`: one process at a time runs the scheduled re-learning; another takes over when it exits.

Both are advisory `flock` locks, which the kernel drops when a process dies, so a crash never leaves a
stale lock behind. Where `fcntl` is missing (Windows) they do nothing: run one worker there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return os.open(path, os.O_CREAT | os.O_RDWR, 0o600)


@contextmanager
def cache_lock(cache_dir: Path) -> Iterator[None]:
    """Held while a process loads the model and index (building them when the cache lacks them)."""
    if fcntl is None:
        yield
        return
    fd = _open(Path(cache_dir) / ".load.lock")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing drops the lock


class LeaderLock:
    """A lock one process holds for as long as it lives; `held()` tries to take it without waiting."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def held(self) -> bool:
        if fcntl is None:
            return True
        if self._fd is not None:
            return True
        fd = _open(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
