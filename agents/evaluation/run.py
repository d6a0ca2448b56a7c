"""The agent's evaluation on the labelled conversations in dialogues.yaml.

Intent accuracy: the last turn's intent. Slot accuracy: over every labelled slot and every
slot the agent holds that the label does not have (a wrong extra counts against it). Card
violations: cards of the local agent that break a constraint the person stated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from agents.memory import conversation_after
from agents.replies import answer
from agents.understanding import Budget

# dialogues.yaml was written with the agent; dialogues_blind.yaml by someone who had not seen it.
DATASETS = sorted(Path(__file__).parent.glob("dialogues*.yaml"))
TODAY = date(2026, 11, 26)
SLOT_NAMES = ("district", "area", "budget", "bedrooms", "kind", "party_size", "duration", "dates")


@dataclass
class Report:
    items: int = 0
    intents_right: int = 0
    slots_checked: int = 0
    slots_right: int = 0
    cards: int = 0
    violating_cards: int = 0
    mistakes: list[str] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intents_right / self.items

    @property
    def slot_accuracy(self) -> float:
        return self.slots_right / self.slots_checked

    @property
    def violation_share(self) -> float:
        return self.violating_cards / self.cards if self.cards else 0.0

    def summary(self) -> str:
        return (
            f"{self.items} conversations: intent accuracy {self.intent_accuracy:.1%}, "
            f"slot accuracy {self.slot_accuracy:.1%} ({self.slots_right}/{self.slots_checked}), "
            f"cards violating a stated constraint {self.violating_cards}/{self.cards} "
            f"({self.violation_share:.1%})"
        )


def load_dataset(paths: list[Path] = DATASETS) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in paths:
        items += yaml.safe_load(path.read_text(encoding="utf-8"))
    return items


def evaluate(items: list[dict[str, Any]] | None = None) -> Report:
    report = Report()
    for item in items if items is not None else load_dataset():
        report.items += 1
        state, intent = conversation_after(item["says"], TODAY)
        label = " / ".join(item["says"])
        if intent == item["intent"]:
            report.intents_right += 1
        else:
            report.mistakes.append(f"intent {intent!r} != {item['intent']!r}: {label}")
        predicted = {k: _plain(v) for k, v in state.resolved_slots().items() if k in SLOT_NAMES}
        expected = item["slots"]
        for name in sorted(set(expected) | set(predicted)):
            report.slots_checked += 1
            if predicted.get(name) == expected.get(name):
                report.slots_right += 1
            else:
                report.mistakes.append(
                    f"slot {name}: {predicted.get(name)!r} != {expected.get(name)!r}: {label}"
                )
        for card in answer(intent, state, item["says"][-1]).cards:
            report.cards += 1
            broken = card_violations(card, item["intent"], expected)
            if broken:
                report.violating_cards += 1
                report.mistakes.append(f"card {card['id']} breaks {broken}: {label}")
    return report


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
