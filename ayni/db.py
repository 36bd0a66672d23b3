"""The PostgreSQL pool and the Redis client the API shares, and which failures mean "unavailable"."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from typing import Any

import asyncpg
import databases
import redis.asyncio as aioredis
import redis.exceptions
from databases.backends.postgres import PostgresBackend, PostgresConnection
from sqlalchemy.engine.interfaces import Dialect

from ayni.config import Settings

APP_ROLE = "ayni_app"


class AppRoleMissing(ConnectionError):
    """The database cannot be used as the app's role (migrations not applied, or the URL's user may not switch
    to it). A kind of unavailability: requests answer 503 and /api/v1/health reports the database unhealthy,
    while the log and the worker say which."""


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
    AppRoleMissing,  # already a ConnectionError; named for the reader
)


async def _become_app_role(connection: asyncpg.Connection) -> None:
    """Run once by the pool on each new connection, before it is first handed out: every query of the API and
    the worker then runs as ayni_app, which owns no table, so row-level security holds even when
    DATABASE_URL is a superuser. (Once per connection, not per query: the hot path is unchanged.)"""
    try:
        await connection.execute(f"SET ROLE {APP_ROLE}")
    except asyncpg.exceptions.InvalidParameterValueError as exc:  # what SET ROLE says of an unknown role
        raise AppRoleMissing(
            f"The database role {APP_ROLE} does not exist: apply the migrations (ayni migrate apply)."
        ) from exc
    except asyncpg.exceptions.InsufficientPrivilegeError as exc:
        raise AppRoleMissing(
            f"The database user may not switch to the role {APP_ROLE}: apply the migrations as this user "
            f"(ayni migrate apply), or grant {APP_ROLE} to it."
        ) from exc


async def _nothing_more_to_reset(connection: asyncpg.Connection) -> None:
    """asyncpg's default reset on release (unlock advisory locks, close cursors, UNLISTEN, RESET ALL) is
    a round trip after every query `databases` runs. Ayni's API uses none of those session features;
    an open transaction is still rolled back by asyncpg before this runs. (RESET ALL keeps the connection's
    SET ROLE, DISCARD ALL and RESET ROLE do not: a reset added here must never run those.)"""


POOL_SIZE = 10


class FairPostgresBackend(PostgresBackend):
    """`databases`' asyncpg backend, but requests get the pool's connections in the order they asked.

    asyncpg's pool hands connections out through an `asyncio.Queue`, whose `get()` lets a newcomer take a
    connection that was just returned to a woken waiter; the waiter then queues again at the back. With the
    event loop busy, and more requests in flight than connections, some requests lose that race again and
    again: at 64 connections on `GET /auth/me` the slowest 10% took 3 times the median, and at 1000
    connections some waited more than 5 s (bench/README.md). A FIFO semaphore with one turn per pooled
    connection, taken before the pool's queue, makes the queue never wait.
    """

    def __init__(self, database_url: databases.DatabaseURL | str, **options: object) -> None:
        super().__init__(database_url, **options)
        self._turns_total = int(str(options.get("max_size", POOL_SIZE)))
        self._turns: asyncio.Semaphore | None = None

    async def connect(self) -> None:
        await super().connect()
        self._turns = asyncio.Semaphore(self._turns_total)  # bound to this event loop on first wait

    def connection(self) -> PostgresConnection:
        assert self._turns is not None, "DatabaseBackend is not running"
        return _FairPostgresConnection(self, self._dialect, self._turns)


class _FairPostgresConnection(PostgresConnection):
    def __init__(self, database: PostgresBackend, dialect: Dialect, turns: asyncio.Semaphore) -> None:
        super().__init__(database, dialect)
        self._turns = turns

    async def acquire(self) -> None:
        await self._turns.acquire()
        try:
            await super().acquire()
        except BaseException:
            self._turns.release()
            raise

    async def release(self) -> None:
        try:
            await super().release()
        finally:
            self._turns.release()


class Database(databases.Database):
    # databases looks the backend up here by the URL's scheme; nothing mutates it.
    SUPPORTED_BACKENDS = {  # noqa: RUF012
        **databases.Database.SUPPORTED_BACKENDS,
        "postgresql": "ayni.db:FairPostgresBackend",
        "postgres": "ayni.db:FairPostgresBackend",
    }

    async def run_statement(self, method: str, text: str, arguments: Sequence[object]) -> Any:
        """asyncpg's `method` (fetchrow, fetch, fetchval, execute) with `text` and its `arguments`: on the
        connection this task holds (its transaction, or an `async with db.connection()`), else on a pooled
        connection lent for this statement alone, in turn (FairPostgresBackend). The second is what
        `async with self.connection()` does, without databases' per-task `Connection` (three asyncio locks, two
        more task lookups and a weak reference per statement: bench/README.md, issue 16)."""
        if self._global_connection is not None or self._connection is not None:
            async with self.connection() as connection:
                return await getattr(connection.raw_connection, method)(text, *arguments)
        lent = self._backend.connection()
        await lent.acquire()
        try:
            return await getattr(lent.raw_connection, method)(text, *arguments)
        finally:
            await lent.release()


# A statement running longer is given up (asyncpg's command timeout): a request or job on a connection that died
# mid-statement (PostgreSQL went away) learns so within this time.
STATEMENT_TIMEOUT_S = 30


def make_database(settings: Settings) -> databases.Database:
    # min_size=0: opening the pool connects to nothing, so the API starts (and reports unhealthy) while
    # PostgreSQL is down, and every later request tries again by itself.
    return Database(
        settings.database_url,
        min_size=0,
        max_size=POOL_SIZE,
        timeout=settings.health_check_timeout * 2,
        command_timeout=STATEMENT_TIMEOUT_S,
        reset=_nothing_more_to_reset,
        init=_become_app_role,
    )


# How often PostgreSQL checks, during a long statement or a lock wait, that the client of a connection of
# `connect` is still there: a job process killed mid-import (its time limit, the OOM killer) would otherwise keep
# its transaction, and the company's import lock, until the statement ended or the lock came.
CLIENT_CHECK_INTERVAL = "2s"


async def connect(settings: Settings, statement_timeout_s: float = STATEMENT_TIMEOUT_S) -> asyncpg.Connection:
    """One connection outside the pool, as the pool makes them (timeouts, the app's role), for a caller that
    keeps it (a worker thread's job records: the pool's acquire and release cost twice the statement), or whose
    statements may run longer than the pool's `STATEMENT_TIMEOUT_S` (a million-line import's rollups). PostgreSQL
    ends its statement soon after its client dies (CLIENT_CHECK_INTERVAL)."""
    connection = await asyncpg.connect(
        settings.database_url,
        timeout=settings.health_check_timeout * 2,
        command_timeout=statement_timeout_s,
        server_settings={"client_connection_check_interval": CLIENT_CHECK_INTERVAL},
    )
    try:
        await _become_app_role(connection)
    except BaseException:
        await connection.close()
        raise
    return connection


def make_redis(settings: Settings) -> aioredis.Redis:
    return aioredis.Redis.from_url(
        settings.redis_url,
        socket_timeout=settings.health_check_timeout * 2,
        socket_connect_timeout=settings.health_check_timeout,
        health_check_interval=30,
        decode_responses=False,
    )
