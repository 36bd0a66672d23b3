"""The Dramatiq broker on Redis, built in one place for the API (to enqueue) and the worker (to consume)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any
from uuid import UUID

import databases
import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import AgeLimit, CurrentMessage, Retries, ShutdownNotifications, TimeLimit
from dramatiq.middleware.asyncio import AsyncIO

from ayni.config import Settings
from ayni.db import connect
from ayni.jobs import loop
from ayni.jobs.catalog import ActorSpec, job_context
from ayni.jobs.tracking import FinalFailure, JobRecords

NAMESPACE = "ayni"
# Dramatiq's Redis defaults notice a dead worker after 60 s and run the maintenance that requeues its
# messages on 0.1% of commands, i.e. after many minutes on a quiet queue. Maintenance only requeues for
# the queue of the command that triggers it, and an idle consumer fetches from a queue about once a
# second. With heartbeats expiring after 15 s and maintenance on 20% of commands, a SIGKILLed worker's
# messages are back in the queue about 20 s later (and with odds under one in a million, later than 60 s).
HEARTBEAT_TIMEOUT_MS = 15_000
MAINTENANCE_CHANCE = 200_000  # per million commands
DEFAULT_MAX_RETRIES = 3
DEFAULT_MIN_BACKOFF_MS = 1_000
DEFAULT_MAX_BACKOFF_MS = 300_000


def redis_client(settings: Settings) -> redis.Redis:
    return redis.Redis.from_url(
        settings.redis_url,
        socket_timeout=10,
        socket_connect_timeout=settings.health_check_timeout,
        health_check_interval=30,
    )


def make_broker(
    settings: Settings,
    actors: Sequence[ActorSpec],
    *,
    db: databases.Database | None = None,
    extra_middleware: Sequence[Any] = (),
) -> RedisBroker:
    """The API's broker (no `db`: it only enqueues) or the worker's (`db`: it runs the actors on its event
    loop and keeps their job rows)."""
    # Dramatiq runs "after" hooks in reverse order: JobRecords, listed before Retries, sees a failed
    # attempt after Retries has decided whether it is retried, which decides the job's status.
    records = (
        JobRecords(functools.partial(connect, settings), final_failures(actors, settings, db))
        if db is not None
        else None
    )
    worker_middleware = [AsyncIO(), loop.DatabasePool(db), records] if db is not None else []
    middleware: list[Any] = [
        AgeLimit(),
        TimeLimit(),
        ShutdownNotifications(),
        CurrentMessage(),
        *worker_middleware,
        Retries(
            max_retries=DEFAULT_MAX_RETRIES, min_backoff=DEFAULT_MIN_BACKOFF_MS, max_backoff=DEFAULT_MAX_BACKOFF_MS
        ),
    ]
    broker = RedisBroker(  # type: ignore[no-untyped-call]
        client=redis_client(settings),
        namespace=NAMESPACE,
        heartbeat_timeout=HEARTBEAT_TIMEOUT_MS,
        maintenance_chance=MAINTENANCE_CHANCE,
        middleware=[*middleware, *extra_middleware],
    )
    for spec in actors:
        declare_actor(broker, spec, settings, db, records)
    return broker


def final_failures(actors: Sequence[ActorSpec], settings: Settings, db: databases.Database) -> dict[str, FinalFailure]:
    """Each actor's `on_final_failure`, given the context its job had."""

    def bound(on_final_failure: Callable[..., Coroutine[Any, Any, None]]) -> FinalFailure:
        def call(job_id: UUID | None, kwargs: Mapping[str, Any]) -> Coroutine[Any, Any, None]:
            return on_final_failure(job_context(settings, db, job_id), **kwargs)

        return call

    return {spec.name: bound(spec.on_final_failure) for spec in actors if spec.on_final_failure is not None}


def declare_actor(
    broker: RedisBroker,
    spec: ActorSpec,
    settings: Settings,
    db: databases.Database | None = None,
    records: JobRecords | None = None,
) -> dramatiq.Actor[Any, Any]:
    def run(**kwargs: Any) -> Any:
        assert db is not None, "only the worker's broker runs actors"
        assert records is not None
        message = CurrentMessage.get_current_message()
        raw_id = message.options.get("job_id") if message is not None else None
        job_id = UUID(raw_id) if raw_id else None
        return records.run(job_id, spec.fn(job_context(settings, db, job_id), **kwargs))

    run.__name__ = spec.name
    return dramatiq.Actor(
        run,
        broker=broker,
        actor_name=spec.name,
        queue_name=spec.queue,
        priority=spec.priority,
        options={
            "max_retries": spec.max_retries,
            "time_limit": spec.time_limit_ms,
            "min_backoff": spec.min_backoff_ms,
            "max_backoff": spec.max_backoff_ms,
        },
    )


def job_message(spec_name: str, queue: str, job_id: UUID, kwargs: dict[str, Any]) -> dramatiq.Message[Any]:
    return dramatiq.Message(
        queue_name=queue,
        actor_name=spec_name,
        args=(),
        kwargs=kwargs,
        options={"job_id": str(job_id)},
        message_id=str(job_id),
    )
