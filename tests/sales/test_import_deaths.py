"""Imports whose process dies, with real worker processes (tests/sales/import_jobs.py): a worker killed in the middle
of a load, a job's process killed once or on every attempt (an import, an undo, the demo company's fill). Nothing of
a dead load stays; a retry does it all; a job that gives up leaves its import in a status that says so, never one
that waits for ever. Held where they need it with the locks the load itself takes, seen in pg_stat_activity."""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ayni.sales.actors import ANALYZE_IMPORT, FILL_DEMO_COMPANY, REVERT_IMPORT
from ayni.sales.failures import UNDO_FAILED_PHASE
from ayni.sales.jobs import INTERNAL_ERROR
from tests.accounts import sql
from tests.companies.conftest import C, Team
from tests.sales.import_jobs import (
    FIXTURES,
    REDELIVERY_AFTER_MS,
    WAIT_S,
    company_lock_held,
    company_row_locked,
    demo_file,
    demo_imports,
    imported,
    importers,
    kill_every_attempt,
    lines_count,
    one_branch,
    record_of,
    snapshot,
    submit,
    template_days,
    the_job_process,
    upload,
    wait_for_status,
    wait_until,
    waiting_behind,
)
from tests.workers import WorkerProcess, WorkerTimeouts, wait_until_idle, worker_children

# A killed attempt's retry a tenth of a second after it, not Dramatiq's one to two seconds, doubled at each retry
# (ActorSpec.min_backoff_ms): what happens between the attempts is the same.
QUICK_RETRIES = WorkerTimeouts(min_backoff_ms=100)


@pytest.fixture
def worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[WorkerProcess]:
    """tests/conftest.py's worker, retrying quickly."""
    process = WorkerProcess(worker_env, tmp_path / "worker.log", QUICK_RETRIES).start()
    try:
        yield process
    finally:
        process.stop()


# A worker killed during the load

# A file of several batches (ayni.sales.sources.BATCH_BYTES: some 16,000 of the demo file's lines).
BIG_LINES = 40_000


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
    earlier, big = one_branch(demo_file(tmp_path, 2_000), "Concepción"), demo_file(tmp_path, BIG_LINES)
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
        assert done["summary"]["lines_loaded"] == BIG_LINES
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


def test_an_import_whose_process_is_killed_on_every_attempt_ends_failed_and_changes_nothing(
    client: httpx.Client, team: Team, worker: WorkerProcess, database_url: str
) -> None:
    """As a file too large for the machine's memory would have it: the kernel kills the import's process on every
    attempt, in the load's last statement, with everything written and not committed. No process is left to fail the
    import: once the job's retries run out the worker does, and the company's figures are those of before."""
    who = importers(team)[0]
    imported(client, who, "october_1.csv", template_days(1, 20))
    before = snapshot(database_url, who.company)
    with company_row_locked(database_url, who.company) as holder:
        import_id = upload(client, who, "template_en.csv", (FIXTURES / "template_en.csv").read_bytes(), start="auto")
        kill_every_attempt(database_url, holder, worker, ANALYZE_IMPORT.max_retries + 1)
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
    with company_row_locked(database_url, who.company) as holder:
        response = client.delete(f"{C}/{who.company}/imports/{import_id}", headers=who.person.headers)
        assert response.status_code == 202, response.text
        kill_every_attempt(database_url, holder, worker, REVERT_IMPORT.max_retries + 1)
        done = wait_for_status(client, who, import_id, "succeeded", "reverted")
    assert done["status"] == "succeeded" and done["progress"]["phase"] == UNDO_FAILED_PHASE, (done, worker.log())
    assert done["summary"]["lines_loaded"] == 26
    assert snapshot(database_url, who.company) == loaded
    response = client.delete(f"{C}/{who.company}/imports/{import_id}", headers=who.person.headers)
    assert response.status_code == 202, response.text
    assert wait_for_status(client, who, import_id, "reverted")["status"] == "reverted"
    assert lines_count(database_url, who.company) == 0


def test_a_demo_fill_killed_on_every_attempt_leaves_one_failed_import_and_no_lines(
    client: httpx.Client, team: Team, worker_env: dict[str, str], database_url: str, tmp_path: Path
) -> None:
    """Each retry of the fill goes on with the import its first attempt stored (not a new one beside it, the first
    left `analyzing` for ever), and once the job gives up that import ends `failed`."""
    ana = team.people["viewer"]
    created = client.post(f"{C}/demo", params={"lines": 1_000}, headers=ana.headers)
    assert created.status_code == 201, created.text
    demo = uuid.UUID(created.json()["id"])
    worker = WorkerProcess(worker_env, tmp_path / "worker.log", QUICK_RETRIES).start()
    try:
        with company_row_locked(database_url, demo) as holder:
            kill_every_attempt(database_url, holder, worker, FILL_DEMO_COMPANY.max_retries + 1)
            wait_until(lambda: demo_imports(database_url, demo) == [("failed", INTERNAL_ERROR)], "the import failed")
        wait_until_idle(worker.env)
    finally:
        worker.stop()
    assert demo_imports(database_url, demo) == [("failed", INTERNAL_ERROR)]
    assert lines_count(database_url, demo) == 0
    [(status, attempts)] = sql(database_url, "SELECT status, attempts FROM jobs WHERE actor = 'fill_demo_company'")
    assert (status, attempts) == ("failed", FILL_DEMO_COMPANY.max_retries + 1)
