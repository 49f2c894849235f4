"""The training loop: LoRA (peft) on the frozen MiniLM, in-batch negatives plus one mined hard negative each.

The loss is the multiple-negatives ranking loss written out: for each anchor, softmax cross-entropy over
its positive, every other positive in the batch and every mined negative, on cosine × `scale`. A candidate
that is one of the anchor's own competencies (another pair of the same SkillSkape sentence, or a duplicate
label) is masked out rather than punished. A small hand-written loop, because the sentence-transformers
Trainer needs `datasets`, which this project does not otherwise carry.

The encoder is read with plain `transformers` (BERT, mean pooling, L2 norm: what all-MiniLM-L6-v2's
sentence-transformers modules do), and this module imports nothing else of the service, so the same loop
runs on a GPU machine that has torch, transformers and peft but not the service's own dependencies
(`python -m suggest.training.fit`).
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .types import Pair

# every attention and feed-forward projection of the 6 layers; the pooler is unused by mean pooling
TARGETS = r".*encoder\.layer\.\d+\.(attention\.self\.(query|key|value)|attention\.output\.dense|intermediate\.dense|output\.dense)"


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 42
    epochs: int = 1
    batch_size: int = 64
    lr: float = 5e-4
    weight_decay: float = 0.01
    warmup: float = 0.1
    r: int = 16
    alpha: int = 32
    dropout: float = 0.0   # 0: LoRA dropout costs ~40% more time per step on 2 cores (scouting.md addendum)
    max_seq_length: int = 64
    scale: float = 20.0
    threads: int = 2
    device: str = "cpu"    # "cuda" where one is; the seed fixes the result per device, not across devices

    def as_dict(self) -> dict:
        return asdict(self)


def steps_for(n_pairs: int, config: TrainConfig) -> int:
    return math.ceil(n_pairs / config.batch_size) * config.epochs


def batches(n: int, config: TrainConfig) -> list[list[int]]:
    rng = random.Random(config.seed)
    out = []
    for _ in range(config.epochs):
        order = list(range(n))
        rng.shuffle(order)
        out += [order[i:i + config.batch_size] for i in range(0, n, config.batch_size)]
    return out


class LoraTrainer:
    def __init__(self, model_dir: Path, config: TrainConfig) -> None:
        import torch
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModel, AutoTokenizer

        if config.device.startswith("cuda"):
            torch.use_deterministic_algorithms(True)  # needs CUBLAS_WORKSPACE_CONFIG, set by fit.py
            torch.backends.cuda.matmul.allow_tf32 = False  # fp32 arithmetic, as on a CPU
        torch.manual_seed(config.seed)  # LoRA's A matrices are initialised from torch's generator
        torch.set_num_threads(config.threads)
        self.torch, self.config, self.device = torch, config, torch.device(config.device)
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        base = AutoModel.from_pretrained(str(model_dir), local_files_only=True, dtype=torch.float32)
        lora = LoraConfig(r=config.r, lora_alpha=config.alpha, lora_dropout=config.dropout,
                          target_modules=TARGETS, bias="none")
        self.peft = get_peft_model(base, lora).to(self.device)
        self.params = [p for p in self.peft.parameters() if p.requires_grad]

    def _embed(self, texts: list[str]):
        torch = self.torch
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=self.config.max_seq_length,
                               return_tensors="pt").to(self.device)
        tokens = self.peft(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                           token_type_ids=batch.get("token_type_ids")).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)

    def loss(self, pairs: list[Pair], negatives: list[tuple[str, str] | None], golds: dict[str, set[str]]):
        torch = self.torch
        anchors = self._embed([p.anchor for p in pairs])
        cand_texts = [p.positive for p in pairs]
        cand_keys = [p.key for p in pairs]
        for neg in negatives:
            if neg is not None:
                cand_keys.append(neg[0])
                cand_texts.append(neg[1])
        cands = self._embed(cand_texts)
        scores = anchors @ cands.T * self.config.scale
        mask = [[j != i and key in golds[p.anchor] for j, key in enumerate(cand_keys)] for i, p in enumerate(pairs)]
        scores = scores.masked_fill(torch.tensor(mask, device=self.device), float("-inf"))
        return torch.nn.functional.cross_entropy(scores, torch.arange(len(pairs), device=self.device))

    def probe_seconds(self, pairs, negatives, golds) -> float:
        """Time one forward and backward pass without updating anything: the per-step cost on this machine."""
        start = time.perf_counter()
        self.loss(pairs, negatives, golds).backward()
        for p in self.params:
            p.grad = None
        return time.perf_counter() - start

    def fit(self, pairs: list[Pair], negatives: list, golds: dict[str, set[str]], plan: list[list[int]],
            progress=None) -> list[float]:
        torch, config = self.torch, self.config
        optimizer = torch.optim.AdamW(self.params, lr=config.lr, weight_decay=config.weight_decay)
        warm = max(1, int(len(plan) * config.warmup))
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda s: min((s + 1) / warm, max(0.0, (len(plan) - s) / max(1, len(plan) - warm))))
        self.peft.train()
        losses = []
        for batch in plan:
            loss = self.loss([pairs[i] for i in batch], [negatives[i] for i in batch], golds)
            loss.backward()
            optimizer.step()
            schedule.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(loss.item())
            if progress is not None:
                progress(float(loss))
        self.peft.eval()
        return losses

    def lora_tensors(self) -> dict:
        """The adapter as `<layer>.lora_A` / `<layer>.lora_B` over BertModel's own parameter names."""
        out = {}
        for name, tensor in self.peft.state_dict().items():
            if ".lora_" not in name:
                continue
            layer, _, rest = name.removeprefix("base_model.model.").partition(".lora_")
            out[f"{layer}.lora_{rest.split('.')[0]}"] = tensor.detach().float().cpu().contiguous().clone()
        return out
