"""Per-key rate limits for model calls and writes: a token bucket per (key, kind), held in this process.

In process, not in the database: the limit exists to keep one key from taking this process's CPUs and
write lock, and a database counter would itself be a serialised write on every request (the audit
chain already serialises writes). With several worker processes each holds its own buckets, so the
effective limit is the setting times the number of workers; the README says so."""

from __future__ import annotations

import math
import threading
import time
from typing import Annotated

from fastapi import Depends, Request

from ..errors import RateLimited
from .auth import Principal, authenticate

KINDS = {"model": "rate_model_per_min", "write": "rate_writes_per_min"}
# buckets idle this long are full again anyway, so they are dropped to keep memory bounded
_IDLE_S = 120.0


class RateLimiter:
    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}  # (key, kind) -> (tokens, last)

    def take(self, who: str, kind: str, per_min: int) -> None:
        """Spend one token or raise RateLimited with the seconds until one is back."""
        if per_min <= 0:
            return
        rate = per_min / 60.0
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get((who, kind), (float(per_min), now))
            tokens = min(float(per_min), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[(who, kind)] = (tokens, now)
                retry = max(1, math.ceil((1.0 - tokens) / rate))
                raise RateLimited(f"this API key has made more than {per_min} {kind} requests a minute; "
                                  f"retry in {retry} s", detail={"retry_after_s": retry, "kind": kind,
                                                                 "per_min": per_min})
            self._buckets[(who, kind)] = (tokens - 1.0, now)
            if len(self._buckets) > 10_000:
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < _IDLE_S}


def rate(kind: str):
    setting = KINDS[kind]

    def dependency(request: Request, principal: Annotated[Principal, Depends(authenticate)]) -> None:
        services = request.app.state.services
        services.limiter.take(principal.name, kind, getattr(services.settings, setting))

    return Depends(dependency)


ModelRate = rate("model")
WriteRate = rate("write")
