"""Generated sales for the analytics tests, loaded through the import's real load (ayni/sales/load.py), and the
reference: every metric computed straight from the generated lines, in plain Python, by the definitions of
DESIGN.md "Analytics" — never from the rollups, and without ayni.analytics's code."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import strategies as st

from tests.companies.conftest import add_member
from tests.sales.sale_lines import SANTIAGO, AppConnection, add_company, line, lines_frame, owner_sql

LOCATIONS = ("Centro", "Norte", "Sur")
# sku -> name, category (a product keeps its category: products hold the latest one only).
PRODUCTS = {"A1": ("Pan", "Panadería"), "B2": ("Leche", "Lácteos"), "C3": ("Queso", "Lácteos"), "D4": ("Jabón", None)}
PAYMENTS = (None, "efectivo", "débito")
SELLERS = (None, "Ana", "Luis")
CUSTOMERS = (None, b"c1", b"c2", b"c3")
# Days with something to prove: 29 February, Santiago's DST changes (2024-04-07 and 2025-04-06 clocks back, so
# local 23:00 comes twice the evening before; 2024-09-08 and 2025-09-07 clocks forward, local 00:00 never comes),
# the ends of years, months and quarters; any other day of 2023-2025 too.
SPECIAL_DAYS = tuple(
    date.fromisoformat(d)
    for d in (
        "2023-02-28", "2023-03-01", "2023-12-31", "2024-01-01", "2024-02-28", "2024-02-29", "2024-03-01",
        "2024-04-06", "2024-04-07", "2024-06-30", "2024-09-07", "2024-09-08", "2025-02-28", "2025-04-05",
        "2025-04-06", "2025-09-06", "2025-09-07", "2025-12-31",
    )
)  # fmt: skip
FIRST_DAY, LAST_DAY = date(2023, 1, 1), date(2025, 12, 31)


@dataclass(frozen=True)
class Sale:
    """One sale line as the file gave it (the instant in UTC), with what the load derives from it."""

    location: str
    at: datetime
    ticket: str
    sku: str
    quantity: Decimal
    amount: Decimal
    cost: Decimal | None
    discount: Decimal | None
    payment_method: str | None
    seller: str | None
    customer: bytes | None

    @property
    def local(self) -> datetime:
        return self.at.astimezone(SANTIAGO)

    @property
    def day(self) -> date:
        return self.local.date()

    @property
    def hour(self) -> int:
        return self.local.hour

    @property
    def is_return(self) -> bool:
        return self.quantity < 0

    @property
    def category(self) -> str | None:
        return PRODUCTS[self.sku][1]


def _money(draw: st.DrawFn, low: int, high: int) -> Decimal:
    return Decimal(draw(st.integers(low * 100, high * 100))) / 100


@st.composite
def tickets(draw: st.DrawFn, number: int) -> list[Sale]:
    """One ticket: one to three lines of one instant, location, payment, seller and customer; sometimes a return
    (every line negative, as parse makes them)."""
    day = draw(st.sampled_from(SPECIAL_DAYS) | st.dates(FIRST_DAY, LAST_DAY))
    # Midnight UTC is 20:00 or 21:00 in Santiago: the lines fall on the day before or the day itself, locally.
    at = datetime.combine(day, time(), UTC) + timedelta(minutes=draw(st.integers(0, 24 * 60 - 1)))
    location = draw(st.sampled_from(LOCATIONS))
    sign = -1 if draw(st.integers(0, 4)) == 0 else 1
    payment, seller, customer = (
        draw(st.sampled_from(PAYMENTS)),
        draw(st.sampled_from(SELLERS)),
        draw(st.sampled_from(CUSTOMERS)),
    )
    lines = []
    for sku in draw(st.lists(st.sampled_from(sorted(PRODUCTS)), min_size=1, max_size=3, unique=True)):
        quantity = Decimal(draw(st.integers(1, 4))) * sign
        amount = _money(draw, 1, 5000) * sign
        cost = None if draw(st.booleans()) else (amount * Decimal("0.6")).quantize(Decimal("0.01"))
        discount = None if draw(st.integers(0, 2)) else _money(draw, 0, 300)
        lines.append(
            Sale(location, at, f"B|{number}", sku, quantity, amount, cost, discount, payment, seller, customer)
        )
    return lines


@st.composite
def sales(draw: st.DrawFn, max_tickets: int = 14) -> list[Sale]:
    count = draw(st.integers(1, max_tickets))
    return [sale for number in range(count) for sale in draw(tickets(number))]


def frame(lines: Sequence[Sale]) -> pl.DataFrame:
    """The lines as parse would give them: the instant, and its local day and hour in Santiago."""
    rows = []
    for row, sale in enumerate(lines, start=2):
        name, category = PRODUCTS[sale.sku]
        parsed = line(
            row, location=sale.location, ticket=sale.ticket, sku=sale.sku, product=name, category=category,
            quantity=str(sale.quantity), amount=str(sale.amount),
            cost=None if sale.cost is None else str(sale.cost),
            discount=None if sale.discount is None else str(sale.discount),
            customer=sale.customer, payment_method=sale.payment_method, seller=sale.seller,
        )  # fmt: skip
        # `line` reads a wall time, which DST makes ambiguous: the instant decides.
        rows.append({**parsed, "sold_at": sale.at, "day": sale.day, "hour": sale.hour})
    return lines_frame(rows)


@dataclass(frozen=True)
class Company:
    id: uuid.UUID
    locations: dict[str, uuid.UUID]  # by name
    products: dict[str, tuple[uuid.UUID, str]]  # sku -> id, label


def company_with_sales(
    database_url: str, db: AppConnection, owner_id: uuid.UUID, lines: Sequence[Sale], currency: str = "CLP"
) -> Company:
    """A company of `owner_id`'s (Santiago's time zone) with the three locations and `lines` loaded."""
    company_id, locations = add_company(database_url, f"Analytics {uuid.uuid4().hex[:8]}", *LOCATIONS)
    owner_sql(database_url, "UPDATE companies SET currency = %s WHERE id = %s", (currency, company_id))
    add_member(database_url, company_id, owner_id, "owner")
    if lines:
        db.load(company_id, frame(lines), dict(locations))
    products = {
        key.removeprefix("sku:"): (product_id, label)
        for key, product_id, label in owner_sql(
            database_url,
            "SELECT key, id, coalesce(name, sku, key) FROM products WHERE company_id = %s",
            (company_id,),
        )
    }
    return Company(company_id, locations, products)


# The reference ------------------------------------------------------------------------------------------------

Metrics = dict[str, Decimal | None]
Grain = Callable[[Sale], Hashable]


def by_location_day(sale: Sale) -> Hashable:
    return (sale.location, sale.day)


def measures(lines: Iterable[Sale], grain: Grain = by_location_day, *, countable: bool = True) -> Metrics:
    """Every metric over `lines`. Distinct customers are given only when one group of `grain` (the rollup row
    a line is counted in) names customers: the API's promise is to be exact or null, never a wrong sum. Tickets
    are the distinct sale tickets of each location and day; not `countable` for the products of a category."""
    lines = list(lines)
    revenue = sum((s.amount for s in lines), Decimal(0))
    units = sum((s.quantity for s in lines), Decimal(0))
    tickets = len({(s.location, s.day, s.ticket) for s in lines if not s.is_return}) if countable else None
    costed = [s for s in lines if s.cost is not None]
    costed_revenue = sum((s.amount for s in costed), Decimal(0))
    cost = sum((s.cost or Decimal(0) for s in costed), Decimal(0))
    # The rollups keep the sums of the lines with a cost, not how many there were: lines with a cost adding up to
    # no revenue and no cost read as none (a known limit of the rollups' measures).
    has_cost = bool(costed) and (costed_revenue != 0 or cost != 0)
    margin = costed_revenue - cost if has_cost else None
    named = [s for s in lines if s.customer is not None]
    return {
        "revenue": revenue,
        "tickets": None if tickets is None else Decimal(tickets),
        "units": units,
        "avg_ticket": revenue / tickets if tickets else None,
        "units_per_ticket": units / tickets if tickets else None,
        "gross_margin": margin,
        "margin_pct": margin / costed_revenue * 100 if margin is not None and costed_revenue else None,
        "discounts": sum((s.discount or Decimal(0) for s in lines), Decimal(0)),
        "returns": sum((-s.amount for s in lines if s.is_return), Decimal(0)),
        "customers": Decimal(len({s.customer for s in named})) if len({grain(s) for s in named}) == 1 else None,
        "coverage": costed_revenue / revenue * 100 if revenue else None,
    }


def within(lines: Iterable[Sale], first: date, last: date, locations: Iterable[str]) -> list[Sale]:
    chosen = set(locations)
    return [s for s in lines if first <= s.day <= last and s.location in chosen]


def year_before(day: date) -> date:
    if (day.month, day.day) == (2, 29):
        return date(day.year - 1, 2, 28)
    return date(day.year - 1, day.month, day.day)


def comparison(first: date, last: date, compare: str) -> tuple[date, date] | None:
    if compare == "previous_period":
        days = (last - first).days + 1
        return first - timedelta(days=days), last - timedelta(days=days)
    if compare == "previous_year":
        return year_before(first), year_before(last)
    return None


def period_of(day: date, grain: str) -> date:
    if grain == "week":
        return day - timedelta(days=day.isoweekday() - 1)
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if grain == "year":
        return date(day.year, 1, 1)
    return day


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous) * 100


# Decimal places of each metric in a CLP (0) or USD (2) company; percentages have 1.
def places(metric: str, currency: str) -> int:
    money = {"CLP": 0, "USD": 2}[currency]
    return {"units": 4, "units_per_ticket": 2, "margin_pct": 1, "tickets": 0, "customers": 0}.get(metric, money)


def close(shown: Any, exact: Decimal | None, digits: int) -> bool:
    """`shown` (a JSON number or null) is `exact` rounded to `digits` places."""
    if exact is None or shown is None:
        return exact is None and shown is None
    return abs(Decimal(str(shown)) - exact) <= Decimal(1).scaleb(-digits) / 2 + Decimal("1e-9")
