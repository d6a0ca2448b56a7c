"""Small text tools for reading people: folding, words, numbers, forgiving matches."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from catalog.places import fold

__all__ = ["fold", "fuzzy_find", "number", "readable", "words"]

# What no one means, cut before any rule reads the text: a rule's number pattern tried at each
# digit of a long run rescans the run, so its work grows with the run's square (a 4,000-digit
# message took 16 s of the worker's CPU). Runs this short keep every rule's work linear.
_LONG_NUMBER = re.compile(r"[\d.,]{25,}")  # prices are at most 11 digits with separators
_REPEATED = re.compile(r"([^\d\s])\1{3,}")  # "soooooo", "!!!!!!": three say as much
_LONG_WORD = re.compile(r"[^\W\d]{41,}")  # no word of a language is longer

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


def readable(text: str) -> str:
    """The person's message as the rules read it: numbers longer than any price dropped,
    a character repeated more than three times kept three times, words longer than any word
    cut to 40 letters. Each step is linear, and so is every rule on what is left."""
    text = _LONG_NUMBER.sub(" ", text)
    text = _REPEATED.sub(r"\1\1\1", text)
    return _LONG_WORD.sub(lambda match: match.group()[:40], text)
