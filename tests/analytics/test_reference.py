"""Every analytics endpoint against the reference (tests/analytics/sales.py): hypothesis generates sales (three
locations, returns, customers, costs on some lines only, Santiago's DST days, 29 February, days without sales),
loads them through the import's real load, and asks each endpoint over HTTP for random ranges, locations,
metrics, grains, breakdowns and comparisons; each answer must be what the lines say, to the rounding unit.

Each example loads a company of its own (about 0.2 s), so examples are half the profile's."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.analytics import sales as ref
from tests.analytics.sales import LOCATIONS, Company, Sale
from tests.companies.conftest import C, Person, PersonFactory
from tests.sales.sale_lines import AppConnection

METRICS = (
    "revenue", "tickets", "units", "avg_ticket", "units_per_ticket", "gross_margin", "margin_pct", "discounts",
    "returns", "customers",
)  # fmt: skip
RATIOS = ("avg_ticket", "units_per_ticket", "margin_pct")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
EXAMPLES = settings(
    max_examples=max(10, settings.default.max_examples // 2),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Asker:
    """One company's analytics over HTTP, with the query parameters a draw chose."""

    def __init__(self, client: httpx.Client, owner: Person, company: Company) -> None:
        self.client, self.owner, self.company = client, owner, company

    def get(self, endpoint: str, params: list[tuple[str, str]]) -> dict[str, Any]:
        url = f"{C}/{self.company.id}/analytics/{endpoint}"
        response = self.client.get(url, params=params, headers=self.owner.headers)
        assert response.status_code == 200, (endpoint, params, response.text)
        body: dict[str, Any] = response.json()
        return body


@st.composite
def scopes(draw: st.DrawFn) -> tuple[date | None, date | None, list[str]]:
    """A range (sometimes left to its defaults) and some locations (sometimes all, by default)."""
    if draw(st.integers(0, 5)) == 0:
        first, last = None, None
    else:
        first = draw(st.dates(date(2022, 11, 1), date(2025, 12, 31)))
        last = first + timedelta(days=draw(st.integers(0, 800)))
    locations = draw(st.none() | st.lists(st.sampled_from(LOCATIONS), min_size=1, max_size=3, unique=True))
    return first, last, locations or []


def query(company: Company, first: date | None, last: date | None, locations: list[str]) -> list[tuple[str, str]]:
    params = [("location", str(company.locations[name])) for name in locations]
    if first is not None and last is not None:
        params += [("from", first.isoformat()), ("to", last.isoformat())]
    return params


def resolved(lines: list[Sale], first: date | None, last: date | None, today: date) -> tuple[date, date]:
    """The range the API answers for: the 30 days up to the last day with data by default."""
    if first is not None and last is not None:
        return first, last
    end = max((s.day for s in lines), default=today)
    return end - timedelta(days=29), end


def check_figure(figure: dict[str, Any], metric: str, now: ref.Metrics, then: ref.Metrics | None, cur: str) -> None:
    digits = ref.places(metric, cur)
    assert ref.close(figure["value"], now[metric], digits), (metric, figure, now[metric])
    before = None if then is None else then[metric]
    assert ref.close(figure["previous"], before, digits), (metric, figure, before)
    assert ref.close(figure["change_pct"], ref.change(now[metric], before), 1), (metric, figure)


@EXAMPLES
@given(lines=ref.sales(), currency=st.sampled_from(("CLP", "USD")), data=st.data())
def test_every_endpoint_matches_the_reference(
    client: httpx.Client,
    person: PersonFactory,
    app_db: AppConnection,
    database_url: str,
    lines: list[Sale],
    currency: str,
    data: st.DataObject,
) -> None:
    owner = person(f"owner-{uuid.uuid4().hex}@example.cl")  # a company and owner per example
    company = ref.company_with_sales(database_url, app_db, owner.id, lines, currency)
    asker = Asker(client, owner, company)
    today = date.today()  # only the range's default without data needs it: there is always data here
    last_day = max(s.day for s in lines)

    # overview
    first, last, locations = data.draw(scopes(), "overview scope")
    compare = data.draw(st.sampled_from(("previous_period", "previous_year", "none")), "compare")
    answer = asker.get("overview", [*query(company, first, last, locations), ("compare", compare)])
    start, end = resolved(lines, first, last, today)
    chosen = locations or list(LOCATIONS)
    now = ref.measures(ref.within(lines, start, end, chosen))
    before = ref.comparison(start, end, compare)
    then = None if before is None else ref.measures(ref.within(lines, *before, chosen))
    assert (answer["from"], answer["to"], answer["currency"]) == (start.isoformat(), end.isoformat(), currency)
    assert answer["data_through"] == last_day.isoformat()
    assert answer["compare"] == (None if before is None else {"from": str(before[0]), "to": str(before[1])})
    for metric in METRICS:
        check_figure(answer["metrics"][metric], metric, now, then, currency)
    assert ref.close(answer["meta"]["margin_coverage_pct"], now["coverage"], 1)
    notes = {(n["metric"], n["reason"]) for n in answer["meta"]["notes"]}
    named = [s for s in ref.within(lines, start, end, chosen) if s.customer is not None]
    if now["customers"] is None:
        reason = "no-data" if not named else "not-additive"
        assert ("customers", reason) in notes

    # timeseries
    first, last, locations = data.draw(scopes(), "timeseries scope")
    metric = data.draw(st.sampled_from(METRICS), "metric")
    grain = data.draw(st.sampled_from(("day", "week", "month", "quarter", "year")), "grain")
    compare = data.draw(st.sampled_from(("previous_period", "previous_year", "none")), "compare")
    params = [*query(company, first, last, locations), ("metric", metric), ("grain", grain), ("compare", compare)]
    answer = asker.get("timeseries", params)
    start, end = resolved(lines, first, last, today)
    chosen = locations or list(LOCATIONS)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    starts = sorted({ref.period_of(day, grain) for day in days})
    assert [p["period_start"] for p in answer["points"]] == [s.isoformat() for s in starts]
    for point, period in zip(answer["points"], starts, strict=True):
        inside = [day for day in days if ref.period_of(day, grain) == period]
        now = ref.measures(ref.within(lines, inside[0], inside[-1], chosen))
        assert ref.close(point["value"], now[metric], ref.places(metric, currency)), (point, now[metric])
        if compare == "none":
            assert point["previous"] is None
            continue
        if compare == "previous_period":
            shift = timedelta(days=len(days))
            span = (inside[0] - shift, inside[-1] - shift)
        else:
            span = (ref.year_before(inside[0]), ref.year_before(inside[-1]))
        then = ref.measures(ref.within(lines, *span, chosen))
        assert ref.close(point["previous"], then[metric], ref.places(metric, currency)), (point, then[metric])

    # breakdown
    first, last, locations = data.draw(scopes(), "breakdown scope")
    by = data.draw(st.sampled_from(("location", "product", "category", "weekday", "hour", "payment_method", "seller")))
    metric = data.draw(st.sampled_from(METRICS), "metric")
    limit = data.draw(st.integers(1, 5), "limit")
    compare = data.draw(st.sampled_from(("previous_period", "previous_year", "none")), "compare")
    params = [*query(company, first, last, locations), ("by", by), ("metric", metric), ("limit", str(limit))]
    answer = asker.get("breakdown", [*params, ("compare", compare)])
    start, end = resolved(lines, first, last, today)
    chosen = locations or list(LOCATIONS)
    check_breakdown(answer, company, lines, (start, end), chosen, by, metric, limit, compare, currency)

    # heatmap
    first, last, locations = data.draw(scopes(), "heatmap scope")
    metric = data.draw(st.sampled_from(METRICS), "metric")
    answer = asker.get("heatmap", [*query(company, first, last, locations), ("metric", metric)])
    start, end = resolved(lines, first, last, today)
    chosen = locations or list(LOCATIONS)
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    counts = [sum(1 for day in days if day.isoweekday() == weekday) for weekday in range(1, 8)]
    assert answer["days"] == counts
    inside = ref.within(lines, start, end, chosen)
    for weekday in range(1, 8):
        for hour in range(24):
            cell = [s for s in inside if s.day.isoweekday() == weekday and s.hour == hour]
            exact = ref.measures(cell, lambda s: (s.location, s.day, s.hour))[metric]
            digits = ref.places(metric, currency)
            if metric not in RATIOS:
                exact = None if exact is None or not counts[weekday - 1] else exact / counts[weekday - 1]
                digits = 2 if metric in ("tickets", "customers") else digits
            shown = answer["cells"][weekday - 1][hour]
            assert ref.close(shown, exact, digits), (weekday, hour, metric, shown, exact)

    # calendar
    year = data.draw(st.sampled_from((2023, 2024, 2025)), "year")
    locations = data.draw(st.lists(st.sampled_from(LOCATIONS), max_size=3, unique=True), "calendar locations")
    answer = asker.get("calendar", [*query(company, None, None, locations), ("year", str(year))])
    chosen = locations or list(LOCATIONS)

    def month_revenue(month: date) -> Decimal | None:
        if month > last_day:
            return None
        following = (month + timedelta(days=32)).replace(day=1)
        return ref.measures(ref.within(lines, month, following - timedelta(days=1), chosen))["revenue"]

    assert answer["last_day"] == last_day.isoformat()
    complete = (last_day + timedelta(days=1)).day == 1
    last_month = last_day.replace(day=1) if complete else (last_day.replace(day=1) - timedelta(days=1)).replace(day=1)
    assert answer["last_month"] == last_month.isoformat()
    for number, shown in enumerate(answer["months"], start=1):
        month = date(year, number, 1)
        revenue = month_revenue(month)
        before = month_revenue((month - timedelta(days=1)).replace(day=1))
        year_ago = month_revenue(month.replace(year=year - 1))
        assert shown["month"] == month.isoformat()
        assert ref.close(shown["revenue"], revenue, ref.places("revenue", currency)), (shown, revenue)
        assert ref.close(shown["vs_previous_month_pct"], ref.change(revenue, before), 1)
        vs_year = ref.change(revenue, year_ago)
        assert ref.close(shown["vs_previous_year_pct"], vs_year, 1)
        expected = None if vs_year is None else "flat" if abs(vs_year) <= 5 else "up" if vs_year > 0 else "down"
        assert shown["trend"] == expected


def check_breakdown(
    answer: dict[str, Any],
    company: Company,
    lines: list[Sale],
    span: tuple[date, date],
    chosen: list[str],
    by: str,
    metric: str,
    limit: int,
    compare: str,
    currency: str,
) -> None:
    names = {str(location_id): name for name, location_id in company.locations.items()}

    def key(sale: Sale) -> str:
        return {
            "location": lambda: str(company.locations[sale.location]),
            "product": lambda: str(company.products[sale.sku][0]),
            "category": lambda: sale.category or "",
            "weekday": lambda: str(sale.day.isoweekday()),
            "hour": lambda: str(sale.hour),
            "payment_method": lambda: sale.payment_method or "",
            "seller": lambda: sale.seller or "",
        }[by]()

    def label(k: str) -> str | None:
        if by == "location":
            return names[k]
        if by == "product":
            return next(lab for pid, lab in company.products.values() if str(pid) == k)
        if by == "weekday":
            return WEEKDAYS[int(k) - 1]
        if by == "hour":
            return f"{int(k):02d}:00"
        return k or None

    # The rollup row a line is counted in: distinct customers are exact within one.
    def grain(sale: Sale) -> tuple[Any, ...]:
        return (sale.location, sale.day) if by in ("location", "weekday") else (sale.location, sale.day, key(sale))

    def grouped(part: list[Sale]) -> dict[str, list[Sale]]:
        groups: dict[str, list[Sale]] = {}
        for sale in part:
            groups.setdefault(key(sale), []).append(sale)
        return groups

    def measure(part: list[Sale]) -> ref.Metrics:
        category_grain = (lambda s: (s.location, s.day, s.sku)) if by == "category" else grain
        return ref.measures(part, category_grain, countable=by != "category")

    current = grouped(ref.within(lines, *span, chosen))
    before = ref.comparison(*span, compare)
    previous = None if before is None else grouped(ref.within(lines, *before, chosen))
    empty = ref.measures([])
    every = {"weekday": [str(n) for n in range(1, 8)], "hour": [str(n) for n in range(24)]}.get(by)
    if every is not None:
        keys = every
    else:

        def rank(k: str) -> tuple[Any, ...]:
            now = measure(current[k])[metric] if k in current else empty[metric]
            then = measure((previous or {})[k])[metric] if k in (previous or {}) else empty[metric]
            return (now is None, -(now or 0), then is None, -(then or 0), k)

        keys = sorted(current.keys() | (previous or {}).keys(), key=rank)
    rows, rest = (keys, []) if every is not None else (keys[:limit], keys[limit:])
    assert [r["key"] for r in answer["rows"]] == rows
    whole = measure([s for part in current.values() for s in part])[metric]
    additive = metric in ("revenue", "tickets", "units", "gross_margin", "discounts", "returns")
    digits = ref.places(metric, currency)

    def check(shown: dict[str, Any], now_lines: list[Sale], then_lines: list[Sale] | None) -> None:
        now = measure(now_lines)[metric]
        then = None if then_lines is None else measure(then_lines)[metric]
        assert ref.close(shown["value"], now, digits), (by, metric, shown, now)
        assert ref.close(shown["previous"], then, digits), (by, metric, shown, then)
        assert ref.close(shown["change_pct"], ref.change(now, then), 1)
        share = now / whole * 100 if additive and now is not None and whole else None
        assert ref.close(shown["share_pct"], share, 1), (shown, share)

    for row in answer["rows"]:
        assert row["label"] == label(row["key"])
        check(row, current.get(row["key"], []), None if previous is None else previous.get(row["key"], []))
    if not rest:
        assert answer["others"] is None
        return
    assert answer["others"]["keys"] == len(rest)
    then_rest = None if previous is None else [s for k in rest for s in previous.get(k, [])]
    check(answer["others"], [s for k in rest for s in current.get(k, [])], then_rest)
