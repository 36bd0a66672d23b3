"""The dates of an analytics answer, pure (DESIGN.md "Analytics"): the range a query asks for once its defaults
and limits apply, the range it is compared with, and the periods of a grain.

Every date is a local date of the company's time zone, as the rollups' `day` is: the time zone was applied once,
when the lines were loaded. Weeks run Monday to Sunday; `previous_period` is the same number of days just before;
`previous_year` the same dates a year before, 29 February mapping to 28."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Grain = Literal["day", "week", "month", "quarter", "year"]
Compare = Literal["previous_period", "previous_year", "none"]

DEFAULT_DAYS = 30
MAX_RANGE_YEARS = 5
MAX_DAY_GRAIN_YEARS = 3
# Dates a query may name: wide enough for any business's history, narrow enough that a comparison five years
# back never leaves the calendar.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2999, 12, 31)


class PeriodError(ValueError):
    """A query whose dates cannot be answered: the parameter to change, why, and the bound crossed."""

    def __init__(self, parameter: str, message: str, limit: int | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.limit = limit


@dataclass(frozen=True, order=True)
class DateRange:
    """From `first` to `last`, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        assert self.first <= self.last, (self.first, self.last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def dates(self) -> Iterator[date]:
        for offset in range(self.days):
            yield self.first + timedelta(days=offset)

    def shifted(self, days: int) -> DateRange:
        return DateRange(self.first + timedelta(days=days), self.last + timedelta(days=days))


def add_years(day: date, years: int) -> date:
    """The same date `years` later (earlier when negative); 29 February, where that year has none, is 28
    February."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def resolve(first: date | None, last: date | None, *, last_day: date | None, today: date) -> DateRange:
    """The range a query asks for: `to` defaults to the last day with data (today when there is none, and never
    before `from`), `from` to the DEFAULT_DAYS days up to `to`. PeriodError past the limits."""
    for name, given in (("from", first), ("to", last)):
        if given is not None and not FIRST_DATE <= given <= LAST_DATE:
            raise PeriodError(name, f"Use a date from {FIRST_DATE} to {LAST_DATE}.")
    bounded = "to" if last is not None else "from"
    if last is None:
        last = last_day or today
        if first is not None and first > last:
            last = first
    if first is None:
        first = max(last - timedelta(days=DEFAULT_DAYS - 1), FIRST_DATE)
    if first > last:
        raise PeriodError("from", "`from` is after `to`: the range runs from `from` to `to`, both included.")
    if last >= add_years(first, MAX_RANGE_YEARS):
        raise PeriodError(
            bounded, f"The range spans more than {MAX_RANGE_YEARS} years; ask for a shorter one.", MAX_RANGE_YEARS
        )
    return DateRange(first, last)


def check_grain(span: DateRange, grain: Grain) -> None:
    """A daily series is at most MAX_DAY_GRAIN_YEARS long (about 1,100 points); longer ones take a coarser grain."""
    if grain == "day" and span.last >= add_years(span.first, MAX_DAY_GRAIN_YEARS):
        raise PeriodError(
            "grain",
            f"grain=day covers at most {MAX_DAY_GRAIN_YEARS} years; ask for weeks or months, or a shorter range.",
            MAX_DAY_GRAIN_YEARS,
        )


def compared(span: DateRange, compare: Compare) -> DateRange | None:
    """The range `span` is compared with, None for `none`."""
    if compare == "previous_period":
        return span.shifted(-span.days)
    if compare == "previous_year":
        return DateRange(add_years(span.first, -1), add_years(span.last, -1))
    return None


def counterpart(part: DateRange, span: DateRange, compare: Compare) -> DateRange | None:
    """What `part` of `span` is compared with: the same shift as the whole range's, so the counterparts of a
    range's periods cover its comparison range (previous_year maps both 28 and 29 February to 28)."""
    if compare == "previous_period":
        return part.shifted(-span.days)
    return compared(part, compare)


def period_start(day: date, grain: Grain) -> date:
    if grain == "day":
        return day
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def _next_start(start: date, grain: Grain) -> date:
    if grain == "day":
        return start + timedelta(days=1)
    if grain == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    start: date  # the period's first day, even when the range starts later in it
    days: DateRange  # the period's days within the range


def periods(span: DateRange, grain: Grain) -> list[Period]:
    """Every period of `grain` that `span` touches, in order, each with its days inside `span`."""
    found = []
    start = period_start(span.first, grain)
    while start <= span.last:
        following = _next_start(start, grain)
        inside = DateRange(max(start, span.first), min(following - timedelta(days=1), span.last))
        found.append(Period(start, inside))
        start = following
    return found
