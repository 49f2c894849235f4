"""The FastAPI app factory."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from .. import __version__
from ..settings import Settings
from .errors import install_error_handlers
from .extract import router as extract_router
from .limits import BodyLimitMiddleware
from .positions import router as positions_router
from .routes import router
from .services import Services

PUBLIC_PATHS = ("/healthz", "/readyz", "/", "/static", "/openapi.json", "/docs", "/v1/errors")


def create_app(settings: Settings | None = None, *, suggester=None, store=None, load: bool = True) -> FastAPI:
    """Build the app. Pass a ready suggester/store (tests) or let it load them in the background."""
    settings = settings or Settings()
    services = Services(settings, suggester=suggester, store=store)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if load:
            services.start()
        yield

    app = FastAPI(title="C-DE competency suggestion service", version=__version__, lifespan=lifespan,
                  description="Suggests Karmayogi competencies for job descriptions; reviewers decide.")
    app.state.services = services
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes,
                       overrides={"/v1/extract": settings.max_upload_bytes + 64 * 1024})
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(extract_router)
    app.include_router(positions_router)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"])
    def readyz(request: Request):
        status = request.app.state.services.readiness()
        ready = all(v == "ready" for v in status.values())
        body = {"ready": ready, "components": status}
        if not ready:
            body.update(code="not_ready", message="not ready: " + ", ".join(
                f"{k} {v}" for k, v in status.items() if v != "ready"))
        return JSONResponse(body, status_code=200 if ready else 503)

    from ..web import mount_web

    mount_web(app, settings)
    return app
