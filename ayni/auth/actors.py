"""The jobs of accounts: the `send_email` actor and the purge of credentials that can no longer be used."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

import databases

from ayni.auth import store
from ayni.auth.emails import (
    KINDS,
    LIFETIMES,
    EmailKind,
    deliver,
    forgot_link,
    render_email,
    reset_link,
    verify_link,
)
from ayni.auth.store import Account
from ayni.auth.tokens import new_one_time_token, sha256
from ayni.config import Settings
from ayni.jobs.catalog import ActorSpec, JobContext, PeriodicTask, TaskContext


async def send_email(
    ctx: JobContext, *, kind: str, user_id: str | None = None, email: str | None = None
) -> dict[str, Any]:
    """The `send_email` job: find the account (by id, or by the address someone typed), mint the link's
    one-time token if the email needs one, render, deliver. Nothing is sent when the account does not
    exist or the email does not apply to it (a verified address, a disabled account). An SMTP failure
    raises, so the job is retried (with a fresh link). The message carries no secret: tokens are minted
    here, after the message left Redis, and only their hash is stored."""
    if kind not in KINDS:
        raise ValueError(f"unknown email kind {kind!r}")
    if user_id is not None:
        account = await store.account_by_id(ctx.db, UUID(user_id))
    elif email is not None:
        account = await store.account_by_email(ctx.db, email)
    else:
        raise ValueError("send_email needs user_id or email")
    if account is None or not _applies(kind, account):
        return {"kind": kind, "sent": False}
    link = await _link(ctx.db, ctx.settings, kind, account)
    # SMTP blocks: in a thread, so the worker's event loop keeps serving the other jobs.
    await asyncio.to_thread(deliver, ctx.settings, render_email(kind, account.email, link, ctx.settings))
    return {"kind": kind, "sent": True}


def _applies(kind: EmailKind, account: Account) -> bool:
    if kind == "verify_email":
        return not account.verified and not account.disabled
    if kind == "password_reset":
        return not account.disabled
    return True  # a password change is always told, even to a disabled account


async def _link(db: databases.Database, settings: Settings, kind: EmailKind, account: Account) -> str:
    if kind == "password_changed":
        return forgot_link(settings)
    token = new_one_time_token()
    await store.add_one_time_token(db, account.id, kind, sha256(token), LIFETIMES[kind])
    return verify_link(settings, token) if kind == "verify_email" else reset_link(settings, token)


async def purge_expired_credentials(ctx: TaskContext) -> int:
    return await store.purge_expired_credentials(ctx.db)


SEND_EMAIL = ActorSpec(
    name="send_email",
    fn=send_email,
    max_retries=5,
    time_limit_ms=60_000,
    # Their own queue, first in line: a flood of other jobs never delays a sign-up or a reset.
    queue="emails",
    priority=0,
)
PURGE_EXPIRED_CREDENTIALS = PeriodicTask("purge-expired-credentials", 3600, purge_expired_credentials)
