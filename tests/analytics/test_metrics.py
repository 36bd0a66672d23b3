"""The metric definitions (ayni/analytics/metrics.py), driven by hypothesis: change percentages, rounding to a
currency's minor units, and sums of rollup rows that stay honest about distinct counts."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ayni.analytics.metrics import (
    METRIC_NAMES,
    METRICS,
    Totals,
    change_pct,
    coverage_pct,
    present,
    share_pct,
    total,
    value,
    why_null,
)

money = st.decimals(-(10**9), 10**9, places=4, allow_nan=False, allow_infinity=False)
positive = st.decimals(0, 10**9, places=4, allow_nan=False, allow_infinity=False)


@st.composite
def totals(draw: st.DrawFn) -> Totals:
    groups = draw(st.integers(0, 3))  # rows naming customers, each at least one
    return Totals(
        revenue=draw(money),
        returns=draw(positive),
        discounts=draw(positive),
        cost=draw(positive),
        costed_revenue=draw(money),
        units=draw(money),
        units_returned=draw(positive),
        tickets=draw(st.none() | st.integers(0, 1000)),
        return_tickets=draw(st.integers(0, 100)),
        lines=draw(st.integers(0, 5000)),
        customers=draw(st.integers(groups, 50)) if groups else 0,
        customer_groups=groups,
    )


@given(money)
def test_change_pct_is_null_when_previous_is_zero_or_unknown(current: Decimal) -> None:
    assert change_pct(current, Decimal(0)) is None
    assert change_pct(current, None) is None
    assert change_pct(None, current) is None


@given(money, money.filter(lambda d: d != 0))
def test_change_pct_is_the_relative_change(current: Decimal, previous: Decimal) -> None:
    pct = change_pct(current, previous)
    assert pct is not None
    assert pct == (current - previous) / abs(previous) * 100
    assert (pct > 0) == (current > previous)  # up means up, even from a negative margin


@given(money, st.sampled_from([("CLP", 0), ("USD", 2), ("JPY", 0), ("KWD", 3)]))
def test_money_is_rounded_to_the_currency_minor_units(amount: Decimal, currency: tuple[str, int]) -> None:
    _, places = currency
    shown = present("revenue", amount, places)
    assert shown is not None
    unit = Decimal(1).scaleb(-places)
    assert abs(Decimal(str(shown)) - amount) <= unit / 2
    assert Decimal(str(shown)) % unit == 0


def test_half_rounds_away_from_zero() -> None:
    assert [present("revenue", Decimal(x), 0) for x in ("0.5", "2.5", "-0.5", "1234.4999")] == [1, 3, -1, 1234]
    assert present("avg_ticket", Decimal("10.005"), 2) == 10.01
    assert present("tickets", Decimal("7"), 2) == 7  # counts are whole whatever the currency
    assert present("tickets", Decimal("2.345"), 0, averaged=True) == 2.35  # per day, they are not
    assert present("margin_pct", Decimal("33.35"), 0) == 33.4
    assert present("units", Decimal("1.23456"), 0) == 1.2346
    assert present("revenue", None, 0) is None


@given(st.lists(totals(), max_size=6))
def test_totals_add_up_in_any_order(items: list[Totals]) -> None:
    assert total(items) == total(reversed(items))
    whole = total(items)
    assert whole.revenue == sum((t.revenue for t in items), Decimal(0))
    assert whole.customer_groups == sum(t.customer_groups for t in items)
    assert (whole.tickets is None) == any(t.tickets is None for t in items)


@given(st.lists(totals(), min_size=1, max_size=6))
def test_distinct_customers_are_given_only_where_exact(items: list[Totals]) -> None:
    whole = total(items)
    groups = [t for t in items if t.customer_groups]
    if whole.customer_groups == 1:
        assert value("customers", whole) == groups[0].customers
    else:
        assert value("customers", whole) is None
        assert why_null("customers", whole) == ("no-data" if not groups else "not-additive")


@given(totals())
def test_every_metric_is_its_formula(t: Totals) -> None:
    tickets = t.tickets
    has_cost = t.cost != 0 or t.costed_revenue != 0
    expected = {
        "revenue": t.revenue,
        "tickets": None if tickets is None else Decimal(tickets),
        "units": t.units,
        "avg_ticket": t.revenue / tickets if tickets else None,
        "units_per_ticket": t.units / tickets if tickets else None,
        "gross_margin": t.costed_revenue - t.cost if has_cost else None,
        "margin_pct": (t.costed_revenue - t.cost) / t.costed_revenue * 100 if has_cost and t.costed_revenue else None,
        "discounts": t.discounts,
        "returns": t.returns,
        "customers": Decimal(t.customers) if t.customer_groups == 1 else None,
    }
    assert {name: value(name, t) for name in METRIC_NAMES} == expected
    assert set(METRICS) == set(METRIC_NAMES) and all(METRICS[name].formula for name in METRIC_NAMES)
    for name in ("tickets", "avg_ticket", "units_per_ticket"):
        if tickets is None:
            assert why_null(name, t) == "not-countable"
    if not has_cost:
        assert why_null("gross_margin", t) == why_null("margin_pct", t) == "no-data"


def test_shares_and_coverage() -> None:
    assert share_pct(Decimal(25), Decimal(200)) == Decimal("12.5")
    assert share_pct(Decimal(25), Decimal(0)) is None
    assert share_pct(None, Decimal(10)) is None
    assert coverage_pct(Totals(revenue=Decimal(200), costed_revenue=Decimal(50))) == Decimal(25)
    assert coverage_pct(Totals()) is None
