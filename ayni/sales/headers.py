"""Which column holds which Ayni field, from the header's names in Spanish or English and a look at the values
(DESIGN.md "Sales imports": headers matched without regard to case, accents or punctuation). Pure."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import polars as pl

from ayni.sales.reading import NUMERIC_FIELDS, Field
from ayni.sales.sources import RawTable

# What POS exports and spreadsheet templates call each field, strongest first: when two columns both name a field
# exactly, the one named by the earlier synonym serves it ("Total neto" before "Subtotal").
SYNONYMS: dict[Field, tuple[str, ...]] = {
    Field.SOLD_AT: (
        "Fecha venta",
        "Fecha",
        "Fecha emisión",
        "Fecha documento",
        "Fecha boleta",
        "Fecha hora",
        "Fecha transacción",
        "Date",
        "Sale date",
        "Sales date",
        "Date time",
        "Datetime",
        "Transaction date",
        "Order date",
        "Created at",
        "Timestamp",
    ),
    # "N°", "Nº", "No.", "Nro.", "Núm.", "Número", "#" and "number" all read as the number sign: one spelling here.
    Field.TICKET: (
        "N° doc. venta",
        "N° documento",
        "N° boleta",
        "Folio",
        "Documento",
        "Boleta",
        "N° ticket",
        "N° venta",
        "ID venta",
        "Receipt",
        "Receipt number",
        "Invoice",
        "Invoice number",
        "Ticket",
        "Ticket number",
        "Order ID",
        "Order",
        "Order number",
        "Transaction ID",
        "Transaction",
        "Sale ID",
    ),
    Field.DOCUMENT_TYPE: ("Tipo doc.", "Tipo documento", "Tipo DTE", "Document type", "Doc type"),
    Field.SKU: (
        "Código",
        "SKU",
        "Código producto",
        "Cód. producto",
        "Cód. barra",
        "Código de barras",
        "Código barra",
        "Cód.",
        "Código artículo",
        "EAN",
        "Item code",
        "Product code",
        "Product ID",
        "Barcode",
        "UPC",
    ),
    Field.PRODUCT: (
        "Producto",
        "Descripción",
        "Nombre producto",
        "Descripción producto",
        "Artículo",
        "Detalle",
        "Item",
        "Product",
        "Description",
        "Product name",
        "Item name",
    ),
    Field.CATEGORY: (
        "Categoría",
        "Familia",
        "Categoría producto",
        "Subcategoría",
        "Línea",
        "Departamento",
        "Rubro",
        "Category",
        "Product category",
        "Department",
        "Family",
    ),
    Field.QUANTITY: ("Cantidad", "Cant.", "Unidades", "Cantidad vendida", "Qty", "Quantity", "Units", "Units sold"),
    Field.AMOUNT: (
        "Total neto",
        "Venta neta",
        "Total línea",
        "Total",
        "Monto",
        "Monto total",
        "Monto neto",
        "Importe",
        "Valor total",
        "Total venta",
        "Subtotal",
        "Net sales",
        "Net amount",
        "Amount",
        "Line total",
        "Total sales",
        "Sales",
        "Revenue",
    ),
    Field.UNIT_PRICE: (
        "Precio unitario",
        "Precio",
        "P. unitario",
        "Precio venta",
        "Precio unit.",
        "Valor unitario",
        "Unit price",
        "Price",
        "Sale price",
    ),
    Field.COST: ("Costo", "Costo total", "Costo venta", "Cost", "Total cost", "COGS", "Cost of goods"),
    Field.UNIT_COST: ("Costo unitario", "Costo unit.", "Precio costo", "Unit cost", "Cost per unit"),
    Field.DISCOUNT: ("Descuento", "Dcto.", "Dscto.", "Descuentos", "Monto descuento", "Discount", "Discounts"),
    Field.KIND: ("Tipo", "Tipo movimiento", "Tipo de venta", "Movimiento", "Operación", "Type", "Transaction type"),
    Field.PAYMENT_METHOD: (
        "Método pago",
        "Medio de pago",
        "Forma de pago",
        "Pago",
        "Payment",
        "Payment method",
        "Payment type",
        "Tender",
        "Tender type",
    ),
    Field.SELLER: (
        "Vendedor",
        "Cajero",
        "Cajera",
        "Usuario",
        "Atendido por",
        "Seller",
        "Cashier",
        "Staff",
        "Salesperson",
        "Employee",
        "Clerk",
    ),
    Field.LOCATION: (
        "Sucursal",
        "Nombre sucursal",
        "Local",
        "Tienda",
        "Nombre local",
        "Nombre tienda",
        "Punto de venta",
        "Bodega",
        "Store",
        "Branch",
        "Location",
        "Store name",
        "Shop",
        "Outlet",
    ),
    Field.CUSTOMER: (
        "Cliente",
        "RUT cliente",
        "Email cliente",
        "Nombre cliente",
        "Correo cliente",
        "RUT",
        "Customer",
        "Customer email",
        "Customer ID",
        "Customer name",
        "Client",
        "Email",
    ),
    Field.SOLD_TIME: ("Hora", "Hora venta", "Hora emisión", "Time", "Sale time", "Hour"),
}

EXACT = 1.0
# The header holds a synonym's words in order, among others ("Total neto ($ CLP)" -> AMOUNT).
CONTAINS = 0.8
# The header's words are a part of a synonym's ("Neto" of "Total neto"): a guess the user should confirm.
PART_OF = 0.6
# Words that never tell a field apart: articles, and the currency a POS appends to amounts.
_NOISE_WORDS = frozenset({"de", "del", "el", "la", "los", "las", "y", "en", "the", "of", "in", "clp", "usd", "pesos"})
_NUMBER_SIGNS = frozenset({"n", "no", "nro", "nr", "num", "numero", "number"})
# The values a name match is checked against: enough to be sure, few enough to stay cheap on a million rows.
_VALUES_CHECKED = 200
# Below this share of values of the right kind, a name match is not trusted at full confidence.
_VALUES_TRUSTED = 0.9

_DATE = re.compile(
    r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?)?"
)
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?")
_HAS_TIME = re.compile(r"\d:\d\d")
_NUMBER = re.compile(r"[-+(]?\s*(?:\$|[A-Za-z]{3}\s)?\s*[-+]?\d[\d.,\s']*\)?")


@dataclass(frozen=True)
class ColumnMatch:
    column: str
    confidence: float  # 1.0 for a header that is a synonym; less for a partial name or values of another kind


@dataclass(frozen=True)
class HeaderMapping:
    matches: dict[Field, ColumnMatch]  # in Field order
    unmapped: list[str]  # the file's columns no field took, in file order


def normalize(text: str) -> str:
    """A header as compared: case, accents, punctuation, spacing and noise words gone, number signs one word
    (`N° doc. venta`, `n doc venta` and `Nro. doc. de venta` are one)."""
    # "º" would decompose to the letter o ("Nº" -> "no"), "#" would vanish as punctuation: both are number signs.
    signed = text.casefold().replace("º", " n ").replace("°", " n ").replace("#", " n ")
    letters = "".join(char for char in unicodedata.normalize("NFKD", signed) if not unicodedata.combining(char))
    words = ["n" if word in _NUMBER_SIGNS else word for word in re.sub(r"[^0-9a-z]+", " ", letters).split()]
    kept: list[str] = []
    for word in words:
        if word not in _NOISE_WORDS and kept[-1:] != [word]:  # a word repeated in a row ("N° No.") counts once
            kept.append(word)
    return " ".join(kept)


@cache
def _synonyms() -> dict[str, tuple[Field, int]]:
    """Each normalised synonym -> its field and rank among the field's synonyms (a test keeps them unique)."""
    return {normalize(name): (field, rank) for field, names in SYNONYMS.items() for rank, name in enumerate(names)}


def name_match(header: str) -> dict[Field, tuple[float, int]]:
    """The fields a header's name suggests, each with its confidence and the rank of the synonym that gave it."""
    words = normalize(header).split()
    found: dict[Field, tuple[float, int]] = {}
    part_of: set[Field] = set()
    for synonym, (field, rank) in _synonyms().items():
        confidence = _name_confidence(words, synonym.split()) if words else 0.0
        part_of.update([field] if confidence == PART_OF else [])
        best = found.get(field)
        if confidence and (best is None or (confidence, -rank) > (best[0], -best[1])):
            found[field] = (confidence, rank)
    if len(part_of) > 1:
        # A part shared by several fields' synonyms ("Venta", "Unitario") names none of them.
        found = {field: match for field, match in found.items() if match[0] != PART_OF}
    return found


def _name_confidence(words: Sequence[str], synonym: Sequence[str]) -> float:
    if list(words) == list(synonym):
        return EXACT
    if _contains_run(words, synonym):
        return CONTAINS
    if set(words) <= set(synonym):
        return PART_OF
    return 0.0


def _contains_run(words: Sequence[str], run: Sequence[str]) -> bool:
    return any(list(words[start : start + len(run)]) == list(run) for start in range(len(words) - len(run) + 1))


def values_share(field: Field, values: Sequence[str]) -> float:
    """The share of `values` of the kind the field holds (dates, times, numbers); 1.0 for fields of free text or
    without values to judge."""
    pattern = _DATE if field is Field.SOLD_AT else _TIME if field is Field.SOLD_TIME else None
    if field in NUMERIC_FIELDS:
        pattern = _NUMBER
    if pattern is None or not values:
        return 1.0
    return sum(1 for value in values if pattern.fullmatch(value)) / len(values)


def map_headers(raw: RawTable) -> HeaderMapping:
    """Each field's column: names matched, then confirmed by the values (a "Total" of words is no amount). One
    column serves one field: the best confidence first, ties to the earlier field, then the stronger synonym, then
    the earlier column. A SOLD_TIME column is left out when the SOLD_AT column's values carry their time."""
    samples = {column: _sample(raw.frame, column) for column in raw.columns}
    candidates: list[tuple[float, int, int, int, Field, str]] = []
    field_order = {field: index for index, field in enumerate(Field)}
    for position, column in enumerate(raw.columns):
        for field, (confidence, rank) in name_match(column).items():
            share = values_share(field, samples[column])
            adjusted = confidence if share >= _VALUES_TRUSTED else confidence * share
            if adjusted > 0:
                candidates.append((-adjusted, field_order[field], rank, position, field, column))
    matches: dict[Field, ColumnMatch] = {}
    taken: set[str] = set()
    for negative_confidence, _, _, _, field, column in sorted(candidates):
        if field not in matches and column not in taken:
            matches[field] = ColumnMatch(column=column, confidence=-negative_confidence)
            taken.add(column)
    sold_at = matches.get(Field.SOLD_AT)
    if Field.SOLD_TIME in matches and sold_at is not None and _has_time(samples[sold_at.column]):
        taken.discard(matches.pop(Field.SOLD_TIME).column)
    ordered = {field: matches[field] for field in Field if field in matches}
    return HeaderMapping(matches=ordered, unmapped=[column for column in raw.columns if column not in taken])


def _sample(frame: pl.DataFrame, column: str) -> list[str]:
    return frame.get_column(column).drop_nulls().head(_VALUES_CHECKED).to_list()


def _has_time(values: Iterable[str]) -> bool:
    return any(_HAS_TIME.search(value) for value in values)
