"""`python manage.py seed_catalog [--force]`: the deterministic demo catalog (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from catalog.seed import expected_count, seed_catalog


class Command(BaseCommand):
    help = "Generate the demo catalog of listings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="rewrite it even if present")

    def handle(self, *args: Any, **options: Any) -> None:
        written = seed_catalog(force=options["force"])
        if written:
            self.stdout.write(f"catalog: {written} listings written")
        else:
            self.stdout.write(f"catalog: already seeded ({expected_count()} listings)")
