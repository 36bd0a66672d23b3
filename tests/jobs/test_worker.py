"""The worker as a real process on real Redis and PostgreSQL: round trip, retries, crashes, restarts."""

from __future__ import annotations

import signal
import time
import uuid
from pathlib import Path

import psycopg
import redis

from ayni import migrations
from ayni.actors import CATALOG
from ayni.config import load_settings
from ayni.jobs.broker import job_message, make_broker
from ayni.jobs.heartbeat import HEARTBEAT_PREFIX
from tests.servers import scratch_database, start_redis
from tests.workers import WorkerProcess, WorkerTimeouts, job_row, submit_job, wait_for_status


def test_ping_round_trip(worker: WorkerProcess, worker_env: dict[str, str]) -> None:
    job_id = submit_job(worker_env, "ping", {"sleep_ms": 50})
    row = wait_for_status(worker_env, job_id, {"succeeded", "failed", "dead"})
    assert row["status"] == "succeeded"
    assert row["result"] == {"pong": True, "slept_ms": 50}
    assert row["attempts"] == 1 and row["progress"] == 1
    assert row["started_at"] <= row["finished_at"]
    assert row["outbox_kwargs"] is None


def test_failing_job_is_retried_then_failed_with_a_summary(worker: WorkerProcess, worker_env: dict[str, str]) -> None:
    job_id = submit_job(worker_env, "ping", {"fail": True})
    row = wait_for_status(worker_env, job_id, {"failed", "dead", "succeeded"}, timeout=90)
    assert row["status"] == "failed"
    assert row["attempts"] == 4  # the first attempt and 3 retries
    assert row["error"] == "PingFailed: ping was asked to fail"
    assert "Traceback" not in row["error"]


def test_a_message_for_a_finished_or_missing_job_is_not_run(worker: WorkerProcess, worker_env: dict[str, str]) -> None:
    job_id = submit_job(worker_env, "ping", {})
    wait_for_status(worker_env, job_id, {"succeeded"})
    # The same message delivered again (at-least-once delivery): the job is not run a second time.
    broker = make_broker(load_settings(worker_env), CATALOG.actors)
    broker.enqueue(job_message("ping", "default", job_id, {"sleep_ms": 0}))
    broker.enqueue(job_message("ping", "default", uuid.uuid4(), {"sleep_ms": 0}))
    broker.join("default", timeout=20_000)
    broker.close()
    time.sleep(0.5)
    row = job_row(worker_env, job_id)
    assert row is not None and row["status"] == "succeeded" and row["attempts"] == 1
    with psycopg.connect(worker_env["DATABASE_URL"]) as conn:
        count = conn.execute("SELECT count(*) FROM jobs").fetchone()
    assert count is not None and count[0] == 1


def test_sigterm_lets_the_running_job_finish(worker: WorkerProcess, worker_env: dict[str, str]) -> None:
    job_id = submit_job(worker_env, "ping", {"sleep_ms": 1500})
    wait_for_status(worker_env, job_id, {"running"})
    assert worker.stop() == 0
    row = job_row(worker_env, job_id)
    assert row is not None and row["status"] == "succeeded"


def test_heartbeat_appears_and_goes_with_the_worker(worker_env: dict[str, str], tmp_path: Path) -> None:
    client = redis.Redis.from_url(worker_env["REDIS_URL"])
    process = WorkerProcess(worker_env, tmp_path / "w.log").start()
    assert process.process is not None
    pid = process.process.pid
    keys = [k.decode() for k in client.scan_iter(f"{HEARTBEAT_PREFIX}*")]
    assert any(k.endswith(f":{pid}") for k in keys)
    assert process.stop() == 0
    assert not list(client.scan_iter(f"{HEARTBEAT_PREFIX}*")), "a graceful stop removes the heartbeat"
    client.close()


def test_sigkill_mid_job_then_restart_completes_the_job_once(worker_env: dict[str, str], tmp_path: Path) -> None:
    client = redis.Redis.from_url(worker_env["REDIS_URL"])
    first = WorkerProcess(worker_env, tmp_path / "first.log").start()
    job_id = submit_job(worker_env, "ping", {"sleep_ms": 3000})
    wait_for_status(worker_env, job_id, {"running"})
    first.signal(signal.SIGKILL)
    assert first.process is not None
    first.process.wait()
    killed_at = time.monotonic()
    # It takes the killed worker for dead after 5 s of silence rather than 15 (tests/shortened_worker.py): the only
    # other worker is the killed one.
    second = WorkerProcess(worker_env, tmp_path / "second.log", WorkerTimeouts(heartbeat_ms=5_000)).start()
    try:
        row = wait_for_status(worker_env, job_id, {"succeeded", "failed", "dead"}, timeout=90)
        redelivered_after = time.monotonic() - killed_at
        print(f"SIGKILL to completion of the redelivered job: {redelivered_after:.1f} s")
        assert row["status"] == "succeeded"
        assert row["attempts"] == 2  # the killed attempt and the redelivery
        # The dead worker's heartbeat expires by itself (TTL 15 s).
        deadline = time.monotonic() + 30
        stale = f":{first.process.pid}"
        while any(k.decode().endswith(stale) for k in client.scan_iter(f"{HEARTBEAT_PREFIX}*")):
            assert time.monotonic() < deadline, "the killed worker's heartbeat outlived 30 s"
            time.sleep(0.5)
    finally:
        second.stop()
        client.close()


def test_worker_survives_a_redis_restart(postgres_server_url: str, tmp_path: Path) -> None:
    from tests.conftest import make_env

    server = start_redis()
    with scratch_database(postgres_server_url, "ayni_jobs") as db_url:
        migrations.apply(db_url)
        import os

        env = {**os.environ, **make_env(db_url, server.url, WORKER_THREADS="1")}
        worker = WorkerProcess(env, tmp_path / "w.log").start()
        try:
            first = submit_job(env, "ping", {})
            assert wait_for_status(env, first, {"succeeded"})["status"] == "succeeded"
            server.stop()
            time.sleep(2)
            assert worker.process is not None and worker.process.poll() is None, "the worker died with Redis"
            server.start()
            second = submit_job(env, "ping", {})
            assert wait_for_status(env, second, {"succeeded"}, timeout=60)["status"] == "succeeded"
        finally:
            worker.stop()
            server.stop()


def test_a_database_outage_mid_job_loses_neither_the_job_nor_its_outcome(
    redis_url: str, tmp_path: Path, clean_state: None
) -> None:
    """PostgreSQL goes away while a job runs and comes back 8 s later: the worker waits for it to record the
    outcome, instead of leaving the row `running` or spending the job's retries on the outage."""
    import os

    from tests.conftest import make_env
    from tests.servers import start_postgres

    postgres = start_postgres()
    try:
        migrations.apply(postgres.url)
        env = {**os.environ, **make_env(postgres.url, redis_url, WORKER_THREADS="1")}
        worker = WorkerProcess(env, tmp_path / "w.log").start()
        try:
            # The job outlives the time it takes to see it running and stop PostgreSQL (seconds on a loaded
            # machine), and the outage outlives the job, so its outcome is recorded into the outage.
            job_id = submit_job(env, "ping", {"sleep_ms": 6000})
            wait_for_status(env, job_id, {"running"})
            postgres.stop()
            time.sleep(8)
            postgres.start()  # same data, same port
            row = wait_for_status(env, job_id, {"succeeded", "failed", "dead"}, timeout=60)
            assert row["status"] == "succeeded", worker.log()
            assert row["attempts"] == 1
            # The whole log: the outbox sweep's tracebacks of the outage may fill the tail log() shows.
            assert "database unavailable" in worker.log_path.read_text(errors="replace")
        finally:
            worker.stop()
    finally:
        postgres.stop()


def test_several_worker_processes_each_beat_and_stop_together(worker_env: dict[str, str], tmp_path: Path) -> None:
    import psutil

    env = {**worker_env, "WORKER_PROCESSES": "2", "WORKER_THREADS": "1"}
    process = WorkerProcess(env, tmp_path / "w.log").start(wait=False)
    assert process.process is not None
    client = redis.Redis.from_url(worker_env["REDIS_URL"])
    try:
        deadline = time.monotonic() + 60
        while len(list(client.scan_iter(f"{HEARTBEAT_PREFIX}*"))) < 2:
            assert time.monotonic() < deadline, f"two heartbeats expected:\n{process.log()}"
            assert process.process.poll() is None, process.log()
            time.sleep(0.1)
        children = psutil.Process(process.process.pid).children()
        job_ids = [submit_job(worker_env, "ping", {"sleep_ms": 10}) for _ in range(6)]
        for job_id in job_ids:
            assert wait_for_status(worker_env, job_id, {"succeeded"})["status"] == "succeeded"
    finally:
        assert process.stop() == 0
    psutil.wait_procs(children, timeout=10)
    assert not any(c.is_running() for c in children)
    assert not list(client.scan_iter(f"{HEARTBEAT_PREFIX}*"))
    client.close()
