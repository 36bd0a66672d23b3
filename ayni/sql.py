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
from typing import Any

import asyncpg
import databases

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


async def fetch_one(db: databases.Database, sql: str, **params: object) -> asyncpg.Record | None:
    statement = compile_statement(sql)
    async with db.connection() as connection:
        row: asyncpg.Record | None = await connection.raw_connection.fetchrow(
            statement.text, *statement.arguments(params)
        )
        return row


async def fetch_all(db: databases.Database, sql: str, **params: object) -> list[asyncpg.Record]:
    statement = compile_statement(sql)
    async with db.connection() as connection:
        rows: list[asyncpg.Record] = await connection.raw_connection.fetch(statement.text, *statement.arguments(params))
        return rows


async def fetch_value(db: databases.Database, sql: str, **params: object) -> Any:
    statement = compile_statement(sql)
    async with db.connection() as connection:
        return await connection.raw_connection.fetchval(statement.text, *statement.arguments(params))


async def execute(db: databases.Database, sql: str, **params: object) -> int:
    """Run a statement; the number of rows it affected (0 for a statement that affects none)."""
    statement = compile_statement(sql)
    async with db.connection() as connection:
        status: str = await connection.raw_connection.execute(statement.text, *statement.arguments(params))
    count = status.rsplit(" ", 1)[-1]
    return int(count) if count.isdigit() else 0
