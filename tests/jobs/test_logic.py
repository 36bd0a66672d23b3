"""Pure job logic, property-tested: the state machine, the retry schedule, error summaries."""

from __future__ import annotations

import string

from dramatiq.common import compute_backoff
from hypothesis import assume, given
from hypothesis import strategies as st

from ayni.jobs.actors import PING
from ayni.jobs.broker import DEFAULT_MAX_BACKOFF_MS, DEFAULT_MIN_BACKOFF_MS
from ayni.jobs.redaction import MAX_SUMMARY, error_summary, redact
from ayni.jobs.states import TRANSITIONS, Event, Status, sources

statuses = st.sampled_from(list(Status))
events = st.sampled_from(list(Event))
FINAL = frozenset({Status.SUCCEEDED, Status.FAILED, Status.DEAD})


def apply(current: Status, event: Event) -> Status | None:
    """What the SQL does with the table: the event's target if `current` is one of its sources, else nothing."""
    return TRANSITIONS[event][1] if current in sources(event) else None


@given(st.lists(events, max_size=30), statuses)
def test_a_final_job_never_runs_again(history: list[Event], start: Status) -> None:
    """Whatever events arrive, in whatever order, a job that reached a final status stays there."""
    current = start
    final_seen = current in FINAL
    for event in history:
        moved = apply(current, event)
        if moved is None:
            continue
        current = moved
        if final_seen:
            raise AssertionError(f"{event} moved a final job to {current}")
        final_seen = current in FINAL


def test_no_event_has_a_final_status_among_its_sources() -> None:
    for event in Event:
        assert not sources(event) & FINAL, event


def test_every_status_but_final_ones_can_finish() -> None:
    for status in set(Status) - FINAL:
        assert any(status in sources(e) and TRANSITIONS[e][1] in FINAL for e in Event)


@given(st.integers(min_value=0, max_value=40))
def test_backoff_stays_within_the_configured_bounds(retries: int) -> None:
    for min_ms, max_ms in (
        (DEFAULT_MIN_BACKOFF_MS, DEFAULT_MAX_BACKOFF_MS),
        (PING.min_backoff_ms, PING.max_backoff_ms),
    ):
        _, delay = compute_backoff(retries, factor=min_ms, max_backoff=max_ms)
        assert min_ms <= delay <= max_ms
        # exponential until the cap: never less than the plain doubling (jitter only adds)
        assert delay >= min(min_ms * 2 ** min(retries, 32), max_ms) // 2


secret_text = st.text(alphabet=string.ascii_letters + string.digits + "!#$%&*+-.^_|~", min_size=6, max_size=40)


@given(secret_text)
def test_summaries_never_keep_url_passwords_or_secret_values(secret: str) -> None:
    for template in (
        "could not connect to postgresql://ayni:{}@db.internal:5432/ayni",
        "bad config password={} retry later",
        "Authorization: {}",
        "api_key: '{}'",
    ):
        # A "secret" the message spells by itself ("passwo" of "password") would be found whatever is redacted.
        assume(secret not in template.format(""))
        summary = error_summary(RuntimeError(template.format(secret)))
        assert secret not in summary, summary
        assert summary.startswith("RuntimeError: ")


@given(st.text(max_size=2000))
def test_summaries_are_one_short_line(text: str) -> None:
    summary = error_summary(ValueError(text))
    assert "\n" not in summary and len(summary) <= MAX_SUMMARY
    assert redact(redact(summary)) == redact(summary)
