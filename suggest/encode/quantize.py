"""The int8 encoder (CDE_RUNTIME=onnx-int8): the verified fp32 export, quantised with onnxruntime's dynamic
quantiser, checked against fp32 on probe sentences, and cached beside it.

The int8 file lives in the fp32 export's folder, whose name is made of the model's and the adapter's
checksums, so it is always built from the same (adapted) weights as the fp32 graph. Options, chosen on this
2-core AVX-512 CPU with 300 activity sentences: per-channel QInt8 weights keep a mean cosine of ~0.991 to
fp32 (per-tensor: 0.962); leaving the embedding tables in fp32 gave the same cosine and speed but a file 2.5×
larger; `reduce_range` only lowered the cosine.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np

from ..errors import ModelError
from .registry import sha256

INT8_FILE = "model-int8.onnx"
INT8_META = "int8.json"
# part of the int8 revision: a change of quantiser options must never reuse an index built with the old file
INT8_VERSION = "ort-dynamic-qint8-per-channel-v1"
PROBES = [
    "Prepare the Budget Estimates and Revised Estimates for the Division.",
    "Reply to RTI applications within thirty days.",
    "Mentor newly joined Assistant Section Officers on noting and drafting.",
    "Draft replies to parliamentary questions on behalf of the Minister.",
    "Monitor monthly expenditure against the sanctioned grant and flag savings.",
    "Lead a team of six case officers and hold regular one-to-ones.",
    "Analyse survey data to identify trends and produce statistical summaries.",
    "Procure IT services through GeM and manage the supplier contracts.",
    "Coordinate with State Governments on the rollout of the scheme.",
    "Maintain the cash book and reconcile it with the bank statement every month.",
    "Inspect primary health centres and report on the availability of medicines.",
    "Handle public grievances received through CPGRAMS and track their disposal.",
    "Conduct departmental promotion committee meetings and prepare the minutes.",
    "Review court cases and brief the government counsel on the department's stand.",
    "Plan and deliver the migration of records to the e-Office system on time.",
    "Organise training programmes for field staff on the new procurement rules.",
]


def int8_revision(base_revision: str) -> str:
    """The int8 encoder's revision: its vectors differ from fp32's, so the index cache must never share them."""
    return hashlib.sha256(json.dumps({"encoder": base_revision, "int8": INT8_VERSION}).encode()).hexdigest()


def agreement(reference: np.ndarray, got: np.ndarray) -> tuple[float, float]:
    """(mean, min) cosine between matching rows of two sets of L2-normalised vectors."""
    cos = np.sum(reference * got, axis=1)
    return float(np.mean(cos)), float(np.min(cos))


def int8_meta(folder: Path) -> dict | None:
    """The recorded int8 check when the cached file is intact and made by the current options; else None."""
    meta_path, model = folder / INT8_META, folder / INT8_FILE
    if not (meta_path.is_file() and model.is_file()):
        return None
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return None
    if meta.get("quantiser") != INT8_VERSION or sha256(model) != meta.get("sha256"):
        return None
    return meta


def check_int8(meta: dict, min_cosine: float) -> None:
    """Refuse an int8 file whose recorded agreement with fp32 is below the current threshold."""
    if meta["probe_mean_cosine"] < min_cosine:
        raise ModelError(f"the int8 encoder agrees with fp32 at a mean cosine of {meta['probe_mean_cosine']:.4f}, "
                         f"below CDE_INT8_MIN_COSINE={min_cosine}; set CDE_RUNTIME=onnx",
                         code="model_int8_mismatch", detail={"probe_mean_cosine": meta["probe_mean_cosine"]})


def quantize_int8(folder: Path, fp32_encoder, load_int8, *, min_cosine: float) -> dict:
    """Quantise folder/model.onnx to folder/model-int8.onnx, check it on the probes, record the check.

    `fp32_encoder` encodes with the fp32 graph; `load_int8(path)` returns an encoder over the int8 file."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tmp = folder / (INT8_FILE + ".tmp")
    logging.disable(logging.WARNING)  # the quantiser logs advice about pre-processing that CNNs need, BERT not
    try:
        quantize_dynamic(str(folder / "model.onnx"), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
    finally:
        logging.disable(logging.NOTSET)
    mean, low = agreement(fp32_encoder.encode(PROBES), load_int8(tmp).encode(PROBES))
    meta = {"quantiser": INT8_VERSION, "source_sha256": sha256(folder / "model.onnx"), "sha256": sha256(tmp),
            "probe_sentences": len(PROBES), "probe_mean_cosine": round(mean, 6), "probe_min_cosine": round(low, 6)}
    if mean < min_cosine:
        tmp.unlink(missing_ok=True)
        check_int8(meta, min_cosine)
    os.replace(tmp, folder / INT8_FILE)
    (folder / INT8_META).write_text(json.dumps(meta, indent=2))
    return meta
