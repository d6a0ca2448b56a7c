"""Small text tools for understanding people: folding, words, numbers, forgiving matches."""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher

from agents import vocabulary as vocab
from agents.canonical import place_words, translate_word
from agents.texts import EN, LANGUAGES, RU, TR
from catalog.places import fold

__all__ = [
    "conversation_language",
    "detect_language",
    "fold",
    "fuzzy_find",
    "number",
    "words",
]

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple": 2,
    "few": 3,
    "me": 1,
}
# Ordinary words that look like place or domain words to a fuzzy matcher.
_NEVER_FUZZY = {
    "given",
    "rental",
    "rentals",
    "dental",
    "mental",
    "cheaper",
    "laptop",
    "month",
    "months",
    "about",
    "there",
    "where",
    "which",
    "would",
    "could",
    "should",
    "house",
    "horse",
    "hours",
    "other",
    "after",
    "please",
    "places",
    "place",
}


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def number(token: str) -> int | None:
    """An integer written in digits or in words ("two", "a"), else None."""
    if token.isdigit():
        return int(token)
    return _NUMBER_WORDS.get(token)


def fuzzy_find(tokens: list[str], vocabulary: dict[str, str], cutoff: float = 0.82) -> str | None:
    """The vocabulary value of the first token that is a near-miss of a vocabulary key.

    For typos ("Kyrena", "famagsuta", "restuarant"): only words of five letters or more, and
    never ordinary words that merely look alike.
    """
    for token in tokens:
        if len(token) < 5 or token in _NEVER_FUZZY:
            continue
        best, score = None, cutoff
        matcher = SequenceMatcher(None, b=token)  # b is cached: one analysis per token
        for key, value in vocabulary.items():
            if " " in key or abs(len(key) - len(token)) > 2:
                continue
            matcher.set_seq1(key)
            # The cheap upper bounds first: most keys are ruled out without a full ratio.
            if matcher.real_quick_ratio() >= score and matcher.quick_ratio() >= score:
                ratio = matcher.ratio()
                if ratio >= score:
                    best, score = value, ratio
        if best is not None:
            return best
    return None


# --- Which language a person writes in ------------------------------------------------------

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_TURKISH_LETTERS = re.compile(r"[ıİşŞğĞ]")
_LATIN_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# Words that mark English; a word Turkish also uses ("villa", "pizza") marks neither.
_ENGLISH = frozenset(
    {
        "a",
        "about",
        "after",
        "am",
        "an",
        "and",
        "any",
        "anything",
        "apartment",
        "are",
        "around",
        "at",
        "available",
        "be",
        "bed",
        "bedroom",
        "bedrooms",
        "beds",
        "best",
        "budget",
        "but",
        "buy",
        "can",
        "car",
        "cars",
        "cheap",
        "cheaper",
        "could",
        "day",
        "days",
        "do",
        "does",
        "dinner",
        "find",
        "flat",
        "flats",
        "food",
        "for",
        "from",
        "get",
        "good",
        "have",
        "hello",
        "help",
        "hey",
        "hi",
        "hire",
        "holiday",
        "home",
        "homes",
        "house",
        "how",
        "i",
        "i'm",
        "im",
        "in",
        "is",
        "it",
        "just",
        "kids",
        "let",
        "like",
        "long",
        "looking",
        "max",
        "me",
        "month",
        "monthly",
        "months",
        "my",
        "near",
        "need",
        "night",
        "nights",
        "no",
        "of",
        "on",
        "or",
        "our",
        "per",
        "place",
        "please",
        "pls",
        "price",
        "rent",
        "rental",
        "restaurant",
        "sale",
        "short",
        "some",
        "something",
        "stay",
        "term",
        "thanks",
        "thank",
        "the",
        "there",
        "this",
        "to",
        "under",
        "up",
        "us",
        "want",
        "we",
        "week",
        "weekend",
        "weeks",
        "what",
        "where",
        "which",
        "will",
        "with",
        "would",
        "year",
        "you",
        "your",
    }
) | frozenset(
    word
    for words_of in (
        vocab.PROPERTY_KINDS,
        vocab.PROPERTY_WORDS,
        vocab.RENT_WORDS,
        vocab.SALE_WORDS,
        vocab.SHORT_TERM_WORDS,
        vocab.LONG_TERM_WORDS,
        vocab.CAR_KINDS,
        vocab.CAR_WORDS,
        vocab.SERVICE_KINDS,
        vocab.ACTIVITY_KINDS,
        vocab.ACTIVITY_WORDS,
        vocab.RESTAURANT_KINDS,
        vocab.RESTAURANT_WORDS,
        vocab.GREETINGS,
        vocab.THANKS,
        vocab.FAREWELLS,
        vocab.CHAT,
        vocab.FEATURE_WORDS,
    )
    for word in words_of
    if " " not in word and word.isascii() and translate_word(word)[1] is None
)


def detect_language(message: str) -> str | None:
    """The language a message is written in, or None when it does not tell (numbers and
    place names only: "2+1 lapta 500")."""
    letters = _LETTER.findall(message)
    cyrillic = len(_CYRILLIC.findall(message))
    if cyrillic >= 2 and cyrillic * 2 >= len(letters):
        return RU
    turkish = english = 0
    for raw in _LATIN_WORD.findall(message.replace("’", "'")):
        word = fold(raw)
        meaning, language = translate_word(word)
        if language == TR and meaning != word:  # "villa", "pizza": both languages say it
            turkish += 1
        elif _TURKISH_LETTERS.search(raw) and meaning == word and not _is_place(word):
            turkish += 1  # "ş", "ğ", "ı" outside a place name: Turkish written properly
        elif word in _ENGLISH:
            english += 1
    if turkish > english:
        return TR
    if english > turkish:
        return EN
    return None


def _is_place(word: str) -> bool:
    return word in place_words()


def conversation_language(messages: Iterable[tuple[str, str | None]]) -> str:
    """The language to answer in after these user messages (oldest first), each with the
    client's hint or None: a hint wins for its message, a message that does not tell keeps
    the language of the ones before, and English is where a thread starts."""
    language = EN
    for message, hint in messages:
        language = str(hint) if hint in LANGUAGES else detect_language(message) or language
    return language
