"""`cde-suggest bench`: encoder vs end-to-end throughput on the same sentences, JD latency, warm start, RSS;
the int8 rate and the first start come from `bench_start`."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psutil

from .settings import Settings

_WARM_START = (
    "import sys, time; t=time.perf_counter(); from suggest.suggester import Suggester; "
    "s=Suggester.from_settings(); s.suggest(open(sys.argv[1], encoding='utf-8').read()); "
    "print(time.perf_counter()-t, s.index.built)"
)


def repo_file(*parts: str) -> Path:
    return Path(__file__).resolve().parent.parent.joinpath(*parts)


def warm_start(settings: Settings, jd_path: Path) -> tuple[float, bool]:
    """Seconds for a fresh process to import, load the model and the cached index, and answer one JD."""
    env = dict(os.environ, CDE_DATA_DIR=str(settings.data_dir))
    if settings.cache_dir:
        env["CDE_CACHE_DIR"] = str(settings.cache_dir)
    if settings.dictionary:
        env["CDE_DICTIONARY"] = str(settings.dictionary)
    env["CDE_RUNTIME"] = settings.runtime
    proc = subprocess.run([sys.executable, "-c", _WARM_START, str(jd_path)], capture_output=True, text=True, env=env,
                          check=True)
    seconds, built = proc.stdout.split()
    return float(seconds), built == "True"


def roles_latency(suggester: object, text: str, *, runs: int = 21, pause: float = 0.3) -> dict[str, object]:
    """`roles` against `suggest` on the same flat JD, interleaved so both see the same machine state
    (issue 16: roles within 1.5x of the suggestion latency). Each call follows a pause, as a lone request
    would: back to back, the encoder's still-spinning threads after one call change the next one's time
    (measured: 1.0x back to back against 1.4x with pauses)."""
    from .role_names import clear_parse_cache
    from .roles import build_roles

    build_roles(suggester, text)  # the first call loads the parser
    sug, rol = [], []
    for _ in range(runs):
        time.sleep(pause)
        t = time.perf_counter()
        suggester.suggest(text)  # type: ignore[attr-defined]
        sug.append(time.perf_counter() - t)
        clear_parse_cache()  # a new JD is parsed; the same text again would not be
        time.sleep(pause)
        t = time.perf_counter()
        build_roles(suggester, text)  # type: ignore[arg-type]
        rol.append(time.perf_counter() - t)
    s, r = statistics.median(sug), statistics.median(rol)
    return {"roles_jd_p50_ms": round(s * 1000, 1), "roles_p50_ms": round(r * 1000, 1), "roles_ratio": round(r / s, 2)}


def run_bench(settings: Settings, sentences: list[str], jd_path: Path, *, repeats: int = 3,
              first_start: bool = True, roles_path: Path | None = None) -> dict[str, object]:
    from .suggester import Suggester

    jd_text = jd_path.read_text(encoding="utf-8")
    # the benchmark feeds all sentences as one text, so lift the per-request limits for this run only
    settings = settings.model_copy(update={"max_text_chars": 10**7, "max_activities": 10**6})
    suggester = Suggester.from_settings(settings)  # builds the index if missing, so the warm start reuses it
    enc = suggester.encoder
    enc.encode(sentences[:32])  # first-call warm-up
    raw_times, e2e_times = [], []
    block = "\n".join(sentences)
    for _ in range(repeats):
        t = time.perf_counter()
        enc.encode(sentences)
        raw_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        res = suggester.suggest(block, top_k=settings.max_top_k)
        e2e_times.append(time.perf_counter() - t)
    n_act = len(res.activities)
    jd_acts = [a.text for a in suggester.suggest(jd_text).activities]
    jd_lat, jd_raw = [], []
    for _ in range(max(10, repeats * 5)):
        t = time.perf_counter()
        enc.encode(jd_acts)
        jd_raw.append(time.perf_counter() - t)
        t = time.perf_counter()
        suggester.suggest(jd_text)
        jd_lat.append(time.perf_counter() - t)
    extra: dict[str, object] = {}
    if roles_path is not None:
        extra.update(roles_latency(suggester, roles_path.read_text(encoding="utf-8")))
    raw = len(sentences) / min(raw_times)
    e2e = len(sentences) / min(e2e_times)
    warm, rebuilt = warm_start(settings, jd_path)
    if settings.runtime != "torch":
        from .bench_start import encoder_rates

        extra.update(encoder_rates(settings, sentences, repeats=repeats))
    if first_start:
        from .bench_start import start_figures

        extra.update(start_figures(settings))
    return {
        "sentences": len(sentences),
        "activities_found": n_act,
        "raw_sent_per_s": round(raw, 1),
        "e2e_sent_per_s": round(e2e, 1),
        "ratio": round(e2e / raw, 3),
        "jd_activities": len(jd_acts),
        "jd_p50_ms": round(statistics.median(jd_lat) * 1000, 1),
        "jd_raw_encode_ms": round(statistics.median(jd_raw) * 1000, 1),
        "warm_start_s": round(warm, 2),
        "warm_start_rebuilt_index": rebuilt,
        "rss_mb": round(psutil.Process().memory_info().rss / 2**20, 1),
        "model": enc.model_id,
        "runtime": settings.runtime,
        "threads": settings.torch_threads,
        "cpu_count": os.cpu_count(),
        **extra,
    }


def http_figures(settings: Settings, *, clients: int = 8, seconds: float = 10.0) -> dict[str, object]:
    """The load test (suggest/loadtest.py) against a server started here: SQLite, synchronous=FULL,
    3-duty JDs from eval/samples, as the README's speed table states it."""
    from .loadtest import local_server, measure, sample_jds

    jds = sample_jds(repo_file("eval", "samples"))
    with local_server(settings.resolved_cache_dir) as target:
        load = measure(target, jds, clients=clients, seconds=seconds)
    return {"http_clients": clients, "http_rps": load["rps"], "http_p50_ms": load["p50_ms"],
            "http_p99_ms": load["p99_ms"], "http_errors": load["error_count"],
            "http_server_cpu_ms_per_req": load.get("server_cpu_ms_per_req")}
