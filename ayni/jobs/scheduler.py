"""Periodic tasks, run from the worker with exactly one run per period however many workers there are:
each period is a Redis key that only one process can create (SET NX)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import redis

from ayni.jobs import loop
from ayni.jobs.catalog import PeriodicTask, TaskContext

logger = logging.getLogger("ayni.maintenance")

Runner = Callable[[Coroutine[Any, Any, int]], int]


def claim_period(client: redis.Redis, task: str, period: int, now: float) -> bool:
    """True for exactly one caller per task and period."""
    slot = int(now // period)
    return bool(client.set(f"ayni:maintenance:{task}:{slot}", "1", nx=True, ex=period * 2))


class Scheduler:
    """A thread that, every `tick` seconds, runs each task whose period this process claims; the coroutines
    run on the worker's event loop (`runner`)."""

    def __init__(
        self,
        client: redis.Redis,
        tasks: Sequence[PeriodicTask],
        context: TaskContext,
        tick: float = 1.0,
        runner: Runner = loop.run,
    ) -> None:
        self.client = client
        self.tasks = tasks
        self.context = context
        self.tick = tick
        self.runner = runner
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ayni-maintenance", daemon=True)

    def run_due(self, now: float) -> list[str]:
        ran = []
        for task in self.tasks:
            try:
                if claim_period(self.client, task.name, task.period_seconds, now):
                    done = self.runner(task.run(self.context))
                    if done:
                        logger.info("%s: %d done", task.name, done)
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
