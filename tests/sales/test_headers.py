"""Which column holds which field: names in Spanish and English, blind to case, accents and punctuation, checked
against the values (ayni/sales/headers.py)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ayni.sales.headers import (
    EXACT,
    SYNONYMS,
    ColumnMatch,
    map_headers,
    name_match,
    normalize,
)
from ayni.sales.reading import Dialect, Field
from ayni.sales.sources import ROW, RawTable, read_table

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
MAPPED = sorted(name for name, facts in EXPECTED.items() if "mapping" in facts)


def table(columns: dict[str, list[str | None]]) -> RawTable:
    """A table of the given columns, as read_table would give it."""
    height = len(next(iter(columns.values()), []))
    frame = pl.DataFrame(
        columns | {ROW: list(range(2, height + 2))}, schema=dict.fromkeys(columns, pl.String) | {ROW: pl.Int64}
    )
    return RawTable(dialect=Dialect("utf-8", ",", 1), columns=list(columns), frame=frame, rows_total=height)


def mapping(raw: RawTable) -> dict[str, str]:
    return {field.value: match.column for field, match in map_headers(raw).matches.items()}


# --- the fixtures ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MAPPED)
def test_each_fixture_maps_as_expected(name: str) -> None:
    raw = read_table((FIXTURES / name).read_bytes(), name)
    result = map_headers(raw)
    assert mapping(raw) == EXPECTED[name]["mapping"]
    assert all(match.confidence == EXACT for match in result.matches.values())
    assert result.unmapped == EXPECTED[name].get("unmapped", [])


# --- names ----------------------------------------------------------------------------------------------------


def test_headers_compare_blind_to_case_accents_punctuation_and_spacing() -> None:
    assert normalize("N° doc. venta") == normalize("n doc venta") == "n doc venta"
    assert normalize("Nº Boleta") == normalize("N° BOLETA") == normalize("Número de boleta") == "n boleta"
    assert normalize("Nro. doc. de venta") == normalize("# doc venta") == "n doc venta"
    assert normalize("Receipt No.") == normalize("Receipt number") == normalize("Receipt #") == "receipt n"
    assert normalize("  Fecha   de  Emisión ") == "fecha emision"
    assert normalize("Total ($ CLP)") == "total"
    assert normalize("Método_pago") == normalize("metodo-pago")


def test_no_synonym_names_two_fields() -> None:
    seen: dict[str, Field] = {}
    for field, names in SYNONYMS.items():
        for name in names:
            key = normalize(name)
            assert seen.setdefault(key, field) == field, f"{name!r} names {seen[key]} and {field}"
            assert key, name


def test_every_field_has_spanish_and_english_names() -> None:
    assert set(SYNONYMS) == set(Field)
    for field in (Field.SOLD_AT, Field.QUANTITY, Field.AMOUNT, Field.LOCATION, Field.CUSTOMER):
        assert len(SYNONYMS[field]) >= 4


@pytest.mark.parametrize(("field", "name"), [(field, name) for field, names in SYNONYMS.items() for name in names])
def test_every_synonym_names_its_field(field: Field, name: str) -> None:
    matches = name_match(name)
    assert matches[field][0] == EXACT
    assert [other for other, (confidence, _) in matches.items() if confidence == EXACT] == [field]


ACCENTED = {"a": "áà", "e": "éè", "i": "í", "o": "óö", "u": "úü", "n": "ñ", "A": "Á", "E": "É", "O": "Ó", "N": "Ñ"}


@st.composite
def variants(draw: st.DrawFn) -> tuple[Field, str]:
    """A synonym as someone might type it: any casing, accents added or dropped, punctuation and spaces around
    and between its words."""
    field, name = draw(st.sampled_from([(field, name) for field, names in SYNONYMS.items() for name in names]))
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    separator = st.sampled_from([" ", "  ", ". ", "_", "-", " / ", ": ", "."])
    words = []
    for word in bare.replace(".", " ").split():
        letters = [
            draw(st.sampled_from([letter, *ACCENTED.get(letter, "")])) if letter.isalpha() else letter
            for letter in word
            if letter.isalnum()
        ]
        words.append("".join(draw(st.sampled_from([c.upper(), c.lower()])) for c in letters))
    text = "".join(word + draw(separator) for word in words if word)
    return field, draw(st.sampled_from(["", " ", "(", "¿"])) + text + draw(st.sampled_from(["", ":", " *", "."]))


@given(variants())
def test_any_spelling_of_a_synonym_maps_to_its_field(variant: tuple[Field, str]) -> None:
    field, header = variant
    assert map_headers(table({header: []})).matches == {field: ColumnMatch(column=header, confidence=EXACT)}


def test_a_header_holding_a_synonym_is_a_lesser_match() -> None:
    assert name_match("Total neto ($ con IVA)")[Field.AMOUNT][0] < EXACT
    assert name_match("Fecha y hora de la venta")[Field.SOLD_AT][0] < EXACT


def test_a_part_of_one_fields_synonym_is_a_guess_and_of_several_none() -> None:
    assert 0 < name_match("Neto")[Field.AMOUNT][0] < EXACT
    assert name_match("Venta") == {}  # fecha venta, venta neta, precio venta, ...
    assert name_match("Unitario") == {}  # precio unitario, costo unitario


# --- the table ------------------------------------------------------------------------------------------------


def test_dates_confirm_a_date_column_and_words_reject_an_amount() -> None:
    raw = table(
        {
            "Fecha": ["01-10-2025 8:05", "31-10-2025 20:55"],
            "Total": ["Pagado", "Pendiente"],
            "Monto": ["4,454", "(1.234)"],
        }
    )
    result = map_headers(raw)
    assert result.matches[Field.SOLD_AT] == ColumnMatch("Fecha", EXACT)
    assert result.matches[Field.AMOUNT] == ColumnMatch("Monto", EXACT)
    assert result.unmapped == ["Total"]


def test_some_values_of_another_kind_lower_the_confidence() -> None:
    raw = table({"Fecha": ["01-10-2025", "02-10-2025", "mañana", "ayer"], "Total": ["1", "2", "3", "4"]})
    assert map_headers(raw).matches[Field.SOLD_AT].confidence == pytest.approx(0.5)


def test_one_column_serves_one_field() -> None:
    raw = table({"Costo unitario": ["1.5"], "Costo total": ["3"], "Precio unitario": ["2"], "Tipo doc.": ["Boleta"]})
    assert mapping(raw) == {
        "document_type": "Tipo doc.",
        "unit_price": "Precio unitario",
        "cost": "Costo total",
        "unit_cost": "Costo unitario",
    }


def test_a_cost_alone_is_the_lines_cost() -> None:
    assert mapping(table({"Costo": ["1500"]})) == {"cost": "Costo"}


def test_the_stronger_synonym_wins_between_two_exact_columns() -> None:
    raw = table({"Subtotal": ["10"], "Total": ["9"], "Descuento": ["1"]})
    result = map_headers(raw)
    assert mapping(raw) == {"amount": "Total", "discount": "Descuento"}
    assert result.unmapped == ["Subtotal"]


def test_a_tie_goes_to_the_earlier_field() -> None:
    # "Fecha y hora" holds SOLD_AT's "fecha" and SOLD_TIME's "hora": both exact synonyms' runs.
    assert mapping(table({"Fecha hora venta": ["01-10-2025 10:00"]})) == {"sold_at": "Fecha hora venta"}


def test_a_date_column_and_a_time_column_make_the_instant() -> None:
    raw = table({"Fecha": ["2025-10-01", "2025-10-02"], "Hora": ["10:12:00", "8:05"], "Total": ["1", "2"]})
    assert mapping(raw) == {"sold_at": "Fecha", "amount": "Total", "sold_time": "Hora"}


def test_a_time_column_beside_full_datetimes_is_left_out() -> None:
    raw = table({"Fecha": ["2025-10-01 10:12", "2025-10-02 8:05"], "Hora": ["10:12", "8:05"]})
    result = map_headers(raw)
    assert mapping(raw) == {"sold_at": "Fecha"}
    assert result.unmapped == ["Hora"]


def test_unknown_and_blank_columns_are_unmapped_in_file_order() -> None:
    raw = table({"Tamaño": ["M"], "column_2": [None], "Producto": ["Pan"], "Observaciones": ["x"]})
    result = map_headers(raw)
    assert mapping(raw) == {"product": "Producto"}
    assert result.unmapped == ["Tamaño", "column_2", "Observaciones"]
