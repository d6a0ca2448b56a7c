"""North Cyprus places: districts by their local names, their English names, and their areas."""

from __future__ import annotations

import unicodedata
from functools import cache

# District (local name, as cards show it) → English names people use.
DISTRICTS: dict[str, tuple[str, ...]] = {
    "Girne": ("Kyrenia", "Keryneia"),
    "Lefkoşa": ("Nicosia", "Lefkosia", "Lefkosa"),
    "Gazimağusa": ("Famagusta", "Magusa", "Mağusa", "Gazimagusa"),
    "İskele": ("Trikomo", "Iskele"),
    "Güzelyurt": ("Morphou", "Guzelyurt"),
}

# Area → its district. Areas are where listings are; people name either.
AREAS: dict[str, str] = {
    "Alsancak": "Girne",
    "Lapta": "Girne",
    "Çatalköy": "Girne",
    "Karakum": "Girne",
    "Esentepe": "Girne",
    "Bellapais": "Girne",
    "Ozanköy": "Girne",
    "Edremit": "Girne",
    "Karaoğlanoğlu": "Girne",
    "Doğanköy": "Girne",
    "Gönyeli": "Lefkoşa",
    "Ortaköy": "Lefkoşa",
    "Hamitköy": "Lefkoşa",
    "Dikmen": "Lefkoşa",
    "Yenikent": "Lefkoşa",
    "Küçük Kaymaklı": "Lefkoşa",
    "Salamis": "Gazimağusa",
    "Tuzla": "Gazimağusa",
    "Yeniboğaziçi": "Gazimağusa",
    "Karakol": "Gazimağusa",
    "Çanakkale": "Gazimağusa",
    "Long Beach": "İskele",
    "Bafra": "İskele",
    "Boğaz": "İskele",
    "Yeni Erenköy": "İskele",
    "Lefke": "Güzelyurt",
    "Gemikonağı": "Güzelyurt",
    "Yayla": "Güzelyurt",
}

_TURKISH = str.maketrans({"ı": "i", "İ": "i", "ş": "s", "Ş": "s", "ğ": "g", "Ğ": "g"})


def fold(text: str) -> str:
    """Lower case without diacritics: "Çatalköy" and "catalkoy" fold to the same word."""
    text = text.translate(_TURKISH).lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def district_names() -> dict[str, str]:
    """Every folded name of a district (local and English) → the district's local name."""
    names = {fold(d): d for d in DISTRICTS}
    for district, english in DISTRICTS.items():
        names.update({fold(name): district for name in english})
    return names


@cache
def area_names() -> dict[str, str]:
    """Every folded area name → the area's local name."""
    return {fold(area): area for area in AREAS}
