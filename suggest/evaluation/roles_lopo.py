"""Leave-one-position-out (LOPO) estimate of role-grouping quality on flat duty lists, and the fit of the
learned same-role model (suggest/role_pairs.py) that ships.

Every quantity a method tunes (the logistic coefficients and the rows-per-role rule of the learned model;
the cut height, and the view weights, of the methods before it) is chosen on the other flat positions and
scored on the left-out one, so each position's ARI is one it had no say in. The positions: the twenty flat
ones of eval/gold/roles.jsonl (dev and test), the eight flat ones of eval/gold/roles_heldout.jsonl
(H01-H08) and, since their once-only checks were made, the eight flat ones of each of
eval/gold/roles_heldout2.jsonl … roles_heldout14.jsonl (H11-H138): 132 in all. Method authors have read
all of them. The role-topic catalogue (role_topics.yaml) began as 75 topics written with
the dev positions in view, so for them the dev rows flatter; its other 223 topics were written by someone
who read no gold file. Any later held-out file is not read here unless passed by name.

    cde-suggest eval --roles --lopo        the table: learned vs previous vs role topics, by source
    cde-suggest eval --roles --fit         refit on all of them and write suggest/role_pairs.json
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import role_pairs as P
from .. import roles as R
from .roles_eval import Prepared, _stat, ari_groups, ari_truth, groups_of, prepare, read_gold

GOLD_DIR = Path(__file__).resolve().parents[2] / "eval" / "gold"
# named one by one: a held-out file written later must be asked for, never picked up by a glob
DEVELOPMENT_GOLD = ("roles.jsonl", "roles_heldout.jsonl", "roles_heldout2.jsonl", "roles_heldout3.jsonl",
                    "roles_heldout4.jsonl", "roles_heldout5.jsonl", "roles_heldout6.jsonl", "roles_heldout7.jsonl",
                    "roles_heldout8.jsonl", "roles_heldout9.jsonl", "roles_heldout10.jsonl", "roles_heldout11.jsonl",
                    "roles_heldout12.jsonl", "roles_heldout13.jsonl", "roles_heldout14.jsonl")
ROWS_PER_ROLE_GRID = (3.0, 3.5, 4.0, 4.5)
L2 = 1.0
THRESHOLDS = tuple(round(0.50 + 0.05 * i, 2) for i in range(11))
REFIT = "cde-suggest eval --roles --fit"


def development_positions(suggester: Any, paths: Sequence[Path] | None = None) -> list[Prepared]:
    rows: list[dict[str, Any]] = []
    for path in paths or [GOLD_DIR / n for n in DEVELOPMENT_GOLD]:
        rows.extend(read_gold(Path(path)))
    return prepare(suggester, rows)


def features_of(p: Prepared, columns: np.ndarray | None) -> np.ndarray:
    return P.pair_features([a.text for a in p.activities], p.vectors, p.scores, columns, p.topics, p.bank)


def fit_model(feats: Sequence[np.ndarray], truths: Sequence[Sequence[int | None]], *,
              grid: Sequence[float] = ROWS_PER_ROLE_GRID, l2: float = L2, fitted_on: str = "") -> P.PairModel:
    """The logistic regression over every training pair, then the rows-per-role value (first best on ties)
    that gives the training positions the best mean ARI under that regression."""
    xs, ys = zip(*(P.upper_pairs(f, t) for f, t in zip(feats, truths)))
    mean, scale, coef, intercept = P.fit_logistic(np.concatenate(xs), np.concatenate(ys), l2=l2)
    base = P.PairModel(P.PAIR_FEATURES, tuple(mean.tolist()), tuple(scale.tolist()), tuple(coef.tolist()),
                       intercept, grid[0], fitted_on=fitted_on, refit=REFIT)
    probs = [P.same_role_probability(f, base) for f in feats]
    best, best_ari = grid[0], -2.0
    for c in grid:
        m = _replace_rows(base, c)
        a = float(np.mean([ari_truth(t, P.group_by_probability(pr, m)) for pr, t in zip(probs, truths)]))
        if a > best_ari + 1e-12:
            best, best_ari = c, a
    return _replace_rows(base, best)


def _replace_rows(m: P.PairModel, rows_per_role: float) -> P.PairModel:
    from dataclasses import replace

    return replace(m, rows_per_role=float(rows_per_role))


def lopo_learned(flat: list[Prepared], columns: np.ndarray | None) -> tuple[dict[str, float], list[float]]:
    """Per left-out position its ARI, and the rows-per-role value each fold chose."""
    feats = [features_of(p, columns) for p in flat]
    per, chosen = {}, []
    for i, p in enumerate(flat):
        rest = [j for j in range(len(flat)) if j != i]
        m = fit_model([feats[j] for j in rest], [flat[j].truth for j in rest])
        chosen.append(m.rows_per_role)
        per[p.id] = ari_truth(p.truth, P.group_by_probability(P.same_role_probability(feats[i], m), m))
    return per, chosen


def lopo_grid(flat: list[Prepared], configs: Sequence[dict[str, Any]],
              groups: Callable[[Prepared, dict[str, Any]], list[list[int]]]) -> dict[str, float]:
    """A method with settings on a grid: each fold takes the settings best on the other positions."""
    table = np.array([[ari_groups(p, groups(p, c)) for c in configs] for p in flat])
    per = {}
    for i, p in enumerate(flat):
        others = np.delete(table, i, axis=0).mean(axis=0)
        per[p.id] = float(table[i, int(np.argmax(others))])  # first best on ties
    return per


def previous_configs() -> list[dict[str, Any]]:
    """Profile 0.6, embedding 0.3, TF-IDF 0.1 (issue 16's first pass); its cut on the grid."""
    return [{"threshold": t, "embedding_weight": 0.3, "lexical_weight": 0.1, "topic_weight": 0.0,
             "family_weight": 0.0} for t in THRESHOLDS]


def topic_configs() -> list[dict[str, Any]]:
    """The role-topic method (roles2): topic and family weights and cut on roles_eval.tune's grids."""
    from .roles_eval import FAMILY_GRID, TOPIC_GRID

    out = []
    for tw in TOPIC_GRID:
        for fw in FAMILY_GRID:
            rest = 1.0 - tw - fw
            out.extend({"threshold": t, "embedding_weight": 0.3 * rest, "lexical_weight": 0.1 * rest,
                        "topic_weight": tw, "family_weight": fw, "singleton_limit": R.SINGLETON_LIMIT}
                       for t in THRESHOLDS)
    return out


def by_source(flat: list[Prepared], per: dict[str, float]) -> dict[str, Any]:
    out = {"all": _stat([per[p.id] for p in flat])}
    for s in dict.fromkeys(p.split for p in flat):
        out[s] = _stat([per[p.id] for p in flat if p.split == s])
    return out


def lopo_report(prepared: list[Prepared], columns: np.ndarray | None) -> dict[str, Any]:
    flat = [p for p in prepared if not p.structured]
    learned, chosen = lopo_learned(flat, columns)
    previous = lopo_grid(flat, previous_configs(), lambda p, c: groups_of(p, columns=columns, **c))
    topics = lopo_grid(flat, topic_configs(), lambda p, c: groups_of(p, columns=columns, **c))
    headed = [p for p in prepared if p.structured]
    return {
        "protocol": "leave one flat position out; every tuned quantity fitted on the others",
        "positions": {s: [p.id for p in flat if p.split == s] for s in dict.fromkeys(p.split for p in flat)},
        "learned": by_source(flat, learned), "previous": by_source(flat, previous),
        "role_topics": by_source(flat, topics),
        "rows_per_role_chosen": sorted(set(chosen)),
        "headed": _stat([ari_groups(p, R.group_by_section(p.activities)) for p in headed]),
        "per_position": {p.id: {"learned": round(learned[p.id], 4), "previous": round(previous[p.id], 4),
                                "role_topics": round(topics[p.id], 4)} for p in flat},
    }


def fit_default(prepared: list[Prepared], columns: np.ndarray | None, lopo: dict[str, Any] | None = None
                ) -> P.PairModel:
    """The shipped model: fitted on every flat development position."""
    from dataclasses import replace

    flat = [p for p in prepared if not p.structured]
    m = fit_model([features_of(p, columns) for p in flat], [p.truth for p in flat],
                  fitted_on=f"{len(flat)} flat positions of " + ", ".join(f"eval/gold/{n}" for n in DEVELOPMENT_GOLD))
    if lopo is not None:
        m = replace(m, lopo={"learned_all": lopo["learned"]["all"], "previous_all": lopo["previous"]["all"],
                             "role_topics_all": lopo["role_topics"]["all"]})
    return m
