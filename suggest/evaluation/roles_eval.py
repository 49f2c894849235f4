"""Role-grouping quality: the adjusted Rand index between our groups and the gold roles, by structure
(flat lists or JDs with role headings) and by split, with 95% bootstrap intervals; plus the naming
checks and the one-competency-one-role check on the roles we build.

Gold: eval/gold/roles.jsonl, thirty positions (eval/gold/ROLES.md): twenty flat, shuffled lists and ten
with role headings, each with a `split` (dev: fifteen, test: fifteen). The weights and cut height in
suggest/roles.py were tuned on the flat dev positions ONLY (`tune`); test is reported once.

Measured on dev (flat, mean ARI over ten positions), each tuned the same way:

    before: centred embedding 0.3 + TF-IDF 0.7, cut 0.99 ............................ 0.400
    + competency profile (all entries, centred, top 20) 0.4/0/0.6 ..................... 0.487
    + profile over Functional and Domain entries only, 0.3/0.1/0.6, cut 0.95 (kept) .. 0.542
    + embedding of the line without its verb, 0.2 beside the above ................... 0.572
    + role topics (suggest/role_topics.py) 0.4 and their families 0.15, the first three
      in 3:1:6 in the rest, cut 0.75, single duties merged below 0.9 (kept; `tune`) .... 0.837

The line without its verb needs a second encoder call per JD for +0.03 on ten positions (within noise);
not kept. Other choices of the number of roles, given the profile features: the gold number of roles
(an oracle) 0.557, the silhouette-best k 0.42-0.49, k from a fixed role size 0.51; k-means and spectral
clustering were no better than average linkage (best 0.44 and 0.58 with the oracle k). Those signals
did not separate "revenue courts" from "land records" the way an official does; the role topics do on
dev, but reached only 0.332 on test (from 0.249): the catalogue was written with the dev positions in
view, so the dev figure overstates it (README, Role grouping).

The shipped grouping is now the learned same-role model (suggest/role_pairs.py), fitted on all 132 flat
positions of roles.jsonl and roles_heldout{,2,...,14}.jsonl, so its rows here are in-sample ("ari"; the
role-topic method is "ari_topics"). Its honest figure is leave-one-position-out (roles_lopo.py,
`eval --roles --lopo`): 0.540 [0.496, 0.584] with the role-bank feature, 0.493 without it, against 0.345 for
the previous method and 0.444 for the role-topic method. On the nine unseen sets read after the bank was added
it gave 0.249, 0.565, 0.546, 0.433, 0.740, 0.596, 0.505, 0.274 and 0.558: 0.496 over 72 positions (README,
Role grouping).
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from math import comb
from pathlib import Path
from typing import Any

import numpy as np

from .. import role_bank as B
from .. import role_names as N
from .. import role_pairs as RP
from .. import role_topics as T
from .. import roles as R
from ..segment import Activity, segment
from ..settings import Settings
from .metrics import bootstrap_ci

THRESHOLD_GRID_TOPICS = tuple(round(0.50 + 0.05 * i, 2) for i in range(11))  # 0.50 .. 1.00
# the method of release 9b38f86, for the "before" columns: no profile, threshold 0.99, embedding 0.3
BEFORE = {"distance_threshold": 0.99, "embedding_weight": 0.3, "profile": False}
# the method just before role topics (issue 16's first pass): profile 0.6, embedding 0.3, TF-IDF 0.1, cut 0.95
PREVIOUS = {"threshold": 0.95, "embedding_weight": 0.3, "lexical_weight": 0.1, "topic_weight": 0.0,
            "family_weight": 0.0}
TOPIC_GRID = (0.3, 0.4, 0.5, 0.6, 0.7)  # topic weight; the family view takes FAMILY_GRID
FAMILY_GRID = (0.0, 0.15)


def adjusted_rand_index(labels_true: Sequence[Hashable], labels_pred: Sequence[Hashable]) -> float:
    """Hubert and Arabie's ARI from the contingency table: (index - expected) / (max - expected).

    Both labelings all-in-one or all-singletons (or fewer than two items) agree perfectly: 1.0, as in
    scikit-learn, instead of the 0/0 the formula gives."""
    if len(labels_true) != len(labels_pred):
        raise ValueError("labelings must have the same length")
    n = len(labels_true)
    cells: dict[tuple[Hashable, Hashable], int] = {}
    rows: dict[Hashable, int] = {}
    cols: dict[Hashable, int] = {}
    for t, p in zip(labels_true, labels_pred):
        cells[(t, p)] = cells.get((t, p), 0) + 1
        rows[t] = rows.get(t, 0) + 1
        cols[p] = cols.get(p, 0) + 1
    index = sum(comb(c, 2) for c in cells.values())
    sum_rows = sum(comb(c, 2) for c in rows.values())
    sum_cols = sum(comb(c, 2) for c in cols.values())
    total = comb(n, 2)
    if total == 0:
        return 1.0
    expected = sum_rows * sum_cols / total
    maximum = (sum_rows + sum_cols) / 2
    if maximum == expected:
        return 1.0
    return float((index - expected) / (maximum - expected))


def labels_from_groups(groups: Iterable[Iterable[int]], n: int) -> list[int]:
    labels = [-1] * n
    for g, members in enumerate(groups):
        for i in members:
            labels[i] = g
    return labels


def gold_labels(text: str, roles: list[dict[str, Any]], activities: Sequence[Activity]) -> list[int | None]:
    """Gold role of each segmented activity: the gold bullet with the same text, else the bullet whose
    span in `text` overlaps it most; None when it overlaps none (then it is left out of the score)."""
    spans: list[tuple[int, int, int, str]] = []
    for r, role in enumerate(roles):
        for bullet in role["activities"]:
            b = bullet.strip()
            start = text.find(b)
            spans.append((start, start + len(b) if start >= 0 else -1, r, b))
    exact = {b: r for _, _, r, b in spans}
    out: list[int | None] = []
    for a in activities:
        if a.text.strip() in exact:
            out.append(exact[a.text.strip()])
            continue
        best, best_overlap = None, 0
        for s, e, r, _ in spans:
            overlap = min(e, a.end) - max(s, a.start) if s >= 0 else 0
            if overlap > best_overlap:
                best, best_overlap = r, overlap
        out.append(best)
    return out


@dataclass
class Prepared:
    """One gold position, segmented and scored once, so tuning only re-runs the clustering."""

    id: str
    structured: bool
    split: str
    activities: list[Activity]
    vectors: np.ndarray
    scores: np.ndarray
    truth: list[int | None]
    scored: Any = None  # the suggester's Scored, for naming and per-role ranking
    topics: np.ndarray | None = None  # role-topic scores (role_topics.scored_topic_scores)
    bank: np.ndarray | None = None  # role-bank assignments (role_bank.scored_assignments)


def default_gold_path() -> Path:
    return Path(__file__).resolve().parents[2] / "eval" / "gold" / "roles.jsonl"


def read_gold(path: Path) -> list[dict[str, Any]]:
    from ..errors import InputError

    if not path.is_file():
        raise InputError(f"role gold file not found: {path}", code="file_not_found")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def prepare(suggester: Any, positions: list[dict[str, Any]]) -> list[Prepared]:
    out = []
    for p in positions:
        scored = suggester.score(p["text"])
        acts = scored.activities or segment(p["text"])
        topics = T.scored_topic_scores(scored, suggester.encoder) if scored.activities else None
        bank = (B.scored_assignments(scored, suggester.encoder, suggester.settings.resolved_cache_dir)
                if scored.activities else None)
        out.append(Prepared(str(p["id"]), bool(p.get("structured")), str(p.get("split", "dev")), acts,
                            scored.vectors, scored.scores, gold_labels(p["text"], p["roles"], acts), scored,
                            topics, bank))
    return out


def groups_of(p: Prepared, *, threshold: float | None = None, embedding_weight: float | None = None,
              lexical_weight: float | None = None, profile: bool = True, columns: np.ndarray | None = None,
              topic_weight: float | None = None, family_weight: float | None = None,
              singleton_limit: float | None = None) -> list[list[int]]:
    """Groups by the current method (profile and topics on), or by the one before it (profile off: the
    first release; topic weights 0: the profile method of the release before topics)."""
    t = R.DISTANCE_THRESHOLD if threshold is None else threshold
    w = R.EMBEDDING_WEIGHT if embedding_weight is None else embedding_weight
    tw = R.TOPIC_WEIGHT if topic_weight is None else topic_weight
    fw = R.FAMILY_WEIGHT if family_weight is None else family_weight
    texts = [a.text for a in p.activities]
    if profile:
        lw = R.LEXICAL_WEIGHT if lexical_weight is None else lexical_weight
        topics = p.topics if tw > 0 or fw > 0 else None
        families = T.family_scores(topics, T.load_catalogue()) if topics is not None else None
        feats = R.role_features(texts, p.vectors, scores=p.scores, profile_columns=columns, embedding_weight=w,
                                lexical_weight=lw, profile_weight=max(0.0, 1.0 - w - lw - tw - fw),
                                topics=topics, families=families, topic_weight=tw, family_weight=fw)
    else:
        feats = R.role_features(texts, p.vectors, embedding_weight=w)
    # single duties are merged only in the method with topics; the methods before it did not
    limit = singleton_limit if singleton_limit is not None else (R.SINGLETON_LIMIT if profile and tw > 0 else None)
    return R.group_activities(p.activities, feats, distance_threshold=t, singleton_limit=limit)


def learned_groups_of(p: Prepared, columns: np.ndarray | None = None, model: RP.PairModel | None = None
                      ) -> list[list[int]]:
    """Groups by the shipped method: headings, else the learned same-role model (suggest/role_pairs.py)."""
    if R.has_structure(p.activities):
        return R.group_by_section(p.activities)
    model = model or RP.load_model()
    feats = RP.pair_features([a.text for a in p.activities], p.vectors, p.scores, columns, p.topics, p.bank)
    return RP.group_by_probability(RP.same_role_probability(feats, model), model)


def ari_truth(truth: Sequence[int | None], groups: list[list[int]]) -> float:
    """ARI of `groups` against gold role labels, over the activities that map to a gold role."""
    pred = labels_from_groups(groups, len(truth))
    keep = [i for i, t in enumerate(truth) if t is not None]
    return adjusted_rand_index([truth[i] for i in keep], [pred[i] for i in keep])


def ari_groups(p: Prepared, groups: list[list[int]]) -> float:
    return ari_truth(p.truth, groups)


def tune(prepared: list[Prepared], columns: np.ndarray | None = None) -> dict[str, float]:
    """Best threshold and topic and family weights over the grids on the flat dev positions only; the
    embedding, TF-IDF and profile share the rest in the 3:1:6 proportions tuned before topics. Ties keep
    the first found. Returns the settings and their mean ARI."""
    dev = [p for p in prepared if p.split == "dev" and not p.structured]
    best: dict[str, float] = {"ari": -2.0}
    for tw in TOPIC_GRID:
        for fw in FAMILY_GRID:
            rest = 1.0 - tw - fw
            for t in THRESHOLD_GRID_TOPICS:
                kw = dict(threshold=t, embedding_weight=0.3 * rest, lexical_weight=0.1 * rest, topic_weight=tw,
                          family_weight=fw)
                m = float(np.mean([ari_groups(p, groups_of(p, columns=columns, **kw)) for p in dev])) if dev else 0.0
                if m > best["ari"] + 1e-9:
                    best = {**kw, "ari": m}
    return best


def _stat(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"mean": None, "ci": None, "n": 0}
    lo, hi = bootstrap_ci(values, n_resamples=2000, seed=0)
    return {"mean": round(float(np.mean(values)), 4), "ci": [round(lo, 4), round(hi, 4)], "n": len(values)}


def splits_of(prepared: list[Prepared]) -> list[str]:
    """dev and test first, then any other split a gold file names (a held-out set's own)."""
    found = list(dict.fromkeys(p.split for p in prepared))
    return ["dev", "test"] + [s for s in found if s not in ("dev", "test")]


def by_structure(prepared: list[Prepared], per: dict[str, float]) -> dict[str, Any]:
    """ARI mean and 95% bootstrap interval per split and structure (flat, headed)."""
    out: dict[str, Any] = {}
    for split in splits_of(prepared):
        for structure, flag in (("flat", False), ("headed", True)):
            out[f"{split}_{structure}"] = _stat([per[p.id] for p in prepared if p.split == split
                                                 and p.structured == flag])
    return out


def role_checks(suggester: Any, p: Prepared, groups: list[list[int]], *, dedupe: bool = True, topical: bool = True
                ) -> dict[str, Any]:
    """Names and competencies of the roles built from `groups`: lead-ins, unsupported sectors and topics,
    repeated names, and competencies listed in two roles (at different levels). `topical`: names may come
    from role topics (off: the names of the method before them)."""
    d = suggester.dictionary
    structured = R.has_structure(p.activities)
    topics = None if structured or not topical else p.topics
    roles = [R.role_dict(suggester, p.scored, g, structured=structured, top_k=suggester.settings.top_k,
                         min_score=suggester.settings.min_score, topics=topics, context=groups,
                         bank=None if topics is None else p.bank) for g in groups]
    names = N.unique_names([r["name"] for r in roles], [[a["text"] for a in r["activities"]] for r in roles])
    if dedupe:
        roles = R.assign_shared(roles)
    # every flat role is checked against its topics, whether or not its name came from them
    check = None if structured else p.topics
    problems = [N.naming_problems(n, p.scores[np.asarray(g)], d, None if check is None else check[np.asarray(g)])
                for n, g in zip(names, groups)]
    levels: dict[str, set[int]] = {}
    holders: dict[str, int] = {}
    for r in roles:
        for c in r["competencies"]:
            levels.setdefault(c["competency_id"], set()).add(int(c["suggested_level"]))
            holders[c["competency_id"]] = holders.get(c["competency_id"], 0) + 1
    return {"names": names, "lead_in": sum("lead_in" in x for x in problems),
            "unsupported_sector": sum("unsupported_sector" in x for x in problems),
            "unsupported_topic": sum("unsupported_topic" in x for x in problems),
            "duplicate_names": len(names) - len(set(names)),
            "shared_competencies": sum(1 for v in holders.values() if v > 1),
            "shared_at_different_levels": sum(1 for v in levels.values() if len(v) > 1)}


def evaluate_roles(settings: Settings | None, *, gold_path: Path | None = None, suggester: Any = None,
                   checks: bool = True) -> dict[str, Any]:
    """ARI per gold position, by split and structure with intervals, before and after; naming checks."""
    if suggester is None:
        from ..suggester import Suggester

        suggester = Suggester.from_settings(settings)
    prepared = prepare(suggester, read_gold(gold_path or default_gold_path()))
    return summarise(prepared, suggester if checks else None)


def summarise(prepared: list[Prepared], suggester: Any = None) -> dict[str, Any]:
    columns = R.topic_columns(suggester.dictionary) if suggester is not None else None
    after = {p.id: learned_groups_of(p, columns) for p in prepared}
    topical = {p.id: groups_of(p, columns=columns) for p in prepared}
    before = {p.id: groups_of(p, threshold=BEFORE["distance_threshold"],
                              embedding_weight=BEFORE["embedding_weight"], profile=False) for p in prepared}
    previous = {p.id: groups_of(p, columns=columns, **PREVIOUS) for p in prepared}
    per_after = {p.id: round(ari_groups(p, after[p.id]), 4) for p in prepared}
    per_before = {p.id: round(ari_groups(p, before[p.id]), 4) for p in prepared}
    per_previous = {p.id: round(ari_groups(p, previous[p.id]), 4) for p in prepared}
    per_topics = {p.id: round(ari_groups(p, topical[p.id]), 4) for p in prepared}
    model = RP.load_model()
    out: dict[str, Any] = {
        "n_positions": len(prepared),
        "splits": {s: sorted(p.id for p in prepared if p.split == s) for s in splits_of(prepared)},
        "ari": by_structure(prepared, per_after), "ari_before": by_structure(prepared, per_before),
        "ari_previous": by_structure(prepared, per_previous), "ari_topics": by_structure(prepared, per_topics),
        "per_position": per_after, "per_position_before": per_before, "per_position_previous": per_previous,
        "per_position_topics": per_topics,
        "pair_model": {"coef": dict(zip(model.features, model.coef)), "intercept": model.intercept,
                       "rows_per_role": model.rows_per_role, "max_role_size": model.max_role_size},
        # in-sample on every flat position of roles.jsonl and roles_heldout.jsonl: the honest figure is
        # the leave-one-position-out one (cde-suggest eval --roles --lopo)
        "fitted_on": model.fitted_on,
    }
    if suggester is not None:
        out["checks"] = _checks(suggester, prepared, after, dedupe=True)
        out["checks_previous"] = _checks(suggester, prepared, previous, dedupe=True, topical=False)
        out["checks_before"] = _checks(suggester, prepared, before, dedupe=False, topical=False)
    return out


def _checks(suggester: Any, prepared: list[Prepared], groups: dict[str, list[list[int]]], *, dedupe: bool,
            topical: bool = True) -> dict[str, Any]:
    per = {p.id: role_checks(suggester, p, groups[p.id], dedupe=dedupe, topical=topical) for p in prepared}
    keys = ("lead_in", "unsupported_sector", "unsupported_topic", "duplicate_names", "shared_competencies",
            "shared_at_different_levels")
    totals = {k: sum(v[k] for v in per.values()) for k in keys}
    return {**totals, "roles": sum(len(v["names"]) for v in per.values()),
            "names": {pid: v["names"] for pid, v in per.items()}}


def second_pass_agreement(gold_path: Path | None = None, second_path: Path | None = None) -> dict[str, Any]:
    """ARI between the first and the second grouping pass, per position and by structure. Activities are
    matched by text; the second pass groups the same lines."""
    first = {g["id"]: g for g in read_gold(gold_path or default_gold_path())}
    second = read_gold(second_path or default_gold_path().with_name("roles_second_pass.jsonl"))
    per: dict[str, float] = {}
    for s in second:
        f = first[s["id"]]
        lab1 = {a: r for r, role in enumerate(f["roles"]) for a in role["activities"]}
        lab2 = {a: r for r, role in enumerate(s["roles"]) for a in role["activities"]}
        keys = sorted(lab1)
        per[s["id"]] = round(adjusted_rand_index([lab1[k] for k in keys], [lab2[k] for k in keys]), 4)
    flat = [per[i] for i in per if not first[i].get("structured")]
    headed = [per[i] for i in per if first[i].get("structured")]
    return {"all": _stat(list(per.values())), "flat": _stat(flat), "headed": _stat(headed), "per_position": per}
