"""`ayni worker` with shorter timeouts, run by WorkerProcess(..., timeouts=WorkerTimeouts(...)) for the tests whose
point is to outlast one of them or to wait one out: seconds instead of half a minute, the same code otherwise.

    python -m tests.shortened_worker STATEMENT_TIMEOUT_S HEARTBEAT_TIMEOUT_MS

Both are module constants of ayni, read when the worker makes its pool and its broker, so they are set in the
worker's own process before `ayni worker` runs:
- ayni.db.STATEMENT_TIMEOUT_S: the pool's statement timeout, and the default of ayni.db.connect's (a connection
  outside the pool), which is the constant's value when ayni.db was imported and so is set with it;
- ayni.jobs.broker.HEARTBEAT_TIMEOUT_MS: how long a worker may be silent before Dramatiq redelivers its messages.
Each is read before it is set: a renamed constant stops the worker at its start instead of leaving the test on the
real value."""

import sys

from ayni import db
from ayni.cli import main
from ayni.jobs import broker


def main_with(statement_timeout_s: float, heartbeat_timeout_ms: int) -> int:
    if statement_timeout_s > db.STATEMENT_TIMEOUT_S or heartbeat_timeout_ms > broker.HEARTBEAT_TIMEOUT_MS:
        sys.exit("shortened_worker: the timeouts given are longer than ayni's")
    if db.connect.__defaults__ != (db.STATEMENT_TIMEOUT_S,):
        sys.exit("shortened_worker: ayni.db.connect's default is no longer ayni.db.STATEMENT_TIMEOUT_S")
    db.STATEMENT_TIMEOUT_S = statement_timeout_s
    db.connect.__defaults__ = (statement_timeout_s,)
    broker.HEARTBEAT_TIMEOUT_MS = heartbeat_timeout_ms
    return main(["worker"])


if __name__ == "__main__":
    sys.exit(main_with(float(sys.argv[1]), int(sys.argv[2])))
