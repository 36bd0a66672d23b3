"""Job rows as the API shows them (databases/asyncpg)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import databases
from pydantic import BaseModel

from ayni.db import fetch_row
from ayni.jobs.states import Status

_COLUMNS = "id, actor, status, attempts, created_at, started_at, finished_at, error, result, progress"


class JobRecord(BaseModel):
    id: UUID
    actor: str
    status: Status
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None
    result: Any
    progress: float


class JobPage(BaseModel):
    items: list[JobRecord]
    next_cursor: str | None


def _record(row: Mapping[str, Any]) -> JobRecord:
    data = dict(row)
    if isinstance(data["result"], str):  # asyncpg returns jsonb as text
        data["result"] = json.loads(data["result"])
    return JobRecord.model_validate(data)


async def insert_job(db: databases.Database, actor: str, kwargs: dict[str, Any], user_id: UUID | None) -> JobRecord:
    """A new pending job whose message is still to be sent: its arguments wait in the outbox column."""
    row = await fetch_row(
        db,
        f"INSERT INTO jobs (user_id, actor, outbox_kwargs) VALUES ($1, $2, $3::jsonb) RETURNING {_COLUMNS}",  # noqa: S608
        user_id,
        actor,
        json.dumps(kwargs),
    )
    assert row is not None  # INSERT ... RETURNING gives its row
    return _record(row)


async def fetch_job(db: databases.Database, job_id: UUID, user_id: UUID | None = None) -> JobRecord | None:
    query = f"SELECT {_COLUMNS} FROM jobs WHERE id = :id"  # noqa: S608 - fixed column list
    values: dict[str, Any] = {"id": job_id}
    if user_id is not None:
        query += " AND user_id = :user_id"
        values["user_id"] = user_id
    row = await db.fetch_one(query, values)
    return _record(row._mapping) if row is not None else None


async def list_jobs(
    db: databases.Database,
    user_id: UUID,
    *,
    status: Status | None,
    limit: int,
    before: tuple[datetime, UUID] | None,
) -> list[JobRecord]:
    """Newest first; keyset pagination on (created_at, id) so pages stay stable while jobs are added."""
    query = f"SELECT {_COLUMNS} FROM jobs WHERE user_id = :user_id"  # noqa: S608 - fixed column list
    values: dict[str, Any] = {"user_id": user_id, "limit": limit}
    if status is not None:
        query += " AND status = :status"
        values["status"] = status.value
    if before is not None:
        query += " AND (created_at, id) < (:before_at, :before_id)"
        values["before_at"], values["before_id"] = before
    query += " ORDER BY created_at DESC, id DESC LIMIT :limit"
    return [_record(row._mapping) for row in await db.fetch_all(query, values)]
