"""The worker's event loop: Dramatiq's AsyncIO middleware runs one per worker process, in a thread of its own;
actors, job records and periodic tasks all run their coroutines there, on one `databases` pool (the API's
driver path, asyncpg)."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, TypeVar

import databases
from dramatiq import Broker, Middleware
from dramatiq.asyncio import get_event_loop_thread

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on the worker's loop and wait for it (from a worker thread or the scheduler's)."""
    thread = get_event_loop_thread()
    if thread is None:
        coroutine.close()
        raise RuntimeError("the worker's event loop is not running (the AsyncIO middleware starts it)")
    return thread.run_coroutine(coroutine)


class DatabasePool(Middleware):
    """Opens the pool on the loop when the worker boots, closes it when the worker has stopped. Listed after
    AsyncIO, so its loop exists first; Dramatiq runs "after" hooks in reverse, so the pool closes before the
    loop stops."""

    def __init__(self, db: databases.Database) -> None:
        self.db = db

    def before_worker_boot(self, broker: Broker, worker: Any) -> None:
        run(self.db.connect())

    def after_worker_shutdown(self, broker: Broker, worker: Any) -> None:
        run(self.db.disconnect())
