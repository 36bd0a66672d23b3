"""The worker's side of an import: analyse the uploaded file, load it, undo it (DESIGN.md "Sales imports").

The upload is copied to a temporary file and read from it a batch of rows at a time, in worker threads (polars works
outside the event loop); the load copies each batch's lines to the database before it parses the next, so a large
file never sits whole in the worker's memory. Everything the import changes in the company's figures commits in one
transaction, under the company's advisory lock, together with the import's move to `succeeded`: a worker killed
midway leaves the import `importing` and the figures as they were, and the redelivered message does it all again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, Literal
from uuid import UUID

import asyncpg
import polars as pl

from ayni.companies import store as company_store
from ayni.db import UNAVAILABLE_ERRORS, connect
from ayni.jobs.catalog import JobContext
from ayni.sales import storage, store
from ayni.sales.actors import RUN_IMPORT
from ayni.sales.batches import BatchedParse
from ayni.sales.failures import INTERNAL_ERROR, fail_import
from ayni.sales.formats import FormatDetection, detect_formats, detection_columns, detection_table
from ayni.sales.headers import HeaderMapping, map_headers
from ayni.sales.load import (
    ANALYZE_AFTER_LINES,
    LoadRefused,
    LoadSummary,
    load_import,
    refresh_statistics,
    undo_import,
)
from ayni.sales.preview import KnownLocation, Survey, build_preview, location_matcher, reading_to_load_at_once
from ayni.sales.reading import DateFormat, Field, NumberFormat, Reading, reading_from_json
from ayni.sales.rejected import first_errors
from ayni.sales.sources import RawTable, UnreadableFile, read_batches
from ayni.sales.states import Event
from ayni.sql import Executor, fetch_one, fetch_value
from ayni.tenancy import enter, tenant

logger = logging.getLogger("ayni.sales")

# More rejected rows than this share fails the whole import: a wrong mapping must not load half a file.
MAX_REJECTED_SHARE = 0.10
# pg_advisory_xact_lock(key1, key2): key1 names "a company's imports", key2 is the company.
_IMPORT_LOCK = 0x5A1E5
# The load's statements and its wait for the company's lock may take as long as the job may.
_LOAD_STATEMENT_TIMEOUT_S = RUN_IMPORT.time_limit_ms / 1000


@contextlib.asynccontextmanager
async def _company_load(ctx: JobContext, cid: UUID) -> AsyncIterator[asyncpg.Connection]:
    """A transaction of the company's, holding its imports' lock, on a connection of its own: a million-line
    load's statements (the rollups) outlast the pool's statement timeout, which stays short so that requests and
    other jobs notice a dead connection quickly."""
    conn = await connect(ctx.settings, statement_timeout_s=_LOAD_STATEMENT_TIMEOUT_S)
    try:
        async with conn.transaction():
            await enter(conn, company_id=cid)
            await _lock_company_imports(conn, cid)
            yield conn
    finally:
        await conn.close()


async def _lock_company_imports(conn: asyncpg.Connection, cid: UUID) -> None:
    """Wait for the company's other import or undo to end (on `_company_load`'s connection: as long as a job may
    run, where the pool's 30 s would give up behind a large import on a busy machine)."""
    await conn.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", _IMPORT_LOCK, str(cid))


class ImportRefused(Exception):
    """The file cannot be imported as chosen; the message tells the user what to fix."""


@dataclass(frozen=True)
class CompanyFacts:
    timezone: str
    country: str
    customer_key: bytes
    locations: list[KnownLocation]


async def _company_facts(db: Executor, cid: UUID) -> CompanyFacts:
    row = await fetch_one(db, "SELECT timezone, country, customer_key FROM companies WHERE id = :id", id=cid)
    assert row is not None, "the import's company is read in the import's own transaction"
    known = [KnownLocation(id=loc.id, name=loc.name, code=loc.code) for loc in await company_store.locations(db, cid)]
    return CompanyFacts(row["timezone"], row["country"], bytes(row["customer_key"]), known)


def _failing_cleanly(job: Callable[..., Awaitable[dict[str, Any]]]) -> Callable[..., Awaitable[dict[str, Any]]]:
    """An unexpected error ends the import as `failed` with a sentence for the user (the traceback goes to the
    log), instead of leaving it `analyzing` or `importing` forever once the job's retries run out. An outage of
    PostgreSQL or Redis is raised on: the job is retried, the import waits (and should the outage outlast the
    retries, or this process die without a word, the worker fails the import: `failures.import_job_gave_up`)."""

    @wraps(job)
    async def run(ctx: JobContext, *, company_id: str, import_id: str) -> dict[str, Any]:
        try:
            return await job(ctx, company_id=company_id, import_id=import_id)
        except UNAVAILABLE_ERRORS:
            raise
        except Exception:
            logger.exception("import %s failed", import_id)
            await fail_import(ctx.db, UUID(company_id), UUID(import_id), INTERNAL_ERROR)
            return {"status": "failed"}

    return run


# Analysis


@_failing_cleanly
async def analyze_import(ctx: JobContext, *, company_id: str, import_id: str) -> dict[str, Any]:
    """Read the uploaded file and fill the import's `preview`, for the user to start it (`ready`). An upload with
    start=auto whose header and formats leave nothing to decide (`_Detected.reading_to_load_at_once`) goes straight
    on to its load instead, which reads the file's lines once and completes the preview as it goes: the preview
    stored as it starts holds what the header and the formats told."""
    cid, iid = UUID(company_id), UUID(import_id)
    async with tenant(ctx.db, company_id=cid):
        work = await store.work_of(ctx.db, cid, iid)
        facts = await _company_facts(ctx.db, cid)
    if work is not None and work["status"] == "importing" and work["start_mode"] == "auto":
        # This job went on to the load itself and its worker died there: the redelivered message loads it.
        return await run_import(ctx, company_id=company_id, import_id=import_id)
    if work is None or work["status"] != "analyzing":
        return {"skipped": True}
    async with _upload_file(ctx, cid, iid) as upload:
        try:
            if upload is None:
                raise UnreadableFile("The uploaded file is no longer stored; upload it again.")
            detected = await asyncio.to_thread(_detect, upload, work["filename"], facts)
            at_once = detected.reading_to_load_at_once() if work["start_mode"] == "auto" else None
            if at_once is None:
                preview = await asyncio.to_thread(_surveyed, upload, work["filename"], detected, facts)
        except UnreadableFile as exc:
            await fail_import(ctx.db, cid, iid, str(exc))
            return {"status": "failed"}
        # The file copied for the analysis serves the load: no second copy out of PostgreSQL.
        if at_once is not None:
            survey = detected.survey(facts)
            async with tenant(ctx.db, company_id=cid):
                await store.move(ctx.db, cid, iid, Event.AUTO_START, preview=detected.preview(facts))
            return await _import(ctx, cid, iid, upload, _Surveying(survey, facts.locations))
        async with tenant(ctx.db, company_id=cid):
            preview["replaces"] = await _days_replaced(ctx, cid, preview)
            # An upload with start=auto gets here only when its header or formats leave something to decide.
            await store.move(ctx.db, cid, iid, Event.ANALYZED, preview=preview)
    return {"status": "ready"}


@dataclass(frozen=True)
class _Detected:
    """What two passes over a file's batches tell: the header mapped from the first batch's values, the formats
    detected from every distinct value of the date and number columns (only those are read), and its rows."""

    first: RawTable
    mapping: HeaderMapping
    detection: FormatDetection
    rows_total: int

    def survey(self, facts: CompanyFacts) -> Survey:
        return Survey(
            self.first, self.mapping, self.detection, timezone=facts.timezone, customer_key=facts.customer_key
        )

    def reading_to_load_at_once(self) -> Reading | None:
        return reading_to_load_at_once(self.first, self.mapping, self.detection)

    def preview(self, facts: CompanyFacts) -> dict[str, Any]:
        """The preview before any line is read: the header's and the formats' parts, and the rows counted."""
        return self.survey(facts).preview(facts.locations) | {"rows_total": self.rows_total}


def _detect(upload: Path, filename: str, facts: CompanyFacts) -> _Detected:
    first = next(read_batches(upload, filename))
    mapping = map_headers(first)
    columns = {field: match.column for field, match in mapping.matches.items()}
    rows_total = 0

    def counted(tables: Iterator[RawTable]) -> Iterator[RawTable]:
        nonlocal rows_total
        for table in tables:
            rows_total += table.rows_total
            yield table

    only = detection_columns(columns)
    distinct = detection_table(counted(read_batches(upload, filename, first.dialect, only=only)), columns)
    return _Detected(first, mapping, detect_formats(distinct, columns, country=facts.country), rows_total)


def _surveyed(upload: Path, filename: str, detected: _Detected, facts: CompanyFacts) -> dict[str, Any]:
    """The preview, from a third pass over the file's batches."""
    return build_preview(
        read_batches(upload, filename, detected.first.dialect), detected.mapping, detected.detection,
        timezone=facts.timezone, locations=facts.locations, customer_key=facts.customer_key,
    )  # fmt: skip


def _analyze(upload: Path, filename: str, facts: CompanyFacts) -> dict[str, Any]:
    """The preview of a file, from three passes over its batches (never its whole table)."""
    return _surveyed(upload, filename, _detect(upload, filename, facts), facts)


@dataclass(frozen=True)
class _Surveying:
    """The preview of a file read once, by its load: surveyed as the load parses it, completed when it ends."""

    survey: Survey
    locations: Sequence[KnownLocation]

    def preview(self, summary: LoadSummary) -> dict[str, Any]:
        return self.survey.preview(self.locations) | {"replaces": summary.days_replaced}


async def _days_replaced(ctx: JobContext, cid: UUID, preview: Mapping[str, Any]) -> int:
    """How many days of the company's figures the file's date range would replace (all locations)."""
    if not preview.get("date_from") or not preview.get("date_to"):
        return 0
    count: int = await fetch_value(
        ctx.db,
        """SELECT count(*) FROM sales_daily
           WHERE company_id = :company_id AND day BETWEEN :date_from AND :date_to""",
        company_id=cid,
        date_from=date.fromisoformat(preview["date_from"]),
        date_to=date.fromisoformat(preview["date_to"]),
    )
    return count


# Load


@_failing_cleanly
async def run_import(ctx: JobContext, *, company_id: str, import_id: str) -> dict[str, Any]:
    """Parse the file as the preview and the user's corrections say, then load the good lines, a batch of rows at
    a time: the rejects are known only after the last batch, so a file with too many of them fails after the
    batches were copied to the load's temporary table and before anything else, and the load rolls back."""
    return await _import(ctx, UUID(company_id), UUID(import_id), None)


async def _import(
    ctx: JobContext, cid: UUID, iid: UUID, copied: Path | None, surveying: _Surveying | None = None
) -> dict[str, Any]:
    """`run_import`, reading the upload from `copied` when the caller has copied it already, and surveying its
    preview as it goes when asked to."""
    async with tenant(ctx.db, company_id=cid):
        work = await store.work_of(ctx.db, cid, iid)
        if work is None or work["status"] != "importing":
            return {"skipped": True}
        facts = await _company_facts(ctx.db, cid)
    options: Mapping[str, Any] = work["options"] or {}
    rows_total = work["preview"].get("rows_total") or 0
    async with contextlib.nullcontext(copied) if copied else _upload_file(ctx, cid, iid) as upload:
        try:
            if upload is None:
                raise ImportRefused("The uploaded file is no longer stored; upload it again.")
            await _progress(ctx, cid, iid, "parsing", 0, rows_total)
            reading = corrected_reading(work["preview"], options)
            survey = surveying.survey if surveying is not None else None
            parse = await asyncio.to_thread(_open, upload, work["filename"], reading, facts, survey)
        except (ImportRefused, UnreadableFile) as exc:
            await fail_import(ctx.db, cid, iid, str(exc))
            return {"status": "failed"}
        try:
            summary = await _load(ctx, cid, iid, parse, options, work["preview"], rows_total, surveying)
        except (ImportRefused, UnreadableFile, LoadRefused) as exc:  # its transaction rolled back: nothing changed
            errors = first_errors(parse.rejects)
            if parse.rejects.height:
                await _store_rejected(ctx, cid, iid, parse)
            await fail_import(ctx.db, cid, iid, str(exc), errors=errors)
            return {"status": "failed"}
    if summary is None:
        return {"skipped": True}
    return {"status": "succeeded", "lines_loaded": summary.lines_loaded}


@contextlib.asynccontextmanager
async def _upload_file(ctx: JobContext, cid: UUID, iid: UUID) -> AsyncIterator[Path | None]:
    """The uploaded file copied to a temporary file a stored chunk at a time, so the worker never holds it whole
    (sources.py maps it); None when it is no longer stored."""
    with tempfile.TemporaryDirectory(prefix="ayni-import-") as directory:
        path = Path(directory) / "upload"
        async with tenant(ctx.db, company_id=cid):
            chunks = await storage.chunk_count(ctx.db, cid, iid, "upload")
            with path.open("wb") as file:
                for seq in range(chunks):
                    await asyncio.to_thread(file.write, await storage.read_chunk(ctx.db, cid, iid, "upload", seq))
        yield path if chunks else None


def _open(
    upload: Path, filename: str, reading: Reading, facts: CompanyFacts, survey: Survey | None = None
) -> BatchedParse:
    parse = BatchedParse(
        read_batches(upload, filename, reading.dialect),
        reading,
        timezone=facts.timezone,
        customer_key=facts.customer_key,
        survey=survey,
    )
    missing = sorted(column for column in reading.mapping.values() if column not in parse.columns)
    if missing:
        raise ImportRefused(f"The file has no column {', '.join(repr(c) for c in missing)}; correct the mapping.")
    return parse


def corrected_reading(preview: Mapping[str, Any], options: Mapping[str, Any]) -> Reading:
    """The analysis's reading with the user's corrections (`POST .../start`)."""
    try:
        reading = reading_from_json(preview["reading"])
    except (KeyError, ValueError) as exc:
        raise ImportRefused(f"The file's analysis is incomplete ({exc}); upload it again.") from None
    mapping = reading.mapping
    if "mapping" in options:
        mapping = {Field(field): column for field, column in options["mapping"].items()}
    formats = options.get("formats", {})
    date = DateFormat(**formats["date"]) if "date" in formats else reading.date_format
    number = NumberFormat(**formats["number"]) if "number" in formats else reading.number_format
    return Reading(dialect=reading.dialect, mapping=mapping, date_format=date, number_format=number)


def location_targets(
    lines: pl.DataFrame, options: Mapping[str, Any], preview: Mapping[str, Any], known: list[KnownLocation]
) -> dict[str | None, UUID | Literal["new"]]:
    """Each location name of the file -> a location of the company or "new": the user's choice, else the
    analysis's match, else a match among `known` (a location another import created since the analysis), else
    new. A file without a location column goes to `location_id`, or to the company's only location."""
    ids = {location.id for location in known}
    names: list[str | None] = lines.get_column("location").unique().to_list()
    if names == [None] or not names:
        chosen = options.get("location_id")
        if chosen is None and len(known) == 1:
            chosen = known[0].id
        if chosen is None:
            raise ImportRefused("The file has no location column: choose the location its sales belong to.")
        if UUID(str(chosen)) not in ids:
            raise ImportRefused(f"No location {chosen} in this company; choose one of its locations.")
        return {None: UUID(str(chosen))}
    matched = {entry["name"]: entry.get("match") for entry in preview.get("locations", [])}
    current = location_matcher(known)
    choices: Mapping[str, str] = options.get("locations", {})
    targets: dict[str | None, UUID | Literal["new"]] = {}
    for name in names:
        choice = choices.get(name) if name is not None else None
        target = choice or (matched.get(name) or current(name) if name is not None else None)
        if target is None or target == "new":
            targets[name] = "new"
        elif UUID(str(target)) in ids:
            targets[name] = UUID(str(target))
        else:
            raise ImportRefused(f"No location {target} in this company for {name!r}; choose one of its locations.")
    return targets


async def _load(
    ctx: JobContext,
    cid: UUID,
    iid: UUID,
    parse: BatchedParse,
    options: Mapping[str, Any],
    preview: Mapping[str, Any],
    rows_total: int,
    surveying: _Surveying | None,
) -> LoadSummary | None:
    async def progress(phase: str, done: int, total: int) -> None:
        await _progress(ctx, cid, iid, phase, done, total)

    targets: dict[str | None, UUID | Literal["new"]] = {}
    known: list[KnownLocation] = []  # the company's locations, read under the lock below

    async def lines() -> AsyncIterator[pl.DataFrame]:
        async for batch in parse.lines():
            targets.update(location_targets(batch, options, preview, known))
            yield batch
        rejected = parse.rejects.height
        if rejected > MAX_REJECTED_SHARE * parse.rows_total:
            raise ImportRefused(
                f"{rejected} of {parse.rows_total} rows were rejected (more than 10 %): nothing was imported. Check "
                "the column mapping and formats, or correct the rows listed."
            )

    mode = options.get("mode", "replace")
    async with _company_load(ctx, cid) as conn:
        work = await store.work_of(conn, cid, iid)
        if work is None or work["status"] != "importing":
            return None  # a second delivery of the message, whose first run loaded the file meanwhile
        # Under the lock: an import of the company that committed since this one's analysis may have created
        # the locations this file names; matched now, its lines join them instead of making namesakes.
        known.extend((await _company_facts(conn, cid)).locations)
        summary = await load_import(
            conn, company_id=cid, import_id=iid, lines=lines(), locations=targets, mode=mode, progress=progress,
            rows_total=rows_total,
        )  # fmt: skip
        rejected = await asyncio.to_thread(parse.rejected_csv)
        if rejected:
            await storage.delete_file(conn, cid, iid, "rejected")
            await storage.store_file(conn, cid, iid, "rejected", storage.chunks_of_bytes(rejected))
        surveyed = {"preview": surveying.preview(summary)} if surveying is not None else {}
        await store.move(
            conn, cid, iid, Event.SUCCEED, summary=summary_json(summary, parse.rejects.height),
            errors=first_errors(parse.rejects), phase="done", rows_done=parse.rows_total, rows_total=parse.rows_total,
            **surveyed,
        )  # fmt: skip
    return summary


def summary_json(summary: LoadSummary, lines_rejected: int) -> dict[str, Any]:
    """The import's `summary` (ImportSummary in the API)."""
    return {
        "lines_loaded": summary.lines_loaded,
        "lines_rejected": lines_rejected,
        "tickets": summary.tickets,
        "date_from": summary.date_from.isoformat() if summary.date_from else None,
        "date_to": summary.date_to.isoformat() if summary.date_to else None,
        "locations": [str(location) for location in summary.locations],
        "revenue": float(summary.revenue),
    }


async def _store_rejected(ctx: JobContext, cid: UUID, iid: UUID, parse: BatchedParse) -> None:
    rejected = await asyncio.to_thread(parse.rejected_csv)
    async with tenant(ctx.db, company_id=cid):
        await storage.delete_file(ctx.db, cid, iid, "rejected")
        await storage.store_file(ctx.db, cid, iid, "rejected", storage.chunks_of_bytes(rejected))


async def _progress(ctx: JobContext, cid: UUID, iid: UUID, phase: str, done: int, total: int) -> None:
    """Progress is written by a task of its own, so on a pooled connection of its own, outside the load's
    transaction: readers see it while the load is still uncommitted."""

    async def write() -> None:
        async with tenant(ctx.db, company_id=cid):
            await store.set_progress(ctx.db, cid, iid, phase, done, total)

    try:
        await asyncio.create_task(write())
    except UNAVAILABLE_ERRORS:
        logger.warning("import %s: progress not written (database unavailable)", iid)


# Undo


async def revert_import(ctx: JobContext, *, company_id: str, import_id: str) -> dict[str, Any]:
    """Remove the import's lines and recompute the rollups of their days, in one transaction."""
    cid, iid = UUID(company_id), UUID(import_id)
    async with _company_load(ctx, cid) as conn:
        work = await store.work_of(conn, cid, iid)
        if work is None or work["status"] != "reverting":
            return {"skipped": True}
        removed = await undo_import(conn, cid, iid)
        if removed >= ANALYZE_AFTER_LINES:
            await refresh_statistics(conn)
        await store.move(conn, cid, iid, Event.REVERTED, phase="reverted")
    return {"lines_removed": removed}
