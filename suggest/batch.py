"""`cde-suggest batch`, whatever runs it: input rows become (id, text) items, each item one record.

Both engines (local, in this process; Ray, in an actor pool) go through `suggest_items`, so a record
means the same whichever engine made it. A record carries the suggestion set as JSON text rather than a
nested object: it crosses Arrow and Parquet as one string column, and the JSONL writer splices it in
unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import CDEError

Item = tuple[str, str]  # (id, text)
RECORD_FIELDS = ("id", "result", "error", "error_code", "competency_ids")


def items_from_rows(rows: Sequence[dict[str, Any]]) -> list[Item]:
    """An item without an id is numbered by its place in the file (from 1), as the local engine always did."""
    items = []
    for n, row in enumerate(rows):
        text = row.get("text")
        text = text if isinstance(text, str) else "" if text is None else str(text)
        items.append((str(row.get("id") or n + 1), text))
    return items


def record(item_id: str, res: Any) -> dict[str, Any]:
    """One record: the suggestion set, or the error that item met (a bad item never stops the batch)."""
    if isinstance(res, CDEError):
        return {"id": item_id, "result": None, "error": json.dumps(res.to_dict()), "error_code": res.code,
                "competency_ids": []}
    return {"id": item_id, "result": json.dumps(res.model_dump(mode="json")), "error": None, "error_code": None,
            "competency_ids": [s.competency_id for s in res.suggestions]}


def suggest_chunk(suggester, items: Sequence[Item]) -> list[dict[str, Any]]:
    """The records of several items whose lines go through the encoder in one call (`suggest_many`);
    each item is still ranked on its own, so a record is what `suggest` alone would give."""
    results = suggester.suggest_many([text for _, text in items])
    return [record(item_id, res) for (item_id, _), res in zip(items, results)]


def suggest_items(suggester, items: Sequence[Item], *, chunk: int = 1,
                  on_done: Callable[[dict[str, Any]], None] | None = None) -> Iterator[dict[str, Any]]:
    for start in range(0, len(items), max(1, chunk)):
        for rec in suggest_chunk(suggester, items[start:start + max(1, chunk)]):
            if on_done:
                on_done(rec)
            yield rec


@dataclass(frozen=True)
class Span:
    """One batch as a worker saw it: which worker, when it was ready, when the batch started and ended."""

    worker: str
    ready: float
    start: float
    end: float
    items: int


def steady_rate(spans: Sequence[Span]) -> dict[str, float]:
    """Items per second once every worker is up: model loads (slow, and serialised on a cold cache) and a
    late-starting worker would otherwise decide the figure. Only batches begun after the last worker was
    ready count, over the time from that moment to the last batch's end."""
    if not spans:
        return {"items_per_s": 0.0, "window_s": 0.0, "items_counted": 0, "workers": 0}
    ready: dict[str, float] = {}
    for s in spans:
        ready[s.worker] = min(ready.get(s.worker, s.ready), s.ready)
    all_ready = max(ready.values())
    counted = [s for s in spans if s.start >= all_ready]
    if not counted:  # every batch began before the last worker came up: fall back to the whole run
        counted, all_ready = list(spans), min(s.start for s in spans)
    window = max(s.end for s in counted) - all_ready
    n = sum(s.items for s in counted)
    return {"items_per_s": n / window if window > 0 else 0.0, "window_s": window, "items_counted": n,
            "workers": len(ready)}
