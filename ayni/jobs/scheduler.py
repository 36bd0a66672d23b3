"""Periodic work, run from the worker with exactly one run per period however many workers there are:
each period is a Redis key that only one process can create (SET NX)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from dramatiq.brokers.redis import RedisBroker

from ayni.config import Settings
from ayni.jobs.broker import job_message
from ayni.jobs.records import RecordStore

logger = logging.getLogger("ayni.maintenance")

SWEEP_AFTER_SECONDS = 30.0


@dataclass(frozen=True)
class Task:
    name: str
    period_seconds: int
    run: Callable[[], object]


def claim_period(client: redis.Redis, task: str, period: int, now: float) -> bool:
    """True for exactly one caller per task and period."""
    slot = int(now // period)
    return bool(client.set(f"ayni:maintenance:{task}:{slot}", "1", nx=True, ex=period * 2))


def sweep_outbox(records: RecordStore, broker: RedisBroker) -> int:
    """Send the messages of committed jobs that the API could not hand to Redis."""
    sent = 0
    for job_id, actor, kwargs in records.claim_unsent(SWEEP_AFTER_SECONDS):
        try:
            queue = broker.get_actor(actor).queue_name
            broker.enqueue(job_message(actor, queue, job_id, kwargs))
        except redis.RedisError:
            records.release_claim(job_id)
            raise
        records.mark_sent(job_id)
        sent += 1
    if sent:
        logger.info("sent %d job(s) left in the outbox", sent)
    return sent


def purge_expired(records: RecordStore, settings: Settings) -> int:
    purged = records.purge_finished(settings.job_retention_days)
    from ayni.auth.maintenance import purge_expired_credentials

    with records.connection() as conn:
        purged += purge_expired_credentials(conn)
    if purged:
        logger.info("purged %d expired row(s)", purged)
    return purged


def tasks(records: RecordStore, broker: RedisBroker, settings: Settings) -> list[Task]:
    return [
        Task("sweep-outbox", 15, lambda: sweep_outbox(records, broker)),
        Task("purge-expired", 3600, lambda: purge_expired(records, settings)),
    ]


class Scheduler:
    def __init__(self, client: redis.Redis, tasks: list[Task], tick: float = 1.0) -> None:
        self.client = client
        self.tasks = tasks
        self.tick = tick
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ayni-maintenance", daemon=True)

    def run_due(self, now: float) -> list[str]:
        ran = []
        for task in self.tasks:
            try:
                if claim_period(self.client, task.name, task.period_seconds, now):
                    task.run()
                    ran.append(task.name)
            except Exception:
                logger.exception("maintenance task %s failed; it runs again next period", task.name)
        return ran

    def _loop(self) -> None:
        while not self._stop.wait(self.tick):
            self.run_due(time.time())

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)
