"""The studio's ASGI app: pages and the JSON API on one FastAPI app, guarded the same way.

Errors are JSON `{"error": "..."}` with the status that fits (400, 401, 403, 404, 409, 413,
422); an unexpected exception is a 500 naming its type, never a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from shortgen_assets.settings import Settings
from shortgen_assets.studio import api, pages
from shortgen_assets.studio.security import BodyLimit, Guard
from shortgen_assets.studio.service import Studio, StudioError

log = logging.getLogger("shortgen.studio")
OPEN_PATHS = frozenset({"/login"})


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _validation_message(exc: RequestValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body") or "body"
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"{where}: {str(first.get('msg', 'invalid')).removeprefix('Value error, ')}{more}"


def create_app(settings: Settings, token: str | None = None) -> FastAPI:
    """The studio for `settings`; with a token, every page and API call must present it."""
    studio = Studio(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        studio.close()

    app = FastAPI(
        title="shortgen studio",
        summary="Review shortgen videos and drive shortgen over HTTP.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.studio = studio
    app.state.guard = Guard(token)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_middleware(BodyLimit)

    @app.middleware("http")
    async def authorize(request: Request, call_next):  # type: ignore[no-untyped-def]
        guard: Guard = request.app.state.guard
        path = request.url.path
        if path in OPEN_PATHS or guard.authorized(request):
            if path.startswith("/api/") and request.method == "POST":
                kind = request.headers.get("content-type", "").split(";")[0].strip()
                if kind and kind != "application/json":
                    return _error(400, "send the body as JSON (Content-Type: application/json)")
            return await call_next(request)
        if path.startswith("/api/"):
            return _error(401, "missing or wrong token; send Authorization: Bearer <token>")
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(StudioError)
    async def refused(_: Request, exc: StudioError) -> Response:
        return _error(exc.status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> Response:
        return _error(422, _validation_message(exc))

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> Response:
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path)
        return _error(500, f"internal error ({type(exc).__name__}); see the server log")

    return app
