"""A prepared training set that can travel: the pairs with their mined negatives, the loop's settings, and
(optionally) the base weights, so the fit can run on another machine (a GPU) and only the adapter comes back.

`cde-suggest train --prepare-only DIR` writes it; `python -m suggest.training.fit DIR` trains from it;
`cde-suggest train --fitted DIR` registers and documents what came back. Plain JSON, gzip and safetensors:
reading it needs no part of the service but this package's `types` and `lora` modules.

The base weights may be packed as fp16 (`--pack-base fp16`) to halve what travels; they are widened back
to fp32 before training. The adapter is always merged into the exact fp32 base at load, and every figure
recorded for it is measured that way.
"""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import asdict
from pathlib import Path

from .lora import TrainConfig
from .types import Pair

PAIRS, CONFIG, BASE = "pairs.jsonl.gz", "fit.json", "base"
ADAPTER, RESULT = "adapter.safetensors", "fit_result.json"
BASE_FILES = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")


def write_fitset(folder: Path, pairs: list[Pair], negatives: list, config: TrainConfig, meta: dict) -> None:
    """`meta` carries what the card needs later (counts, caps, command, base id and sha256, seconds so far)."""
    folder.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same pairs give the same bytes
    with gzip.GzipFile(folder / PAIRS, "wb", mtime=0) as f:
        for p, neg in zip(pairs, negatives):
            row = asdict(p) | {"negative": list(neg) if neg else None}
            f.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
    (folder / CONFIG).write_text(json.dumps({"config": config.as_dict(), "meta": meta}, indent=2) + "\n",
                                 encoding="utf-8")


def read_fitset(folder: Path) -> tuple[list[Pair], list, TrainConfig, dict]:
    pairs, negatives = [], []
    with gzip.open(folder / PAIRS, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            neg = row.pop("negative")
            pairs.append(Pair(**row))
            negatives.append(tuple(neg) if neg else None)
    data = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
    return pairs, negatives, TrainConfig(**data["config"]), data["meta"]


def pack_base(model_dir: Path, folder: Path, dtype: str = "fp32") -> None:
    """Copy the base model's weights and tokenizer into `folder/base`, the weights as fp32 or fp16."""
    import torch
    from safetensors.torch import load_file, save_file

    out = folder / BASE
    out.mkdir(parents=True, exist_ok=True)
    for name in BASE_FILES:
        if (model_dir / name).exists():
            shutil.copyfile(model_dir / name, out / name)
    tensors = load_file(str(model_dir / "model.safetensors"))
    if dtype == "fp16":
        tensors = {k: v.to(torch.float16) if v.is_floating_point() else v for k, v in tensors.items()}
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt", "packed": dtype})


def widen_base(folder: Path) -> Path:
    """The packed base as an fp32 model folder that `transformers` reads; returns its path."""
    import torch
    from safetensors.torch import load_file, save_file

    base = folder / BASE
    tensors = load_file(str(base / "model.safetensors"))
    if any(v.dtype == torch.float16 for v in tensors.values()):
        tensors = {k: v.float() if v.is_floating_point() else v for k, v in tensors.items()}
        save_file(tensors, str(base / "model.safetensors"), metadata={"format": "pt", "packed": "fp16, widened"})
    return base
