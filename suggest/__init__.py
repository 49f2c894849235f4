"""C-DE competency suggestions: job description -> Karmayogi competencies, reviewed by people."""

__version__ = "0.1.0"

__all__ = ["Settings", "Suggester", "load_dictionary", "segment", "__version__"]


def __getattr__(name: str):
    # lazy, so `import suggest` does not pull torch into light commands
    if name == "Settings":
        from .settings import Settings
        return Settings
    if name == "Suggester":
        from .suggester import Suggester
        return Suggester
    if name == "load_dictionary":
        from .dictionary import load_dictionary
        return load_dictionary
    if name == "segment":
        from .segment import segment
        return segment
    raise AttributeError(name)
