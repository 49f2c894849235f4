"""The FastAPI app factory."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from .. import __version__
from ..settings import Settings
from .deps import bounded_openapi
from .errors import install_error_handlers
from .extract import router as extract_router
from .limits import BodyLimitMiddleware, NulGuardMiddleware
from .positions import router as positions_router
from .routes import router
from .services import Services

PUBLIC_PATHS = ("/healthz", "/readyz", "/", "/static", "/openapi.json", "/docs", "/v1/errors")


def _bound_schema(app: FastAPI, settings: Settings) -> None:
    """The schema states the settings' maxima (page size and offset, top_k), so a client or a fuzzer
    that keeps to the schema is never refused for a bound it could not see."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = bounded_openapi(build(), settings)
            top_k = schema["components"]["schemas"]["SuggestRequest"]["properties"]["top_k"]
            next(t for t in top_k["anyOf"] if t.get("type") == "integer")["maximum"] = settings.max_top_k
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


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
    app.add_middleware(NulGuardMiddleware)
    install_error_handlers(app)
    _bound_schema(app, settings)
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
