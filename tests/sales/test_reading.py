"""A reading's JSON, as the API shows and accepts it (ayni/sales/reading.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ayni.sales.reading import (
    DATE_ORDERS,
    DECIMALS,
    DELIMITERS,
    ENCODINGS,
    QUOTES,
    THOUSANDS,
    XLSX,
    DateFormat,
    Dialect,
    Field,
    NumberFormat,
    Reading,
    reading_from_json,
    reading_to_json,
)

names = st.text(min_size=1, max_size=30).filter(str.strip)


@st.composite
def readings(draw: st.DrawFn) -> Reading:
    encoding = draw(st.sampled_from(ENCODINGS))
    delimiter = "" if encoding == XLSX else draw(st.sampled_from(DELIMITERS))
    decimal = draw(st.sampled_from(DECIMALS))
    return Reading(
        dialect=Dialect(
            encoding=encoding,
            delimiter=delimiter,
            header_row=draw(st.integers(min_value=1, max_value=10_000)),
            quote=draw(st.sampled_from(QUOTES)),
        ),
        mapping=draw(st.dictionaries(st.sampled_from(Field), names)),
        date_format=DateFormat(order=draw(st.sampled_from(DATE_ORDERS)), pattern=draw(names)),
        number_format=NumberFormat(
            decimal=decimal, thousands=draw(st.sampled_from([mark for mark in THOUSANDS if mark != decimal]))
        ),
    )


@given(readings())
def test_a_reading_survives_its_json(reading: Reading) -> None:
    assert reading_from_json(json.loads(json.dumps(reading_to_json(reading)))) == reading


def test_the_json_shape() -> None:
    reading = Reading(
        dialect=Dialect(encoding="utf-8", delimiter=",", header_row=4),
        mapping={Field.SOLD_AT: "Fecha venta", Field.AMOUNT: "Total neto"},
        date_format=DateFormat(order="DMY", pattern="%d-%m-%Y %H:%M"),
        number_format=NumberFormat(decimal=".", thousands=","),
    )
    assert reading_to_json(reading) == {
        "encoding": "utf-8",
        "delimiter": ",",
        "header_row": 4,
        "quote": '"',
        "mapping": {"sold_at": "Fecha venta", "amount": "Total neto"},
        "date_format": {"order": "DMY", "pattern": "%d-%m-%Y %H:%M"},
        "number_format": {"decimal": ".", "thousands": ","},
    }


def test_the_quote_may_be_left_out() -> None:
    data = reading_to_json(
        Reading(
            dialect=Dialect(encoding="windows-1252", delimiter=";", header_row=1),
            mapping={},
            date_format=DateFormat(order="DMY", pattern="%d/%m/%Y"),
            number_format=NumberFormat(decimal=",", thousands="."),
        )
    )
    del data["quote"]
    assert reading_from_json(data).dialect.quote == '"'


GOOD: dict[str, Any] = {
    "encoding": "utf-8",
    "delimiter": ";",
    "header_row": 1,
    "mapping": {"sold_at": "Fecha"},
    "date_format": {"order": "DMY", "pattern": "%d/%m/%Y"},
    "number_format": {"decimal": ",", "thousands": "."},
}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"encoding": "latin-1"}, '"encoding"'),
        ({"encoding": None}, '"encoding"'),
        ({"delimiter": "|"}, '"delimiter"'),
        ({"encoding": "xlsx"}, '"delimiter"'),  # a workbook has no delimiter
        ({"header_row": 0}, '"header_row"'),
        ({"header_row": "1"}, '"header_row"'),
        ({"header_row": True}, '"header_row"'),
        ({"quote": "`"}, '"quote"'),
        ({"mapping": ["sold_at"]}, '"mapping"'),
        ({"mapping": {"fecha": "Fecha"}}, '"mapping.fecha"'),
        ({"mapping": {"sold_at": ""}}, '"mapping.sold_at"'),
        ({"mapping": {"sold_at": 3}}, '"mapping.sold_at"'),
        ({"date_format": "DMY"}, '"date_format"'),
        ({"date_format": {"order": "DDMMYY", "pattern": "%d"}}, '"date_format.order"'),
        ({"date_format": {"order": "DMY"}}, '"date_format.pattern"'),
        ({"number_format": {"decimal": ",", "thousands": ","}}, '"number_format.thousands"'),
        ({"number_format": {"decimal": "·", "thousands": ""}}, '"number_format.decimal"'),
        ({"number_format": {"decimal": "."}}, '"number_format.thousands"'),
    ],
)
def test_a_bad_key_is_named(change: dict[str, Any], key: str) -> None:
    with pytest.raises(ValueError, match=key) as raised:
        reading_from_json(GOOD | change)
    assert str(raised.value).endswith(".")


def test_a_missing_key_is_named() -> None:
    data = dict(GOOD)
    del data["date_format"]
    with pytest.raises(ValueError, match='"date_format" must be an object'):
        reading_from_json(data)
