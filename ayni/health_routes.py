"""The two health endpoints of DESIGN.md: `/health` (touches nothing) and `/api/v1/health` (checks all)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ayni.health import HealthCheck, http_status, rfc3339_utc, run_checks
from ayni.resources import Resources, resources
from ayni.routing import Access, ApiRoute, json_response

State = Literal["healthy", "degraded", "unhealthy"]
NO_STORE = {"cache-control": "no-store"}


class Liveness(BaseModel):
    status: Literal["healthy"]


class HealthReport(BaseModel):
    status: State
    timestamp: str
    services: dict[str, State]


def dependency_checks(res: Resources) -> list[HealthCheck]:
    async def database() -> object:
        return await res.db.fetch_val("SELECT 1")

    async def redis() -> object:
        return await res.redis.ping()

    return [HealthCheck("database", True, database), HealthCheck("redis", True, redis)]


async def liveness(request: Request) -> Response:
    """For the load balancer: answers while the process serves, whatever its dependencies do."""
    return JSONResponse({"status": "healthy"}, headers=NO_STORE)


async def health(request: Request) -> Response:
    """Every dependency checked concurrently, each within HEALTH_CHECK_TIMEOUT; 200 only when healthy."""
    res = resources(request)
    checks: list[HealthCheck] = request.app.state.health_checks(res)
    condition, results = await run_checks(checks, res.settings.health_check_timeout, res.settings.health_check_slow)
    report = HealthReport(
        status=condition.label,  # type: ignore[arg-type]
        timestamp=rfc3339_utc(datetime.now(UTC)),
        services={r.name: r.condition.label for r in results},  # type: ignore[misc]
    )
    return json_response(report, http_status(condition), headers=NO_STORE)


routes = [
    ApiRoute(
        "/health",
        liveness,
        methods=["GET", "HEAD"],
        access=Access.PUBLIC,
        summary="Liveness",
        response=Liveness,
        tags=["health"],
        uses_services=False,
    ),
    ApiRoute(
        "/api/v1/health",
        health,
        methods=["GET", "HEAD"],
        access=Access.PUBLIC,
        summary="Health of the API and its dependencies",
        response=HealthReport,
        response_statuses=[503],
        tags=["health"],
    ),
]
