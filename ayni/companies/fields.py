"""What a company's fields may hold (DESIGN.md "Companies, locations, members"): Chile's RUT, the fixed lists of
industries, IANA time zones and ISO 4217 currencies, and the pydantic types request models use for them. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from ayni.companies.chile import normalize_region

# --- RUT ------------------------------------------------------------------------------------------------------

RUT_EXAMPLE = "12.345.678-5"
# The body (the number before the check digit) is 1..99.999.999: eight digits at most, as every RUT the SII has
# issued (people up to about 28 million, companies mostly 50 to 99 million). Leading zeros, which some systems
# pad with ("07.123.456-K"), are accepted and dropped, so the normal form never starts with 0.
RUT_MAX_BODY = 99_999_999
_RUT_MAX_INPUT = 24  # longer text is refused before any pattern runs
# Three spellings, ASCII digits only (Python's \d would take Arabic-Indic digits too): dots grouping thousands
# exactly, the dash without dots, or neither (the last character is then the check digit).
_RUT = re.compile(r"(?P<dotted>[0-9]{1,3}(?:\.[0-9]{3}){1,3})-(?P<dv1>[0-9K])|(?P<plain>[0-9]{1,12})-?(?P<dv2>[0-9K])")


class RutError(ValueError):
    """Not a RUT: the message says why and shows the expected form."""


def rut_check_digit(body: int) -> str:
    """Mod 11: the digits from the right times 2, 3, 4, 5, 6, 7, 2, 3, ...; 11 - (sum mod 11), with 11 -> "0"
    and 10 -> "K"."""
    total, weight = 0, 2
    while body:
        body, digit = divmod(body, 10)
        total += digit * weight
        weight = 2 if weight == 7 else weight + 1
    rest = 11 - total % 11
    return "0" if rest == 11 else "K" if rest == 10 else str(rest)


def normalize_rut(text: str) -> str:
    """`76.086.428-5`, `76086428-5` or `760864285` (a lower-case `k`, surrounding spaces allowed) -> `76086428-5`.
    Raises RutError on anything else, a wrong check digit included."""
    value = text.strip().upper()
    match = _RUT.fullmatch(value) if len(value) <= _RUT_MAX_INPUT else None
    if match is None:
        raise RutError(f"Enter a RUT like {RUT_EXAMPLE}: digits, then a dash and the check digit (0-9 or K).")
    digits = (match["dotted"] or match["plain"]).replace(".", "")
    given = match["dv1"] or match["dv2"]
    body = int(digits)
    if not 1 <= body <= RUT_MAX_BODY:
        raise RutError(f"A RUT has at most 8 digits before the check digit, like {RUT_EXAMPLE}.")
    if rut_check_digit(body) != given:
        raise RutError(f"This RUT's check digit is wrong; check the number (the form is {RUT_EXAMPLE}).")
    return f"{body}-{given}"


def format_rut(text: str) -> str:
    """For display: `76086428-5` (or any spelling `normalize_rut` takes) -> `76.086.428-5`."""
    body, digit = normalize_rut(text).split("-")
    return f"{int(body):,}".replace(",", ".") + "-" + digit


# --- Company fields -------------------------------------------------------------------------------------------


class Industry(StrEnum):
    """What a business sells, for comparing it with its peers later. Slugs are stable: stored and sent as is."""

    PHARMACY = "pharmacy"
    GROCERY = "grocery"
    CONVENIENCE = "convenience"
    LIQUOR = "liquor"
    BAKERY = "bakery"
    RESTAURANT = "restaurant"
    CAFE = "cafe"
    APPAREL = "apparel"
    FOOTWEAR = "footwear"
    SPORTS = "sports"
    HOME = "home"
    HARDWARE = "hardware"
    ELECTRONICS = "electronics"
    BOOKSTORE = "bookstore"
    TOYS = "toys"
    BEAUTY = "beauty"
    OPTICAL = "optical"
    JEWELRY = "jewelry"
    PET = "pet"
    OTHER = "other"

    @property
    def label_es(self) -> str:
        return INDUSTRIES[self][0]

    @property
    def label_en(self) -> str:
        return INDUSTRIES[self][1]


# slug -> (Spanish label as Chilean shops say it, English label)
INDUSTRIES: Mapping[Industry, tuple[str, str]] = {
    Industry.PHARMACY: ("Farmacia", "Pharmacy"),
    Industry.GROCERY: ("Supermercado y almacén", "Grocery"),
    Industry.CONVENIENCE: ("Minimarket y tienda de conveniencia", "Convenience store"),
    Industry.LIQUOR: ("Botillería", "Liquor store"),
    Industry.BAKERY: ("Panadería y pastelería", "Bakery"),
    Industry.RESTAURANT: ("Restaurante", "Restaurant"),
    Industry.CAFE: ("Cafetería", "Café"),
    Industry.APPAREL: ("Vestuario", "Apparel"),
    Industry.FOOTWEAR: ("Calzado", "Footwear"),
    Industry.SPORTS: ("Artículos deportivos", "Sporting goods"),
    Industry.HOME: ("Hogar y decoración", "Home and furnishings"),
    Industry.HARDWARE: ("Ferretería y construcción", "Hardware"),
    Industry.ELECTRONICS: ("Electrónica y tecnología", "Electronics"),
    Industry.BOOKSTORE: ("Librería", "Bookstore"),
    Industry.TOYS: ("Juguetería", "Toys"),
    Industry.BEAUTY: ("Perfumería y cosmética", "Beauty"),
    Industry.OPTICAL: ("Óptica", "Optical"),
    Industry.JEWELRY: ("Joyería y relojería", "Jewelry and watches"),
    Industry.PET: ("Tienda de mascotas", "Pet store"),
    Industry.OTHER: ("Otro", "Other"),
}

# Names the zoneinfo database lists that are not places: the host's own setting and tzdata's "Factory" zone.
_NOT_TIMEZONES = frozenset({"localtime", "Factory"})


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_TIMEZONES


def valid_timezone(name: str) -> bool:
    """An IANA name the zoneinfo database knows, exactly as written ("America/Santiago", "UTC")."""
    return name in _timezones()


# ISO 4217 codes in use in 2026 (list one of the ISO 4217 maintenance agency), with their minor units: every
# currency of the Americas (the Caribbean guilder XCG, since 2025, instead of the withdrawn ANG; not Cuba's
# withdrawn CUC), and the majors of Europe, Asia and Oceania. Funds and units of account (CLF, the Unidad de
# Fomento; XDR) are left out: no shop sells in them.
_CURRENCY_LIST = (
    # The Americas
    ("ARS", 2), ("AWG", 2), ("BBD", 2), ("BMD", 2), ("BOB", 2), ("BRL", 2), ("BSD", 2), ("BZD", 2), ("CAD", 2),
    ("CLP", 0), ("COP", 2), ("CRC", 2), ("CUP", 2), ("DOP", 2), ("FKP", 2), ("GTQ", 2), ("GYD", 2), ("HNL", 2),
    ("HTG", 2), ("JMD", 2), ("KYD", 2), ("MXN", 2), ("NIO", 2), ("PAB", 2), ("PEN", 2), ("PYG", 0), ("SRD", 2),
    ("TTD", 2), ("USD", 2), ("UYU", 2), ("VES", 2), ("XCD", 2), ("XCG", 2),
    # Majors
    ("AUD", 2), ("CHF", 2), ("CNY", 2), ("CZK", 2), ("DKK", 2), ("EUR", 2), ("GBP", 2), ("HKD", 2), ("HUF", 2),
    ("ILS", 2), ("INR", 2), ("ISK", 0), ("JPY", 0), ("KRW", 0), ("NOK", 2), ("NZD", 2), ("PLN", 2), ("SEK", 2),
    ("SGD", 2), ("TRY", 2), ("TWD", 2), ("ZAR", 2),
)  # fmt: skip
CURRENCIES: Mapping[str, int] = dict(_CURRENCY_LIST)


def valid_currency(code: str) -> bool:
    """One of CURRENCIES, upper-case as ISO writes it."""
    return code in CURRENCIES


def minor_units(code: str) -> int:
    """Decimal places amounts in `code` are shown with (CLP 0, USD 2). KeyError for an unknown code."""
    return CURRENCIES[code]


# --- Pydantic types -------------------------------------------------------------------------------------------
# Each refuses with one of problems.FIELD_ERROR_CODES ("invalid-rut" for a RUT, else "invalid-value") and words of
# ours, which routing.field_error passes through, so a 422 names the field and, for a RUT, shows the expected form.


def _rut_field(raw: str) -> str:
    try:
        return normalize_rut(raw)
    except RutError as exc:
        raise PydanticCustomError("invalid-rut", str(exc)) from None


def _timezone_field(raw: str) -> str:
    if not valid_timezone(raw):
        raise PydanticCustomError("invalid-value", "Use an IANA time zone name, like America/Santiago.")
    return raw


def _currency_field(raw: str) -> str:
    code = raw.upper()
    if not valid_currency(code):
        raise PydanticCustomError("invalid-value", "Use an ISO 4217 currency code, like CLP or USD.")
    return code


def _region_field(raw: str) -> str:
    name = normalize_region(raw)
    if name is None:
        raise PydanticCustomError("invalid-value", "Choose one of Chile's 16 regions, like Región de Valparaíso.")
    return name


Rut = Annotated[
    str,
    Field(examples=["76.086.428-5"], description="Chile's RUT, in any of its three spellings; stored as 76086428-5."),
    AfterValidator(_rut_field),
]
Timezone = Annotated[str, Field(max_length=64, examples=["America/Santiago"]), AfterValidator(_timezone_field)]
Currency = Annotated[str, Field(max_length=3, examples=["CLP"]), AfterValidator(_currency_field)]
ChileRegion = Annotated[
    str,
    Field(max_length=200, examples=["Región Metropolitana de Santiago"], description="One of REGION_NAMES."),
    AfterValidator(_region_field),
]
