"""`cde-suggest models prepare`: everything a first start would do, done ahead of time in its own process.

Exporting to ONNX needs torch; quantising needs onnxruntime's quantiser; building the index needs the
encoder. Done here once, a later `serve` loads onnxruntime + tokenizers and the cached index only, and
starts in seconds without torch.
"""

from __future__ import annotations

import time
from pathlib import Path

from .settings import Settings


def prepare(settings: Settings, *, model_only: bool = False) -> dict[str, object]:
    """Prepare the configured encoder's files (and, unless `model_only`, the dictionary's index)."""
    from .encode import get_spec, load_encoder, select_adapter
    from .encode.onnx import export_dir

    started = time.perf_counter()
    cache = Path(settings.resolved_cache_dir)
    spec = get_spec(settings.model_id)
    encoder = load_encoder(settings.model_id, threads=settings.torch_threads, batch_size=settings.encode_batch_size,
                           runtime=settings.runtime, cache_dir=cache, adapter=settings.adapter,
                           int8_min_cosine=settings.int8_min_cosine, in_process=True)
    result: dict[str, object] = {"model": spec.id, "runtime": settings.runtime,
                                 "adapter": getattr(encoder, "adapter", None), "revision": encoder.revision}
    if settings.runtime != "torch":
        folder = export_dir(spec, cache, select_adapter(settings.adapter, spec))
        result["onnx_folder"] = str(folder)
        if settings.runtime == "onnx-int8":
            import json

            from .encode.quantize import INT8_META

            result["int8"] = json.loads((folder / INT8_META).read_text())
    if not model_only:
        from .dictionary import load_dictionary
        from .index import FacetConfig, build_or_load

        config = FacetConfig(theme=settings.facet_theme, description=settings.facet_description,
                             dense_aliases=settings.dense_aliases)
        index = build_or_load(load_dictionary(settings.dictionary), encoder, cache, config=config)
        result.update(index=index.key, index_built=index.built)
        from .role_bank import bank_centroids

        # the role bank's prototypes, so a first `roles` call does not encode a few thousand lines
        result["role_bank_prototypes"] = int(bank_centroids(encoder, cache_dir=cache).shape[0])
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result
