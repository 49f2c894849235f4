"""`cde-suggest bench` figures for issue 14: the int8 encoder's raw rate beside fp32's, measured in the same
run and interleaved (so machine noise hits both alike), and a real first start: a fresh `serve` process on an
empty data folder, timed from launch to a 200 on /readyz, with its memory once ready."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from .child_server import free_port, stop, wait_ready
from .settings import Settings


def encoder_rates(settings: Settings, sentences: list[str], *, repeats: int = 3) -> dict[str, float]:
    """Raw sentences/s of the fp32 and int8 ONNX encoders, best of `repeats` interleaved runs each."""
    from .encode import load_encoder

    common = dict(threads=settings.torch_threads, batch_size=settings.encode_batch_size,
                  cache_dir=Path(settings.resolved_cache_dir), adapter=settings.adapter,
                  int8_min_cosine=settings.int8_min_cosine)
    encoders = {rt: load_encoder(settings.model_id, runtime=rt, **common) for rt in ("onnx", "onnx-int8")}
    best = {rt: float("inf") for rt in encoders}
    for enc in encoders.values():
        enc.encode(sentences[:32])  # first-call warm-up
    for _ in range(repeats):
        for rt, enc in encoders.items():
            t = time.perf_counter()
            enc.encode(sentences)
            best[rt] = min(best[rt], time.perf_counter() - t)
    fp32, int8 = len(sentences) / best["onnx"], len(sentences) / best["onnx-int8"]
    return {"fp32_raw_sent_per_s": round(fp32, 1), "int8_raw_sent_per_s": round(int8, 1),
            "int8_speedup": round(int8 / fp32, 2)}


def time_to_ready(settings: Settings, data_dir: Path, *, cache_dir: Path | None = None,
                  timeout_s: float = 600.0) -> tuple[float, float]:
    """(seconds from launching `serve` to a 200 on /readyz, the server's RSS in MB then). The server runs
    on a free loopback port, with its own data folder; the cache is inside it unless `cache_dir` is given."""
    port = free_port()
    env = dict(os.environ, CDE_DATA_DIR=str(data_dir), CDE_RUNTIME=settings.runtime, CDE_PORT=str(port),
               CDE_HOST="127.0.0.1", CDE_MODEL_ID=settings.model_id, CDE_ADAPTER=settings.adapter,
               CDE_LEARN_INTERVAL_S="0")
    env.pop("CDE_DATABASE_URL", None)
    env.pop("CDE_CACHE_DIR", None)
    if cache_dir is not None:
        env["CDE_CACHE_DIR"] = str(cache_dir)
    if settings.dictionary:
        env["CDE_DICTIONARY"] = str(settings.dictionary)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "suggest.cli", "serve"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_ready(f"http://127.0.0.1:{port}", timeout_s, proc, interval_s=0.1)
        return time.perf_counter() - started, psutil.Process(proc.pid).memory_info().rss / 2**20
    finally:
        stop(proc, grace_s=10)


def start_figures(settings: Settings) -> dict[str, float]:
    """First start on an empty data folder (export, quantise, index, all from nothing), then a start on another
    empty data folder whose cache was prepared (what `make run` does after `models prepare`)."""
    with tempfile.TemporaryDirectory(prefix="cde-first-") as empty, \
            tempfile.TemporaryDirectory(prefix="cde-prepared-") as fresh:
        first, _ = time_to_ready(settings, Path(empty))
        prepared, rss = time_to_ready(settings, Path(fresh), cache_dir=Path(settings.resolved_cache_dir))
    return {"first_start_s": round(first, 2), "prepared_start_s": round(prepared, 2), "serve_rss_mb": round(rss, 1)}
