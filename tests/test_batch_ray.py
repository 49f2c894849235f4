"""`cde-suggest batch --engine ray` against the local engine, end to end: the real model in two Ray actors,
a 200-JD corpus made from the gold files (eval/bench/batch_corpus.py), Parquet in and out."""

from __future__ import annotations

import importlib.util
import json
import math

import pytest
from typer.testing import CliRunner

from suggest.cli import app

from .conftest import REPO

pytest.importorskip("ray")
pq = pytest.importorskip("pyarrow.parquet")


def _corpus_module():
    spec = importlib.util.spec_from_file_location("batch_corpus", REPO / "eval" / "bench" / "batch_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _same(a, b, path="") -> list[str]:
    """Where two parsed suggestion sets differ: exact for everything but floats, which may differ in the
    last bits when the encoder runs on another thread count (1 per actor here, 2 locally); scores and
    confidences are printed to 4 decimals, so such a difference can flip the last printed digit."""
    if isinstance(a, float) or isinstance(b, float):
        return [] if isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(
            a, b, rel_tol=0.0, abs_tol=1.5e-4) else [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return [f"{path}: keys {sorted(a)} != {sorted(b)}"]
        return [d for k in a for d in _same(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        return [d for n, (x, y) in enumerate(zip(a, b)) for d in _same(x, y, f"{path}[{n}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


@pytest.mark.slow
def test_ray_and_local_batches_give_identical_suggestion_sets(tmp_path, real_settings):
    rows = _corpus_module().corpus(200) + [{"id": "blank", "text": "   "}]
    _corpus_module().write(rows, tmp_path / "in.parquet")
    env = {"CDE_DATA_DIR": str(real_settings.data_dir), "CDE_CACHE_DIR": str(real_settings.resolved_cache_dir)}
    runner = CliRunner()
    local = runner.invoke(app, ["batch", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "local.jsonl")], env=env)
    assert local.exit_code == 0, local.output
    ray = runner.invoke(app, ["batch", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "ray.parquet"),
                              "--engine", "ray", "--actors", "2", "--report"], env=env)
    assert ray.exit_code == 0, ray.output
    report = json.loads(ray.stdout.strip().splitlines()[-1])
    # the pool really was two models, each sharing this machine's cores
    assert report["actors"] == 2 and report["workers_seen"] == 2 and report["items"] == len(rows)

    from_local = [json.loads(x) for x in (tmp_path / "local.jsonl").read_text().splitlines()]
    from_ray = pq.read_table(tmp_path / "ray.parquet").to_pylist()
    assert [r["id"] for r in from_ray] == [r["id"] for r in from_local] == [r["id"] for r in rows]
    assert from_ray[-1]["error_code"] == "empty_text" and from_local[-1]["error"]["code"] == "empty_text"
    differences = []
    for lo, ry in zip(from_local[:-1], from_ray[:-1]):
        result = json.loads(ry["result"])
        assert ry["competency_ids"] == [s["competency_id"] for s in result["suggestions"]]
        differences += _same(lo["result"], result, lo["id"])
    assert not differences, differences[:5]
    assert sum(len(r["competency_ids"]) for r in from_ray) > 5 * len(rows)  # real sets, not empty ones


@pytest.mark.slow
def test_an_actor_that_cannot_load_its_model_stops_the_run_with_the_models_code(tmp_path, real_settings):
    (tmp_path / "in.jsonl").write_text(json.dumps({"text": "- Maintain the RTI register."}) + "\n")
    env = {"CDE_DATA_DIR": str(real_settings.data_dir), "CDE_CACHE_DIR": str(real_settings.resolved_cache_dir),
           "CDE_MODEL_ID": "no-such-model"}
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"),
                                      "--engine", "ray", "--actors", "1"], env=env)
    assert result.exit_code == 2 and "model_unknown" in result.output and "Traceback" not in result.output
