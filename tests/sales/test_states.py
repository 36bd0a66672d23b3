"""The life of an import, as data (ayni/sales/states.py): every status is reachable from an upload, nothing leaves
`reverted`, and no walk of events ever moves a loaded import back to a state that would load it again."""

from __future__ import annotations

from typing import get_args

from hypothesis import given
from hypothesis import strategies as st

from ayni.sales.schemas import ImportStatus
from ayni.sales.states import TRANSITIONS, Event, allowed, target_of

STATUSES: tuple[ImportStatus, ...] = get_args(ImportStatus)


def reachable(start: ImportStatus) -> set[ImportStatus]:
    seen, todo = {start}, [start]
    while todo:
        status = todo.pop()
        for event in Event:
            if allowed(status, event) and target_of(event) not in seen:
                seen.add(target_of(event))
                todo.append(target_of(event))
    return seen


def test_every_status_is_reachable_from_an_upload_and_reverted_is_final() -> None:
    assert reachable("analyzing") == set(STATUSES)
    assert reachable("reverted") == {"reverted"}
    assert all(source in STATUSES for sources, _ in TRANSITIONS.values() for source in sources)


@given(st.lists(st.sampled_from(list(Event)), max_size=30))
def test_an_import_loads_at_most_once_whatever_the_events(events: list[Event]) -> None:
    """Redelivered or repeated messages apply only where their event is allowed; `importing` is entered once."""
    status: ImportStatus = "analyzing"
    entered_importing = 0
    for event in events:
        if allowed(status, event):
            status = target_of(event)
            entered_importing += status == "importing"
    assert entered_importing <= 1
    assert status in STATUSES
