"""`cde-suggest train` end to end: pairs → hard negatives → LoRA → files, registry entry, training card.

Every random choice (sampling, negatives, batch order, LoRA initialisation) is drawn from `seed`, and the
thread count is fixed, so the same data and seed give the same adapter on the same kind of device.

The fit can also run elsewhere: `--prepare-only DIR` stops after the pairs and negatives and writes them
with the base weights (fitset.py); `python -m suggest.training.fit DIR OUT` trains on any machine with
torch; `--fitted OUT` takes the adapter back and does the rest here (files, registry, check, card).
"""

from __future__ import annotations

import json
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
from .fitset import ADAPTER, RESULT, pack_base, write_fitset
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
    prepare_only: Path | None = None  # write the prepared set here and stop
    pack_base: str = "fp32"           # how the prepared set carries the base weights: fp32 | fp16 | none
    fitted: Path | None = None        # a fit run's output folder to finish from


def prepare(settings: Settings, plan: Plan, say: Callable[[str], None]) -> tuple[list, list, dict]:
    """The pairs, one mined negative each (or None), and how many pairs each source gave."""
    spec = get_spec(settings.model_id)
    data_dir = Path(settings.eval_data_dir).resolve()
    cache_dir = Path(settings.resolved_cache_dir)
    esco, kcm = _cached_esco(data_dir), load_dictionary(settings.dictionary)
    pairs, counts = build_pairs(data_dir, esco, kcm, plan.caps, seed=plan.config.seed)
    say(f"{len(pairs)} pairs ({counts}); {steps_for(len(pairs), plan.config)} steps of {plan.config.batch_size}")
    say(f"ETA: mining ~{len({p.anchor for p in pairs}) / ENCODE_PER_S / 60:.0f} min, then training "
        "(timed on the first batch below)")
    negatives: list = [None] * len(pairs)
    if plan.hard_negatives:
        base = load_encoder(spec.id, threads=plan.config.threads, runtime="onnx", cache_dir=cache_dir, adapter="none")
        negatives = mine(pairs, base, {"esco": esco, "kcm": kcm}, cache_dir, seed=plan.config.seed)
    return pairs, negatives, counts


def train(settings: Settings, plan: Plan, say: Callable[[str], None], bar) -> dict:
    """Train, write and register the adapter; returns a summary. `bar(total)` gives a progress callback."""
    if plan.fitted is not None:
        return finish_fitted(settings, plan, say)
    t0 = time.perf_counter()
    spec = get_spec(settings.model_id)
    pairs, negatives, counts = prepare(settings, plan, say)
    t2 = time.perf_counter()
    if plan.prepare_only is not None:
        meta = {"name": plan.name, "command": plan.command, "caps": plan.caps.as_dict(), "counts": counts,
                "hard_negatives": plan.hard_negatives, "prepare_s": round(t2 - t0, 1)}
        write_fitset(plan.prepare_only, pairs, negatives, plan.config, meta)
        if plan.pack_base != "none":
            pack_base(resolve_model_dir(spec), plan.prepare_only, plan.pack_base)
        say(f"prepared set written to {plan.prepare_only}; fit it with "
            f"`python -m suggest.training.fit {plan.prepare_only} OUT --device cuda`, then `cde-suggest train "
            f"--name {plan.name} --fitted OUT`")
        return {"prepared": str(plan.prepare_only), "pairs": len(pairs), "counts": counts}

    steps = steps_for(len(pairs), plan.config)
    trainer = LoraTrainer(resolve_model_dir(spec), plan.config)
    golds = gold_keys(pairs)
    order = batches(len(pairs), plan.config)
    first = order[0]
    per_step = trainer.probe_seconds([pairs[i] for i in first], [negatives[i] for i in first], golds)
    say(f"ETA: training {steps} steps × {per_step:.1f} s ≈ {steps * per_step / 60:.0f} min "
        f"(finishes around {time.strftime('%H:%M', time.localtime(time.time() + steps * per_step))})")
    losses = trainer.fit(pairs, negatives, golds, order, progress=bar(steps))
    t3 = time.perf_counter()
    return finish(settings, plan, trainer.lora_tensors(), losses, counts=counts, n_pairs=len(pairs),
                  seconds={"pairs + mining": t2 - t0, "training": t3 - t2}, fitted_on=None, say=say)


def finish_fitted(settings: Settings, plan: Plan, say: Callable[[str], None]) -> dict:
    """Take a fit run's adapter and result file (fit.py) and finish as a local run would."""
    from safetensors.torch import load_file

    result = json.loads((plan.fitted / RESULT).read_text(encoding="utf-8"))
    meta = result["meta"]
    config = TrainConfig(**result["config"])
    plan.config, plan.caps = config, Caps(**meta["caps"])
    plan.command = command_with(meta["command"], result.get("overrides") or {})
    plan.hard_negatives = meta["hard_negatives"]
    say(f"finishing from a fit on {result['device_name']} ({result['training_s']} s, torch {result['torch']})")
    return finish(settings, plan, load_file(str(plan.fitted / ADAPTER)), result["losses"], counts=meta["counts"],
                  n_pairs=result["pairs"], seconds={"pairs + mining": meta["prepare_s"],
                                                    "training": result["training_s"]},
                  fitted_on=f"{result['device_name']}, torch {result['torch']}", say=say)


FLAGS = {"seed": "--seed", "epochs": "--epochs", "batch_size": "--batch-size", "lr": "--lr", "r": "--rank",
         "max_seq_length": "--max-seq-length"}


def command_with(command: str, overrides: dict) -> str:
    """The prepare command with a fit's overrides written in as their CLI flags (the card's one-step command)."""
    words = command.split()
    for key, value in overrides.items():
        flag = FLAGS.get(key)
        if flag is None:
            continue
        if flag in words:
            i = words.index(flag)
            del words[i:i + 2]
        words += [flag, str(value)]
    return " ".join(words)


def finish(settings: Settings, plan: Plan, tensors: dict, losses: list[float], *, counts: dict, n_pairs: int,
           seconds: dict, fitted_on: str | None, say: Callable[[str], None]) -> dict:
    t3 = time.perf_counter()
    spec = get_spec(settings.model_id)
    data_dir = Path(settings.eval_data_dir).resolve()
    folder = registry_path().parent / "adapters" / plan.name
    files = save_adapter(tensors, folder, base=spec.id, base_sha256=spec.sha256["model.safetensors"],
                         r=plan.config.r, alpha=plan.config.alpha)
    entry = {"id": plan.name, "base": spec.id, "base_sha256": spec.sha256["model.safetensors"],
             "path": f"adapters/{plan.name}", "sha256": files}
    register(registry_path(), entry)
    adapted = load_encoder(spec.id, threads=settings.torch_threads, runtime="torch", adapter=plan.name)
    entry["check_tech_validation_subset_rp5"] = subset_figure(adapted, data_dir)
    register(registry_path(), entry)
    figures = {"TECH validation subset, dense RP@5 (the `make test` check)": entry["check_tech_validation_subset_rp5"]}
    if plan.validate:
        figures.update(validation_figures(settings.model_copy(update={"adapter": plan.name}), say))
    seconds = seconds | {"validation": time.perf_counter() - t3}
    steps = steps_for(n_pairs, plan.config)
    write_card(folder, name=plan.name, command=plan.command, config=plan.config.as_dict() | {
        "hard_negatives": plan.hard_negatives}, caps=plan.caps.as_dict(), counts=counts, n_pairs=n_pairs,
        steps=steps, seconds=seconds, losses=losses, figures=figures, files=files,
        base={"model.safetensors sha256": spec.sha256["model.safetensors"], "model": spec.id}, fitted_on=fitted_on)
    return {"adapter": plan.name, "folder": f"models/adapters/{plan.name}", "files": files, "pairs": n_pairs,
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
