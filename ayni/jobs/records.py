"""Job rows, as the worker sees them (psycopg, synchronous: Dramatiq's hooks run in worker threads).

Every transition is one conditional UPDATE whose allowed source statuses come from `states.TRANSITIONS`,
so a redelivered or duplicated message can never move a finished job back.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg

from ayni.jobs.states import Event, sources

logger = logging.getLogger("ayni.jobs")

_SET_ON = {
    Event.START: "status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()), "
    "finished_at = NULL, error = NULL",
    Event.SUCCEED: "status = 'succeeded', finished_at = now(), progress = 1, result = %(result)s, error = NULL",
    Event.RETRY: "status = 'pending', error = %(error)s",
    Event.FAIL: "status = 'failed', finished_at = now(), error = %(error)s",
    Event.KILL: "status = 'dead', finished_at = now(), error = %(error)s",
}


class RecordStore:
    """One autocommit connection per thread, reopened after a failure.

    A transition waits out a database outage of up to `patience` seconds: failing instead would spend the
    job's retries on the outage (the job dead-lettered, its row left pending) or, after the actor ran,
    leave its row `running` for good."""

    def __init__(self, database_url: str, patience: float = 60.0) -> None:
        self.database_url = database_url
        self.patience = patience
        self._local = threading.local()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = psycopg.connect(self.database_url, autocommit=True, connect_timeout=5)
            self._local.conn = conn
        try:
            yield conn
        except psycopg.OperationalError:
            conn.close()
            raise

    def record(self, job_id: UUID, event: Event, *, result: Any = None, error: str | None = None) -> bool:
        """Apply `event` to the job; False when the job is missing or its status does not allow it."""
        sql = f"UPDATE jobs SET {_SET_ON[event]} WHERE id = %(id)s AND status = ANY(%(sources)s) RETURNING id"  # noqa: S608 - fixed fragments
        params = {
            "id": job_id,
            "sources": [s.value for s in sources(event)],
            "result": json.dumps(result) if result is not None else None,
            "error": error,
        }
        deadline = time.monotonic() + self.patience
        pause = 0.5
        while True:
            try:
                with self.connection() as conn:
                    return conn.execute(sql, params).fetchone() is not None
            except psycopg.OperationalError as exc:
                if time.monotonic() + pause > deadline:
                    raise
                logger.warning("job %s: database unavailable (%s); trying again in %.1f s", job_id, exc, pause)
                time.sleep(pause)
                pause = min(pause * 2, 5.0)

    def set_progress(self, job_id: UUID, fraction: float) -> None:
        """Best effort: progress is for people watching, and a job must not fail because it went unshown."""
        try:
            with self.connection() as conn:
                conn.execute(
                    "UPDATE jobs SET progress = %s WHERE id = %s AND status = 'running'",
                    (min(1.0, max(0.0, fraction)), job_id),
                )
        except psycopg.OperationalError as exc:
            logger.warning("job %s: progress not recorded (%s)", job_id, exc)

    def claim_unsent(self, older_than_seconds: float, limit: int = 100) -> list[tuple[UUID, str, dict[str, Any]]]:
        """Outbox rows whose message was never handed to Redis (the API died in between): claimed here,
        so only one sweeper re-sends each."""
        with self.connection() as conn:
            rows = conn.execute(
                """
                UPDATE jobs SET enqueued_at = now()
                WHERE id IN (
                    SELECT id FROM jobs
                    WHERE enqueued_at IS NULL AND status = 'pending'
                      AND created_at < now() - make_interval(secs => %s)
                    ORDER BY created_at LIMIT %s
                    FOR UPDATE SKIP LOCKED
                )
                RETURNING id, actor, outbox_kwargs
                """,
                (older_than_seconds, limit),
            ).fetchall()
        return [(row[0], row[1], row[2] or {}) for row in rows]

    def mark_sent(self, job_id: UUID) -> None:
        with self.connection() as conn:
            conn.execute("UPDATE jobs SET outbox_kwargs = NULL WHERE id = %s", (job_id,))

    def release_claim(self, job_id: UUID) -> None:
        with self.connection() as conn:
            conn.execute("UPDATE jobs SET enqueued_at = NULL WHERE id = %s", (job_id,))

    def purge_finished(self, retention_days: int) -> int:
        with self.connection() as conn:
            cursor = conn.execute(
                "DELETE FROM jobs WHERE finished_at < now() - make_interval(days => %s)", (retention_days,)
            )
            return cursor.rowcount

    def close(self) -> None:
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
