"""The PostgreSQL pool and the Redis client the API shares, and which failures mean "unavailable"."""

from __future__ import annotations

import asyncio
import socket

import asyncpg
import databases
import redis.asyncio as aioredis
import redis.exceptions

from ayni.config import Settings

# Raised when PostgreSQL or Redis cannot be reached or drops the connection: the request answers 503.
# (Not every OSError: a missing file in route code is a bug, a 500, not an outage.)
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    ConnectionError,
    socket.gaierror,
    asyncio.TimeoutError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


async def _nothing_more_to_reset(connection: asyncpg.Connection) -> None:
    """asyncpg's default reset on release (unlock advisory locks, close cursors, UNLISTEN, RESET ALL) is
    a round trip after every query `databases` runs. Ayni's API uses none of those session features;
    an open transaction is still rolled back by asyncpg before this runs."""


def make_database(settings: Settings) -> databases.Database:
    # min_size=0: opening the pool connects to nothing, so the API starts (and reports unhealthy) while
    # PostgreSQL is down, and every later request tries again by itself.
    return databases.Database(
        settings.database_url,
        min_size=0,
        max_size=10,
        timeout=settings.health_check_timeout * 2,
        command_timeout=30,
        reset=_nothing_more_to_reset,
    )


async def fetch_row(db: databases.Database, sql: str, *args: object) -> asyncpg.Record | None:
    """One row, with `$1`-style bound parameters, on a connection of `db`'s pool (the task's own, inside a
    transaction). It skips what `databases` does for a `:name` query on every call, building and compiling
    it with SQLAlchemy: a fifth of the CPU of an authenticated request (bench/README.md). For the queries
    on every request's path; the others keep the readable named style."""
    async with db.connection() as connection:
        row: asyncpg.Record | None = await connection.raw_connection.fetchrow(sql, *args)
        return row


def make_redis(settings: Settings) -> aioredis.Redis:
    return aioredis.Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.health_check_timeout * 2,
        socket_connect_timeout=settings.health_check_timeout,
        health_check_interval=30,
        decode_responses=False,
    )
