"""Health: a pure status rule, and the concurrent checks that feed it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum


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


Probe = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class HealthCheck:
    name: str
    required: bool
    probe: Probe


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
