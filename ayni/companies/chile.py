"""Chile's 16 regions as the government writes them, and a lenient reader that finds the official name in what a
person or a point-of-sale export typed ("metropolitana", "REGION DEL BIO BIO", "XIII", "Nuble")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Region:
    code: int  # the CUT (Código Único Territorial) of the region, 1..16
    roman: str  # the numeral still printed on maps and forms ("RM" for the Metropolitan region)
    name: str  # the official name (Ley 21.033 of 2017 created Ñuble, the 16th)
    short: str  # the name without "Región de/del ...", as people say it
    aliases: tuple[str, ...] = ()


# North to south, as the state lists them (gob.cl, SUBDERE).
REGIONS: tuple[Region, ...] = (
    Region(15, "XV", "Región de Arica y Parinacota", "Arica y Parinacota", ("Arica",)),
    Region(1, "I", "Región de Tarapacá", "Tarapacá"),
    Region(2, "II", "Región de Antofagasta", "Antofagasta"),
    Region(3, "III", "Región de Atacama", "Atacama"),
    Region(4, "IV", "Región de Coquimbo", "Coquimbo"),
    Region(5, "V", "Región de Valparaíso", "Valparaíso"),
    Region(13, "RM", "Región Metropolitana de Santiago", "Metropolitana", ("XIII", "Metropolitana de Santiago")),
    Region(
        6,
        "VI",
        "Región del Libertador General Bernardo O'Higgins",
        "O'Higgins",
        ("Libertador General Bernardo O'Higgins", "Libertador Bernardo O'Higgins"),
    ),
    Region(7, "VII", "Región del Maule", "Maule"),
    Region(16, "XVI", "Región de Ñuble", "Ñuble"),
    Region(8, "VIII", "Región del Biobío", "Biobío", ("Bío Bío", "Bío-Bío")),
    Region(9, "IX", "Región de La Araucanía", "La Araucanía", ("Araucanía",)),
    Region(14, "XIV", "Región de Los Ríos", "Los Ríos"),
    Region(10, "X", "Región de Los Lagos", "Los Lagos"),
    Region(
        11,
        "XI",
        "Región de Aysén del General Carlos Ibáñez del Campo",
        "Aysén",
        ("Aisén", "Aysén del General Carlos Ibáñez del Campo"),
    ),
    Region(
        12,
        "XII",
        "Región de Magallanes y de la Antártica Chilena",
        "Magallanes",
        ("Magallanes y de la Antártica Chilena", "Magallanes y Antártica Chilena"),
    ),
)
REGION_NAMES: tuple[str, ...] = tuple(region.name for region in REGIONS)

_APOSTROPHES = re.compile(r"['’`´]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_PREFIX = re.compile(r"^(?:region )?(?:de la |del |de )?")


def _key(text: str) -> str:
    """Case, accents, apostrophes and punctuation left out: "Región del Libertador General Bernardo O'Higgins"
    and "REGION DEL LIBERTADOR GENERAL BERNARDO OHIGGINS" have the same key."""
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", _APOSTROPHES.sub("", bare.casefold())).strip()


def _bare(key: str) -> str:
    """The key without a leading "region", "de", "del" or "de la", so that "Región del Maule", "del Maule" and
    "Maule" meet."""
    return _PREFIX.sub("", key, count=1)


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for region in REGIONS:
        for spelling in (region.name, region.short, region.roman, str(region.code), *region.aliases):
            for key in {_key(spelling), _bare(_key(spelling))}:
                if key:
                    assert index.setdefault(key, region.name) == region.name, f"ambiguous region key {key!r}"
    return index


def normalize_region(text: str) -> str | None:
    """The official name of the region `text` names (case, accents, punctuation and the "Región de" prefix not
    minded; the short name, the Roman numeral or the CUT number also do), or None when it names none."""
    if len(text) > 200:
        return None
    key = _key(text)
    return _index().get(key) or _index().get(_bare(key))
