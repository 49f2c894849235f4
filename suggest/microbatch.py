"""Micro-batching: concurrent `encode` calls from request threads coalesced into one call of the model.

`BatchingEncoder` wraps any `Encoder` and is one itself. A caller that finds the model idle becomes the
leader: it waits up to the window for others to join, then encodes every waiting caller's texts (up to
`max_sentences`) in one call and hands each its own rows. Callers that arrive while a batch is encoding
queue for the next one, so under load the batches grow by themselves; alone, a request pays at most the
window. The wrapped encoder is only ever called from one thread at a time, which also makes engines that
are not thread-safe safe behind it.

Each text's vector depends only on that text (attention masks keep padding out of it), so a request gets
the vectors it would get alone, to float rounding (tests/test_microbatch.py checks 1e-6 on the real model).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np


@dataclass(eq=False)
class _Job:
    kind: str  # the wrapped encoder's method: encode, or encode_queries (the multilingual model's)
    texts: list[str]
    done: bool = False
    result: np.ndarray | None = None
    error: BaseException | None = None


@dataclass
class BatchStats:
    """What the batches looked like: calls of the wrapped encoder against callers served."""

    calls: int = 0
    requests: int = 0
    sentences: int = 0
    largest: int = 0
    sizes: list[int] = field(default_factory=list)  # requests per call, the last 1,000

    def add(self, requests: int, sentences: int) -> None:
        self.calls += 1
        self.requests += requests
        self.sentences += sentences
        self.largest = max(self.largest, requests)
        self.sizes = (self.sizes + [requests])[-1000:]


class BatchingEncoder:
    """The Encoder protocol over another encoder, coalescing concurrent calls (see the module's note)."""

    def __init__(self, inner, *, window_ms: float = 2.0, max_sentences: int = 256) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.revision = inner.revision
        self.adapter = getattr(inner, "adapter", None)  # the suggester picks its confidence curve by it
        self.dimension = inner.dimension
        self.window_s = max(0.0, window_ms) / 1000.0
        self.max_sentences = max(1, max_sentences)
        self.stats = BatchStats()
        self._cv = threading.Condition()
        self._pending: list[_Job] = []
        self._busy = False

    def __getattr__(self, name: str):
        # anything else the runtime offers (batch_size, adapter) reads through; only encoding is batched.
        # encode_queries exists only where the wrapped encoder has it, so hasattr() still tells callers.
        if name == "inner":
            raise AttributeError(name)
        attr = getattr(self.inner, name)
        if name == "encode_queries":
            return lambda texts: self._submit("encode_queries", list(texts))
        return attr

    def encode(self, texts: list[str]) -> np.ndarray:
        return self._submit("encode", list(texts))

    def _submit(self, kind: str, texts: list[str]) -> np.ndarray:
        if not texts:
            return getattr(self.inner, kind)([])
        job = _Job(kind, texts)
        with self._cv:
            self._pending.append(job)
            self._cv.notify_all()  # a leader waiting out its window may now be full
            while not job.done:
                if not self._busy:
                    self._busy = True
                    self._lead()
                else:
                    self._cv.wait()
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result

    def _lead(self) -> None:
        """Run one batch; called holding the lock with `_busy` set, returns holding it with `_busy` clear."""
        try:
            if self.window_s and self._queued() < self.max_sentences:
                deadline = time.monotonic() + self.window_s
                while self._queued() < self.max_sentences:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._cv.wait(left)
            batch = self._take()
            self._cv.release()
            try:
                self._run(batch)
            finally:
                self._cv.acquire()
        finally:
            self._busy = False
            self._cv.notify_all()

    def _queued(self) -> int:
        return sum(len(j.texts) for j in self._pending)

    def _take(self) -> list[_Job]:
        """The oldest waiting jobs of one kind, up to `max_sentences` (always at least one job)."""
        kind = self._pending[0].kind
        batch, size = [], 0
        for job in self._pending:
            if job.kind != kind:
                continue
            if batch and size + len(job.texts) > self.max_sentences:
                break
            batch.append(job)
            size += len(job.texts)
        taken = set(map(id, batch))
        self._pending = [j for j in self._pending if id(j) not in taken]
        return batch

    def _run(self, batch: list[_Job]) -> None:
        texts = [t for job in batch for t in job.texts]
        try:
            vectors = getattr(self.inner, batch[0].kind)(texts)
        except BaseException as exc:  # every caller in the batch sees the failure, not only the leader
            for job in batch:
                job.error = exc
        else:
            start = 0
            for job in batch:
                job.result = np.ascontiguousarray(vectors[start:start + len(job.texts)])
                start += len(job.texts)
        for job in batch:
            job.done = True
        self.stats.add(len(batch), len(texts))


def batch_encoders(suggester, *, window_ms: float, max_sentences: int) -> None:
    """Put the suggester's English encoder, and its multilingual one whenever that loads, behind batching
    encoders. Idempotent: a suggester already batched is left as it is."""
    if not isinstance(suggester.encoder, BatchingEncoder):
        suggester.encoder = BatchingEncoder(suggester.encoder, window_ms=window_ms, max_sentences=max_sentences)
    multilingual = getattr(suggester, "multilingual", None)
    if multilingual is not None:
        multilingual.wrap_encoder = lambda enc: enc if isinstance(enc, BatchingEncoder) else BatchingEncoder(
            enc, window_ms=window_ms, max_sentences=max_sentences)
