"""The ping actor: the operator's one-request proof that the API, Redis, the worker and the database
work together."""

from __future__ import annotations

import time

from ayni.jobs.catalog import ActorSpec, JobContext


class PingFailed(RuntimeError):
    pass


def ping(ctx: JobContext, sleep_ms: int = 0, fail: bool = False) -> dict[str, object]:
    steps = 10 if sleep_ms else 0  # without a sleep there is no progress to show before "succeeded"
    for step in range(steps):
        time.sleep(sleep_ms / 1000 / steps)
        ctx.report_progress((step + 1) / steps)
    if fail:
        raise PingFailed("ping was asked to fail")
    return {"pong": True, "slept_ms": sleep_ms}


PING = ActorSpec(name="ping", fn=ping, max_retries=3, time_limit_ms=30_000, min_backoff_ms=500, max_backoff_ms=5_000)
