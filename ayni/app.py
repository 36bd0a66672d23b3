"""The application: `create_app(settings)` assembles routes, middleware and lifespan; nothing at import."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from ayni import apidocs, health
from ayni.actors import CATALOG
from ayni.analytics import routes as analytics_routes
from ayni.analytics.cache import AnswerCache
from ayni.auth import routes as auth_routes
from ayni.auth import sessions
from ayni.clients import ForwardedClient
from ayni.companies import routes as companies_routes
from ayni.config import Settings, load_settings
from ayni.db import UNAVAILABLE_ERRORS, make_database, make_redis
from ayni.header_limit import HeaderSizeLimit
from ayni.jobs import routes as jobs_routes
from ayni.jobs.broker import make_broker
from ayni.jobs.heartbeat import worker_check
from ayni.logs import configure_logging, flush_logs
from ayni.middleware import (
    BodySizeLimitMiddleware,
    LargeAnswersGZipped,
    LivenessShortcut,
    RequestContextMiddleware,
    StrictCORSMiddleware,
    UnhandledErrorMiddleware,
)
from ayni.openapi import build_openapi, openapi_endpoint
from ayni.problems import Problem, handle_problem, problem_response, unavailable
from ayni.resources import HealthCheck, Hooks, Resources
from ayni.sales import routes as sales_routes
from ayni.webapp import web_app

logger = logging.getLogger("ayni.app")


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        problem = Problem(404, "not-found", f"No resource at {request.url.path}.")
    elif exc.status_code == 405:
        allowed = exc.headers.get("Allow", "") if exc.headers else ""
        problem = Problem(
            405,
            "method-not-allowed",
            f"{request.method} is not allowed here; use {allowed}.",
            headers={"Allow": allowed},
        )
    else:
        problem = Problem(exc.status_code, "http-error", str(exc.detail), headers=dict(exc.headers or {}))
    return problem_response(problem)


async def handle_unavailable(request: Request, exc: Exception) -> Response:
    logger.warning("dependency unavailable: %s: %s", type(exc).__name__, exc)
    return problem_response(unavailable("A service Ayni depends on is unavailable; try again shortly."))


def health_checks(res: Resources) -> list[HealthCheck]:
    return [*health.dependency_checks(res), worker_check(res)]


def api_routes() -> list[BaseRoute]:
    return [
        *health.routes,
        *auth_routes.routes,
        *jobs_routes.routes,
        *companies_routes.routes,
        *sales_routes.routes,
        *analytics_routes.routes,
    ]


def all_routes() -> list[BaseRoute]:
    return [
        *api_routes(),
        Route("/api/v1/openapi.json", openapi_endpoint, methods=["GET", "HEAD"]),
        *apidocs.routes,
    ]


def openapi_document(project_name: str) -> dict[str, Any]:
    return build_openapi(all_routes(), project_name, version("ayni"))


def create_app(settings: Settings) -> Starlette:
    routes = all_routes()
    if settings.frontend_dist:
        routes.append(Mount("/", app=web_app(Path(settings.frontend_dist))))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        db = make_database(settings)
        redis = make_redis(settings)
        broker = make_broker(settings, CATALOG.actors)  # connects on first use, like the others
        await db.connect()  # lazy pool: connects to nothing yet, so a down database does not stop start-up
        try:
            yield {
                "resources": Resources(settings=settings, db=db, redis=redis, broker=broker),
                "answers": AnswerCache(),
            }
        finally:
            await db.disconnect()
            await redis.aclose()
            broker.close()
            flush_logs()  # the request lines still buffered, before anything else can stop the process

    production = settings.environment == "production"
    middleware = [
        Middleware(ForwardedClient, hops=settings.forwarded_trusted_hops),
        Middleware(LivenessShortcut, production=production),
        Middleware(RequestContextMiddleware, production=production),
        Middleware(HeaderSizeLimit),
        Middleware(
            StrictCORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_credentials=True,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID", "If-None-Match"],
            expose_headers=["X-Request-ID", "Location", "Retry-After", "WWW-Authenticate", "ETag"],
            max_age=600,
        ),
        Middleware(UnhandledErrorMiddleware),
        Middleware(LargeAnswersGZipped, minimum_size=1024),
        Middleware(
            BodySizeLimitMiddleware,
            max_bytes=settings.max_request_body_bytes,
            path_limits=[(sales_routes.UPLOAD_PATH, settings.import_max_bytes)],
        ),
    ]
    exception_handlers: dict[Any, Any] = {
        Problem: handle_problem,
        HTTPException: handle_http_exception,
        **dict.fromkeys(UNAVAILABLE_ERRORS, handle_unavailable),
    }
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=exception_handlers, lifespan=lifespan)
    app.state.settings = settings
    app.state.hooks = Hooks(
        authenticate=sessions.authenticate, read_token=sessions.read_token, health_checks=health_checks
    )
    app.state.openapi = openapi_document(settings.project_name)
    return app


def app_from_environment() -> Starlette:
    """uvicorn's factory (`ayni serve`): settings and logging from this process's environment."""
    settings = load_settings(os.environ)
    configure_logging(settings, buffered=True)  # a line per request: written in blocks (ayni.logs)
    app = create_app(settings)
    # What is imported and built by now lives as long as the process. Frozen, it is left out of the cyclic
    # garbage collector's full passes, which would otherwise walk all of it (about 70,000 objects, tens of
    # ms) in the middle of requests: /auth/me p99 at 64 connections, 81-102 ms before, 45-53 ms after.
    gc.freeze()
    return app
