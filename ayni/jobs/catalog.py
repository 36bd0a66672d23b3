"""How jobs are declared: an actor is a plain async function plus its options, a periodic task a plain async
function plus its period. `ayni/actors.py` lists them all; the worker and the API's broker take that list (the
job machinery names no domain)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import databases
from dramatiq.brokers.redis import RedisBroker

from ayni.config import Settings
from ayni.jobs import store


@dataclass(frozen=True)
class JobContext:
    """What an actor gets besides its arguments. Actors run on the worker's event loop, shared by its threads:
    blocking work (SMTP, parsing a large file) goes through `asyncio.to_thread` so the loop keeps serving."""

    settings: Settings
    db: databases.Database
    job_id: UUID | None
    report_progress: Callable[[float], Awaitable[None]]


def job_context(settings: Settings, db: databases.Database, job_id: UUID | None) -> JobContext:
    """The context of job `job_id` on the pool `db`: its progress goes to its row (a job without a row, run by
    hand, reports to no one)."""

    async def report(fraction: float) -> None:
        if job_id is not None:
            await store.set_progress(db, job_id, fraction)

    return JobContext(settings=settings, db=db, job_id=job_id, report_progress=report)


@dataclass(frozen=True)
class ActorSpec:
    name: str
    fn: Callable[..., Coroutine[Any, Any, Any]]  # await fn(ctx: JobContext, **kwargs) -> JSON-serialisable result
    max_retries: int = 3
    time_limit_ms: int = 60_000
    queue: str = "default"
    # Dramatiq's priority within one worker: lower runs first when messages of several queues wait.
    priority: int = 10
    min_backoff_ms: int = 1_000
    max_backoff_ms: int = 300_000
    # await on_final_failure(ctx, **kwargs), in the worker, once the job has failed for good (its last attempt
    # failed, or its message expired unrun): for an actor whose work leaves a record of its own that only a success
    # would finish (an import `analyzing`), and that a job dying without a word (its process killed) would leave
    # unfinished. It may run for a job whose work did finish meanwhile: it changes only what is still unfinished.
    on_final_failure: Callable[..., Coroutine[Any, Any, None]] | None = None


@dataclass(frozen=True)
class TaskContext:
    settings: Settings
    db: databases.Database
    broker: RedisBroker


@dataclass(frozen=True)
class PeriodicTask:
    """Run by one worker per period, however many run (`ayni.jobs.scheduler`)."""

    name: str
    period_seconds: int
    run: Callable[[TaskContext], Coroutine[Any, Any, int]]  # how many things it did, for the log


@dataclass(frozen=True)
class Catalog:
    actors: Sequence[ActorSpec]
    tasks: Sequence[PeriodicTask]
