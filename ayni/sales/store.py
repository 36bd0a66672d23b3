"""The SQL of import rows, in the one style of `ayni.sql`. Every function runs in the caller's transaction under
row-level security (`company_access` in the API, `tenant` in the worker).

A status changes only by a conditional UPDATE from the statuses `ayni.sales.states` allows, so a redelivered
job message can never move a finished import back."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from ayni.paging import Position
from ayni.sales.schemas import ImportRecord, ImportStatus
from ayni.sales.states import Event, sources_of, target_of
from ayni.sql import Executor, execute, fetch_all, fetch_one, fetch_value

_COLUMNS = """id, filename, media_type, bytes, encode(sha256, 'hex') AS sha256, status,
    options ->> 'mode' AS mode, phase, rows_done, rows_total, preview, summary, errors, created_by, created_at,
    started_at, finished_at, file_purged_at IS NULL AS file_kept"""
_JSON_COLUMNS = ("preview", "summary", "errors")


def _record(row: Mapping[str, Any]) -> ImportRecord:
    data = dict(row)
    for name in _JSON_COLUMNS:
        if isinstance(data[name], str):  # asyncpg returns jsonb as text
            data[name] = json.loads(data[name])
    data["progress"] = {
        "phase": data.pop("phase"),
        "rows_done": data.pop("rows_done"),
        "rows_total": data.pop("rows_total"),
    }
    return ImportRecord.model_validate(data)


async def insert_import(
    db: Executor, company_id: UUID, *, filename: str, media_type: str, start_mode: str, created_by: UUID
) -> UUID:
    """A new import, `analyzing`, whose file is still to be stored (`storage.store_upload`)."""
    import_id: UUID = await fetch_value(
        db,
        """INSERT INTO imports (company_id, filename, media_type, status, start_mode, created_by)
           VALUES (:company_id, :filename, :media_type, 'analyzing', :start_mode, :created_by)
           RETURNING id""",
        company_id=company_id,
        filename=filename,
        media_type=media_type,
        start_mode=start_mode,
        created_by=created_by,
    )
    return import_id


async def newest_import(db: Executor, company_id: UUID, filename: str) -> UUID | None:
    """The company's newest import of `filename`, if any."""
    import_id: UUID | None = await fetch_value(
        db,
        """SELECT id FROM imports WHERE company_id = :company_id AND filename = :filename
           ORDER BY created_at DESC LIMIT 1""",
        company_id=company_id,
        filename=filename,
    )
    return import_id


async def set_file(db: Executor, company_id: UUID, import_id: UUID, *, size: int, sha256: bytes) -> None:
    await execute(
        db,
        "UPDATE imports SET bytes = :size, sha256 = :sha256 WHERE company_id = :company_id AND id = :id",
        company_id=company_id,
        id=import_id,
        size=size,
        sha256=sha256,
    )


async def earlier_import_of(db: Executor, company_id: UUID, import_id: UUID, sha256: bytes) -> UUID | None:
    """Another import of the same bytes whose lines are (or are about to be) in the company's figures."""
    found: UUID | None = await fetch_value(
        db,
        """SELECT id FROM imports
           WHERE company_id = :company_id AND sha256 = :sha256 AND id <> :id
             AND status IN ('analyzing', 'ready', 'importing', 'succeeded')
           LIMIT 1""",
        company_id=company_id,
        id=import_id,
        sha256=sha256,
    )
    return found


async def get_import(db: Executor, company_id: UUID, import_id: UUID) -> ImportRecord | None:
    row = await fetch_one(
        db,
        f"SELECT {_COLUMNS} FROM imports WHERE company_id = :company_id AND id = :id",  # noqa: S608
        company_id=company_id,
        id=import_id,
    )
    return None if row is None else _record(row)


async def list_imports(db: Executor, company_id: UUID, *, limit: int, before: Position | None) -> list[ImportRecord]:
    """Newest first; `before` the (created_at, id) of the last row of the previous page."""
    after_clause = "AND (created_at, id) < (:before_at, :before_id)" if before is not None else ""
    params: dict[str, object] = {"company_id": company_id, "limit": limit}
    if before is not None:
        params |= {"before_at": before[0], "before_id": before[1]}
    rows = await fetch_all(
        db,
        f"""SELECT {_COLUMNS} FROM imports WHERE company_id = :company_id {after_clause}
            ORDER BY created_at DESC, id DESC LIMIT :limit""",  # noqa: S608 - fixed fragments
        **params,
    )
    return [_record(row) for row in rows]


async def work_of(db: Executor, company_id: UUID, import_id: UUID) -> Mapping[str, Any] | None:
    """What a job needs of its import: status, start mode, media type, the analysis's reading and the options."""
    row = await fetch_one(
        db,
        """SELECT status, start_mode, media_type, filename, preview, options, created_by
           FROM imports WHERE company_id = :company_id AND id = :id""",
        company_id=company_id,
        id=import_id,
    )
    if row is None:
        return None
    data = dict(row)
    for name in ("preview", "options"):
        if isinstance(data[name], str):
            data[name] = json.loads(data[name])
    return data


async def move(db: Executor, company_id: UUID, import_id: UUID, event: Event, **changes: Any) -> bool:
    """Apply `event` if the import is in one of its source statuses, with the given column changes (JSON columns
    as Python values). False when the import was elsewhere (a redelivered message: nothing to do)."""
    sets = ["status = :target"]
    sets += [f"{name} = CAST(:{name} AS jsonb)" if name in _JSON_CHANGES else f"{name} = :{name}" for name in changes]
    params = {name: json.dumps(value) if name in _JSON_CHANGES else value for name, value in changes.items()}
    if target_of(event) in _FINISHED:
        sets.append("finished_at = clock_timestamp()")  # not the start of a transaction that waited for a lock
    if event in (Event.START, Event.AUTO_START):
        sets.append("started_at = clock_timestamp()")
    changed = await execute(
        db,
        f"""UPDATE imports SET {", ".join(sets)}
            WHERE company_id = :company_id AND id = :id AND status = ANY(:sources)""",  # noqa: S608
        company_id=company_id,
        id=import_id,
        target=target_of(event),
        sources=list(sources_of(event)),
        **params,
    )
    return changed == 1


_JSON_CHANGES = frozenset({"preview", "summary", "errors", "options"})
_FINISHED: frozenset[ImportStatus] = frozenset({"succeeded", "failed", "reverted"})


async def set_progress(db: Executor, company_id: UUID, import_id: UUID, phase: str, done: int, total: int) -> None:
    await execute(
        db,
        """UPDATE imports SET phase = :phase, rows_done = :done, rows_total = :total
           WHERE company_id = :company_id AND id = :id""",
        company_id=company_id,
        id=import_id,
        phase=phase,
        done=done,
        total=total,
    )
