"""`cde-suggest batch --engine ray`: the same records as the local engine, made by a pool of Ray actors.

Each actor loads one Suggester (model, indexes) once and takes a few JDs at a time through Ray Data's
`map_batches`; the order of the input is kept, so the output file reads as the local engine's does. The
input is read and the output written where the command runs; only the model work is spread, so an input
file need not be on shared storage. Ray is imported here alone, and only when this engine is chosen: the
core package and the service never need it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import pickle
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .batch import RECORD_FIELDS, Item, Span, steady_rate, suggest_chunk
from .errors import CDEError, EngineError
from .settings import Settings

def _ray():
    try:
        import ray
        import ray.data  # noqa: F401  (Ray Data is a separate import inside the ray package)
    except ImportError as exc:
        raise EngineError("the Ray engine needs Ray: pip install 'cde-suggest[scale]'",
                          code="scale_extra_missing") from exc
    return ray


def threads_per_actor(actors: int, *, requested: int | None, cores: int, on_cluster: bool,
                      default_threads: int) -> int:
    """Encoder threads per actor. Locally the cores are shared out so actors never fight over them; a
    cluster's nodes differ, so there the encoder's usual thread count is asked of Ray per actor."""
    if requested:
        return requested
    if on_cluster:
        return default_threads
    return max(1, cores // actors)


@contextmanager
def _first_load_alone(settings: Settings) -> Iterator[None]:
    """The first load on a node writes the ONNX export and the index cache; two actors doing it at once
    would write the same files. Until a load has succeeded for these settings, loads take turns (a file
    lock in the cache folder); afterwards they run side by side."""
    cache = Path(settings.resolved_cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    key = json.dumps([settings.model_id, settings.runtime, settings.adapter, str(settings.dictionary),
                      settings.facet_theme, settings.facet_description, settings.dense_aliases])
    marker = cache / f".batch-warm-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    if marker.exists():
        yield
        return
    with (cache / ".batch-load.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
            marker.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class SuggestActor:
    """One model per actor: built once, then called with a few (id, text) rows at a time."""

    def __init__(self, settings: Settings, threads: int) -> None:
        from .suggester import Suggester

        settings = settings.model_copy(update={"torch_threads": threads})
        self.failure: bytes | None = None
        try:
            with _first_load_alone(settings):
                self.suggester = Suggester.from_settings(settings)
        except CDEError as exc:
            # Ray would report this as "the actor died", with its code and fix lost in a traceback's text;
            # handed back with the first batch, the command stops with the same error the local engine gives
            self.failure = pickle.dumps(exc)
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.ready = time.time()  # wall clock: spans from different processes are compared

    def __call__(self, batch):
        import pyarrow as pa

        start = time.time()
        pairs = zip(batch.column("id").to_pylist(), batch.column("text").to_pylist())
        if self.failure is not None:
            records = [dict.fromkeys(RECORD_FIELDS) | {"id": item_id, "competency_ids": []} for item_id, _ in pairs]
        else:
            records = suggest_chunk(self.suggester, list(pairs))
        end = time.time()
        for r in records:
            r.update(_worker=self.worker, _ready=self.ready, _start=start, _end=end, _failure=self.failure)
        return pa.Table.from_pylist(records, schema=_schema(pa))


def _schema(pa):
    return pa.schema([("id", pa.string()), ("result", pa.string()), ("error", pa.string()),
                      ("error_code", pa.string()), ("competency_ids", pa.list_(pa.string())),
                      ("_worker", pa.string()), ("_ready", pa.float64()), ("_start", pa.float64()),
                      ("_end", pa.float64()), ("_failure", pa.binary())])


@dataclass
class RayStats:
    actors: int
    threads_per_actor: int
    address: str | None
    startup_s: float = 0.0
    wall_s: float = 0.0
    spans: list[Span] = field(default_factory=list)

    def report(self, items: int) -> dict[str, Any]:
        steady = steady_rate(self.spans)
        return {"engine": "ray", "actors": self.actors, "threads_per_actor": self.threads_per_actor,
                "cluster": self.address or "local", "items": items, "ray_start_s": round(self.startup_s, 2),
                "wall_s": round(self.wall_s, 2), "jd_per_s": round(steady["items_per_s"], 2),
                "steady_window_s": round(steady["window_s"], 2), "steady_items": steady["items_counted"],
                "workers_seen": steady["workers"]}


def head_of(address: str) -> tuple[str, int] | None:
    """(host, port) of a HOST:PORT or ray://HOST:PORT address; None for auto and other forms Ray resolves."""
    rest = address.split("://", 1)[-1].rstrip("/")
    host, sep, port = rest.rpartition(":")
    return (host.strip("[]"), int(port)) if sep and host and port.isdigit() else None


def _check_reachable(address: str, timeout_s: float) -> None:
    """Ray retries a dead address for minutes; one TCP connect says at once whether anything listens there."""
    head = head_of(address)
    if head is None:
        return
    try:
        socket.create_connection(head, timeout=timeout_s).close()
    except OSError as exc:
        raise EngineError(f"nothing answers at {address} ({exc}); start the head with `ray start --head` or "
                          "check the address", code="ray_unreachable") from exc


def start(settings: Settings, *, address: str | None, cpus: int) -> float:
    """Join the cluster at `address`, or start a quiet local Ray with `cpus` CPUs. Seconds taken."""
    ray = _ray()
    t0 = time.perf_counter()
    # Ray otherwise reports usage statistics over the network; a batch of an office's JDs has no business
    # reaching out. Set RAY_USAGE_STATS_ENABLED=1 to allow it.
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if not ray.is_initialized():
        if address:
            _check_reachable(address, settings.ray_connect_timeout_s)
        quiet = {"include_dashboard": False, "logging_level": logging.WARNING, "log_to_driver": False}
        try:
            if address:
                ray.init(address=address, **quiet)
            else:
                ray.init(num_cpus=cpus, **quiet)
        except (ConnectionError, TimeoutError, RuntimeError, ValueError) as exc:
            raise EngineError(f"could not start or reach Ray at {address or 'this machine'}: {exc}",
                              code="ray_unreachable") from exc
    ctx = ray.data.DataContext.get_current()
    ctx.execution_options.preserve_order = True  # the output lines follow the input, as with the local engine
    ctx.enable_progress_bars = False  # the command draws its own bar, over finished items
    if hasattr(ctx, "print_on_execution_start"):
        ctx.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.ERROR)  # its notices (progress bars off, plans) are noise here
    return time.perf_counter() - t0


def stop() -> None:
    ray = _ray()
    if ray.is_initialized():
        ray.shutdown()


def _cause(exc: BaseException) -> CDEError | None:
    """The project's own error behind a Ray wrapper (an actor that could not load its model, say)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, CDEError):
            return exc
        exc = getattr(exc, "cause", None) or exc.__cause__ or exc.__context__
    return None


def run(settings: Settings, items: Sequence[Item], *, actors: int, threads: int,
        stats: RayStats) -> Iterator[dict[str, Any]]:
    """Records in input order, as actors finish them. `start` must have been called."""
    ray = _ray()
    if not items:
        return
    t0 = time.perf_counter()
    ds = ray.data.from_items([{"id": i, "text": t} for i, t in items])
    out = ds.map_batches(SuggestActor, fn_constructor_kwargs={"settings": settings, "threads": threads},
                         batch_size=settings.ray_batch_items, batch_format="pyarrow",
                         compute=ray.data.ActorPoolStrategy(size=actors), num_cpus=threads)
    spans: dict[tuple[str, float], Span] = {}
    try:
        for batch in out.iter_batches(batch_format="pyarrow", batch_size=None):
            for row in batch.to_pylist():
                if row["_failure"] is not None:  # written by our own actor just above: the error it met
                    raise pickle.loads(row["_failure"])
                key = (row["_worker"], row["_start"])
                old = spans.get(key)
                spans[key] = Span(row["_worker"], row["_ready"], row["_start"], row["_end"],
                                  (old.items if old else 0) + 1)
                yield {k: row[k] for k in RECORD_FIELDS}
    except CDEError:
        raise
    except Exception as exc:  # Ray wraps what failed in an actor; show ours when it is ours
        own = _cause(exc)
        if own is not None:
            raise own from None
        raise EngineError(f"the Ray run stopped: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                          code="engine_failed") from exc
    finally:
        stats.wall_s = time.perf_counter() - t0
        stats.spans = list(spans.values())
