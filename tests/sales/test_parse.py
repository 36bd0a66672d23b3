"""Sale lines from a RawTable and a Reading (ayni/sales/parse.py): types, signs, tickets, products, returns, local
time to UTC across DST, customer hashes, and every kind of reject. Values checked by hand."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from ayni.sales import parse
from ayni.sales.formats import detect_formats
from ayni.sales.headers import map_headers
from ayni.sales.parse import LINE_SCHEMA, NO_TICKET_NOTE, REJECT_SCHEMA, Parsed, parse_lines
from ayni.sales.reading import DateFormat, Dialect, Field, NumberFormat, Reading
from ayni.sales.sources import RawTable, read_table

KEY = b"k" * 32
SANTIAGO = "America/Santiago"
DMY_MINUTES = DateFormat("DMY", "%d-%m-%Y %H:%M")
US_STYLE = NumberFormat(".", ",")
COLUMNS = {
    Field.SOLD_AT: "Fecha",
    Field.LOCATION: "Sucursal",
    Field.DOCUMENT_TYPE: "Tipo doc.",
    Field.TICKET: "N° doc",
    Field.SKU: "SKU",
    Field.PRODUCT: "Producto",
    Field.QUANTITY: "Cantidad",
    Field.UNIT_PRICE: "Precio",
    Field.AMOUNT: "Total",
    Field.UNIT_COST: "Costo unitario",
    Field.DISCOUNT: "Descuento",
    Field.KIND: "Tipo",
    Field.CUSTOMER: "RUT cliente",
}
# One row per tuple, in COLUMNS' order; the comments say what each row tests.
ROWS: list[tuple[str | None, ...]] = [
    # 2: a sale; cost from the unit cost; 1.088 kg x 4,454 = 4,846
    ("13-01-2024 9:05", "Centro", "Boleta", "101", "A1", "Pan Amasado", "1.088", "4,454", "4,846", "2,000", None,
     "Venta", "12.345.678-5"),
    # 3: same ticket; no sku; amount from the unit price; the same customer written without dots
    ("13-01-2024 9:05", "Centro", "Boleta", "101", None, "Queso   Gouda", "2", "1,990", None, None, "500", None,
     "12345678-5"),
    # 4: a credit note, at 23:30 on the night clocks go back (ambiguous: the earlier instant, -03)
    ("06-04-2024 23:30", "Sur", "Nota de crédito", "7", "A1", "Pan Amasado", "1", "4,454", "4,454", None, None, None,
     None),
    # 5: a return by kind, at 0:30 on the night clocks go forward (nonexistent: 1:30 -03); quantity defaults
    ("08-09-2024 0:30", "Sur", "Boleta", "8", "B2", "Leche", None, "990", "990", None, None, "Devolución", None),
    # 6: a negative quantity is a return; cost and discount follow its sign; winter time (-04)
    ("15-07-2024 10:00", "Norte", "Boleta", "9", "C3", "Café", "-2", "3,000", "-6,000", "1,000", "(100)", None,
     "Ana María"),
    # 7..12: rejects
    ("32-01-2024 10:00", "Centro", "Boleta", "10", "A1", None, "1", "1", "1", None, None, None, None),
    ("13-01-2024 9:05", "Centro", "Boleta", "11", None, None, "1", "1", "1", None, None, None, None),
    ("13-01-2024 9:05", "Centro", "Boleta", "12", "A1", None, "dos", "1", "1", None, None, None, None),
    ("13-01-2024 9:05", "Centro", "Boleta", "13", "A1", None, "1", None, None, None, None, None, None),
    ("13-01-2024 9:05", None, "Boleta", "14", "A1", None, "1", "1", "1", None, None, None, None),
    (None, "Centro", "Boleta", "15", "A1", None, "1", "1", "1", None, None, None, None),
]  # fmt: skip


def raw_table(columns: dict[Field, str], rows: list[tuple[str | None, ...]]) -> RawTable:
    names = list(columns.values())
    frame = pl.DataFrame([dict(zip(names, row, strict=True)) for row in rows], schema=dict.fromkeys(names, pl.Utf8))
    frame = frame.with_columns(pl.int_range(2, len(rows) + 2, dtype=pl.Int64).alias("__row"))
    return RawTable(Dialect("utf-8", ",", 1), names, frame, len(rows))


def parsed(
    columns: dict[Field, str] = COLUMNS,
    rows: list[tuple[str | None, ...]] = ROWS,
    date_format: DateFormat = DMY_MINUTES,
    number_format: NumberFormat = US_STYLE,
) -> Parsed:
    raw = raw_table(columns, rows)
    reading = Reading(raw.dialect, dict(columns), date_format, number_format)
    return parse_lines(raw, reading, timezone=SANTIAGO, customer_key=KEY)


def customer_hash(text: str) -> bytes:
    return hmac.new(KEY, text.encode(), hashlib.sha256).digest()[:16]


def test_lines_and_rejects_have_the_contract_s_columns_and_every_row_once() -> None:
    result = parsed()
    assert result.lines.schema == LINE_SCHEMA
    assert result.rejects.schema == REJECT_SCHEMA
    assert sorted(result.lines["row"].to_list() + result.rejects["row"].to_list()) == list(range(2, 13))
    assert result.notes == []


def test_the_good_lines_by_hand() -> None:
    lines = {line["row"]: line for line in parsed().lines.iter_rows(named=True)}
    assert sorted(lines) == [2, 3, 4, 5, 6]
    sale, by_name, credit_note, returned, negative = (lines[row] for row in (2, 3, 4, 5, 6))

    assert sale["sold_at"] == datetime(2024, 1, 13, 12, 5, tzinfo=UTC)
    assert (sale["day"], sale["hour"]) == (date(2024, 1, 13), 9)
    assert (sale["ticket"], sale["product_key"], sale["location"]) == ("Boleta|101", "sku:A1", "Centro")
    assert (sale["quantity"], sale["amount"], sale["cost"]) == (Decimal("1.088"), Decimal(4846), Decimal("2176"))
    assert (sale["discount"], sale["is_return"]) == (None, False)

    assert by_name["ticket"] == "Boleta|101"
    assert by_name["product_key"] == "name:queso gouda"
    assert by_name["product"] == "Queso   Gouda"
    assert (by_name["amount"], by_name["discount"], by_name["cost"]) == (Decimal(3980), Decimal(500), None)
    assert sale["customer"] == by_name["customer"] == customer_hash("123456785")

    assert credit_note["is_return"] is True
    assert (credit_note["quantity"], credit_note["amount"]) == (Decimal(-1), Decimal(-4454))
    assert credit_note["sold_at"] == datetime(2024, 4, 7, 2, 30, tzinfo=UTC)
    assert (credit_note["day"], credit_note["hour"]) == (date(2024, 4, 6), 23)
    assert credit_note["ticket"] == "Nota de crédito|7"
    assert credit_note["customer"] is None

    assert returned["is_return"] is True
    assert (returned["quantity"], returned["amount"]) == (Decimal(-1), Decimal(-990))
    assert returned["sold_at"] == datetime(2024, 9, 8, 4, 30, tzinfo=UTC)
    assert (returned["day"], returned["hour"]) == (date(2024, 9, 8), 1)

    assert negative["is_return"] is True
    assert (negative["quantity"], negative["amount"]) == (Decimal(-2), Decimal(-6000))
    assert (negative["cost"], negative["discount"]) == (Decimal(-2000), Decimal(-100))
    assert negative["sold_at"] == datetime(2024, 7, 15, 14, 0, tzinfo=UTC)
    assert negative["customer"] == customer_hash("anamaria")


def test_each_bad_row_is_rejected_once_with_its_column_value_and_the_expected_form() -> None:
    date_form = "a date in the form DD-MM-YYYY HH:MM"
    assert parsed().rejects.rows() == [
        (7, "Fecha", "32-01-2024 10:00", f"not {date_form}"),
        (8, "", None, "no SKU and no product name: each line needs one of them"),
        (9, "Cantidad", "dos", "not a number in the form 1,234.56"),
        (10, "Total", None, "no amount and no unit price: each line needs one of them"),
        (11, "Sucursal", None, "the location is missing"),
        (12, "Fecha", None, f"the date is missing; expected {date_form}"),
    ]


def test_the_first_problem_in_field_order_is_the_one_reported() -> None:
    row = ("xx", None, None, None, None, None, "dos", None, None, None, None, None, None)
    [reject] = parsed(rows=[row]).rejects.to_dicts()
    assert reject["column"] == "Fecha"


def test_without_a_ticket_column_lines_at_the_same_minute_form_one_ticket() -> None:
    columns = {Field.SOLD_AT: "Date", Field.PRODUCT: "Item", Field.AMOUNT: "Amount"}
    rows: list[tuple[str | None, ...]] = [("2024-01-13 09:05", "Tea", "2"), ("2024-01-13 09:05", "Milk", "3")]
    result = parsed(columns, rows, DateFormat("YMD", "%Y-%m-%d %H:%M"))
    assert result.lines["ticket"].to_list() == ["@2024-01-13T09:05", "@2024-01-13T09:05"]
    assert result.lines["location"].to_list() == [None, None]
    assert result.lines["quantity"].to_list() == [Decimal(1), Decimal(1)]
    assert result.notes == [NO_TICKET_NOTE]
    with_seconds = parsed(columns, [("2024-01-13 09:05:07", "Tea", "2")], DateFormat("YMD", "%Y-%m-%d %H:%M:%S"))
    assert with_seconds.lines["ticket"].to_list() == ["@2024-01-13T09:05:07"]


def test_a_separate_time_column_is_read_with_the_date() -> None:
    columns = {Field.SOLD_AT: "Fecha", Field.SOLD_TIME: "Hora", Field.SKU: "SKU", Field.AMOUNT: "Total"}
    result = parsed(columns, [("13-01-2024", "9:05", "A1", "10")])
    assert result.lines["sold_at"].to_list() == [datetime(2024, 1, 13, 12, 5, tzinfo=UTC)]


@pytest.mark.parametrize(
    ("kind", "is_return"),
    [
        ("Devolución", True),
        ("DEVOLUCION", True),
        ("Dev", True),
        ("N/C", True),
        ("NC", True),
        ("Nota de Crédito Electrónica", True),
        ("Return", True),
        ("refund", True),
        ("Credit note", True),
        ("Anulación", True),
        ("Venta", False),
        ("Sale", False),
        ("Boleta", False),
        ("Devengado", False),
        (None, False),
    ],
)
def test_return_words_in_spanish_and_english(kind: str | None, is_return: bool) -> None:
    columns = {Field.SOLD_AT: "Fecha", Field.SKU: "SKU", Field.AMOUNT: "Total", Field.KIND: "Tipo"}
    lines = parsed(columns, [("13-01-2024 9:05", "A1", "1,000", kind)]).lines
    assert lines["is_return"].to_list() == [is_return]
    assert lines["amount"].to_list() == [Decimal(-1000 if is_return else 1000)]


def test_customers_are_hashed_once_per_distinct_customer(monkeypatch: pytest.MonkeyPatch) -> None:
    hashed: list[str] = []
    real = parse._customer_hashes

    def recording(key: bytes, values: list[str]) -> list[bytes]:
        hashed.extend(values)
        return real(key, values)

    monkeypatch.setattr(parse, "_customer_hashes", recording)
    columns = {Field.SOLD_AT: "Fecha", Field.SKU: "SKU", Field.AMOUNT: "Total", Field.CUSTOMER: "Cliente"}
    customers = ["12.345.678-5", "12345678-5", "Ana María", "ana maria"]
    rows: list[tuple[str | None, ...]] = [("13-01-2024 9:05", "A1", "1", customers[i % 4]) for i in range(1000)]
    lines = parsed(columns, rows).lines
    assert sorted(hashed) == ["123456785", "anamaria"]
    assert lines["customer"].unique().sort().to_list() == sorted(
        [customer_hash("123456785"), customer_hash("anamaria")]
    )


def test_a_mapping_without_a_date_or_naming_a_missing_column_is_refused() -> None:
    with pytest.raises(ValueError, match="no date column"):
        parsed({Field.SKU: "SKU", Field.AMOUNT: "Total"}, [("A1", "1")])
    raw = raw_table({Field.SOLD_AT: "Fecha", Field.SKU: "SKU"}, [("13-01-2024 9:05", "A1")])
    reading = Reading(raw.dialect, {Field.SOLD_AT: "Fecha", Field.SKU: "Código"}, DMY_MINUTES, US_STYLE)
    with pytest.raises(ValueError, match="'Código'"):
        parse_lines(raw, reading, timezone=SANTIAGO, customer_key=KEY)


def test_an_empty_table_gives_empty_frames_of_the_contract() -> None:
    result = parsed(rows=[])
    assert result.lines.schema == LINE_SCHEMA
    assert result.rejects.schema == REJECT_SCHEMA
    assert result.lines.is_empty()


# --- The real fixtures (helper READ's, totals checked by hand in fixtures/expected.json) --------------------------

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
LOADABLE = [name for name, expected in EXPECTED.items() if "lines_loaded" in expected]


def figure(value: object) -> object:
    """An expected figure compared by value: "26.50" equals 26.5."""
    if isinstance(value, dict):
        return {key: figure(item) for key, item in value.items()}
    if isinstance(value, str) and re.fullmatch(r"-?\d+(?:\.\d+)?", value):
        return Decimal(value)
    return value


def totals(lines: pl.DataFrame) -> dict[str, object]:
    """The figures expected.json states, recomputed from the lines."""
    sales, returns = lines.filter(~pl.col("is_return")), lines.filter(pl.col("is_return"))
    by_location = lines.with_columns(pl.col("location").fill_null("")).group_by("location")
    costed = lines.filter(pl.col("cost").is_not_null())
    customers = lines.get_column("customer").drop_nulls()
    return {
        "lines_loaded": len(lines),
        "revenue": lines["amount"].sum(),
        "returns": -returns["amount"].sum(),
        "units": lines["quantity"].sum(),
        "units_returned": -returns["quantity"].sum(),
        "tickets": sales.select("location", "ticket").n_unique(),
        "return_tickets": returns.select("location", "ticket").n_unique(),
        "date_from": lines["day"].min().isoformat(),
        "date_to": lines["day"].max().isoformat(),
        "revenue_by_location": dict(by_location.agg(pl.col("amount").sum()).iter_rows()),
        "customers": customers.n_unique() if len(customers) else None,
        "customers_by_location": {
            name: count
            for name, count in by_location.agg(pl.col("customer").drop_nulls().n_unique()).iter_rows()
            if count
        },
        "cost": costed["cost"].sum(),
        "costed_revenue": costed["amount"].sum(),
    }


@pytest.mark.parametrize("name", LOADABLE)
def test_the_real_fixtures_parse_to_their_hand_checked_totals(name: str) -> None:
    expected = EXPECTED[name]
    raw = read_table((FIXTURES / name).read_bytes(), name)
    mapping = {field: match.column for field, match in map_headers(raw).matches.items()}
    assert {field.value: column for field, column in mapping.items()} == expected["mapping"]
    detection = detect_formats(raw, mapping)
    assert detection.ambiguous == ()
    assert detection.date_format is not None
    assert detection.number_format is not None
    assert detection.date_format.order == expected["formats"]["date_order"]
    assert (detection.number_format.decimal, detection.number_format.thousands) == (
        expected["formats"]["decimal"],
        expected["formats"]["thousands"],
    )
    reading = Reading(raw.dialect, mapping, detection.date_format, detection.number_format)
    result = parse_lines(raw, reading, timezone=SANTIAGO, customer_key=KEY)
    rejected = {str(row): {"column": column, "value": value} for row, column, value, _ in result.rejects.iter_rows()}
    assert rejected == {row: {key: r[key] for key in ("column", "value")} for row, r in expected["rejected"].items()}
    figures = totals(result.lines)
    assert {key: figure(figures[key]) for key in expected if key in figures} == {
        key: figure(value) for key, value in expected.items() if key in figures
    }
