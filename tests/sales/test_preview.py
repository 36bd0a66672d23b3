"""The import's preview (ayni/sales/preview.py): what it shows of a file, the locations it matches, when it is
ready and the problems it names."""

from __future__ import annotations

import json
from uuid import UUID

import polars as pl
import pytest

from ayni.sales.formats import detect_formats
from ayni.sales.headers import map_headers
from ayni.sales.preview import (
    AMBIGUOUS_FORMAT,
    NO_DATE,
    PREVIEW_ROWS,
    REJECTED_ROWS,
    TOO_MANY_REJECTED,
    KnownLocation,
    build_preview,
    location_key,
)
from ayni.sales.reading import Dialect, reading_from_json
from ayni.sales.sources import RawTable

CENTRO = KnownLocation(UUID(int=1), "Centro", "CEN")
NUNOA = KnownLocation(UUID(int=2), "Ñuñoa", "NUN")
VINA = KnownLocation(UUID(int=3), "Viña del Mar", "VDM")


def table(columns: list[str], rows: list[list[str | None]]) -> RawTable:
    frame = pl.DataFrame([dict(zip(columns, row, strict=True)) for row in rows], schema=dict.fromkeys(columns, pl.Utf8))
    frame = frame.with_columns(pl.int_range(2, len(rows) + 2, dtype=pl.Int64).alias("__row"))
    return RawTable(Dialect("utf-8", ",", 1), columns, frame, len(rows))


def preview(raw: RawTable, locations: list[KnownLocation] | None = None) -> dict[str, object]:
    detection = detect_formats(raw, {field: match.column for field, match in map_headers(raw).matches.items()})
    return build_preview(
        raw,
        map_headers(raw),
        detection,
        timezone="America/Santiago",
        locations=[CENTRO, NUNOA, VINA] if locations is None else locations,
        customer_key=b"k",
    )


POS = ["Fecha venta", "Nombre sucursal", "Código", "Producto", "Cantidad", "Precio unitario", "Total neto", "Otro"]
POS_ROWS: list[list[str | None]] = [
    ["13-01-2024 9:05", "Sucursal Centro", "A1", "Pan", "1.088", "4,454", "4,846", "x"],
    ["14-01-2024 10:00", "SUCURSAL ÑUÑOA", "B2", "Leche", "2", "990", "1,980", "y"],
    ["15-01-2024 11:30", "Tienda nueva", "B2", "Leche", "1", "990", "990", "z"],
    ["16-01-2024 12:00", "Sucursal Centro", "C3", "Café", "1", "1,990", "1,990", "w"],
]


def test_a_clear_pos_export_is_ready_and_says_what_was_understood() -> None:
    result = preview(table(POS, POS_ROWS))
    json.dumps(result)  # JSON-ready as it is
    assert result["ready"] is True
    assert (result["encoding"], result["delimiter"], result["header_row"], result["rows_total"]) == ("utf-8", ",", 1, 4)
    assert result["mapping"]["sold_at"] == {"column": "Fecha venta", "confidence": 1.0}  # type: ignore[index]
    assert result["unmapped"] == ["Otro"]
    assert result["formats"] == {
        "date": {
            "order": "DMY",
            "pattern": "%d-%m-%Y %H:%M",
            "example": {"value": "13-01-2024 9:05", "reads_as": "2024-01-13T09:05:00"},
        },
        "number": {"decimal": ".", "thousands": ",", "example": {"value": "1.088", "reads_as": 1.088}},
    }
    assert result["ambiguous"] == []
    assert result["locations"] == [
        {"name": "Sucursal Centro", "lines": 2, "match": str(CENTRO.id)},
        {"name": "SUCURSAL ÑUÑOA", "lines": 1, "match": str(NUNOA.id)},
        {"name": "Tienda nueva", "lines": 1, "match": None},
    ]
    assert (result["date_from"], result["date_to"]) == ("2024-01-13", "2024-01-16")
    assert result["problems"] == []
    first = result["rows"][0]  # type: ignore[index]
    assert first["sold_at"] == "2024-01-13T09:05:00-03:00"
    assert (first["quantity"], first["amount"], first["location"]) == (1.088, 4846, "Sucursal Centro")
    assert "customer" not in first
    reading = reading_from_json(result["reading"])  # type: ignore[arg-type]
    assert reading.date_format.pattern == "%d-%m-%Y %H:%M"


def test_at_most_twenty_rows_are_shown() -> None:
    result = preview(table(POS, POS_ROWS * 10))
    assert len(result["rows"]) == PREVIEW_ROWS  # type: ignore[arg-type]


def test_an_ambiguous_file_waits_for_the_user_with_the_candidates() -> None:
    rows: list[list[str | None]] = [["05-03-2024", "A1", "1.500", "1990"], ["03-04-2024", "B2", "2", "500"]]
    result = preview(table(["Fecha", "SKU", "Cantidad", "Total"], rows))
    assert result["ready"] is False
    assert result["ambiguous"] == ["date_order", "number_format"]
    assert [candidate["order"] for candidate in result["candidates"]["date"]] == ["DMY", "MDY"]  # type: ignore[index]
    assert {"decimal": ".", "thousands": ","} in result["candidates"]["number"]  # type: ignore[index]
    codes = [problem["code"] for problem in result["problems"]]  # type: ignore[attr-defined]
    assert codes == [AMBIGUOUS_FORMAT, AMBIGUOUS_FORMAT]


def test_a_file_without_a_date_column_names_the_problem() -> None:
    result = preview(table(["Producto", "Total"], [["Pan", "1.000"]]))
    assert result["ready"] is False
    assert [problem["code"] for problem in result["problems"]] == [NO_DATE]  # type: ignore[attr-defined]
    assert (result["rows"], result["reading"], result["date_from"]) == ([], None, None)


def test_rejected_rows_are_counted_and_too_many_stop_the_import() -> None:
    few = preview(table(POS, [*POS_ROWS * 3, ["xx", "Sucursal Centro", "A1", "Pan", "1", "1", "1", "x"]]))
    assert few["ready"] is True
    assert few["problems"] == [{"code": REJECTED_ROWS, "message": "1 of 13 rows (7.7%) would be rejected."}]
    many = preview(table(POS, [*POS_ROWS, ["xx", "Sucursal Centro", "A1", "Pan", "1", "1", "1", "x"]]))
    assert many["ready"] is False
    assert [problem["code"] for problem in many["problems"]] == [TOO_MANY_REJECTED]  # type: ignore[attr-defined]


def test_without_a_location_column_the_only_location_is_matched() -> None:
    raw = table(["Fecha", "SKU", "Total"], [["13-01-2024", "A1", "10"]])
    assert preview(raw, [CENTRO])["locations"] == [{"name": None, "lines": 1, "match": str(CENTRO.id)}]
    assert preview(raw)["locations"] == [{"name": None, "lines": 1, "match": None}]


@pytest.mark.parametrize(
    ("written", "known"),
    [
        ("Sucursal Centro", "Centro"),
        ("LOCAL VIÑA DEL MAR", "Viña del Mar"),
        ("Tienda  Ñuñoa", "Nunoa"),
        ("viña-del-mar", "Viña del Mar"),
        ("Sucursal: Centro", "Centro"),
    ],
)
def test_location_names_are_compared_blind_to_case_accents_punctuation_and_prefix(written: str, known: str) -> None:
    assert location_key(written) == location_key(known)


def test_a_location_matches_by_code_too() -> None:
    raw = table(["Fecha", "Local", "SKU", "Total"], [["13-01-2024", "VDM", "A1", "10"]])
    assert preview(raw)["locations"] == [{"name": "VDM", "lines": 1, "match": str(VINA.id)}]
