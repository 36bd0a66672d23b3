"""The job machinery's own work: the ping actor (the operator's one-request proof that the API, Redis, the
worker and the database work together), re-sending the outbox, purging finished jobs."""

from __future__ import annotations

import asyncio
import logging

import redis

from ayni.jobs import store
from ayni.jobs.broker import job_message
from ayni.jobs.catalog import ActorSpec, JobContext, PeriodicTask, TaskContext

logger = logging.getLogger("ayni.maintenance")

SWEEP_AFTER_SECONDS = 30.0


class PingFailed(RuntimeError):
    pass


async def ping(ctx: JobContext, sleep_ms: int = 0, fail: bool = False) -> dict[str, object]:
    steps = 10 if sleep_ms else 0  # without a sleep there is no progress to show before "succeeded"
    for step in range(steps):
        await asyncio.sleep(sleep_ms / 1000 / steps)
        await ctx.report_progress((step + 1) / steps)
    if fail:
        raise PingFailed("ping was asked to fail")
    return {"pong": True, "slept_ms": sleep_ms}


async def sweep_outbox(ctx: TaskContext) -> int:
    """Send the messages of committed jobs that the API could not hand to Redis."""
    sent = 0
    for job_id, actor, kwargs in await store.claim_unsent(ctx.db, SWEEP_AFTER_SECONDS):
        try:
            queue = ctx.broker.get_actor(actor).queue_name
            await asyncio.to_thread(ctx.broker.enqueue, job_message(actor, queue, job_id, kwargs))
        except redis.RedisError:
            await store.release_claim(ctx.db, job_id)
            raise
        await store.mark_sent(ctx.db, job_id)
        sent += 1
    return sent


async def purge_finished_jobs(ctx: TaskContext) -> int:
    return await store.purge_finished(ctx.db, ctx.settings.job_retention_days)


PING = ActorSpec(name="ping", fn=ping, max_retries=3, time_limit_ms=30_000, min_backoff_ms=500, max_backoff_ms=5_000)
SWEEP_OUTBOX = PeriodicTask("sweep-outbox", 15, sweep_outbox)
PURGE_FINISHED_JOBS = PeriodicTask("purge-finished-jobs", 3600, purge_finished_jobs)
