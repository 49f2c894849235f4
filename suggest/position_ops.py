"""Editing a position's roles: rename, merge, split, move; and what a rerun changed.

Pure functions over the stored roles payload plus one `Scored` (the per-activity score matrix of the
position's text). Scoring is deterministic, so `suggester.score(text)` gives the same rows the roles
were built from and an edit can recompute competencies without storing a matrix per position.

After an edit, every role's competencies are recomputed from that role's OWN activities only, with the
same `roles.role_competencies` that `roles.build_roles` uses, and `roles.assign_shared` keeps each
competency in the one role with the strongest evidence. All roles, not only the edited ones: a merge can
make the merged role the stronger holder of a competency another role had, and a later move can make it
the weaker one again; only a full pass keeps "one competency, one role, one level" true.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import numpy as np

from . import rank
from .errors import Conflict, InputError
from .role_bank import bank_name, scored_assignments
from .role_names import name_role
from .role_topics import scored_topic_scores
from .roles import activity_dict, assign_shared, build_roles, role_competencies

if TYPE_CHECKING:
    from .suggester import Scored, Suggester

EDIT_OPS = ("rename", "merge", "split", "move")
MAX_ROLE_NAME_CHARS = 200


def params_of(suggester: Suggester) -> dict[str, Any]:
    """The ranking parameters a position was built with; stored so edits rank the same way."""
    s = suggester.settings
    return {"top_k": s.top_k, "min_score": s.min_score}


def initial_roles(suggester: Suggester, text: str) -> dict[str, Any]:
    """The first payload of a new position: roles, unmatched activities and the ranking parameters."""
    scored = suggester.score(text)
    params = params_of(suggester)
    roles = build_roles(suggester, text, scored=scored, **params)
    return {"roles": roles, "unmatched": rank.unmatched(scored.scores, suggester.settings.unmatched_score),
            "params": params}


def check_alignment(roles: list[dict[str, Any]], scored: Scored) -> None:
    """The stored activities must be the ones the text segments into now; if segmentation changed
    (another `max_activities`, a new segmenter), indexes would point at other sentences."""
    for role in roles:
        for a in role["activities"]:
            i = a["index"]
            if not 0 <= i < len(scored.activities) or scored.activities[i].text != a["text"]:
                raise Conflict("the position's text no longer segments into its stored activities; "
                               "rerun the position first", code="segmentation_changed")


# ---------------------------------------------------------------- edits (structure only)


def _role_index(roles: list[dict[str, Any]], value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < len(roles):
        raise InputError(f"{field} must be a role index from 0 to {len(roles) - 1}", code="unknown_role",
                         detail={field: value, "roles": len(roles)})
    return value


def _name(value: Any, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ROLE_NAME_CHARS:
        raise InputError(f"name must be non-blank text of at most {MAX_ROLE_NAME_CHARS} characters",
                         code="invalid_name")
    return value.strip()


def _owner(roles: list[dict[str, Any]], activity: Any) -> int:
    if isinstance(activity, int) and not isinstance(activity, bool):
        for r, role in enumerate(roles):
            if any(a["index"] == activity for a in role["activities"]):
                return r
    raise InputError(f"no activity {activity!r} in this position", code="unknown_activity",
                     detail={"activity": activity})


def _sorted(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(activities, key=lambda a: a["index"])


def rename(roles: list[dict[str, Any]], role: Any, name: Any) -> tuple[list[dict[str, Any]], list[int]]:
    out = copy.deepcopy(roles)
    out[_role_index(out, role, "role")]["name"] = _name(name, required=True)
    return out, []  # a name does not change what a role needs


def merge(roles: list[dict[str, Any]], role_indexes: Any, name: Any = None) -> tuple[list[dict[str, Any]], list[int]]:
    """The roles become one, in the place of the first; without a name it keeps the first one's,
    which may be a name a reviewer already chose."""
    if not isinstance(role_indexes, list) or len(set(map(str, role_indexes))) < 2:
        raise InputError("merge needs 'roles': at least two different role indexes", code="too_few_roles")
    picked = sorted({_role_index(roles, r, "roles[]") for r in role_indexes})
    new_name = _name(name, required=False)
    out = copy.deepcopy(roles)
    first = out[picked[0]]
    first["activities"] = _sorted([a for r in picked for a in out[r]["activities"]])
    if new_name:
        first["name"] = new_name
    if len({out[r].get("section") for r in picked}) > 1:
        first["section"] = None  # the merged role no longer sits under one heading of the JD
    out = [role for r, role in enumerate(out) if r == picked[0] or r not in picked]
    return out, [picked[0]]


def split(roles: list[dict[str, Any]], role: Any, activities: Any, name: Any = None
          ) -> tuple[list[dict[str, Any]], list[int]]:
    """The given activities leave the role for a new one placed right after it."""
    r = _role_index(roles, role, "role")
    if not isinstance(activities, list) or not activities:
        raise InputError("split needs 'activities': the activity indexes to move to the new role",
                         code="no_activities")
    moving = set()
    for a in activities:
        if _owner(roles, a) != r:
            raise InputError(f"activity {a} is not in role {r}", code="activity_not_in_role",
                             detail={"activity": a, "role": r})
        moving.add(a)
    out = copy.deepcopy(roles)
    stay = [a for a in out[r]["activities"] if a["index"] not in moving]
    if not stay:
        raise InputError("a split must leave at least one activity in the role; rename it instead",
                         code="empty_role")
    out[r]["activities"] = stay
    new = {"name": _name(name, required=False), "section": None,
           "activities": _sorted([a for a in roles[r]["activities"] if a["index"] in moving]), "competencies": []}
    out.insert(r + 1, new)
    return out, [r, r + 1]


def move(roles: list[dict[str, Any]], activity: Any, to_role: Any) -> tuple[list[dict[str, Any]], list[int]]:
    """One activity to another role. Emptying a role is refused: a role without activities needs no
    competencies, and removing a role is what merge is for."""
    src = _owner(roles, activity)
    dst = _role_index(roles, to_role, "to_role")
    if src == dst:
        raise InputError(f"activity {activity} is already in role {dst}", code="same_role")
    if len(roles[src]["activities"]) == 1:
        raise InputError(f"moving activity {activity} would leave role {src} empty; merge the roles instead",
                         code="empty_role")
    out = copy.deepcopy(roles)
    moved = next(a for a in out[src]["activities"] if a["index"] == activity)
    out[src]["activities"] = [a for a in out[src]["activities"] if a["index"] != activity]
    out[dst]["activities"] = _sorted(out[dst]["activities"] + [moved])
    return out, [src, dst]


def restructure(roles: list[dict[str, Any]], edit: dict[str, Any]) -> tuple[list[dict[str, Any]], list[int]]:
    """Dispatch one edit; returns the new roles and the indexes (in the new list) to recompute."""
    op = edit.get("op")
    if op == "rename":
        return rename(roles, edit.get("role"), edit.get("name"))
    if op == "merge":
        return merge(roles, edit.get("roles"), edit.get("name"))
    if op == "split":
        return split(roles, edit.get("role"), edit.get("activities"), edit.get("name"))
    if op == "move":
        return move(roles, edit.get("activity"), edit.get("to_role"))
    raise InputError(f"op must be one of {', '.join(EDIT_OPS)}", code="unknown_op")


# ---------------------------------------------------------------- recomputing competencies


def recompute(roles: list[dict[str, Any]], affected: list[int], suggester: Suggester, scored: Scored,
              params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every role's competencies again, each competency in one role; names kept, and made only for the
    affected roles that have none."""
    out = copy.deepcopy(roles)
    topics = bank = None  # role-topic scores and bank assignments, computed only when a role needs a name
    for r, role in enumerate(out):
        group = [a["index"] for a in role["activities"]]
        # rows refreshed too: a move or merge keeps offsets, but a rerun may follow a new segmentation
        role["activities"] = [activity_dict(scored.activities[i]) for i in group]
        role["competencies"] = role_competencies(suggester, scored, group, top_k=int(params["top_k"]),
                                                min_score=float(params["min_score"]))
        if r in affected and not role.get("name"):
            rows = np.asarray(group, dtype=np.int64)
            if topics is None:
                topics = scored_topic_scores(scored, suggester.encoder)
                bank = scored_assignments(scored, suggester.encoder, suggester.settings.resolved_cache_dir)
            texts = [scored.activities[i].text for i in group]
            role["name"] = name_role(texts, scored.scores[rows], suggester.dictionary, topics=topics[rows],
                                     bank=bank_name(bank[rows], texts))
    return assign_shared(out)


def apply_edit(payload: dict[str, Any], edit: dict[str, Any], suggester: Suggester, scored: Scored
               ) -> dict[str, Any]:
    """The payload after one edit, with the affected roles' competencies recomputed."""
    check_alignment(payload["roles"], scored)
    roles, affected = restructure(payload["roles"], edit)
    return {**payload, "roles": recompute(roles, affected, suggester, scored, payload["params"])}


def rerun(payload: dict[str, Any], text: str, suggester: Suggester, scored: Scored) -> dict[str, Any]:
    """Every role's competencies again under the loaded dictionary and model, keeping the reviewers'
    roles (names and grouping): those are their work, and the dictionary does not change the JD.
    Only when the text no longer segments into the stored activities are the roles built afresh."""
    params = params_of(suggester)
    try:
        check_alignment(payload["roles"], scored)
    except Conflict:
        fresh = build_roles(suggester, text, scored=scored, **params)
        return {**payload, "roles": fresh, "params": params,
                "unmatched": rank.unmatched(scored.scores, suggester.settings.unmatched_score)}
    roles = recompute(payload["roles"], list(range(len(payload["roles"]))), suggester, scored, params)
    return {**payload, "roles": roles, "params": params,
            "unmatched": rank.unmatched(scored.scores, suggester.settings.unmatched_score)}


def competency_summary(roles: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per competency across roles: its best score and the level suggested where it scores best."""
    best: dict[str, dict[str, Any]] = {}
    for role in roles:
        for c in role["competencies"]:
            held = best.get(c["competency_id"])
            if held is None or c["score"] > held["score"]:
                best[c["competency_id"]] = {"score": c["score"], "suggested_level": c["suggested_level"]}
    return best


def diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """What a rerun changed, over the set of competencies across all roles.

    Per competency and not per role because decisions are per (position, competency): this is the
    grain at which a reviewer must act — decide the added, see which decisions no longer apply
    (dropped), re-check the changed."""
    old, new = competency_summary(before), competency_summary(after)
    changed = [{"competency_id": cid, "before": old[cid], "after": new[cid]}
               for cid in sorted(old.keys() & new.keys()) if old[cid] != new[cid]]
    return {"added": sorted(new.keys() - old.keys()), "dropped": sorted(old.keys() - new.keys()),
            "changed": changed}
