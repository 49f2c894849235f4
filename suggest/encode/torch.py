"""The sentence-transformers runtime (CDE_RUNTIME=torch)."""

from __future__ import annotations

import os

import numpy as np

from ..errors import ModelError
from .adapter import AdapterSpec, combined_revision, merge_into
from .registry import ModelSpec, resolve_model_dir


class SentenceTransformerEncoder:
    """sentence-transformers on the CPU, with the thread count set explicitly (2-core machines oversubscribe)."""

    def __init__(self, spec: ModelSpec, *, threads: int = 2, batch_size: int = 64, verify: bool = True,
                 adapter: AdapterSpec | None = None) -> None:
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
        if adapter is not None:  # checked by load_encoder; merged once, so encoding costs what the base costs
            merge_into(self._model[0].auto_model, adapter.folder())
        self.model_id = spec.id
        self.revision = combined_revision(spec, adapter)
        self.adapter = adapter.id if adapter else None
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
