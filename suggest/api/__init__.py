"""The REST API: `create_app(settings)` builds a FastAPI app with no module-level state."""

from .app import create_app

__all__ = ["create_app"]
