"""Ayni's one SQL style: statements with `:name` parameters, always bound, run on asyncpg through the pool of
`databases` (the API's and the worker's alike), inside the caller's transaction when there is one.

A statement is turned into asyncpg's `$1` form once and cached: `databases`' own `:name` path builds and
compiles it with SQLAlchemy on every call, a fifth of the CPU of an authenticated request (bench/README.md).
`::type` casts are left alone; a `:word` inside a string literal would be taken for a parameter, so SQL text
here never holds one (pass the value as a parameter instead).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

import asyncpg
import databases

from ayni.db import Database

_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Statement:
    text: str  # with $1, $2, ...
    names: tuple[str, ...]  # the parameter of each number, in order

    def arguments(self, params: Mapping[str, object]) -> list[object]:
        if set(params) != set(self.names):
            missing, extra = set(self.names) - set(params), set(params) - set(self.names)
            raise TypeError(f"SQL parameters missing: {sorted(missing)}, not in the statement: {sorted(extra)}")
        return [params[name] for name in self.names]


@functools.lru_cache(maxsize=1024)
def compile_statement(sql: str) -> Statement:
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return Statement(_PARAMETER.sub(number, sql), tuple(names))


Executor: TypeAlias = databases.Database | asyncpg.Connection
"""Where a statement runs: the pool (a connection of the caller's transaction, or one lent for the statement),
or one connection the caller holds (the worker's job records keep one per thread: `ayni.jobs.tracking`)."""


async def _run(db: Executor, method: str, sql: str, params: Mapping[str, object]) -> Any:
    statement = compile_statement(sql)
    arguments = statement.arguments(params)
    if isinstance(db, asyncpg.Connection):
        return await getattr(db, method)(statement.text, *arguments)
    if isinstance(db, Database):  # the API's and the worker's pool (make_database)
        return await db.run_statement(method, statement.text, arguments)
    async with db.connection() as connection:
        return await getattr(connection.raw_connection, method)(statement.text, *arguments)


async def fetch_one(db: Executor, sql: str, **params: object) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await _run(db, "fetchrow", sql, params)
    return row


async def fetch_all(db: Executor, sql: str, **params: object) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await _run(db, "fetch", sql, params)
    return rows


async def fetch_value(db: Executor, sql: str, **params: object) -> Any:
    return await _run(db, "fetchval", sql, params)


async def execute(db: Executor, sql: str, **params: object) -> int:
    """Run a statement; the number of rows it affected (0 for a statement that affects none)."""
    status: str = await _run(db, "execute", sql, params)
    count = status.rsplit(" ", 1)[-1]
    return int(count) if count.isdigit() else 0
