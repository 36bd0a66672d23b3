"""The demo company's facts, without its sales (those are `ayni.sales.demo`'s, which only the worker imports):
what the API needs to create a demo company for a user, and the branches the generated export names."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from ayni.companies.fields import Industry, normalize_rut, rut_check_digit

# The name of the generated export a demo company's sales are imported from.
DEMO_FILENAME = "ventas-demo.csv"


@dataclass(frozen=True)
class DemoLocation:
    """A branch, with the fields `LocationCreate` takes; `name` is what the file's `Sucursal` column says."""

    name: str
    code: str
    address: str
    comuna: str
    region: str


@dataclass(frozen=True)
class DemoCompany:
    """The fields `CompanyCreate` takes (each demo company gets a RUT of its own: `demo_rut`), and the branches."""

    name: str
    industry: Industry
    country: str
    timezone: str
    currency: str
    locations: tuple[DemoLocation, ...]


DEMO_COMPANY = DemoCompany(
    name="Almacenes Ayni Demo SpA",
    industry=Industry.GROCERY,
    country="CL",
    timezone="America/Santiago",
    currency="CLP",
    locations=(
        DemoLocation(
            "Santiago Centro", "STG", "Av. Libertador Bernardo O'Higgins 1302", "Santiago",
            "Región Metropolitana de Santiago",
        ),
        DemoLocation("Valparaíso", "VAP", "Av. Pedro Montt 2150", "Valparaíso", "Región de Valparaíso"),
        DemoLocation("Concepción", "CCP", "Barros Arana 820", "Concepción", "Región del Biobío"),
        DemoLocation("La Serena", "LSC", "Av. Francisco de Aguirre 455", "La Serena", "Región de Coquimbo"),
    ),
)  # fmt: skip


def demo_rut() -> str:
    """A valid RUT in the range Chile's companies have (77 million), at random: RUTs are unique, and every user's
    demo company needs one."""
    body = 77_000_000 + secrets.randbelow(1_000_000)
    return normalize_rut(f"{body}{rut_check_digit(body)}")


def demo_company_fields() -> dict[str, Any]:
    """The columns of a new demo company (`companies.store.insert_company`)."""
    return {
        "name": DEMO_COMPANY.name,
        "rut": demo_rut(),
        "industry": DEMO_COMPANY.industry.value,
        "country": DEMO_COMPANY.country,
        "timezone": DEMO_COMPANY.timezone,
        "currency": DEMO_COMPANY.currency,
        "benchmarking_opt_in": False,
    }


def demo_location_fields(location: DemoLocation) -> dict[str, str]:
    """The columns of one of its locations (`companies.store.insert_location`)."""
    return {
        "name": location.name,
        "code": location.code,
        "address": location.address,
        "comuna": location.comuna,
        "region": location.region,
    }
