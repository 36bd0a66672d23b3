"""Enqueueing from the API: the job row is committed first, the message sent after (an outbox).

`enqueue` is for a request whose only effect is the job: if Redis is down, the row is removed again and
the request answers 503. `jobs_transaction` is for a request that changes other rows too: its jobs are
rows of the same transaction, so a rollback enqueues nothing; after the commit their messages are sent,
and one that cannot be sent now is sent by the worker's sweeper once Redis is back.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import anyio.to_thread
from dramatiq.brokers.redis import RedisBroker

from ayni.db import UNAVAILABLE_ERRORS
from ayni.jobs.broker import job_message
from ayni.jobs.views import JobRecord, fetch_job
from ayni.problems import Problem, unavailable
from ayni.resources import Resources

logger = logging.getLogger("ayni.jobs")

_INSERT = """
INSERT INTO jobs (user_id, actor, outbox_kwargs) VALUES (:user_id, :actor, CAST(:kwargs AS jsonb))
RETURNING id
"""


@dataclass
class Outbox:
    res: Resources
    added: list[tuple[UUID, str, str, dict[str, Any]]] = field(default_factory=list)

    async def add(self, actor: str, kwargs: dict[str, Any], *, user_id: UUID | None = None) -> UUID:
        queue = _queue_of(self.res.broker, actor)
        job_id: UUID = await self.res.db.fetch_val(
            _INSERT, {"user_id": user_id, "actor": actor, "kwargs": json.dumps(kwargs)}
        )
        self.added.append((job_id, actor, queue, kwargs))
        return job_id


def _queue_of(broker: RedisBroker, actor: str) -> str:
    try:
        queue: str = broker.get_actor(actor).queue_name
    except Exception:
        raise Problem(500, "unknown-actor", f"No actor is named {actor!r}.") from None
    return queue


async def _send(res: Resources, job_id: UUID, actor: str, queue: str, kwargs: dict[str, Any]) -> None:
    message = job_message(actor, queue, job_id, kwargs)
    await anyio.to_thread.run_sync(res.broker.enqueue, message)
    await res.db.execute("UPDATE jobs SET enqueued_at = now(), outbox_kwargs = NULL WHERE id = :id", {"id": job_id})


@contextlib.asynccontextmanager
async def jobs_transaction(res: Resources) -> AsyncIterator[Outbox]:
    outbox = Outbox(res)
    async with res.db.transaction():
        yield outbox
    for job_id, actor, queue, kwargs in outbox.added:
        try:
            await _send(res, job_id, actor, queue, kwargs)
        except UNAVAILABLE_ERRORS as exc:
            logger.warning("job %s not sent now (%s); the sweeper will send it", job_id, exc)


async def enqueue(res: Resources, actor: str, kwargs: dict[str, Any], *, user_id: UUID | None = None) -> JobRecord:
    queue = _queue_of(res.broker, actor)
    job_id: UUID = await res.db.fetch_val(_INSERT, {"user_id": user_id, "actor": actor, "kwargs": json.dumps(kwargs)})
    try:
        await _send(res, job_id, actor, queue, kwargs)
    except UNAVAILABLE_ERRORS as exc:
        logger.warning("job %s not sent (%s); removed", job_id, exc)
        await res.db.execute("DELETE FROM jobs WHERE id = :id", {"id": job_id})
        raise unavailable("The job queue is unavailable; nothing was queued. Try again shortly.") from None
    record = await fetch_job(res.db, job_id)
    assert record is not None
    return record
