"""Learned ranking artefacts on disk: versioned, checksummed, switched by one pointer file, picked up by a
running service without a restart.

Layout under `DATA_DIR/rankers/`: one `vN.json` per learn run (never rewritten) and `active.json`, which
names the active version and the history of activations. Rolling back re-activates the previous entry of
that history; nothing is deleted, so every suggestion stamped with a version can be traced to its file.
The artefacts are a deployment's own (learned from its reviewers), so they live beside its database, not
in the repository.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import CDEError, NotFound


@dataclass(frozen=True)
class Ranker:
    version: str
    sha256: str
    priors: dict[str, float]
    meta: dict[str, Any]
    examples: tuple[dict[str, Any], ...] = ()  # the memory: {text, competency_id, accepted}


def _digest(priors: dict[str, float], params: dict[str, Any], examples: list[dict[str, Any]]) -> str:
    blob = json.dumps({"priors": priors, "params": params, "examples": examples}, sort_keys=True,
                      separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _write(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)  # readers never see half a file


def _pointer(folder: Path) -> dict[str, Any]:
    path = folder / "active.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"active": None, "history": []}


_BODY_ONLY = ("priors", "version", "sha256", "examples")


def save_ranker(folder: Path, priors: dict[str, float], params: dict[str, Any], meta: dict[str, Any],
                examples: list[dict[str, Any]] | None = None) -> Ranker:
    """Write a new version and make it active."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    existing = [int(p.stem[1:]) for p in folder.glob("v*.json") if p.stem[1:].isdigit()]
    version = f"v{max(existing, default=0) + 1}"
    examples = examples or []
    sha = _digest(priors, params, examples)
    body = {"version": version, "sha256": sha, "priors": priors, "params": params, "examples": examples,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"), **meta}
    _write(folder / f"{version}.json", body)
    pointer = _pointer(folder)
    _write(folder / "active.json", {"active": version, "history": pointer["history"] + [version]})
    return Ranker(version, sha, priors, {k: v for k, v in body.items() if k not in _BODY_ONLY}, tuple(examples))


def load_ranker(folder: Path, version: str) -> Ranker:
    path = folder / f"{version}.json"
    if not path.is_file():
        raise NotFound(f"no ranker {version} in {folder}; `cde-suggest learn list` shows the versions",
                       code="ranker_not_found")
    body = json.loads(path.read_text(encoding="utf-8"))
    examples = body.get("examples", [])
    if _digest(body["priors"], body["params"], examples) != body["sha256"]:
        raise CDEError(f"ranker {version} does not match its sha256; run `cde-suggest learn rollback` or "
                       "`cde-suggest learn run` again", code="ranker_corrupt")
    meta = {k: v for k, v in body.items() if k not in _BODY_ONLY}
    return Ranker(body["version"], body["sha256"], body["priors"], meta, tuple(examples))


def active_ranker(folder: Path) -> Ranker | None:
    version = _pointer(folder)["active"]
    return load_ranker(folder, version) if version else None


def rollback(folder: Path) -> Ranker | None:
    """Activate the version before the active one (or none, back to unlearned ranking)."""
    pointer = _pointer(folder)
    history = list(pointer["history"])
    if not history:
        raise NotFound("no learned ranker is active; nothing to roll back", code="ranker_not_found")
    history.pop()
    _write(folder / "active.json", {"active": history[-1] if history else None, "history": history})
    return active_ranker(folder)


def list_rankers(folder: Path) -> list[dict[str, Any]]:
    active = _pointer(folder)["active"]
    out = []
    for path in sorted(folder.glob("v*.json"), key=lambda p: int(p.stem[1:]) if p.stem[1:].isdigit() else 0):
        body = json.loads(path.read_text(encoding="utf-8"))
        out.append({"version": body["version"], "sha256": body["sha256"], "created_at": body.get("created_at"),
                    "method": body.get("method"), "decisions": body.get("decisions"),
                    "examples": len(body.get("examples", [])), "priors": len(body["priors"]),
                    "active": body["version"] == active})
    return out


class RankerWatcher:
    """The active ranker, re-read when `active.json` changes: a learn or rollback in another process takes
    effect on the next request, without a restart. One stat per request is the whole cost."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._ranker: Ranker | None = None

    def current(self) -> Ranker | None:
        pointer = self.folder / "active.json"
        try:
            stamp = pointer.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        with self._lock:
            if stamp != self._stamp:
                self._ranker = active_ranker(self.folder)
                self._stamp = stamp
            return self._ranker


def learn_and_save(decisions: list, left_out: dict[str, int], folder: Path, *, dry_run: bool = False,
                   method: str = "memory") -> dict[str, Any]:
    """Learn from a store's decisions (`Store.learning_decisions()`) and, unless a dry run, save and
    activate the result as a new version. `method` is memory (default) or priors (suggest/learning.py)."""
    from .learning import LearnParams, learn_priors, select_examples

    params = LearnParams()
    examples = select_examples(decisions, params) if method == "memory" else []
    priors = learn_priors(decisions, params) if method == "priors" else {}
    summary = {"method": method, "decisions": len(decisions), "left_out": left_out, "examples": len(examples),
               "priors": len(priors), "reviewers": len({d.reviewer for d in decisions})}
    if dry_run or not (examples or priors):
        return {**summary, "saved": None}
    ranker = save_ranker(folder, priors, params.as_dict(),
                         {"method": method, "decisions": len(decisions), "left_out": left_out}, examples)
    return {**summary, "saved": ranker.version, "sha256": ranker.sha256}


def start_schedule(interval_s: int, store: Any, folder: Path, stop: threading.Event) -> threading.Thread:
    """Re-learn every `interval_s` seconds until `stop` is set (off unless CDE_LEARN_INTERVAL_S > 0). With
    several server processes on one data folder only the one holding the folder's leader lock learns, so
    two processes never write the same version; when it exits, another takes over at its next tick."""
    from .workers import LeaderLock

    leader = LeaderLock(folder / ".learn.lock")

    def loop() -> None:
        while not stop.wait(interval_s):
            if not leader.held():
                continue
            try:
                learn_and_save(*store.learning_decisions(), folder)
            except Exception:  # a failed run keeps the active ranker; the next tick tries again
                import logging

                logging.getLogger("cde.learn").exception("scheduled learning failed")

    thread = threading.Thread(target=loop, name="cde-learn", daemon=True)
    thread.start()
    return thread
