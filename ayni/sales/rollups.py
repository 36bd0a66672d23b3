"""The five rollups of sale lines, by (location, day) and by (location, day) with product, hour, payment method
or seller: one definition of their measures, recomputed for the (location, day) pairs an append or an undo touched,
in the caller's transaction (migrations/0007_sales.sql says what each measure means, 0009 adds two grains).

Recomputing whole groups, never adding to them, keeps every rollup equal to its lines whatever happened before:
replaced days, skipped duplicates, undone imports.

How: the product rollup is grouped from the lines; the four others from the lines first grouped by ticket (each
ticket's lines of one hour, payment method, seller and customer), some eight times fewer rows for the demo's
tickets. Grouping a million lines once instead of four times is most of the rollups' time saved
(bench/load_paths.py).

A replace knows every line of the pairs it touches: its own. Its rollups are grouped by polars in the job's process
(`rows_of`) from the lines kept as they were copied (ayni/sales/kept_lines.py), a range of days at a time, and
copied in the order of each table's primary key: for a million lines, about a second of polars, overlapped with two
of COPY, against six to eleven of the statements below. `MEASURES` and `_polars_measures` are the two spellings of
one definition; the stateful test of loads and undos (tests/sales/test_rollups_state.py) and test_load's
many-chunk replace hold both to the lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg
import polars as pl

from ayni.sql import compile_statement, execute


@dataclass(frozen=True)
class Rollup:
    table: str
    grain: tuple[str, ...] = ()  # the group's columns after (company_id, location_id, day)


PRODUCTS = Rollup("sales_daily_products", ("product_id",))
BY_TICKET = (
    Rollup("sales_daily"),
    Rollup("sales_hourly", ("hour",)),
    Rollup("sales_daily_payments", ("payment_method",)),
    Rollup("sales_daily_sellers", ("seller",)),
)
ROLLUPS = (PRODUCTS, *BY_TICKET)

# A grain column from the lines: a line naming no payment method or seller counts under '' (migrations/0009).
_LINE_KEY = {"payment_method": "coalesce(payment_method, '')", "seller": "coalesce(seller, '')"}

# Each measure of a group of lines. Returns carry negative amounts and quantities (ayni/sales/parse.py), so
# sums are net and the returned figures are negated to read positive. count(DISTINCT) skips NULLs: customers
# is 0 exactly when no line names one, which reads as NULL (unknown), not as "nobody".
MEASURES = {
    "revenue": "sum(amount)",
    "returns": "coalesce(sum(-amount) FILTER (WHERE is_return), 0)",
    "discounts": "coalesce(sum(discount), 0)",
    "cost": "coalesce(sum(cost), 0)",
    "costed_revenue": "coalesce(sum(amount) FILTER (WHERE cost IS NOT NULL), 0)",
    "units": "sum(quantity)",
    "units_returned": "coalesce(sum(-quantity) FILTER (WHERE is_return), 0)",
    "tickets": "count(DISTINCT ticket) FILTER (WHERE NOT is_return)",
    "return_tickets": "count(DISTINCT ticket) FILTER (WHERE is_return)",
    "lines": "count(*)",
    "customers": "nullif(count(DISTINCT customer), 0)",
}
# The measures that only count the distinct tickets and customers: over lines grouped by ticket (which keep
# ticket, is_return and customer) they read the same; every other measure is a sum of the groups' own.
_DISTINCT = ("tickets", "return_tickets", "customers")
_ADDITIVE = tuple(name for name in MEASURES if name not in _DISTINCT)
_TICKET_KEYS = ("location_id", "day", "hour", "payment_method", "seller", "ticket", "is_return", "customer")

# The touched (location, day) pairs as a relation `touched`, from two arrays of one length bound as :locations
# and :days: two parameters however many days an import covers.
TOUCHED = "unnest(:locations::uuid[], :days::date[]) AS touched (location_id, day)"

# The lines of the touched pairs.
_SALE_LINES = f"sale_lines JOIN {TOUCHED} USING (location_id, day) WHERE company_id = :company_id"


def _clear_sql(rollup: Rollup) -> str:
    return f"""DELETE FROM {rollup.table} AS r USING {TOUCHED}
               WHERE r.company_id = :company_id AND r.location_id = touched.location_id
                 AND r.day = touched.day"""  # noqa: S608 - fixed names


def _fill_sql(rollup: Rollup, source: str, measures: dict[str, str], keys: dict[str, str]) -> str:
    group = ("location_id", "day", *rollup.grain)
    selected = ", ".join(keys.get(column, column) for column in group)
    return f"""INSERT INTO {rollup.table} (company_id, {", ".join(group)}, {", ".join(measures)})
               SELECT :company_id, {selected}, {", ".join(measures.values())} FROM {source}
               GROUP BY {", ".join(str(i) for i in range(2, len(group) + 2))}"""  # noqa: S608 - fixed names


def _by_ticket_sql(source: str) -> str:
    keys = ", ".join(f"{_LINE_KEY.get(key, key)} AS {key}" for key in _TICKET_KEYS)
    sums = ", ".join(f"{MEASURES[name]} AS {name}" for name in _ADDITIVE)
    return f"""CREATE TEMP TABLE lines_by_ticket AS
               SELECT {keys}, {sums} FROM {source}
               GROUP BY {", ".join(str(i) for i in range(1, len(_TICKET_KEYS) + 1))}"""  # noqa: S608 - fixed names


_OF_TICKETS = {name: f"sum({name})" for name in _ADDITIVE} | {name: MEASURES[name] for name in _DISTINCT}


async def recompute(
    conn: asyncpg.Connection, company_id: UUID, locations: Sequence[UUID], days: Sequence[date]
) -> None:
    """Every rollup row of the pairs (locations[i], days[i]) made again from the lines those days hold now (none
    left: no row)."""
    pairs = {"company_id": company_id, "locations": list(locations), "days": list(days)}

    async def run(sql: str) -> None:
        # Only the parameters the statement names: the fills from the lines grouped by ticket name no pairs.
        await execute(conn, sql, **{name: pairs[name] for name in compile_statement(sql).names})

    await clear(conn, company_id, locations, days)
    await run(_fill_sql(PRODUCTS, _SALE_LINES, MEASURES, _LINE_KEY))
    await run(_by_ticket_sql(_SALE_LINES))
    for rollup in BY_TICKET:
        await run(_fill_sql(rollup, "lines_by_ticket", _OF_TICKETS, {}))
    await execute(conn, "DROP TABLE lines_by_ticket")


async def clear(conn: asyncpg.Connection, company_id: UUID, locations: Sequence[UUID], days: Sequence[date]) -> None:
    """Remove every rollup row of the pairs (locations[i], days[i])."""
    for rollup in ROLLUPS:
        await execute(conn, _clear_sql(rollup), company_id=company_id, locations=list(locations), days=list(days))


# The rollups of lines known whole, in polars.

# The columns of load.staged_frame the rollups read, made compact: a million lines take ~90 MB this way. Not the
# ticket: polars keeps every category it has made for the life of the process, and a million lines' tickets took
# ~50 MB of the job's memory that way (a short ticket is held in the string itself anyway).
_COMPACT = (
    pl.col("location_id"),
    pl.col("day"),
    pl.col("hour"),
    pl.col("product_id").cast(pl.Categorical),
    pl.col("ticket"),
    pl.col("is_return"),
    pl.col("customer"),
    pl.col("payment_method").fill_null("").cast(pl.Categorical),  # as _LINE_KEY
    pl.col("seller").fill_null("").cast(pl.Categorical),
    pl.col("amount"),
    pl.col("quantity"),
    pl.col("cost"),
    pl.col("discount"),
)
# Grain columns compared as text: a uuid's or a name's order in the primary key is that of its text (uuids are
# compared byte by byte, as their hex digits are; names in the C collation; in another, only the speed differs).
_AS_TEXT = ("location_id", "product_id", "payment_method", "seller")


def compact_lines(staged: pl.DataFrame) -> pl.DataFrame:
    """What `rows_of` needs of staged lines (load.staged_frame's columns)."""
    return staged.select(_COMPACT)


def _polars_measures() -> list[pl.Expr]:
    """MEASURES, in polars: sums of no value are 0, a count of distinct values skips nulls, no customer is null."""
    returned = pl.col("is_return")
    customers = pl.col("customer").drop_nulls().n_unique()
    return [
        pl.col("amount").sum().alias("revenue"),
        (-pl.col("amount")).filter(returned).sum().alias("returns"),
        pl.col("discount").sum().alias("discounts"),
        pl.col("cost").sum().alias("cost"),
        pl.col("amount").filter(pl.col("cost").is_not_null()).sum().alias("costed_revenue"),
        pl.col("quantity").sum().alias("units"),
        (-pl.col("quantity")).filter(returned).sum().alias("units_returned"),
        pl.col("ticket").filter(~returned).n_unique().alias("tickets"),
        pl.col("ticket").filter(returned).n_unique().alias("return_tickets"),
        pl.len().alias("lines"),
        pl.when(customers > 0).then(customers).alias("customers"),
    ]


def rows_of(lines: pl.DataFrame) -> dict[Rollup, pl.DataFrame]:
    """Each rollup's rows for `lines` (compact_lines'), which must be every line of their (location, day) pairs:
    the group's columns after company_id, then the measures, in the order of the table's primary key."""
    rows = {}
    for rollup in ROLLUPS:
        group = ("location_id", "day", *rollup.grain)
        order = [pl.col(column).cast(pl.Utf8) if column in _AS_TEXT else pl.col(column) for column in group]
        rows[rollup] = lines.group_by(group).agg(_polars_measures()).sort(order)
    return rows
