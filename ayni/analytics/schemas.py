"""The models of `/api/v1/companies/{cid}/analytics` (DESIGN.md "Analytics"): the queries a client sends and the
answers it gets. The metrics' formulas in the descriptions come from `ayni.analytics.metrics`, their one
definition."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from ayni.analytics.metrics import METRICS, MetricName, Reason
from ayni.analytics.periods import MAX_DAY_GRAIN_YEARS, MAX_RANGE_YEARS, Compare, Grain

Dimension = Literal["location", "product", "category", "weekday", "hour", "payment_method", "seller"]
Format = Literal["json", "csv"]
Trend = Literal["up", "flat", "down"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(raw: Any) -> Any:
    # pydantic alone also reads a Unix time ("1700000000") or a midnight datetime as a date: a date is YYYY-MM-DD.
    if isinstance(raw, str) and not _ISO_DATE.fullmatch(raw):
        raise PydanticCustomError("invalid-value", "Use a date as YYYY-MM-DD.")
    return raw


LocalDate = Annotated[date, BeforeValidator(_iso_date)]


def _distinct(ids: list[UUID]) -> list[UUID]:
    return sorted(set(ids))  # one order, so the same locations asked in any order are one query (one ETag)


_METRIC_LIST = "; ".join(f"`{m.name}`: {m.formula}" for m in METRICS.values())
METRIC_DESCRIPTION = f"The metric. {_METRIC_LIST}."


class RangeQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first: LocalDate | None = Field(
        None,
        alias="from",
        description="The first day, a local date of the company's time zone (YYYY-MM-DD); default: the 30 days "
        f"up to `to`. The range covers at most {MAX_RANGE_YEARS} years.",
    )
    last: LocalDate | None = Field(
        None,
        alias="to",
        description="The last day, included; default: the last day with sales (today when there are none), "
        "never before `from`.",
    )
    location: Annotated[list[UUID], AfterValidator(_distinct)] = Field(
        default_factory=list,
        description="A location of the company, repeatable (`location=a&location=b`); default: every location.",
        json_schema_extra={"default": []},
    )


class ComparedQuery(RangeQuery):
    compare: Compare = Field(
        "previous_period",
        description="`previous_period`: the same number of days just before; `previous_year`: the same dates a "
        "year before (29 February compared with 28 February); `none`.",
    )


class OverviewQuery(ComparedQuery):
    pass


_FORMAT_WORDS = "`csv`: the same rows as CSV (analysts, managers and owners)."


class TimeseriesQuery(ComparedQuery):
    metric: MetricName = Field("revenue", description=METRIC_DESCRIPTION)
    grain: Grain = Field(
        "day",
        description=f"The periods: weeks run Monday to Sunday; `day` covers at most {MAX_DAY_GRAIN_YEARS} years.",
    )
    format: Format = Field("json", description=_FORMAT_WORDS)


class BreakdownQuery(ComparedQuery):
    by: Dimension = Field(
        description="What to break the metric down by. `weekday` (1 Monday to 7 Sunday) and `hour` (0 to 23, "
        "local) always list every key, in their order; the others list the keys with sales, best first."
    )
    metric: MetricName = Field("revenue", description=METRIC_DESCRIPTION)
    limit: int = Field(10, ge=1, le=1000, description="How many rows; the rest are added up in `others`.")
    format: Format = Field("json", description=_FORMAT_WORDS)


class HeatmapQuery(RangeQuery):
    metric: MetricName = Field("revenue", description=METRIC_DESCRIPTION)


class CalendarQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(
        None, ge=1901, le=2999, description="The year; default: the year of the last day with sales (else today's)."
    )
    location: Annotated[list[UUID], AfterValidator(_distinct)] = Field(
        default_factory=list,
        description="A location of the company, repeatable; default: every location.",
        json_schema_extra={"default": []},
    )


# Answers


class Answer(BaseModel):
    # `from` and `to` are Python words: the fields are named first and last, and written as the API names them.
    model_config = ConfigDict(serialize_by_alias=True)


class Span(Answer):
    first: date = Field(alias="from")
    last: date = Field(alias="to")


class Note(BaseModel):
    metric: MetricName
    reason: Reason = Field(
        description="Why the metric is null somewhere in the answer: `no-data` (no line names a customer, or no "
        "line has a cost), `not-additive` (distinct customers of more than one location or day: adding their "
        "counts would count a returning customer twice), `not-countable` (tickets of a category: a ticket with "
        "two of its products would count twice)."
    )
    detail: str


class Meta(BaseModel):
    margin_coverage_pct: float | None = Field(
        description="The revenue of the lines with a cost / revenue x 100, over the answer's range: how much of "
        "the revenue `gross_margin` and `margin_pct` speak for."
    )
    notes: list[Note] = Field(description="Each metric the answer leaves null for a reason of the data, and why.")


class Figure(BaseModel):
    value: float | None
    previous: float | None = Field(description="The same metric over the comparison range (null with `none`).")
    change_pct: float | None = Field(description="(value - previous) / |previous| x 100; null when previous is 0.")


def _figure(name: MetricName) -> Any:
    return Field(description=METRICS[name].formula)


class OverviewMetrics(BaseModel):
    revenue: Figure = _figure("revenue")
    tickets: Figure = _figure("tickets")
    units: Figure = _figure("units")
    avg_ticket: Figure = _figure("avg_ticket")
    units_per_ticket: Figure = _figure("units_per_ticket")
    gross_margin: Figure = _figure("gross_margin")
    margin_pct: Figure = _figure("margin_pct")
    discounts: Figure = _figure("discounts")
    returns: Figure = _figure("returns")
    customers: Figure = _figure("customers")


_CURRENCY = Field(description="ISO 4217; money is rounded to its minor units (CLP none, USD 2).")


class Overview(Answer):
    currency: str = _CURRENCY
    first: date = Field(alias="from")
    last: date = Field(alias="to")
    compare: Span | None = Field(description="The comparison range; null with `compare=none`.")
    data_through: date | None = Field(description="The company's last day with sales.")
    metrics: OverviewMetrics
    meta: Meta


class Point(BaseModel):
    period_start: date = Field(description="The period's first day (a Monday for weeks), even when `from` is later.")
    value: float | None = Field(description="Over the period's days within the range.")
    previous: float | None = Field(description="Over the same days shifted as the comparison range is.")


class RangedAnswer(Answer):
    """What every answer about one metric over a range says besides its figures."""

    currency: str = _CURRENCY
    metric: MetricName
    first: date = Field(alias="from")
    last: date = Field(alias="to")
    compare: Span | None
    meta: Meta


class Timeseries(RangedAnswer):
    grain: Grain
    points: list[Point] = Field(description="Every period of the range, in order; zero when nothing sold.")


class Share(BaseModel):
    value: float | None
    share_pct: float | None = Field(
        description="value / the whole range's value x 100, for metrics that add up (not averages, ratios, "
        "customers). Tickets: of all the range's tickets, so a ticket with two products is in both rows' shares."
    )
    previous: float | None
    change_pct: float | None


class Row(Share):
    key: str = Field(
        description="The location's or product's id, the category, 1 (Monday) to 7, 0 to 23, the payment "
        "method or the seller; '' when the lines name none."
    )
    label: str | None = Field(description="The location's or product's name, the weekday; null for ''.")


class Others(Share):
    keys: int = Field(description="How many keys past `limit` are added up here.")


class Breakdown(RangedAnswer):
    by: Dimension
    rows: list[Row]
    others: Others | None = Field(description="The keys past `limit`, added up; null when every key is a row.")


class Heatmap(Answer):
    currency: str = _CURRENCY
    metric: MetricName
    first: date = Field(alias="from")
    last: date = Field(alias="to")
    days: list[int] = Field(description="How many days of each weekday the range has, Monday first.")
    cells: list[list[float | None]] = Field(
        description="7 rows (Monday first) of 24 hours (local): the metric per day of that weekday, averaged over "
        "the range's days of that weekday; ratios (avg_ticket, units_per_ticket, margin_pct) over the cell's sums."
    )
    meta: Meta


class CalendarMonth(BaseModel):
    month: date = Field(description="The month's first day.")
    revenue: float | None = Field(description="Null for a month after the last day with sales.")
    vs_previous_month_pct: float | None
    vs_previous_year_pct: float | None
    trend: Trend | None = Field(
        description="vs_previous_year_pct: `flat` within ±5 %, else `up` or `down`; null when it is null."
    )


class Calendar(BaseModel):
    currency: str = _CURRENCY
    year: int
    months: list[CalendarMonth] = Field(description="January to December.")
    last_month: date | None = Field(description="The first day of the last complete month with sales.")
    last_day: date | None = Field(description="The company's last day with sales.")
