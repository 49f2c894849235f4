"""The one record every training step shares, kept free of heavy imports so the fit can run anywhere torch does."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    anchor: str
    positive: str
    key: str          # id of the competency the positive names: in-batch negatives with this key are masked
    source: str       # skillskape | esco-alias | esco-description | dict-example | dict-ask | dict-alias | ...
    dictionary: str   # "esco" or "kcm": which index its hard negative is mined from


def gold_keys(pairs: list[Pair]) -> dict[str, set[str]]:
    """Anchor text -> every competency any pair links it to (a SkillSkape sentence carries several)."""
    keys: dict[str, set[str]] = {}
    for p in pairs:
        keys.setdefault(p.anchor, set()).add(p.key)
    return keys
