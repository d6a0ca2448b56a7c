"""`python manage.py chat_trace <correlation_id>`: one turn's timeline across the stored
stage timestamps and both log files."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from chat.operations.trace import trace_lines


class Command(BaseCommand):
    help = "Print what happened to one chat turn, by its correlation id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("correlation_id")

    def handle(self, *args: Any, **options: Any) -> None:
        for line in trace_lines(options["correlation_id"], settings.LOG_DIR):
            self.stdout.write(line)
