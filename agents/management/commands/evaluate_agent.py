"""`python manage.py evaluate_agent [--min-intent 0.95] [--min-slots 0.95]`: the agent's
accuracy on the labelled conversations; exits non-zero below the thresholds or on any card
that breaks a stated constraint."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from agents.evaluation.run import evaluate
from catalog.seed import seed_catalog


class Command(BaseCommand):
    help = "Evaluate the local agent on agents/evaluation/dialogues.yaml."

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
        if (
            report.intent_accuracy < options["min_intent"]
            or report.slot_accuracy < options["min_slots"]
            or report.violating_cards
        ):
            raise CommandError("the agent is below its evaluation thresholds")
