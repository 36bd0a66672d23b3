"""The account flows: register, verify the email address, change the full name or the password, reset a
forgotten password, and the emails they send. Plain async functions that take what they need."""

from __future__ import annotations

import logging
from uuid import UUID

from ayni import ratelimit
from ayni.auth import passwords, store, throttle, tokens
from ayni.auth.emails import EmailKind
from ayni.auth.schemas import User
from ayni.auth.sessions import SignedInUser, unauthorized
from ayni.auth.store import Purpose, UserRow
from ayni.auth.throttle import Rules
from ayni.jobs.queue import Outbox, enqueue, jobs_transaction
from ayni.problems import FieldError, Problem
from ayni.resources import Resources

logger = logging.getLogger("ayni.auth")


def user_json(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        full_name=row.full_name,
        email_verified=row.email_verified,
        created_at=row.created_at,
    )


async def _email(outbox: Outbox, kind: EmailKind, user_id: UUID) -> None:
    """The worker mints the link's token and renders the email: no secret travels in the message."""
    await outbox.add("send_email", {"kind": kind, "user_id": str(user_id)})


async def email_to_address(res: Resources, email: str, kind: EmailKind, address: str) -> None:
    """Resend and reset: the same work whether or not an account has the address (the limits, then one
    job; the worker decides whether to send), so neither the answer nor its timing tells."""
    rules = Rules.from_settings(res.settings)
    await ratelimit.enforce(
        res.redis,
        [(rules.email_address, address), (rules.email_target, email)],
        "Too many email requests; try again in {seconds} seconds.",
    )
    await enqueue(res, "send_email", {"kind": kind, "email": email})


async def register(res: Resources, email: str, password: str, full_name: str, address: str) -> UserRow:
    """A new account; a verification link (valid 24 h) is emailed."""
    rules = Rules.from_settings(res.settings)
    await ratelimit.enforce(
        res.redis,
        [(rules.register_address, address)],
        "Too many registrations; try again in {seconds} seconds.",
    )
    passwords.check_policy(password, email)
    password_hash = await passwords.hash_in_thread(password)
    async with jobs_transaction(res) as outbox:
        user = await store.create_user(res.db, email, password_hash, full_name)
        if user is None:
            raise Problem(409, "email-taken", "An account with this email exists; sign in or reset its password.")
        await _email(outbox, "verify_email", user.id)
    return user


async def _one_time_token_problem(res: Resources, purpose: Purpose, token_hash: bytes) -> Problem:
    status = await store.one_time_token_status(res.db, purpose, token_hash)
    what = "verification" if purpose == "verify_email" else "reset"
    if status == "used":
        return Problem(400, "token-used", f"This {what} link was already used; ask for a new one.")
    if status == "expired":
        return Problem(400, "token-expired", f"This {what} link expired; ask for a new one.")
    return Problem(400, "invalid-token", f"This {what} link is not valid; ask for a new one.")


async def verify_email(res: Resources, token: str) -> UserRow:
    """The account whose address the verification link's token (single use) confirms."""
    token_hash = tokens.sha256(token)
    async with res.db.transaction():
        user_id = await store.use_one_time_token(res.db, "verify_email", token_hash)
        user = await store.mark_email_verified(res.db, user_id) if user_id is not None else None
    if user is None:
        raise await _one_time_token_problem(res, "verify_email", token_hash)
    return user


async def rename(res: Resources, user_id: UUID, full_name: str) -> UserRow:
    row = await store.set_full_name(res.db, user_id, full_name)
    if row is None:
        raise unauthorized("invalid-token", "This account no longer exists.")
    return row


async def change_password(res: Resources, user: SignedInUser, current: str, new: str, address: str) -> None:
    """Check the current password (counted as a sign-in attempt), then set the new one: every other session
    ends (the caller's stays) and a notice is emailed."""
    rules = Rules.from_settings(res.settings)
    if not await throttle.verify_counted(res.redis, rules, user.row.email, address, user.row.password_hash, current):
        raise Problem(
            422,
            "validation-error",
            "The body has invalid fields.",
            errors=[FieldError("current_password", "The current password is not correct.", "password-incorrect")],
        )
    passwords.check_policy(new, user.row.email, "new_password")
    new_hash = await passwords.hash_in_thread(new)
    async with jobs_transaction(res) as outbox:
        await store.set_password_hash(res.db, user.id, new_hash)
        await store.revoke_user_sessions(res.db, user.id, "password_change", keep=user.session_id)
        await _email(outbox, "password_changed", user.id)


async def reset_password(res: Resources, token: str, new: str) -> None:
    """Set a new password with the reset link's token (single use); every session ends."""
    token_hash = tokens.sha256(token)
    user = await store.one_time_token_user(res.db, "password_reset", token_hash)
    if user is None:
        raise await _one_time_token_problem(res, "password_reset", token_hash)
    passwords.check_policy(new, user.email, "new_password")
    new_hash = await passwords.hash_in_thread(new)
    async with jobs_transaction(res) as outbox:
        if await store.use_one_time_token(res.db, "password_reset", token_hash) != user.id:
            raise Problem(400, "token-used", "This reset link was already used; ask for a new one.")
        await store.set_password_hash(res.db, user.id, new_hash)
        # Whoever holds the reset link controls the mailbox: the address is verified too.
        await store.mark_email_verified(res.db, user.id)
        await store.revoke_user_sessions(res.db, user.id, "password_reset")
        await _email(outbox, "password_changed", user.id)
    try:
        await ratelimit.forget(res.redis, [(Rules.from_settings(res.settings).login_account, user.email)])
    except ratelimit.REDIS_ERRORS as exc:
        logger.warning("login throttle not reset after a password reset: %s", exc)
