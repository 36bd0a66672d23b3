"""`/api/v1/companies/{cid}/analytics` (DESIGN.md "Analytics"): thin handlers over the company's access check,
the rollup queries (`ayni.analytics.queries`) and the pure definitions of metrics and periods.

Every answer goes through `_answer`: the caller's session (the routes are Access.TOKEN), membership and right with
the company's state (its data version, settings and locations) in one statement, from which (with the request) its
ETag is made; an `If-None-Match` naming that ETag gets 304, and an answer kept under it (`ayni.analytics.cache`) is
sent again, with no rollup read. Otherwise the company's transaction builds the answer."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from ayni.analytics import metrics, periods, queries
from ayni.analytics.cache import AnswerCache
from ayni.analytics.metrics import ZERO, MetricName, Totals
from ayni.analytics.periods import DateRange, PeriodError
from ayni.analytics.schemas import (
    Breakdown,
    BreakdownQuery,
    Calendar,
    CalendarMonth,
    CalendarQuery,
    ComparedQuery,
    Figure,
    Heatmap,
    HeatmapQuery,
    Meta,
    Note,
    Others,
    Overview,
    OverviewMetrics,
    OverviewQuery,
    Point,
    RangeQuery,
    Row,
    Span,
    Timeseries,
    TimeseriesQuery,
    Trend,
)
from ayni.auth.sessions import session_ended
from ayni.companies.access import checked_member, company_access
from ayni.companies.fields import CURRENCIES
from ayni.companies.rules import Right
from ayni.problems import FieldError, FieldErrorCode, Problem
from ayni.resources import TokenUser, resources
from ayni.routing import Access, RouteGroup, json_response
from ayni.sql import Executor

Query = TypeVar("Query", bound=BaseModel)


@dataclass(frozen=True)
class Ask:
    """What building an answer may use: the company's transaction, its state, and its today."""

    db: Executor
    company_id: UUID
    state: queries.CompanyState
    today: date

    @property
    def minor_units(self) -> int:
        return CURRENCIES.get(self.state.currency, 2)

    def shown(self, metric: MetricName, number: Decimal | None, *, averaged: bool = False) -> float | None:
        return metrics.present(metric, number, self.minor_units, averaged=averaged)


Build = Callable[[Ask, Query], Awaitable[Response]]


async def _answer(
    request: Request, user: TokenUser, query: Query, build: Build[Query], *, export: bool = False
) -> Response:
    cid: UUID = request.path_params["company_id"]
    right = Right.EXPORT if export else Right.READ_DASHBOARDS
    db = resources(request).db
    answers: AnswerCache = request.state.answers
    # One statement first (no transaction of our own), the session checked in it: enough for a 304 or an answer
    # already kept.
    found = await queries.member_state(db, cid, user)
    if found is None:
        raise session_ended()
    role, known = found
    checked_member(cid, user.id, role, right)
    assert known is not None, "a member's company has a state"
    tag, today = _tag(request, query, known)
    headers = {"ETag": tag, "Cache-Control": "private, no-cache"}
    if not_modified(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    kept = answers.get(tag)
    if kept is not None:
        response = kept.response()
    else:
        async with company_access(db, user.checked(), cid, right):
            # Read again in the answer's transaction: an import may have committed since.
            state = await queries.company_state(db, cid)
            tag, today = _tag(request, query, state)
            headers["ETag"] = tag
            response = await build(Ask(db, cid, state, today), query)
        answers.keep(tag, response)
    response.headers.update(headers)
    return response


def _tag(request: Request, query: BaseModel, state: queries.CompanyState) -> tuple[str, date]:
    """The answer's ETag and the company's today. Today matters where a default falls back on it (a company
    without sales yet); the locations, for their names in the answers."""
    today = datetime.now(ZoneInfo(state.timezone)).date()
    company = f"{state.data_version}|{state.locations}|{state.timezone}|{state.currency}|{today}"
    return etag(company, request.url.path, query), today


def etag(state: str, path: str, query: BaseModel) -> str:
    """Weak (the same answer may go out gzipped or not): the company's state, the path and the query as validated,
    defaults filled and locations sorted, so equal requests written differently share it."""
    digest = hashlib.sha256(f"{state}|{path}|{query.model_dump_json(by_alias=True)}".encode()).hexdigest()
    return f'W/"{digest[:32]}"'


def not_modified(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 13.1.2: `*`, or any listed tag weakly equal to `tag`."""
    if if_none_match is None:
        return False
    listed = [candidate.strip() for candidate in if_none_match.split(",")]
    return "*" in listed or tag.removeprefix("W/") in {candidate.removeprefix("W/") for candidate in listed}


def invalid(error: PeriodError) -> Problem:
    code: FieldErrorCode = "too-large" if error.limit is not None else "invalid-value"
    field = FieldError(error.parameter, error.message, code, error.limit)
    return Problem(422, "validation-error", "The query has invalid fields.", errors=[field])


@dataclass(frozen=True)
class Scope:
    span: DateRange
    compared: DateRange | None
    locations: list[UUID]
    last_day: date | None

    @property
    def ranges(self) -> list[DateRange]:
        return [self.span] if self.compared is None else [self.span, self.compared]

    def comparison(self) -> Span | None:
        return None if self.compared is None else Span(**{"from": self.compared.first, "to": self.compared.last})


async def _locations(ask: Ask, asked: Sequence[UUID]) -> tuple[list[UUID], date | None]:
    """The locations to read (those asked, else every one) and the last day with sales; 422 for a location that
    is not the company's."""
    context = await queries.context(ask.db, ask.company_id)
    unknown = [location for location in asked if location not in context.locations]
    if unknown:
        raise Problem(
            422, "validation-error", "The query has invalid fields.",
            errors=[FieldError("location", f"{unknown[0]} is not a location of this company.", "invalid-value")],
        )  # fmt: skip
    return list(asked) or sorted(context.locations), context.last_day


async def _scope(ask: Ask, query: RangeQuery) -> Scope:
    locations, last_day = await _locations(ask, query.location)
    try:
        span = periods.resolve(query.first, query.last, last_day=last_day, today=ask.today)
    except PeriodError as error:
        raise invalid(error) from None
    compare = query.compare if isinstance(query, ComparedQuery) else "none"
    return Scope(span, periods.compared(span, compare), locations, last_day)


def _meta(metric_names: Iterable[MetricName], cells: Iterable[Totals], whole: Totals) -> Meta:
    """The margin's coverage over `whole`, and a note for each metric some cell leaves null for a reason of the
    data."""
    reasons: dict[tuple[MetricName, metrics.Reason], None] = {}
    names = list(metric_names)
    for cell in cells:
        for name in names:
            reason = metrics.why_null(name, cell)
            if reason is not None:
                reasons[(name, reason)] = None
    notes = [Note(metric=name, reason=reason, detail=_DETAILS[reason]) for name, reason in reasons]
    return Meta(margin_coverage_pct=metrics.percent(metrics.coverage_pct(whole)), notes=notes)


_DETAILS: dict[metrics.Reason, str] = {
    "no-data": "The sales lines of this range do not have this column.",
    "not-additive": "Distinct customers are counted per location and day; adding the counts of several would count "
    "a returning customer more than once, so the figure is left out. Ask for one location and one day.",
    "not-countable": "A ticket with several products of one category would be counted once per product, so ticket "
    "figures are left out of the breakdown by category.",
}


def _figure(ask: Ask, name: MetricName, current: Totals, previous: Totals | None) -> Figure:
    now = metrics.value(name, current)
    before = None if previous is None else metrics.value(name, previous)
    return Figure(
        value=ask.shown(name, now),
        previous=ask.shown(name, before),
        change_pct=metrics.percent(metrics.change_pct(now, before)),
    )


# Overview


async def overview(request: Request, query: OverviewQuery, user: TokenUser) -> Response:
    """Every metric over the range, with the comparison range's and the change (formulas in the answer's schema,
    `OverviewMetrics`). Any member."""
    return await _answer(request, user, query, _overview)


async def _overview(ask: Ask, query: OverviewQuery) -> Response:
    scope = await _scope(ask, query)
    found = await queries.totals(ask.db, ask.company_id, scope.ranges, scope.locations)
    current, previous = found[0], (found[1] if len(found) > 1 else None)
    cells = [current] if previous is None else [current, previous]
    answer = Overview(
        currency=ask.state.currency,
        **{"from": scope.span.first, "to": scope.span.last},
        compare=scope.comparison(),
        data_through=scope.last_day,
        metrics=OverviewMetrics(**{name: _figure(ask, name, current, previous) for name in metrics.METRIC_NAMES}),
        meta=_meta(metrics.METRIC_NAMES, cells, current),
    )
    return json_response(answer)


# Timeseries


async def timeseries(request: Request, query: TimeseriesQuery, user: TokenUser) -> Response:
    """The metric per period of the range (`grain`), every period present, with the comparison's same days.
    `format=csv` (analysts and above): `period_start,value,previous`."""
    return await _answer(request, user, query, _timeseries, export=query.format == "csv")


def _sum(days: dict[queries.Key, queries.Group], span: DateRange) -> Totals:
    return metrics.total(days[(day,)].totals for day in span.dates() if (day,) in days)


async def _timeseries(ask: Ask, query: TimeseriesQuery) -> Response:
    scope = await _scope(ask, query)
    try:
        periods.check_grain(scope.span, query.grain)
    except PeriodError as error:
        raise invalid(error) from None
    found = await queries.grouped(ask.db, ask.company_id, queries.DAILY, scope.ranges, scope.locations)
    points, cells = [], []
    for period in periods.periods(scope.span, query.grain):
        current = _sum(found[0], period.days)
        before = periods.counterpart(period.days, scope.span, query.compare)
        previous = None if before is None else _sum(found[1], before)
        cells += [current] if previous is None else [current, previous]
        figure = _figure(ask, query.metric, current, previous)
        points.append(Point(period_start=period.start, value=figure.value, previous=figure.previous))
    whole = metrics.total(group.totals for group in found[0].values())
    answer = Timeseries(
        currency=ask.state.currency, metric=query.metric, grain=query.grain,
        **{"from": scope.span.first, "to": scope.span.last}, compare=scope.comparison(), points=points,
        meta=_meta([query.metric], cells, whole),
    )  # fmt: skip
    if query.format == "csv":
        rows = [(p.period_start.isoformat(), p.value, p.previous) for p in points]
        return _csv(("period_start", "value", "previous"), rows, f"{query.metric}-by-{query.grain}", scope.span)
    return json_response(answer)


# Breakdown


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The keys of the dimensions that list every key, in their own order, and their labels.
_EVERY_KEY: dict[str, dict[str, str]] = {
    "weekday": {str(n): name for n, name in enumerate(_WEEKDAYS, start=1)},
    "hour": {str(hour): f"{hour:02d}:00" for hour in range(24)},
}


async def breakdown(request: Request, query: BreakdownQuery, user: TokenUser) -> Response:
    """The metric per location, product, category, weekday, hour, payment method or seller, best first, the
    first `limit` keys as rows and the rest added up in `others`; each row's share of the whole and its change
    against the comparison. `format=csv` (analysts and above): `key,label,value,share_pct,previous,change_pct`,
    then `others` as a last row when there is one."""
    return await _answer(request, user, query, _breakdown, export=query.format == "csv")


async def _breakdown(ask: Ask, query: BreakdownQuery) -> Response:
    scope = await _scope(ask, query)
    source = queries.BY[query.by]
    found = await queries.grouped(ask.db, ask.company_id, source, scope.ranges, scope.locations)
    current = {str(key[0]): group for key, group in found[0].items()}
    previous = {str(key[0]): group for key, group in found[1].items()} if len(found) > 1 else None
    compared = previous or {}
    every = _EVERY_KEY.get(query.by)
    name = query.metric
    nothing = Totals() if source.tickets else Totals(tickets=None, return_tickets=None)

    def of(table: dict[str, queries.Group], key: str) -> Totals:
        return table[key].totals if key in table else nothing

    whole = metrics.total(g.totals for g in current.values())
    if name == "tickets" and source.tickets and source.table != queries.TOTAL.table:
        # A ticket with two products (hours, payment methods, sellers) is in two rows but one ticket of the whole:
        # each row's share is of the tickets, not of the rows' sum.
        [whole] = await queries.totals(ask.db, ask.company_id, [scope.span], scope.locations)
    whole_value = metrics.value(name, whole) if metrics.METRICS[name].additive else None

    def share(totals: Totals, prior: Totals | None) -> tuple[Decimal | None, Figure]:
        part = metrics.value(name, totals) if whole_value is not None else None
        return metrics.share_pct(part, whole_value), _figure(ask, name, totals, prior)

    if every is not None:
        keys = list(every)
    else:

        def rank(key: str) -> tuple[bool, Decimal, bool, Decimal, str]:
            now, then = metrics.value(name, of(current, key)), metrics.value(name, of(compared, key))
            return (now is None, -(now or ZERO), then is None, -(then or ZERO), key)

        keys = sorted(current.keys() | compared.keys(), key=rank)
    shown, rest = (keys, []) if every is not None else (keys[: query.limit], keys[query.limit :])
    rows = []
    for key in shown:
        pct, figure = share(of(current, key), None if previous is None else of(previous, key))
        label = every[key] if every is not None else (current.get(key) or compared[key]).label
        rows.append(Row(key=key, label=label, share_pct=metrics.percent(pct), **figure.model_dump()))
    others = None
    if rest:
        rest_now = metrics.total(of(current, key) for key in rest)
        rest_then = None if previous is None else metrics.total(of(previous, key) for key in rest)
        pct, figure = share(rest_now, rest_then)
        others = Others(keys=len(rest), share_pct=metrics.percent(pct), **figure.model_dump())
    cells = [g.totals for g in current.values()] + [g.totals for g in compared.values()]
    answer = Breakdown(
        currency=ask.state.currency, metric=name, by=query.by, **{"from": scope.span.first, "to": scope.span.last},
        compare=scope.comparison(), rows=rows, others=others, meta=_meta([name], cells, whole),
    )  # fmt: skip
    if query.format == "csv":
        lines = [(r.key, r.label, r.value, r.share_pct, r.previous, r.change_pct) for r in rows]
        if others is not None:
            lines.append(("", "others", others.value, others.share_pct, others.previous, others.change_pct))
        header = ("key", "label", "value", "share_pct", "previous", "change_pct")
        return _csv(header, lines, f"{name}-by-{query.by}", scope.span)
    return json_response(answer)


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]], name: str, span: DateRange) -> Response:
    """An attachment, numbers as JSON writes them and null as an empty field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    filename = f"ayni-{name}-{span.first}-{span.last}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# Heatmap


async def heatmap(request: Request, query: HeatmapQuery, user: TokenUser) -> Response:
    """The metric per weekday (Monday first) and local hour: 7 x 24 cells, each the average over the range's days
    of that weekday (a day without sales counts as zero); ratios over the cell's sums. Any member."""
    return await _answer(request, user, query, _heatmap)


async def _heatmap(ask: Ask, query: HeatmapQuery) -> Response:
    scope = await _scope(ask, query)
    [found] = await queries.grouped(ask.db, ask.company_id, queries.WEEKDAY_HOUR, [scope.span], scope.locations)
    days = [0] * 7
    for day in scope.span.dates():
        days[day.weekday()] += 1
    ratio = metrics.METRICS[query.metric].ratio
    cells: list[list[float | None]] = []
    for weekday in range(1, 8):
        row: list[float | None] = []
        for hour in range(24):
            group = found.get((weekday, hour))
            number = metrics.value(query.metric, group.totals if group is not None else Totals())
            count = days[weekday - 1]
            if not ratio:
                number = None if number is None or count == 0 else number / count
            row.append(ask.shown(query.metric, number, averaged=not ratio))
        cells.append(row)
    whole = metrics.total(group.totals for group in found.values())
    answer = Heatmap(
        currency=ask.state.currency, metric=query.metric, **{"from": scope.span.first, "to": scope.span.last},
        days=days, cells=cells, meta=_meta([query.metric], [g.totals for g in found.values()], whole),
    )  # fmt: skip
    return json_response(answer)


# Calendar


FLAT_PCT = Decimal(5)


def trend(pct: Decimal | None) -> Trend | None:
    if pct is None:
        return None
    return "flat" if abs(pct) <= FLAT_PCT else ("up" if pct > 0 else "down")


async def calendar(request: Request, query: CalendarQuery, user: TokenUser) -> Response:
    """The year month by month: revenue, against the month before and the same month a year before, and its trend
    (`flat` within ±5 % of the year before). `last_month` is the last complete month with sales. Any member."""
    return await _answer(request, user, query, _calendar)


def _month_before(month: date) -> date:
    return (month - timedelta(days=1)).replace(day=1)


async def _calendar(ask: Ask, query: CalendarQuery) -> Response:
    locations, last_day = await _locations(ask, query.location)
    year = query.year or (last_day or ask.today).year
    span = DateRange(date(year - 1, 1, 1), date(year, 12, 31))
    [found] = await queries.grouped(ask.db, ask.company_id, queries.MONTHLY, [span], locations)

    def revenue(month: date) -> Decimal | None:
        if last_day is None or month > last_day:
            return None
        group = found.get((month,))
        return group.totals.revenue if group is not None else Decimal(0)

    months = []
    for number in range(1, 13):
        month = date(year, number, 1)
        now = revenue(month)
        vs_year = metrics.change_pct(now, revenue(month.replace(year=year - 1)))
        months.append(
            CalendarMonth(
                month=month,
                revenue=ask.shown("revenue", now),
                vs_previous_month_pct=metrics.percent(metrics.change_pct(now, revenue(_month_before(month)))),
                vs_previous_year_pct=metrics.percent(vs_year),
                trend=trend(vs_year),
            )
        )
    last_month = None
    if last_day is not None:
        complete = (last_day + timedelta(days=1)).day == 1
        last_month = last_day.replace(day=1) if complete else _month_before(last_day.replace(day=1))
    answer = Calendar(currency=ask.state.currency, year=year, months=months, last_month=last_month, last_day=last_day)
    return json_response(answer)


_A = RouteGroup("/api/v1", tags=("analytics",))
_ANALYTICS = "/companies/{company_id:uuid}/analytics"
_SCOPED = [403, 404]
# Access.TOKEN: `_answer`'s first statement checks the session (a 304 or a kept answer is one round trip).
TOKEN = Access.TOKEN

routes = [
    _A.get(_ANALYTICS + "/overview", overview, TOKEN, "Every metric over a range, compared", response=Overview,
           errors=_SCOPED, conditional=True),
    _A.get(_ANALYTICS + "/timeseries", timeseries, TOKEN, "A metric per day, week, month, quarter or year",
           response=Timeseries, errors=_SCOPED, conditional=True, answer_media_type="text/csv"),
    _A.get(_ANALYTICS + "/breakdown", breakdown, TOKEN, "A metric per location, product, category, hour, ...",
           response=Breakdown, errors=_SCOPED, conditional=True, answer_media_type="text/csv"),
    _A.get(_ANALYTICS + "/heatmap", heatmap, TOKEN, "A metric per weekday and hour", response=Heatmap,
           errors=_SCOPED, conditional=True),
    _A.get(_ANALYTICS + "/calendar", calendar, TOKEN, "A year's revenue month by month", response=Calendar,
           errors=_SCOPED, conditional=True),
]  # fmt: skip
