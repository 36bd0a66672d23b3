"""The demo company's sales file (ayni.sales.demo): the same arguments write the same bytes, the file has the shape
it promises, and its facts equal what an independent reader (the csv module and Decimal) finds in the bytes."""

from __future__ import annotations

import csv
import io
import json
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import accumulate
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ayni.companies.chile import normalize_region
from ayni.companies.fields import format_rut, normalize_rut
from ayni.companies.schemas import CompanyCreate, LocationCreate
from ayni.sales import demo
from ayni.sales.demo import HEADER, DemoFacts, clp, pick, quantity, uniform, window, write_demo_csv
from ayni.sales.demo_company import DEMO_COMPANY, demo_company_fields, demo_location_fields

END = date(2026, 6, 30)
LINES = 100_000


@dataclass(frozen=True)
class Line:
    sold_at: datetime
    document_type: str
    number: str
    branch: str
    code: str
    product: str
    category: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal
    total: Decimal
    unit_cost: Decimal | None
    payment: str
    seller: str
    customer: str


def chilean_number(text: str) -> Decimal:
    """`12.990` -> 12990, `-0,750` -> -0.750: `.` groups thousands, `,` is the decimal separator."""
    return Decimal(text.replace(".", "").replace(",", "."))


def read_lines(data: bytes) -> list[Line]:
    rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=";")
    assert tuple(next(rows)) == HEADER
    return [
        Line(
            datetime.strptime(row[0], "%d-%m-%Y %H:%M"), row[1], row[2], row[3], row[4], row[5], row[6],
            chilean_number(row[7]), chilean_number(row[8]), chilean_number(row[9]), chilean_number(row[10]),
            chilean_number(row[11]) if row[11] else None, row[12], row[13], row[14],
        )
        for row in rows
    ]  # fmt: skip


def write(lines: int, *, seed: int = 7, end: date = END) -> tuple[bytes, DemoFacts]:
    out = io.BytesIO()
    facts = write_demo_csv(out, lines=lines, end=end, seed=seed)
    return out.getvalue(), facts


@pytest.fixture(scope="module")
def written() -> tuple[bytes, DemoFacts]:
    return write(LINES)


@pytest.fixture(scope="module")
def lines(written: tuple[bytes, DemoFacts]) -> list[Line]:
    return read_lines(written[0])


@pytest.fixture(scope="module")
def daily_revenue(lines: list[Line]) -> dict[date, Decimal]:
    revenue: dict[date, Decimal] = defaultdict(Decimal)
    for line in lines:
        revenue[line.sold_at.date()] += line.total
    return revenue


def mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


# --- The company ------------------------------------------------------------------------------------------------


def test_the_demo_company_is_one_the_api_would_create() -> None:
    """As the API would read it from a request body."""
    fields = demo_company_fields()
    company = CompanyCreate.model_validate_json(json.dumps({**fields, "rut": format_rut(fields["rut"])}))
    assert company.rut == fields["rut"] == normalize_rut(fields["rut"])
    assert (company.timezone, company.currency) == ("America/Santiago", "CLP")
    for location in DEMO_COMPANY.locations:
        created = LocationCreate.model_validate_json(json.dumps(demo_location_fields(location)))
        assert created.region == location.region == normalize_region(location.region)
    assert len({location.comuna for location in DEMO_COMPANY.locations}) == 4
    assert len({location.code for location in DEMO_COMPANY.locations}) == 4


# --- Bytes ------------------------------------------------------------------------------------------------------


def test_the_same_arguments_write_the_same_bytes() -> None:
    assert write(20_000) == write(20_000)
    assert write(20_000)[0] != write(20_000, seed=8)[0]


def test_the_bytes_do_not_depend_on_the_chunking(monkeypatch: pytest.MonkeyPatch) -> None:
    whole = write(20_000)
    monkeypatch.setattr(demo, "_CHUNK_LINES", 3_001)
    assert write(20_000) == whole


def test_a_path_gets_the_same_bytes(tmp_path: Path) -> None:
    path = tmp_path / "ventas.csv"
    facts = write_demo_csv(path, lines=5_000, end=END)
    assert (path.read_bytes(), facts) == write(5_000)


def test_the_file_is_utf8_semicolons_crlf_without_bom(written: tuple[bytes, DemoFacts]) -> None:
    data = written[0]
    assert data.startswith("Fecha venta;Tipo doc.;N° doc. venta;Sucursal;".encode())
    assert data.count(b"\r\n") == LINES + 1
    assert data.count(b"\n") == LINES + 1


@pytest.mark.parametrize("count", [1, 2, 17, 999])
def test_exactly_the_lines_asked_for(count: int) -> None:
    data, facts = write(count)
    assert facts.lines == len(read_lines(data)) == count


def test_no_lines_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one line"):
        write(0)


# --- Facts ------------------------------------------------------------------------------------------------------


def test_the_facts_are_what_the_file_says(written: tuple[bytes, DemoFacts], lines: list[Line]) -> None:
    facts = written[1]
    by_location: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        by_location[line.branch] += line.total
    sale_documents = {(line.document_type, line.number) for line in lines if line.document_type != "Nota de crédito"}
    assert facts.lines == len(lines) == LINES
    assert facts.revenue == sum(line.total for line in lines)
    assert facts.revenue_by_location == by_location
    assert facts.tickets == len(sale_documents)
    assert facts.date_from == min(line.sold_at.date() for line in lines)
    assert facts.date_to == max(line.sold_at.date() for line in lines)
    assert (facts.date_from, facts.date_to) == (date(2024, 7, 1), END)


def test_every_line_adds_up(lines: list[Line]) -> None:
    """Total neto = quantity x unit price, rounded to the peso, less the discount; a nota de crédito gives back."""
    for line in lines:
        gross = (abs(line.quantity) * line.unit_price).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if line.document_type == "Nota de crédito":
            assert (line.quantity < 0, line.discount, line.total) == (True, 0, -gross), line
        else:
            assert line.quantity > 0 and 0 <= line.discount < gross, line
            assert line.total == gross - line.discount, line
        assert line.unit_price % 100 == 90, line  # shelf prices end in 90


# --- Shape ------------------------------------------------------------------------------------------------------


def test_four_branches_many_products_twelve_categories(lines: list[Line]) -> None:
    assert {line.branch for line in lines} == {location.name for location in DEMO_COMPANY.locations}
    products = {(line.code, line.product, line.category) for line in lines}
    assert 1_400 <= len(products) <= 1_500
    assert len({code for code, _, _ in products}) == len(products)  # one code, one product
    assert len({category for _, _, category in products}) == 12
    assert {line.document_type for line in lines} == {"Boleta", "Factura", "Nota de crédito"}
    assert {line.payment for line in lines} == {"Efectivo", "Débito", "Crédito", "Transferencia"}


def test_each_branch_has_its_own_sellers(lines: list[Line]) -> None:
    sellers: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        sellers[line.branch].add(line.seller)
    assert all(len(names) >= 3 for names in sellers.values())
    assert sum(len(names) for names in sellers.values()) == len(set().union(*sellers.values()))


def test_returns_are_about_one_percent_of_the_lines(lines: list[Line]) -> None:
    returns = sum(line.document_type == "Nota de crédito" for line in lines)
    assert 0.005 <= returns / len(lines) <= 0.02


def test_sales_happen_within_opening_hours(lines: list[Line]) -> None:
    """9:00 to 21:00, Sundays 10:00 to 20:00; lunch and after-work peaks."""
    hours = Counter(line.sold_at.hour for line in lines)
    assert set(hours) == set(range(9, 21))
    assert {line.sold_at.hour for line in lines if line.sold_at.weekday() == 6} <= set(range(10, 20))
    assert hours[13] > hours[10] and hours[13] > hours[16] and hours[19] > hours[16]


def test_december_and_fiestas_patrias_are_peaks_summer_a_dip(daily_revenue: dict[date, Decimal]) -> None:
    average = mean(list(daily_revenue.values()))
    december = mean([revenue for day, revenue in daily_revenue.items() if day.month == 12])
    summer = mean([revenue for day, revenue in daily_revenue.items() if day.month in (1, 2)])
    fiestas = {year: [daily_revenue[date(year, 9, 18)], daily_revenue[date(year, 9, 19)]] for year in (2024, 2025)}
    assert december > average * Decimal("1.1")
    assert summer < average
    # Per year: one day's revenue in a 100k-line file swings with a few facturas; the two days together do not.
    assert all(mean(days) > average * Decimal("1.2") for days in fiestas.values())


def test_weekends_are_busier(daily_revenue: dict[date, Decimal]) -> None:
    weekend = mean([revenue for day, revenue in daily_revenue.items() if day.weekday() >= 5])
    weekday = mean([revenue for day, revenue in daily_revenue.items() if day.weekday() < 5])
    assert weekend > weekday * Decimal("1.1")


def test_sales_grow_year_on_year(daily_revenue: dict[date, Decimal]) -> None:
    first_year_end = END - timedelta(days=365)
    first = sum(revenue for day, revenue in daily_revenue.items() if day <= first_year_end)
    second = sum(revenue for day, revenue in daily_revenue.items() if day > first_year_end)
    assert second > first * Decimal("1.05")


def test_customers_have_valid_ruts_and_some_come_back(lines: list[Line]) -> None:
    tickets = {(line.document_type, line.number): line.customer for line in lines}
    ruts = [rut for rut in tickets.values() if rut]
    assert all(format_rut(rut) == rut for rut in ruts)  # valid, and written 12.345.678-5
    assert 0.2 < len(ruts) / len(tickets) < 0.6
    assert Counter(ruts).most_common(1)[0][1] >= 5
    assert all(customer for (kind, _), customer in tickets.items() if kind == "Factura")


def test_the_closed_holidays_have_no_sales(daily_revenue: dict[date, Decimal]) -> None:
    assert not {date(2025, 1, 1), date(2025, 5, 1), date(2025, 12, 25)} & set(daily_revenue)


# --- Pure pieces ------------------------------------------------------------------------------------------------


def apply(expression: Callable[[pl.Expr], pl.Expr], values: list[int]) -> list[str]:
    return pl.select(expression(pl.lit(pl.Series(values, dtype=pl.Int64)))).to_series().to_list()


@given(st.lists(st.integers(-(10**12) + 1, 10**12 - 1), min_size=1, max_size=50))
def test_clp_groups_thousands_with_dots(values: list[int]) -> None:
    assert apply(clp, values) == [f"{value:,}".replace(",", ".") for value in values]


@given(st.lists(st.integers(-(10**9), 10**9), min_size=1, max_size=50))
def test_quantity_writes_thousandths_with_a_decimal_comma(values: list[int]) -> None:
    written = apply(quantity, values)
    assert [chilean_number(text) for text in written] == [Decimal(value) / 1000 for value in values]
    for text, value in zip(written, values, strict=True):
        assert "." not in text and ("," in text) == (value % 1000 != 0)


@given(
    st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=30),
    st.lists(st.floats(0.01, 100), min_size=1, max_size=10),
)
def test_pick_finds_the_share_a_draw_falls_in(draws: list[float], weights: list[float]) -> None:
    edges = list(accumulate(weight / sum(weights) for weight in weights))
    expected = [min(bisect_right(edges, draw), len(weights) - 1) for draw in draws]
    assert pick(pl.Series(draws), weights).to_list() == expected


@given(st.integers(0, 2**63 - 1), st.integers(-(2**70), 2**70), st.integers(0, 20))
def test_uniform_draws_are_in_the_unit_interval(start: int, seed: int, stream: int) -> None:
    draws = pl.select(uniform(pl.int_range(start, start + 100, dtype=pl.UInt64), seed=seed, stream=stream))
    values = draws.to_series().to_list()
    assert all(0 <= value < 1 for value in values)
    assert len(set(values)) == 100


def test_uniform_draws_are_spread_evenly() -> None:
    draws = pl.select(uniform(pl.int_range(100_000), seed=7, stream=0)).to_series()
    deciles = Counter((draws * 10).floor().cast(pl.Int64).to_list())
    assert set(deciles) == set(range(10))
    assert all(9_600 < count < 10_400 for count in deciles.values())


@given(st.dates(date(1902, 1, 1), date(9999, 12, 31)))
def test_the_window_is_the_two_years_up_to_end(end: date) -> None:
    start, last = window(end)
    assert last == end
    assert (end - start).days + 1 in (730, 731)
    leap_day = (end.month, end.day) == (2, 29)
    assert start - timedelta(days=1) == (date(end.year - 2, 2, 28) if leap_day else end.replace(year=end.year - 2))
