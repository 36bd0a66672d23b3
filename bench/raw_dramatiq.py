"""The ceiling for jobs: a bare Dramatiq RedisBroker (default middleware) with a no-op actor, on the same
Redis and with the worker settings `ayni worker` uses (WORKER_PROCESSES x WORKER_THREADS, worker_timeout).

    python bench/raw_dramatiq.py worker REDIS_URL PROCESSES THREADS    the consumer (prints "ready")
    drain_rate(redis_url, n)                                            from bench/run: enqueue n, time to drained
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import threading
import time

import dramatiq
from dramatiq.brokers.redis import RedisBroker

NAMESPACE = "bench-raw"
QUEUE = "bench"


def noop() -> None:
    return None


def make_broker(redis_url: str) -> tuple[RedisBroker, dramatiq.Actor]:  # type: ignore[type-arg]
    broker = RedisBroker(url=redis_url, namespace=NAMESPACE)
    actor = dramatiq.actor(noop, broker=broker, actor_name="noop", queue_name=QUEUE)
    return broker, actor


def run_one(redis_url: str, threads: int) -> None:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    broker, _ = make_broker(redis_url)
    worker = dramatiq.Worker(broker, worker_threads=threads, worker_timeout=1000)  # as ayni.jobs.worker
    worker.start()
    print("ready", flush=True)
    stop.wait()
    worker.stop()
    broker.close()


def drain_rate(redis_url: str, count: int) -> float:
    """Send `count` no-op messages one at a time from here and wait until every one is acked; messages/s. The worker
    is woken first. Its rate is not its CPU's: Dramatiq's consumer fetches at most `2 x threads` messages, then
    sleeps 5 to 10 ms while they are unacked, so a bare worker drains about 1,000 messages/s on any machine with
    its core a tenth busy (filling the queue beforehand, all at once, gave the same rate: bench/README.md)."""
    broker, actor = make_broker(redis_url)
    wake(broker, actor)
    start = time.perf_counter()
    for _ in range(count):
        actor.send()
    broker.join(QUEUE, interval=1, timeout=300_000)
    elapsed = time.perf_counter() - start
    broker.close()
    return count / elapsed


def wake(broker: RedisBroker, actor: dramatiq.Actor) -> None:  # type: ignore[type-arg]
    """One message, waited for: an idle Dramatiq consumer sleeps up to `worker_timeout` (1 s) between empty
    fetches, and a timed run must not start with that sleep."""
    actor.send()
    broker.join(QUEUE, interval=1, timeout=30_000)


def main() -> int:
    _, redis_url, processes, threads = sys.argv[1:5]
    if int(processes) == 1:
        run_one(redis_url, int(threads))
        return 0
    context = multiprocessing.get_context("spawn")
    children = [context.Process(target=run_one, args=(redis_url, int(threads))) for _ in range(int(processes))]
    for child in children:
        child.start()
    signal.signal(signal.SIGTERM, lambda *_: [c.terminate() for c in children if c.is_alive()])
    for child in children:
        child.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
