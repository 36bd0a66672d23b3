"""The one SQL style (ayni/sql.py): `:name` parameters become asyncpg's numbered ones, each name one number."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ayni.db import Database
from ayni.sql import compile_statement, execute, fetch_all, fetch_one, fetch_value

names = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)


@given(st.lists(names, min_size=1, max_size=8))
def test_each_name_gets_one_number_in_order_of_first_use(used: list[str]) -> None:
    sql = "SELECT " + ", ".join(f":{name}" for name in used)
    statement = compile_statement(sql)
    first_use = list(dict.fromkeys(used))
    assert statement.names == tuple(first_use)
    assert statement.text == "SELECT " + ", ".join(f"${first_use.index(name) + 1}" for name in used)


def test_casts_and_slices_are_not_parameters() -> None:
    statement = compile_statement("SELECT :doc::jsonb, tags[1:2], CAST(:at AS timestamptz)")
    assert statement.text == "SELECT $1::jsonb, tags[1:2], CAST($2 AS timestamptz)"
    assert statement.names == ("doc", "at")


def test_every_parameter_must_be_given_and_no_other() -> None:
    statement = compile_statement("UPDATE t SET a = :a WHERE id = :id")
    assert statement.arguments({"id": 1, "a": "x"}) == ["x", 1]
    with pytest.raises(TypeError, match="missing: \\['id'\\]"):
        statement.arguments({"a": "x"})
    with pytest.raises(TypeError, match="not in the statement: \\['b'\\]"):
        statement.arguments({"a": "x", "id": 1, "b": 2})


def test_statements_run_bound_and_inside_the_callers_transaction(database_url: str) -> None:
    async def scenario() -> None:
        db = Database(database_url, min_size=0, max_size=2)
        await db.connect()
        try:
            marker, text = uuid.uuid4(), "it's; DROP TABLE x"
            row = await fetch_one(
                db, "SELECT CAST(:id AS uuid) AS id, CAST(:note AS text) AS note", id=marker, note=text
            )
            assert row is not None and (row["id"], row["note"]) == (marker, text)
            assert await fetch_one(db, "SELECT 1 WHERE CAST(:n AS int) > 1", n=1) is None
            async with db.transaction(force_rollback=True):
                await execute(db, "CREATE TEMP TABLE seen (n int)")
                assert await execute(db, "INSERT INTO seen SELECT generate_series(1, :n)", n=3) == 3
                assert await fetch_value(db, "SELECT sum(n) FROM seen WHERE n >= :least", least=2) == 5
                assert [r["n"] for r in await fetch_all(db, "SELECT n FROM seen ORDER BY n DESC")] == [3, 2, 1]
        finally:
            await db.disconnect()

    asyncio.run(scenario())


def test_a_statement_outside_a_transaction_borrows_a_connection_and_gives_it_back(database_url: str) -> None:
    """Database.run_statement lends a pooled connection for one statement (issue 16): with one connection in the
    pool, many statements at once each get it in turn, one cancelled midway gives it back, and a transaction
    still keeps its own for all its statements."""

    async def scenario() -> None:
        db = Database(database_url, min_size=0, max_size=1)
        await db.connect()
        try:
            values = await asyncio.gather(*(fetch_value(db, "SELECT CAST(:n AS int)", n=n) for n in range(20)))
            assert values == list(range(20))
            sleeper = asyncio.ensure_future(fetch_value(db, "SELECT pg_sleep(30)"))
            await asyncio.sleep(0.3)
            sleeper.cancel()
            with pytest.raises(asyncio.CancelledError):
                await sleeper
            assert await asyncio.wait_for(fetch_value(db, "SELECT 1"), timeout=10) == 1

            async def in_a_transaction() -> None:  # a statement waiting for a second connection would never end
                async with db.transaction(force_rollback=True):
                    pid = await fetch_value(db, "SELECT pg_backend_pid()")
                    await execute(db, "CREATE TEMP TABLE kept (n int)")
                    assert await fetch_value(db, "SELECT count(*) FROM kept") == 0
                    assert await fetch_value(db, "SELECT pg_backend_pid()") == pid

            await asyncio.wait_for(in_a_transaction(), timeout=10)
        finally:
            await asyncio.wait_for(db.disconnect(), timeout=10)  # a connection never given back would hang it

    asyncio.run(scenario())
