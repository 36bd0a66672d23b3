"""Jobs in a process of their own (`ayni.jobs.isolated`): the conversation with the child, property-tested, then
real child processes started from the test, on the test database: the answer, the errors, a child that dies, a
cancelled job and a dead parent. (Through a real worker: tests/sales/test_import_jobs.py, test_import_deaths.py.)"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ayni.config import Settings, load_settings
from ayni.db import UNAVAILABLE_ERRORS, make_database
from ayni.embedded import free_port
from ayni.jobs.catalog import job_context
from ayni.jobs.isolated import (
    ChildJobFailed,
    ChildJobUnavailable,
    ChildProcessDied,
    InChildProcess,
    JobRequest,
    Outcome,
    decode_outcome,
    decode_request,
    describe_exit,
    encode_outcome,
    encode_request,
    result_of,
)
from tests.workers import ROOT

# The conversation, pure

BASE_SETTINGS = load_settings(
    {"DATABASE_URL": "postgresql://u@127.0.0.1/d", "REDIS_URL": "redis://127.0.0.1", "JWT_SECRET": "s" * 64}
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)
settings = st.builds(
    lambda url, secret, previous, origins, timeout, threads: dataclasses.replace(
        BASE_SETTINGS,
        database_url=url,
        jwt_secret=secret,
        jwt_secret_previous=previous,
        backend_cors_origins=tuple(origins),
        health_check_timeout=timeout,
        worker_threads=threads,
    ),
    st.text(),
    st.text(),
    st.none() | st.text(),
    st.lists(st.text(), max_size=3),
    st.floats(0.1, 60),
    st.integers(1, 64),
)
requests = st.builds(
    JobRequest,
    function=st.text(),
    kwargs=st.dictionaries(st.text(), json_values, max_size=5),
    job_id=st.none() | st.uuids(),
    settings=settings,
)
outcomes = st.builds(Outcome, st.sampled_from(["result", "failed", "unavailable"]), json_values)


@given(requests)
def test_a_request_reaches_the_child_as_it_was_sent(request: JobRequest) -> None:
    assert decode_request(encode_request(request)) == request


@given(outcomes)
def test_an_outcome_is_one_line_and_comes_back_as_it_was(outcome: Outcome) -> None:
    encoded = encode_outcome(outcome)
    assert encoded.endswith(b"\n") and encoded.count(b"\n") == 1
    assert decode_outcome(encoded) == outcome


@given(outcomes, st.data())
def test_an_outcome_cut_short_is_no_outcome(outcome: Outcome, data: st.DataObject) -> None:
    """A child killed while it writes leaves part of its line: never taken for an answer."""
    encoded = encode_outcome(outcome)
    cut = data.draw(st.integers(0, len(encoded) - 1))
    assert decode_outcome(encoded[:cut]) is None


@given(st.binary())
def test_any_bytes_decode_to_an_outcome_or_none(data: bytes) -> None:
    decoded = decode_outcome(data)
    assert decoded is None or decoded.kind in ("result", "failed", "unavailable")


def test_each_outcome_becomes_the_result_or_the_parents_exception() -> None:
    assert result_of("m:f", encode_outcome(Outcome("result", {"a": [1]})), 0) == {"a": [1]}
    with pytest.raises(ChildJobFailed, match=r"^ValueError: no$"):
        result_of("m:f", encode_outcome(Outcome("failed", "ValueError: no")), 0)
    with pytest.raises(ChildJobUnavailable) as outage:
        result_of("m:f", encode_outcome(Outcome("unavailable", "ConnectionRefusedError: refused")), 0)
    assert isinstance(outage.value, UNAVAILABLE_ERRORS)  # retried as an outage, as in the worker's own process
    with pytest.raises(ChildProcessDied, match="m:f was killed by SIGKILL"):
        result_of("m:f", b'{"kind": "res', -signal.SIGKILL)
    # An answer given counts, even when the child then ends badly.
    assert result_of("m:f", encode_outcome(Outcome("result", 1)), 1) == 1


def test_an_exit_is_described_by_its_status_or_its_signal() -> None:
    assert describe_exit(3) == "exited with status 3"
    assert describe_exit(0) == "exited with status 0"
    assert describe_exit(-signal.SIGKILL).startswith("was killed by SIGKILL (out of memory")
    assert describe_exit(-signal.SIGSEGV) == "was killed by SIGSEGV"


# Real child processes

JOBS = "tests.jobs.child_jobs"


@pytest.fixture
def in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """The child finds `tests.jobs.child_jobs` from its working directory, inherited from the test."""
    monkeypatch.chdir(ROOT)


def run_job(settings: Settings, path: str, job_id: uuid.UUID | None = None, **kwargs: Any) -> Any:
    async def run() -> Any:
        db = make_database(settings)
        await db.connect()
        try:
            return await InChildProcess(path)(job_context(settings, db, job_id), **kwargs)
        finally:
            await db.disconnect()

    return asyncio.run(run())


def running_job(database_url: str) -> uuid.UUID:
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute("INSERT INTO jobs (actor, status) VALUES ('test', 'running') RETURNING id").fetchone()
    assert row is not None
    job_id: uuid.UUID = row[0]
    return job_id


def is_gone(pid: int) -> bool:
    """Ended: no such process, or a zombie (ended, and its new parent has not reaped it yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not {what} after {timeout} s"
        time.sleep(0.05)


@pytest.mark.usefixtures("in_repository", "clean_state")
def test_a_job_runs_in_a_process_of_its_own_and_its_answer_and_progress_reach_the_parent(
    app_settings: Settings, database_url: str, capfd: pytest.CaptureFixture[str]
) -> None:
    job_id = running_job(database_url)
    kwargs = {"text": "línea\nsegunda \u2028", "n": [1, 2.5, None, True]}
    answer = run_job(dataclasses.replace(app_settings, log_level="info"), f"{JOBS}:echo", job_id, **kwargs)
    assert answer["kwargs"] == kwargs and answer["job_id"] == str(job_id)
    assert answer["pid"] != os.getpid()
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT progress FROM jobs WHERE id = %s", (job_id,)).fetchone() == (0.5,)
    log = capfd.readouterr().err  # the child's stderr is the parent's: its log, without a line about its own pool
    assert "a stray line on stdout" in log and "database" not in log, log


@pytest.mark.usefixtures("in_repository")
def test_the_jobs_error_is_raised_with_its_message_and_its_traceback_goes_to_the_log(
    app_settings: Settings, capfd: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ChildJobFailed) as failed:
        run_job(app_settings, f"{JOBS}:fail", message="the file is not a spreadsheet\nsecond line")
    assert str(failed.value).startswith("ValueError: the file is not a spreadsheet")
    assert "Traceback" not in str(failed.value)
    log = capfd.readouterr().err  # the child's stderr is the parent's
    assert "Traceback" in log and "job None (tests.jobs.child_jobs:fail) failed" in log
    with pytest.raises(ChildJobFailed, match="ModuleNotFoundError"):
        run_job(app_settings, "tests.jobs.no_such_module:fail")


@pytest.mark.usefixtures("in_repository")
def test_an_outage_in_the_child_is_an_outage_in_the_parent(
    make_settings: Callable[..., Settings],
) -> None:
    nowhere = make_settings(DATABASE_URL=f"postgresql://ayni@127.0.0.1:{free_port()}/ayni")
    with pytest.raises(ChildJobUnavailable) as outage:
        run_job(nowhere, f"{JOBS}:query")
    assert isinstance(outage.value, UNAVAILABLE_ERRORS)


@pytest.mark.usefixtures("in_repository")
def test_a_child_that_dies_without_answering_is_an_error(app_settings: Settings) -> None:
    with pytest.raises(ChildProcessDied, match="exited with status 7"):
        run_job(app_settings, f"{JOBS}:exit_now", status=7)
    with pytest.raises(ChildProcessDied, match="was killed by SIGKILL"):
        run_job(app_settings, f"{JOBS}:kill_self")


@pytest.mark.usefixtures("in_repository")
def test_a_cancelled_job_kills_its_child(app_settings: Settings, tmp_path: Path) -> None:
    """As the job's time limit and the worker's shutdown do: Dramatiq cancels the job's coroutine."""
    pid_file = tmp_path / "pid"

    async def cancelled() -> float:
        db = make_database(app_settings)
        job = asyncio.create_task(
            InChildProcess(f"{JOBS}:sleep")(job_context(app_settings, db, None), pid_file=str(pid_file))
        )
        await asyncio.to_thread(wait_for, lambda: pid_file.exists() and bool(pid_file.read_text()), "started")
        started = time.monotonic()
        job.cancel()
        with pytest.raises(asyncio.CancelledError):
            await job
        return time.monotonic() - started

    seconds = asyncio.run(cancelled())
    assert seconds < 1.0  # Dramatiq waits 1 s for a cancelled job's coroutine to end
    assert is_gone(int(pid_file.read_text()))


@pytest.mark.usefixtures("in_repository")
def test_a_child_dies_with_its_parent(
    app_settings: Settings, database_url: str, redis_url: str, tmp_path: Path
) -> None:
    """A worker SIGKILLed (no chance to kill its children) takes its job's process along (PR_SET_PDEATHSIG)."""
    pid_file = tmp_path / "pid"
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "JWT_SECRET": "s" * 64}
    parent = subprocess.Popen([sys.executable, "-m", JOBS, str(pid_file)], env=env, cwd=ROOT)
    try:
        wait_for(lambda: pid_file.exists() and bool(pid_file.read_text()), "started")
        child = int(pid_file.read_text())
        assert not is_gone(child)
        parent.kill()
        parent.wait()
        wait_for(lambda: is_gone(child), "the child gone with its parent", timeout=5)
    finally:
        parent.kill()
        parent.wait()
