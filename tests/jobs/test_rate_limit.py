"""The per-user limit on starting jobs (issue 10, finding 4), over real HTTP, Redis and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from ayni.app import create_app
from ayni.config import Settings
from tests.accounts import bearer, create_user, login, problem_type, sql
from tests.servers import LiveServer

PING = "/api/v1/jobs/ping"


@pytest.fixture
def limited(make_settings: Callable[..., Settings], clean_state: None) -> Iterator[httpx.Client]:
    settings = make_settings(JOBS_PER_USER_LIMIT="3", JOBS_PER_USER_WINDOW_SECONDS="4")
    with LiveServer(create_app(settings)) as server, httpx.Client(base_url=server.url, timeout=20) as http:
        yield http


def test_a_user_starting_too_many_jobs_gets_429_and_nothing_is_queued(limited: httpx.Client, database_url: str) -> None:
    create_user(database_url, "ana@example.cl")
    create_user(database_url, "luis@example.cl")
    ana = bearer(login(limited, "ana@example.cl")["access_token"])
    luis = bearer(login(limited, "luis@example.cl")["access_token"])
    assert [limited.post(PING, json={}, headers=ana).status_code for _ in range(3)] == [202] * 3
    refused = limited.post(PING, json={}, headers=ana)
    assert refused.status_code == 429
    assert problem_type(refused) == "too-many-requests"
    assert refused.headers["content-type"] == "application/problem+json"
    wait = int(refused.headers["retry-after"])
    assert 0 < wait <= 4
    assert sql(database_url, "SELECT count(*) FROM jobs") == [(3,)]
    # Another user is not held back by Ana's jobs.
    assert limited.post(PING, json={}, headers=luis).status_code == 202
    # Once the window has passed, Ana may start jobs again.
    time.sleep(wait + 0.5)
    assert limited.post(PING, json={}, headers=ana).status_code == 202
