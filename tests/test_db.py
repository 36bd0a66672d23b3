"""The API's database access on a real PostgreSQL: the pool's order, and the hot-path query helper."""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import time

import databases
import psycopg
import pytest

from ayni.config import Settings
from ayni.db import Database

CONTENDERS = 40
ROUNDS = 15


async def grant_order(db: databases.Database) -> tuple[list[int], list[int]]:
    """Many tasks, more than the pool has connections, each asking again as soon as it is done; returns the
    order in which connections were asked for and the order in which they were granted. The pool's
    connections are all open first (min_size = max_size), so a grant is only a matter of order."""
    tickets = itertools.count()
    asked: list[int] = []
    granted: list[int] = []

    async def contender() -> None:
        for _ in range(ROUNDS):
            await asyncio.sleep(0)
            ticket = next(tickets)
            asked.append(ticket)  # nothing yields between here and the pool's own queue
            async with db.connection() as connection:
                granted.append(ticket)
                await connection.fetch_val("SELECT 1")

    await db.connect()
    try:
        await asyncio.gather(*(contender() for _ in range(CONTENDERS)))
    finally:
        await db.disconnect()
    return asked, granted


def test_connections_go_to_requests_in_the_order_they_asked(database_url: str) -> None:
    asked, granted = asyncio.run(grant_order(Database(database_url, min_size=3, max_size=3)))
    assert len(granted) == CONTENDERS * ROUNDS
    assert granted == asked


def test_asyncpgs_own_pool_lets_newcomers_overtake(database_url: str) -> None:
    # Why Database exists: without its turns, the same run hands connections out of order. On a loaded machine
    # one run may come out in order by chance (seen once), so up to five are tried.
    for _ in range(5):
        asked, granted = asyncio.run(grant_order(databases.Database(database_url, min_size=3, max_size=3)))
        if granted != asked:
            return
    pytest.fail("asyncpg's own pool granted connections in order five times running: is Database still needed?")


def test_a_connection_that_cannot_be_made_gives_its_turn_back() -> None:
    async def scenario() -> None:
        db = Database("postgresql://nobody@127.0.0.1:1/none", min_size=0, max_size=1, timeout=2)
        await db.connect()
        try:
            for _ in range(3):  # with the turn kept, the second attempt would wait forever
                with pytest.raises(ConnectionRefusedError):
                    await asyncio.wait_for(db.fetch_val("SELECT 1"), 10)
        finally:
            await db.disconnect()

    asyncio.run(scenario())


def test_a_standalone_connection_whose_process_dies_ends_its_statement_soon(
    app_settings: Settings, database_url: str
) -> None:
    """A job process killed mid-statement (ayni.jobs.isolated) must not keep its transaction, and the locks it
    holds, for the rest of the statement: PostgreSQL checks the client every CLIENT_CHECK_INTERVAL."""
    script = (
        "import asyncio, sys\n"
        "from ayni.db import connect\n"
        "from ayni.config import load_settings\n"
        "import os\n"
        "async def main():\n"
        "    conn = await connect(load_settings(os.environ), statement_timeout_s=120)\n"
        "    print(await conn.fetchval('SELECT pg_backend_pid()'), flush=True)\n"
        "    await conn.execute('SELECT pg_sleep(60)')\n"
        "asyncio.run(main())\n"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": app_settings.redis_url, "LOG_LEVEL": "warning"}
    child = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        backend = int(child.stdout.readline())
        with psycopg.connect(database_url, autocommit=True) as db:
            time.sleep(0.5)  # into pg_sleep
            assert db.execute("SELECT state FROM pg_stat_activity WHERE pid = %s", (backend,)).fetchone() == ("active",)
            child.kill()
            child.wait()
            deadline = time.monotonic() + 15  # 2 s checks, on a busy machine; pg_sleep alone would take 60
            while db.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (backend,)).fetchone():
                assert time.monotonic() < deadline, "the dead client's statement still runs"
                time.sleep(0.1)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
