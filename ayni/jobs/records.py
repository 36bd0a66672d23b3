"""Job rows, as the worker sees them (psycopg, synchronous: Dramatiq's hooks run in worker threads).

Every transition is one conditional UPDATE whose allowed source statuses come from `states.TRANSITIONS`,
so a redelivered or duplicated message can never move a finished job back.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

import psycopg

from ayni.jobs.states import Event, sources

_SET_ON = {
    Event.START: "status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()), "
    "finished_at = NULL, error = NULL",
    Event.SUCCEED: "status = 'succeeded', finished_at = now(), progress = 1, result = %(result)s, error = NULL",
    Event.RETRY: "status = 'pending', error = %(error)s",
    Event.FAIL: "status = 'failed', finished_at = now(), error = %(error)s",
    Event.KILL: "status = 'dead', finished_at = now(), error = %(error)s",
}


class RecordStore:
    """One autocommit connection per thread, reopened after a failure."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
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
        with self.connection() as conn:
            return conn.execute(sql, params).fetchone() is not None

    def set_progress(self, job_id: UUID, fraction: float) -> None:
        with self.connection() as conn:
            conn.execute(
                "UPDATE jobs SET progress = %s WHERE id = %s AND status = 'running'",
                (min(1.0, max(0.0, fraction)), job_id),
            )

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
