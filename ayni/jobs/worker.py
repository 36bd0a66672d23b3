"""`ayni worker`: Dramatiq workers consuming Ayni's queues, with heartbeats and the maintenance schedule.

WORKER_PROCESSES processes of WORKER_THREADS threads each. SIGTERM (a redeploy) stops taking messages,
lets running jobs finish for up to SHUTDOWN_TIMEOUT_MS, and leaves unfinished ones to be redelivered.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading

from dramatiq import Worker

from ayni.config import Settings
from ayni.db import make_database
from ayni.jobs.broker import make_broker, redis_client
from ayni.jobs.catalog import Catalog, TaskContext
from ayni.jobs.heartbeat import Heartbeat
from ayni.jobs.scheduler import Scheduler
from ayni.logs import configure_logging

logger = logging.getLogger("ayni.worker")

SHUTDOWN_TIMEOUT_MS = 25_000


class ResultsKeptOnTheJob(logging.Filter):
    """Dramatiq warns that an actor's return value is discarded without its Results middleware; Ayni keeps
    it on the job row (JobRecords), so the warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Results middleware" not in record.getMessage()


def run_one(settings: Settings, catalog: Catalog) -> int:
    configure_logging(settings)
    logging.getLogger("dramatiq.worker.WorkerThread").addFilter(ResultsKeptOnTheJob())
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    db = make_database(settings)
    heartbeat_client = redis_client(settings)
    broker = make_broker(settings, catalog.actors, db=db, extra_middleware=[Heartbeat(heartbeat_client)])
    # As Dramatiq's own command does in each worker process: TimeLimit starts the thread that enforces the actors'
    # time limits on this hook (without it, no time limit ever ends a job).
    broker.emit_after("process_boot")
    worker = Worker(broker, worker_threads=settings.worker_threads, worker_timeout=1000)
    scheduler = Scheduler(heartbeat_client, catalog.tasks, TaskContext(settings, db, broker))
    worker.start()
    scheduler.start()
    logger.info("worker started: %d thread(s), queues %s", settings.worker_threads, sorted(broker.queues))
    stop.wait()
    logger.info("worker stopping: running jobs get %d s to finish", SHUTDOWN_TIMEOUT_MS // 1000)
    scheduler.stop()
    worker.stop(timeout=SHUTDOWN_TIMEOUT_MS)
    broker.close()
    logger.info("worker stopped")
    return 0


def run_worker(settings: Settings, catalog: Catalog) -> int:
    if settings.worker_processes == 1:
        return run_one(settings, catalog)
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=run_one, args=(settings, catalog), name=f"ayni-worker-{i}")
        for i in range(settings.worker_processes)
    ]
    for process in processes:
        process.start()

    def forward(signum: int, frame: object) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    for process in processes:
        process.join()
    return max((p.exitcode or 0) for p in processes)
