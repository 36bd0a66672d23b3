"""Reachability of PostgreSQL and Redis, for `ayni config check` (plain sockets and clients, no app)."""

from __future__ import annotations

from urllib.parse import urlsplit

import psycopg
import redis

from ayni.config import Settings


def _where(url: str, default_port: int) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or default_port}"


def check_database(url: str, timeout: float) -> str | None:
    try:
        with psycopg.connect(url, connect_timeout=max(1, round(timeout))) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        first = (str(exc).strip().splitlines() or ["no answer"])[0]
        return f"database unreachable at {_where(url, 5432)} (DATABASE_URL): {first}"
    return None


def check_redis(url: str, timeout: float) -> str | None:
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        client.ping()
    except redis.RedisError as exc:
        return f"redis unreachable at {_where(url, 6379)} (REDIS_URL): {exc}"
    finally:
        client.close()
    return None


def check_dependencies(settings: Settings) -> list[str]:
    timeout = settings.health_check_timeout
    found = (check_database(settings.database_url, timeout), check_redis(settings.redis_url, timeout))
    return [problem for problem in found if problem is not None]
