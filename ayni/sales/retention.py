"""Uploaded files are kept IMPORT_RETENTION_DAYS after their import ended (the figures stay): the worker's hourly
task. Apart from `ayni.sales.jobs` so that an idle worker never loads the import's engine (polars)."""

from __future__ import annotations

from ayni.jobs.catalog import PeriodicTask, TaskContext
from ayni.sql import fetch_value


async def purge_uploaded_files(ctx: TaskContext) -> int:
    """Delete the files of imports that ended more than IMPORT_RETENTION_DAYS ago, every company's: a function of
    the migrations (0008) that runs as the tables' owner does it, since no tenant is set here. How many imports."""
    purged: int = await fetch_value(ctx.db, "SELECT purge_import_files(:days)", days=ctx.settings.import_retention_days)
    return purged


PURGE_UPLOADED_FILES = PeriodicTask(name="purge_uploaded_files", period_seconds=3600, run=purge_uploaded_files)
