"""The job state machine, as a pure table: which event moves a job from which status to which.

The SQL that records transitions takes its allowed source statuses from here, so the table is the
single rule both for the code and for the property tests.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    DEAD = "dead"


class Event(StrEnum):
    START = "start"  # a worker takes the message (again, after a crash: running -> running)
    SUCCEED = "succeed"
    RETRY = "retry"  # the attempt failed, another is scheduled
    FAIL = "fail"  # the attempt failed and no retry is left
    KILL = "kill"  # dead-lettered without a final attempt (age limit, actor gone)


TRANSITIONS: dict[Event, tuple[frozenset[Status], Status]] = {
    Event.START: (frozenset({Status.PENDING, Status.RUNNING}), Status.RUNNING),
    Event.SUCCEED: (frozenset({Status.RUNNING}), Status.SUCCEEDED),
    Event.RETRY: (frozenset({Status.RUNNING}), Status.PENDING),
    Event.FAIL: (frozenset({Status.RUNNING}), Status.FAILED),
    Event.KILL: (frozenset({Status.PENDING, Status.RUNNING}), Status.DEAD),
}


def sources(event: Event) -> frozenset[Status]:
    return TRANSITIONS[event][0]
