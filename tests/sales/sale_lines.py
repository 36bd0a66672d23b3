"""Helpers of the load tests: parsed lines in ayni/sales/parse.py's exact columns and types, built from the few
fields a test cares about, and an asyncpg connection as the worker has one (ayni_app), driven from synchronous
tests; companies made straight in SQL by the tables' owner."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterable, Coroutine, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

import asyncpg
import polars as pl
import psycopg

from ayni.sales.load import LoadSummary, Progress, load_import, undo_import

T = TypeVar("T")
SANTIAGO = ZoneInfo("America/Santiago")
MONEY = pl.Decimal(18, 4)

SCHEMA = {
    "row": pl.Int64,
    "location": pl.Utf8,
    "sold_at": pl.Datetime("us", "UTC"),
    "day": pl.Date,
    "hour": pl.Int8,
    "ticket": pl.Utf8,
    "document_type": pl.Utf8,
    "product_key": pl.Utf8,
    "sku": pl.Utf8,
    "product": pl.Utf8,
    "category": pl.Utf8,
    "quantity": MONEY,
    "amount": MONEY,
    "cost": MONEY,
    "discount": MONEY,
    "is_return": pl.Boolean,
    "payment_method": pl.Utf8,
    "seller": pl.Utf8,
    "customer": pl.Binary,
}


def line(
    row: int,
    *,
    location: str | None = "Centro",
    at: str = "2024-03-01 10:15",
    ticket: str = "B|1",
    sku: str | None = "A1",
    product: str | None = None,
    category: str | None = None,
    quantity: str = "1",
    amount: str = "1000",
    cost: str | None = None,
    discount: str | None = None,
    customer: bytes | None = None,
    payment_method: str | None = "efectivo",
    seller: str | None = None,
) -> dict[str, Any]:
    """One parsed line; `at` is Santiago's wall time, and a negative quantity makes it a return (as parse)."""
    local = datetime.fromisoformat(at).replace(tzinfo=SANTIAGO)
    is_return = Decimal(quantity) < 0
    return {
        "row": row,
        "location": location,
        "sold_at": local.astimezone(UTC),
        "day": local.date(),
        "hour": local.hour,
        "ticket": ticket,
        "document_type": ticket.split("|")[0] or None,
        "product_key": f"sku:{sku}" if sku is not None else f"name:{(product or '').casefold()}",
        "sku": sku,
        "product": product,
        "category": category,
        "quantity": Decimal(quantity),
        "amount": Decimal(amount),
        "cost": None if cost is None else Decimal(cost),
        "discount": None if discount is None else Decimal(discount),
        "is_return": is_return,
        "payment_method": payment_method,
        "seller": seller,
        "customer": customer,
    }


def lines_frame(lines: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(lines, schema=SCHEMA)


def owner_sql(url: str, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """As the URL's user (the tables' owner): RLS does not apply."""
    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def add_company(url: str, name: str, *locations: str) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    """A company and its locations (code = name), by the owner; the locations' ids by name."""
    company = uuid.uuid4()
    owner_sql(url, "INSERT INTO companies (id, name, industry) VALUES (%s, %s, 'retail')", (company, name))
    ids = {
        location: owner_sql(
            url,
            "INSERT INTO locations (company_id, name, code) VALUES (%s, %s, %s) RETURNING id",
            (company, location, location),
        )[0][0]
        for location in locations
    }
    return company, ids


async def _progress(phase: str, done: int, total: int) -> None:
    assert 0 <= done <= total


class AppConnection:
    """One asyncpg connection as ayni_app (as ayni/db.py makes them), on an event loop of its own."""

    def __init__(self, url: str) -> None:
        self.runner = asyncio.Runner()
        self.conn: asyncpg.Connection = self.run(asyncpg.connect(url))
        self.run(self.conn.execute("SET ROLE ayni_app"))

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return self.runner.run(coroutine)

    def close(self) -> None:
        self.run(self.conn.close())
        self.runner.close()

    async def _as_tenant(self, company_id: uuid.UUID, work: Coroutine[Any, Any, T]) -> T:
        async with self.conn.transaction():
            await self.conn.execute("SELECT set_config('app.company_id', $1, true)", str(company_id))
            return await work

    def load(
        self,
        company_id: uuid.UUID,
        lines: pl.DataFrame | AsyncIterable[pl.DataFrame],
        locations: Mapping[str | None, uuid.UUID | Literal["new"]],
        mode: Literal["replace", "append"] = "replace",
        import_id: uuid.UUID | None = None,
        tenant: uuid.UUID | None = None,
        progress: Progress | None = None,
    ) -> LoadSummary:
        """load_import in a transaction of its own, committed; `import_id` a new one unless given; the tenant
        is the company loaded into unless given."""
        work = load_import(
            self.conn,
            company_id=company_id,
            import_id=import_id or uuid.uuid4(),
            lines=lines,
            locations=locations,
            mode=mode,
            progress=progress or _progress,
        )
        return self.run(self._as_tenant(tenant or company_id, work))

    def undo(self, company_id: uuid.UUID, import_id: uuid.UUID) -> int:
        return self.run(self._as_tenant(company_id, undo_import(self.conn, company_id, import_id)))


def day(text: str) -> date:
    return date.fromisoformat(text)
