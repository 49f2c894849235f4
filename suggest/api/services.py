"""What the app needs at run time, created per app (no module-level singletons) and loaded in the
background so /healthz answers at once and /readyz says what is still missing."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import Busy, NotReady
from ..settings import Settings
from .rate import RateLimiter

log = logging.getLogger("cde.api")


@dataclass
class Services:
    settings: Settings
    suggester: object | None = None
    store: object | None = None
    errors: dict[str, str] = field(default_factory=dict)
    _thread: threading.Thread | None = None
    _slots: threading.BoundedSemaphore | None = None
    _waiting: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    _stopping: threading.Event = field(default_factory=threading.Event)  # ends the learning schedule and warm-ups
    # the dictionary the settings name; versions published in the database are built on it
    base_dictionary: object | None = None
    watcher: object | None = None

    def __post_init__(self) -> None:
        from ..dictionary_watch import DictionaryWatcher

        if self.base_dictionary is None and self.suggester is not None:
            self.base_dictionary = self.suggester.dictionary
        self.watcher = DictionaryWatcher(self, self.settings.dictionary_poll_s)
        if self.suggester is not None:
            self.wrap(self.suggester)

    def wrap(self, suggester) -> None:
        """Concurrent requests inside model slots share encoder calls (suggest/microbatch.py)."""
        if self.settings.microbatch:
            from ..microbatch import batch_encoders

            batch_encoders(suggester, window_ms=self.settings.batch_window_ms,
                           max_sentences=self.settings.batch_max_sentences)

    @contextmanager
    def model_slot(self) -> Iterator[None]:
        """Bound the CPU-bound model calls: a short queue, then 503 with Retry-After, instead of letting
        the 40-thread pool pile up work (style_reliability.md B.7)."""
        s = self.settings
        with self._lock:
            if self._slots is None:
                self._slots = threading.BoundedSemaphore(s.max_concurrent_suggest)
            if self._waiting >= s.max_concurrent_suggest + s.max_queued_suggest:
                raise Busy("the service is busy with other requests; retry in a few seconds",
                           detail={"retry_after_s": 2})
            self._waiting += 1
        try:
            if not self._slots.acquire(timeout=s.queue_timeout_s):
                raise Busy("the request waited too long for the model; retry in a few seconds",
                           detail={"retry_after_s": 5})
            try:
                yield
            finally:
                self._slots.release()
        finally:
            with self._lock:
                self._waiting -= 1

    def start(self) -> None:
        if self.suggester is not None and self.store is not None:
            self.watcher.start()
            return
        self._thread = threading.Thread(target=self._load, name="cde-load", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the watcher and the learning schedule, and let the loader finish its current encoder call
        (at most CDE_SHUTDOWN_WAIT_S): a process that exits while a daemon thread is inside the encoder's
        native code aborts."""
        self._stopping.set()
        self.watcher.stop()
        self.wait(self.settings.shutdown_wait_s)

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _load(self) -> None:
        if self.store is None:
            try:
                from ..store import Store

                self.store = Store.open(self.settings.resolved_database_url)
            except Exception as exc:  # reported by /readyz; the process stays up
                log.exception("database not ready")
                self.errors["database"] = str(exc)
        if self.store is not None and self.settings.learn_interval_s > 0:
            from ..ranker import start_schedule

            start_schedule(self.settings.learn_interval_s, self.store, self.settings.data_dir / "rankers",
                           self._stopping)
        if self.suggester is None:
            try:
                from ..dictionary import load_dictionary
                from ..suggester import Suggester
                from ..workers import cache_lock

                self.base_dictionary = load_dictionary(self.settings.dictionary)
                # worker processes starting together build the ONNX export and index once, not each
                with cache_lock(self.settings.resolved_cache_dir):
                    suggester = Suggester.from_settings(self.settings, dictionary=self.base_dictionary)
                active = self._active_or_base()
                if active is not self.base_dictionary:
                    from ..dictionary_watch import rebuild

                    # from the base index: a fresh replica encodes only the published entries' texts
                    suggester = rebuild(suggester, active)
                self.wrap(suggester)
                self.suggester = suggester
            except Exception as exc:
                log.exception("model or index not ready")
                self.errors["model"] = getattr(exc, "message", str(exc))
        if self.store is not None and self.suggester is not None:
            d = self.suggester.dictionary.info
            try:
                self.store.record_event("system", "dictionary.load", d.fingerprint,
                                        {"name": d.name, "version": d.version, "model": self.suggester.encoder.model_id})
            except Exception as exc:
                self.errors["database"] = str(exc)
        self.watcher.start()
        if self.suggester is not None:
            self._warm_role_bank()

    def _warm_role_bank(self) -> None:
        """The role bank's prototypes, read from the cache or encoded once (about 70 s on 2 cores when
        `models prepare` has not run), after the service is ready; a `roles` call made meanwhile waits for
        it (role_bank.bank_centroids) rather than encoding the bank a second time."""
        from ..role_bank import bank_centroids
        from ..workers import cache_lock

        try:
            with cache_lock(self.settings.resolved_cache_dir):
                bank_centroids(self.suggester.encoder, cache_dir=self.settings.resolved_cache_dir,
                               should_stop=self._stopping.is_set)
        except InterruptedError:
            log.info("role bank warm-up stopped: the service is stopping")
        except Exception:  # roles still work: the first call encodes the bank itself
            log.exception("role bank prototypes not prepared")

    def _active_or_base(self):
        """The active version when the database names one this server can build; else the base (the
        watcher keeps trying and reports why)."""
        if self.store is None:
            return self.base_dictionary
        try:
            from ..dictionary_watch import active_dictionary

            return active_dictionary(self.base_dictionary, self.store)
        except Exception as exc:
            log.exception("active dictionary version not loaded; serving the base dictionary")
            self.watcher.error = getattr(exc, "message", str(exc))
            return self.base_dictionary

    def base(self):
        """The base dictionary: the one loaded at start (a suggester handed in later counts as loaded then)."""
        if self.base_dictionary is None:
            self.base_dictionary = self.need_suggester().dictionary
        return self.base_dictionary

    def dictionary_current(self):
        """The suggester, once it serves the version the database says is active; 503 while this server
        is still rebuilding (a rerun must never report a diff against the version it was asked to leave)."""
        suggester = self.need_suggester()
        version, fingerprint = self.watcher.wanted()
        if suggester.dictionary.fingerprint != fingerprint:
            self.watcher.wake()
            raise NotReady(f"dictionary version {version} is active but this server still serves "
                           f"{suggester.dictionary.version}; retry in a few seconds", code="dictionary_reloading",
                           detail={"active": version, "loaded": suggester.dictionary.version,
                                   "retry_after_s": 2, "error": self.watcher.error})
        return suggester

    def readiness(self) -> dict[str, str]:
        status = {}
        status["model"] = "ready" if self.suggester is not None else self.errors.get("model", "loading")
        status["index"] = "ready" if self.suggester is not None else self.errors.get("model", "loading")
        status["database"] = "ready" if self.store is not None else self.errors.get("database", "connecting")
        return status

    def need_suggester(self):
        if self.suggester is None:
            raise NotReady("the model and index are still loading; retry in a few seconds",
                           detail=self.readiness())
        return self.suggester

    def need_store(self):
        if self.store is None:
            raise NotReady("the database is not ready; retry in a few seconds", detail=self.readiness())
        return self.store
