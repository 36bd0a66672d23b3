"""The demo company and its sales file (DESIGN.md "Sales imports", `ayni demo`): a Chilean retail chain with four
branches and two years of sales, written as a Chilean point of sale exports them, for the real import path to read.

The file is `;`-separated UTF-8 (no BOM, CRLF line ends, as Windows POS software writes), one line per product of a
ticket, Spanish headers, dates `DD-MM-YYYY HH:MM` in the company's local time, CLP amounts as integers with `.`
grouping thousands (`12.990`), and quantities of products sold by weight with a decimal comma (`0,750` kg).
Returns are "Nota de crédito" documents with negative quantities and totals.

Generation is vectorised in polars: Python draws per product, customer and (branch, day); every per-ticket and
per-line draw is a counter-based hash of (seed, stream, index) of our own, so the bytes depend on the arguments
only, not on polars' hash function, its thread count or the chunking.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import IntEnum
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO

import polars as pl

from ayni.companies.fields import rut_check_digit
from ayni.sales.demo_company import DEMO_COMPANY


@dataclass(frozen=True)
class _Branch:
    weight: float  # its share of the chain's tickets, before season and noise
    summer: float  # January and February: the coast fills with holidaymakers, the capital empties
    sellers: tuple[str, ...]


# In DEMO_COMPANY.locations order.
_BRANCHES = (
    _Branch(1.0, 0.88, ("Camila Rojas", "Matías González", "Javiera Muñoz", "Benjamín Soto", "Constanza Díaz")),
    _Branch(0.55, 1.18, ("Felipe Contreras", "Valentina Silva", "Sebastián Morales", "Catalina Sepúlveda")),
    _Branch(0.7, 0.95, ("Diego Araya", "Fernanda Espinoza", "Nicolás Reyes", "Francisca Fuentes")),
    _Branch(0.45, 1.25, ("Tomás Castillo", "Daniela Vargas", "Ignacio Torres")),
)

# --- The file ---------------------------------------------------------------------------------------------------

DELIMITER = ";"
HEADER = (
    "Fecha venta", "Tipo doc.", "N° doc. venta", "Sucursal", "Código", "Producto", "Categoría", "Cantidad",
    "Precio unitario", "Descuento", "Total neto", "Costo unitario", "Método pago", "Vendedor", "RUT cliente",
)  # fmt: skip


@dataclass(frozen=True)
class DemoFacts:
    """What the written file holds, counted while writing it. `tickets` counts sale documents (boletas and
    facturas), not the notas de crédito; `revenue` is the sum of `Total neto`, returns subtracted."""

    lines: int
    tickets: int
    date_from: date
    date_to: date
    revenue: Decimal
    revenue_by_location: dict[str, Decimal]


# --- Counter-based random numbers -------------------------------------------------------------------------------

_MASK = 2**64 - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _splitmix(value: int) -> int:
    value = (value + _GOLDEN) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)


def _u64(value: int) -> pl.Expr:
    return pl.lit(value, pl.UInt64)


def uniform(index: pl.Expr, *, seed: int, stream: int) -> pl.Expr:
    """A Float64 in [0, 1) for each `index` (non-negative integers), independent across streams: SplitMix64 of
    the index offset by a key from (seed, stream). UInt64 arithmetic in polars wraps, as SplitMix64 needs; shifts
    are divisions by powers of two."""
    key = _splitmix(_splitmix(seed & _MASK) ^ stream)
    x = index.cast(pl.UInt64) * _u64(_GOLDEN) + _u64(key)
    x = x.xor(x // _u64(2**30)) * _u64(0xBF58476D1CE4E5B9)
    x = x.xor(x // _u64(2**27)) * _u64(0x94D049BB133111EB)
    x = x.xor(x // _u64(2**31))
    return (x // _u64(2**11)).cast(pl.Float64) * 2.0**-53


def pick(draws: pl.Series, weights: Sequence[float]) -> pl.Series:
    """For each draw in [0, 1), the index of the weight whose share of the total it falls in (UInt32)."""
    total = sum(weights)
    edges = pl.Series([edge / total for edge in accumulate(weights)])
    return edges.search_sorted(draws, side="right").clip(0, len(weights) - 1).cast(pl.UInt32)


class _Stream(IntEnum):
    """One stream of draws per decision, so adding a decision never shifts another's numbers."""

    KIND = 0
    SIZE = 1
    HOUR = 2
    MINUTE = 3
    PAYMENT = 4
    SELLER = 5
    CUSTOMER = 6
    WHO = 7
    PRODUCT = 8
    QUANTITY = 9
    BULK = 10
    DISCOUNT = 11
    DISCOUNT_PCT = 12


# --- The catalogue ----------------------------------------------------------------------------------------------

_SIZES = {
    "kg": (("500 g", 0.55), ("1 kg", 1.0), ("5 kg", 4.4)),
    "g": (("250 g", 0.6), ("400 g", 1.0), ("1 kg", 2.2)),
    "l": (("500 ml", 0.6), ("1 L", 1.0), ("2 L", 1.85)),
    "drink": (("350 ml", 0.4), ("1,5 L", 1.0), ("3 L", 1.75)),
    "un": (("1 un", 1.0), ("pack 3 un", 2.8), ("pack 6 un", 5.2)),
    "weighed": (("kg", 1.0),),  # sold by weight: the price is per kg and the quantity has decimals
}


@dataclass(frozen=True)
class _Category:
    name: str
    share: float  # of the lines
    cost_ratio: float | None  # unit cost / price; None: the POS records no cost (baked in house)
    brands: tuple[tuple[str, float], ...]  # name ("" for none) and its price factor
    items: tuple[tuple[str, int, str], ...]  # name, price of the middle size (CLP), size family


_OWN = ("Ayni", 0.85)  # the chain's own brand, cheaper
_CATEGORIES = (
    _Category("Abarrotes", 17, 0.74, (_OWN, ("Don Alonso", 1.0), ("La Cosecha", 1.1), ("Valle Central", 1.2)), (
        ("Arroz grado 1", 1590, "kg"), ("Azúcar granulada", 1290, "kg"), ("Harina sin polvos", 1190, "kg"),
        ("Lentejas", 2190, "kg"), ("Porotos hallados", 2690, "kg"), ("Garbanzos", 2390, "kg"),
        ("Fideos spaghetti", 990, "g"), ("Fideos corbata", 1090, "g"), ("Salsa de tomate", 690, "g"),
        ("Atún lomitos en agua", 1890, "un"), ("Aceite maravilla", 2990, "l"), ("Aceite de oliva", 8990, "l"),
        ("Sal de mesa", 590, "kg"), ("Café instantáneo", 4990, "g"), ("Té negro", 2290, "un"),
        ("Mayonesa", 2490, "g"), ("Ketchup", 1790, "g"), ("Avena tradicional", 1690, "g"),
    )),
    _Category("Lácteos", 12, 0.76, (_OWN, ("Los Alerces", 1.0), ("Campo Lindo", 1.08), ("Sureña", 1.15)), (
        ("Leche entera", 1190, "l"), ("Leche descremada", 1190, "l"), ("Leche sin lactosa", 1490, "l"),
        ("Yogur batido frutilla", 390, "un"), ("Yogur natural", 420, "un"), ("Queso gauda laminado", 3490, "g"),
        ("Queso mantecoso", 3990, "g"), ("Mantequilla con sal", 2790, "g"), ("Margarina", 1590, "g"),
        ("Crema de leche", 1390, "l"), ("Leche condensada", 1990, "g"), ("Manjar", 2190, "kg"),
        ("Quesillo", 2290, "g"), ("Leche cultivada", 990, "l"), ("Postre de leche", 450, "un"),
    )),
    _Category("Bebidas", 14, 0.72, (_OWN, ("Cordillera", 1.0), ("Pacífico", 1.05), ("Andina Norte", 1.12)), (
        ("Bebida cola", 1890, "drink"), ("Bebida cola zero", 1890, "drink"), ("Bebida naranja", 1790, "drink"),
        ("Agua mineral con gas", 990, "drink"), ("Agua mineral sin gas", 990, "drink"),
        ("Néctar durazno", 1290, "drink"), ("Jugo en polvo", 290, "un"), ("Cerveza lager", 2990, "un"),
        ("Vino tinto cabernet", 3990, "drink"), ("Vino blanco sauvignon", 3790, "drink"),
        ("Bebida isotónica", 1190, "drink"), ("Té helado limón", 1090, "drink"), ("Pisco 35°", 6990, "l"),
        ("Bebida energética", 1490, "un"),
    )),
    _Category("Panadería", 10, None, (("", 1.0), ("Horno Ayni", 1.1), ("Integral", 1.2), ("Familiar", 1.6)), (
        ("Marraqueta", 2290, "weighed"), ("Hallulla", 2290, "weighed"), ("Pan amasado", 2590, "weighed"),
        ("Dobladita", 2490, "weighed"), ("Coliza", 2690, "weighed"), ("Pan de molde", 2190, "un"),
        ("Empanada de pino", 2490, "un"), ("Empanada de queso", 1990, "un"), ("Kuchen de manzana", 5990, "un"),
        ("Torta tres leches", 12990, "un"), ("Berlín", 890, "un"), ("Queque marmoleado", 3490, "un"),
        ("Sopaipilla", 350, "un"), ("Pan de pascua", 4990, "un"), ("Chilenitos", 990, "un"),
        ("Pan pita", 1690, "un"), ("Tostadas", 1890, "un"), ("Alfajor", 790, "un"), ("Brazo de reina", 4490, "un"),
        ("Calzones rotos", 1990, "weighed"), ("Pan frica", 2490, "un"), ("Pan hot dog", 1490, "un"),
        ("Croissant", 990, "un"), ("Galletón", 690, "un"), ("Pie de limón", 6990, "un"),
        ("Rollo de canela", 1290, "un"), ("Torta de mil hojas", 14990, "un"), ("Trenza de pan", 2990, "un"),
        ("Pan baguette", 1390, "un"), ("Pan especial", 2890, "weighed"), ("Muffin", 990, "un"),
        ("Hojarasca", 1590, "un"), ("Pan de huevo", 2990, "weighed"),
    )),
    _Category("Carnes", 8, 0.7, (("Nacional", 1.1), ("Importado", 1.0), ("Premium", 1.35), ("Envasado", 1.2)), (
        ("Lomo vetado", 15990, "weighed"), ("Lomo liso", 14990, "weighed"), ("Posta negra", 10990, "weighed"),
        ("Posta rosada", 10490, "weighed"), ("Asiento", 9990, "weighed"), ("Huachalomo", 8490, "weighed"),
        ("Plateada", 9490, "weighed"), ("Sobrecostilla", 7990, "weighed"), ("Tapapecho", 7490, "weighed"),
        ("Osobuco", 5990, "weighed"), ("Carne molida 5% grasa", 9990, "weighed"), ("Entraña", 16990, "weighed"),
        ("Carne molida 10% grasa", 7990, "weighed"), ("Pechuga de pollo", 5490, "weighed"),
        ("Trutro entero de pollo", 3490, "weighed"), ("Alitas de pollo", 3990, "weighed"),
        ("Pollo entero", 2990, "weighed"), ("Chuleta de cerdo centro", 6490, "weighed"),
        ("Costillar de cerdo", 6990, "weighed"), ("Pulpa de cerdo", 5990, "weighed"),
        ("Lomo de cerdo", 6990, "weighed"), ("Longaniza", 5490, "weighed"), ("Chorizo parrillero", 5990, "weighed"),
        ("Prietas", 4990, "weighed"), ("Pechuga de pavo", 6490, "weighed"), ("Trutro de pavo", 4490, "weighed"),
        ("Malaya", 8990, "weighed"), ("Punta de ganso", 12990, "weighed"), ("Abastero", 8990, "weighed"),
        ("Pierna de cordero", 11990, "weighed"), ("Costillar de cordero", 12490, "weighed"),
        ("Punta de paleta", 10990, "weighed"),
    )),
    _Category("Frutas y verduras", 10, 0.62, (("", 1.0), ("Primera", 1.15), ("Extra", 1.3), ("Segunda", 0.8)), (
        ("Palta Hass", 4990, "weighed"), ("Tomate larga vida", 1490, "weighed"), ("Papa", 990, "weighed"),
        ("Cebolla", 890, "weighed"), ("Zanahoria", 790, "weighed"), ("Limón", 1990, "weighed"),
        ("Manzana roja", 1290, "weighed"), ("Manzana verde", 1390, "weighed"), ("Plátano", 1190, "weighed"),
        ("Naranja", 1090, "weighed"), ("Mandarina", 1690, "weighed"), ("Pera", 1490, "weighed"),
        ("Uva red globe", 2490, "weighed"), ("Frutilla", 2990, "weighed"), ("Durazno", 1790, "weighed"),
        ("Sandía", 690, "weighed"), ("Melón tuna", 990, "weighed"), ("Choclo", 2290, "weighed"),
        ("Zapallo italiano", 1290, "weighed"), ("Pimentón rojo", 2490, "weighed"), ("Lechuga", 1290, "weighed"),
        ("Ajo", 3990, "weighed"), ("Pepino", 1190, "weighed"), ("Betarraga", 990, "weighed"),
        ("Kiwi", 1890, "weighed"), ("Cereza", 4990, "weighed"), ("Ciruela", 1690, "weighed"),
        ("Zapallo camote", 990, "weighed"), ("Poroto verde", 2690, "weighed"), ("Brócoli", 2190, "weighed"),
        ("Coliflor", 1790, "weighed"), ("Champiñón", 4490, "weighed"),
    )),
    _Category("Limpieza", 6, 0.7, (_OWN, ("Brillo Sur", 1.0), ("Lavamax", 1.12), ("Pura Casa", 1.2)), (
        ("Detergente líquido", 5990, "l"), ("Detergente en polvo", 4990, "kg"), ("Lavalozas", 1690, "l"),
        ("Cloro gel", 1490, "l"), ("Limpiapisos lavanda", 1890, "l"), ("Suavizante", 3490, "l"),
        ("Papel higiénico doble hoja", 4990, "un"), ("Toalla de papel", 2690, "un"), ("Bolsas de basura", 1790, "un"),
        ("Esponja", 990, "un"), ("Limpiavidrios", 2290, "l"), ("Desengrasante cocina", 2790, "l"),
        ("Quitamanchas", 3290, "l"), ("Servilletas", 1290, "un"),
    )),
    _Category("Cuidado personal", 5, 0.66, (_OWN, ("Suave", 1.0), ("Natura Sur", 1.18), ("Dermacare", 1.3)), (
        ("Shampoo", 3490, "l"), ("Acondicionador", 3490, "l"), ("Jabón en barra", 790, "un"),
        ("Jabón líquido", 2290, "l"), ("Pasta dental", 1990, "un"), ("Cepillo dental", 1490, "un"),
        ("Desodorante spray", 2990, "un"), ("Crema corporal", 4490, "l"), ("Protector solar FPS 50", 9990, "un"),
        ("Toallas higiénicas", 2190, "un"), ("Pañales talla G", 12990, "un"), ("Máquina de afeitar", 3990, "un"),
        ("Algodón", 1290, "g"), ("Enjuague bucal", 3990, "l"),
    )),
    _Category("Mascotas", 3, 0.72, (_OWN, ("Can Feliz", 1.0), ("Michi", 1.05), ("NutriPet", 1.35)), (
        ("Alimento perro adulto", 8990, "kg"), ("Alimento perro cachorro", 9990, "kg"),
        ("Alimento gato adulto", 7990, "kg"), ("Alimento gato esterilizado", 8990, "kg"),
        ("Arena sanitaria", 4990, "kg"), ("Snack dental perro", 2990, "un"), ("Alimento húmedo gato", 890, "un"),
        ("Alimento húmedo perro", 1190, "un"), ("Galletas para perro", 2490, "g"), ("Juguete mordedor", 3990, "un"),
        ("Collar antipulgas", 6990, "un"), ("Shampoo para perro", 4490, "l"), ("Premios gato", 1990, "g"),
        ("Alimento perro senior", 10990, "kg"),
    )),
    _Category("Bazar", 2, 0.6, (_OWN, ("Hogar Sur", 1.0), ("Casa Fina", 1.25), ("Práctico", 0.95)), (
        ("Vasos plásticos", 1490, "un"), ("Platos desechables", 1790, "un"), ("Pilas AA", 3990, "un"),
        ("Ampolleta LED", 2490, "un"), ("Velas", 1290, "un"), ("Encendedor", 690, "un"),
        ("Fósforos", 590, "un"), ("Papel aluminio", 1990, "un"), ("Film plástico", 1890, "un"),
        ("Bolsas herméticas", 2290, "un"), ("Cinta adhesiva", 990, "un"), ("Cuaderno universitario", 1990, "un"),
        ("Lápiz pasta", 390, "un"), ("Carbón vegetal", 3490, "kg"), ("Globos de colores", 1990, "un"),
    )),
    _Category("Congelados", 4, 0.7, (_OWN, ("Polar", 1.0), ("Frío Austral", 1.1), ("Glaciar", 1.2)), (
        ("Papas prefritas", 2990, "kg"), ("Hamburguesa de vacuno", 4990, "un"), ("Nuggets de pollo", 3990, "g"),
        ("Helado vainilla", 3490, "l"), ("Helado chocolate", 3490, "l"), ("Arvejas congeladas", 1790, "g"),
        ("Mezcla primavera", 1890, "g"), ("Pizza congelada", 4490, "un"), ("Empanadas de queso congeladas", 3990, "un"),
        ("Filete de merluza", 5990, "g"), ("Camarones", 7990, "g"), ("Frutillas congeladas", 3290, "kg"),
        ("Choclo congelado", 1990, "g"), ("Paleta de helado", 890, "un"),
    )),
    _Category("Snacks", 9, 0.68, (_OWN, ("Crujitos", 1.0), ("Dulce Sur", 1.06), ("Gourmet Andes", 1.3)), (
        ("Papas fritas lisas", 1890, "g"), ("Papas fritas onduladas", 1990, "g"), ("Ramitas", 990, "g"),
        ("Maní salado", 1490, "g"), ("Galletas de chocolate", 990, "un"), ("Galletas de vino", 890, "un"),
        ("Chocolate de leche", 1690, "g"), ("Chocolate amargo", 1990, "g"), ("Cabritas", 1290, "g"),
        ("Barra de cereal", 450, "un"), ("Gomitas", 890, "g"), ("Suflés", 990, "g"), ("Nachos", 1990, "g"),
        ("Calugas", 790, "g"), ("Mix de frutos secos", 3990, "g"),
    )),
)  # fmt: skip
_PRODUCTS_PER_CATEGORY = 125


def _ean13(body: int) -> str:
    """A 13-digit barcode with its check digit, from the 12 digits of `body` (Chile's GS1 prefix is 780)."""
    digits = f"{body:012d}"
    check = -sum(int(d) * (3 if k % 2 else 1) for k, d in enumerate(digits)) % 10
    return digits + str(check)


def catalog(seed: int) -> pl.DataFrame:
    """~1,500 products: code (EAN-13), name, category, list price (CLP, at the window's start, before rounding to a
    shelf price), cost ratio (null: no cost), whether sold by weight, and popularity (its category's share, split
    across its products by a Zipf law)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    rows: list[tuple[str, str, str, float, float | None, bool, float]] = []
    for number, category in enumerate(_CATEGORIES):
        variants = [
            (item, brand, size)
            for brand in category.brands
            for item in category.items
            for size in _SIZES[item[2]]
        ]  # fmt: skip
        rng.shuffle(variants)
        chosen = variants[:_PRODUCTS_PER_CATEGORY]
        zipf = [1 / (rank + 1) for rank in range(len(chosen))]
        codes = rng.sample(range(10_000_000), len(chosen))  # distinct within the category's block of codes
        for k, ((item, price, family), (brand, brand_factor), (size, size_factor)) in enumerate(chosen):
            name = " ".join(part for part in (item, brand, size) if part)
            cost = None if category.cost_ratio is None else category.cost_ratio * rng.uniform(0.9, 1.1)
            popularity = category.share * zipf[k] / sum(zipf)
            code = _ean13(780_000_000_000 + number * 10_000_000 + codes[k])
            list_price = price * brand_factor * size_factor
            rows.append((code, name, category.name, list_price, cost, family == "weighed", popularity))
    return pl.DataFrame(
        rows,
        schema={"code": pl.String, "name": pl.String, "category": pl.String, "list_price": pl.Float64,
                "cost_ratio": pl.Float64, "weighed": pl.Boolean, "popularity": pl.Float64},
        orient="row",
    )  # fmt: skip


# --- Customers --------------------------------------------------------------------------------------------------


def _customer_ruts(rng: random.Random, count: int, low: int, high: int) -> pl.Series:
    """Valid RUTs as a POS prints them (`12.345.678-5`), bodies drawn in [low, high)."""
    bodies = (rng.randrange(low, high) for _ in range(count))
    return pl.Series([f"{body:,}".replace(",", ".") + "-" + rut_check_digit(body) for body in bodies], dtype=pl.String)


# The chain's regular customers, in proportion to its size: one person per 40 lines, one business per 2,500.
_LINES_PER_PERSON, _LINES_PER_BUSINESS = 40, 2_500
_LOYALTY_SHARE = 0.3  # boletas on which the cashier asks for the customer's RUT (loyalty points)


# --- Shape of the sales -----------------------------------------------------------------------------------------

_KINDS = ("Boleta", "Factura", "Nota de crédito")
_BOLETA, _FACTURA, _NOTA = range(3)
_FIRST_FOLIO = (1_482_117, 20_451, 3_108)  # a chain some years old: its folios are well under way
_FACTURA_SHARE = 0.03
# Lines per ticket: 1..16 for boletas, 2..25 for facturas (a business stocking up), 1..2 for a nota de crédito.
_SIZES_BOLETA = tuple(0.8**k for k in range(16))
_SIZES_FACTURA = tuple(0.9**k for k in range(24))
_SIZES_NOTA = (0.85, 0.15)
_RETURN_LINE_SHARE = 0.01

_PAYMENTS = ("Efectivo", "Débito", "Crédito", "Transferencia")
_PAYMENT_WEIGHTS = ((25, 45, 22, 8), (0, 15, 25, 60), (40, 35, 20, 5))  # by kind

_WEEKDAY = (0.86, 0.87, 0.92, 0.97, 1.15, 1.38, 1.05)  # Monday first: weekends busier
_MONTH = (0.9, 0.86, 1.02, 0.96, 0.98, 0.97, 1.0, 0.97, 1.03, 1.0, 1.03, 1.22)  # summer dip, December
_FIESTAS_PATRIAS = {15: 1.15, 16: 1.35, 17: 1.7, 18: 2.2, 19: 1.9, 20: 0.8}  # September: asados and chicha
_CLOSED = {(1, 1), (5, 1), (12, 25)}  # holidays commerce must close (feriados irrenunciables)
_GROWTH = 1.09  # tickets, year on year
_INFLATION_PER_QUARTER = 1.01  # prices are revised each quarter
_NOISE = 0.07
# Opening 9:00 to 21:00 (Sundays 10:00 to 20:00); weights of hours 9..20: lunch and after-work peaks.
_FIRST_HOUR = 9
_HOURS_WEEKDAY = (0.45, 0.6, 0.8, 1.25, 1.4, 1.0, 0.7, 0.7, 0.95, 1.35, 1.5, 1.0)
_HOURS_SATURDAY = (0.6, 0.9, 1.15, 1.35, 1.35, 1.15, 1.0, 1.0, 1.05, 1.1, 0.95, 0.6)
_HOURS_SUNDAY = (0.0, 0.7, 1.0, 1.3, 1.35, 1.1, 0.95, 0.9, 0.9, 0.8, 0.6, 0.0)
_DISCOUNT_SHARE = 0.07
_DISCOUNT_PCTS = (10, 15, 20, 25, 30)


def window(end: date) -> tuple[date, date]:
    """The two years up to `end`, both ends included (29 February's anniversary is the 28th)."""
    try:
        start = end.replace(year=end.year - 2)
    except ValueError:
        start = end.replace(year=end.year - 2, day=28)
    return start + timedelta(days=1), end


def _day_weight(day: date, start: date, branch: _Branch) -> float:
    """How busy a branch is on a day, relative to an ordinary weekday at the start of the window."""
    if (day.month, day.day) in _CLOSED:
        return 0.0
    weight = branch.weight * _WEEKDAY[day.weekday()] * _MONTH[day.month - 1]
    weight *= math.pow(_GROWTH, (day - start).days / 365.25)
    if day.month in (1, 2):
        weight *= branch.summer
    if day.month == 9:
        weight *= _FIESTAS_PATRIAS.get(day.day, 1.0)
    if day.month == 12 and 14 < day.day < 25:
        weight *= 1 + 0.06 * (day.day - 14)  # the run-up to Christmas
    if day.month == 12 and day.day == 31:
        weight *= 1.3
    return weight


def _slots(start: date, end: date, rng: random.Random) -> pl.DataFrame:
    """Every open (day, branch), with its share of the tickets (noise included) as a cumulative edge."""
    rows = [
        (start + timedelta(days=offset), index, weight * max(0.5, rng.gauss(1.0, _NOISE)))
        for offset in range((end - start).days + 1)
        for index, branch in enumerate(_BRANCHES)
        if (weight := _day_weight(start + timedelta(days=offset), start, branch)) > 0
    ]
    slots = pl.DataFrame(rows, schema={"day": pl.Date, "branch": pl.UInt32, "weight": pl.Float64}, orient="row")
    return slots.with_columns(edge=pl.col("weight").cum_sum() / pl.col("weight").sum())


def _ticket_sizes(count: int, seed: int) -> pl.DataFrame:
    """`count` tickets: kind and number of lines."""
    ticket = pl.int_range(count)
    u_kind = pl.select(uniform(ticket, seed=seed, stream=_Stream.KIND)).to_series()
    u_size = pl.select(uniform(ticket, seed=seed, stream=_Stream.SIZE)).to_series()
    mean_sale = _mean_size(_SIZES_BOLETA)
    # Notas de crédito are ~1 % of the lines: their share of tickets follows from the mean ticket sizes.
    nota_share = _RETURN_LINE_SHARE * mean_sale / (_mean_size(_SIZES_NOTA) * (1 - _RETURN_LINE_SHARE))
    kind = (
        pl.when(u_kind < nota_share).then(_NOTA).when(u_kind < nota_share + _FACTURA_SHARE).then(_FACTURA)
        .otherwise(_BOLETA)
    )  # fmt: skip
    frame = pl.DataFrame({"kind": pl.select(kind).to_series().cast(pl.UInt8)})
    size = (
        pl.when(pl.col("kind") == _BOLETA).then(pick(u_size, _SIZES_BOLETA) + 1)
        .when(pl.col("kind") == _FACTURA).then(pick(u_size, _SIZES_FACTURA) + 2)
        .otherwise(pick(u_size, _SIZES_NOTA) + 1)
    )  # fmt: skip
    return frame.with_columns(size=size.cast(pl.Int64))


def _mean_size(weights: Sequence[float]) -> float:
    return sum((k + 1) * w for k, w in enumerate(weights)) / sum(weights)


def _tickets(lines: int, start: date, end: date, seed: int) -> pl.DataFrame:
    """The tickets, in the order the file lists them (by time), with `first_line` and `size` giving their lines,
    and everything that is per ticket: time, branch, document, payment, seller, customer."""
    count = math.ceil(lines / _mean_size(_SIZES_BOLETA) * 1.2) + 64
    while (sizes := _ticket_sizes(count, seed))["size"].sum() < lines:
        count *= 2
    # Exactly `lines` lines: keep the tickets that start before it, and cut the last one short.
    sizes = sizes.with_columns(first_line=pl.col("size").cum_sum() - pl.col("size")).filter(
        pl.col("first_line") < lines
    )
    sizes = sizes.with_columns(size=pl.min_horizontal("size", lines - pl.col("first_line")))
    total = len(sizes)

    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    slots = _slots(start, end, rng)
    # Ticket i goes to the slot whose cumulative share covers (i + 0.5) / total: the number of tickets each
    # (day, branch) gets is its share, exactly up to rounding.
    position = (pl.int_range(total, eager=True).cast(pl.Float64) + 0.5) / total
    slot = slots["edge"].search_sorted(position, side="right").clip(0, len(slots) - 1)
    tickets = sizes.with_columns(day=slots["day"].gather(slot), branch=slots["branch"].gather(slot))

    ticket = pl.int_range(pl.len())
    weekday = pl.col("day").dt.weekday()  # 1 Monday .. 7 Sunday
    tickets = tickets.with_columns(u_hour=uniform(ticket, seed=seed, stream=_Stream.HOUR))
    hours = {profile: pick(tickets["u_hour"], weights) for profile, weights in enumerate(
        (_HOURS_WEEKDAY, _HOURS_SATURDAY, _HOURS_SUNDAY))}  # fmt: skip
    hour = pl.when(weekday == 7).then(hours[2]).when(weekday == 6).then(hours[1]).otherwise(hours[0])
    tickets = tickets.with_columns(
        minute_of_day=(hour.cast(pl.Int32) + _FIRST_HOUR) * 60
        + (uniform(ticket, seed=seed, stream=_Stream.MINUTE) * 60).floor().cast(pl.Int32)
    ).sort("day", "minute_of_day", "branch", maintain_order=True)
    # Folios: one sequence per document type for the whole company, as the SII assigns them.
    tickets = tickets.with_columns(
        folio=pl.int_range(pl.len()).over("kind") + pl.col("kind").replace_strict(range(3), _FIRST_FOLIO),
        first_line=pl.col("size").cum_sum() - pl.col("size"),
    )
    return tickets.with_columns(_payment(seed), _seller(seed), _customer(seed, rng, lines)).drop("u_hour")


def _choose(draw: pl.Expr, names: Sequence[str], weights: Sequence[float]) -> pl.Expr:
    """The name whose share of the weights `draw` (in [0, 1)) falls in."""
    total = sum(weights)
    chosen = pl.lit(names[-1])
    for name, edge in reversed(list(zip(names, accumulate(weights), strict=True))[:-1]):
        chosen = pl.when(draw < edge / total).then(pl.lit(name)).otherwise(chosen)
    return chosen


def _payment(seed: int) -> pl.Expr:
    """Boletas mostly by card, facturas mostly by transfer, notas de crédito refunded mostly in cash."""
    draw = uniform(pl.int_range(pl.len()), seed=seed, stream=_Stream.PAYMENT)
    by_kind = [_choose(draw, _PAYMENTS, weights) for weights in _PAYMENT_WEIGHTS]
    return (
        pl.when(pl.col("kind") == _BOLETA).then(by_kind[_BOLETA])
        .when(pl.col("kind") == _FACTURA).then(by_kind[_FACTURA])
        .otherwise(by_kind[_NOTA])
    ).alias("payment")  # fmt: skip


def _seller(seed: int) -> pl.Expr:
    """One of the ticket's branch's sellers."""
    names = [name for branch in _BRANCHES for name in branch.sellers]
    offsets = [sum(len(b.sellers) for b in _BRANCHES[:k]) for k in range(len(_BRANCHES))]
    counts = [len(b.sellers) for b in _BRANCHES]
    draw = uniform(pl.int_range(pl.len()), seed=seed, stream=_Stream.SELLER)
    offset = pl.col("branch").replace_strict(range(len(_BRANCHES)), offsets, return_dtype=pl.Int64)
    count = pl.col("branch").replace_strict(range(len(_BRANCHES)), counts, return_dtype=pl.Int64)
    return pl.lit(pl.Series(names)).gather(offset + (draw * count).floor().cast(pl.Int64)).alias("seller")


def _customer(seed: int, rng: random.Random, lines: int) -> pl.Expr:
    """The customer's RUT: always on a factura (a business), on some boletas and notas de crédito (a person).
    Squaring the draw favours the first customers of each pool, so some come back often. People's RUTs run up
    to ~28 million; most businesses' sit between 76 and 79 million."""
    people = _customer_ruts(rng, max(100, lines // _LINES_PER_PERSON), 5_000_000, 26_000_000)
    businesses = _customer_ruts(rng, max(20, lines // _LINES_PER_BUSINESS), 76_000_000, 79_000_000)
    ticket = pl.int_range(pl.len())
    asked = uniform(ticket, seed=seed, stream=_Stream.CUSTOMER) < _LOYALTY_SHARE
    who = uniform(ticket, seed=seed, stream=_Stream.WHO) ** 2
    person = pl.lit(people).gather((who * len(people)).floor().cast(pl.Int64))
    business = pl.lit(businesses).gather((who * len(businesses)).floor().cast(pl.Int64))
    return pl.when(pl.col("kind") == _FACTURA).then(business).when(asked).then(person).alias("customer")


# --- Lines ------------------------------------------------------------------------------------------------------

_CHUNK_LINES = 100_000  # lines generated and written at a time: bounds the memory whatever the file's size
_UNITS_SOLD = (75, 17, 5, 2, 1)  # 1..5 of a packaged product
_BULK = 6  # a factura buys up to 6 times as many


def _lines(tickets: pl.DataFrame, products: pl.DataFrame, start: date, seed: int) -> pl.DataFrame:
    """The lines of `tickets`, with integer CLP amounts: `quantity_milli` (thousandths, so 0,750 kg is 750),
    `price`, `discount` and `total` (signed: negative on a nota de crédito) and `unit_cost` (null: no cost)."""
    lines = tickets.with_columns(k=pl.int_ranges(0, "size")).explode("k")
    line = pl.col("first_line") + pl.col("k")
    draws = lines.select(
        product=uniform(line, seed=seed, stream=_Stream.PRODUCT),
        quantity=uniform(line, seed=seed, stream=_Stream.QUANTITY),
        bulk=uniform(line, seed=seed, stream=_Stream.BULK),
        discount=uniform(line, seed=seed, stream=_Stream.DISCOUNT),
        discount_pct=uniform(line, seed=seed, stream=_Stream.DISCOUNT_PCT),
    )
    product = pick(draws["product"], products["popularity"].to_list())
    lines = pl.concat(
        [lines, products.select(pl.all().gather(product)), draws.select("quantity", "bulk", "discount")],
        how="horizontal",
    ).with_columns(discount_pct=pick(draws["discount_pct"], [1.0] * len(_DISCOUNT_PCTS)))

    is_sale = pl.col("kind") != _NOTA
    units = (pick(draws["quantity"], _UNITS_SOLD) + 1).cast(pl.Int64) * pl.when(pl.col("kind") == _FACTURA).then(
        (pl.col("bulk") * _BULK).floor().cast(pl.Int64) + 1
    ).otherwise(1)
    grams = 200 + (pl.col("quantity") * 461).floor().cast(pl.Int64) * 5  # 200 g .. 2,5 kg
    quarter = (pl.col("day") - pl.lit(start)).dt.total_days() // 91
    price = _shelf_price(pl.col("list_price") * pl.lit(_INFLATION_PER_QUARTER).pow(quarter))
    lines = lines.with_columns(
        quantity_milli=pl.when(pl.col("weighed")).then(grams).otherwise(units * 1000),
        price=price,
        unit_cost=(price * pl.col("cost_ratio")).round().cast(pl.Int64),
    )
    gross = (pl.col("quantity_milli") * pl.col("price") + 500) // 1000
    pct = pl.col("discount_pct").replace_strict(range(len(_DISCOUNT_PCTS)), _DISCOUNT_PCTS, return_dtype=pl.Int64)
    discount = pl.when(is_sale & (pl.col("discount") < _DISCOUNT_SHARE)).then(gross * pct // 1000 * 10).otherwise(0)
    sign = pl.when(is_sale).then(1).otherwise(-1)
    return lines.with_columns(discount=discount).with_columns(
        total=sign * (gross - pl.col("discount")), quantity_milli=sign * pl.col("quantity_milli")
    )


def _shelf_price(value: pl.Expr) -> pl.Expr:
    """Chilean shelf prices end in 90 ($1.290, $990): the first such price at or above `value`."""
    return pl.max_horizontal(pl.lit(90), ((value - 90) / 100).ceil().cast(pl.Int64) * 100 + 90)


# --- Writing ----------------------------------------------------------------------------------------------------


def _sign(value: pl.Expr) -> pl.Expr:
    return pl.when(value < 0).then(pl.lit("-")).otherwise(pl.lit(""))


def _three(value: pl.Expr) -> pl.Expr:
    return value.cast(pl.String).str.zfill(3)


def clp(value: pl.Expr) -> pl.Expr:
    """Integer pesos as a Chilean POS writes them, `.` between thousands (`0`, `-4.990`, `1.234.990`), for
    |value| < 10^12. `pl.format` of integer groups: three times as fast as a regex over the digits."""
    size = value.abs()
    return (
        pl.when(size < 1000).then(value.cast(pl.String))
        .when(size < 10**6).then(pl.format("{}{}.{}", _sign(value), size // 1000, _three(size % 1000)))
        .when(size < 10**9).then(
            pl.format("{}{}.{}.{}", _sign(value), size // 10**6, _three(size // 1000 % 1000), _three(size % 1000))
        )
        .otherwise(pl.format(
            "{}{}.{}.{}.{}", _sign(value), size // 10**9, _three(size // 10**6 % 1000), _three(size // 1000 % 1000),
            _three(size % 1000),
        ))
    )  # fmt: skip


def quantity(milli: pl.Expr) -> pl.Expr:
    """Thousandths as a Chilean POS writes a quantity: `2`, `-1`, `0,750`, `1,205`."""
    size = milli.abs()
    return (
        pl.when(size % 1000 == 0).then((milli // 1000).cast(pl.String))
        .otherwise(pl.format("{}{},{}", _sign(milli), size // 1000, _three(size % 1000)))
    )  # fmt: skip


def _rows(lines: pl.DataFrame) -> pl.DataFrame:
    """The lines as the file's columns, all text."""
    minutes = pl.col("minute_of_day")
    branch_names = [location.name for location in DEMO_COMPANY.locations]
    columns = (
        pl.col("day").dt.strftime("%d-%m-%Y") + " " + (minutes // 60).cast(pl.String).str.zfill(2) + ":"
        + (minutes % 60).cast(pl.String).str.zfill(2),
        pl.col("kind").replace_strict(range(len(_KINDS)), _KINDS, return_dtype=pl.String),
        pl.col("folio").cast(pl.String),
        pl.col("branch").replace_strict(range(len(branch_names)), branch_names, return_dtype=pl.String),
        pl.col("code"),
        pl.col("name"),
        pl.col("category"),
        quantity(pl.col("quantity_milli")),
        clp(pl.col("price")),
        clp(pl.col("discount")),
        clp(pl.col("total")),
        clp(pl.col("unit_cost")),
        pl.col("payment"),
        pl.col("seller"),
        pl.col("customer"),
    )  # fmt: skip
    return lines.select(column.alias(name) for column, name in zip(columns, HEADER, strict=True))


def _chunks(tickets: pl.DataFrame) -> Iterator[pl.DataFrame]:
    yield from tickets.with_columns(chunk=pl.col("first_line") // _CHUNK_LINES).partition_by(
        "chunk", maintain_order=True, include_key=False
    )


def write_demo_csv(out: BinaryIO | Path, *, lines: int = 1_000_000, end: date, seed: int = 7) -> DemoFacts:
    """Write the demo company's sales file: exactly `lines` lines (at least 1) over the two years up to `end`.
    The same arguments write the same bytes."""
    if isinstance(out, Path):
        with out.open("wb") as file:
            return write_demo_csv(file, lines=lines, end=end, seed=seed)
    if lines < 1:
        raise ValueError("The demo file needs at least one line.")
    start, end = window(end)
    products = catalog(seed)
    tickets = _tickets(lines, start, end, seed)
    revenue = [0] * len(_BRANCHES)
    for number, chunk in enumerate(_chunks(tickets)):
        chunk_lines = _lines(chunk, products, start, seed)
        for branch, total in chunk_lines.group_by("branch").agg(pl.col("total").sum()).iter_rows():
            revenue[branch] += total
        _rows(chunk_lines).write_csv(out, separator=DELIMITER, include_header=number == 0, line_terminator="\r\n")
    return DemoFacts(
        lines=lines,
        tickets=tickets.filter(pl.col("kind") != _NOTA).height,
        date_from=tickets.item(0, "day"),  # the tickets are in time order
        date_to=tickets.item(-1, "day"),
        revenue=Decimal(sum(revenue)),
        revenue_by_location={
            location.name: Decimal(total) for location, total in zip(DEMO_COMPANY.locations, revenue, strict=True)
        },
    )
