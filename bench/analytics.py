"""Analytics (issue 14): the questions a dashboard asks of the demo company, the first answer of a question
(before the API keeps it), and the overview's figures summed from the sale lines instead of the rollups.
bench/suite.py runs the phase and fills the table; see bench/README.md, "Analytics"."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from uuid import UUID

import psycopg

from ayni.sales.rollups import MEASURES

# The endpoints measured, each a question of a dashboard.
ENDPOINTS = ("overview", "timeseries", "breakdown_product", "calendar")
# How many versions of each question give the first-answer figures: each is new to the API (the demo company has
# four locations: the calendar's versions leave one out).
VARIANTS = 5


def question(endpoint: str, last: date, locations: list[str], shift: int = 0) -> str:
    """The path and query under .../analytics of `endpoint`'s question; `shift` moves it to another question
    of the same size (a range ending `shift` days earlier; for the calendar, the `shift`th location left out)."""
    to = last - timedelta(days=shift)
    year_ago = to - timedelta(days=364)
    if endpoint == "overview":  # the dashboard's default: 30 days, against the 30 before
        return f"overview?from={to - timedelta(days=29)}&to={to}"
    if endpoint == "timeseries":
        return f"timeseries?metric=revenue&grain=day&from={year_ago}&to={to}"
    if endpoint == "breakdown_product":
        return f"breakdown?by=product&metric=revenue&limit=20&from={year_ago}&to={to}"
    if endpoint == "calendar":
        kept = "".join(f"&location={location}" for i, location in enumerate(locations) if shift and i != shift - 1)
        return f"calendar?year={last.year}{kept}"
    raise ValueError(endpoint)


def median_ms(asks: Iterable[Callable[[], object]]) -> float:
    """The median time of the calls, each made once, in milliseconds."""
    seconds = []
    for ask in asks:
        start = time.perf_counter()
        ask()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1000


def _scan_sql() -> str:
    measures = ", ".join(f"{expression} AS {name}" for name, expression in MEASURES.items())
    return f"""SELECT r.i, {measures}
               FROM unnest(%(firsts)s::date[], %(lasts)s::date[]) WITH ORDINALITY AS r (first_day, last_day, i)
               JOIN sale_lines ON company_id = %(company)s AND day BETWEEN r.first_day AND r.last_day
               GROUP BY r.i"""  # noqa: S608 - fixed fragments


def lines_scan_ms(database_url: str, company: UUID, last: date, variants: int) -> float:
    """The median time of one query summing the overview's measures (ayni/sales/rollups.py MEASURES) straight
    from the sale lines, for the overview's ranges (30 days and the 30 before), moved as `question` moves them.
    As the tables' owner (no row-level security to pay for: in the lines' favour)."""
    sql = _scan_sql()
    with psycopg.connect(database_url, autocommit=True) as db:
        db.execute(sql, {"firsts": [last], "lasts": [last], "company": company}).fetchall()  # plan and cache
        seconds = []
        for shift in range(variants):
            to = last - timedelta(days=shift)
            first = to - timedelta(days=29)
            ranges = {"firsts": [first, first - timedelta(days=30)], "lasts": [to, first - timedelta(days=1)]}
            start = time.perf_counter()
            db.execute(sql, {**ranges, "company": company}).fetchall()
            seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1000
