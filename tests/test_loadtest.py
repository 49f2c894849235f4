"""`cde-suggest loadtest` and `bench --http`: the JDs it posts, its figures, and a short real run."""

from __future__ import annotations

import math

import pytest

from suggest.loadtest import local_server, measure, percentile, sample_jds, summarise
from suggest.segment import read_jd

from .conftest import REPO

SAMPLES = REPO / "eval" / "samples"


def test_three_duty_jds_come_from_the_samples_duty_lines():
    jds = sample_jds(SAMPLES)
    assert len(jds) >= 10
    for jd in jds:
        activities = read_jd(jd).activities
        assert len(activities) == 3, jd
        assert all(a.text in "".join(p.read_text() for p in SAMPLES.glob("*.txt")) for a in activities)
    assert sample_jds(SAMPLES, whole=True) == [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]


def test_summary_counts_only_201_in_rate_and_latency_and_groups_errors():
    latencies = [0.010, 0.020, 0.030, 0.040, 5.0, 0.001]
    statuses = ["201", "201", "201", "201", "503", "ConnectError"]
    s = summarise(latencies, statuses, seconds=2.0, clients=4)
    assert s["ok"] == 4 and s["requests"] == 6 and s["rps"] == 2.0
    assert s["p50_ms"] == 20.0 and s["p99_ms"] == 40.0  # the slow 503 is not a latency of served requests
    assert s["errors"] == {"503": 1, "ConnectError": 1} and s["error_count"] == 2


def test_percentile_is_nearest_rank():
    values = [float(i) for i in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 99) == 99.0 and percentile(values, 100) == 100.0
    assert math.isnan(percentile([], 50))


@pytest.mark.slow
def test_short_load_test_against_a_server_it_starts(real_suggester, real_settings):
    """A few seconds of 4 clients on SQLite (synchronous=FULL): every figure present, no errors. Not a
    timing assertion: the figures depend on the machine."""
    with local_server(real_settings.resolved_cache_dir) as target:
        result = measure(target, sample_jds(SAMPLES), clients=4, seconds=3)
    assert result["ok"] > 0 and result["error_count"] == 0, result
    for key in ("rps", "p50_ms", "p99_ms", "server_cpu_ms_per_req"):
        assert isinstance(result[key], float) and result[key] > 0, (key, result)
    assert result["p50_ms"] <= result["p99_ms"]
