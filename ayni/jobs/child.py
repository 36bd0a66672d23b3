"""The process one job runs in (`ayni.jobs.isolated.InChildProcess`):

    python -m ayni.jobs.child PARENT_PID    (the job on stdin; its outcome, one JSON line, on stdout)

It dies with its parent (PR_SET_PDEATHSIG), opens its own pool as the worker does, logs as the worker does (to the
stderr it shares with it), runs the job function once and answers. The job's own exceptions are answered, not
raised: an outage of PostgreSQL or Redis as "unavailable" (the parent retries it as an outage), anything else as
"failed" with its message, its traceback logged here.
"""

from __future__ import annotations

import asyncio
import ctypes
import importlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from ayni.db import UNAVAILABLE_ERRORS, make_database
from ayni.jobs.catalog import job_context
from ayni.jobs.isolated import JobRequest, Outcome, decode_request, describe_error, encode_outcome
from ayni.logs import configure_logging

logger = logging.getLogger("ayni.jobs")

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
EXIT_ORPHANED = 3


def die_with_parent(parent_pid: int) -> None:
    """SIGKILL from the kernel when the parent's thread that started this process ends (a worker SIGKILLed, or
    stopped with this job still running). Then, if the parent is already gone, nobody waits for the job: its
    message goes back to the queue, and this process ends before doing any of it."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:
        os._exit(EXIT_ORPHANED)


def job_function(path: str) -> Callable[..., Coroutine[Any, Any, Any]]:
    module_name, _, name = path.partition(":")
    function: Callable[..., Coroutine[Any, Any, Any]] = getattr(importlib.import_module(module_name), name)
    return function


async def run(request: JobRequest) -> bytes:
    """The encoded outcome of running the request's job on a pool of this process's own."""
    db = make_database(request.settings)
    await db.connect()  # min_size=0: connects to nothing yet
    try:
        function = job_function(request.function)
        result = await function(job_context(request.settings, db, request.job_id), **request.kwargs)
        return encode_outcome(Outcome("result", result))
    except UNAVAILABLE_ERRORS as exc:
        logger.warning("job %s (%s): database or Redis unavailable", request.job_id, request.function, exc_info=True)
        return encode_outcome(Outcome("unavailable", describe_error(exc)))
    except Exception as exc:
        logger.exception("job %s (%s) failed", request.job_id, request.function)
        return encode_outcome(Outcome("failed", describe_error(exc)))
    finally:
        try:
            await db.disconnect()
        except Exception:  # the outcome stands; the pool's connections end with this process anyway
            logger.warning("job %s: closing its pool failed", request.job_id, exc_info=True)


def main(argv: list[str]) -> int:
    die_with_parent(int(argv[0]))
    # Only the outcome goes to stdout: everything else written there (a library's print, C code included) is
    # sent to stderr, the log, from now on.
    answer = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    request = decode_request(sys.stdin.buffer.read())
    configure_logging(request.settings)
    # The job's pool is opened and closed with it: `databases` would log both, two lines per job in the worker's log.
    logging.getLogger("databases").setLevel(logging.WARNING)
    outcome = asyncio.run(run(request))
    answer.write(outcome)
    answer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
