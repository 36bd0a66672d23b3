"""Rate limits kept in Redis: fixed windows, one counter per rule and subject.

Each attempt increments its counters first (INCR, and EXPIRE NX sets the window on the first one), and is
refused when a counter went over its limit: a burst of parallel attempts cannot slip past a
check-then-increment race. A refused attempt does not move any window, so `Retry-After` is honest: the
seconds until the counter that refused it is gone, and it only counts down while the client keeps trying.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import redis.asyncio as aioredis
import redis.exceptions

from ayni.problems import Problem

PREFIX = "ayni:throttle:"
REDIS_ERRORS: tuple[type[BaseException], ...] = (redis.exceptions.RedisError, OSError)


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window_seconds: int


Check = tuple[Rule, str]


def subject(value: str) -> str:
    """Counters are keyed by a hash: no email address, IP address or user id is written to Redis."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def key(rule: Rule, who: str) -> str:
    return f"{PREFIX}{rule.name}:{subject(who)}"


def too_many(retry_after: int, detail: str, slug: str = "too-many-attempts") -> Problem:
    return Problem(429, slug, detail, headers={"Retry-After": str(retry_after)})


def wait_seconds(checks: list[Check], counts: list[int], ttls: list[int]) -> int | None:
    """The seconds until every counter over its limit is gone (None when none is over). A counter whose
    expiry Redis could not report (-1, -2) waits its whole window: never 0, never forever."""
    wait = 0
    for (rule, _), count, ttl in zip(checks, counts, ttls, strict=True):
        if count > rule.limit:
            wait = max(wait, ttl if ttl > 0 else rule.window_seconds)
    return wait or None


async def hit(client: aioredis.Redis, checks: list[Check]) -> int | None:
    """Count one attempt against every (rule, who); the seconds to wait when any is over its limit."""
    pipe = client.pipeline(transaction=True)
    for rule, who in checks:
        name = key(rule, who)
        pipe.incr(name)
        pipe.expire(name, rule.window_seconds, nx=True)
        pipe.ttl(name)
    results = await pipe.execute()
    counts = [int(results[i * 3]) for i in range(len(checks))]
    ttls = [int(results[i * 3 + 2]) for i in range(len(checks))]
    return wait_seconds(checks, counts, ttls)


async def give_back(client: aioredis.Redis, checks: list[Check]) -> None:
    """Undo one attempt; a counter that expired meanwhile stays gone (DECR would revive it at -1)."""
    pipe = client.pipeline(transaction=True)
    for rule, who in checks:
        pipe.eval(_DECR_IF_EXISTS, 1, key(rule, who))
    await pipe.execute()


_DECR_IF_EXISTS = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end return 0"


async def forget(client: aioredis.Redis, checks: list[Check]) -> None:
    await client.delete(*(key(rule, who) for rule, who in checks))


async def enforce(client: aioredis.Redis, checks: list[Check], detail: str, slug: str = "too-many-attempts") -> None:
    """Raise 429 when over a limit (`detail` may hold `{seconds}`). Redis errors propagate (503)."""
    wait = await hit(client, checks)
    if wait is not None:
        raise too_many(wait, detail.format(seconds=wait), slug)
