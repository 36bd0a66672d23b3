"""An import's parsed lines into the company's sales, and an import undone, each inside the caller's transaction
(which set the tenant and holds the company's import lock), so its whole effect commits or none of it does.

Replacing (the usual import), the lines are copied straight into sale_lines, then the replaced days lose their
earlier lines and the rollups of every touched (location, day) are recomputed from the import's own lines: a
million lines are written once. Appending, they are copied into a temporary table first, the exact duplicates
of lines already loaded dropped there, and the rest inserted. PostgreSQL refuses `COPY FROM` into a table under
row-level security for ayni_app, so each COPY into sale_lines runs as the tables' owner (the connection's own
user), with the company and the import written by this module, never taken from the file. bench/load_paths.py
measures each phase on a million lines."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

import asyncpg
import polars as pl

from ayni.db import APP_ROLE
from ayni.sales import rollups
from ayni.sql import execute, fetch_all, fetch_value

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
        # A replace analysed sale_lines before its rollups (once more would cost ~0.4 s a million lines).
        done = ("sale_lines",) if mode == "replace" else ()
        await refresh_statistics(conn, [table for table in ANALYZED_TABLES if table not in done])
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
    from the import's lines."""
    target = _Target("sale_lines", {"company_id": company_id, "import_id": import_id}, as_owner=True)
    copied, days = await _copy_lines(conn, company_id, copy, target)
    await copy.progress("replacing", 0, copy.total)
    pairs = touched_pairs(days)
    days_replaced = await _replace_days(conn, company_id, import_id, pairs)
    await copy.progress("rollups", 0, copy.total)
    if copied >= ANALYZE_AFTER_LINES:
        # Taken for a handful of rows, a million lines were sorted on disk by the rollups (12 s for the product
        # rollup of bench/load_paths' lines); seen, they are read in the order of the day index (8 s).
        await refresh_statistics(conn, ("sale_lines",))
    await rollups.recompute_import(conn, company_id, import_id, *pairs)
    tickets = await _tickets_of_days(conn, company_id, pairs)
    return _summary(days, tickets=tickets, lines_copied=copied, days_replaced=days_replaced)


async def _append(conn: asyncpg.Connection, company_id: UUID, import_id: UUID, copy: _Copy) -> LoadSummary:
    """The lines copied into a temporary table, those identical to a line already loaded dropped there, the rest
    inserted, the touched days' rollups made again from all their lines."""
    await execute(conn, f"CREATE TEMP TABLE staged_lines AS SELECT {_STAGED} FROM sale_lines WITH NO DATA")  # noqa: S608
    copied, _ = await _copy_lines(conn, company_id, copy, _Target("staged_lines", {}, as_owner=False))
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
    return _summary(days, tickets=tickets, lines_copied=copied, days_replaced=0)


@dataclass(frozen=True)
class _Target:
    """Where the lines are copied: a table with the staged columns, after `constants` (column -> the load's value),
    by the tables' owner or by ayni_app. The owner's COPY into sale_lines skips the policies' check of each row:
    its company is `load_import`'s own, and each batch's locations were found among that company's, or created
    for it, by ayni_app under the transaction's tenant just before (for a company not the tenant's, none is
    found and creating one is refused, before any line is copied)."""

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


async def _copy_lines(
    conn: asyncpg.Connection, company_id: UUID, copy: _Copy, target: _Target
) -> tuple[int, list[_Day]]:
    """Copy the lines into `target` a batch at a time (the locations and products each batch names found or
    created first); how many, and what they add up to by (location, day)."""
    location_ids: dict[str | None, UUID] = {}
    product_ids: dict[str, UUID] = {}
    copied = 0
    days: list[pl.DataFrame] = []
    async for batch in _batches(copy.lines):
        location_ids |= await _resolve_locations(conn, company_id, batch, copy.locations, location_ids)
        product_ids |= await _upsert_products(conn, company_id, batch)
        chunks = _csv_chunks(
            batch,
            location_ids,
            product_ids,
            target.constants,
            days,
            copy.progress,
            copied,
            max(copy.total, copied + len(batch)),
        )
        columns = (*target.constants, *STAGED_COLUMNS)
        async with _as_owner(conn) if target.as_owner else contextlib.nullcontext():
            await conn.copy_to_table(target.table, source=chunks, columns=columns, format="csv")
        copied += len(batch)
    return copied, _days_of(days)


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
# What an import writes and analytics reads.
ANALYZED_TABLES = ("sale_lines", "products", *(rollup.table for rollup in rollups.ROLLUPS))


async def refresh_statistics(conn: asyncpg.Connection, tables: Sequence[str] = ANALYZED_TABLES) -> None:
    """ANALYZE what an import writes, in the import's transaction: the sample counts its own new rows as live and
    its deleted ones as gone, and the statistics commit with the lines, so no query sees the one without the other.
    Autovacuum would, on its own schedule and once a tenth of a table has changed; a company's first million lines
    may be a small share of the tables, and until the planner has seen them it takes them for a handful of rows: a
    category breakdown over a year of the demo company's rollups, planned as a nested loop, took 13.8 s; 0.2 s once
    analyzed. ANALYZE is the tables' owner's right (the connection's own user), not ayni_app's: the role is
    switched back and forth around it (a user that owns no table gets a warning per table, not an error)."""
    async with _as_owner(conn):
        await conn.execute(f"ANALYZE {', '.join(tables)}")


async def _give_work_mem(conn: asyncpg.Connection) -> None:
    await execute(conn, f"SET LOCAL work_mem = '{WORK_MEM}'")


async def bump_data_version(conn: asyncpg.Connection, company_id: UUID) -> None:
    await execute(conn, "UPDATE companies SET data_version = data_version + 1 WHERE id = :id", id=company_id)


# Locations and products


async def _resolve_locations(
    conn: asyncpg.Connection,
    company_id: UUID,
    lines: pl.DataFrame,
    locations: Mapping[str | None, UUID | Literal["new"]],
    resolved: Mapping[str | None, UUID],
) -> dict[str | None, UUID]:
    """Each location name of the lines not `resolved` yet -> its id: the company's location the mapping names,
    or one created."""
    names: list[str | None] = [
        name for name in lines.get_column("location").unique(maintain_order=True).to_list() if name not in resolved
    ]
    unmapped = [name for name in names if name not in locations]
    if unmapped:
        raise LoadRefused(f"Choose a location for the lines of {_quoted(unmapped)}.")
    if not names:
        return {}
    chosen = {name: locations[name] for name in names}
    company_locations = await fetch_all(
        conn, "SELECT id, code FROM locations WHERE company_id = :company_id", company_id=company_id
    )
    if {location for location in chosen.values() if isinstance(location, UUID)} - {r["id"] for r in company_locations}:
        raise LoadRefused("A location chosen for these lines is not one of this company's locations.")
    taken = {row["code"] for row in company_locations}
    new_ids: dict[str | None, UUID] = {}
    for name, location in chosen.items():
        if isinstance(location, UUID):
            new_ids[name] = location
        elif name is None:
            raise LoadRefused("A file without a location column needs one of the company's locations.")
        else:
            code = location_code(name, taken)
            taken.add(code)
            new_ids[name] = await fetch_value(
                conn,
                "INSERT INTO locations (company_id, name, code) VALUES (:company_id, :name, :code) RETURNING id",
                company_id=company_id,
                name=name,
                code=code,
            )
    return new_ids


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


async def _upsert_products(conn: asyncpg.Connection, company_id: UUID, lines: pl.DataFrame) -> dict[str, UUID]:
    """Each product key of the lines -> its product's id, inserting new products. Its sku, name and category
    are the last the lines give (a line, or a whole file, leaving one out keeps what was known): upserted batch
    after batch, the last batch's word stands, as for one frame."""
    products = lines.group_by("product_key", maintain_order=True).agg(
        pl.col("sku", "product", "category").drop_nulls().last()
    )
    keys = products.get_column("product_key").to_list()
    await execute(
        conn,
        """INSERT INTO products AS p (company_id, key, sku, name, category)
           SELECT :company_id, * FROM unnest(:keys::text[], :skus::text[], :names::text[], :categories::text[])
           ON CONFLICT (company_id, key) DO UPDATE
           SET sku = coalesce(excluded.sku, p.sku), name = coalesce(excluded.name, p.name),
               category = coalesce(excluded.category, p.category)
           WHERE (p.sku, p.name, p.category) IS DISTINCT FROM
                 (coalesce(excluded.sku, p.sku), coalesce(excluded.name, p.name),
                  coalesce(excluded.category, p.category))""",
        company_id=company_id,
        keys=keys,
        skus=products.get_column("sku").to_list(),
        names=products.get_column("product").to_list(),
        categories=products.get_column("category").to_list(),
    )
    rows = await fetch_all(
        conn,
        "SELECT key, id FROM products WHERE company_id = :company_id AND key = ANY(:keys::text[])",
        company_id=company_id,
        keys=keys,
    )
    return {row["key"]: row["id"] for row in rows}


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


async def _csv_chunks(
    lines: pl.DataFrame,
    location_ids: Mapping[str | None, UUID],
    product_ids: Mapping[str, UUID],
    constants: Mapping[str, UUID],
    days: list[pl.DataFrame],
    progress: Progress,
    done: int,
    total: int,
) -> AsyncIterator[bytes]:
    """The staged lines as CSV for COPY, after the `constants` columns, a chunk at a time (bytea in PostgreSQL's
    `\\x` hex form); each chunk's lines and revenue by (location, day) appended to `days`. `done` lines were copied
    before these."""
    hex_customer = pl.concat_str(pl.lit("\\x"), pl.col("customer").bin.encode("hex")).alias("customer")
    leading = [pl.lit(str(value)).alias(column) for column, value in constants.items()]
    for offset in range(0, len(lines), CHUNK_ROWS):
        staged = staged_frame(lines.slice(offset, CHUNK_ROWS), location_ids, product_ids)
        days.append(
            staged.group_by("location_id", "day").agg(pl.len().alias("lines"), pl.col("amount").sum().alias("revenue"))
        )
        yield staged.select(*leading, pl.exclude("customer"), hex_customer).write_csv(include_header=False).encode()
        await progress("copying", done + min(offset + CHUNK_ROWS, len(lines)), total)


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
