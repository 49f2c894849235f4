"""`python -m suggest.training.fit SET OUT [--device cuda]`: train the LoRA from a prepared set (fitset.py)
and write the adapter tensors plus a small result file into OUT. Needs only torch, transformers, peft and
safetensors, so it runs on a GPU machine without the service installed; `cde-suggest train --fitted OUT`
then registers, checks and documents the adapter where the service lives.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from dataclasses import replace
from pathlib import Path

# cuBLAS is deterministic only with a fixed workspace; must be set before CUDA starts
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

from .fitset import ADAPTER, RESULT, read_fitset, widen_base
from .lora import LoraTrainer, TrainConfig, batches
from .types import gold_keys


def fit(set_dir: Path, out: Path, *, device: str | None = None, model_dir: Path | None = None,
        overrides: dict | None = None) -> dict:
    import torch
    from safetensors.torch import save_file

    pairs, negatives, config, meta = read_fitset(set_dir)
    config = replace(config, **(overrides or {}), **({"device": device} if device else {}))
    base = model_dir or widen_base(set_dir)
    t0 = time.perf_counter()
    trainer = LoraTrainer(base, config)
    losses = trainer.fit(pairs, negatives, gold_keys(pairs), batches(len(pairs), config))
    seconds = time.perf_counter() - t0
    out.mkdir(parents=True, exist_ok=True)
    save_file(dict(sorted(trainer.lora_tensors().items())), str(out / ADAPTER))
    where = torch.cuda.get_device_name(0) if config.device.startswith("cuda") else platform.processor() or "cpu"
    result = {"config": config.as_dict(), "overrides": overrides or {}, "meta": meta, "losses": losses,
              "training_s": round(seconds, 1),
              "device_name": where, "torch": torch.__version__, "pairs": len(pairs)}
    (out / RESULT).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("set_dir", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--device", default=None, help="cpu or cuda (default: the set's own setting)")
    ap.add_argument("--model-dir", type=Path, default=None, help="base model folder, if the set carries none")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override one loop setting, e.g. --set epochs=2 (recorded in the result)")
    args = ap.parse_args()
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = type(getattr(TrainConfig(), key))(value)  # each setting's default gives its type
    r = fit(args.set_dir, args.out, device=args.device, model_dir=args.model_dir, overrides=overrides)
    print(json.dumps({k: v for k, v in r.items() if k != "losses"} | {"loss_first": r["losses"][0],
                                                                       "loss_last": r["losses"][-1]}))


if __name__ == "__main__":
    main()
