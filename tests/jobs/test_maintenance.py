"""Periodic maintenance: one run per period across workers, and what it purges."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import redis
from hypothesis import given, settings
from hypothesis import strategies as st

from ayni.actors import CATALOG
from ayni.config import Settings
from ayni.db import make_database
from ayni.jobs.broker import make_broker
from ayni.jobs.catalog import PeriodicTask, TaskContext
from ayni.jobs.scheduler import Scheduler, claim_period
from tests.accounts import create_user


def test_one_claim_per_period_however_many_workers(redis_url: str, clean_state: None) -> None:
    clients = [redis.Redis.from_url(redis_url) for _ in range(4)]
    now = 1_700_000_000.0
    winners = [c for c in clients if claim_period(c, "purge", 60, now)]
    assert len(winners) == 1
    assert not any(claim_period(c, "purge", 60, now + 59.0 - now % 60) for c in clients)
    assert sum(claim_period(c, "purge", 60, now + 60) for c in clients) == 1
    for c in clients:
        c.close()


@settings(max_examples=25)
@given(st.lists(st.floats(min_value=0, max_value=10_000), min_size=1, max_size=30))
def test_claims_match_distinct_periods(redis_url: str, times: list[float]) -> None:
    client = redis.Redis.from_url(redis_url)
    client.delete(*client.keys("ayni:maintenance:prop:*") or ["unused"])
    granted = sum(claim_period(client, "prop", 100, t) for t in sorted(times))
    assert granted == len({int(t // 100) for t in times})
    client.close()


def test_scheduler_runs_due_tasks_once_and_survives_a_failing_one(
    app_settings: Settings, redis_url: str, clean_state: None
) -> None:
    runs: list[str] = []

    async def ok(ctx: TaskContext) -> int:
        runs.append("ok")
        return 1

    async def boom(ctx: TaskContext) -> int:
        raise RuntimeError("task failed")

    client = redis.Redis.from_url(redis_url)
    context = TaskContext(app_settings, make_database(app_settings), make_broker(app_settings, ()))
    tasks = [PeriodicTask("ok", 10, ok), PeriodicTask("boom", 10, boom)]
    first, second = (Scheduler(client, tasks, context, runner=asyncio.run) for _ in range(2))
    assert first.run_due(1000.0) == ["ok"]
    assert second.run_due(1000.0) == []
    assert first.run_due(1010.0) == ["ok"]
    assert runs == ["ok", "ok"]
    first.start()
    first.stop()
    context.broker.close()
    client.close()


def test_purge_removes_old_jobs_and_dead_credentials(app_settings: Any, database_url: str, clean_state: None) -> None:
    user = create_user(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO jobs (user_id, actor, status, finished_at) VALUES "
            "(%s, 'ping', 'succeeded', now() - interval '400 days'), (%s, 'ping', 'succeeded', now())",
            (user, user),
        )
        conn.execute(
            "INSERT INTO auth_sessions (user_id, current_jti_hash, expires_at) VALUES "
            "(%s, %s, now() - interval '1 day'), (%s, %s, now() + interval '1 day')",
            (user, b"a" * 32, user, b"b" * 32),
        )
        conn.execute(
            "INSERT INTO auth_one_time_tokens (user_id, purpose, token_hash, expires_at) VALUES "
            "(%s, 'verify_email', %s, now() - interval '1 hour'), (%s, 'verify_email', %s, now() + interval '1 hour')",
            (user, b"c" * 32, user, b"d" * 32),
        )
    purges = [task for task in CATALOG.tasks if task.name.startswith("purge-")]

    async def purge() -> int:
        context = TaskContext(app_settings, make_database(app_settings), make_broker(app_settings, ()))
        await context.db.connect()
        try:
            return sum([await task.run(context) for task in purges])
        finally:
            await context.db.disconnect()
            context.broker.close()

    assert asyncio.run(purge()) == 3
    assert asyncio.run(purge()) == 0
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM jobs").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM auth_sessions").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM auth_one_time_tokens").fetchone() == (1,)
