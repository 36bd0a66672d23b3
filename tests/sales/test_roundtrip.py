"""A generated table of sales, written out in any dialect Ayni reads, reads back to the same values: READ's
`read_table` and `map_headers`, then `detect_formats` and `parse_lines`. When the written table is ambiguous the
detection says so, and the way it was written is among the candidates (and reads it back right)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import polars as pl
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ayni.sales.formats import DATE_ORDER, NUMBER_FORMAT, detect_formats
from ayni.sales.headers import map_headers
from ayni.sales.parse import parse_lines
from ayni.sales.reading import DateFormat, Field, NumberFormat, Reading
from ayni.sales.sources import read_table

SANTIAGO = "America/Santiago"
KEY = b"k" * 32
HEADERS = {
    "es": {
        Field.SOLD_AT: "Fecha venta",
        Field.SOLD_TIME: "Hora",
        Field.LOCATION: "Nombre sucursal",
        Field.DOCUMENT_TYPE: "Tipo doc.",
        Field.TICKET: "N° doc. venta",
        Field.SKU: "Código",
        Field.PRODUCT: "Producto",
        Field.CATEGORY: "Categoría",
        Field.QUANTITY: "Cantidad",
        Field.AMOUNT: "Total neto",
        Field.UNIT_PRICE: "Precio unitario",
        Field.KIND: "Tipo",
        Field.CUSTOMER: "RUT cliente",
    },
    "en": {
        Field.SOLD_AT: "Date",
        Field.SOLD_TIME: "Time",
        Field.LOCATION: "Store",
        Field.DOCUMENT_TYPE: "Document type",
        Field.TICKET: "Receipt",
        Field.SKU: "SKU",
        Field.PRODUCT: "Item",
        Field.CATEGORY: "Category",
        Field.QUANTITY: "Qty",
        Field.AMOUNT: "Net sales",
        Field.UNIT_PRICE: "Unit price",
        Field.KIND: "Type",
        Field.CUSTOMER: "Customer email",
    },
}
RETURN_WORD = {"es": "Devolución", "en": "Return"}
SALE_WORD = {"es": "Venta", "en": "Sale"}
OPTIONAL = (
    Field.LOCATION,
    Field.TICKET,
    Field.CATEGORY,
    Field.KIND,
    Field.CUSTOMER,
    Field.QUANTITY,
    Field.UNIT_PRICE,
)
# The nights clocks change in Santiago in 2024: 0:xx on 8 September does not exist, 23:xx on 6 April happens twice.
DST_MOMENTS = [datetime(2024, 9, 8, 0, 30), datetime(2024, 9, 8, 0, 5), datetime(2024, 4, 6, 23, 30)]


@dataclass(frozen=True)
class Sale:
    moment: datetime  # local wall time as written
    location: str
    ticket: int
    sku: str
    product: str
    quantity: Decimal  # positive; `is_return` gives the sign
    unit_price: Decimal
    amount: Decimal
    is_return: bool
    customer: str | None


@dataclass(frozen=True)
class Style:
    encoding: str
    delimiter: str
    quote_all: bool
    order: str
    separator: str
    padded: bool
    time: str  # "minutes", "seconds", "12h", "iso", "none", "column"
    number: NumberFormat
    decimals: int  # of the currency
    language: str
    fields: tuple[Field, ...]  # the columns written, in file order
    returns_by_kind: bool  # returns say so in a kind column (positive numbers) rather than by their sign


moments = st.one_of(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0, fold=0)
    ),
    st.sampled_from(DST_MOMENTS),
)


@st.composite
def sales(draw: st.DrawFn, decimals: int) -> list[Sale]:
    count = draw(st.integers(1, 12))
    result = []
    for ticket in range(1, count + 1):
        sku = draw(st.sampled_from(["A1", "B22", "C333"]))
        weighed = draw(st.booleans())
        quantity = Decimal(draw(st.integers(1, 9999))) / 1000 if weighed else Decimal(draw(st.integers(1, 12)))
        unit = Decimal(1).scaleb(-decimals)
        unit_price = Decimal(draw(st.integers(1, 10**7))) * unit
        # The line's amount is what the POS computes and rounds to the currency (never zero: a return needs a sign).
        amount = max(unit, (quantity * unit_price).quantize(unit, ROUND_HALF_UP))
        result.append(
            Sale(
                moment=draw(moments),
                location=draw(st.sampled_from(["Centro", "Ñuñoa", "Viña del Mar"])),
                ticket=ticket,
                sku=sku,
                product=f"Producto {sku}",
                quantity=quantity,
                unit_price=unit_price,
                amount=amount,
                is_return=draw(st.booleans()),
                customer=draw(st.sampled_from([None, "12.345.678-5", "ana@example.com"])),
            )
        )
    return result


@st.composite
def styles(draw: st.DrawFn) -> Style:
    order = draw(st.sampled_from(["DMY", "MDY", "YMD"]))
    time = draw(st.sampled_from(["minutes", "seconds", "12h", "none", "column"] + (["iso"] if order == "YMD" else [])))
    optional = [field for field in OPTIONAL if draw(st.booleans())]
    if Field.TICKET in optional and draw(st.booleans()):
        optional.append(Field.DOCUMENT_TYPE)
    fields = [Field.SOLD_AT, Field.SKU, Field.PRODUCT, Field.AMOUNT, *optional]
    if time == "column":
        fields.append(Field.SOLD_TIME)
    return Style(
        encoding=draw(st.sampled_from(["utf-8", "utf-8-sig", "windows-1252"])),
        delimiter=draw(st.sampled_from([",", ";", "\t"])),
        quote_all=draw(st.booleans()),
        order=order,
        separator="-" if time == "iso" else draw(st.sampled_from(["-", "/", "."])),
        padded=draw(st.booleans()),
        time=time,
        number=draw(st.sampled_from([NumberFormat(d, t) for d in ".," for t in ("", ",", ".", " ") if t != d])),
        decimals=draw(st.sampled_from([0, 2])),
        language=draw(st.sampled_from(["es", "en"])),
        fields=tuple(draw(st.permutations(fields))),
        returns_by_kind=Field.KIND in fields and draw(st.booleans()),
    )


# --- Writing ------------------------------------------------------------------------------------------------------


def date_pattern(style: Style) -> str:
    parts = {"DMY": ("%d", "%m", "%Y"), "MDY": ("%m", "%d", "%Y"), "YMD": ("%Y", "%m", "%d")}[style.order]
    date = style.separator.join(parts)
    times = {
        "minutes": " %H:%M",
        "seconds": " %H:%M:%S",
        "12h": " %I:%M %p",
        "iso": "T%H:%M:%S",
        "none": "",
        "column": " %H:%M:%S",
    }
    return date + times[style.time]


def written_date(moment: datetime, style: Style) -> str:
    pattern = date_pattern(style).split(" ")[0] if style.time == "column" else date_pattern(style)
    text = moment.strftime(pattern)
    # Unpadded day, month and hour ("1-2-2024 9:05") are what many POS write; ISO is always padded.
    return text if style.padded or style.time == "iso" else _unpad(text)


def _unpad(text: str) -> str:
    """Day, month and hour without their leading zero; minutes and seconds keep theirs."""
    return re.sub(r"(?<![\d:])0(?=\d)", "", text)


def written_number(value: Decimal, decimals: int, style: NumberFormat) -> str:
    sign = "-" if value < 0 else ""
    integer, _, fraction = f"{abs(value):.{decimals}f}".partition(".")
    groups = [integer[max(0, end - 3) : end] for end in range(len(integer), 0, -3)][::-1]
    body = style.thousands.join(groups) if style.thousands else integer
    return sign + body + (style.decimal + fraction if fraction else "")


def cells(sale: Sale, style: Style) -> dict[Field, str]:
    sign = -1 if sale.is_return and not style.returns_by_kind else 1
    quantity_decimals = -sale.quantity.as_tuple().exponent  # type: ignore[operator]
    kind = RETURN_WORD[style.language] if sale.is_return else SALE_WORD[style.language]
    return {
        Field.SOLD_AT: written_date(sale.moment, style),
        Field.SOLD_TIME: sale.moment.strftime("%H:%M:%S"),
        Field.LOCATION: sale.location,
        Field.DOCUMENT_TYPE: "Boleta",
        Field.TICKET: str(sale.ticket),
        Field.SKU: sale.sku,
        Field.PRODUCT: sale.product,
        Field.CATEGORY: "Panadería",
        Field.QUANTITY: written_number(sign * sale.quantity, quantity_decimals, style.number),
        Field.AMOUNT: written_number(sign * sale.amount, style.decimals, style.number),
        Field.UNIT_PRICE: written_number(sale.unit_price, style.decimals, style.number),
        Field.KIND: kind if style.returns_by_kind or not sale.is_return else SALE_WORD[style.language],
        Field.CUSTOMER: sale.customer or "",
    }


def csv_bytes(rows: list[Sale], style: Style) -> bytes:
    def line(values: list[str]) -> str:
        quoted = [
            '"' + value.replace('"', '""') + '"'
            if style.quote_all or any(char in value for char in (style.delimiter, '"', "\n"))
            else value
            for value in values
        ]
        return style.delimiter.join(quoted)

    header = line([HEADERS[style.language][field] for field in style.fields])
    body = [line([cells(sale, style)[field] for field in style.fields]) for sale in rows]
    return ("\r\n".join([header, *body]) + "\r\n").encode(style.encoding)


# --- Expected values ------------------------------------------------------------------------------------------------


def expected_lines(rows: list[Sale], style: Style) -> list[dict[str, object]]:
    zone = ZoneInfo(SANTIAGO)
    quantity_written = Field.QUANTITY in style.fields
    with_seconds = style.time in ("seconds", "iso", "column")
    result = []
    for sale in rows:
        moment = sale.moment if with_seconds else sale.moment.replace(second=0)
        moment = moment.replace(hour=0, minute=0, second=0) if style.time == "none" else moment
        sold_at = moment.replace(tzinfo=zone).astimezone(UTC)
        sign = -1 if sale.is_return else 1
        if Field.TICKET in style.fields:
            ticket = ("Boleta" if Field.DOCUMENT_TYPE in style.fields else "") + f"|{sale.ticket}"
        else:
            ticket = "@" + moment.strftime("%Y-%m-%dT%H:%M:%S" if with_seconds else "%Y-%m-%dT%H:%M")
        result.append(
            {
                "location": sale.location if Field.LOCATION in style.fields else None,
                "sold_at": sold_at,
                "day": sold_at.astimezone(zone).date(),
                "hour": sold_at.astimezone(zone).hour,
                "ticket": ticket,
                "product_key": f"sku:{sale.sku}",
                "quantity": sign * (sale.quantity if quantity_written else Decimal(1)),
                "amount": sign * sale.amount,
                "is_return": sale.is_return,
            }
        )
    return result


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_generated_table_reads_back_to_the_same_values(data: st.DataObject) -> None:
    style = data.draw(styles())
    rows = data.draw(sales(style.decimals))
    raw = read_table(csv_bytes(rows, style), "ventas.csv")
    assert raw.dialect.encoding == style.encoding or (style.encoding, raw.dialect.encoding) == ("windows-1252", "utf-8")
    assert raw.dialect.delimiter == style.delimiter
    mapping = {field: match.column for field, match in map_headers(raw).matches.items()}
    assert mapping == {field: HEADERS[style.language][field] for field in style.fields}

    detection = detect_formats(raw, mapping, country="CL" if style.language == "es" else "US")
    true_date = DateFormat(style.order, date_pattern(style))
    assert true_date in detection.date_candidates
    assert style.number in detection.number_candidates
    assert (DATE_ORDER in detection.ambiguous) <= (len(detection.date_candidates) > 1)
    assert (NUMBER_FORMAT in detection.ambiguous) <= (len(detection.number_candidates) > 1)
    assert detection.date_format is not None
    assert detection.number_format is not None
    event(f"ambiguous: {', '.join(detection.ambiguous) or 'nothing'}")
    # Unambiguous: the detected reading; ambiguous: the way it was written, which the user would choose.
    date_format = detection.date_format if DATE_ORDER not in detection.ambiguous else true_date
    number_format = detection.number_format if NUMBER_FORMAT not in detection.ambiguous else style.number
    reading = Reading(raw.dialect, mapping, date_format, number_format)

    result = parse_lines(raw, reading, timezone=SANTIAGO, customer_key=KEY)
    assert result.rejects.is_empty()
    columns = ["location", "sold_at", "day", "hour", "ticket", "product_key", "quantity", "amount", "is_return"]
    assert result.lines.select(columns).to_dicts() == expected_lines(rows, style)
    customers = [sale.customer if Field.CUSTOMER in style.fields else None for sale in rows]
    assert result.lines.select(pl.col("customer").is_null()).to_series().to_list() == [c is None for c in customers]


def test_the_writer_unpads_day_month_and_hour() -> None:
    assert _unpad("01-02-2024 09:05:07") == "1-2-2024 9:05:07"
    assert _unpad("2024-01-02 00:30") == "2024-1-2 0:30"
    assert written_number(Decimal("-1234567.5"), 2, NumberFormat(",", ".")) == "-1.234.567,50"
    assert written_number(Decimal(999), 0, NumberFormat(".", ",")) == "999"
