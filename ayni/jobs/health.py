"""The worker's part of /api/v1/health: at least one live heartbeat in Redis."""

from __future__ import annotations

from ayni.health import HealthCheck
from ayni.jobs.middleware import HEARTBEAT_PREFIX
from ayni.resources import Resources


def worker_check(res: Resources) -> HealthCheck:
    async def any_worker_alive() -> bool:
        async for _ in res.redis.scan_iter(match=f"{HEARTBEAT_PREFIX}*", count=100):
            return True
        return False

    # Optional: without a worker the API still serves (degraded), jobs wait in the queue.
    return HealthCheck("worker", False, any_worker_alive)
