"""Attempt limits kept in Redis: fixed windows, one counter per rule and subject.

Each attempt increments its counters first (INCR, and EXPIRE NX sets the window on the first one), and is
refused when a counter went over its limit: a burst of parallel attempts cannot slip past a
check-then-increment race. A successful sign-in gives its attempt back.

Login fails open: when Redis is unreachable it logs and lets the attempt through (the argon2 cost still
slows guessing), so an outage of Redis does not lock everyone out. The other rules (registration, resend,
reset) let the Redis error propagate: the request answers 503 rather than skip the limit silently.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import redis.asyncio as aioredis
import redis.exceptions

from ayni.config import Settings
from ayni.problems import Problem

logger = logging.getLogger("ayni.auth.throttle")

PREFIX = "ayni:throttle:"
REDIS_ERRORS: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, OSError)


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window_seconds: int


@dataclass(frozen=True)
class Rules:
    login_account: Rule
    login_address: Rule
    register_address: Rule
    email_address: Rule  # resend / reset requests per client address
    email_target: Rule  # resend / reset requests per target address

    @classmethod
    def from_settings(cls, settings: Settings) -> Rules:
        limit, window = settings.login_attempts_limit, settings.login_attempts_window_seconds
        return cls(
            login_account=Rule("login:account", limit, window),
            login_address=Rule("login:address", limit, window),
            register_address=Rule("register:address", 10, 3600),
            email_address=Rule("email:address", 10, 3600),
            email_target=Rule("email:target", 3, 3600),
        )


def subject(value: str) -> str:
    """Counters are keyed by a hash: no email address or IP address is written to Redis."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def key(rule: Rule, who: str) -> str:
    return f"{PREFIX}{rule.name}:{subject(who)}"


def too_many(retry_after: int, what: str) -> Problem:
    return Problem(
        429,
        "too-many-attempts",
        f"Too many {what}; try again in {retry_after} seconds.",
        headers={"Retry-After": str(retry_after)},
    )


async def hit(client: aioredis.Redis, checks: list[tuple[Rule, str]]) -> int | None:
    """Count one attempt against every (rule, who); the seconds to wait when any is over its limit."""
    pipe = client.pipeline(transaction=True)
    for rule, who in checks:
        name = key(rule, who)
        pipe.incr(name)
        pipe.expire(name, rule.window_seconds, nx=True)
        pipe.ttl(name)
    results = await pipe.execute()
    wait = 0
    for index, (rule, _) in enumerate(checks):
        count, _, ttl = results[index * 3 : index * 3 + 3]
        if int(count) > rule.limit:
            wait = max(wait, int(ttl) if int(ttl) > 0 else rule.window_seconds)
    return wait or None


async def give_back(client: aioredis.Redis, checks: list[tuple[Rule, str]]) -> None:
    pipe = client.pipeline(transaction=True)
    for rule, who in checks:
        pipe.decr(key(rule, who))
    await pipe.execute()


async def forget(client: aioredis.Redis, checks: list[tuple[Rule, str]]) -> None:
    await client.delete(*(key(rule, who) for rule, who in checks))


async def enforce(client: aioredis.Redis, checks: list[tuple[Rule, str]], what: str) -> None:
    """For registration, resend and reset: raise 429 when over the limit. Redis errors propagate (503)."""
    wait = await hit(client, checks)
    if wait is not None:
        raise too_many(wait, what)


async def login_attempt(client: aioredis.Redis, checks: list[tuple[Rule, str]]) -> None:
    """Count a sign-in attempt; 429 when over the limit. Fails open when Redis is down."""
    try:
        wait = await hit(client, checks)
    except REDIS_ERRORS as exc:
        logger.warning("login throttling skipped, Redis is unavailable: %s: %s", type(exc).__name__, exc)
        return
    if wait is not None:
        raise too_many(wait, "failed sign-in attempts")


async def login_succeeded(client: aioredis.Redis, account: tuple[Rule, str], address: tuple[Rule, str]) -> None:
    """A correct password: the account's failures are forgotten, the address gets its attempt back."""
    try:
        await forget(client, [account])
        await give_back(client, [address])
    except REDIS_ERRORS as exc:
        logger.warning("login throttling not updated, Redis is unavailable: %s: %s", type(exc).__name__, exc)
