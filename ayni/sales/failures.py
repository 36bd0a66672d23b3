"""How an import ends `failed`, in one place for both sides that end it: the job's own process (`ayni.sales.jobs`), when
the file cannot be imported or the job meets an error of its own, and the worker (`ayni.sales.actors`), when the job
gave up for good without a word from that process (killed on every attempt: out of memory, say); and how an undo
whose job gave up leaves the import as it was. Without polars: the worker imports it."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

import databases

from ayni.jobs.catalog import JobContext
from ayni.sales import store
from ayni.sales.demo_company import DEMO_FILENAME
from ayni.sales.states import Event
from ayni.tenancy import tenant

logger = logging.getLogger("ayni.sales")

INTERNAL_ERROR = "Ayni could not import this file because of an error of its own; nothing was changed. Try again."


async def fail_import(
    db: databases.Database, cid: UUID, iid: UUID, message: str, *, errors: list[dict[str, Any]] | None = None
) -> bool:
    """The import `failed` with `message` first among its errors; False when it was no longer `analyzing` or
    `importing`."""
    reason = {"row": None, "column": None, "value": None, "message": message}
    async with tenant(db, company_id=cid):
        return await store.move(db, cid, iid, Event.FAIL, errors=[reason, *(errors or [])], phase="failed")


async def import_job_gave_up(ctx: JobContext, *, company_id: str, import_id: str) -> None:
    """An import's job failed for good: the import, still `analyzing` or `importing`, ends `failed` instead of staying
    so forever. Nothing of it is in the figures: the load commits together with the import's success, which a job
    that gave up never reached (an import that did succeed, or fail cleanly, is left as it is)."""
    if await fail_import(ctx.db, UUID(company_id), UUID(import_id), INTERNAL_ERROR):
        logger.warning("import %s failed: its job gave up (see the job's error above)", import_id)


# The progress phase of an import whose undo gave up (back to `succeeded`, its lines all there): the page says so.
UNDO_FAILED_PHASE = "undo_failed"


async def undo_job_gave_up(ctx: JobContext, *, company_id: str, import_id: str) -> None:
    """An undo's job failed for good (every attempt's transaction rolled back): the import, still `reverting`, is
    `succeeded` again instead of staying so forever, its lines in the figures; the user may undo it again."""
    cid, iid = UUID(company_id), UUID(import_id)
    async with tenant(ctx.db, company_id=cid):
        undone = await store.move(ctx.db, cid, iid, Event.UNDO_FAILED, phase=UNDO_FAILED_PHASE)
    if undone:
        logger.warning("import %s: its undo gave up (see the job's error above); the import stays loaded", import_id)


async def demo_fill_gave_up(ctx: JobContext, *, company_id: str, user_id: str, lines: int) -> None:
    """The demo company's fill failed for good: its import, if one was stored and is still unfinished, ends
    `failed` (`import_job_gave_up`) rather than `analyzing` for ever."""
    cid = UUID(company_id)
    async with tenant(ctx.db, company_id=cid):
        import_id = await store.newest_import(ctx.db, cid, DEMO_FILENAME)
    if import_id is not None:
        await import_job_gave_up(ctx, company_id=company_id, import_id=str(import_id))
