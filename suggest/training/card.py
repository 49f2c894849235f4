"""Writing a trained adapter: its two files, its entry in models/registry.yaml, and its training card."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from ..encode.adapter import CONFIG, FORMAT, WEIGHTS
from ..encode.registry import sha256

BEGIN, END = "# adapters:begin", "# adapters:end"
HEADER = ("# LoRA adapters merged into a base model at load (CDE_ADAPTER). Written by `cde-suggest train`;\n"
          "# sha256 of each file is checked before use, base_sha256 names the model.safetensors it was trained on.\n")


def save_adapter(tensors: dict, folder: Path, *, base: str, base_sha256: str, r: int, alpha: int) -> dict[str, str]:
    """Write the adapter; returns {file: sha256}. safetensors output depends only on the tensors, so the same
    training run gives the same bytes."""
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    save_file(dict(sorted(tensors.items())), str(folder / WEIGHTS))
    config = {"format": FORMAT, "base": base, "base_sha256": base_sha256, "r": r, "alpha": alpha,
              "layers": sorted({k.rsplit(".", 1)[0] for k in tensors})}
    (folder / CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return {name: sha256(folder / name) for name in (WEIGHTS, CONFIG)}


def register(registry: Path, entry: dict, *, make_default: bool | None = None) -> None:
    """Insert or replace one adapter in the registry's managed block, keeping the rest of the file as written."""
    text = registry.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    adapters = [a for a in data.get("adapters") or [] if a["id"] != entry["id"]] + [entry]
    default = data.get("default_adapter") or "none"
    if make_default is True:
        default = entry["id"]
    elif make_default is False and default == entry["id"]:
        default = "none"
    block = HEADER + yaml.safe_dump({"default_adapter": default, "adapters": adapters}, sort_keys=False, width=110)
    managed = f"{BEGIN}\n{block}{END}\n"
    if BEGIN in text:
        text = re.sub(rf"{re.escape(BEGIN)}.*?{re.escape(END)}\n?", lambda _: managed, text, flags=re.DOTALL)
    else:
        text = text.rstrip("\n") + "\n" + managed
    registry.write_text(text, encoding="utf-8")


def _table(figures: dict) -> str:
    rows = ["| figure | value |", "|---|---|"]
    rows += [f"| {k} | {v} |" for k, v in figures.items()]
    return "\n".join(rows)


def write_card(folder: Path, *, name: str, command: str, config: dict, caps: dict, counts: dict, n_pairs: int,
               steps: int, seconds: dict, losses: list[float], figures: dict, files: dict, base: dict,
               fitted_on: str | None = None) -> None:
    first = sum(losses[:10]) / max(1, len(losses[:10]))
    last = sum(losses[-10:]) / max(1, len(losses[-10:]))
    where = "" if not fitted_on else f"""
The fit itself ran on {fitted_on}, from a set prepared here: the same command with `--prepare-only DIR`,
then `python -m suggest.training.fit DIR OUT --device cuda` on that machine, then
`cde-suggest train --name {name} --fitted OUT` here. The one command above runs all three steps on a CPU
(hours on 2 cores, see "Run"); a CPU and a GPU round floats differently, so the two give adapters that
differ in float noise, not in kind.
"""
    text = f"""# Adapter `{name}`: training card

Written by `cde-suggest train`. Reproduce it (same data, same seed, same adapter within float noise) with:

```bash
{command}
```
{where}
## Data ({n_pairs} pairs)

Sources and counts after the leakage filter (any anchor or positive whose case- and whitespace-normalised
text is a TECH/HOUSE/TECHWOLF validation or test sentence, a SkillSkape dev/test sentence, an O*NET task of
either split, or a line of `eval/gold/*.jsonl` is dropped) and the per-source caps:

{_table(counts)}

Caps: `{json.dumps(caps)}`. SkillSkape = its train split only (sentence → each ESCO label it carries that is
in the 13,896-label space). ESCO = alt label → preferred label and description → preferred label. Dictionary
= the bundled dictionary's examples, ASK statements and aliases → the entry's name row as the index embeds it.
O*NET task → DWA pairs: none, because the benchmark assigns every occupation to validation or test.
Hard negatives: per pair, one competency drawn from the base model's top 10 non-gold hits in the same FAISS
index the service uses (bare ESCO labels; the dictionary's facet rows).

## Hyper-parameters

{_table(config)}

LoRA on every attention (query/key/value/output) and feed-forward projection of the 6 layers. Loss: in-batch
multiple-negatives ranking (cosine × scale, cross-entropy) over the batch's positives plus its mined negatives,
with candidates that are one of the anchor's own competencies masked out. AdamW, linear warm-up then decay.

## Run

{_table({"optimizer steps": steps, **{k: f"{v:.0f} s" for k, v in seconds.items()},
         "mean loss, first 10 steps": f"{first:.3f}", "mean loss, last 10 steps": f"{last:.3f}"})}

## Figures it gave (validation only; `cde-suggest eval`, this adapter)

{_table(figures)}

## Files

{_table({**{f"`{k}` sha256": f"`{v}`" for k, v in files.items()}, **{f"base {k}": f"`{v}`" for k, v in base.items()}})}
"""
    (folder / "TRAINING.md").write_text(text, encoding="utf-8")
