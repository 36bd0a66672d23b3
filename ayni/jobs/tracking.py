"""The Dramatiq middleware that keeps each message's job row current (the worker's broker only)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, TypeVar
from uuid import UUID

import asyncpg
from dramatiq import Broker, Middleware
from dramatiq.broker import MessageProxy

from ayni.db import UNAVAILABLE_ERRORS
from ayni.jobs import loop, store
from ayni.jobs.redaction import error_summary
from ayni.jobs.states import Event

logger = logging.getLogger("ayni.jobs")

T = TypeVar("T")
# An actor's `on_final_failure` (ActorSpec), bound to the worker's settings and pool: called with the job's id and
# its message's arguments.
FinalFailure = Callable[[UUID | None, Mapping[str, Any]], Coroutine[Any, Any, None]]


def _job_id(message: MessageProxy) -> UUID | None:
    raw = message.options.get("job_id")
    return UUID(raw) if raw else None


class JobRecords(Middleware):
    """Keeps each message's job row current: running, then succeeded, pending (a retry is due), failed or
    dead. A message whose row is missing or already final is not run: delivery is at least once, a job runs to
    completion once.

    `start` and `succeed` are recorded by `run`, on the worker's loop with the actor itself: one crossing from
    the worker thread to the loop per job (each costs about 50 us of CPU; bench/README.md). A failed attempt is
    recorded after Retries has decided whether it is retried (`after_process_message`). A job that fails for good
    then gets its actor's `on_final_failure`, if it has one (`final_failures`, by actor name)."""

    def __init__(
        self,
        connect: Callable[[], Awaitable[asyncpg.Connection]],
        final_failures: Mapping[str, FinalFailure] | None = None,
        patience: float = 60.0,
    ) -> None:
        self.connect = connect
        self.final_failures = dict(final_failures or {})
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
        """It waits out a database outage (`_patiently`): failing instead would spend the job's retries on the
        outage (the job dead-lettered, its row left pending) or, after the actor ran, leave its row `running` for
        good."""

        async def attempt() -> bool:
            connection = self._connections.get(thread)
            try:
                if connection is None or connection.is_closed():
                    connection = self._connections[thread] = await self.connect()
                return await store.record_event(connection, job_id, event, result=result, error=error)
            except UNAVAILABLE_ERRORS:
                self._connections.pop(thread, None)
                raise

        return await self._patiently(job_id, attempt)

    async def _patiently(self, job_id: UUID | None, attempt: Callable[[], Awaitable[T]]) -> T:
        """`attempt()`, tried again through a database outage of up to `patience` seconds."""
        deadline = time.monotonic() + self.patience
        pause = 0.5
        while True:
            try:
                return await attempt()
            except UNAVAILABLE_ERRORS as exc:
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
        if exception is None:  # a success was recorded by `run`
            return
        job_id = _job_id(message)
        event = Event.FAIL if message.failed else Event.RETRY
        moved = job_id is None or self.record(job_id, event, error=error_summary(exception))
        if event is Event.FAIL and moved:
            self._after_final_failure(message, job_id)

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        job_id = _job_id(message)
        # Skipped by another middleware (AgeLimit): the message is dead-lettered unrun.
        error = "the message expired before a worker could run it"
        if job_id is None or self.record(job_id, Event.KILL, error=error):
            self._after_final_failure(message, job_id)

    def _after_final_failure(self, message: MessageProxy, job_id: UUID | None) -> None:
        """The actor's `on_final_failure`, once its job's row has moved to failed or dead (a duplicate message of a
        finished job moves nothing, and calls nothing). Its own failure is logged: the job's outcome stands."""
        on_final_failure = self.final_failures.get(message.actor_name)
        if on_final_failure is None:
            return
        try:
            loop.run(self._patiently(job_id, lambda: on_final_failure(job_id, message.kwargs)))
        except Exception:
            logger.exception("job %s: %s's on_final_failure failed", job_id, message.actor_name)


async def _close_all(connections: list[asyncpg.Connection]) -> None:
    await asyncio.gather(*(connection.close(timeout=5) for connection in connections), return_exceptions=True)
