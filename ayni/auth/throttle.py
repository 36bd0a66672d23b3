"""The sign-in and email limits of accounts, on the rate limiter of `ayni.ratelimit`.

Failed sign-ins are counted twice: per account, strictly (LOGIN_ATTEMPTS_LIMIT per window: guessing one
account's password stays slow), and per client address with its own, higher limit
(LOGIN_ADDRESS_ATTEMPTS_LIMIT: an office or a mobile carrier's NAT puts many honest people behind one
address, and one person's typos must not lock out the others). A successful sign-in forgets the account's
failures and gives its attempt back to the address.

Login fails open: when Redis is unreachable it logs and lets the attempt through (the argon2 cost still
slows guessing), so an outage of Redis does not lock everyone out. The other rules (registration, resend,
reset) let the Redis error propagate: the request answers 503 rather than skip the limit silently.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import redis.asyncio as aioredis

from ayni.auth import passwords
from ayni.config import Settings
from ayni.ratelimit import REDIS_ERRORS, Check, Rule, forget, give_back, hit, too_many

logger = logging.getLogger("ayni.auth.throttle")


@dataclass(frozen=True)
class Rules:
    login_account: Rule
    login_address: Rule
    register_address: Rule
    email_address: Rule  # resend / reset requests per client address
    email_target: Rule  # resend / reset requests per target address

    @classmethod
    def from_settings(cls, settings: Settings) -> Rules:
        window = settings.login_attempts_window_seconds
        return cls(
            login_account=Rule("login:account", settings.login_attempts_limit, window),
            login_address=Rule("login:address", settings.login_address_attempts_limit, window),
            register_address=Rule("register:address", 10, 3600),
            email_address=Rule("email:address", 10, 3600),
            email_target=Rule("email:target", 3, 3600),
        )


async def login_attempt(client: aioredis.Redis, checks: list[Check]) -> None:
    """Count a sign-in attempt; 429 when over the limit. Fails open when Redis is down."""
    try:
        wait = await hit(client, checks)
    except REDIS_ERRORS as exc:
        logger.warning("login throttling skipped, Redis is unavailable: %s: %s", type(exc).__name__, exc)
        return
    if wait is not None:
        raise too_many(wait, f"Too many failed sign-in attempts; try again in {wait} seconds.")


async def login_succeeded(client: aioredis.Redis, account: Check, address: Check) -> None:
    """A correct password: the account's failures are forgotten, the address gets its attempt back."""
    try:
        await forget(client, [account])
        await give_back(client, [address])
    except REDIS_ERRORS as exc:
        logger.warning("login throttling not updated, Redis is unavailable: %s: %s", type(exc).__name__, exc)


async def verify_counted(
    client: aioredis.Redis, rules: Rules, email: str, address: str, password_hash: str | None, password: str
) -> bool:
    """Check a password typed for the account of `email` (whose hash is None when there is no such account)
    from `address`, as a sign-in attempt: 429 over the limits, and a correct password forgets the failures
    (`login_succeeded`)."""
    account, by_address = (rules.login_account, email), (rules.login_address, address)
    await login_attempt(client, [account, by_address])
    # An unknown email costs one argon2 verification too, and gets the same answer.
    stored = passwords.dummy_hash() if password_hash is None else password_hash
    correct = await passwords.verify_in_thread(stored, password) and password_hash is not None
    if correct:
        await login_succeeded(client, account, by_address)
    return correct
