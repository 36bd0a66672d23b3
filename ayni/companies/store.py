"""The SQL of companies and locations (of members and invitations: `ayni.companies.team_store`), in the one
style of `ayni.sql`. Every function runs in the caller's transaction under row-level security: inside
`tenant(db, company_id=..., user_id=...)` (`ayni.companies.access`), so a statement can only ever see the
company of that transaction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import asyncpg
import databases

from ayni.companies.schemas import Company, Location, MyCompany
from ayni.problems import Problem
from ayni.resources import TokenUser
from ayni.sql import Executor, execute, fetch_all, fetch_one, fetch_value

_COMPANY = "id, name, rut, industry, country, timezone, currency, benchmarking_opt_in, is_demo, created_at, updated_at"
_COMPANY_FIELDS = ("name", "rut", "industry", "country", "timezone", "currency", "benchmarking_opt_in")
_LOCATION = "id, name, code, address, comuna, region, archived_at"
_LOCATION_FIELDS = ("name", "code", "address", "comuna", "region")

RUT_TAKEN = Problem(409, "rut-taken", "A company with this RUT exists already; check the RUT.")
CODE_TAKEN = Problem(409, "code-taken", "Another location of this company has this code; choose another.")

# Every table holding a company's rows, children first: the deletion job empties them in this order, then
# `company_purge()` removes the company. The rollups and sale lines name locations and products without
# foreign keys (migrations/0007_sales.sql), so they go before them all the same.
COMPANY_TABLES = (
    "sales_daily_sellers",
    "sales_daily_payments",
    "sales_hourly",
    "sales_daily_products",
    "sales_daily",
    "sale_lines",
    "products",
    "import_files",
    "imports",
    "invitations",
    "memberships",
    "locations",
)


def _assignments(fields: Mapping[str, Any], allowed: tuple[str, ...]) -> str:
    """`a = :a, b = :b` for the given fields, which must be among `allowed` (column names are never input)."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"not columns: {sorted(unknown)}")
    return ", ".join(f"{name} = :{name}" for name in fields)


def _unique_problem(exc: asyncpg.UniqueViolationError) -> Problem:
    constraint = getattr(exc, "constraint_name", "")
    if constraint == "companies_rut_key":
        return RUT_TAKEN
    if constraint == "locations_code_key":
        return CODE_TAKEN
    raise exc


# Companies


async def insert_company(db: databases.Database, company_id: UUID, fields: Mapping[str, Any]) -> Company:
    """Inside `tenant(db, company_id=company_id)`. 409 `rut-taken` when another company has the RUT."""
    columns = ", ".join(fields)
    values = ", ".join(f":{name}" for name in fields)
    _assignments(fields, _COMPANY_FIELDS)
    try:
        row = await fetch_one(
            db,
            f"INSERT INTO companies (id, {columns}) VALUES (:id, {values}) RETURNING {_COMPANY}",  # noqa: S608
            id=company_id,
            **fields,
        )
    except asyncpg.UniqueViolationError as exc:
        raise _unique_problem(exc) from None
    assert row is not None
    return Company.model_validate(dict(row))


async def mark_demo(db: databases.Database, company_id: UUID) -> None:
    """A demo company (`POST /companies/demo`, `ayni demo`): its sales are generated."""
    await execute(db, "UPDATE companies SET is_demo = true WHERE id = :id", id=company_id)


async def company(db: databases.Database, company_id: UUID) -> Company:
    row = await fetch_one(db, f"SELECT {_COMPANY} FROM companies WHERE id = :id", id=company_id)  # noqa: S608
    assert row is not None, "read after the membership check, in the same transaction"
    return Company.model_validate(dict(row))


async def update_company(db: databases.Database, company_id: UUID, fields: Mapping[str, Any]) -> Company:
    if not fields:
        return await company(db, company_id)
    sets = _assignments(fields, _COMPANY_FIELDS)
    try:
        sql = f"UPDATE companies SET {sets} WHERE id = :id RETURNING {_COMPANY}"  # noqa: S608 - fixed columns
        row = await fetch_one(db, sql, id=company_id, **fields)
    except asyncpg.UniqueViolationError as exc:
        raise _unique_problem(exc) from None
    assert row is not None
    return Company.model_validate(dict(row))


async def my_companies(db: databases.Database, user_id: UUID) -> list[MyCompany]:
    """Inside `tenant(db, user_id=user_id)`: the policies show the user's companies (none being deleted)."""
    c_columns = ", ".join(f"c.{column}" for column in _COMPANY.split(", "))
    rows = await fetch_all(
        db,
        f"""SELECT {c_columns}, m.role FROM companies c JOIN memberships m ON m.company_id = c.id
            WHERE m.user_id = :user_id ORDER BY lower(c.name), c.id""",  # noqa: S608
        user_id=user_id,
    )
    return [MyCompany.model_validate(dict(row)) for row in rows]


async def mark_deleting(db: databases.Database) -> bool:
    """The company of the transaction is gone for the app from now on (its rows stay for the job)."""
    return bool(await fetch_value(db, "SELECT company_mark_deleting()"))


async def delete_company_rows(db: databases.Database, company_id: UUID) -> int:
    """Every row of the company in every company table, then the company itself: only for a company marked
    for deletion (the policies hide it then; a company still visible is live and left alone)."""
    if await fetch_value(db, "SELECT EXISTS (SELECT 1 FROM companies WHERE id = :cid)", cid=company_id):
        return 0
    removed = 0
    for table in COMPANY_TABLES:
        removed += await execute(db, f"DELETE FROM {table} WHERE company_id = :cid", cid=company_id)  # noqa: S608
    return removed + int(bool(await fetch_value(db, "SELECT company_purge()")))


# Locations


async def locations(db: Executor, company_id: UUID) -> list[Location]:
    rows = await fetch_all(
        db,
        f"""SELECT {_LOCATION} FROM locations WHERE company_id = :cid
            ORDER BY archived_at IS NOT NULL, lower(name), code""",  # noqa: S608
        cid=company_id,
    )
    return [Location.model_validate(dict(row)) for row in rows]


async def member_locations(
    db: Executor, company_id: UUID, caller: TokenUser
) -> tuple[str | None, list[Location]] | None:
    """The caller's role in the company and its locations, in one statement that is its own transaction and
    checks the caller's session too (`app_locations`, migrations/0012): call it outside any transaction.
    None: the session ended; (None, []): not a member."""
    rows = await fetch_all(
        db, "SELECT * FROM app_locations(:cid, :uid, :sid)", cid=company_id, uid=caller.id, sid=caller.session_id
    )
    if not rows:
        return None
    return rows[0]["role"], [Location.model_validate(dict(row)) for row in rows if row["id"] is not None]


async def insert_location(db: databases.Database, company_id: UUID, fields: Mapping[str, Any]) -> Location:
    _assignments(fields, _LOCATION_FIELDS)
    columns, values = ", ".join(fields), ", ".join(f":{name}" for name in fields)
    try:
        row = await fetch_one(
            db,
            f"""INSERT INTO locations (company_id, {columns}) VALUES (:cid, {values})
                RETURNING {_LOCATION}""",  # noqa: S608
            cid=company_id,
            **fields,
        )
    except asyncpg.UniqueViolationError as exc:
        raise _unique_problem(exc) from None
    assert row is not None
    return Location.model_validate(dict(row))


async def update_location(
    db: databases.Database, company_id: UUID, location_id: UUID, fields: Mapping[str, Any]
) -> Location | None:
    sets = _assignments(fields, _LOCATION_FIELDS) if fields else "name = name"
    try:
        row = await fetch_one(
            db,
            f"""UPDATE locations SET {sets} WHERE company_id = :cid AND id = :lid
                RETURNING {_LOCATION}""",  # noqa: S608
            cid=company_id,
            lid=location_id,
            **fields,
        )
    except asyncpg.UniqueViolationError as exc:
        raise _unique_problem(exc) from None
    return Location.model_validate(dict(row)) if row is not None else None


async def location_has_sales(db: databases.Database, company_id: UUID, location_id: UUID) -> bool:
    """Whether any sale line names the location (then it is archived, never deleted: past figures name it)."""
    return bool(
        await fetch_value(
            db,
            "SELECT EXISTS (SELECT 1 FROM sale_lines WHERE company_id = :cid AND location_id = :lid)",
            cid=company_id,
            lid=location_id,
        )
    )


async def archive_location(db: databases.Database, company_id: UUID, location_id: UUID) -> Location | None:
    row = await fetch_one(
        db,
        f"""UPDATE locations SET archived_at = coalesce(archived_at, now())
            WHERE company_id = :cid AND id = :lid RETURNING {_LOCATION}""",  # noqa: S608
        cid=company_id,
        lid=location_id,
    )
    return Location.model_validate(dict(row)) if row is not None else None


async def delete_location(db: databases.Database, company_id: UUID, location_id: UUID) -> bool:
    removed = await execute(
        db, "DELETE FROM locations WHERE company_id = :cid AND id = :lid", cid=company_id, lid=location_id
    )
    return removed > 0
