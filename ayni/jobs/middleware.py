"""Dramatiq middleware of Ayni's worker, one concern each: job records and liveness heartbeats."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from typing import TYPE_CHECKING, Any
from uuid import UUID

import redis
from dramatiq import Broker, Middleware
from dramatiq.broker import MessageProxy
from dramatiq.middleware import SkipMessage

from ayni.jobs.errors import error_summary
from ayni.jobs.states import Event

if TYPE_CHECKING:  # the API imports HEARTBEAT_PREFIX from here and must not load psycopg for it
    from ayni.jobs.records import RecordStore

logger = logging.getLogger("ayni.jobs")

HEARTBEAT_PREFIX = "ayni:workers:"


def _job_id(message: MessageProxy) -> UUID | None:
    raw = message.options.get("job_id")
    return UUID(raw) if raw else None


class JobRecords(Middleware):
    """Keeps each message's job row current: running, then succeeded, pending (a retry is due), failed or
    dead. A message whose row is missing or already final is skipped: delivery is at least once, a job
    runs to completion once."""

    def __init__(self, store: RecordStore) -> None:
        self.store = store

    def before_process_message(self, broker: Broker, message: MessageProxy) -> None:
        job_id = _job_id(message)
        if job_id is not None and not self.store.record(job_id, Event.START):
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
            self.store.record(job_id, Event.SUCCEED, result=result)
        elif message.failed:
            self.store.record(job_id, Event.FAIL, error=error_summary(exception))
        else:
            self.store.record(job_id, Event.RETRY, error=error_summary(exception))

    def after_skip_message(self, broker: Broker, message: MessageProxy) -> None:
        job_id = _job_id(message)
        if job_id is not None and not message.options.get("ayni_skipped"):
            # Skipped by another middleware (AgeLimit): the message is dead-lettered unrun.
            self.store.record(job_id, Event.KILL, error="the message expired before a worker could run it")


class Heartbeat(Middleware):
    """Each worker process keeps a key with a TTL in Redis while it lives; health counts them."""

    def __init__(self, client: redis.Redis, interval: float = 5.0, ttl: int = 15) -> None:
        self.client = client
        self.interval = interval
        self.ttl = ttl
        self.key = f"{HEARTBEAT_PREFIX}{socket.gethostname()}:{os.getpid()}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        info = {"pid": os.getpid(), "host": socket.gethostname(), "at": time.time()}
        self.client.set(self.key, json.dumps(info), ex=self.ttl)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.beat()
            except redis.RedisError as exc:
                logger.warning("heartbeat not written: %s", exc)
            self._stop.wait(self.interval)

    def after_worker_boot(self, broker: Broker, worker: Any) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="ayni-heartbeat", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker: Broker, worker: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        try:
            self.client.delete(self.key)
        except redis.RedisError as exc:
            logger.warning("heartbeat not removed (it expires by itself): %s", exc)
