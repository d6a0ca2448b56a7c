"""Which language a person writes in, and so which one to answer in: English, Turkish or
Russian (agents.base.LANGUAGES), from the client's hints and the words of the messages."""

from __future__ import annotations

import re
from collections.abc import Iterable

from agents.base import LANGUAGES, AgentRequest
from agents.local import en_to_slots_vocabulary as vocab
from agents.local.reply_texts import EN, RU, TR
from agents.local.tokens import fold
from agents.local.tr_ru_to_en import place_words, translate_word

__all__ = ["conversation_language", "detect_language", "reply_language"]

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


def reply_language(request: AgentRequest) -> str:
    """The language to answer the request in: the hints and the words of the thread's user
    messages, then the new one."""
    said = [(m.text, m.meta.get("language")) for m in request.history if m.role == "user"]
    return conversation_language([*said, (request.message, request.language)])
