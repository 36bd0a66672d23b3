"""Enqueueing from the API: the job row is committed first, the message sent after (an outbox).

`enqueue` is for a request whose only effect is the job: if Redis is down, the row is removed again and
the request answers 503. `jobs_transaction` is for a request that changes other rows too: its jobs are
rows of the same transaction, so a rollback enqueues nothing; after the commit their messages are sent,
and one that cannot be sent now is sent by the worker's sweeper once Redis is back.

A job started by a user (`user_id`, the jobs that user sees in `GET /jobs`) counts against that user's
rate limit (JOBS_PER_USER_LIMIT per JOBS_PER_USER_WINDOW_SECONDS): every endpoint that enqueues work for a
user is limited here, in one place, before anything is written. Jobs without a user are the system's own
(emails): their endpoints have limits of their own.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import anyio.to_thread
from dramatiq.brokers.redis import RedisBroker

from ayni.db import UNAVAILABLE_ERRORS
from ayni.jobs.broker import job_message
from ayni.jobs.schemas import JobRecord
from ayni.jobs.store import delete_job, insert_job, mark_sent
from ayni.problems import Problem, unavailable
from ayni.ratelimit import Rule, enforce
from ayni.resources import Resources

logger = logging.getLogger("ayni.jobs")


@dataclass
class Outbox:
    res: Resources
    added: list[tuple[JobRecord, str, dict[str, Any]]] = field(default_factory=list)

    async def add(self, actor: str, kwargs: dict[str, Any], *, user_id: UUID | None = None) -> UUID:
        queue = _queue_of(self.res.broker, actor)
        await _count_against(self.res, user_id)
        job = await insert_job(self.res.db, actor, kwargs, user_id)
        self.added.append((job, queue, kwargs))
        return job.id


def _queue_of(broker: RedisBroker, actor: str) -> str:
    try:
        queue: str = broker.get_actor(actor).queue_name
    except Exception:
        raise Problem(500, "unknown-actor", f"No actor is named {actor!r}.") from None
    return queue


async def _count_against(res: Resources, user_id: UUID | None) -> None:
    if user_id is None:
        return
    rule = Rule("jobs:user", res.settings.jobs_per_user_limit, res.settings.jobs_per_user_window_seconds)
    await enforce(
        res.redis,
        [(rule, str(user_id))],
        "Too many jobs started; try again in {seconds} seconds.",
        slug="too-many-requests",
    )


async def _send(res: Resources, job: JobRecord, queue: str, kwargs: dict[str, Any]) -> None:
    message = job_message(job.actor, queue, job.id, kwargs)
    await anyio.to_thread.run_sync(res.broker.enqueue, message)
    await mark_sent(res.db, job.id)


@contextlib.asynccontextmanager
async def jobs_transaction(res: Resources) -> AsyncIterator[Outbox]:
    outbox = Outbox(res)
    async with res.db.transaction():
        yield outbox
    for job, queue, kwargs in outbox.added:
        try:
            await _send(res, job, queue, kwargs)
        except UNAVAILABLE_ERRORS as exc:
            logger.warning("job %s not sent now (%s); the sweeper will send it", job.id, exc)


async def enqueue(res: Resources, actor: str, kwargs: dict[str, Any], *, user_id: UUID | None = None) -> JobRecord:
    queue = _queue_of(res.broker, actor)
    await _count_against(res, user_id)
    job = await insert_job(res.db, actor, kwargs, user_id)
    try:
        await _send(res, job, queue, kwargs)
    except UNAVAILABLE_ERRORS as exc:
        logger.warning("job %s not sent (%s); removed", job.id, exc)
        await delete_job(res.db, job.id)
        raise unavailable("The job queue is unavailable; nothing was queued. Try again shortly.") from None
    return job
