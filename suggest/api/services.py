"""What the app needs at run time, created per app (no module-level singletons) and loaded in the
background so /healthz answers at once and /readyz says what is still missing."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from ..errors import NotReady
from ..settings import Settings

log = logging.getLogger("cde.api")


@dataclass
class Services:
    settings: Settings
    suggester: object | None = None
    store: object | None = None
    errors: dict[str, str] = field(default_factory=dict)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        if self.suggester is not None and self.store is not None:
            return
        self._thread = threading.Thread(target=self._load, name="cde-load", daemon=True)
        self._thread.start()

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
        if self.suggester is None:
            try:
                from ..suggester import Suggester

                self.suggester = Suggester.from_settings(self.settings)
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
