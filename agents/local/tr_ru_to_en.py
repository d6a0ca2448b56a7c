"""Turkish, Russian and mixed messages read as the English the rules know.

General rules, not sentences: text is folded (lower case, no diacritics), phrases that carry
numbers are rewritten ("3 günlük" → "for 3 days", "100 bin" → "100k", "на неделю" → "for a
week"), then every word is looked up — Turkish words also under their case and plural
suffixes, with or without the apostrophe ("Lapta'da", "girnede", "restoranı", "daireler"),
Russian words by their stem under any ending ("в Фамагусте", "квартиру"). Place names pass
through unchanged, so the place matching (with its typo tolerance) reads them as before. A
limit written after the amount, as Turkish does ("600 sterline kadar"), is moved before it.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from agents.local.tr_ru_to_en_lexicon import (
    RUSSIAN_PHRASES,
    RUSSIAN_SHORT_STEM_ENDINGS,
    RUSSIAN_STEMS,
    TURKISH_PHRASES,
    TURKISH_WORDS,
)
from catalog.places import AREAS, DISTRICTS, fold

# The lexicon as folded text ("й" → "и"), as the words it is matched against are.
_STEMS = {fold(stem): value for stem, value in RUSSIAN_STEMS.items()}
_STEM_ENDINGS = {
    fold(stem): tuple(fold(ending) for ending in endings)
    for stem, endings in RUSSIAN_SHORT_STEM_ENDINGS.items()
}
_TR_WORDS = {fold(word): value for word, value in TURKISH_WORDS.items()}

_TOKEN = re.compile(r"[a-z0-9а-я]+(?:'[a-z]+)?")
_CYRILLIC = re.compile(r"[а-я]")
_LATIN = re.compile(r"[a-z]")
_PHRASES = [(re.compile(rx), repl) for rx, repl in TURKISH_PHRASES + RUSSIAN_PHRASES]
# Turkish case, plural, possessive and derivational endings, longest first.
_TR_SUFFIXES = sorted(
    {
        "da",
        "de",
        "ta",
        "te",
        "dan",
        "den",
        "tan",
        "ten",
        "nda",
        "nde",
        "ndan",
        "nden",
        "daki",
        "deki",
        "taki",
        "teki",
        "ya",
        "ye",
        "yi",
        "yu",
        "a",
        "e",
        "i",
        "u",
        "si",
        "su",
        "ni",
        "nu",
        "nin",
        "nun",
        "in",
        "un",
        "yla",
        "yle",
        "la",
        "le",
        "lar",
        "ler",
        "lari",
        "leri",
        "larda",
        "lerde",
        "lardan",
        "lerden",
        "li",
        "lu",
        "lik",
        "luk",
        "ci",
        "cu",
        "mi",
        "mu",
        "yim",
        "yiz",
        "im",
        "iz",
    },
    key=len,
    reverse=True,
)
_ENGLISH_CONTRACTIONS = {"s", "re", "m", "d", "ll", "ve", "t"}
# A consonant that softens before a vowel: "Alsancağa" is Alsancak + a.
_SOFTENED = {"g": "k", "b": "p", "d": "t", "c": "c"}
# Russian counts every room but the kitchen: a "3-комнатная" (or "3 комнаты") flat has a
# living room and 2 bedrooms, as Turkish writes 2+1; a 1-room flat is a studio.
_RU_ROOMS = re.compile(
    r"\b(?:(?P<n>\d)\s?-?\s?(?:х\s?)?комнат\w*|(?P<word>одно|двух|трех|четырех|пяти)"
    r"\s?-?\s?комнатн\w*|(?P<k>\d)\s?-?\s?комн\b\.?)"
)
_RU_ROOM_WORDS = {"одно": 1, "двух": 2, "трех": 3, "четырех": 4, "пяти": 5}


def _bedrooms_of_rooms(match: re.Match[str]) -> str:
    rooms = int(match.group("n") or match.group("k") or _RU_ROOM_WORDS[match.group("word")])
    return " studio " if rooms <= 1 else f" {rooms - 1} bedrooms "


_UNIT = r"(?:\s?(?:k\b|million\b))?(?:\s?(?:pounds|euro|euros|lira|tl|dollars|gbp|eur|try|usd))?"
_UPTO = re.compile(r"((?:[£€₺$]\s?)?\d[\d.,]*" + _UNIT + r")\s+upto\b")
_LONE_UPTO = re.compile(r"\bupto\b")


@cache
def place_words() -> frozenset[str]:
    """Every folded word of every place name people use (local, English, area)."""
    names = list(AREAS) + list(DISTRICTS) + [n for names in DISTRICTS.values() for n in names]
    return frozenset(word for name in names for word in fold(name).split())


@lru_cache(maxsize=8192)
def canonical(text: str) -> str:
    """The message as folded English words (unknown words are left as they are)."""
    folded = _RU_ROOMS.sub(_bedrooms_of_rooms, fold(text))
    for pattern, replacement in _PHRASES:
        folded = pattern.sub(replacement, folded)
    read = _TOKEN.sub(lambda m: translate_word(m.group())[0], folded)
    read = _UPTO.sub(r" under \1 ", read)
    read = _LONE_UPTO.sub(" ", read)
    return " ".join(read.split())


def translate_word(word: str) -> tuple[str, str | None]:
    """The English for one folded word, and the language it was recognised in (None: not
    recognised as Turkish or Russian; a place name with a Turkish suffix counts as Turkish)."""
    if word.isdigit():
        return word, None
    if _CYRILLIC.search(word):
        found = _russian(word)
        return (found, "ru") if found is not None else (word, "ru")
    if not _LATIN.search(word):
        return word, None
    return _turkish(word)


def _russian(word: str) -> str | None:
    for end in range(len(word), 1, -1):
        stem = word[:end]
        value = _STEMS.get(stem)
        if value is None:
            continue
        tail = word[end:]
        endings = _STEM_ENDINGS.get(stem)
        if endings is not None:
            if tail in endings:
                return value
            continue
        if len(tail) <= (3 if len(stem) <= 4 else 5):
            return value
    return None


def _turkish(word: str) -> tuple[str, str | None]:
    if word in _TR_WORDS:
        return _TR_WORDS[word], "tr"
    if word in place_words():
        return word, None
    base, apostrophe, suffix = word.partition("'")
    if apostrophe:  # "Lapta'da", "tl'ye": the name is before the apostrophe
        known = _known(base)
        if known is not None:
            return known, "tr"
        if suffix in _TR_SUFFIXES and suffix not in _ENGLISH_CONTRACTIONS:
            return base, "tr"
        return word, None  # "we're", "there's": English
    stripped = _strip(word, depth=2)
    if stripped is not None:
        return stripped, "tr"
    return word, None


def _known(base: str) -> str | None:
    for candidate in (base, base[:-1] + _SOFTENED.get(base[-1:], base[-1:])):
        if candidate in _TR_WORDS:
            return _TR_WORDS[candidate]
        if candidate in place_words():
            return candidate
    return None


def _strip(word: str, depth: int) -> str | None:
    for suffix in _TR_SUFFIXES:
        if not word.endswith(suffix):
            continue
        base = word[: -len(suffix)]
        if len(base) < 3 and base != "ev":
            continue
        known = _known(base)
        if known is not None:
            return known
        if depth > 1:
            deeper = _strip(base, depth - 1)
            if deeper is not None:
                return deeper
    return None
