"""The dates of analytics answers (ayni/analytics/periods.py), driven by hypothesis: every period of a grain is
there, in order, without gaps or overlaps, weeks start on Monday; comparisons; the defaults and limits of a
range."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ayni.analytics.periods import (
    DEFAULT_DAYS,
    MAX_DAY_GRAIN_YEARS,
    MAX_RANGE_YEARS,
    DateRange,
    Grain,
    PeriodError,
    add_years,
    check_grain,
    compared,
    counterpart,
    period_start,
    periods,
    resolve,
)

GRAINS: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
dates = st.dates(date(1950, 1, 1), date(2150, 12, 31))


@st.composite
def ranges(draw: st.DrawFn, max_days: int = 1200) -> DateRange:
    first = draw(dates)
    return DateRange(first, first + timedelta(days=draw(st.integers(0, max_days))))


@given(ranges(), st.sampled_from(GRAINS))
def test_every_period_is_there_once_in_order(span: DateRange, grain: Grain) -> None:
    found = periods(span, grain)
    covered = [day for period in found for day in period.days.dates()]
    assert covered == list(span.dates())  # contiguous, no gap, no overlap, nothing outside the range
    starts = [period.start for period in found]
    assert starts == sorted(set(starts))
    for period in found:
        assert period.start <= period.days.first
        assert all(period_start(day, grain) == period.start for day in period.days.dates())
    # Only the first and last periods may be cut by the range.
    for period in found[1:-1]:
        assert period.days.first == period.start
        assert period_start(period.days.last + timedelta(days=1), grain) != period.start


@given(ranges())
def test_weeks_run_monday_to_sunday(span: DateRange) -> None:
    for period in periods(span, "week"):
        assert period.start.weekday() == 0
        assert period.days.last.weekday() == 6 or period.days.last == span.last


@given(dates, st.sampled_from(GRAINS))
def test_period_starts(day: date, grain: Grain) -> None:
    start = period_start(day, grain)
    assert start <= day
    expected = {
        "day": day,
        "week": day - timedelta(days=day.isoweekday() - 1),
        "month": date(day.year, day.month, 1),
        "quarter": date(day.year, {1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 6: 4, 7: 7, 8: 7, 9: 7}.get(day.month, 10), 1),
        "year": date(day.year, 1, 1),
    }[grain]
    assert start == expected


@given(dates)
def test_a_year_before_maps_29_february_to_28(day: date) -> None:
    before = add_years(day, -1)
    if (day.month, day.day) == (2, 29):
        assert before == date(day.year - 1, 2, 28)
    else:
        assert (before.year, before.month, before.day) == (day.year - 1, day.month, day.day)


def test_the_leap_days_of_previous_year() -> None:
    leap = DateRange(date(2024, 2, 28), date(2024, 3, 1))
    assert compared(leap, "previous_year") == DateRange(date(2023, 2, 28), date(2023, 3, 1))
    assert compared(DateRange(date(2025, 2, 28), date(2025, 3, 1)), "previous_year") == DateRange(
        date(2024, 2, 28), date(2024, 3, 1)
    )  # the year before has the 29th: three days against two
    assert counterpart(DateRange(date(2024, 2, 29), date(2024, 2, 29)), leap, "previous_year") == DateRange(
        date(2023, 2, 28), date(2023, 2, 28)
    )


@given(ranges())
def test_the_previous_period_is_as_long_and_just_before(span: DateRange) -> None:
    before = compared(span, "previous_period")
    assert before is not None
    assert before.days == span.days and before.last == span.first - timedelta(days=1)
    assert compared(span, "none") is None


@given(ranges(), st.sampled_from(GRAINS), st.sampled_from(("previous_period", "previous_year")))
def test_the_counterparts_of_the_periods_cover_the_comparison(span: DateRange, grain: Grain, compare: str) -> None:
    whole = compared(span, compare)  # type: ignore[arg-type]
    assert whole is not None
    parts = [counterpart(p.days, span, compare) for p in periods(span, grain)]  # type: ignore[arg-type]
    covered = {day for part in parts if part is not None for day in part.dates()}
    if compare == "previous_period":  # a plain shift: the parts cover it exactly, without overlapping
        assert covered == set(whole.dates())
        assert sum(part.days for part in parts if part is not None) == whole.days
    else:  # the same dates: a 29 February of the year before is no date's counterpart
        assert covered <= set(whole.dates())
        assert {day for day in set(whole.dates()) - covered if (day.month, day.day) != (2, 29)} == set()


def test_the_default_range_is_the_30_days_up_to_the_last_day_with_data() -> None:
    last = date(2025, 6, 30)
    assert resolve(None, None, last_day=last, today=date(2026, 1, 1)) == DateRange(
        last - timedelta(days=DEFAULT_DAYS - 1), last
    )
    assert resolve(None, None, last_day=None, today=last) == DateRange(last - timedelta(days=DEFAULT_DAYS - 1), last)
    # `to` alone: the 30 days up to it; `from` alone: up to the last day with data, never before `from`.
    assert resolve(None, date(2025, 1, 31), last_day=last, today=last) == DateRange(date(2025, 1, 2), date(2025, 1, 31))
    assert resolve(date(2025, 6, 1), None, last_day=last, today=last) == DateRange(date(2025, 6, 1), last)
    assert resolve(date(2025, 8, 1), None, last_day=last, today=last) == DateRange(date(2025, 8, 1), date(2025, 8, 1))


def test_from_after_to_names_from() -> None:
    with pytest.raises(PeriodError) as raised:
        resolve(date(2025, 2, 2), date(2025, 2, 1), last_day=None, today=date(2025, 1, 1))
    assert raised.value.parameter == "from"


@given(dates)
def test_a_range_covers_at_most_five_years(first: date) -> None:
    longest = add_years(first, MAX_RANGE_YEARS) - timedelta(days=1)
    assert resolve(first, longest, last_day=None, today=first) == DateRange(first, longest)
    with pytest.raises(PeriodError) as raised:
        resolve(first, longest + timedelta(days=1), last_day=None, today=first)
    assert (raised.value.parameter, raised.value.limit) == ("to", MAX_RANGE_YEARS)


@given(dates)
def test_a_daily_series_covers_at_most_three_years(first: date) -> None:
    longest = DateRange(first, add_years(first, MAX_DAY_GRAIN_YEARS) - timedelta(days=1))
    check_grain(longest, "day")
    longer = DateRange(first, longest.last + timedelta(days=1))
    with pytest.raises(PeriodError) as raised:
        check_grain(longer, "day")
    assert (raised.value.parameter, raised.value.limit) == ("grain", MAX_DAY_GRAIN_YEARS)
    check_grain(longer, "week")


def test_dates_outside_the_calendar_are_refused() -> None:
    with pytest.raises(PeriodError) as raised:
        resolve(date(1, 1, 1), None, last_day=None, today=date(2025, 1, 1))
    assert raised.value.parameter == "from"
    with pytest.raises(PeriodError) as raised:
        resolve(None, date(9999, 12, 31), last_day=None, today=date(2025, 1, 1))
    assert raised.value.parameter == "to"
