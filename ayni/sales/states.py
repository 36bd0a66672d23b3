"""The life of an import (DESIGN.md "Sales imports"), as data: which event moves it from which statuses to which.

analyzing --analyzed--> ready --start--> importing --succeed--> succeeded --undo--> reverting --reverted--> reverted
analyzing --auto_start--> importing          (start=auto and nothing for the user to decide)
analyzing, importing --fail--> failed        (nothing of the import is in the figures)
reverting --undo_failed--> succeeded         (the undo's job gave up: every line of the import is still there)
ready, failed --discard--> reverted          (undo of an import that loaded nothing)
"""

from __future__ import annotations

from enum import StrEnum

from ayni.sales.schemas import ImportStatus


class Event(StrEnum):
    ANALYZED = "analyzed"
    AUTO_START = "auto_start"
    START = "start"
    SUCCEED = "succeed"
    FAIL = "fail"
    UNDO = "undo"
    UNDO_FAILED = "undo_failed"
    REVERTED = "reverted"
    DISCARD = "discard"


TRANSITIONS: dict[Event, tuple[tuple[ImportStatus, ...], ImportStatus]] = {
    Event.ANALYZED: (("analyzing",), "ready"),
    Event.AUTO_START: (("analyzing",), "importing"),
    Event.START: (("ready",), "importing"),
    Event.SUCCEED: (("importing",), "succeeded"),
    Event.FAIL: (("analyzing", "importing"), "failed"),
    Event.UNDO: (("succeeded",), "reverting"),
    Event.UNDO_FAILED: (("reverting",), "succeeded"),
    Event.REVERTED: (("reverting",), "reverted"),
    Event.DISCARD: (("ready", "failed"), "reverted"),
}


def sources_of(event: Event) -> tuple[ImportStatus, ...]:
    return TRANSITIONS[event][0]


def target_of(event: Event) -> ImportStatus:
    return TRANSITIONS[event][1]


def allowed(status: ImportStatus, event: Event) -> bool:
    return status in sources_of(event)
