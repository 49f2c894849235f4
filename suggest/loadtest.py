"""`cde-suggest loadtest`: N clients posting real JDs to POST /v1/suggestions for D seconds.

The JDs come from `eval/samples/`: by default their duty lines three at a time (short JDs, what the
speed targets are stated for), or the whole files. Each client is a thread with its own HTTP connection,
posting without pause; what counts is requests per second, the latency percentiles and the answers that
were not 201, by status. The server is one already running (URL and key), or one this module starts on
a free port with a fresh data folder, the SQLite store (synchronous=FULL, as always) or a database URL,
rate limits off, and the existing model and index cache.
"""

from __future__ import annotations

import math
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .child_server import free_port, stop, wait_ready
from .errors import InputError

def sample_jds(folder: Path, *, whole: bool = False, per_jd: int = 3) -> list[str]:
    """The JDs the clients post: each sample file whole, or its activities (as the service splits them)
    `per_jd` at a time, as bullet lists."""
    from .segment import read_jd

    files = sorted(folder.glob("*.txt"))
    if not files:
        raise InputError(f"no .txt job descriptions in {folder}", code="file_not_found")
    texts = [f.read_text(encoding="utf-8") for f in files]
    if whole:
        return texts
    duties = [a.text for t in texts for a in read_jd(t).activities]
    groups = [duties[i:i + per_jd] for i in range(0, len(duties) - per_jd + 1, per_jd)]
    return ["Duties:\n" + "".join(f"- {d}\n" for d in g) for g in groups]


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of values already sorted (q in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(latencies_s: list[float], statuses: list[str], seconds: float, clients: int) -> dict[str, object]:
    """The figures of a run: successful requests per second, latency of the successful ones, and every
    other answer counted by its status (or by the transport error that replaced it)."""
    ok = sorted(lat for lat, st in zip(latencies_s, statuses) if st == "201")
    errors = Counter(st for st in statuses if st != "201")
    return {
        "clients": clients,
        "seconds": round(seconds, 2),
        "requests": len(statuses),
        "ok": len(ok),
        "rps": round(len(ok) / seconds, 1) if seconds > 0 else 0.0,
        "p50_ms": round(percentile(ok, 50) * 1000, 1) if ok else None,
        "p99_ms": round(percentile(ok, 99) * 1000, 1) if ok else None,
        "errors": dict(sorted(errors.items())),
        "error_count": sum(errors.values()),
    }


@dataclass
class Target:
    url: str
    key: str
    pid: int | None = None  # the server's process, when started here


def server_cpu_s(pid: int) -> float:
    """CPU seconds used so far by a server process and its workers. Per request, this is the figure that
    holds on a shared machine, where wall-clock rates move with the neighbours' load."""
    import psutil

    try:
        procs = [psutil.Process(pid)]
        procs += procs[0].children(recursive=True)
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


def measure(target: Target, jds: list[str], *, clients: int, seconds: float) -> dict[str, object]:
    """`run_load`, plus the server's CPU milliseconds per request when it runs here."""
    before = server_cpu_s(target.pid) if target.pid else None
    result = run_load(target, jds, clients=clients, seconds=seconds)
    if before is not None and result["sent"]:
        spent = server_cpu_s(target.pid) - before
        result["server_cpu_ms_per_req"] = round(spent * 1000 / result["sent"], 1)
    return result


def run_load(target: Target, jds: list[str], *, clients: int, seconds: float, warmup_s: float = 1.0,
             timeout_s: float = 60.0) -> dict[str, object]:
    """Post JDs from `clients` threads for `seconds` (after `warmup_s` not counted); the summary."""
    import httpx

    latencies: list[float] = []
    statuses: list[str] = []
    sent = [0]  # every answered request, warm-up included: what the server's CPU time was spent on
    lock = threading.Lock()
    start = time.perf_counter() + warmup_s
    stop = start + seconds
    gate = threading.Barrier(clients)

    def client(n: int) -> None:
        headers = {"Authorization": f"Bearer {target.key}"}
        with httpx.Client(base_url=target.url, headers=headers, timeout=timeout_s) as http:
            gate.wait()
            i = n
            while True:
                t0 = time.perf_counter()
                if t0 >= stop:
                    return
                try:
                    status = str(http.post("/v1/suggestions", json={"text": jds[i % len(jds)]}).status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                t1 = time.perf_counter()
                i += clients  # each client walks the JDs from its own place
                with lock:
                    sent[0] += 1
                    if t0 >= start and t1 <= stop:  # only requests wholly inside the measured span count
                        latencies.append(t1 - t0)
                        statuses.append(status)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + warmup_s + timeout_s + 5)
    return {**summarise(latencies, statuses, seconds, clients), "sent": sent[0]}


@contextmanager
def local_server(cache_dir: Path, *, workers: int = 1, database_url: str | None = None,
                 ready_timeout_s: float = 300.0, env: dict[str, str] | None = None) -> Iterator[Target]:
    """`cde-suggest serve` in a child process on a free port with a fresh data folder, until the block ends."""
    port = free_port()
    key = "cde_load_" + secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="cde-load-") as data:
        child_env = {**os.environ, **(env or {}), "CDE_DATA_DIR": data, "CDE_CACHE_DIR": str(cache_dir),
                     "CDE_DEV_KEY": key, "CDE_RATE_MODEL_PER_MIN": "0", "CDE_RATE_WRITES_PER_MIN": "0"}
        if database_url:
            child_env["CDE_DATABASE_URL"] = database_url
        cmd = [sys.executable, "-c", "from suggest.cli import app; app()", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]
        log = open(Path(data) / "server.log", "w+b")
        proc = subprocess.Popen(cmd, env=child_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            target = Target(f"http://127.0.0.1:{port}", key, proc.pid)
            wait_ready(target.url, ready_timeout_s, proc, Path(data) / "server.log")
            yield target
        finally:
            stop(proc)
            log.close()
