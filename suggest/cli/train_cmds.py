"""`cde-suggest train`: fine-tune a small LoRA adapter for the encoder and commit-ready files under models/."""

from __future__ import annotations

import json
import re
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from ._common import err, friendly_errors, make_settings, out

app = typer.Typer()
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,47}$")


@app.command()
def train(
    name: Annotated[str, typer.Option(help="Adapter id and folder name under models/adapters/")] = "esco-kcm-lora-v2",
    seed: Annotated[int, typer.Option(help="Seeds sampling, negatives, batch order and LoRA initialisation")] = 42,
    epochs: Annotated[int, typer.Option(min=1, max=5)] = 1,
    batch_size: Annotated[int, typer.Option(min=4, max=512)] = 32,
    lr: Annotated[float, typer.Option()] = 5e-4,
    rank: Annotated[int, typer.Option(min=1, max=64, help="LoRA rank r (alpha = 2r)")] = 16,
    max_seq_length: Annotated[int, typer.Option(min=16, max=256)] = 48,
    skillskape: Annotated[int, typer.Option(help="Most SkillSkape train pairs")] = 9000,
    esco_alias: Annotated[int, typer.Option(help="Most ESCO alt-label pairs")] = 3000,
    esco_description: Annotated[int, typer.Option(help="Most ESCO description pairs")] = 2000,
    dictionary_pairs: Annotated[int, typer.Option(help="Most pairs from our dictionary")] = 3000,
    dictionary_repeat: Annotated[int, typer.Option(min=1, max=10,
                                                   help="Each dictionary pair this many times an epoch")] = 1,
    device: Annotated[str, typer.Option(help="cpu, or cuda where a GPU is")] = "cpu",
    prepare_only: Annotated[Path | None, typer.Option(
        help="Write the pairs, negatives and base weights to this folder for a fit elsewhere, and stop")] = None,
    pack_base: Annotated[str, typer.Option(help="With --prepare-only: base weights as fp32, fp16 or none")] = "fp32",
    fitted: Annotated[Path | None, typer.Option(
        help="Finish from a fit run's output folder (python -m suggest.training.fit): files, registry, card")] = None,
    hard_negatives: Annotated[bool, typer.Option("--hard-negatives/--no-hard-negatives")] = True,
    validate: Annotated[bool, typer.Option("--validate/--no-validate",
                                           help="Measure TECH + HOUSE validation for the card")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Train a LoRA adapter (seeded), write models/adapters/NAME/ with TRAINING.md and register its sha256."""
    from ..errors import InputError
    from ..training.lora import TrainConfig
    from ..training.pairs import Caps
    from ..training.run import Plan
    from ..training.run import train as run_training

    with friendly_errors():
        if not _NAME.match(name):
            raise InputError("the adapter name must be 2-48 lower-case letters, digits or dashes",
                             code="invalid_name")
        settings = make_settings()
        if device not in ("cpu", "cuda") or pack_base not in ("fp32", "fp16", "none"):
            raise InputError("--device is cpu or cuda; --pack-base is fp32, fp16 or none", code="invalid_input")
        if fitted is not None and not (fitted / "fit_result.json").is_file():
            raise InputError(f"{fitted} holds no fit_result.json: give the OUT folder of "
                             "`python -m suggest.training.fit`", code="invalid_input")
        config = TrainConfig(seed=seed, epochs=epochs, batch_size=batch_size, lr=lr, r=rank, alpha=2 * rank,
                             max_seq_length=max_seq_length, threads=settings.torch_threads, device=device)
        caps = Caps(skillskape=skillskape, esco_alias=esco_alias, esco_description=esco_description,
                    dictionary=dictionary_pairs, dictionary_repeat=dictionary_repeat)
        # the card records the exact command, without the machine's paths
        args = _without(sys.argv[1:], ("--prepare-only", "--pack-base", "--device"))
        args = args[1:] if args[:1] == ["train"] else args
        command = " ".join(["cde-suggest train", *(shlex.quote(a) for a in args)])
        plan = Plan(name=name, config=config, caps=caps, command=command.strip(), hard_negatives=hard_negatives,
                    validate=validate, prepare_only=prepare_only, pack_base=pack_base, fitted=fitted)
        summary = run_training(settings, plan, lambda m: err.print(m, markup=False, highlight=False), _bar)
        if as_json:
            print(json.dumps(summary, indent=2))
        else:
            for k, v in summary.items():
                out.print(f"{k:>10}: {v}", markup=False, highlight=False)


def _without(args: list[str], options: tuple[str, ...]) -> list[str]:
    """The arguments less `options` and their values: the card's command is the one-step CPU equivalent."""
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a in options:
            skip = True
        elif not a.startswith(tuple(f"{o}=" for o in options)):
            out.append(a)
    return out


def _bar(total: int):
    """A tqdm bar on stderr with the running loss; returns the per-step callback."""
    from tqdm import tqdm

    bar = tqdm(total=total, desc="training", unit="step", file=sys.stderr, dynamic_ncols=True)

    def step(loss: float) -> None:
        bar.update(1)
        bar.set_postfix(loss=f"{loss:.3f}")
        if bar.n >= total:
            bar.close()

    return step
