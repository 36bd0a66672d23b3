"""What the tests of imports run by real worker processes share (test_import_jobs.py, test_import_deaths.py): users
who import over HTTP, what the database holds read as its owner, and the locks a load takes, held and watched."""

from __future__ import annotations

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
import psutil
import psycopg

from ayni.sales.demo import write_demo_csv
from tests.accounts import sql
from tests.companies.conftest import C, Person, Team
from tests.workers import WorkerProcess, worker_children

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


def template_days(first: int, last: int) -> bytes:
    """The English template's lines of the October days first..last (its dates are MM/DD/YYYY)."""
    header, *lines = (FIXTURES / "template_en.csv").read_bytes().splitlines(keepends=True)
    return header + b"".join(line for line in lines if first <= int(line[3:5]) <= last)


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


def backend_gone(database_url: str, pid: int) -> Callable[[], bool]:
    return lambda: not sql(database_url, "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,))


def demo_imports(database_url: str, company: uuid.UUID) -> list[tuple[str, str | None]]:
    """Each import of the company: its status, and its first error's message."""
    rows = sql(database_url, "SELECT status, errors FROM imports WHERE company_id = %s", (company,))
    return [(status, errors[0]["message"] if errors else None) for status, errors in rows]


def kill_every_attempt(database_url: str, holder: psycopg.Connection, worker: WorkerProcess, attempts: int) -> None:
    """Kill the job's process `attempts` times, each attempt once it waits behind `holder` in the load's last
    statement (the bump of the company's data_version), everything else written; each time until its backend is
    gone (PostgreSQL finds the client gone and rolls its transaction back)."""
    killed: psutil.Process | None = None
    for _ in range(attempts):
        [blocked] = waiting_behind(database_url, holder, 1, "%data_version = data_version + 1%")
        killed = the_job_process(worker, other_than=killed)
        killed.kill()
        killed.wait(WAIT_S)
        wait_until(backend_gone(database_url, blocked), "the killed process's backend gone")
