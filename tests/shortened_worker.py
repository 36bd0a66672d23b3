"""`ayni worker` with shorter timeouts, run by WorkerProcess(..., timeouts=WorkerTimeouts(...)) for the tests whose
point is to outlast one of them or to wait one out: seconds instead of half a minute, the same code otherwise.

    python -m tests.shortened_worker STATEMENT_TIMEOUT_S HEARTBEAT_TIMEOUT_MS [MIN_BACKOFF_MS]
    python -m tests.shortened_worker --job-process STATEMENT_TIMEOUT_S PARENT_PID   (started by that worker)

They are module values of ayni, read when the worker makes its pool and its broker, so they are set in the
worker's own process before `ayni worker` runs:
- ayni.db.STATEMENT_TIMEOUT_S: the pool's statement timeout, and the default of ayni.db.connect's (a connection
  outside the pool), which is the constant's value when ayni.db was imported and so is set with it;
- ayni.jobs.broker.HEARTBEAT_TIMEOUT_MS: how long a worker may be silent before Dramatiq redelivers its messages;
- with MIN_BACKOFF_MS, each actor's min_backoff_ms (ayni.jobs.catalog.ActorSpec), Dramatiq's wait before a failed
  job's retry (the n-th retry waits one to two times 2^(n-1) of it), as ayni.jobs.broker.declare_actor declares it.
Each is read before it is set: a renamed constant stops the worker at its start instead of leaving the test on the
real value. The jobs that run in a process of their own (ayni.jobs.isolated) get the same statement timeout: the
worker starts them through this module (ayni.jobs.isolated.CHILD_COMMAND), which sets it before ayni.jobs.child runs."""

import dataclasses
import sys
from typing import Any

from ayni import db
from ayni.cli import main
from ayni.jobs import broker, child, isolated
from ayni.jobs.catalog import ActorSpec


def shorten_statements(statement_timeout_s: float) -> None:
    if statement_timeout_s > db.STATEMENT_TIMEOUT_S:
        sys.exit("shortened_worker: the statement timeout given is longer than ayni's")
    if db.connect.__defaults__ != (db.STATEMENT_TIMEOUT_S,):
        sys.exit("shortened_worker: ayni.db.connect's default is no longer ayni.db.STATEMENT_TIMEOUT_S")
    db.STATEMENT_TIMEOUT_S = statement_timeout_s
    db.connect.__defaults__ = (statement_timeout_s,)


def shorten_backoffs(min_backoff_ms: int) -> None:
    if "min_backoff_ms" not in {field.name for field in dataclasses.fields(ActorSpec)}:
        sys.exit("shortened_worker: ayni.jobs.catalog.ActorSpec no longer has min_backoff_ms")
    declare_actor = broker.declare_actor

    def declare_shortened(actor_broker: Any, spec: ActorSpec, *args: Any, **kwargs: Any) -> Any:
        return declare_actor(actor_broker, dataclasses.replace(spec, min_backoff_ms=min_backoff_ms), *args, **kwargs)

    broker.declare_actor = declare_shortened


def main_with(statement_timeout_s: float, heartbeat_timeout_ms: int, min_backoff_ms: int | None = None) -> int:
    if heartbeat_timeout_ms > broker.HEARTBEAT_TIMEOUT_MS:
        sys.exit("shortened_worker: the heartbeat timeout given is longer than ayni's")
    if min_backoff_ms is not None:
        shorten_backoffs(min_backoff_ms)
    if (sys.executable, "-m", child.__name__) != isolated.CHILD_COMMAND:
        sys.exit("shortened_worker: ayni.jobs.isolated.CHILD_COMMAND no longer starts ayni.jobs.child")
    shorten_statements(statement_timeout_s)
    broker.HEARTBEAT_TIMEOUT_MS = heartbeat_timeout_ms
    isolated.CHILD_COMMAND = (sys.executable, "-m", "tests.shortened_worker", "--job-process", str(statement_timeout_s))
    return main(["worker"])


def job_process_with(statement_timeout_s: float, parent_pid: str) -> int:
    shorten_statements(statement_timeout_s)
    return child.main([parent_pid])


if __name__ == "__main__":
    if sys.argv[1] == "--job-process":
        sys.exit(job_process_with(float(sys.argv[2]), sys.argv[3]))
    sys.exit(main_with(float(sys.argv[1]), int(sys.argv[2]), *(int(ms) for ms in sys.argv[3:4])))
