"""The Dramatiq middleware that keeps each message's job row current (the worker's broker only)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from uuid import UUID

import asyncpg
from dramatiq import Broker, Middleware
from dramatiq.broker import MessageProxy

from ayni.db import UNAVAILABLE_ERRORS
from ayni.jobs import loop, store
from ayni.jobs.redaction import error_summary
from ayni.jobs.states import Event

logger = logging.getLogger("ayni.jobs")


def _job_id(message: MessageProxy) -> UUID | None:
    raw = message.options.get("job_id")
    return UUID(raw) if raw else None


class JobRecords(Middleware):
    """Keeps each message's job row current: running, then succeeded, pending (a retry is due), failed or
    dead. A message whose row is missing or already final is not run: delivery is at least once, a job runs to
    completion once.

    `start` and `succeed` are recorded by `run`, on the worker's loop with the actor itself: one crossing from
    the worker thread to the loop per job (each costs about 50 us of CPU; bench/README.md). A failed attempt is
    recorded after Retries has decided whether it is retried (`after_process_message`)."""

    def __init__(self, connect: Callable[[], Awaitable[asyncpg.Connection]], patience: float = 60.0) -> None:
        self.connect = connect
        self.patience = patience
        # One connection per worker thread, used by that thread's transitions alone (it waits for each), so
        # each is one statement: the pool's acquire and release would cost more than the UPDATE.
        self._connections: dict[int, asyncpg.Connection] = {}

    def record(self, job_id: UUID, event: Event, *, result: Any = None, error: str | None = None) -> bool:
        return loop.run(self._record(threading.get_ident(), job_id, event, result, error))

    def run(self, job_id: UUID | None, job: Coroutine[Any, Any, Any]) -> Any:
        """Run an actor's coroutine between its job's `start` and `succeed`; not at all when `start` is refused
        (the job is missing or already finished)."""
        return loop.run(self._run(threading.get_ident(), job_id, job))

    async def _run(self, thread: int, job_id: UUID | None, job: Coroutine[Any, Any, Any]) -> Any:
        if job_id is None:
            return await job
        if not await self._record(thread, job_id, Event.START, None, None):
            job.close()
            logger.info("skipping job %s: it is missing or already finished", job_id)
            return None
        result = await job
        await self._record(thread, job_id, Event.SUCCEED, result, None)
        return result

    async def _record(self, thread: int, job_id: UUID, event: Event, result: Any, error: str | None) -> bool:
        """It waits out a database outage of up to `patience` seconds: failing instead would spend the job's
        retries on the outage (the job dead-lettered, its row left pending) or, after the actor ran, leave its
        row `running` for good."""
        deadline = time.monotonic() + self.patience
        pause = 0.5
        while True:
            try:
                connection = self._connections.get(thread)
                if connection is None or connection.is_closed():
                    connection = self._connections[thread] = await self.connect()
                return await store.record_event(connection, job_id, event, result=result, error=error)
            except UNAVAILABLE_ERRORS as exc:
                self._connections.pop(thread, None)
                if time.monotonic() + pause > deadline:
                    raise
                logger.warning("job %s: database unavailable (%s); trying again in %.1f s", job_id, exc, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 5.0)

    def after_worker_shutdown(self, broker: Broker, worker: Any) -> None:
        connections, self._connections = list(self._connections.values()), {}
        loop.run(_close_all(connections))

    def after_process_message(
        self, broker: Broker, message: MessageProxy, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        job_id = _job_id(message)
        if job_id is None or exception is None:  # a success was recorded by `run`
            return
        if message.failed:
            self.record(job_id, Event.FAIL, error=error_summary(exception))
        else:
            self.record(job_id, Event.RETRY, error=error_summary(exception))

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        job_id = _job_id(message)
        if job_id is not None:
            # Skipped by another middleware (AgeLimit): the message is dead-lettered unrun.
            self.record(job_id, Event.KILL, error="the message expired before a worker could run it")


async def _close_all(connections: list[asyncpg.Connection]) -> None:
    await asyncio.gather(*(connection.close(timeout=5) for connection in connections), return_exceptions=True)
