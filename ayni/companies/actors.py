"""The jobs of companies: the invitation email, and the deletion of a company with all its data."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from ayni.auth.emails import deliver
from ayni.auth.tokens import new_one_time_token, sha256
from ayni.companies import store, team_store
from ayni.companies.emails import invitation_link, render_invitation
from ayni.jobs.catalog import ActorSpec, JobContext
from ayni.tenancy import tenant


async def send_invitation(ctx: JobContext, *, company_id: str, invitation_id: str) -> dict[str, Any]:
    """Mint the link's token (only its hash is stored; the message in Redis carries no secret), then send.
    Nothing is sent when the invitation was revoked, replaced or accepted meanwhile, or the company is being
    deleted. An SMTP failure raises, so the job is retried with a fresh link (the old one never left)."""
    cid, iid = UUID(company_id), UUID(invitation_id)
    token = new_one_time_token()
    async with tenant(ctx.db, company_id=cid):
        found = await team_store.invitation_to_send(ctx.db, cid, iid)
        if found is None or not await team_store.set_invitation_token(ctx.db, cid, iid, sha256(token)):
            return {"sent": False}
    message = render_invitation(
        ctx.settings,
        to=found["email"],
        company=found["company_name"],
        inviter=found["inviter"] or "Someone",
        role=found["role"],
        link=invitation_link(ctx.settings, token),
    )
    await asyncio.to_thread(deliver, ctx.settings, message)
    return {"sent": True}


async def delete_company(ctx: JobContext, *, company_id: str) -> dict[str, Any]:
    """Every row of a company marked for deletion, in every company table, then the company. A company not
    marked (or already gone) is left alone."""
    cid = UUID(company_id)
    async with tenant(ctx.db, company_id=cid):
        removed = await store.delete_company_rows(ctx.db, cid)
    return {"rows_deleted": removed}


SEND_INVITATION = ActorSpec(name="send_invitation", fn=send_invitation, max_retries=5, queue="emails", priority=0)
DELETE_COMPANY = ActorSpec(name="delete_company", fn=delete_company, max_retries=5, time_limit_ms=600_000)
