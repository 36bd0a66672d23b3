"""The SQL of analytics, in the one style of `ayni.sql`: every statement reads rollups (never sale_lines), binds its
parameters and runs in the caller's transaction, under the company's row-level security (`company_access`).

One statement shape serves every answer: the rollup rows of some locations over one or more date ranges, added
up per range and per key (nothing, the day, a location, a product, ...). Each range is a row of an `unnest`, so
an answer and its comparison take one round trip; `location_id = ANY(...)` with the day range walks the rollups'
primary keys (company, location, day, ...) location by location."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from uuid import UUID

from ayni.analytics.metrics import TOTALS_FIELDS, Totals
from ayni.analytics.periods import DateRange
from ayni.resources import TokenUser
from ayni.sql import Executor, fetch_all, fetch_one

# The measures a group adds up (migrations/0007_sales.sql); distinct customers as their sum and how many rows
# named any (`Totals` says when that sum is exact).
_ADDED = [name for name in TOTALS_FIELDS if name not in ("customers", "customer_groups")]
_SUMS = ", ".join(
    [f"sum(d.{name}) AS {name}" for name in _ADDED]
    + ["coalesce(sum(d.customers), 0) AS customers", "count(d.customers) AS customer_groups"]
)


@dataclass(frozen=True)
class Source:
    """What an answer groups rollup rows by: the rollup table (`d`), the key's SQL expressions, a join the keys
    need, and the SQL of a group's label over the grouped row `g` (with `label_join`)."""

    table: str
    keys: tuple[str, ...] = ()
    join: str = ""
    label: str = "NULL::text"
    label_join: str = ""
    tickets: bool = True  # False: a ticket is counted once per row of the group (the products of a category)


TOTAL = Source("sales_daily")
DAILY = Source("sales_daily", ("d.day",))
MONTHLY = Source("sales_daily", ("date_trunc('month', d.day)::date",))
WEEKDAY_HOUR = Source("sales_hourly", ("extract(isodow FROM d.day)::int", "d.hour::int"))

_PRODUCT_OF_ROW = "JOIN products p ON p.company_id = d.company_id AND p.id = d.product_id"
# Keys in their own types (grouping by uuid is cheaper than by its text); the answer writes them as text.
BY: dict[str, Source] = {
    "location": Source(
        "sales_daily", ("d.location_id",), label="l.name",
        label_join="LEFT JOIN locations l ON l.company_id = :company_id AND l.id = g.k0",
    ),
    "product": Source(
        "sales_daily_products", ("d.product_id",), label="coalesce(p.name, p.sku, p.key)",
        label_join="LEFT JOIN products p ON p.company_id = :company_id AND p.id = g.k0",
    ),
    "category": Source(
        "sales_daily_products", ("coalesce(p.category, '')",), join=_PRODUCT_OF_ROW, label="nullif(g.k0, '')",
        tickets=False,
    ),
    "weekday": Source("sales_daily", ("extract(isodow FROM d.day)::int",)),
    "hour": Source("sales_hourly", ("d.hour::int",)),
    "payment_method": Source("sales_daily_payments", ("d.payment_method",), label="nullif(g.k0, '')"),
    "seller": Source("sales_daily_sellers", ("d.seller",), label="nullif(g.k0, '')"),
}  # fmt: skip


def _sql(source: Source) -> str:
    keys = "".join(f"{expression} AS k{i}, " for i, expression in enumerate(source.keys))
    group = ", ".join(str(i) for i in range(1, len(source.keys) + 2))
    return f"""WITH g AS (
                 SELECT r.i, {keys}{_SUMS}
                 FROM unnest(:firsts::date[], :lasts::date[]) WITH ORDINALITY AS r (first_day, last_day, i)
                 JOIN {source.table} d ON d.company_id = :company_id AND d.location_id = ANY(:locations::uuid[])
                                      AND d.day BETWEEN r.first_day AND r.last_day
                 {source.join}
                 GROUP BY {group})
               SELECT g.*, {source.label} AS label FROM g {source.label_join}"""  # noqa: S608 - fixed fragments


Key = tuple[Any, ...]


@dataclass(frozen=True)
class Group:
    label: str | None
    totals: Totals


async def grouped(
    db: Executor, company_id: UUID, source: Source, ranges: Sequence[DateRange], locations: Sequence[UUID]
) -> list[dict[Key, Group]]:
    """For each range, in order: its groups by `source`'s keys (a tuple, empty for the whole range); a key
    without rows is absent."""
    rows = await fetch_all(
        db,
        _sql(source),
        company_id=company_id,
        firsts=[r.first for r in ranges],
        lasts=[r.last for r in ranges],
        locations=list(locations),
    )
    found: list[dict[Key, Group]] = [{} for _ in ranges]
    for row in rows:
        totals = Totals(**{name: row[name] for name in TOTALS_FIELDS})
        if not source.tickets:
            totals = replace(totals, tickets=None, return_tickets=None)
        key = tuple(row[f"k{i}"] for i in range(len(source.keys)))
        found[row["i"] - 1][key] = Group(row["label"], totals)
    return found


async def totals(
    db: Executor, company_id: UUID, ranges: Sequence[DateRange], locations: Sequence[UUID]
) -> list[Totals]:
    """The whole of each range."""
    return [
        groups[()].totals if groups else Totals() for groups in await grouped(db, company_id, TOTAL, ranges, locations)
    ]


@dataclass(frozen=True)
class CompanyState:
    """What an answer's ETag is made of besides the request, and how money is shown."""

    data_version: int
    timezone: str
    currency: str
    locations: str  # changes when a location is added, renamed, archived or deleted (answers name locations)


async def member_state(
    db: Executor, company_id: UUID, caller: TokenUser
) -> tuple[str | None, CompanyState | None] | None:
    """The caller's role in the company and the company's state, in one statement that is its own transaction and
    checks the caller's session too (`app_company_state`, migrations/0012): call it outside any transaction.
    None: the session ended; (None, None): not a member."""
    row = await fetch_one(
        db,
        "SELECT * FROM app_company_state(:company_id, :user_id, :session_id)",
        company_id=company_id,
        user_id=caller.id,
        session_id=caller.session_id,
    )
    if row is None:
        return None
    if row["role"] is None:
        return None, None
    return row["role"], CompanyState(row["data_version"], row["timezone"], row["currency"], row["locations"])


async def company_state(db: Executor, company_id: UUID) -> CompanyState:
    row = await fetch_one(
        db,
        """SELECT c.data_version, c.timezone, c.currency,
                  (SELECT count(*) || '@' || coalesce(max(l.updated_at)::text, '') FROM locations l
                   WHERE l.company_id = c.id) AS locations
           FROM companies c WHERE c.id = :company_id""",
        company_id=company_id,
    )
    assert row is not None, "read in the transaction that found the caller a member"
    return CompanyState(row["data_version"], row["timezone"], row["currency"], row["locations"])


@dataclass(frozen=True)
class Context:
    last_day: date | None  # the company's last day with sales
    locations: frozenset[UUID]  # every location of the company, archived ones too


async def context(db: Executor, company_id: UUID) -> Context:
    """The last day with data (each location's, from the end of its primary key) and the company's locations."""
    row = await fetch_one(
        db,
        """SELECT max(last.day) AS last_day, array_agg(l.id) AS locations
           FROM locations l
           LEFT JOIN LATERAL (SELECT max(s.day) AS day FROM sales_daily s
                              WHERE s.company_id = l.company_id AND s.location_id = l.id) last ON true
           WHERE l.company_id = :company_id""",
        company_id=company_id,
    )
    assert row is not None
    return Context(row["last_day"], frozenset(row["locations"] or ()))
