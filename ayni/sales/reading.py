"""How a file is read: the choices detection makes and the user may correct (DESIGN.md "Sales imports")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Field(StrEnum):
    SOLD_AT = "sold_at"
    TICKET = "ticket"
    DOCUMENT_TYPE = "document_type"
    SKU = "sku"
    PRODUCT = "product"
    CATEGORY = "category"
    QUANTITY = "quantity"
    AMOUNT = "amount"
    UNIT_PRICE = "unit_price"
    COST = "cost"
    UNIT_COST = "unit_cost"
    DISCOUNT = "discount"
    KIND = "kind"
    PAYMENT_METHOD = "payment_method"
    SELLER = "seller"
    LOCATION = "location"
    CUSTOMER = "customer"
    # SOLD_AT alone may carry date and time, or a separate date column + time column pair is mapped as SOLD_AT
    # (the date) and SOLD_TIME.
    SOLD_TIME = "sold_time"


NUMERIC_FIELDS = (Field.QUANTITY, Field.AMOUNT, Field.UNIT_PRICE, Field.COST, Field.UNIT_COST, Field.DISCOUNT)


@dataclass(frozen=True)
class Dialect:
    encoding: str  # "utf-8", "utf-8-sig" (BOM) or "windows-1252"; "xlsx" for a workbook
    delimiter: str  # ",", ";" or "\t" ("" for xlsx)
    header_row: int  # 1-based row of the header (rows above it are a title block the POS wrote)
    quote: str = '"'


@dataclass(frozen=True)
class DateFormat:
    order: str  # "DMY", "MDY" or "YMD"
    pattern: str  # a strftime pattern for polars, e.g. "%d-%m-%Y %H:%M"; time part optional


@dataclass(frozen=True)
class NumberFormat:
    decimal: str  # "." or ","
    thousands: str  # "", ",", "." or " " (never equal to decimal)


@dataclass(frozen=True)
class Reading:
    dialect: Dialect
    mapping: dict[Field, str]  # Ayni field -> the file's column name
    date_format: DateFormat
    number_format: NumberFormat


# --- JSON: the shape the API shows in a preview and accepts as the user's corrections -------------------------

XLSX = "xlsx"
ENCODINGS = ("utf-8", "utf-8-sig", "windows-1252", XLSX)
DELIMITERS = (",", ";", "\t")
QUOTES = ('"', "'")
DATE_ORDERS = ("DMY", "MDY", "YMD")
DECIMALS = (".", ",")
THOUSANDS = ("", ",", ".", " ")


def reading_to_json(reading: Reading) -> dict[str, Any]:
    """The reading as JSON: `reading_from_json` gives it back unchanged."""
    dialect = reading.dialect
    return {
        "encoding": dialect.encoding,
        "delimiter": dialect.delimiter,
        "header_row": dialect.header_row,
        "quote": dialect.quote,
        "mapping": {field.value: column for field, column in reading.mapping.items()},
        "date_format": {"order": reading.date_format.order, "pattern": reading.date_format.pattern},
        "number_format": {"decimal": reading.number_format.decimal, "thousands": reading.number_format.thousands},
    }


def reading_from_json(data: Mapping[str, Any]) -> Reading:
    """A reading from its JSON (`quote` may be left out: the double quote). Raises ValueError with a sentence
    naming the first bad key."""
    encoding = _choice(data, "encoding", ENCODINGS)
    is_workbook = encoding == XLSX
    delimiter = _choice(data, "delimiter", ("",) if is_workbook else DELIMITERS)
    header_row = data.get("header_row")
    if type(header_row) is not int or header_row < 1:
        raise ValueError('"header_row" must be a whole number from 1 (the first row).')
    quote = _choice(data, "quote", QUOTES) if "quote" in data else '"'
    date_format = _object(data, "date_format")
    number_format = _object(data, "number_format")
    decimal = _choice(number_format, "decimal", DECIMALS, "number_format.")
    thousands = _choice(number_format, "thousands", THOUSANDS, "number_format.")
    if thousands == decimal:
        raise ValueError('"number_format.thousands" must differ from "number_format.decimal".')
    return Reading(
        dialect=Dialect(encoding=encoding, delimiter=delimiter, header_row=header_row, quote=quote),
        mapping=_mapping(_object(data, "mapping")),
        date_format=DateFormat(
            order=_choice(date_format, "order", DATE_ORDERS, "date_format."),
            pattern=_text(date_format, "pattern", "date_format."),
        ),
        number_format=NumberFormat(decimal=decimal, thousands=thousands),
    )


def _mapping(data: Mapping[str, Any]) -> dict[Field, str]:
    fields = {field.value: field for field in Field}
    mapping: dict[Field, str] = {}
    for key in data:
        if key not in fields:
            raise ValueError(f'"mapping.{key}" is not an Ayni field; the fields are {", ".join(fields)}.')
        mapping[fields[key]] = _text(data, key, "mapping.")
    return mapping


def _object(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise ValueError(f'"{key}" must be an object.')
    return value


def _text(data: Mapping[str, Any], key: str, prefix: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f'"{prefix}{key}" must be a non-empty string.')
    return value


def _choice(data: Mapping[str, Any], key: str, allowed: tuple[str, ...], prefix: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or value not in allowed:
        shown = ", ".join(repr(option) for option in allowed)
        raise ValueError(f'"{prefix}{key}" must be one of {shown}.')
    return value
