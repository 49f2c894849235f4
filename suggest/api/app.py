"""The FastAPI app factory."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from .. import __version__
from ..settings import Settings
from . import contract
from .catalog import router as catalog_router
from .dictionary_versions import router as versions_router
from .errors import install_error_handlers
from .events import router as events_router
from .extract import router as extract_router
from .limits import BodyLimitMiddleware, NulGuardMiddleware
from .out_common import Health, Readiness
from .positions import router as positions_router
from .routes import router
from .services import Services

PUBLIC_PATHS = ("/healthz", "/readyz", "/", "/static", "/openapi.json", "/docs", "/v1/errors")
DESCRIPTION = ("Suggests Karmayogi competencies for job descriptions; reviewers decide. Authenticate with "
               "`Authorization: Bearer <key>`. Every error is `Error` {code, message, detail}; GET /v1/errors "
               "lists the codes. Follow changes with GET /v1/events. Breaking changes get a new /vN prefix.")
TAGS = [{"name": "suggestions", "description": "Suggest competencies for a job description; read the sets"},
        {"name": "review", "description": "Reviewers' decisions on sets and positions, and proposals"},
        {"name": "positions", "description": "Positions grouped into roles; edits, reruns, exports, training needs"},
        {"name": "dictionary", "description": "The competency dictionary and the curation of proposed entries"},
        {"name": "events", "description": "A feed of changes, for frontends that keep their own copy"},
        {"name": "admin", "description": "The audit trail"},
        {"name": "ops", "description": "Health, readiness and the error codes"}]


def _finished_schema(app: FastAPI, settings: Settings) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = contract.finish(build(), settings)
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
            if settings.workers > 1:
                # a worker that is still loading would answer 503; one that has not finished starting takes
                # no connections, so the ready workers serve them meanwhile
                await asyncio.to_thread(services.wait)
        yield
        services.stop()

    app = FastAPI(title="C-DE competency suggestion service", version=__version__, lifespan=lifespan,
                  description=DESCRIPTION, openapi_tags=TAGS)
    app.state.services = services
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes,
                       overrides={"/v1/extract": settings.max_upload_bytes + 64 * 1024})
    app.add_middleware(NulGuardMiddleware)
    if settings.allowed_origins:
        # outermost, so refusals (401, 413, 422) carry the headers too and a browser can read why.
        # Keys travel in a header, never in cookies, so credentials stay off.
        app.add_middleware(CORSMiddleware, allow_origins=settings.allowed_origins, allow_credentials=False,
                           allow_methods=["GET", "POST", "PATCH"],
                           allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
                           expose_headers=["Retry-After", "Content-Disposition"])
    install_error_handlers(app)
    _finished_schema(app, settings)
    for r in (router, extract_router, positions_router, catalog_router, versions_router, events_router):
        app.include_router(r)

    @app.get("/healthz", response_model=Health, operation_id="getHealth", tags=["ops"])
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", response_model=Readiness, operation_id="getReadiness", tags=["ops"],
             responses={503: {"model": Readiness, "description": "still loading, or a component failed"}})
    def readyz(request: Request):
        status = request.app.state.services.readiness()
        ready = all(v == "ready" for v in status.values())
        # a JSONResponse skips the model, so every field it declares is spelled out here
        body = {"ready": ready, "components": status, "code": None, "message": None}
        if not ready:
            body.update(code="not_ready", message="not ready: " + ", ".join(
                f"{k} {v}" for k, v in status.items() if v != "ready"))
        return JSONResponse(body, status_code=200 if ready else 503)

    from ..web import mount_web

    mount_web(app, settings)
    return app


def app_from_env() -> FastAPI:
    """The app with settings from the environment: what each `serve --workers N` process runs."""
    return create_app(Settings())


def contract_schema() -> dict[str, Any]:
    """The OpenAPI document as committed in docs/openapi.json: built with the default settings whatever the
    environment says, since the settings' bounds are part of it."""
    defaults = {name: field.get_default(call_default_factory=True) for name, field in Settings.model_fields.items()}
    return create_app(Settings(**defaults), load=False).openapi()
