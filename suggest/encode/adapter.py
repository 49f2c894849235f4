"""Small LoRA adapters committed under models/adapters/, checked by sha256 and merged into the base weights.

An adapter is two files: `adapter.safetensors` (per target layer a `<layer>.lora_A` (r × in) and
`<layer>.lora_B` (out × r) matrix) and `adapter.json` (rank, alpha, targets, the base model's weight sha256).
Loading adds `alpha / r · B @ A` to each target weight once, so serving costs exactly what the base model
costs; peft is needed only to train one (`cde-suggest train`), never to load one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ModelError
from .registry import ModelSpec, registry_path, sha256

FORMAT = "cde-lora-v1"
WEIGHTS = "adapter.safetensors"
CONFIG = "adapter.json"
NONE = "none"
DEFAULT = "default"


@dataclass(frozen=True)
class AdapterSpec:
    id: str
    base: str           # model id in the registry
    base_sha256: str    # sha256 of the base model.safetensors it was trained on
    path: str           # folder, relative to the registry file's folder
    sha256: dict[str, str]
    extra: dict[str, Any] = field(default_factory=dict)

    def folder(self, root: Path | None = None) -> Path:
        return (root or registry_path().parent) / self.path

    @property
    def fix(self) -> str:
        return (f"restore {self.path}/ from the repository (git checkout -- models/{self.path}), retrain it "
                f"with `cde-suggest train`, or set CDE_ADAPTER=none to use the base model")


def load_adapters() -> tuple[str | None, dict[str, AdapterSpec]]:
    """(the registry's default adapter id or None, every registered adapter by id)."""
    data = yaml.safe_load(registry_path().read_text(encoding="utf-8"))
    fields = set(AdapterSpec.__dataclass_fields__) - {"extra"}
    adapters = {a["id"]: AdapterSpec(**{k: v for k, v in a.items() if k in fields},
                                     extra={k: v for k, v in a.items() if k not in fields})
                for a in data.get("adapters") or []}
    default = data.get("default_adapter")
    return (None if default in (None, NONE) else str(default)), adapters


def select_adapter(name: str | None, model: ModelSpec) -> AdapterSpec | None:
    """`none` (or empty) = the base model; `default` = the registry's default adapter for this model, if any."""
    if not name or name == NONE:
        return None
    default, adapters = load_adapters()
    if name == DEFAULT:
        if default is None:
            return None
        name = default
        if adapters.get(name) and adapters[name].base != model.id:
            return None  # the default adapter belongs to another base model: serve this one bare
    if name not in adapters:
        raise ModelError(f"unknown adapter {name!r}; registered adapters: {', '.join(sorted(adapters)) or 'none'}; "
                         "set CDE_ADAPTER to one of them, to default, or to none", code="adapter_unknown")
    spec = adapters[name]
    if spec.base != model.id or spec.base_sha256 != model.sha256.get("model.safetensors"):
        raise ModelError(f"adapter {name} was trained on {spec.base} with other weights than {model.id}'s; "
                         "retrain it with `cde-suggest train` or set CDE_ADAPTER=none", code="adapter_base_mismatch")
    return spec


def verify_adapter(spec: AdapterSpec, root: Path | None = None) -> Path:
    """The adapter's folder, after every recorded file matched its sha256 (same contract as a model package)."""
    folder = spec.folder(root)
    for name, expected in spec.sha256.items():
        f = folder / name
        if not f.is_file():
            raise ModelError(f"adapter file {name} of {spec.id} is missing; {spec.fix}", code="adapter_missing",
                             detail={"file": f"models/{spec.path}/{name}"})
        if sha256(f) != expected:
            raise ModelError(f"adapter file {name} of {spec.id} is corrupt (sha256 mismatch); {spec.fix}",
                             code="adapter_corrupt", detail={"file": f"models/{spec.path}/{name}", "expected": expected})
    return folder


def combined_revision(model: ModelSpec, adapter: AdapterSpec | None) -> str:
    """The encoder revision: the base model's alone without an adapter (old caches stay valid), else one sha256
    over both, so an index or suggestion set made with the adapter is never mistaken for a base-model one."""
    if adapter is None:
        return model.revision
    blob = json.dumps({"model": model.revision, "adapter": adapter.sha256}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def read_config(folder: Path) -> dict:
    config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
    if config.get("format") != FORMAT:
        raise ModelError(f"{folder.name}/{CONFIG} is not a {FORMAT} adapter; retrain it with `cde-suggest train`",
                         code="adapter_corrupt")
    return config


def merge_into(module, folder: Path) -> int:
    """Add each LoRA delta to the matching weight of a transformers BertModel, in place; returns layers merged."""
    import torch
    from safetensors.torch import load_file

    config = read_config(folder)
    tensors = load_file(str(folder / WEIGHTS))
    scale = float(config["alpha"]) / float(config["r"])
    params = dict(module.named_parameters())
    layers = sorted({k.rsplit(".", 1)[0] for k in tensors})
    with torch.no_grad():
        for layer in layers:
            weight = params.get(f"{layer}.weight")
            a, b = tensors.get(f"{layer}.lora_A"), tensors.get(f"{layer}.lora_B")
            if weight is None or a is None or b is None or (b @ a).shape != weight.shape:
                raise ModelError(f"adapter {folder.name} does not fit the base model at {layer}; retrain it with "
                                 "`cde-suggest train` or set CDE_ADAPTER=none", code="adapter_corrupt")
            weight += (b.float() @ a.float()) * scale
    return len(layers)
