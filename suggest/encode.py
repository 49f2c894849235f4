"""The Encoder protocol, the model registry, and the sentence-transformers adapter.

Models load offline from a PyPI package and are checked against the sha256 values in models/registry.yaml.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import yaml

from .errors import ModelError


@runtime_checkable
class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors."""

    model_id: str
    dimension: int

    def encode(self, texts: list[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class ModelSpec:
    id: str
    package: str
    version: str
    module: str
    subdir: str
    dimension: int
    max_seq_length: int
    sha256: dict[str, str]

    @property
    def pip_command(self) -> str:
        return f"pip install --force-reinstall {self.package}=={self.version}"


def registry_path() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data" / "models" / "registry.yaml", here.parent / "models" / "registry.yaml"):
        if candidate.is_file():
            return candidate
    raise ModelError("models/registry.yaml is missing from this installation; reinstall the package")


def load_registry() -> dict[str, ModelSpec]:
    data = yaml.safe_load(registry_path().read_text(encoding="utf-8"))
    fields = ModelSpec.__dataclass_fields__
    return {m["id"]: ModelSpec(**{k: v for k, v in m.items() if k in fields}) for m in data["models"]}


def get_spec(model_id: str) -> ModelSpec:
    registry = load_registry()
    if model_id not in registry:
        raise ModelError(f"unknown model {model_id!r}; known models: {', '.join(sorted(registry))}",
                         code="model_unknown")
    return registry[model_id]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def resolve_model_dir(spec: ModelSpec, *, verify: bool = True) -> Path:
    """Find the model folder inside its package and check every recorded checksum."""
    if importlib.util.find_spec(spec.module) is None:
        raise ModelError(f"the model package {spec.package} is not installed; run: {spec.pip_command}",
                         code="model_missing")
    module = importlib.import_module(spec.module)
    folder = Path(module.__file__).resolve().parent / spec.subdir
    for name, expected in spec.sha256.items():
        f = folder / name
        if not f.is_file():
            raise ModelError(f"model file {name} is missing from {spec.package}; run: {spec.pip_command}",
                             code="model_missing", detail={"file": str(f)})
        if verify and _sha256(f) != expected:
            raise ModelError(f"model file {name} of {spec.package} is corrupt (sha256 mismatch); run: {spec.pip_command}",
                             code="model_corrupt", detail={"file": str(f), "expected": expected})
    return folder


class SentenceTransformerEncoder:
    """sentence-transformers on the CPU, with the thread count set explicitly (2-core machines oversubscribe)."""

    def __init__(self, spec: ModelSpec, *, threads: int = 2, batch_size: int = 64, verify: bool = True) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        folder = resolve_model_dir(spec, verify=verify)
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(threads)
        try:
            self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        except Exception as exc:  # a broken package surfaces as many different exceptions
            raise ModelError(f"could not load {spec.id}: {exc}; run: {spec.pip_command}", code="model_corrupt") from exc
        self._model.max_seq_length = spec.max_seq_length
        self.model_id = spec.id
        self.dimension = spec.dimension
        self.batch_size = batch_size
        self._torch = torch

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._torch.inference_mode():
            vecs = self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vecs, dtype=np.float32)


def load_encoder(model_id: str, *, threads: int = 2, batch_size: int = 64, runtime: str = "torch",
                 cache_dir: Path | None = None) -> Encoder:
    """`torch` runs sentence-transformers; `onnx` runs a verified fp32 export with onnxruntime (faster start)."""
    spec = get_spec(model_id)
    if runtime == "onnx":
        if importlib.util.find_spec("onnxruntime") is None:
            raise ModelError("the onnx runtime needs onnxruntime; run: pip install onnxruntime==1.32.0 "
                             "or set CDE_RUNTIME=torch", code="runtime_missing")
        from .encode_onnx import load_onnx_encoder

        return load_onnx_encoder(spec, cache_dir or Path.home() / ".cache" / "cde-suggest",
                                 threads=threads, batch_size=batch_size)
    return SentenceTransformerEncoder(spec, threads=threads, batch_size=batch_size)
