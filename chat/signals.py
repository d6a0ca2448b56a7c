"""What the chat does when other apps' rows change."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from chat.publishing import publish_control


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def user_saved(sender: Any, instance: Any, created: bool, **_: Any) -> None:
    """Every web process forgets what it knew of this account, and closes its sockets if it
    is no longer active (accounts/activity.py bounds the time for changes made elsewhere)."""
    if not created:
        transaction.on_commit(lambda: publish_control("user_changed", instance.pk))
