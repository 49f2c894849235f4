"""Import spaCy without letting it pull in torch.

spaCy imports thinc, and thinc imports torch whenever torch is installed (to offer its torch layers). We
use only the blank English pipeline and the small trained one, whose layers are thinc's own numpy code, so
torch would cost the serving process ~180 MB and a second or more of start for nothing. While spaCy is
first imported, torch is made to look absent; thinc then records `has_torch = False` and never asks again.
A process that already runs torch (the torch runtime, training, the ONNX export) imports spaCy as usual.
"""

from __future__ import annotations

import importlib.abc
import sys
import threading
from types import ModuleType

_lock = threading.Lock()
_HIDDEN = ("torch",)


class _HideTorch(importlib.abc.MetaPathFinder):
    """Hides torch from the importing thread only: another thread that needs torch (the torch runtime loading
    beside spaCy) still gets it, and thinc then simply finds it already loaded."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name, path=None, target=None):
        if threading.get_ident() == self.thread and name.split(".", 1)[0] in _HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r} (hidden while spaCy loads)", name=name)
        return None


def import_spacy() -> ModuleType:
    """The spacy module, imported so that thinc sees no torch unless torch is already loaded."""
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    with _lock:
        finder = _HideTorch()
        sys.meta_path.insert(0, finder)
        try:
            import spacy
        finally:
            sys.meta_path.remove(finder)
    return spacy
