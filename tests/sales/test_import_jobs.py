"""Imports run by real worker processes: a worker killed in the middle of a load, imports at the same time (of one
company, of two), and the retention of uploaded files (DESIGN.md "Sales imports").

The tests hold the load where they need it with the locks the load itself takes (the company's advisory lock, the
company's row), seen in pg_stat_activity: nothing depends on timing but the generous waits (and one hold of the
lock that outlasts the worker's pool statement timeout on purpose). Where a test outlasts a timeout or waits one out,
its worker has that timeout shortened (tests/shortened_worker.py): seconds instead of half a minute."""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import polars  # noqa: F401 - loaded here, so that the probe of polars_mapped is seen to find it
import psutil
import psycopg
import pytest

from ayni.actors import CATALOG
from ayni.config import Settings
from ayni.db import make_database
from ayni.jobs.broker import make_broker
from ayni.jobs.catalog import TaskContext
from ayni.sales.actors import ANALYZE_IMPORT, FILL_DEMO_COMPANY, REVERT_IMPORT
from ayni.sales.demo import write_demo_csv
from ayni.sales.failures import UNDO_FAILED_PHASE
from ayni.sales.jobs import INTERNAL_ERROR
from ayni.sales.load import ANALYZE_AFTER_LINES, ANALYZED_TABLES
from ayni.sales.retention import PURGE_UPLOADED_FILES
from tests.accounts import sql
from tests.companies.conftest import C, Person, Team
from tests.workers import WorkerProcess, WorkerTimeouts, submit_job, wait_until_idle, worker_children
from tests.workers import wait_for_status as wait_for_job

FIXTURES = Path(__file__).parent / "fixtures"
# Two 100k-line imports on a loaded 2-core machine, plus Dramatiq's redelivery of a dead worker's message.
WAIT_S = 240
# ayni/sales/jobs.py: pg_advisory_xact_lock(_IMPORT_LOCK, hashtext(company_id)) serialises a company's imports.
IMPORT_LOCK = 0x5A1E5
# The pool's statement timeout (asyncpg's command_timeout; ayni.db.STATEMENT_TIMEOUT_S is 30 s), the longest a
# statement of the worker may last by default, in the worker whose waits must outlast it.
POOL_TIMEOUT_S = 5
# How long a worker may be silent before Dramatiq redelivers its messages (ayni.jobs.broker.HEARTBEAT_TIMEOUT_MS is
# 15 s), in the worker that takes over from a killed one: there is no other worker to take for dead.
REDELIVERY_AFTER_MS = 5_000
ROLLUP_MEASURES = ", ".join(
    ("revenue", "returns", "discounts", "cost", "costed_revenue", "units", "units_returned", "tickets",
     "return_tickets", "lines", "customers")
)  # fmt: skip


@dataclass(frozen=True)
class Importer:
    """A company and a member of it who runs its imports."""

    company: uuid.UUID
    person: Person


def importers(team: Team) -> tuple[Importer, Importer]:
    """The team's company (its manager imports) and the other company (its owner imports)."""
    return Importer(team.company, team.people["manager"]), Importer(team.other_company, team.people["outsider"])


# Over HTTP, as a user does


def upload(client: httpx.Client, who: Importer, filename: str, data: bytes, **query: str) -> str:
    response = client.post(
        f"{C}/{who.company}/imports",
        content=data,
        params={"filename": filename, **query},
        headers={**who.person.headers, "Content-Type": "text/csv"},
    )
    assert response.status_code == 201, response.text
    import_id: str = response.json()["id"]
    return import_id


def record_of(client: httpx.Client, who: Importer, import_id: str) -> dict[str, Any]:
    response = client.get(f"{C}/{who.company}/imports/{import_id}", headers=who.person.headers)
    assert response.status_code == 200, response.text
    record: dict[str, Any] = response.json()
    return record


def wait_for_status(client: httpx.Client, who: Importer, import_id: str, *statuses: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_S
    while (record := record_of(client, who, import_id))["status"] not in statuses:
        assert time.monotonic() < deadline, f"import still {record['status']} after {WAIT_S} s: {record}"
        time.sleep(0.2)
    return record


def start(client: httpx.Client, who: Importer, import_id: str) -> None:
    response = client.post(f"{C}/{who.company}/imports/{import_id}/start", json={}, headers=who.person.headers)
    assert response.status_code == 202, response.text


def submit(client: httpx.Client, who: Importer, filename: str, data: bytes, start_mode: str) -> str:
    """Upload the file and start it: by itself (start=auto), or by the user once it is `ready`."""
    import_id = upload(client, who, filename, data, start=start_mode)
    if start_mode == "manual":
        ready = wait_for_status(client, who, import_id, "ready", "failed")
        assert ready["status"] == "ready" and ready["preview"]["ready"], ready
        start(client, who, import_id)
    return import_id


def imported(client: httpx.Client, who: Importer, filename: str, data: bytes, start_mode: str = "auto") -> str:
    """Import the file and wait for its success."""
    import_id = submit(client, who, filename, data, start_mode)
    done = wait_for_status(client, who, import_id, "succeeded", "failed")
    assert done["status"] == "succeeded", done
    return import_id


# In the database, as its owner (no row-level security)


def snapshot(database_url: str, company: uuid.UUID) -> dict[str, list[tuple[Any, ...]]]:
    """Everything an import changes in a company's figures, named by location name and product key rather than
    by ids, so that two companies' figures compare."""
    located = "JOIN locations l ON (l.company_id, l.id) = (r.company_id, r.location_id)"
    product = "JOIN products p ON (p.company_id, p.id) = (r.company_id, r.product_id)"
    queries = {
        "companies": "SELECT data_version FROM companies r WHERE id = %(c)s",
        "locations": "SELECT name, code FROM locations r WHERE company_id = %(c)s ORDER BY 1, 2",
        "products": "SELECT key, sku, name, category FROM products r WHERE company_id = %(c)s ORDER BY 1",
        "sale_lines": f"""SELECT l.name, count(*), count(DISTINCT r.ticket), sum(r.quantity), sum(r.amount),
                                 sum(r.cost), sum(r.discount), count(r.customer), sum(r.hour), min(r.sold_at),
                                 max(r.sold_at)
                          FROM sale_lines r {located} WHERE r.company_id = %(c)s GROUP BY 1 ORDER BY 1""",  # noqa: S608
        "sales_daily": f"""SELECT l.name, r.day, {ROLLUP_MEASURES}
                           FROM sales_daily r {located} WHERE r.company_id = %(c)s ORDER BY 1, 2""",  # noqa: S608
        "sales_hourly": f"""SELECT l.name, r.day, r.hour, {ROLLUP_MEASURES}
                            FROM sales_hourly r {located} WHERE r.company_id = %(c)s ORDER BY 1, 2, 3""",  # noqa: S608
        "sales_daily_products": f"""SELECT l.name, r.day, p.key, {ROLLUP_MEASURES}
                                    FROM sales_daily_products r {located} {product}
                                    WHERE r.company_id = %(c)s ORDER BY 1, 2, 3""",  # noqa: S608
    }
    with psycopg.connect(database_url, autocommit=True) as conn:
        return {table: conn.execute(query, {"c": company}).fetchall() for table, query in queries.items()}


def revenue_by_location(database_url: str, company: uuid.UUID) -> dict[str, Decimal]:
    rows = sql(
        database_url,
        """SELECT l.name, sum(d.revenue) FROM sales_daily d
           JOIN locations l ON (l.company_id, l.id) = (d.company_id, d.location_id)
           WHERE d.company_id = %s GROUP BY l.name""",
        (company,),
    )
    return dict(rows)


def lines_count(database_url: str, company: uuid.UUID) -> int:
    [(count,)] = sql(database_url, "SELECT count(*) FROM sale_lines WHERE company_id = %s", (company,))
    return int(count)


@contextmanager
def company_lock_held(database_url: str, company: uuid.UUID) -> Iterator[psycopg.Connection]:
    """The company's import lock, held by a session of the test until the block ends."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s, hashtext(%s))", (IMPORT_LOCK, str(company)))
        yield conn


@contextmanager
def company_row_locked(database_url: str, company: uuid.UUID) -> Iterator[psycopg.Connection]:
    """The company's row, locked as an UPDATE of it does: a load runs to its last statement (the bump of the
    company's data_version) and waits there, everything else written and not committed."""
    with psycopg.connect(database_url) as conn:
        conn.execute("SELECT 1 FROM companies WHERE id = %s FOR NO KEY UPDATE", (company,))
        yield conn
        conn.rollback()


def waiting_behind(database_url: str, holder: psycopg.Connection, count: int, query_like: str) -> list[int]:
    """The backends blocked by `holder`'s locks once there are `count` of them, their queries LIKE `query_like`
    (seen from a session of its own: a transaction sees pg_stat_activity as it was when it first looked)."""
    holder_pid = holder.info.backend_pid
    deadline = time.monotonic() + WAIT_S
    while True:
        rows = sql(
            database_url,
            "SELECT pid FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid)) AND query LIKE %s",
            (holder_pid, query_like),
        )
        if len(rows) == count:
            return [pid for (pid,) in rows]
        assert time.monotonic() < deadline, f"{len(rows)} backends waiting on the test's lock, not {count}"
        time.sleep(0.1)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"not {what} after {WAIT_S} s"
        time.sleep(0.1)


def demo_file(tmp_path: Path, lines: int) -> bytes:
    """The demo company's POS export (Spanish headers, a branch column), `lines` lines over two years."""
    path = tmp_path / f"demo_{lines}.csv"
    write_demo_csv(path, lines=lines, end=date(2025, 12, 31))
    return path.read_bytes()


def one_branch(demo: bytes, branch: str) -> bytes:
    """The lines of one branch of a demo file (its fourth column)."""
    header, *lines = demo.splitlines(keepends=True)
    return header + b"".join(line for line in lines if line.split(b";")[3] == branch.encode())


# A worker killed during the load


@pytest.mark.parametrize("start_mode", ["manual", "auto"])
def test_a_worker_killed_mid_load_leaves_no_trace_and_the_redelivered_job_loads_it_all(
    client: httpx.Client,
    team: Team,
    worker_env: dict[str, str],
    database_url: str,
    tmp_path: Path,
    start_mode: str,
) -> None:
    """The worker dies (SIGKILL) with every line, product, location and rollup of the import written and not
    committed, on top of an earlier import whose days the file replaces. Nothing of it stays; a new worker gets
    the message again and ends with exactly what a company that imported the same files undisturbed has."""
    earlier, big = one_branch(demo_file(tmp_path, 2_000), "Concepción"), demo_file(tmp_path, 100_000)
    killed, undisturbed = importers(team)
    first = WorkerProcess(worker_env, tmp_path / "first.log").start()
    try:
        for who in (killed, undisturbed):
            imported(client, who, "ventas_enero.csv", earlier)
        imported(client, undisturbed, "ventas.csv", big, start_mode)
        before = snapshot(database_url, killed.company)
        assert [name for name, _ in before["locations"]] == ["Concepción"]  # the file names three more
        with company_row_locked(database_url, killed.company) as holder:
            import_id = submit(client, killed, "ventas.csv", big, start_mode)
            [blocked] = waiting_behind(database_url, holder, 1, "%data_version = data_version + 1%")
            assert record_of(client, killed, import_id)["progress"]["phase"] == "rollups"
            first.signal(signal.SIGKILL)
            assert first.process is not None
            first.process.wait(WAIT_S)
            killed_at = time.monotonic()
        # The dead worker's transaction ends when its backend finds the client gone.
        wait_until(lambda: not sql(database_url, "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (blocked,)), "gone")
        assert snapshot(database_url, killed.company) == before
        assert record_of(client, killed, import_id)["status"] == "importing"
    finally:
        first.stop()

    second = WorkerProcess(worker_env, tmp_path / "second.log", WorkerTimeouts(heartbeat_ms=REDELIVERY_AFTER_MS))
    second.start()
    try:
        done = wait_for_status(client, killed, import_id, "succeeded", "failed")
        print(f"SIGKILL to the redelivered import's success: {time.monotonic() - killed_at:.1f} s")
        assert done["status"] == "succeeded", (done, second.log())
        assert done["summary"]["lines_loaded"] == 100_000
    finally:
        second.stop()
    after = snapshot(database_url, killed.company)
    assert after == snapshot(database_url, undisturbed.company)
    assert len(after["locations"]) == 4 and after["products"] != before["products"]
    [(status, attempts)] = sql(
        database_url,
        "SELECT status, attempts FROM jobs WHERE actor = %s ORDER BY created_at DESC LIMIT 1",
        ("run_import" if start_mode == "manual" else "analyze_import",),
    )
    assert (status, attempts) == ("succeeded", 2)  # the killed attempt, and the redelivery


# Imports at the same time


def template_days(first: int, last: int) -> bytes:
    """The English template's lines of the October days first..last (its dates are MM/DD/YYYY)."""
    header, *lines = (FIXTURES / "template_en.csv").read_bytes().splitlines(keepends=True)
    return header + b"".join(line for line in lines if first <= int(line[3:5]) <= last)


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


def polars_mapped(pid: int) -> bool:
    """polars' library among the files the process has mapped (its shared object, `_polars_runtime...so` in polars
    2.1, is mapped once polars is imported)."""
    return "polars" in Path(f"/proc/{pid}/maps").read_text()


def the_job_process(worker: WorkerProcess, other_than: psutil.Process | None = None) -> psutil.Process:
    """The one process the worker runs a job in (once it runs one: a new one, with `other_than`)."""
    deadline = time.monotonic() + WAIT_S
    while not (children := [c for c in worker_children(worker) if c != other_than]):
        assert time.monotonic() < deadline, f"no job process under the worker after {WAIT_S} s"
        time.sleep(0.05)
    [child] = children
    return child


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


def test_an_import_process_killed_midway_is_retried_and_the_retry_loads_the_file(
    client: httpx.Client, team: Team, worker: WorkerProcess, database_url: str
) -> None:
    """As the kernel's out-of-memory killer would: the attempt fails, the job is retried, nothing hangs."""
    who = importers(team)[0]
    with company_lock_held(database_url, who.company) as holder:
        import_id = upload(client, who, "template_en.csv", (FIXTURES / "template_en.csv").read_bytes(), start="auto")
        waiting_behind(database_url, holder, 1, "%pg_advisory_xact_lock%")
        killed = the_job_process(worker)
        killed.kill()
        killed.wait(WAIT_S)
        # The retry's process, waiting for the lock in its turn. (The killed one's backend waits too: PostgreSQL
        # finds its client gone when it next talks to it, once it has the lock, and rolls its transaction back.)
        the_job_process(worker, other_than=killed)
        assert lines_count(database_url, who.company) == 0
    done = wait_for_status(client, who, import_id, "succeeded", "failed")
    assert done["status"] == "succeeded" and done["summary"]["lines_loaded"] == 26, (done, worker.log())
    wait_until_idle(worker.env)  # the job's row, written after the import's
    assert sql(database_url, "SELECT actor, status, attempts FROM jobs") == [("analyze_import", "succeeded", 2)]
    assert "ChildProcessDied" in worker.log()


def backend_gone(database_url: str, pid: int) -> Callable[[], bool]:
    return lambda: not sql(database_url, "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,))


def test_an_import_whose_process_is_killed_on_every_attempt_ends_failed_and_changes_nothing(
    client: httpx.Client, team: Team, worker: WorkerProcess, database_url: str
) -> None:
    """As a file too large for the machine's memory would have it: the kernel kills the import's process on every
    attempt, in the load's last statement, with everything written and not committed. No process is left to fail the
    import: once the job's retries run out the worker does, and the company's figures are those of before."""
    who = importers(team)[0]
    imported(client, who, "october_1.csv", template_days(1, 20))
    before = snapshot(database_url, who.company)
    killed: psutil.Process | None = None
    with company_row_locked(database_url, who.company) as holder:
        import_id = upload(client, who, "template_en.csv", (FIXTURES / "template_en.csv").read_bytes(), start="auto")
        for _ in range(ANALYZE_IMPORT.max_retries + 1):
            [blocked] = waiting_behind(database_url, holder, 1, "%data_version = data_version + 1%")
            killed = the_job_process(worker, other_than=killed)
            killed.kill()
            killed.wait(WAIT_S)
            wait_until(backend_gone(database_url, blocked), "the killed load's backend gone")
        # Still holding the company's row, which any further attempt would wait for: the job gave up.
        done = wait_for_status(client, who, import_id, "failed", "succeeded")
    assert done["status"] == "failed", (done, worker.log())
    assert done["errors"][0]["message"] == INTERNAL_ERROR
    assert snapshot(database_url, who.company) == before
    wait_until_idle(worker.env)
    jobs = sql(database_url, "SELECT actor, status, attempts FROM jobs ORDER BY created_at")
    assert jobs == [("analyze_import", "succeeded", 1), ("analyze_import", "failed", ANALYZE_IMPORT.max_retries + 1)]
    assert "ChildProcessDied" in worker.log() and worker_children(worker) == []


def test_an_undo_whose_process_is_killed_on_every_attempt_leaves_the_import_loaded_and_undoable(
    client: httpx.Client, team: Team, worker: WorkerProcess, database_url: str
) -> None:
    """The undo's process dies on every attempt with the import's lines removed and not committed: once the job
    gives up, the import is `succeeded` again (not `reverting` for ever), says that its undo failed, and its lines
    are all in the figures; undone again, it goes."""
    who = importers(team)[0]
    import_id = imported(client, who, "template_en.csv", (FIXTURES / "template_en.csv").read_bytes())
    loaded = snapshot(database_url, who.company)
    killed: psutil.Process | None = None
    with company_row_locked(database_url, who.company) as holder:
        response = client.delete(f"{C}/{who.company}/imports/{import_id}", headers=who.person.headers)
        assert response.status_code == 202, response.text
        for _ in range(REVERT_IMPORT.max_retries + 1):
            [blocked] = waiting_behind(database_url, holder, 1, "%data_version = data_version + 1%")
            killed = the_job_process(worker, other_than=killed)
            killed.kill()
            killed.wait(WAIT_S)
            wait_until(backend_gone(database_url, blocked), "the killed undo's backend gone")
        done = wait_for_status(client, who, import_id, "succeeded", "reverted")
    assert done["status"] == "succeeded" and done["progress"]["phase"] == UNDO_FAILED_PHASE, (done, worker.log())
    assert done["summary"]["lines_loaded"] == 26
    assert snapshot(database_url, who.company) == loaded
    response = client.delete(f"{C}/{who.company}/imports/{import_id}", headers=who.person.headers)
    assert response.status_code == 202, response.text
    assert wait_for_status(client, who, import_id, "reverted")["status"] == "reverted"
    assert lines_count(database_url, who.company) == 0


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


def test_a_demo_fill_killed_on_every_attempt_leaves_one_failed_import_and_no_lines(
    client: httpx.Client, team: Team, worker_env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    """Each retry of the fill goes on with the import its first attempt stored (not a new one beside it, the first
    left `analyzing` for ever), and once the job gives up that import ends `failed`."""
    ana = team.people["viewer"]
    created = client.post(f"{C}/demo", params={"lines": 1_000}, headers=ana.headers)
    assert created.status_code == 201, created.text
    demo = uuid.UUID(created.json()["id"])
    worker = WorkerProcess(worker_env, tmp_path / "worker.log").start()
    killed: psutil.Process | None = None
    try:
        with company_row_locked(database_url, demo) as holder:
            for _ in range(FILL_DEMO_COMPANY.max_retries + 1):
                [blocked] = waiting_behind(database_url, holder, 1, "%data_version = data_version + 1%")
                killed = the_job_process(worker, other_than=killed)
                killed.kill()
                killed.wait(WAIT_S)
                wait_until(backend_gone(database_url, blocked), "the killed fill's backend gone")
            wait_until(lambda: demo_imports(database_url, demo) == [("failed", INTERNAL_ERROR)], "the import failed")
        wait_until_idle(worker.env)
    finally:
        worker.stop()
    assert demo_imports(database_url, demo) == [("failed", INTERNAL_ERROR)]
    assert lines_count(database_url, demo) == 0
    [(status, attempts)] = sql(database_url, "SELECT status, attempts FROM jobs WHERE actor = 'fill_demo_company'")
    assert (status, attempts) == ("failed", FILL_DEMO_COMPANY.max_retries + 1)


def demo_imports(database_url: str, company: uuid.UUID) -> list[tuple[str, str | None]]:
    """Each import of the company: its status, and its first error's message."""
    rows = sql(database_url, "SELECT status, errors FROM imports WHERE company_id = %s", (company,))
    return [(status, errors[0]["message"] if errors else None) for status, errors in rows]


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
