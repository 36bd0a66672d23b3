"""The SQL of job rows, for the API (insert, read, list) and the worker (transitions, progress, the outbox
sweep, the purge), in the one style of `ayni.sql`.

Every transition is one conditional UPDATE whose source and target statuses come from `states.TRANSITIONS`,
so a redelivered or duplicated message can never move a finished job back.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any
from uuid import UUID

import databases

from ayni.db import UNAVAILABLE_ERRORS
from ayni.jobs.schemas import JobRecord
from ayni.jobs.states import TRANSITIONS, Event, Status
from ayni.paging import Position
from ayni.sql import Executor, execute, fetch_all, fetch_one

logger = logging.getLogger("ayni.jobs")

_COLUMNS = "id, actor, status, attempts, created_at, started_at, finished_at, error, result, progress"


def _record(row: Mapping[str, Any]) -> JobRecord:
    data = dict(row)
    if isinstance(data["result"], str):  # asyncpg returns jsonb as text
        data["result"] = json.loads(data["result"])
    return JobRecord.model_validate(data)


# The API


async def insert_job(db: databases.Database, actor: str, kwargs: dict[str, Any], user_id: UUID | None) -> JobRecord:
    """A new pending job whose message is still to be sent: its arguments wait in the outbox column."""
    row = await fetch_one(
        db,
        f"""INSERT INTO jobs (user_id, actor, outbox_kwargs) VALUES (:user_id, :actor, CAST(:kwargs AS jsonb))
            RETURNING {_COLUMNS}""",  # noqa: S608 - a fixed column list
        user_id=user_id,
        actor=actor,
        kwargs=json.dumps(kwargs),
    )
    assert row is not None  # INSERT ... RETURNING gives its row
    return _record(row)


async def mark_sent(db: databases.Database, job_id: UUID) -> None:
    """Its message is in Redis: the outbox column is emptied."""
    await execute(
        db,
        "UPDATE jobs SET enqueued_at = coalesce(enqueued_at, now()), outbox_kwargs = NULL WHERE id = :id",
        id=job_id,
    )


async def delete_job(db: databases.Database, job_id: UUID) -> None:
    await execute(db, "DELETE FROM jobs WHERE id = :id", id=job_id)


async def fetch_job(db: databases.Database, job_id: UUID, user_id: UUID) -> JobRecord | None:
    row = await fetch_one(
        db,
        f"SELECT {_COLUMNS} FROM jobs WHERE id = :id AND user_id = :user_id",  # noqa: S608 - a fixed column list
        id=job_id,
        user_id=user_id,
    )
    return _record(row) if row is not None else None


async def list_jobs(
    db: databases.Database, user_id: UUID, *, status: Status | None, limit: int, before: Position | None
) -> list[JobRecord]:
    """Newest first; keyset pagination on (created_at, id) so pages stay stable while jobs are added. A filter
    left out is NULL, which the statement reads as "any"."""
    before_at, before_id = before if before is not None else (None, None)
    rows = await fetch_all(
        db,
        f"""SELECT {_COLUMNS} FROM jobs
            WHERE user_id = :user_id
              AND (CAST(:status AS text) IS NULL OR status = :status)
              AND (CAST(:before_at AS timestamptz) IS NULL OR (created_at, id) < (:before_at, :before_id))
            ORDER BY created_at DESC, id DESC LIMIT :limit""",  # noqa: S608 - a fixed column list
        user_id=user_id,
        status=status.value if status is not None else None,
        before_at=before_at,
        before_id=before_id,
        limit=limit,
    )
    return [_record(row) for row in rows]


# The worker

_SET_ON = {
    Event.START: "attempts = attempts + 1, started_at = coalesce(started_at, now()), finished_at = NULL, error = NULL",
    Event.SUCCEED: "finished_at = now(), progress = 1, result = CAST(:result AS jsonb), error = NULL",
    Event.RETRY: "error = :error",
    Event.FAIL: "finished_at = now(), error = :error",
    Event.KILL: "finished_at = now(), error = :error",
}
_USES = {Event.START: (), Event.SUCCEED: ("result",)}


async def record_event(
    db: Executor, job_id: UUID, event: Event, *, result: Any = None, error: str | None = None
) -> bool:
    """Apply `event` to the job; False when the job is missing or its status does not allow it."""
    sources, target = TRANSITIONS[event]
    values: dict[str, object] = {"result": json.dumps(result) if result is not None else None, "error": error}
    params = {name: values[name] for name in _USES.get(event, ("error",))}
    row = await fetch_one(
        db,
        f"""UPDATE jobs SET status = :target, {_SET_ON[event]}
            WHERE id = :id AND status = ANY(CAST(:sources AS text[])) RETURNING id""",  # noqa: S608 - fixed fragments
        id=job_id,
        target=target.value,
        sources=[s.value for s in sources],
        **params,
    )
    return row is not None


async def set_progress(db: databases.Database, job_id: UUID, fraction: float) -> None:
    """Best effort: progress is for people watching, and a job must not fail because it went unshown."""
    try:
        await execute(
            db,
            "UPDATE jobs SET progress = :progress WHERE id = :id AND status = 'running'",
            id=job_id,
            progress=min(1.0, max(0.0, fraction)),
        )
    except UNAVAILABLE_ERRORS as exc:
        logger.warning("job %s: progress not recorded (%s)", job_id, exc)


async def claim_unsent(
    db: databases.Database, older_than_seconds: float, limit: int = 100
) -> list[tuple[UUID, str, dict[str, Any]]]:
    """Outbox rows whose message was never handed to Redis (the API died in between): claimed here, so only
    one sweeper re-sends each."""
    rows = await fetch_all(
        db,
        """UPDATE jobs SET enqueued_at = now()
           WHERE id IN (
               SELECT id FROM jobs
               WHERE enqueued_at IS NULL AND status = 'pending'
                 AND created_at < now() - make_interval(secs => :older_than)
               ORDER BY created_at LIMIT :limit
               FOR UPDATE SKIP LOCKED
           )
           RETURNING id, actor, outbox_kwargs""",
        older_than=older_than_seconds,
        limit=limit,
    )
    return [(row["id"], row["actor"], json.loads(row["outbox_kwargs"] or "{}")) for row in rows]


async def release_claim(db: databases.Database, job_id: UUID) -> None:
    await execute(db, "UPDATE jobs SET enqueued_at = NULL WHERE id = :id", id=job_id)


async def purge_finished(db: databases.Database, retention_days: int) -> int:
    return await execute(
        db, "DELETE FROM jobs WHERE finished_at < now() - make_interval(days => :days)", days=retention_days
    )
