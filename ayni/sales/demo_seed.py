"""The demo company, filled through the real import path: its locations, then a generated point-of-sale export
uploaded as a file and imported like any user's (`POST /companies/demo`'s job, `ayni demo`, `ayni dev`)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from ayni.auth import store as auth_store
from ayni.auth.passwords import hash_in_thread
from ayni.companies import store as company_store
from ayni.companies import team_store
from ayni.companies.rules import Role
from ayni.config import Settings
from ayni.db import make_database
from ayni.jobs.catalog import JobContext
from ayni.sales import storage, store
from ayni.sales.demo import write_demo_csv
from ayni.sales.demo_company import DEMO_COMPANY, DEMO_FILENAME, demo_company_fields, demo_location_fields
from ayni.sales.jobs import analyze_import
from ayni.sql import fetch_all
from ayni.tenancy import tenant

logger = logging.getLogger("ayni.sales")

DEMO_EMAIL = "demo@ayni.local"


def _generate(lines: int, end: date) -> bytes:
    out = io.BytesIO()
    write_demo_csv(out, lines=lines, end=end)
    return out.getvalue()


async def fill_demo_company(ctx: JobContext, *, company_id: str, user_id: str, lines: int) -> dict[str, Any]:
    """Add the demo's locations the company lacks, then import a generated export of `lines` lines (start=auto).
    A retry (the job's process died) goes on with the import an earlier attempt stored, rather than leave it
    `analyzing` for ever beside a new one (an import already done is skipped by `analyze_import`)."""
    cid, uid = UUID(company_id), UUID(user_id)
    async with tenant(ctx.db, company_id=cid):
        codes = {location.code for location in await company_store.locations(ctx.db, cid)}
        for location in DEMO_COMPANY.locations:
            if location.code not in codes:
                await company_store.insert_location(ctx.db, cid, demo_location_fields(location))
        iid = await store.newest_import(ctx.db, cid, DEMO_FILENAME)
    if iid is None:
        iid = await _store_demo_file(ctx, cid, uid, lines)
    result = await analyze_import(ctx, company_id=company_id, import_id=str(iid))
    return {"import_id": str(iid), "lines_generated": lines, **result}


async def _store_demo_file(ctx: JobContext, cid: UUID, uid: UUID, lines: int) -> UUID:
    """A new import of a generated export of `lines` lines, its file stored."""
    data = await asyncio.to_thread(_generate, lines, date.today())
    async with tenant(ctx.db, company_id=cid):
        iid = await store.insert_import(
            ctx.db, cid, filename=DEMO_FILENAME, media_type="text/csv", start_mode="auto", created_by=uid
        )
        await storage.store_file(ctx.db, cid, iid, "upload", storage.chunks_of_bytes(data))
        await store.set_file(ctx.db, cid, iid, size=len(data), sha256=hashlib.sha256(data).digest())
    return iid


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    company_id: UUID
    import_id: str
    status: str
    lines: int


async def make_demo(
    settings: Settings, *, lines: int, email: str = DEMO_EMAIL, password: str | None = None,
    echo: Callable[[str], None] = print,
) -> DemoAccount:  # fmt: skip
    """Create (or refresh) the verified demo account and its demo company with `lines` lines of sales: a
    previous demo company of the account is deleted with all its data first. A new password unless one is given."""
    password = password or secrets.token_urlsafe(12)
    db = make_database(settings)
    await db.connect()
    try:
        password_hash = await hash_in_thread(password)
        user = await auth_store.user_by_email(db, email)
        if user is None:
            user = await auth_store.create_user(db, email, password_hash, "Demo Ayni")
            assert user is not None
        else:
            await auth_store.set_password_hash(db, user.id, password_hash)
        await auth_store.mark_email_verified(db, user.id)
        async with tenant(db, user_id=user.id):
            earlier = [row["id"] for row in await fetch_all(
                db, "SELECT c.id FROM companies c JOIN memberships m ON m.company_id = c.id "
                "WHERE m.user_id = :user_id AND m.role = 'owner' AND c.is_demo", user_id=user.id,
            )]  # fmt: skip
        for company_id in earlier:
            echo(f"removing the previous demo company {company_id}")
            async with tenant(db, company_id=company_id):
                await company_store.mark_deleting(db)
                await company_store.delete_company_rows(db, company_id)
        company_id = uuid4()
        async with tenant(db, company_id=company_id, user_id=user.id):
            await company_store.insert_company(db, company_id, demo_company_fields())
            await company_store.mark_demo(db, company_id)
            await team_store.put_membership(db, company_id, user.id, Role.OWNER)
        echo(f"importing {lines:,} lines of demo sales into {DEMO_COMPANY.name} ...")
        context = JobContext(settings=settings, db=db, job_id=None, report_progress=_ignore_progress)
        result = await fill_demo_company(context, company_id=str(company_id), user_id=str(user.id), lines=lines)
    finally:
        await db.disconnect()
    return DemoAccount(email, password, company_id, result["import_id"], result.get("status", "?"), lines)


async def _ignore_progress(fraction: float) -> None:
    """The import reports its own progress on its row."""
