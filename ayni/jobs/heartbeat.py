"""Worker liveness: each worker process keeps a heartbeat key in Redis, and /api/v1/health counts them."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from typing import Any

import redis
from dramatiq import Broker, Middleware

from ayni.resources import HealthCheck, Resources

logger = logging.getLogger("ayni.jobs")

HEARTBEAT_PREFIX = "ayni:workers:"


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


def worker_check(res: Resources) -> HealthCheck:
    async def any_worker_alive() -> bool:
        async for _ in res.redis.scan_iter(match=f"{HEARTBEAT_PREFIX}*", count=100):
            return True
        return False

    # Optional: without a worker the API still serves (degraded), jobs wait in the queue.
    return HealthCheck("worker", False, any_worker_alive)
