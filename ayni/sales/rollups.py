"""The three rollups of sale lines, by (location, day), (location, day, product) and (location, day, hour): one
definition of their measures, recomputed for the (location, day) pairs a load or an undo touched, in the
caller's transaction (migrations/0007_sales.sql says what each measure means).

Recomputing whole groups, never adding to them, keeps every rollup equal to its lines whatever happened before:
replaced days, skipped duplicates, undone imports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import asyncpg

from ayni.sql import compile_statement, execute


@dataclass(frozen=True)
class Rollup:
    table: str
    grain: tuple[str, ...]  # the group's columns after (company_id, location_id, day)


ROLLUPS = (
    Rollup("sales_daily", ()),
    Rollup("sales_daily_products", ("product_id",)),
    Rollup("sales_hourly", ("hour",)),
)

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

# The touched (location, day) pairs as a relation `touched`, from two arrays of one length bound as :locations
# and :days: two parameters however many days an import covers.
TOUCHED = "unnest(:locations::uuid[], :days::date[]) AS touched (location_id, day)"


def _clear_sql(rollup: Rollup) -> str:
    return f"""DELETE FROM {rollup.table} AS r USING {TOUCHED}
               WHERE r.company_id = :company_id AND r.location_id = touched.location_id
                 AND r.day = touched.day"""  # noqa: S608 - fixed names


def _fill_sql(rollup: Rollup, lines: str) -> str:
    group = ", ".join(("location_id", "day", *rollup.grain))
    measures = ", ".join(f"{expression} AS {name}" for name, expression in MEASURES.items())
    return f"""INSERT INTO {rollup.table} (company_id, {group}, {", ".join(MEASURES)})
               SELECT :company_id, {group}, {measures} FROM {lines} GROUP BY {group}"""  # noqa: S608 - fixed names


# The lines of the touched pairs.
_SALE_LINES = f"sale_lines JOIN {TOUCHED} USING (location_id, day) WHERE company_id = :company_id"


async def recompute(
    conn: asyncpg.Connection, company_id: UUID, locations: Sequence[UUID], days: Sequence[date]
) -> None:
    """Every rollup row of the pairs (locations[i], days[i]) made again from the lines those days hold now (none
    left: no row)."""
    await _recompute(conn, company_id, locations, days, _SALE_LINES)


async def recompute_from(
    conn: asyncpg.Connection, company_id: UUID, locations: Sequence[UUID], days: Sequence[date], table: str
) -> None:
    """`recompute`, reading the lines from `table` (a temporary table of sale_lines' columns), which holds exactly
    the lines the pairs hold now: the staged lines of a replace, which is cheaper to read than sale_lines."""
    await _recompute(conn, company_id, locations, days, table)


async def _recompute(
    conn: asyncpg.Connection, company_id: UUID, locations: Sequence[UUID], days: Sequence[date], lines: str
) -> None:
    pairs = {"company_id": company_id, "locations": list(locations), "days": list(days)}
    for rollup in ROLLUPS:
        await execute(conn, _clear_sql(rollup), **pairs)
        fill = _fill_sql(rollup, lines)
        # Only the parameters the statement names: a staging table's fill names no pairs.
        await execute(conn, fill, **{name: pairs[name] for name in compile_statement(fill).names})
