"""An import's parsed lines into the company's sales, and an import undone, each inside the caller's transaction
(which set the tenant and holds the company's import lock), so its whole effect commits or none of it does.

Replacing (the usual import), the lines are copied straight into sale_lines, then the replaced days lose their
earlier lines and the rollups of every touched (location, day) are made from the import's own lines, grouped in
this process as they were copied (ayni/sales/rollups.py): a million lines are written once and never read back.
Appending, they are copied into a temporary table first, the exact duplicates of lines already loaded dropped
there, and the rest inserted. PostgreSQL refuses `COPY FROM` into a table under row-level security for ayni_app,
so each COPY into sale_lines or a rollup runs as the tables' owner (the connection's own user), with the company
and the import written by this module, never taken from the file.

The lines go in one COPY: each batch is given its location and product ids and written in COPY's text format in a
thread while PostgreSQL takes the batch before, so the COPY never waits on the parsing. The ids of new locations and
products are made here, and those rows inserted after the COPY (sale_lines has no foreign keys). bench/load_paths.py and
bench/import_pipeline.py measure each phase on a million lines."""

from __future__ import annotations

import asyncio
import contextlib
import re
import tempfile
import unicodedata
import uuid
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Iterable,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal, TypeVar
from uuid import UUID

import asyncpg
import polars as pl

from ayni.db import APP_ROLE
from ayni.sales import kept_lines, rollups
from ayni.sales.kept_lines import KeptLines
from ayni.sql import execute, fetch_all, fetch_value

T = TypeVar("T")

Progress = Callable[[str, int, int], Awaitable[None]]
"""`progress(phase, rows_done, rows_total)`: "copying" as each chunk is copied, then "replacing" and "rollups"
(appending: "skipping", "inserting" and "rollups") as each starts."""

CHUNK_ROWS = 50_000

# The memory each sort or hash of the load may take before it spills to disk, for this transaction only
# (PostgreSQL's default is 4 MB). Grouping a million lines by ticket takes ~33 MB; at 4 MB the rollups of
# bench/load_paths' million lines took 14-16 s, at 64 MB 10-12 s (a busy machine).
WORK_MEM = "64MB"

# sale_lines' columns the file gives, in the order of the staging table; company_id and import_id are
# constants of the load, written before them when the lines go straight to sale_lines.
STAGED_COLUMNS = (
    "row",
    "location_id",
    "sold_at",
    "day",
    "hour",
    "ticket",
    "document_type",
    "product_id",
    "quantity",
    "amount",
    "cost",
    "discount",
    "is_return",
    "payment_method",
    "seller",
    "customer",
)
_STAGED = ", ".join(STAGED_COLUMNS)


class LoadRefused(ValueError):
    """The lines cannot be loaded as asked (a location missing from the mapping, or not the company's); the
    message says what to fix, in words for the user."""


@dataclass(frozen=True)
class LoadSummary:
    lines_loaded: int
    lines_skipped: int  # appending: identical to a line already loaded
    tickets: int  # distinct sale tickets (location, day and ticket) among the loaded lines
    date_from: date | None
    date_to: date | None
    locations: list[UUID]
    revenue: Decimal  # net of returns
    days_replaced: int  # (location, day) pairs that held earlier lines


async def load_import(
    conn: asyncpg.Connection,
    *,
    company_id: UUID,
    import_id: UUID,
    lines: pl.DataFrame | AsyncIterable[pl.DataFrame],
    locations: Mapping[str | None, UUID | Literal["new"]],
    mode: Literal["replace", "append"],
    progress: Progress,
    rows_total: int | None = None,
) -> LoadSummary:
    """Load `lines` (ayni/sales/parse.py's frame, or its batches in file order) as import `import_id`. Replace:
    every (location, day) of the lines loses its earlier lines first. Append: lines identical to one already
    loaded (location, instant, ticket, product, quantity, amount) are skipped. Products are upserted, new
    locations created, the rollups of the touched days recomputed, and the company's data_version bumped.
    `locations` must name every location of the lines by the time their batch comes (a caller may add to it as
    it makes the batches). `rows_total` is the progress's total (the frame's length by default). A load of at least
    ANALYZE_AFTER_LINES lines refreshes the planner's statistics of what it wrote. Raises LoadRefused."""
    total = len(lines) if isinstance(lines, pl.DataFrame) else rows_total or 0
    await progress("copying", 0, total)
    await _give_work_mem(conn)
    write = _replace if mode == "replace" else _append
    summary = await write(conn, company_id, import_id, _Copy(lines, locations, progress, total))
    await bump_data_version(conn, company_id)
    if summary.lines_loaded >= ANALYZE_AFTER_LINES:
        await refresh_statistics(conn)
    return summary


@dataclass(frozen=True)
class _Copy:
    """What `_copy_lines` needs of `load_import`'s arguments."""

    lines: pl.DataFrame | AsyncIterable[pl.DataFrame]
    locations: Mapping[str | None, UUID | Literal["new"]]
    progress: Progress
    total: int


async def _replace(conn: asyncpg.Connection, company_id: UUID, import_id: UUID, copy: _Copy) -> LoadSummary:
    """The lines copied straight into sale_lines, the earlier lines of their days removed, the days' rollups made
    from the import's lines, kept aside as they were copied."""
    target = _Target("sale_lines", {"company_id": company_id, "import_id": import_id}, as_owner=True)
    with tempfile.TemporaryDirectory(prefix="ayni-load-") as directory:
        kept = KeptLines(Path(directory))
        copied = await _copy_lines(conn, company_id, copy, target, kept)
        await copy.progress("replacing", 0, copy.total)
        pairs = touched_pairs(copied.days)
        days_replaced = await _replace_days(conn, company_id, import_id, pairs)
        await copy.progress("rollups", 0, copy.total)
        await rollups.clear(conn, company_id, *pairs)
        await _copy_rollups(conn, company_id, kept, copied.days)
    tickets = await _tickets_of_days(conn, company_id, pairs)
    return _summary(copied.days, tickets=tickets, lines_copied=copied.lines, days_replaced=days_replaced)


async def _append(conn: asyncpg.Connection, company_id: UUID, import_id: UUID, copy: _Copy) -> LoadSummary:
    """The lines copied into a temporary table, those identical to a line already loaded dropped there, the rest
    inserted, the touched days' rollups made again from all their lines."""
    await execute(conn, f"CREATE TEMP TABLE staged_lines AS SELECT {_STAGED} FROM sale_lines WITH NO DATA")  # noqa: S608
    copied = await _copy_lines(conn, company_id, copy, _Target("staged_lines", {}, as_owner=False), kept=None)
    await copy.progress("skipping", 0, copy.total)
    await _drop_duplicates(conn, company_id)
    days = await _staged_days(conn)
    pairs = touched_pairs(days)
    await copy.progress("inserting", 0, copy.total)
    await execute(
        conn,
        f"""INSERT INTO sale_lines (company_id, import_id, {_STAGED})
            SELECT :company_id, :import_id, {_STAGED} FROM staged_lines""",  # noqa: S608
        company_id=company_id,
        import_id=import_id,
    )
    await copy.progress("rollups", 0, copy.total)
    await rollups.recompute(conn, company_id, *pairs)
    tickets = await _staged_tickets(conn)
    await execute(conn, "DROP TABLE staged_lines")
    return _summary(days, tickets=tickets, lines_copied=copied.lines, days_replaced=0)


@dataclass(frozen=True)
class _Target:
    """Where the lines are copied: a table with the staged columns, after `constants` (column -> the load's value),
    by the tables' owner or by ayni_app. The owner's COPY into sale_lines skips the policies' check of each row:
    its company is `load_import`'s own; each location id in it is one of the company's, read under the
    transaction's tenant before the COPY, or one made for a new location that ayni_app inserts for that tenant
    right after it (for a company not the tenant's, no location is read and that insert is refused, so the
    transaction, lines and all, rolls back)."""

    table: str
    constants: Mapping[str, UUID]
    as_owner: bool


@dataclass(frozen=True)
class _Day:
    """The lines copied for one (location, day)."""

    location_id: UUID
    day: date
    lines: int
    revenue: Decimal


@dataclass
class _Copied:
    """What `_copy_lines` copied: how many lines, and (once finished) what they add up to by (location, day)."""

    lines: int = 0
    days: list[_Day] = field(default_factory=list)
    _day_frames: list[pl.DataFrame] = field(default_factory=list)

    def add(self, staged: pl.DataFrame) -> None:
        self.lines += len(staged)
        self._day_frames.append(
            staged.group_by("location_id", "day").agg(pl.len().alias("lines"), pl.col("amount").sum().alias("revenue"))
        )

    def finish(self) -> None:
        self.days = _days_of(self._day_frames)


async def _copy_lines(
    conn: asyncpg.Connection, company_id: UUID, copy: _Copy, target: _Target, kept: KeptLines | None
) -> _Copied:
    """Copy the lines into `target` in one COPY (and into `kept`), the locations and products they name found or
    made first, a chunk at a time; then insert the new locations and products."""
    names = await _Names.of_company(conn, company_id)
    copied = _Copied()
    to_copy = _LinesToCopy(names, copy.locations, target.constants, copied, kept)

    done = 0

    async def sent(chunk: pl.DataFrame) -> None:
        nonlocal done
        done += len(chunk)
        await copy.progress("copying", done, max(copy.total, done))

    async with _as_owner(conn) if target.as_owner else contextlib.nullcontext():
        await conn.copy_to_table(
            target.table,
            source=_made_ahead(_chunks(copy.lines), to_copy, sent),
            columns=(*target.constants, *STAGED_COLUMNS),
            format="text",
        )
    copied.finish()
    await names.insert_new(conn, company_id)
    return copied


async def _chunks(lines: pl.DataFrame | AsyncIterable[pl.DataFrame]) -> AsyncIterator[pl.DataFrame]:
    """The lines in slices of at most CHUNK_ROWS, so that what is derived from them stays small."""
    async for batch in _batches(lines):
        for offset in range(0, len(batch), CHUNK_ROWS):
            yield batch.slice(offset, CHUNK_ROWS)


async def _made_ahead(
    items: AsyncIterable[T], make: Callable[[T], bytes], sent: Callable[[T], Awaitable[None]] | None = None
) -> AsyncIterator[bytes]:
    """`make(item)` of each item (one at a time, in order), made in a thread while the one before goes to
    PostgreSQL; `sent(item)` once its bytes went."""
    pending: tuple[asyncio.Future[bytes], T] | None = None
    try:
        async for item in items:
            made = (await pending[0], pending[1]) if pending is not None else None
            pending = asyncio.ensure_future(asyncio.to_thread(make, item)), item
            if made is not None:
                yield made[0]
                if sent is not None:
                    await sent(made[1])
        if pending is not None:
            last, pending = pending, None
            yield await last[0]
            if sent is not None:
                await sent(last[1])
    finally:
        if pending is not None:
            pending[0].cancel()


async def _copy_rollups(conn: asyncpg.Connection, company_id: UUID, kept: KeptLines, days: Sequence[_Day]) -> None:
    """The rollups of the kept lines, grouped a range of days at a time in a thread while PostgreSQL takes the
    range before: the product rollup's rows (about one per two lines) copied as each range is grouped, the four
    others' (some hundred times fewer) once all are."""
    lines_by_day: dict[date, int] = {}
    for day in days:
        lines_by_day[day.day] = lines_by_day.get(day.day, 0) + day.lines
    others: dict[rollups.Rollup, list[pl.DataFrame]] = {rollup: [] for rollup in rollups.BY_TICKET}

    def group(days_range: tuple[date, date]) -> bytes:
        rows = rollups.rows_of(kept.read(days_range))
        for rollup, frames in others.items():
            frames.append(rows[rollup])
        return _rollup_text(rows[rollups.PRODUCTS], company_id)

    async with _as_owner(conn):
        await _copy_rollup(
            conn,
            rollups.PRODUCTS,
            _made_ahead(_each(kept_lines.day_ranges(lines_by_day, kept_lines.RANGE_LINES)), group),
        )
        for rollup, frames in others.items():
            if frames:  # none for a load of no lines
                rows = pl.concat(frames)
                await _copy_rollup(
                    conn, rollup, _made_ahead(_chunks(rows), lambda chunk: _rollup_text(chunk, company_id))
                )


async def _copy_rollup(conn: asyncpg.Connection, rollup: rollups.Rollup, rows: AsyncIterable[bytes]) -> None:
    columns = ("company_id", "location_id", "day", *rollup.grain, *rollups.MEASURES)
    await conn.copy_to_table(rollup.table, source=rows, columns=columns, format="text")


def _rollup_text(rows: pl.DataFrame, company_id: UUID) -> bytes:
    return copy_text(rows.select(pl.lit(str(company_id)).alias("company_id"), pl.all()))


# COPY's text format, the one plain COPY takes: PostgreSQL reads a million lines of it in ~10 % less time than CSV.
# Tab-separated, \N for NULL, and a backslash, tab, newline or carriage return within a value written as its escape.
_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))
_TO_ESCAPE = r"[\\\t\n\r]"


def copy_text(frame: pl.DataFrame) -> bytes:
    """`frame` in COPY's text format; a binary column as bytea's hex form."""
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if dtype == pl.Binary:
            column = pl.concat_str(pl.lit("\\\\x"), column.bin.encode("hex")).alias(name)
        elif dtype in (pl.Utf8, pl.Categorical) and frame.get_column(name).cast(pl.Utf8).str.contains(_TO_ESCAPE).any():
            column = column.cast(pl.Utf8)
            for character, escape in _ESCAPES:
                column = column.str.replace_all(character, escape, literal=True)
        columns.append(column)
    return (
        frame.select(columns).write_csv(include_header=False, separator="\t", quote_style="never", null_value="\\N")
    ).encode()


async def _each(items: Iterable[T]) -> AsyncIterator[T]:
    for item in items:
        yield item


@contextlib.asynccontextmanager
async def _as_owner(conn: asyncpg.Connection) -> AsyncIterator[None]:
    """The statements of the block run as the connection's own user (the tables' owner), then as ayni_app again.
    When the block raises, the caller's transaction rolls back, and with it the RESET (a failed statement leaves
    the transaction refusing any other, SET ROLE included)."""
    await conn.execute("RESET ROLE")
    yield
    await conn.execute(f"SET ROLE {APP_ROLE}")


def _days_of(frames: list[pl.DataFrame]) -> list[_Day]:
    if not frames:
        return []
    summed = pl.concat(frames).group_by("location_id", "day").agg(pl.col("lines").sum(), pl.col("revenue").sum())
    return [_Day(UUID(str(location)), day, lines, revenue) for location, day, lines, revenue in summed.iter_rows()]


async def _batches(lines: pl.DataFrame | AsyncIterable[pl.DataFrame]) -> AsyncIterator[pl.DataFrame]:
    if isinstance(lines, pl.DataFrame):
        yield lines
    else:
        async for batch in lines:
            yield batch


async def undo_import(conn: asyncpg.Connection, company_id: UUID, import_id: UUID) -> int:
    """Remove the import's lines and recompute the rollups of the days they were on; bump data_version. The
    number of lines removed. Products and locations the import created stay: other data may name them since."""
    await _give_work_mem(conn)
    removed = await fetch_all(
        conn,
        """WITH removed AS (
               DELETE FROM sale_lines WHERE company_id = :company_id AND import_id = :import_id
               RETURNING location_id, day
           )
           SELECT location_id, day, count(*) AS lines FROM removed GROUP BY location_id, day""",
        company_id=company_id,
        import_id=import_id,
    )
    await rollups.recompute(conn, company_id, [r["location_id"] for r in removed], [r["day"] for r in removed])
    await bump_data_version(conn, company_id)
    return sum(r["lines"] for r in removed)


# An import or undo of at least this many lines has the planner's statistics refreshed at once.
ANALYZE_AFTER_LINES = 20_000
# What an import writes and analytics reads, each with the columns its statements select, join and group on (none
# named: all of them). The planner needs the tables' row counts and those columns' statistics: after a million-line
# import, these took 0.65 s against 1.6 s for every column (median of 5). A column list leaves the table's count of
# changes as it was, so autovacuum still analyzes every column later, on its own schedule.
ANALYZED_TABLES: Mapping[str, tuple[str, ...]] = {
    "sale_lines": ("company_id", "import_id", "location_id", "day", "product_id"),
    "products": (),
    **{rollup.table: ("company_id", "location_id", "day", *rollup.grain) for rollup in rollups.ROLLUPS},
}


async def refresh_statistics(conn: asyncpg.Connection) -> None:
    """ANALYZE what an import writes, in the import's transaction: the sample counts its own new rows as live and
    its deleted ones as gone, and the statistics commit with the lines, so no query sees the one without the other.
    Autovacuum would, on its own schedule and once a tenth of a table has changed; a company's first million lines
    may be a small share of the tables, and until the planner has seen them it takes them for a handful of rows: a
    category breakdown over a year of the demo company's rollups, planned as a nested loop, took 13.8 s; 0.2 s once
    analyzed. ANALYZE is the tables' owner's right (the connection's own user), not ayni_app's: the role is
    switched back and forth around it (a user that owns no table gets a warning per table, not an error)."""
    async with _as_owner(conn):
        await conn.execute(
            f"ANALYZE {', '.join(_analyzed(table, columns) for table, columns in ANALYZED_TABLES.items())}"
        )


def _analyzed(table: str, columns: Sequence[str]) -> str:
    return f"{table} ({', '.join(columns)})" if columns else table


async def _give_work_mem(conn: asyncpg.Connection) -> None:
    await execute(conn, f"SET LOCAL work_mem = '{WORK_MEM}'")


async def bump_data_version(conn: asyncpg.Connection, company_id: UUID) -> None:
    await execute(conn, "UPDATE companies SET data_version = data_version + 1 WHERE id = :id", id=company_id)


# Locations and products


class _Names:
    """The ids of the locations and products a load's lines name: the company's, read before the COPY, and ids
    made here for new ones, whose rows are inserted after it (`insert_new`)."""

    def __init__(self, locations: Sequence[Mapping[str, object]], products: Mapping[str, UUID]) -> None:
        self._company_locations = {row["id"] for row in locations}
        self._taken_codes = {str(row["code"]) for row in locations}
        self.location_ids: dict[str | None, UUID] = {}
        self._new_locations: dict[str, tuple[UUID, str]] = {}  # name -> (id, code)
        self.product_ids = dict(products)
        self._new_products: set[str] = set()
        self._details: pl.DataFrame | None = None

    @classmethod
    async def of_company(cls, conn: asyncpg.Connection, company_id: UUID) -> _Names:
        locations = await fetch_all(
            conn, "SELECT id, code FROM locations WHERE company_id = :company_id", company_id=company_id
        )
        products = await fetch_all(
            conn, "SELECT key, id FROM products WHERE company_id = :company_id", company_id=company_id
        )
        return cls(locations, {row["key"]: row["id"] for row in products})

    def name_locations(self, lines: pl.DataFrame, chosen: Mapping[str | None, UUID | Literal["new"]]) -> None:
        """Each location name of the lines not named yet -> the company's location `chosen` for it, or a new one."""
        names: list[str | None] = [
            name
            for name in lines.get_column("location").unique(maintain_order=True).to_list()
            if name not in self.location_ids
        ]
        unmapped = [name for name in names if name not in chosen]
        if unmapped:
            raise LoadRefused(f"Choose a location for the lines of {_quoted(unmapped)}.")
        for name in names:
            location = chosen[name]
            if isinstance(location, UUID):
                if location not in self._company_locations:
                    raise LoadRefused("A location chosen for these lines is not one of this company's locations.")
                self.location_ids[name] = location
            elif name is None:
                raise LoadRefused("A file without a location column needs one of the company's locations.")
            else:
                code = location_code(name, self._taken_codes)
                self._taken_codes.add(code)
                self.location_ids[name] = uuid.uuid4()
                self._new_locations[name] = (self.location_ids[name], code)

    def name_products(self, lines: pl.DataFrame) -> None:
        """Each product key of the lines -> its product's id, a new one for a key the company has not had."""
        details = _product_details(lines)
        # Folded as they come: a million lines' chunks each name most of a shop's products again.
        self._details = details if self._details is None else _product_details(pl.concat([self._details, details]))
        for key in details.get_column("product_key").to_list():
            if key not in self.product_ids:
                self.product_ids[key] = uuid.uuid4()
                self._new_products.add(key)

    async def insert_new(self, conn: asyncpg.Connection, company_id: UUID) -> None:
        """Insert the new locations and products, and update the known products' sku, name and category: each is
        the last the lines give (a line, or a whole file, leaving one out keeps what was known)."""
        if self._new_locations:
            await execute(
                conn,
                """INSERT INTO locations (company_id, id, name, code)
                   SELECT :company_id, * FROM unnest(:ids::uuid[], :names::text[], :codes::text[])""",
                company_id=company_id,
                ids=[location_id for location_id, _ in self._new_locations.values()],
                names=list(self._new_locations),
                codes=[code for _, code in self._new_locations.values()],
            )
        if self._details is None:
            return
        details = self._details
        is_new = pl.col("product_key").is_in(list(self._new_products))
        new = details.filter(is_new)
        await execute(
            conn,
            """INSERT INTO products (company_id, id, key, sku, name, category)
               SELECT :company_id, * FROM unnest(:ids::uuid[], :keys::text[], :skus::text[], :names::text[],
                                                 :categories::text[])""",
            company_id=company_id,
            ids=[self.product_ids[key] for key in new.get_column("product_key").to_list()],
            **_product_columns(new),
        )
        await execute(
            conn,
            """UPDATE products AS p
               SET sku = coalesce(u.sku, p.sku), name = coalesce(u.name, p.name),
                   category = coalesce(u.category, p.category)
               FROM unnest(:keys::text[], :skus::text[], :names::text[], :categories::text[])
                    AS u (key, sku, name, category)
               WHERE p.company_id = :company_id AND p.key = u.key
                 AND (p.sku, p.name, p.category) IS DISTINCT FROM
                     (coalesce(u.sku, p.sku), coalesce(u.name, p.name), coalesce(u.category, p.category))""",
            company_id=company_id,
            **_product_columns(details.filter(~is_new)),
        )


def _product_details(lines: pl.DataFrame) -> pl.DataFrame:
    """Each product key of the lines, in order, with the last sku, name and category they give."""
    return lines.group_by("product_key", maintain_order=True).agg(
        pl.col("sku").drop_nulls().last(),
        pl.col("product").drop_nulls().last(),
        pl.col("category").drop_nulls().last(),
    )


def _product_columns(details: pl.DataFrame) -> dict[str, list[object]]:
    return {
        "keys": details.get_column("product_key").to_list(),
        "skus": details.get_column("sku").to_list(),
        "names": details.get_column("product").to_list(),
        "categories": details.get_column("category").to_list(),
    }


def _quoted(names: list[str | None]) -> str:
    return ", ".join("the file without a location column" if n is None else f"'{n}'" for n in sorted(names, key=str))


def location_code(name: str, taken: Collection[str]) -> str:
    """A short code for a new location named `name`: its letters and digits, upper-case and without accents
    (`Ñuñoa centro` -> `NUNOA-CENTRO`), at most 20 characters, with `-2`, `-3`... when another location has it
    (compared regardless of case)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    base = "-".join(re.findall(r"[A-Z0-9]+", ascii_name))[:20].strip("-") or "LOCATION"
    taken_folded = {code.casefold() for code in taken}
    code, suffix = base, 1
    while code.casefold() in taken_folded:
        suffix += 1
        code = f"{base}-{suffix}"
    return code


# The staged lines. A million parsed lines take some 200 MB in polars: they come in batches, and the frames
# derived from them are made a chunk at a time, to keep the worker within its memory.


def staged_frame(
    lines: pl.DataFrame, location_ids: Mapping[str | None, UUID], product_ids: Mapping[str, UUID]
) -> pl.DataFrame:
    """The lines with ids for their location and product, in the staging table's columns."""
    products = pl.DataFrame(
        {"product_key": list(product_ids), "product_id": [str(i) for i in product_ids.values()]},
        schema={"product_key": pl.Utf8, "product_id": pl.Utf8},
    )
    return (
        lines.join(_location_frame(location_ids), on="location", how="left", nulls_equal=True, maintain_order="left")
        .join(products, on="product_key", how="left", maintain_order="left")
        .select(STAGED_COLUMNS)
    )


def _location_frame(location_ids: Mapping[str | None, UUID]) -> pl.DataFrame:
    """Location name -> id; the id categorical, as a million lines name a handful of locations."""
    return pl.DataFrame(
        {"location": list(location_ids), "location_id": [str(i) for i in location_ids.values()]},
        schema={"location": pl.Utf8, "location_id": pl.Categorical},
    )


@dataclass(frozen=True)
class _LinesToCopy:
    """A chunk of lines in COPY's text format, after the target's constant columns: its locations and products named
    first, its lines counted in `copied` and kept in `kept`."""

    names: _Names
    chosen: Mapping[str | None, UUID | Literal["new"]]
    constants: Mapping[str, UUID]
    copied: _Copied
    kept: KeptLines | None

    def __call__(self, lines: pl.DataFrame) -> bytes:
        self.names.name_locations(lines, self.chosen)
        self.names.name_products(lines)
        staged = staged_frame(lines, self.names.location_ids, self.names.product_ids)
        self.copied.add(staged)
        if self.kept is not None:
            self.kept.add(staged)
        leading = [pl.lit(str(value)).alias(column) for column, value in self.constants.items()]
        return copy_text(staged.select(*leading, pl.all()))


async def _staged_days(conn: asyncpg.Connection) -> list[_Day]:
    """The staged lines by (location, day), once the duplicates are dropped. (Hashed in one pass: no sort.)"""
    rows = await fetch_all(
        conn,
        """SELECT location_id, day, count(*) AS lines, coalesce(sum(amount), 0) AS revenue
           FROM staged_lines GROUP BY location_id, day""",
    )
    return [_Day(row["location_id"], row["day"], row["lines"], row["revenue"]) for row in rows]


def touched_pairs(days: Sequence[_Day]) -> tuple[list[UUID], list[date]]:
    """The (location, day) pairs of `days`, as two parallel lists."""
    return [day.location_id for day in days], [day.day for day in days]


async def _replace_days(
    conn: asyncpg.Connection, company_id: UUID, import_id: UUID, pairs: tuple[list[UUID], list[date]]
) -> int:
    """Empty the pairs of their lines from other imports than `import_id`; how many held any. A pair holds lines
    exactly when it has a daily rollup row, not recomputed yet: only those are searched (none, for a company's
    first import of a period)."""
    held = await fetch_all(
        conn,
        f"""SELECT location_id, day FROM sales_daily JOIN {rollups.TOUCHED} USING (location_id, day)
            WHERE company_id = :company_id""",  # noqa: S608
        company_id=company_id,
        locations=pairs[0],
        days=pairs[1],
    )
    if held:
        await execute(
            conn,
            f"""DELETE FROM sale_lines AS s USING {rollups.TOUCHED}
                WHERE s.company_id = :company_id AND s.location_id = touched.location_id AND s.day = touched.day
                  AND s.import_id <> :import_id""",  # noqa: S608
            company_id=company_id,
            import_id=import_id,
            locations=[row["location_id"] for row in held],
            days=[row["day"] for row in held],
        )
    return len(held)


async def _tickets_of_days(conn: asyncpg.Connection, company_id: UUID, pairs: tuple[list[UUID], list[date]]) -> int:
    """The sale tickets of the pairs, as their daily rollups count them (recomputed: the import's own)."""
    tickets: int = await fetch_value(
        conn,
        f"""SELECT coalesce(sum(tickets), 0) FROM sales_daily JOIN {rollups.TOUCHED} USING (location_id, day)
            WHERE company_id = :company_id""",  # noqa: S608
        company_id=company_id,
        locations=pairs[0],
        days=pairs[1],
    )
    return tickets


async def _drop_duplicates(conn: asyncpg.Connection, company_id: UUID) -> None:
    """Drop the staged lines identical to a line already loaded."""
    # Without statistics the planner takes the staged lines for a few hundred and probes sale_lines' index once
    # per line (12 s for a million lines appended again, against 4 s for the hash join it picks with them).
    await execute(conn, "ANALYZE staged_lines")
    await execute(
        conn,
        """DELETE FROM staged_lines AS s USING sale_lines AS e
           WHERE e.company_id = :company_id AND e.location_id = s.location_id AND e.day = s.day
             AND e.sold_at = s.sold_at AND e.ticket = s.ticket AND e.product_id = s.product_id
             AND e.quantity = s.quantity AND e.amount = s.amount""",
        company_id=company_id,
    )


async def _staged_tickets(conn: asyncpg.Connection) -> int:
    """The distinct sale tickets among the staged lines: a ticket is a location's document of one day, as the
    rollups count them (a number reused another day is another ticket)."""
    # DISTINCT in a subquery is hashed; count(DISTINCT (...)) would sort a million rows.
    tickets: int = await fetch_value(
        conn,
        """SELECT count(*) FROM (SELECT DISTINCT location_id, day, ticket FROM staged_lines WHERE NOT is_return)
           AS sold""",
    )
    return tickets


def _summary(days: Sequence[_Day], *, tickets: int, lines_copied: int, days_replaced: int) -> LoadSummary:
    """What the loaded lines, counted in `days`, add up to. (Two names in the file may stand for one location:
    ids, not names, are counted.)"""
    lines = sum(day.lines for day in days)
    return LoadSummary(
        lines_loaded=lines,
        lines_skipped=lines_copied - lines,
        tickets=tickets,
        date_from=min((day.day for day in days), default=None),
        date_to=max((day.day for day in days), default=None),
        locations=sorted({day.location_id for day in days}),
        revenue=sum((day.revenue for day in days), Decimal(0)),
        days_replaced=days_replaced,
    )
