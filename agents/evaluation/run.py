"""The agent's evaluation on the labelled conversations in dialogues*.yaml.

Intent accuracy: the last turn's intent. Slot accuracy: over every labelled slot and every
slot the agent holds that the label does not have (a wrong extra counts against it). Card
violations: cards of the local agent that break a constraint the person stated. Reply
language: the local agent's last reply is in the conversation's labelled `language` (English
when unlabelled), judged by the words of the reply itself. Each figure also per language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from agents.base import LANGUAGES
from agents.local.conversation import conversation_after
from agents.local.en_to_slots import Budget
from agents.local.language import conversation_language
from agents.local.slots_to_reply import answer

# dialogues.yaml was written with the agent; dialogues_blind.yaml by someone who had not seen it.
DATASETS = sorted(Path(__file__).parent.glob("dialogues*.yaml"))
TODAY = date(2026, 11, 26)
EN, TR, RU = LANGUAGES
SLOT_NAMES = ("district", "area", "budget", "bedrooms", "kind", "party_size", "duration", "dates")
# The floors, for every language alike (`make test` and `evaluate_agent` fail below them).
MIN_INTENT, MIN_SLOTS, MIN_REPLY_LANGUAGE = 0.95, 0.95, 0.98


@dataclass
class Report:
    items: int = 0
    intents_right: int = 0
    slots_checked: int = 0
    slots_right: int = 0
    cards: int = 0
    violating_cards: int = 0
    replies_in_language: int = 0
    mistakes: list[str] = field(default_factory=list)
    by_language: dict[str, Report] = field(default_factory=dict)

    @property
    def intent_accuracy(self) -> float:
        return self.intents_right / self.items

    @property
    def slot_accuracy(self) -> float:
        return self.slots_right / self.slots_checked

    @property
    def violation_share(self) -> float:
        return self.violating_cards / self.cards if self.cards else 0.0

    @property
    def reply_language_accuracy(self) -> float:
        return self.replies_in_language / self.items

    def summary(self) -> str:
        return (
            f"{self.items} conversations: intent accuracy {self.intent_accuracy:.1%}, "
            f"slot accuracy {self.slot_accuracy:.1%} ({self.slots_right}/{self.slots_checked}), "
            f"reply in the right language {self.reply_language_accuracy:.1%}, "
            f"cards violating a stated constraint {self.violating_cards}/{self.cards} "
            f"({self.violation_share:.1%})"
        )

    def below_floors(self) -> list[str]:
        """What falls short, overall or in any language; empty when all is well."""
        short = []
        for name, report in [("all", self), *self.by_language.items()]:
            if report.items == 0:
                continue
            if report.intent_accuracy < MIN_INTENT:
                short.append(f"{name}: intent accuracy {report.intent_accuracy:.1%}")
            if report.slot_accuracy < MIN_SLOTS:
                short.append(f"{name}: slot accuracy {report.slot_accuracy:.1%}")
            if report.reply_language_accuracy < MIN_REPLY_LANGUAGE:
                short.append(f"{name}: reply language {report.reply_language_accuracy:.1%}")
            if report.violating_cards:
                short.append(f"{name}: {report.violating_cards} cards break a constraint")
        return short


def load_dataset(paths: list[Path] = DATASETS) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in paths:
        items += yaml.safe_load(path.read_text(encoding="utf-8"))
    return items


def evaluate(items: list[dict[str, Any]] | None = None) -> Report:
    report = Report()
    for item in items if items is not None else load_dataset():
        language = item.get("language", EN)
        part = report.by_language.setdefault(language, Report())
        for counted in (report, part):
            counted.items += 1
        _evaluate_one(item, language, report, part)
    return report


def _evaluate_one(item: dict[str, Any], language: str, *reports: Report) -> None:
    def count(attribute: str, by: int = 1) -> None:
        for r in reports:
            setattr(r, attribute, getattr(r, attribute) + by)

    def mistake(text: str) -> None:
        for r in reports:
            r.mistakes.append(text)

    state, intent = conversation_after(item["says"], TODAY)
    label = " / ".join(item["says"])
    if intent == item["intent"]:
        count("intents_right")
    else:
        mistake(f"intent {intent!r} != {item['intent']!r}: {label}")
    predicted = {k: _plain(v) for k, v in state.resolved_slots().items() if k in SLOT_NAMES}
    expected = item["slots"]
    for name in sorted(set(expected) | set(predicted)):
        count("slots_checked")
        if predicted.get(name) == expected.get(name):
            count("slots_right")
        else:
            mistake(f"slot {name}: {predicted.get(name)!r} != {expected.get(name)!r}: {label}")
    replied_in = conversation_language((said, None) for said in item["says"])
    reply = answer(intent, state, item["says"][-1], replied_in)
    written_in = language_of(reply.text)
    if written_in == language:
        count("replies_in_language")
    else:
        mistake(f"reply in {written_in!r} != {language!r}: {label} -> {reply.text[:80]!r}")
    for card in reply.cards:
        count("cards")
        broken = card_violations(card, item["intent"], expected)
        if broken:
            count("violating_cards")
            mistake(f"card {card['id']} breaks {broken}: {label}")


# Words only one of the languages writes, to tell what language a reply is in without the
# agent's own language detection (which would be marking its own homework).
_TURKISH_WORDS = {
    "ve",
    "bir",
    "için",
    "mi",
    "mı",
    "misiniz",
    "musunuz",
    "bu",
    "ne",
    "size",
    "kaç",
    "hangi",
    "veya",
    "ile",
    "ya",
    "da",
    "yoksa",
    "en",
    "fazla",
    "buldum",
    "bulamadım",
    "seçenek",
    "istiyorsunuz",
    "ister",
    "yazın",
    "yazmanız",
    "bölgesinde",
    "merhaba",
    "rica",
    "ederim",
    "teşekkür",
    "lütfen",
    "çok",
    "ben",
    "hoşça",
    "kalın",
    "bütçeniz",
    "olarak",
    "gibi",
    "daha",
    "tekrar",
    "üzgünüm",
    "kuzey",
    "kıbrıs'ta",
    "yaz",
    "kış",
    "yaygın",
    "kiralık",
    "satılık",
    "günlük",
    "aylık",
}
_ENGLISH_WORDS = {
    "the",
    "and",
    "a",
    "an",
    "you",
    "your",
    "i",
    "i'm",
    "is",
    "are",
    "to",
    "of",
    "in",
    "for",
    "what",
    "how",
    "me",
    "it",
    "with",
    "or",
    "can",
    "any",
    "up",
    "at",
    "found",
    "couldn't",
    "there",
    "would",
    "like",
    "want",
    "tell",
    "my",
    "be",
    "here",
    "these",
    "this",
    "that",
    "on",
}
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def language_of(reply: str) -> str:
    """The language a reply is written in: Russian by its alphabet, Turkish or English by
    which of them has more of its own little words in it."""
    letters = len(_LETTER.findall(reply))
    if letters and len(_CYRILLIC.findall(reply)) * 2 >= letters:
        return RU
    words = [w.lower() for w in _WORD.findall(reply)]
    turkish = sum(w in _TURKISH_WORDS for w in words)
    english = sum(w in _ENGLISH_WORDS for w in words)
    return TR if turkish > english else EN


def card_violations(card: dict[str, Any], intent: str, slots: dict[str, Any]) -> list[str]:
    """The stated constraints (kind, place, budget, size) this card does not satisfy."""
    broken = []
    if card["category"] != intent:
        broken.append("category")
    if slots.get("district") and card["city"] != slots["district"]:
        broken.append("district")
    if slots.get("area") and card["area"] != slots["area"]:
        broken.append("area")
    if slots.get("kind") and card["metadata"].get("kind") != slots["kind"]:
        broken.append("kind")
    if "bedrooms" in slots and card["metadata"].get("bedrooms") != slots["bedrooms"]:
        broken.append("bedrooms")
    budget = slots.get("budget")
    if budget:
        price = card["price"]
        if (price["currency"], price["period"]) != (budget["currency"], budget["period"]) or (
            Decimal(str(price["amount"])) > Decimal(str(budget["amount"]))
        ):
            broken.append("budget")
    return broken


def _plain(value: Any) -> Any:
    return value.as_dict() if isinstance(value, Budget) else value
