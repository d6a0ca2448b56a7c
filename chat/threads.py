"""Who may use which thread, and starting new ones."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from chat.errors import ThreadForbidden, ThreadNotFound
from chat.models import Thread


def thread_access(user_id: int, thread_id: UUID | str) -> Thread:
    """The thread if `user_id` owns it. Raises ThreadNotFound or ThreadForbidden."""
    try:
        thread = Thread.objects.get(pk=_as_uuid(thread_id))
    except Thread.DoesNotExist:
        raise ThreadNotFound("No such thread.") from None
    if thread.owner_id != user_id:
        raise ThreadForbidden("No such thread.")
    return thread


def threads_of(user_id: int) -> QuerySet[Thread]:
    return Thread.objects.filter(owner_id=user_id).order_by("-last_activity_at")


def thread_create(user_id: int, title: str = "") -> Thread:
    """Start a thread and make it the user's active one."""
    with transaction.atomic():
        # Two tabs starting threads at once would each retire the old active thread and each
        # insert a new one (one_active_thread_per_owner refuses the second): lock the owner.
        get_user_model().objects.select_for_update().filter(pk=user_id).first()
        Thread.objects.filter(owner_id=user_id, is_active=True).update(is_active=False)
        return Thread.objects.create(owner_id=user_id, title=title, is_active=True)


def _as_uuid(value: UUID | str) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(value)
    except (TypeError, ValueError):
        raise ThreadNotFound("No such thread.") from None
