"""Import spaCy and bm25s without the heavy optional packages they pull in when those are installed.

spaCy imports thinc, and thinc imports torch whenever torch is installed (to offer its torch layers); bm25s
imports numba whenever numba is installed (a test-only dependency here, through ranx). We use spaCy's blank
and small trained pipelines, whose layers are thinc's own numpy code, and bm25s's `get_scores`, which is
numpy; torch would cost the serving process ~180 MB and seconds of start, numba ~80 MB, for nothing. While
such a package is first imported, the heavy one is made to look absent to the importing thread; the library
then records it as unavailable and never asks again. A process that already runs torch (the torch runtime,
training, the ONNX export) imports spaCy as usual.
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
import threading
from types import ModuleType

_lock = threading.Lock()


class _Hide(importlib.abc.MetaPathFinder):
    """Hides packages from the importing thread only: another thread that needs torch (the torch runtime loading
    beside spaCy) still gets it, and thinc then simply finds it already loaded."""

    def __init__(self, hidden: tuple[str, ...]) -> None:
        self.thread = threading.get_ident()
        self.hidden = hidden

    def find_spec(self, name, path=None, target=None):
        if threading.get_ident() == self.thread and name.split(".", 1)[0] in self.hidden:
            raise ModuleNotFoundError(f"No module named {name!r} (hidden while a library loads)", name=name)
        return None


def import_hiding(module: str, hidden: tuple[str, ...]) -> ModuleType:
    """`module`, imported so that it sees none of `hidden` unless one of them is already loaded."""
    if module in sys.modules or any(h in sys.modules for h in hidden):
        return importlib.import_module(module)
    with _lock:
        finder = _Hide(hidden)
        sys.meta_path.insert(0, finder)
        try:
            return importlib.import_module(module)
        finally:
            sys.meta_path.remove(finder)


def import_spacy() -> ModuleType:
    return import_hiding("spacy", ("torch",))


def import_bm25s() -> ModuleType:
    return import_hiding("bm25s", ("numba",))
