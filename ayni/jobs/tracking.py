"""The Dramatiq middleware that keeps each message's job row current (the worker's broker only)."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

import databases
from dramatiq import Broker, Middleware
from dramatiq.broker import MessageProxy
from dramatiq.middleware import SkipMessage

from ayni.jobs import loop, store
from ayni.jobs.redaction import error_summary
from ayni.jobs.states import Event

logger = logging.getLogger("ayni.jobs")


def _job_id(message: MessageProxy) -> UUID | None:
    raw = message.options.get("job_id")
    return UUID(raw) if raw else None


class JobRecords(Middleware):
    """Keeps each message's job row current: running, then succeeded, pending (a retry is due), failed or
    dead. A message whose row is missing or already final is skipped: delivery is at least once, a job
    runs to completion once."""

    def __init__(self, db: databases.Database) -> None:
        self.db = db

    def record(self, job_id: UUID, event: Event, *, result: Any = None, error: str | None = None) -> bool:
        return loop.run(store.record_event(self.db, job_id, event, result=result, error=error))

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        job_id = _job_id(message)
        if job_id is not None and not self.record(job_id, Event.START):
            logger.info("skipping message %s: its job is missing or already finished", message.message_id)
            message.options["ayni_skipped"] = True
            raise SkipMessage()

    def after_process_message(
        self, broker: Broker, message: MessageProxy, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        job_id = _job_id(message)
        if job_id is None:
            return
        if exception is None:
            self.record(job_id, Event.SUCCEED, result=result)
        elif message.failed:
            self.record(job_id, Event.FAIL, error=error_summary(exception))
        else:
            self.record(job_id, Event.RETRY, error=error_summary(exception))

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        job_id = _job_id(message)
        if job_id is not None and not message.options.get("ayni_skipped"):
            # Skipped by another middleware (AgeLimit): the message is dead-lettered unrun.
            self.record(job_id, Event.KILL, error="the message expired before a worker could run it")
