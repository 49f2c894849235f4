"""`cde-suggest train` end to end: pairs → hard negatives → LoRA → files, registry entry, training card.

Every random choice (sampling, negatives, batch order, LoRA initialisation) is drawn from `seed`, and the
thread count is fixed, so the same data and seed give the same adapter.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..dictionary import load_dictionary
from ..encode import get_spec, load_encoder, resolve_model_dir
from ..encode.registry import registry_path
from ..evaluation.esco import _cached_esco
from ..settings import Settings
from .card import register, save_adapter, write_card
from .check import subset_figure
from .lora import LoraTrainer, TrainConfig, batches, steps_for
from .mining import gold_keys, mine
from .pairs import Caps, build_pairs

ENCODE_PER_S = 100  # anchors per second the base model embeds for mining on 2 busy cores (measured, rough)


@dataclass
class Plan:
    name: str
    config: TrainConfig
    caps: Caps
    command: str
    hard_negatives: bool = True
    validate: bool = True  # TECH + HOUSE validation through `cde-suggest eval` code, for the card


def train(settings: Settings, plan: Plan, say: Callable[[str], None], bar) -> dict:
    """Train, write and register the adapter; returns a summary. `bar(total)` gives a progress callback."""
    t0 = time.perf_counter()
    spec = get_spec(settings.model_id)
    data_dir = Path(settings.eval_data_dir).resolve()
    cache_dir = Path(settings.resolved_cache_dir)
    esco, kcm = _cached_esco(data_dir), load_dictionary(settings.dictionary)
    pairs, counts = build_pairs(data_dir, esco, kcm, plan.caps, seed=plan.config.seed)
    steps = steps_for(len(pairs), plan.config)
    say(f"{len(pairs)} pairs ({counts}); {steps} steps of {plan.config.batch_size}")
    say(f"ETA: mining ~{len({p.anchor for p in pairs}) / ENCODE_PER_S / 60:.0f} min, then training "
        "(timed on the first batch below)")

    negatives: list = [None] * len(pairs)
    if plan.hard_negatives:
        base = load_encoder(spec.id, threads=plan.config.threads, runtime="onnx", cache_dir=cache_dir, adapter="none")
        negatives = mine(pairs, base, {"esco": esco, "kcm": kcm}, cache_dir, seed=plan.config.seed)
    t2 = time.perf_counter()

    trainer = LoraTrainer(resolve_model_dir(spec), plan.config)
    golds = gold_keys(pairs)
    order = batches(len(pairs), plan.config)
    first = order[0]
    per_step = trainer.probe_seconds([pairs[i] for i in first], [negatives[i] for i in first], golds)
    say(f"ETA: training {steps} steps × {per_step:.1f} s ≈ {steps * per_step / 60:.0f} min "
        f"(finishes around {time.strftime('%H:%M', time.localtime(time.time() + steps * per_step))})")
    losses = trainer.fit(pairs, negatives, golds, order, progress=bar(steps))
    t3 = time.perf_counter()

    folder = registry_path().parent / "adapters" / plan.name
    files = save_adapter(trainer.lora_tensors(), folder, base=spec.id, base_sha256=spec.sha256["model.safetensors"],
                         r=plan.config.r, alpha=plan.config.alpha)
    entry = {"id": plan.name, "base": spec.id, "base_sha256": spec.sha256["model.safetensors"],
             "path": f"adapters/{plan.name}", "sha256": files}
    register(registry_path(), entry)
    adapted = load_encoder(spec.id, threads=plan.config.threads, runtime="torch", adapter=plan.name)
    entry["check_tech_validation_subset_rp5"] = subset_figure(adapted, data_dir)
    register(registry_path(), entry)
    figures = {"TECH validation subset, dense RP@5 (the `make test` check)": entry["check_tech_validation_subset_rp5"]}
    if plan.validate:
        figures.update(validation_figures(settings.model_copy(update={"adapter": plan.name}), say))
    t4 = time.perf_counter()
    seconds = {"pairs + mining": t2 - t0, "training": t3 - t2, "validation": t4 - t3, "total wall": t4 - t0}
    write_card(folder, name=plan.name, command=plan.command, config=plan.config.as_dict() | {
        "hard_negatives": plan.hard_negatives}, caps=plan.caps.as_dict(), counts=counts, n_pairs=len(pairs),
        steps=steps, seconds=seconds, losses=losses, figures=figures, files=files,
        base={"model.safetensors sha256": spec.sha256["model.safetensors"], "model": spec.id})
    return {"adapter": plan.name, "folder": f"models/adapters/{plan.name}", "files": files, "pairs": len(pairs),
            "steps": steps, "seconds": {k: round(v, 1) for k, v in seconds.items()}, "figures": figures,
            "loss_first": losses[0] if losses else None, "loss_last": losses[-1] if losses else None}


def validation_figures(settings: Settings, say: Callable[[str], None]) -> dict:
    from ..evaluation.suites import evaluate_benchmark

    out = {}
    for bench in ("tech", "house"):
        for method in ("dense", "hybrid"):
            r = evaluate_benchmark(settings, bench, "validation", method)
            out[f"{bench.upper()} validation {method} RP@5 / MRR"] = f"{100 * r['rp@5']:.1f} / {r['mrr']:.3f}"
            say(f"{bench} validation {method}: RP@5 {100 * r['rp@5']:.1f}, MRR {r['mrr']:.3f}")
    return out
