"""Public benchmarks through the same Suggester: ESCO (TECH/HOUSE/TECHWOLF), O*NET, and our gold."""

from __future__ import annotations

from pathlib import Path

from ..settings import Settings
from ..suggester import Suggester
from . import runner
from .benchmarks import Benchmark, load_benchmark

GOLD_PATH = Path(__file__).resolve().parents[2] / "eval" / "gold" / "activities.jsonl"
GOLD_SPLITS = {"validation": "dev", "dev": "dev", "test": "test", "all": None}
# For label-only taxonomies (ESCO, O*NET). Chosen on TECH + HOUSE validation only (RP@5 + MRR/2, grid in
# the README): bare labels as the dense name row; alias rows count in BM25 but not in the dense score
# (keeping them out beat a 0.1 penalty, and skips embedding 84k rows); 1000 rows retrieved per query so the
# fusion sees real dense scores, not fills; BM25 weight 0.35.
TAXONOMY_SETTINGS = {"facet_theme": False, "facet_description": False, "dense_aliases": False,
                     "retrieve_rows": 1000, "lexical_weight": 0.35}
# A fine-tuned encoder ranks better on its own, so it wants less BM25: the weight per adapter, re-tuned on
# TECH + HOUSE validation only by the same rule (tools/tune_fusion.py, grid in the README).
ADAPTER_LEXICAL_WEIGHT: dict[str, float] = {"esco-kcm-lora-v2": 0.15}


def active_adapter(settings: Settings) -> str | None:
    from ..encode import get_spec, select_adapter

    chosen = select_adapter(settings.adapter, get_spec(settings.model_id))
    return chosen.id if chosen else None


def benchmark_settings(settings: Settings, name: str) -> Settings:
    if name == "gold":
        return settings
    update = dict(TAXONOMY_SETTINGS)
    adapter = active_adapter(settings)
    if adapter in ADAPTER_LEXICAL_WEIGHT:
        update["lexical_weight"] = ADAPTER_LEXICAL_WEIGHT[adapter]
    return settings.model_copy(update=update)


def load(settings: Settings, name: str, split: str, suggester: Suggester | None = None) -> Benchmark:
    if name == "gold":
        from ..dictionary import load_dictionary

        dictionary = suggester.dictionary if suggester else load_dictionary(settings.dictionary)
        return load_benchmark("gold", GOLD_SPLITS.get(split, split), settings.eval_data_dir,
                              gold_path=GOLD_PATH, dictionary=dictionary)
    return load_benchmark(name, split, settings.eval_data_dir)


def suggester_for(settings: Settings, bench: Benchmark) -> Suggester:
    return Suggester.from_settings(benchmark_settings(settings, bench.name.split("-")[0]),
                                   dictionary=bench.dictionary)


def evaluate_benchmark(settings: Settings, name: str, split: str, method: str,
                       suggester: Suggester | None = None) -> dict:
    bench = load(settings, name, split)
    suggester = suggester or suggester_for(settings, bench)
    if name == "gold" and method == "hybrid":
        result = runner.score(runner.suggest_queries(suggester, bench.queries))
    else:
        result = runner.score(runner.rank_queries(suggester, bench.queries, method))
    result.update(benchmark=name, split=split, method=method, dictionary=bench.dictionary.info.model_dump(),
                  model=suggester.encoder.model_id, adapter=getattr(suggester.encoder, "adapter", None),
                  lexical_weight=suggester.settings.lexical_weight if method == "hybrid" else None)
    return result
