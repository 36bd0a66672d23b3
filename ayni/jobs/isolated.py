"""Jobs that run in a process of their own: `InChildProcess("package.module:function")` is an actor's `fn` that
starts a fresh Python (`ayni.jobs.child`) for each run, hands it the job, and waits for its outcome.

A job on a heavy library (the sales import's engine and its buffers) would otherwise leave the worker holding that
library and much of the job's memory for the rest of its life: the child takes them and gives every byte back when
it ends. The worker never imports the job's module, and neither does the API, which declares the actor by name.

The child is started with `exec`, never forked (the worker has threads and an event loop), in a process group of its
own, and dies with the job: cancelled (the job's time limit, the worker's shutdown) the parent kills it; a worker
that dies takes it along (the child asks the kernel for SIGKILL when its parent goes, PR_SET_PDEATHSIG). A killed
child's transactions roll back, as PostgreSQL sees its connections drop.

The conversation (pure, below): the job goes over the child's stdin as one JSON document, settings included (they
hold secrets: never in argv, which any user of the machine may read); the outcome comes back as one JSON line on its
stdout, nothing else written there. The child's logs go to the worker's stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import signal
import sys
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from ayni.config import Settings
from ayni.jobs.catalog import JobContext

logger = logging.getLogger("ayni.jobs")

# What starts the child; the parent's pid is added (the child checks it still has that parent). A module constant,
# so a test's worker can start a child with the same shortened timeouts as its own (tests/shortened_worker.py).
CHILD_COMMAND: tuple[str, ...] = (sys.executable, "-m", "ayni.jobs.child")
# The jobs' engine, polars, allocates with jemalloc, which by default keeps what a process frees for 10 s: a job that
# frees one batch of a file after another held the peaks of many. Purged from a background thread after 0.2 s, the
# demo's million-line import peaked at ~330-355 MiB instead of ~440, no slower (bench/README "Session 9"); purged at
# once, 35 % slower. A setting of the operator's own wins.
CHILD_ALLOCATOR = {"_RJEM_MALLOC_CONF": "background_thread:true,dirty_decay_ms:200,muzzy_decay_ms:0"}
# The longest error message a child sends back (the job row keeps the first line of it, at most 300 characters).
MAX_MESSAGE = 2_000

OutcomeKind = Literal["result", "failed", "unavailable"]
_KINDS: tuple[OutcomeKind, ...] = ("result", "failed", "unavailable")


class ChildJobFailed(RuntimeError):
    """The job raised in its process; the message is the child's ("KindOfError: what it said"), its traceback is
    in the child's log."""


class ChildJobUnavailable(ConnectionError):
    """The job lost PostgreSQL or Redis in its process: an outage (one of `ayni.db.UNAVAILABLE_ERRORS`, a
    ConnectionError), retried as one."""


class ChildProcessDied(RuntimeError):
    """The job's process ended without an outcome: killed (out of memory, a signal) or crashed. Retried like any
    failed attempt."""


@dataclass(frozen=True)
class JobRequest:
    function: str  # "package.module:function"
    kwargs: dict[str, Any]
    job_id: UUID | None
    settings: Settings


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    value: Any  # the job's result (JSON), or its error as "KindOfError: what it said"


def encode_request(request: JobRequest) -> bytes:
    return json.dumps(
        {
            "function": request.function,
            "kwargs": request.kwargs,
            "job_id": str(request.job_id) if request.job_id is not None else None,
            "settings": dataclasses.asdict(request.settings),
        },
        ensure_ascii=True,
    ).encode()


def decode_request(data: bytes) -> JobRequest:
    raw = json.loads(data)
    # JSON has no tuples: a setting that is one (the CORS origins) comes back as a list.
    settings: dict[str, Any] = {
        name: tuple(value) if isinstance(value, list) else value for name, value in raw["settings"].items()
    }
    return JobRequest(
        function=raw["function"],
        kwargs=raw["kwargs"],
        job_id=UUID(raw["job_id"]) if raw["job_id"] is not None else None,
        settings=Settings(**settings),
    )


def encode_outcome(outcome: Outcome) -> bytes:
    """One line: JSON escapes every line break inside a value (ensure_ascii: U+2028 too). Raises TypeError when the
    result is not JSON, as the job row would."""
    return json.dumps({"kind": outcome.kind, "value": outcome.value}, ensure_ascii=True).encode() + b"\n"


def decode_outcome(data: bytes) -> Outcome | None:
    """The child's outcome; None unless `data` is exactly one complete outcome line (a child killed while writing
    leaves a line without its end)."""
    if not data.endswith(b"\n") or data.count(b"\n") != 1:
        return None
    try:
        raw = json.loads(data)
    except ValueError:
        return None
    if not isinstance(raw, dict) or set(raw) != {"kind", "value"} or raw["kind"] not in _KINDS:
        return None
    return Outcome(raw["kind"], raw["value"])


def describe_error(exc: BaseException) -> str:
    message = str(exc).strip()
    text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        why = " (out of memory, or stopped by someone)" if -returncode == signal.SIGKILL else ""
        return f"was killed by {name}{why}"
    return f"exited with status {returncode}"


def result_of(path: str, answer: bytes, returncode: int) -> Any:
    """The job's result, or its failure raised as the parent's exception. An outcome the child gave counts even if
    it then exited badly: the job's work was done (or not) before it answered."""
    outcome = decode_outcome(answer)
    if outcome is None:
        raise ChildProcessDied(f"the process of {path} {describe_exit(returncode)} before it gave the job's outcome")
    if outcome.kind == "failed":
        raise ChildJobFailed(str(outcome.value))
    if outcome.kind == "unavailable":
        raise ChildJobUnavailable(str(outcome.value))
    return outcome.value


@dataclass(frozen=True)
class InChildProcess:
    """The job function at `path` ("package.module:function", `async def f(ctx: JobContext, **kwargs)` returning
    JSON), run in a child process of its own. A plain object, so the catalog pickles to worker processes."""

    path: str

    async def __call__(self, ctx: JobContext, **kwargs: Any) -> Any:
        request = encode_request(JobRequest(self.path, kwargs, ctx.job_id, ctx.settings))
        # Started from the worker's event-loop thread, which lives as long as the worker: the kernel's
        # PR_SET_PDEATHSIG fires when the thread that started the child ends.
        process = await asyncio.create_subprocess_exec(
            *CHILD_COMMAND,
            str(os.getpid()),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=CHILD_ALLOCATOR | os.environ,
            start_new_session=True,  # a group to kill, out of reach of a terminal's Ctrl-C (the worker decides)
        )
        try:
            answer, _ = await process.communicate(request)
        except BaseException:
            # Cancelled (the job's time limit, the worker's shutdown): the child goes with the job.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
            logger.warning("job %s: its process (%s) was killed with the job", ctx.job_id, self.path)
            raise
        assert process.returncode is not None  # communicate() waits for the child's exit
        return result_of(self.path, answer, process.returncode)
