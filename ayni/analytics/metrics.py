"""The metrics every analytics answer gives, each defined once from the sums of rollup rows (DESIGN.md
"Analytics"; the measures are those of migrations/0007_sales.sql). Pure: the queries add rollup rows up into
`Totals`, and everything an answer shows of them is computed here, rounded here.

`Totals` add up like the rollup rows they come from, with two exceptions kept honest instead of summed wrong:
distinct customers are a per-group count (a customer who bought on two days, or in two locations, is one
customer, not two), so their sum is exact only when a single group names customers; and tickets summed over
the products of a category count a ticket once per product (`tickets` is None there)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, get_args

ZERO = Decimal(0)
HUNDRED = Decimal(100)

MetricName = Literal[
    "revenue",
    "tickets",
    "units",
    "avg_ticket",
    "units_per_ticket",
    "gross_margin",
    "margin_pct",
    "discounts",
    "returns",
    "customers",
]
METRIC_NAMES: tuple[MetricName, ...] = get_args(MetricName)


@dataclass(frozen=True)
class Totals:
    """The sums of some rollup rows (migrations/0007_sales.sql says what each measure is)."""

    revenue: Decimal = ZERO  # net of returns
    returns: Decimal = ZERO  # positive
    discounts: Decimal = ZERO
    cost: Decimal = ZERO  # of the lines with a cost
    costed_revenue: Decimal = ZERO  # the revenue of the lines with a cost
    units: Decimal = ZERO  # net of returns
    units_returned: Decimal = ZERO
    tickets: int | None = 0  # None: the rows cannot be added up into distinct tickets (products of a category)
    return_tickets: int | None = 0
    lines: int = 0
    customers: int = 0  # the sum of the groups' distinct customers
    customer_groups: int = 0  # how many groups named a customer: the sum is exact when it is at most 1

    def __add__(self, other: Totals) -> Totals:
        def plus(a: int | None, b: int | None) -> int | None:
            return None if a is None or b is None else a + b

        return Totals(
            revenue=self.revenue + other.revenue,
            returns=self.returns + other.returns,
            discounts=self.discounts + other.discounts,
            cost=self.cost + other.cost,
            costed_revenue=self.costed_revenue + other.costed_revenue,
            units=self.units + other.units,
            units_returned=self.units_returned + other.units_returned,
            tickets=plus(self.tickets, other.tickets),
            return_tickets=plus(self.return_tickets, other.return_tickets),
            lines=self.lines + other.lines,
            customers=self.customers + other.customers,
            customer_groups=self.customer_groups + other.customer_groups,
        )

    @property
    def has_cost(self) -> bool:
        """Some line has a cost (a file without a cost column leaves both sums at zero)."""
        return self.cost != 0 or self.costed_revenue != 0


TOTALS_FIELDS = tuple(f.name for f in fields(Totals))


def total(items: Iterable[Totals]) -> Totals:
    result = Totals()
    for item in items:
        result = result + item
    return result


def _ratio(numerator: Decimal | int, denominator: Decimal | int | None) -> Decimal | None:
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def _gross_margin(t: Totals) -> Decimal | None:
    return t.costed_revenue - t.cost if t.has_cost else None


def _margin_pct(t: Totals) -> Decimal | None:
    margin = _gross_margin(t)
    ratio = None if margin is None else _ratio(margin, t.costed_revenue)
    return None if ratio is None else ratio * HUNDRED


def _customers(t: Totals) -> Decimal | None:
    return Decimal(t.customers) if t.customer_groups == 1 else None


Kind = Literal["money", "count", "quantity", "ratio", "percent"]
Reason = Literal["no-data", "not-additive", "not-countable"]


@dataclass(frozen=True)
class Metric:
    name: MetricName
    kind: Kind  # how it is rounded (`present`)
    additive: bool  # the rows of a breakdown add up to the whole, so each row has a share of it
    ratio: bool  # a quotient of two sums: a heatmap cell shows it over the cell's days, not averaged per day
    formula: str  # for people: the OpenAPI descriptions and docs/analytics.md
    of: Callable[[Totals], Decimal | None]


_TICKET_WORDS = "distinct sale tickets (a return's document is not one), counted per location and day"
_MARGIN_WORDS = (
    "revenue - cost over the lines with a cost (null when no line has one; its coverage, the revenue of the lines "
    "with a cost / revenue, is `meta.margin_coverage_pct`)"
)
_CUSTOMER_WORDS = (
    "distinct customers named by the lines (null when none is named, or where the answer would add distinct "
    "counts of more than one location or day, which would count a returning customer twice)"
)
# name, kind, additive, ratio, formula, definition
METRICS: dict[MetricName, Metric] = {
    m.name: m
    for m in (
        Metric("revenue", "money", True, False, "sum of the lines' net amounts, returns subtracted",
               lambda t: t.revenue),
        Metric("tickets", "count", True, False, _TICKET_WORDS,
               lambda t: None if t.tickets is None else Decimal(t.tickets)),
        Metric("units", "quantity", True, False, "quantity sold minus quantity returned", lambda t: t.units),
        Metric("avg_ticket", "money", False, True, "revenue / tickets (null without tickets)",
               lambda t: _ratio(t.revenue, t.tickets)),
        Metric("units_per_ticket", "ratio", False, True, "units / tickets (null without tickets)",
               lambda t: _ratio(t.units, t.tickets)),
        Metric("gross_margin", "money", True, False, _MARGIN_WORDS, _gross_margin),
        Metric("margin_pct", "percent", False, True, "gross_margin / revenue of the lines with a cost x 100",
               _margin_pct),
        Metric("discounts", "money", True, False, "sum of the lines' discounts", lambda t: t.discounts),
        Metric("returns", "money", True, False, "sum of the returned lines' amounts, as a positive number",
               lambda t: t.returns),
        Metric("customers", "count", False, False, _CUSTOMER_WORDS, _customers),
    )
}  # fmt: skip


def value(name: MetricName, t: Totals) -> Decimal | None:
    return METRICS[name].of(t)


def why_null(name: MetricName, t: Totals) -> Reason | None:
    """Why `name` is null for `t` when the data, not arithmetic, makes it so; None when it is not null or only
    a division by zero is (an average ticket without tickets)."""
    if value(name, t) is not None:
        return None
    if name == "customers":
        return "no-data" if t.customer_groups == 0 else "not-additive"
    if name in ("gross_margin", "margin_pct") and not t.has_cost:
        return "no-data"
    if name in ("tickets", "avg_ticket", "units_per_ticket") and t.tickets is None:
        return "not-countable"
    return None


def change_pct(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """(current - previous) / |previous| x 100; null when either is unknown or previous is 0. Dividing by the
    magnitude keeps the sign meaning "up" when a negative margin improves."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous) * HUNDRED


def share_pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or whole is None or whole == 0:
        return None
    return part / whole * HUNDRED


def coverage_pct(t: Totals) -> Decimal | None:
    """The part of revenue whose lines have a cost, x 100: how much of it gross_margin speaks for."""
    ratio = _ratio(t.costed_revenue, t.revenue)
    return None if ratio is None else ratio * HUNDRED


# Decimal places of each kind but money, whose places are the currency's minor units.
_PLACES: dict[Kind, int] = {"count": 0, "quantity": 4, "ratio": 2, "percent": 1}
AVERAGE_PLACES = 2  # a count averaged over days (the heatmap's tickets per hour) is no longer whole


def rounded(number: Decimal, places: int) -> float:
    """Half away from zero, as people round money, then a JSON number."""
    return float(number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def present(name: MetricName, number: Decimal | None, minor_units: int, *, averaged: bool = False) -> float | None:
    """A metric's value as an answer shows it: money in the currency's minor units (CLP 0, USD 2)."""
    if number is None:
        return None
    kind = METRICS[name].kind
    places = minor_units if kind == "money" else _PLACES[kind]
    if averaged and kind == "count":
        places = AVERAGE_PLACES
    return rounded(number, places)


def percent(number: Decimal | None) -> float | None:
    return None if number is None else rounded(number, _PLACES["percent"])
