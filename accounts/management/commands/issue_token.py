"""`python manage.py issue_token <username> [--create] [--ttl SECONDS]`: an access token for
operators' curl and wscat checks, printed alone on stdout."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.tokens import access_token_issue


class Command(BaseCommand):
    help = "Print an access token (JWT) for a user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--create",
            action="store_true",
            help="create the user (without a password) if it does not exist",
        )
        parser.add_argument(
            "--ttl",
            type=int,
            default=None,
            metavar="SECONDS",
            help="token lifetime (default: JWT_ACCESS_TTL_SECS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        ttl: int | None = options["ttl"]
        if ttl is not None and ttl <= 0:
            raise CommandError("--ttl must be a positive number of seconds")
        users = get_user_model().objects
        user = users.filter(username=username).first()
        if user is None:
            if not options["create"]:
                raise CommandError(f"no user {username!r} (add --create to create it)")
            user = users.create_user(username=username)
        if not user.is_active:
            raise CommandError(f"user {username!r} is deactivated")
        self.stdout.write(access_token_issue(user, ttl))
