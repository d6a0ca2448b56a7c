"""`python manage.py seed_demo`: the demo user `demo` with password DEMO_PASSWORD. Idempotent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Create or update the demo user."

    def handle(self, *args: Any, **options: Any) -> None:
        user, created = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.set_password(settings.DEMO_PASSWORD)
        user.is_active = True
        user.save()
        self.stdout.write(f"demo user {'created' if created else 'updated'}: {DEMO_USERNAME}")
