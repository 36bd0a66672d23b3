"""The tenant of a transaction: which company (and which user) row-level security lets the app see.

Every pooled connection already runs as `ayni_app` (ayni/db.py); the policies of the company tables
(migrations/0005_companies.sql) compare each row's company with `app_company_id()`, and the user's own
memberships and companies with `app_user_id()`. `tenant()` sets both for one transaction only, with `SET LOCAL`
semantics (`set_config(..., true)`): when the transaction ends, by commit or by rollback, they are gone, so the
next use of the same pooled connection starts with none set and sees no company's rows.

    async with tenant(db, company_id=cid, user_id=user.id):
        rows = await fetch_all(db, "SELECT id, name FROM locations")

Membership and role are still checked in code first: this is the second wall, not the first.
To create a company, pick its id first (`uuid4()`) and insert it inside `tenant(db, company_id=that_id)`.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import databases

from ayni.sql import Executor, fetch_value

# '' reads as unset: app_company_id() and app_user_id() turn it into NULL, which matches no row.
_SET_TENANT = "SELECT set_config('app.company_id', :company_id, true), set_config('app.user_id', :user_id, true)"


def _setting(value: uuid.UUID | None) -> str:
    return "" if value is None else str(uuid.UUID(str(value)))


@contextlib.asynccontextmanager
async def tenant(
    db: databases.Database, *, company_id: uuid.UUID | None = None, user_id: uuid.UUID | None = None
) -> AsyncIterator[None]:
    """A transaction of `db` in which RLS sees `company_id`'s rows (and `user_id`'s memberships). Both are set,
    '' for None, so an outer setting never shows through. Statements of this task inside the block run in it."""
    async with db.transaction():
        await enter(db, company_id=company_id, user_id=user_id)
        yield


async def enter(executor: Executor, *, company_id: uuid.UUID | None = None, user_id: uuid.UUID | None = None) -> None:
    """Set the tenant of the transaction `executor` is in (what `tenant` does for the pool's connection): for a
    connection of its own, `async with conn.transaction(): await enter(conn, company_id=...)`."""
    await fetch_value(executor, _SET_TENANT, company_id=_setting(company_id), user_id=_setting(user_id))


@contextlib.asynccontextmanager
async def member_transaction(
    db: databases.Database, company_id: uuid.UUID, user_id: uuid.UUID
) -> AsyncIterator[str | None]:
    """`tenant(db, company_id=..., user_id=...)` and the user's role in that company, in one round trip
    (`app_enter`, migrations/0006): the company's transaction, and the role, None when the user is not a member
    or the company is being deleted.

    The role is read through companies, whose policies hide a company being deleted: memberships alone would
    still show it (their policies cannot read companies, which read memberships)."""
    async with db.transaction():
        yield await fetch_value(db, "SELECT app_enter(:company_id, :user_id)", company_id=company_id, user_id=user_id)
