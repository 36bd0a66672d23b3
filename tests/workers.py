"""A real `ayni worker` subprocess for the tests, and a way to submit jobs the way the API does."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import psycopg
import redis

from ayni.actors import CATALOG
from ayni.config import load_settings
from ayni.db import STATEMENT_TIMEOUT_S
from ayni.jobs.broker import HEARTBEAT_TIMEOUT_MS, job_message, make_broker
from ayni.jobs.heartbeat import HEARTBEAT_PREFIX

ROOT = Path(__file__).resolve().parents[1]  # where `python -m tests.shortened_worker` finds the tests package


@dataclass(frozen=True)
class WorkerTimeouts:
    """Shorter timeouts for a test's worker (tests/shortened_worker.py): the pool's statement timeout, how long
    a worker may be silent before Dramatiq redelivers its messages, and the least wait before a failed job's retry
    (every actor's; None: each actor's own)."""

    statement_s: float = STATEMENT_TIMEOUT_S
    heartbeat_ms: int = HEARTBEAT_TIMEOUT_MS
    min_backoff_ms: int | None = None


class WorkerProcess:
    def __init__(self, env: Mapping[str, str], log_path: Path, timeouts: WorkerTimeouts | None = None) -> None:
        self.env = dict(env)
        self.log_path = log_path
        self.timeouts = timeouts
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, wait: bool = True) -> WorkerProcess:
        command = [sys.executable, "-m", "ayni", "worker"]
        if self.timeouts is not None:
            timeouts = [str(self.timeouts.statement_s), str(self.timeouts.heartbeat_ms)]
            if self.timeouts.min_backoff_ms is not None:
                timeouts.append(str(self.timeouts.min_backoff_ms))
            command = [sys.executable, "-m", "tests.shortened_worker", *timeouts]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        if wait:
            self.wait_for_heartbeat()
        return self

    def wait_for_heartbeat(self, timeout: float = 30) -> None:
        assert self.process is not None
        client = redis.Redis.from_url(self.env["REDIS_URL"])
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"the worker exited at start:\n{self.log()}")
                if any(k.decode().endswith(f":{self.process.pid}") for k in client.scan_iter(f"{HEARTBEAT_PREFIX}*")):
                    return
                time.sleep(0.05)
        finally:
            client.close()
        raise RuntimeError(f"the worker wrote no heartbeat within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def signal(self, signum: int) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signum)

    def stop(self, timeout: float = 40) -> int:
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        code = self.process.returncode
        self.process = None
        return code


def wait_until_idle(env: Mapping[str, str], timeout_s: float = 120) -> None:
    """Until every queue is empty: each message taken and acknowledged, which a worker does after the job's row
    has its outcome (Dramatiq's queue size counts the messages being worked on, and the delayed ones)."""
    broker = make_broker(load_settings(env), CATALOG.actors)
    try:
        for queue in sorted({spec.queue for spec in CATALOG.actors}):
            broker.join(queue, timeout=int(timeout_s * 1000))
    finally:
        broker.close()


def submit_job(
    env: Mapping[str, str],
    actor: str,
    kwargs: dict[str, Any],
    user_id: uuid.UUID | None = None,
    options: Mapping[str, Any] | None = None,
) -> uuid.UUID:
    """What the API's `enqueue` does, synchronously: commit the row, then send the message (with Dramatiq `options`
    of its own, such as a shorter `time_limit`, when given)."""
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO jobs (user_id, actor, outbox_kwargs) VALUES (%s, %s, %s) RETURNING id",
            (user_id, actor, json.dumps(kwargs)),
        ).fetchone()
    assert row is not None
    job_id: uuid.UUID = row[0]
    broker = make_broker(load_settings(env), CATALOG.actors)
    try:
        message = job_message(actor, broker.get_actor(actor).queue_name, job_id, kwargs)
        message.options.update(options or {})
        broker.enqueue(message)
    finally:
        broker.close()
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("UPDATE jobs SET enqueued_at = now(), outbox_kwargs = NULL WHERE id = %s", (job_id,))
    return job_id


def worker_children(worker: WorkerProcess) -> list[psutil.Process]:
    """The processes the worker has started and that still run (its jobs' own processes)."""
    assert worker.process is not None
    return psutil.Process(worker.process.pid).children(recursive=True)


def job_row(env: Mapping[str, str], job_id: uuid.UUID) -> dict[str, Any] | None:
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        cursor = conn.execute("SELECT * FROM jobs WHERE id = %s", (job_id,))
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([c.name for c in cursor.description or []], row, strict=True))


def wait_for_status(
    env: Mapping[str, str], job_id: uuid.UUID, statuses: set[str], timeout: float = 60
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    row: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        row = job_row(env, job_id)
        if row is not None and row["status"] in statuses:
            return row
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not reach {statuses} in {timeout} s; last row: {row}")
