"""The same model, run with onnxruntime instead of torch: a faster start and faster encoding on CPU.

The ONNX graph is exported once from the verified package weights (fp32, so vectors match the torch
runtime to ~1e-6), with a LoRA adapter merged in when one is selected, into a cache folder named by both
checksums, checked against the torch runtime on probe sentences, and
its sha256 recorded; later starts load it with onnxruntime and tokenizers only, without importing
sentence-transformers or torch. `prepared.py` decides when (and in which process) the export runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .adapter import AdapterSpec, combined_revision, merge_into
from .registry import ModelSpec, resolve_model_dir, sha256

PROBES = ["Prepare the Budget Estimates for the Division.", "Reply to RTI applications within thirty days.",
          "Mentor newly joined Assistant Section Officers on noting and drafting."]
EXPORT_VERSION = "onnx-fp32-v1"


def export_dir(spec: ModelSpec, cache_dir: Path, adapter: AdapterSpec | None = None) -> Path:
    blob = EXPORT_VERSION + json.dumps(spec.sha256, sort_keys=True)
    if adapter is None:  # unchanged for the base model, so existing exports stay valid
        return cache_dir / "models" / f"{spec.id}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"
    blob += json.dumps(adapter.sha256, sort_keys=True)
    return cache_dir / "models" / f"{spec.id}+{adapter.id}-{hashlib.sha256(blob.encode()).hexdigest()[:12]}"


def export_onnx(spec: ModelSpec, src: Path, dst: Path, adapter: AdapterSpec | None = None) -> None:
    """Export with torch (already a dependency) and verify against sentence-transformers."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoModel

    dst.mkdir(parents=True, exist_ok=True)
    base = AutoModel.from_pretrained(str(src), local_files_only=True).eval()
    if adapter is not None:
        merge_into(base, adapter.folder())

    class Hidden(torch.nn.Module):  # transformers 5 changed BertModel.forward's positional order
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    ids = torch.ones(2, 16, dtype=torch.long)
    tmp = dst / "model.onnx.tmp"
    with warnings.catch_warnings():  # the exporter's tracer warnings are about code paths BERT does not take
        warnings.simplefilter("ignore")
        _export(torch, Hidden(base), ids, tmp)
    os.replace(tmp, dst / "model.onnx")
    reference_model = SentenceTransformer(str(src), device="cpu", local_files_only=True)
    if adapter is not None:  # the reference is the torch runtime with the same merge
        merge_into(reference_model[0].auto_model, adapter.folder())
    reference = reference_model.encode(PROBES, normalize_embeddings=True)
    got = OnnxEncoder(spec, dst, src, threads=1).encode(PROBES)
    cos = float(np.min(np.sum(reference * got, axis=1)))
    if cos < 0.9999:
        raise ModelError(f"the ONNX export of {spec.id} disagrees with the torch model (cosine {cos:.5f}); "
                         "set CDE_RUNTIME=torch", code="model_export_mismatch")
    meta = {"model": spec.id, "adapter": adapter.id if adapter else None,
            "adapter_sha256": adapter.sha256 if adapter else None, "sha256": sha256(dst / "model.onnx"),
            "probe_min_cosine": cos, "export": EXPORT_VERSION}
    (dst / "meta.json").write_text(json.dumps(meta, indent=2))


def _export(torch, module, ids, path: Path) -> None:
    torch.onnx.export(module, (ids, ids, torch.zeros_like(ids)), str(path),
                      input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["last_hidden_state"],
                      dynamic_axes={k: {0: "batch", 1: "seq"} for k in
                                    ["input_ids", "attention_mask", "token_type_ids", "last_hidden_state"]},
                      opset_version=17, dynamo=False)


class OnnxEncoder:
    def __init__(self, spec: ModelSpec, folder: Path, model_dir: Path, *, threads: int = 2,
                 batch_size: int = 64, adapter: AdapterSpec | None = None, file: str = "model.onnx",
                 revision: str | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        # idle ORT threads otherwise spin for a while after each run and starve FAISS on a 2-core machine
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(folder / file), opts, providers=["CPUExecutionProvider"])
        self._tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tok.enable_truncation(max_length=spec.max_seq_length)
        self._tok.no_padding()
        self.model_id = spec.id
        self.revision = revision or combined_revision(spec, adapter)
        self.adapter = adapter.id if adapter else None
        self.dimension = spec.dimension
        self.batch_size = batch_size

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encs = self._tok.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))  # similar lengths pad less
        for b in range(0, len(order), self.batch_size):
            idx = order[b:b + self.batch_size]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[row, :n] = encs[i].ids
                mask[row, :n] = 1
            hidden = self._session.run(None, {"input_ids": ids, "attention_mask": mask,
                                              "token_type_ids": np.zeros_like(ids)})[0]
            m = mask[..., None].astype(np.float32)
            vec = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)  # mean pooling, as the model card
            out[idx] = vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)
        return out


def fp32_ready(folder: Path) -> bool:
    """Whether folder holds an intact, verified fp32 export (its sha256 as recorded after the probe check)."""
    meta_path = folder / "meta.json"
    if not (meta_path.is_file() and (folder / "model.onnx").is_file()):
        return False
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return False
    return sha256(folder / "model.onnx") == meta.get("sha256")
