"""`python manage.py chat_doctor [--url URL]`: run the ops checklist; exit 1 if anything fails."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chat.operations.doctor import run_checks


class Command(BaseCommand):
    help = "Check API, WebSocket, workers, Redis, PostgreSQL and the queue, like the ops checklist."

    def add_arguments(self, parser: CommandParser) -> None:
        default = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
        parser.add_argument("--url", default=default, help=f"the web server (default {default})")
        parser.add_argument("--timeout", type=float, default=15)

    def handle(self, *args: Any, **options: Any) -> None:
        findings = run_checks(options["url"].rstrip("/"), options["timeout"])
        for finding in findings:
            mark = "ok  " if finding.ok else "FAIL"
            self.stdout.write(f"{mark} {finding.check:<15} {finding.detail}")
        failed = [f.check for f in findings if not f.ok]
        if failed:
            raise CommandError(f"unhealthy: {', '.join(failed)}")
        self.stdout.write("healthy")
