"""Health: the two endpoints (`/health` touches nothing, `/api/v1/health` checks all), the
concurrent checks behind the second, and the pure rule that turns their results into one status."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Literal

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ayni.resources import HealthCheck, Resources, hooks, resources
from ayni.routing import Access, RouteGroup, json_response
from ayni.sql import fetch_value


class Condition(IntEnum):
    """Ordered from best to worst, so "worse" is a comparison."""

    HEALTHY = 0
    DEGRADED = 1
    UNHEALTHY = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class ServiceResult:
    name: str
    required: bool
    condition: Condition


def overall_condition(results: Iterable[ServiceResult]) -> Condition:
    """`unhealthy` if a required service is unhealthy; `degraded` if any service is not healthy
    (a slow required one, or a missing optional one); `healthy` otherwise."""
    results = list(results)
    if any(r.required and r.condition is Condition.UNHEALTHY for r in results):
        return Condition.UNHEALTHY
    if any(r.condition is not Condition.HEALTHY for r in results):
        return Condition.DEGRADED
    return Condition.HEALTHY


def http_status(condition: Condition) -> int:
    return 200 if condition is Condition.HEALTHY else 503


def condition_for(ok: bool, elapsed: float, slow_after: float) -> Condition:
    if not ok:
        return Condition.UNHEALTHY
    return Condition.DEGRADED if elapsed > slow_after else Condition.HEALTHY


def rfc3339_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def _discard_outcome(task: asyncio.Task[object]) -> None:
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not log it as never retrieved


async def run_check(check: HealthCheck, timeout: float, slow_after: float) -> ServiceResult:
    started = time.perf_counter()
    task = asyncio.ensure_future(check.probe())
    # Not wait_for: it waits for the cancelled probe to unwind, and a probe stuck in a driver (a frozen
    # PostgreSQL) may take its own, much longer, timeout to do so. The answer must not wait for that.
    done, _ = await asyncio.wait({task}, timeout=timeout)
    if not done:
        task.add_done_callback(_discard_outcome)
        task.cancel()
        ok = False
    else:
        ok = task.exception() is None and task.result() is not False
    return ServiceResult(check.name, check.required, condition_for(ok, time.perf_counter() - started, slow_after))


async def run_checks(
    checks: Iterable[HealthCheck], timeout: float, slow_after: float
) -> tuple[Condition, list[ServiceResult]]:
    results = await asyncio.gather(*(run_check(c, timeout, slow_after) for c in checks))
    return overall_condition(results), list(results)


# The endpoints

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
        return await fetch_value(res.db, "SELECT 1")

    async def redis() -> object:
        return await res.redis.ping()

    return [HealthCheck("database", True, database), HealthCheck("redis", True, redis)]


async def liveness(request: Request) -> Response:
    """For the load balancer: answers while the process serves, whatever its dependencies do."""
    return JSONResponse({"status": "healthy"}, headers=NO_STORE)


async def health(request: Request) -> Response:
    """Every dependency checked concurrently, each within HEALTH_CHECK_TIMEOUT; 200 only when healthy."""
    res = resources(request)
    checks = hooks(request).health_checks(res)
    condition, results = await run_checks(checks, res.settings.health_check_timeout, res.settings.health_check_slow)
    report = HealthReport(
        status=condition.label,  # type: ignore[arg-type]
        timestamp=rfc3339_utc(datetime.now(UTC)),
        services={r.name: r.condition.label for r in results},  # type: ignore[misc]
    )
    return json_response(report, http_status(condition), headers=NO_STORE)


_HEALTH = RouteGroup("", tags=("health",))

routes = [
    _HEALTH.get("/health", liveness, Access.PUBLIC, "Liveness", response=Liveness, uses_services=False),
    _HEALTH.get(
        "/api/v1/health",
        health,
        Access.PUBLIC,
        "Health of the API and its dependencies",
        response=HealthReport,
        response_statuses=[503],
    ),
]
