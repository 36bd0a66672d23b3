"""Imports run by real worker processes: imports at the same time (of one company, of two), each job in a process of
its own, the demo company's fill, the planner's statistics and the retention of uploaded files (DESIGN.md "Sales
imports"); the processes that die are test_import_deaths.py's.

The tests hold the load where they need it with the locks the load itself takes (the company's advisory lock, the
company's row), seen in pg_stat_activity: nothing depends on timing but the generous waits (and one hold of the
lock that outlasts the worker's pool statement timeout on purpose). Where a test outlasts a timeout or waits one out,
its worker has that timeout shortened (tests/shortened_worker.py): seconds instead of half a minute."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import polars  # noqa: F401 - loaded here, so that the probe of polars_mapped is seen to find it
import pytest

from ayni.actors import CATALOG
from ayni.config import Settings
from ayni.db import make_database
from ayni.jobs.broker import make_broker
from ayni.jobs.catalog import TaskContext
from ayni.sales.load import ANALYZE_AFTER_LINES, ANALYZED_TABLES
from ayni.sales.retention import PURGE_UPLOADED_FILES
from tests.accounts import sql
from tests.companies.conftest import C, Team
from tests.sales.import_jobs import (
    FIXTURES,
    POOL_TIMEOUT_S,
    WAIT_S,
    company_lock_held,
    demo_file,
    imported,
    importers,
    lines_count,
    polars_mapped,
    record_of,
    revenue_by_location,
    snapshot,
    template_days,
    the_job_process,
    upload,
    wait_for_status,
    wait_until,
    waiting_behind,
)
from tests.workers import WorkerProcess, WorkerTimeouts, submit_job, wait_until_idle, worker_children
from tests.workers import wait_for_status as wait_for_job

# Imports at the same time


@pytest.fixture
def impatient_worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[WorkerProcess]:
    """A worker whose pool gives a statement up after POOL_TIMEOUT_S."""
    process = WorkerProcess(worker_env, tmp_path / "worker.log", WorkerTimeouts(statement_s=POOL_TIMEOUT_S)).start()
    try:
        yield process
    finally:
        process.stop()


def test_imports_of_one_company_wait_for_each_other_and_both_land(
    client: httpx.Client, team: Team, impatient_worker: WorkerProcess, database_url: str
) -> None:
    """Two parts of the English template that share the days 14 to 20, imported at once (replace mode) while the
    company's lock is taken, for longer than any one statement of the worker's pool may last: both wait for it,
    and the figures are the whole template's, the shared days once, in the locations the first to load created."""
    who, _ = importers(team)
    with company_lock_held(database_url, who.company) as holder:
        ids = [
            upload(client, who, "october_1.csv", template_days(1, 20), start="auto"),
            upload(client, who, "october_2.csv", template_days(14, 31), start="auto"),
        ]
        waiters = waiting_behind(database_url, holder, 2, "%pg_advisory_xact_lock%")  # both worker threads
        time.sleep(POOL_TIMEOUT_S + 5)  # as a large import of the company holds it on a busy machine
        assert waiting_behind(database_url, holder, 2, "%pg_advisory_xact_lock%") == waiters
        assert [record_of(client, who, i)["status"] for i in ids] == ["importing", "importing"]
    done = [wait_for_status(client, who, i, "succeeded", "failed") for i in ids]
    assert [d["status"] for d in done] == ["succeeded", "succeeded"], done
    assert [d["summary"]["lines_loaded"] for d in done] == [15, 18]
    assert sql(database_url, "SELECT attempts FROM jobs") == [(1,), (1,)]  # no retry: the waits were not errors
    # The whole template (expected.json, totals checked by hand): 26 lines in two locations.
    assert lines_count(database_url, who.company) == 26
    locations = sql(database_url, "SELECT name FROM locations WHERE company_id = %s ORDER BY 1", (who.company,))
    assert locations == [("Downtown",), ("Mall",)]  # the second import found them made, and made no namesakes
    assert revenue_by_location(database_url, who.company) == {
        "Downtown": Decimal("1850.98"),
        "Mall": Decimal("4345.98"),
    }


def test_imports_of_two_companies_run_side_by_side(
    client: httpx.Client, team: Team, worker: WorkerProcess, database_url: str
) -> None:
    """One company's import waits at its lock, in one of the worker's two threads, while another company's import
    runs from start to end in the other."""
    waiting, running = importers(team)
    template = (FIXTURES / "template_en.csv").read_bytes()
    with company_lock_held(database_url, waiting.company) as holder:
        held = upload(client, waiting, "template_en.csv", template, start="auto")
        waiting_behind(database_url, holder, 1, "%pg_advisory_xact_lock%")
        other = upload(client, running, "template_en.csv", template, start="auto")
        assert wait_for_status(client, running, other, "succeeded", "failed")["status"] == "succeeded"
        assert record_of(client, waiting, held)["status"] == "importing"
        assert lines_count(database_url, waiting.company) == 0
    assert wait_for_status(client, waiting, held, "succeeded", "failed")["status"] == "succeeded"
    for who in (waiting, running):
        assert revenue_by_location(database_url, who.company) == {
            "Downtown": Decimal("1850.98"),
            "Mall": Decimal("4345.98"),
        }


# Each job in a process of its own (ayni.jobs.isolated): the worker never holds polars or an import's memory


def test_an_import_runs_in_a_process_that_ends_with_it_and_the_worker_never_loads_polars(
    client: httpx.Client, team: Team, worker: WorkerProcess, database_url: str
) -> None:
    assert polars_mapped(os.getpid())  # the probe sees polars where it is loaded (this test's process)
    who = importers(team)[0]
    import_id = imported(client, who, "template_en.csv", (FIXTURES / "template_en.csv").read_bytes(), "manual")
    assert record_of(client, who, import_id)["summary"]["lines_loaded"] == 26
    response = client.delete(f"{C}/{who.company}/imports/{import_id}", headers=who.person.headers)
    assert response.status_code == 202, response.text
    assert wait_for_status(client, who, import_id, "reverted")["status"] == "reverted"
    assert lines_count(database_url, who.company) == 0
    wait_until_idle(worker.env)  # the undo's job row, written after the import's
    jobs = sql(database_url, "SELECT actor, status, attempts FROM jobs ORDER BY created_at")
    assert jobs == [
        ("analyze_import", "succeeded", 1),
        ("run_import", "succeeded", 1),
        ("revert_import", "succeeded", 1),
    ]
    assert worker.process is not None and not polars_mapped(worker.process.pid), worker.log()
    assert worker_children(worker) == []


def test_the_jobs_time_limit_kills_its_process_and_rolls_back_its_transaction(
    team: Team, worker: WorkerProcess, worker_env: dict[str, str], database_url: str
) -> None:
    """A job cancelled by Dramatiq (its time limit; the worker's shutdown cancels it the same way) ends its process
    at once: its connection, waiting on the company's lock in the undo's transaction, goes while the lock is held."""
    with company_lock_held(database_url, team.company) as holder:
        job_id = submit_job(
            worker_env,
            "revert_import",
            {"company_id": str(team.company), "import_id": str(uuid.uuid4())},
            options={"time_limit": 3_000, "max_retries": 0},
        )
        [blocked] = waiting_behind(database_url, holder, 1, "%pg_advisory_xact_lock%")
        child = the_job_process(worker)
        row = wait_for_job(worker_env, job_id, {"failed", "succeeded", "dead"}, timeout=WAIT_S)
        assert row["status"] == "failed" and row["error"].startswith("TimeLimitExceeded"), row
        # Gone at once, the lock still held: the parent killed it (it would otherwise wait for the lock).
        wait_until(lambda: not child.is_running(), "the job's process gone")
        assert worker_children(worker) == []
    # Its backend, given the lock, finds its client gone and ends, the transaction rolled back.
    wait_until(lambda: not sql(database_url, "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (blocked,)), "gone")


# A demo company of one's own


def test_a_demo_company_of_ones_own_is_marked_and_filled_by_a_job(
    client: httpx.Client, team: Team, worker_env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    """POST /companies/demo (the web app's "explore with demo data"): the caller owns a company marked is_demo,
    listed as such, which a worker fills with generated sales through the import path."""
    ana = team.people["viewer"]
    created = client.post(f"{C}/demo", params={"lines": 1_000}, headers=ana.headers)
    assert created.status_code == 201, created.text
    demo = created.json()
    assert (demo["role"], demo["is_demo"]) == ("owner", True)
    listed = {c["id"]: c["is_demo"] for c in client.get(C, headers=ana.headers).json()["items"]}
    assert listed == {demo["id"]: True, str(team.company): False}
    worker = WorkerProcess(worker_env, tmp_path / "worker.log").start()
    try:
        deadline = time.monotonic() + WAIT_S
        while lines_count(database_url, uuid.UUID(demo["id"])) < 1_000:
            assert time.monotonic() < deadline, f"the demo company is not filled after {WAIT_S} s: {worker.log()}"
            time.sleep(0.2)
    finally:
        worker.stop()
    assert lines_count(database_url, uuid.UUID(demo["id"])) == 1_000


# The planner's statistics


def analyzed_at(database_url: str) -> dict[str, Any]:
    """When each table an import writes was last analyzed by a command (not autovacuum), or None."""
    rows = sql(
        database_url,
        "SELECT relname, last_analyze FROM pg_stat_user_tables WHERE relname = ANY(%s)",
        (list(ANALYZED_TABLES),),
    )
    return dict(rows)


def test_a_large_import_and_its_undo_refresh_the_planner_statistics(
    client: httpx.Client, team: Team, worker_env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    """Without it a company's first large import is, for the planner, a handful of rows until autovacuum comes."""
    who = importers(team)[0]
    worker = WorkerProcess(worker_env, tmp_path / "worker.log").start()
    try:
        before = analyzed_at(database_url)
        assert set(before) == set(ANALYZED_TABLES)
        imported(client, who, "pocas.csv", demo_file(tmp_path, 1_000))
        assert analyzed_at(database_url) == before  # a small import leaves it to autovacuum
        import_id = imported(client, who, "ventas.csv", demo_file(tmp_path, ANALYZE_AFTER_LINES))
        assert record_of(client, who, import_id)["summary"]["lines_loaded"] == ANALYZE_AFTER_LINES
        after_import = analyzed_at(database_url)
        assert all(after_import[t] is not None and (before[t] is None or after_import[t] > before[t]) for t in before)
        response = client.delete(f"{C}/{who.company}/imports/{import_id}", headers=who.person.headers)
        assert response.status_code == 202, response.text
        wait_for_status(client, who, import_id, "reverted")
        after_undo = analyzed_at(database_url)
        assert all(after_undo[t] > after_import[t] for t in before), (after_import, after_undo)
    finally:
        worker.stop()


# Retention of uploaded files


async def _purge(settings: Settings) -> int:
    """The periodic task, as the worker's scheduler runs it: as ayni_app, with no company set."""
    context = TaskContext(settings, make_database(settings), make_broker(settings, CATALOG.actors))
    await context.db.connect()
    try:
        return await PURGE_UPLOADED_FILES.run(context)
    finally:
        await context.db.disconnect()
        context.broker.close()


def test_uploaded_files_go_after_the_retention_period_and_the_figures_stay(
    client: httpx.Client, team: Team, worker: WorkerProcess, database_url: str, app_settings: Settings
) -> None:
    """Imports that ended more than IMPORT_RETENTION_DAYS ago lose their upload and rejected.csv, in every company
    (the task sets no company: a SECURITY DEFINER function of the migrations does it); a younger one keeps them."""
    mine, theirs = importers(team)
    chile, template = (FIXTURES / "pos_chile.csv").read_bytes(), (FIXTURES / "template_en.csv").read_bytes()
    old = imported(client, mine, "pos_chile.csv", chile, "manual")  # one row rejected: a rejected.csv too
    recent = imported(client, mine, "template_en.csv", template)
    theirs_old = imported(client, theirs, "pos_chile.csv", chile, "manual")
    days = app_settings.import_retention_days
    for import_id, ended_days_ago in ((old, days + 1), (theirs_old, days + 1), (recent, days - 1)):
        sql(
            database_url,
            "UPDATE imports SET finished_at = now() - make_interval(days => %s) WHERE id = %s",
            (ended_days_ago, import_id),
        )
    rejected = f"{C}/{mine.company}/imports/{old}/rejected.csv"
    assert client.get(rejected, headers=mine.person.headers).status_code == 200
    figures = {who.company: snapshot(database_url, who.company) for who in (mine, theirs)}

    assert asyncio.run(_purge(app_settings)) == 2
    assert asyncio.run(_purge(app_settings)) == 0  # nothing left to purge
    assert record_of(client, mine, old)["file_kept"] is False
    assert record_of(client, theirs, theirs_old)["file_kept"] is False
    assert record_of(client, mine, recent)["file_kept"] is True
    assert client.get(rejected, headers=mine.person.headers).status_code == 404
    files = dict(sql(database_url, "SELECT import_id, count(*) FROM import_files GROUP BY import_id"))
    assert files.keys() == {uuid.UUID(recent)}
    assert {who.company: snapshot(database_url, who.company) for who in (mine, theirs)} == figures
