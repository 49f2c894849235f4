"""Serving the active dictionary version: poll, rebuild in the background, swap.

Each server process asks the database every CDE_DICTIONARY_POLL_S seconds which version is active (two
short columns). When it differs from the one loaded, a background thread rebuilds that version from the
base dictionary and the stored entries, builds its FAISS index and then replaces the suggester in one
assignment; requests that already hold the old suggester finish with it, new ones get the new one. A
publish on this process wakes the thread at once; the others see it at their next poll.

Polling rather than PostgreSQL's LISTEN/NOTIFY: it works the same on SQLite, needs no connection held
open per process, and a replica that was down when a version was published still finds it on its first
poll. The cost is one indexed query every few seconds.

The index rebuild re-embeds only the texts the old index lacks (a new entry's facets): the other vectors
come from the old index, which the same encoder made, so a publish costs a fraction of a second of
encoding rather than the whole dictionary.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dictionary import Dictionary
from .dictionary_drafts import from_version

if TYPE_CHECKING:  # the engine is imported when an index is built, not when the app is assembled
    import numpy as np

    from .encode import Encoder
    from .suggester import Suggester

log = logging.getLogger("cde.dictionary")


class _Reuse:
    """An encoder that answers texts it has seen from stored vectors and encodes only the rest."""

    def __init__(self, encoder: Encoder, known: dict[str, np.ndarray]) -> None:
        self.encoder, self.known = encoder, known
        self.model_id, self.revision, self.dimension = encoder.model_id, encoder.revision, encoder.dimension
        self.encoded = 0  # texts actually sent to the model, for the log

    def encode(self, texts: list[str]) -> np.ndarray:
        import numpy as np

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        todo = [i for i, t in enumerate(texts) if t not in self.known]
        for i, t in enumerate(texts):
            if t in self.known:
                out[i] = self.known[t]
        if todo:
            out[todo] = self.encoder.encode([texts[i] for i in todo])
            self.encoded += len(todo)
        return out


def rebuild(old: Suggester, dictionary: Dictionary) -> Suggester:
    """A suggester for `dictionary` with the old one's settings and encoder, and an index built mostly
    from the old index's vectors."""
    from .index import FacetConfig, build_or_load, level_texts
    from .suggester import Suggester

    s = old.settings
    known = {old.index.rows[int(i)].text: old.index.vectors[int(i)] for i in old.index.dense_rows}
    known.update({t: old.index.level_vectors[i] for i, t in enumerate(level_texts(old.dictionary.entries)) if t})
    encoder = _Reuse(old.encoder, known)
    config = FacetConfig(theme=s.facet_theme, description=s.facet_description, dense_aliases=s.dense_aliases)
    index = build_or_load(dictionary, encoder, Path(s.resolved_cache_dir), config=config)
    log.info("index for dictionary %s: %d rows, %d texts encoded", dictionary.version, len(index.rows),
             encoder.encoded)
    return Suggester(s, dictionary, old.encoder, index)


def active_dictionary(base: Dictionary, store: Any) -> Dictionary:
    """The dictionary the database says is in force: the base, or the active version rebuilt on it."""
    head = store.dictionary_versions.active_head()
    if head is None:
        return base
    return from_version(base, store.dictionary_versions.get_version(head[0]))


class DictionaryWatcher:
    """Keeps `services.suggester` on the active version. `services` needs: suggester, store and base(),
    and may offer wrap(suggester) (duck-typed, so this module does not depend on the API package)."""

    def __init__(self, services: Any, poll_s: float) -> None:
        self.services, self.poll_s = services, poll_s
        self.building: str | None = None
        self.error: str | None = None
        self._wake, self._stop, self._busy = threading.Event(), threading.Event(), threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self.poll_s > 0 and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cde-dictionary-poll", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def wake(self) -> None:
        """Check now (after a publish on this process): through the poll thread, or a one-off thread."""
        if self._thread is not None and self._thread.is_alive():
            self._wake.set()
        else:
            threading.Thread(target=self.check, name="cde-dictionary-reload", daemon=True).start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check()
            self._wake.wait(self.poll_s)
            self._wake.clear()

    def wanted(self) -> tuple[str, str]:
        """(version, fingerprint) that should be served now."""
        base = self.services.base()
        head = self.services.store.dictionary_versions.active_head()
        return head if head is not None else (base.version, base.fingerprint)

    def check(self) -> None:
        """One poll: rebuild and swap when the active version is not the loaded one. A check already
        running makes this one a no-op (the running one reads the newest state when it starts)."""
        services = self.services
        if services.store is None or services.suggester is None:
            return
        if not self._busy.acquire(blocking=False):
            return
        try:
            version, fingerprint = self.wanted()
            old = services.suggester
            if old.dictionary.fingerprint == fingerprint:
                self.error = None
                return
            self.building = version
            base = services.base()
            dictionary = base if fingerprint == base.fingerprint else from_version(
                base, services.store.dictionary_versions.get_version(version))
            fresh = rebuild(old, dictionary)
            wrap = getattr(services, "wrap", None)
            if wrap is not None:  # the serving wrappers (micro-batching) the old suggester had
                wrap(fresh)
            services.suggester = fresh
            self.error = None
            services.store.record_event("system", "dictionary.load", dictionary.fingerprint,
                                        {"name": dictionary.name, "version": dictionary.version,
                                         "model": old.encoder.model_id})
        except Exception as exc:  # the old version keeps serving; the next poll tries again
            message = getattr(exc, "message", str(exc))
            if message != self.error:
                log.exception("dictionary reload failed")
            self.error = message
        finally:
            self.building = None
            self._busy.release()
