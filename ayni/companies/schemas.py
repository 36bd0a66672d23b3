"""The models of `/api/v1/companies` and `/api/v1/invitations`: strict bodies (no coercion, unknown fields
refused) and the answers. Field rules live in `ayni.companies.fields`; the ones that depend on the company
(a RUT is required in Chile, a region is Chile's only there) are checked by the flows."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Any, ClassVar
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from ayni.auth.schemas import NAME_FORBIDDEN, Email, OpaqueToken
from ayni.companies.chile import normalize_region
from ayni.companies.fields import RUT_EXAMPLE, Currency, Industry, Rut, Timezone
from ayni.companies.rules import Role
from ayni.problems import FieldError, FieldErrorCode, Problem

_FORBIDDEN = re.compile(f"[{NAME_FORBIDDEN}]")


def _line(limit: int) -> AfterValidator:
    """One line of text, trimmed and not empty; control characters, line breaks and bidirectional controls
    refused."""

    def check(raw: str) -> str:
        if _FORBIDDEN.search(raw):
            raise PydanticCustomError("invalid-value", "Use one line of text, without control characters.")
        value = unicodedata.normalize("NFC", raw.strip())
        if not value:
            raise PydanticCustomError("required", "This field must not be empty.")
        if len(value) > limit:  # NFC can lengthen a few characters of some scripts
            raise PydanticCustomError("too-long", "Use at most {limit} characters.", {"limit": limit})
        return value

    return AfterValidator(check)


_TRIMMED = " Spaces around it are trimmed; it must not be empty."
# One line with at least one character that is not a space (what `_line` checks), for the document.
_ONE_LINE = {"pattern": f"^[^{NAME_FORBIDDEN}]*[^\\s{NAME_FORBIDDEN}][^{NAME_FORBIDDEN}]*$"}
Name = Annotated[
    str, Field(min_length=1, max_length=200, description="A name." + _TRIMMED, json_schema_extra=_ONE_LINE),
    _line(200),
]  # fmt: skip
Code = Annotated[
    str,
    Field(min_length=1, max_length=50, description="Unique in the company." + _TRIMMED, json_schema_extra=_ONE_LINE),
    _line(50),
]
Address = Annotated[str, Field(min_length=1, max_length=300, json_schema_extra=_ONE_LINE), _line(300)]
Comuna = Annotated[str, Field(min_length=1, max_length=100, json_schema_extra=_ONE_LINE), _line(100)]
Region = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        description="In Chile one of its 16 regions (`Región de Valparaíso`, `V`, `valparaiso`: stored by its "
        "official name); free text elsewhere.",
        json_schema_extra=_ONE_LINE,
    ),
    _line(200),
]
Country = Annotated[str, Field(pattern="^[A-Z]{2}$", examples=["CL"], description="ISO 3166-1 alpha-2 code.")]


def invalid(field: str, message: str, code: FieldErrorCode = "invalid-value") -> Problem:
    return Problem(422, "validation-error", "The body has invalid fields.", errors=[FieldError(field, message, code)])


def require_rut(country: str, rut: str | None) -> None:
    """A company in Chile has a RUT (checked on the company as it would be after the request)."""
    if country == "CL" and rut is None:
        raise invalid("rut", f"A company in Chile needs its RUT, like {RUT_EXAMPLE}.", "required")


def with_region(country: str, fields: dict[str, Any]) -> dict[str, Any]:
    """In Chile a location's region is one of its 16, stored by its official name; elsewhere free text."""
    region = fields.get("region")
    if country == "CL" and region is not None:
        official = normalize_region(region)
        if official is None:
            raise invalid("region", "Choose one of Chile's 16 regions, like Región de Valparaíso.")
        fields = {**fields, "region": official}
    return fields


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _never_null(schema: dict[str, Any], model: type[BaseModel]) -> None:
    # The document shows the fields a patch may leave out but never set to null without null or a default.
    for name in getattr(model, "_NOT_NULL", ()):
        prop = schema["properties"][name]
        [kept] = [member for member in prop.pop("anyOf") if member.get("type") != "null"]
        prop.pop("default", None)
        schema["properties"][name] = {**kept, **prop}


class Patch(Body):
    """A partial update: a field left out stays as it is; null only where the field may be empty."""

    model_config = ConfigDict(extra="forbid", strict=True, json_schema_extra=_never_null)

    _NOT_NULL: ClassVar[tuple[str, ...]] = ()

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: Any, info: Any) -> Any:
        if value is None and info.field_name in cls._NOT_NULL:
            raise PydanticCustomError("required", "This field cannot be null; leave it out to keep it.")
        return value


# Companies


class CompanyCreate(Body):
    name: Name
    rut: Rut | None = Field(None, description="Required when `country` is CL.")
    industry: Industry
    country: Country = "CL"
    timezone: Timezone = "America/Santiago"
    currency: Currency = "CLP"
    benchmarking_opt_in: bool = True


class CompanyUpdate(Patch):
    _NOT_NULL: ClassVar[tuple[str, ...]] = (
        "name",
        "industry",
        "country",
        "timezone",
        "currency",
        "benchmarking_opt_in",
    )

    name: Name | None = None
    rut: Rut | None = None
    industry: Industry | None = None
    country: Country | None = None
    timezone: Timezone | None = None
    currency: Currency | None = None
    benchmarking_opt_in: bool | None = None


class CompanyDelete(Body):
    confirm_name: str = Field(max_length=400, description="The company's name, exactly, to confirm.")


class Company(BaseModel):
    id: UUID
    name: str
    rut: str | None = Field(description="Stored and shown as 76086428-5.")
    industry: Industry
    country: str
    timezone: str
    currency: str
    benchmarking_opt_in: bool
    is_demo: bool = Field(description="Filled with generated sales (POST /companies/demo, `ayni demo`), to explore.")
    created_at: datetime
    updated_at: datetime


class MyCompany(Company):
    role: Role = Field(description="The caller's role in the company.")


class CompanyList(BaseModel):
    items: list[MyCompany]


# Locations


class LocationCreate(Body):
    name: Name
    code: Code
    address: Address | None = None
    comuna: Comuna | None = None
    region: Region | None = None


class LocationUpdate(Patch):
    _NOT_NULL: ClassVar[tuple[str, ...]] = ("name", "code")

    name: Name | None = None
    code: Code | None = None
    address: Address | None = None
    comuna: Comuna | None = None
    region: Region | None = None


class Location(BaseModel):
    id: UUID
    name: str
    code: str
    address: str | None
    comuna: str | None
    region: str | None
    archived_at: datetime | None = Field(description="Set when archived: the location had sales, so it stays.")


class LocationList(BaseModel):
    items: list[Location]


# Members and invitations


class RoleChange(Body):
    role: Role


class Member(BaseModel):
    user_id: UUID
    email: str
    full_name: str
    role: Role


class MemberList(BaseModel):
    items: list[Member]


class InvitationCreate(Body):
    email: Email
    role: Role


class Invitation(BaseModel):
    id: UUID
    email: str
    role: Role
    invited_by: UUID | None
    created_at: datetime
    expires_at: datetime = Field(description="7 days after the email was sent; the link dies then.")


class InvitationList(BaseModel):
    items: list[Invitation]


class AcceptInvitation(Body):
    token: OpaqueToken
