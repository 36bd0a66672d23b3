"""What a company's fields may hold: RUT, industries, time zones, currencies, regions, and the request types
(ayni/companies/fields.py, chile.py)."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, ValidationError

from ayni.companies.chile import REGION_NAMES, REGIONS, normalize_region
from ayni.companies.fields import (
    CURRENCIES,
    INDUSTRIES,
    RUT_EXAMPLE,
    RUT_MAX_BODY,
    ChileRegion,
    Currency,
    Industry,
    Rut,
    RutError,
    Timezone,
    format_rut,
    minor_units,
    normalize_rut,
    rut_check_digit,
    valid_currency,
    valid_timezone,
)
from ayni.problems import FIELD_ERROR_CODES
from ayni.routing import field_error

# --- RUT ------------------------------------------------------------------------------------------------------

# Public RUTs of Chilean companies and institutions (printed on their invoices and sites), and a few made-up ones
# for the edges, each checked by hand: the body's digits from the right times 2 3 4 5 6 7 2 3, summed; 11 minus the
# sum mod 11; 11 -> 0, 10 -> K.
#   76.086.428-5 (DESIGN.md):  8 2 4 6 8 0 6 7 -> 16 + 6 + 16 + 30 + 48 + 0 + 12 + 21 = 149; 149 mod 11 = 6 -> 5
#   90.749.000-9 (Falabella):  0 0 0 9 4 7 0 9 -> 45 + 24 + 49 + 27 = 145; mod 11 = 2 -> 9
#   93.834.000-5 (Cencosud):   0 0 0 4 3 8 3 9 -> 20 + 18 + 56 + 6 + 27 = 127; mod 11 = 6 -> 5
#   60.803.000-K (SII):        0 0 0 3 0 8 0 6 -> 15 + 56 + 18 = 89; mod 11 = 1 -> 10 -> K
#   97.004.000-5 (Banco de Chile): 0 0 0 4 0 0 7 9 -> 20 + 14 + 27 = 61; mod 11 = 6 -> 5
#   97.036.000-K (Banco Santander-Chile): 0 0 0 6 3 0 7 9 -> 30 + 18 + 14 + 27 = 89; mod 11 = 1 -> K
#   96.792.430-K (Sodimac):    0 3 4 2 9 7 6 9 -> 9 + 16 + 10 + 54 + 49 + 12 + 27 = 177; mod 11 = 1 -> K
#   12.345.678-5 (the example shown to users): 8 7 6 5 4 3 2 1 -> 16+21+24+25+24+21+4+3 = 138; mod 11 = 6 -> 5
#   11.111.111-1: 2+3+4+5+6+7+2+3 = 32; mod 11 = 10 -> 1
#   1.000.013-0:  3 1 0 0 0 0 1 -> 6 + 3 + 2 = 11; mod 11 = 0 -> 11 -> 0
#   6-K: 12; mod 11 = 1 -> 10 -> K.   1-9: 2 -> 9.   22-1: 4 + 6 = 10 -> 1.   19-1: 18 + 3 = 21; mod 11 = 10 -> 1
KNOWN = {
    "76.086.428-5": "76086428-5",
    "90.749.000-9": "90749000-9",
    "93.834.000-5": "93834000-5",
    "60.803.000-K": "60803000-K",
    "97.004.000-5": "97004000-5",
    "97.036.000-K": "97036000-K",
    "96.792.430-K": "96792430-K",
    "11.111.111-1": "11111111-1",
    "12.345.678-5": "12345678-5",
    "1.000.013-0": "1000013-0",
    "6-K": "6-K",
    "1-9": "1-9",
    "22-1": "22-1",
    "19-1": "19-1",
}


@pytest.mark.parametrize(("dotted", "normal"), KNOWN.items())
def test_known_ruts_in_every_spelling(dotted: str, normal: str) -> None:
    body, digit = normal.split("-")
    for spelling in (dotted, normal, body + digit, f"  {dotted.lower()} ", (body + digit).lower()):
        assert normalize_rut(spelling) == normal
    assert format_rut(normal) == dotted
    assert rut_check_digit(int(body)) == digit


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "-",
        "5",
        "76.086.428-4",  # wrong check digit
        "76.086.428-K",
        "760864284",
        "76.086.428",  # no check digit after dots
        "76.086428-5",  # dots out of place
        "760.864.28-5",
        "76,086,428-5",
        "76 086 428-5",
        "76.086.428 - 5",
        "76.086.428--5",
        "76.086.428-55",
        "76.086.428-X",
        "0-0",  # body 0
        "000000000-0",
        "100.000.000-4",  # nine digits
        "1000000004",
        "٧٦٠٨٦٤٢٨-٥",  # Arabic-Indic digits
        "７６０８６４２８-５",  # full-width digits
        "76.086.428-5\x00",
        "1" * 100,
    ],
)
def test_bad_ruts_are_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(RutError, match=r"12\.345\.678-5"):
        normalize_rut(text)


def test_leading_zeros_are_dropped() -> None:
    assert normalize_rut("07.123.455-K") == normalize_rut("7.123.455-k") == "7123455-K"
    assert normalize_rut("000076086428-5") == "76086428-5"


def test_the_largest_body_is_eight_digits() -> None:
    top = f"{RUT_MAX_BODY}-{rut_check_digit(RUT_MAX_BODY)}"
    assert normalize_rut(top) == top
    over = RUT_MAX_BODY + 1
    with pytest.raises(RutError):
        normalize_rut(f"{over}-{rut_check_digit(over)}")


bodies = st.integers(min_value=1, max_value=RUT_MAX_BODY)


def spellings(body: int) -> list[str]:
    digit = rut_check_digit(body)
    dotted = f"{body:,}".replace(",", ".")
    return [f"{dotted}-{digit}", f"{body}-{digit}", f"{body}{digit}", f" {body}{digit.lower()}\t"]


@given(bodies)
def test_every_spelling_of_a_valid_rut_normalises_to_one_form(body: int) -> None:
    normal = f"{body}-{rut_check_digit(body)}"
    assert {normalize_rut(s) for s in spellings(body)} == {normal}
    assert normalize_rut(normal) == normal  # idempotent
    assert normalize_rut(format_rut(normal)) == normal
    assert format_rut(format_rut(normal)) == format_rut(normal)


@given(bodies, st.data())
def test_every_single_digit_change_is_refused(body: int, data: st.DataObject) -> None:
    digits = str(body) + rut_check_digit(body)
    position = data.draw(st.integers(min_value=0, max_value=len(digits) - 1))
    alphabet = "0123456789K" if position == len(digits) - 1 else "0123456789"
    replacement = data.draw(st.sampled_from(alphabet).filter(lambda c: c != digits[position]))
    changed = digits[:position] + replacement + digits[position + 1 :]
    for spelling in (changed, changed[:-1] + "-" + changed[-1]):
        with pytest.raises(RutError):
            normalize_rut(spelling)


@given(st.text(max_size=40) | st.from_regex(r"[0-9.\-kK ]{0,16}", fullmatch=True))
def test_any_text_is_a_rut_or_a_rut_error(text: str) -> None:
    try:
        normal, message = normalize_rut(text), ""
    except RutError as exc:
        normal, message = "", str(exc)
    if message:
        assert RUT_EXAMPLE in message
    else:
        assert normalize_rut(normal) == normal
        body, digit = normal.split("-")
        assert body.isascii() and body.isdigit() and not body.startswith("0") and len(body) <= 8
        assert digit == rut_check_digit(int(body))


def test_rut_error_is_a_value_error() -> None:
    assert issubclass(RutError, ValueError)


# --- Company fields -------------------------------------------------------------------------------------------


def test_industries_have_stable_slugs_and_both_labels() -> None:
    assert set(INDUSTRIES) == set(Industry)
    for slug in ("pharmacy", "grocery", "apparel", "restaurant", "hardware", "bookstore", "electronics"):
        assert Industry(slug).value == slug
    for slug in ("beauty", "pet", "convenience", "other"):
        assert Industry(slug).value == slug
    for industry in Industry:
        assert industry.value.isascii() and industry.value == industry.value.lower()
        assert industry.label_es and industry.label_en
    assert Industry.PHARMACY.label_es == "Farmacia"
    assert len({i.label_es for i in Industry}) == len({i.label_en for i in Industry}) == len(Industry)


@pytest.mark.parametrize("name", ["America/Santiago", "America/Punta_Arenas", "Pacific/Easter", "UTC", "Europe/Madrid"])
def test_valid_timezones(name: str) -> None:
    assert valid_timezone(name)


@pytest.mark.parametrize("name", ["", "america/santiago", "Santiago", "Mars/Olympus", "localtime", "Factory", "../x"])
def test_invalid_timezones(name: str) -> None:
    assert not valid_timezone(name)


def test_currencies() -> None:
    for code in ("CLP", "USD", "EUR", "ARS", "PEN", "BRL", "MXN", "COP", "UYU", "BOB", "PYG", "CAD", "GBP", "JPY"):
        assert valid_currency(code)
    for code in ("clp", "", "XXX", "CLF", "CUC", "ANG", "US$", "CLPX"):
        assert not valid_currency(code)
    assert minor_units("CLP") == 0 and minor_units("USD") == 2 and minor_units("PYG") == 0
    assert all(len(code) == 3 and code.isascii() and code.isupper() for code in CURRENCIES)


# --- Regions of Chile -----------------------------------------------------------------------------------------


def test_sixteen_regions_with_their_official_names() -> None:
    assert len(REGIONS) == len(set(REGION_NAMES)) == 16
    assert sorted(region.code for region in REGIONS) == list(range(1, 17))
    assert "Región Metropolitana de Santiago" in REGION_NAMES
    assert "Región de Ñuble" in REGION_NAMES
    assert "Región del Libertador General Bernardo O'Higgins" in REGION_NAMES


@pytest.mark.parametrize(
    ("text", "official"),
    [
        ("Región Metropolitana de Santiago", "Región Metropolitana de Santiago"),
        ("region metropolitana", "Región Metropolitana de Santiago"),
        ("RM", "Región Metropolitana de Santiago"),
        ("XIII", "Región Metropolitana de Santiago"),
        ("13", "Región Metropolitana de Santiago"),
        ("NUBLE", "Región de Ñuble"),
        ("Región de Ñuble", "Región de Ñuble"),
        ("REGION DEL BIO BIO", "Región del Biobío"),
        ("bio-bio", "Región del Biobío"),
        ("del Maule", "Región del Maule"),
        ("Maule", "Región del Maule"),
        ("la araucania", "Región de La Araucanía"),
        ("Araucanía", "Región de La Araucanía"),
        ("O'Higgins", "Región del Libertador General Bernardo O'Higgins"),
        ("ohiggins", "Región del Libertador General Bernardo O'Higgins"),
        ("Aisén", "Región de Aysén del General Carlos Ibáñez del Campo"),
        ("  los   RÍOS ", "Región de Los Ríos"),
        ("Magallanes", "Región de Magallanes y de la Antártica Chilena"),
        ("v", "Región de Valparaíso"),
    ],
)
def test_regions_are_read_leniently(text: str, official: str) -> None:
    assert normalize_region(text) == official


@pytest.mark.parametrize("text", ["", "Región", "Santiago", "Mendoza", "XVII", "17", "0", "Región de Ñuñoa"])
def test_unknown_regions(text: str) -> None:
    assert normalize_region(text) is None


@given(st.sampled_from(REGION_NAMES), st.sampled_from([str.upper, str.lower, str.casefold, str.title]))
def test_every_official_name_in_any_case_or_without_accents(name: str, case: object) -> None:
    assert callable(case)
    bare = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    assert normalize_region(case(name)) == normalize_region(case(bare)) == name
    assert normalize_region(name) == name


@given(st.text(max_size=300))
def test_any_text_is_a_region_or_none(text: str) -> None:
    assert normalize_region(text) in (None, *REGION_NAMES)


# --- Request models -------------------------------------------------------------------------------------------


class CompanyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rut: Rut | None = None
    timezone: Timezone = "America/Santiago"
    currency: Currency = "CLP"
    industry: Industry = Industry.OTHER
    region: ChileRegion | None = None


def parse(**body: object) -> CompanyBody:
    """As routing.validate_json reads a body: JSON, strict."""
    return CompanyBody.model_validate_json(json.dumps(body), strict=True)


def errors_of(**body: object) -> list[dict[str, object]]:
    with pytest.raises(ValidationError) as caught:
        parse(**body)
    return [field_error(e, "body").as_json() for e in caught.value.errors(include_url=False, include_input=False)]


def test_a_model_normalises_its_fields() -> None:
    body = parse(rut="76.086.428-5", currency="usd", region="metropolitana", industry="pharmacy")
    assert body.rut == "76086428-5"
    assert body.currency == "USD"
    assert body.region == "Región Metropolitana de Santiago"
    assert body.industry is Industry.PHARMACY
    assert parse(rut=None).rut is None


def test_a_bad_rut_is_a_field_error_with_the_expected_form() -> None:
    [error] = errors_of(rut="76.086.428-4")
    assert error["field"] == "rut"
    assert error["code"] == "invalid-rut"
    assert RUT_EXAMPLE in str(error["message"])


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("timezone", "Mars/Olympus", "America/Santiago"),
        ("currency", "XXX", "ISO 4217"),
        ("region", "Mendoza", "16 regions"),
        ("industry", "casino", "allowed values"),
    ],
)
def test_other_bad_fields(field: str, value: str, words: str) -> None:
    [error] = errors_of(**{field: value})
    assert error["field"] == field
    assert error["code"] in FIELD_ERROR_CODES
    assert words in str(error["message"])


def test_a_rut_of_the_wrong_type() -> None:
    [error] = errors_of(rut=76086428)
    assert error == {"field": "rut", "message": "Expected text.", "code": "invalid-type"}
