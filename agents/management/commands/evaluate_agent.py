"""`python manage.py evaluate_agent [--min-intent 0.95] [--min-slots 0.95]`: the agent's
accuracy on the labelled conversations, overall and per language (English, Turkish, Russian);
exits non-zero below the thresholds (intent and slots as given, the reply's language 98 %), in
any language, or on any card that breaks a stated constraint."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agents.evaluation.run import evaluate
from catalog.seed import seed_catalog


class Command(BaseCommand):
    help = "Evaluate the local agent on agents/evaluation/dialogues*.yaml, per language."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-intent", type=float, default=0.95)
        parser.add_argument("--min-slots", type=float, default=0.95)
        parser.add_argument("--verbose", action="store_true", help="list every mistake")

    def handle(self, *args: Any, **options: Any) -> None:
        seed_catalog()  # the cards are checked against the real catalog
        report = evaluate()
        if options["verbose"]:
            for mistake in report.mistakes:
                self.stdout.write(f"  {mistake}")
        self.stdout.write(report.summary())
        for language, part in sorted(report.by_language.items()):
            self.stdout.write(f"  {language}: {part.summary()}")
        short = report.below_floors()
        for name, part in [("all", report), *report.by_language.items()]:
            if part.intent_accuracy < options["min_intent"]:
                short.append(f"{name}: intent accuracy {part.intent_accuracy:.1%}")
            if part.slot_accuracy < options["min_slots"]:
                short.append(f"{name}: slot accuracy {part.slot_accuracy:.1%}")
        if short:
            raise CommandError("the agent is below its evaluation thresholds: " + "; ".join(short))
