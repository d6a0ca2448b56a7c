"""Who may use which thread; starting, titling, renaming and deleting threads."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from chat.errors import ThreadForbidden, ThreadNotFound
from chat.models import Thread
from chat.publishing import publish_control


def thread_owner_check(owner_id: int | None, user_id: int) -> None:
    """The one rule of who may use a thread: its owner. `owner_id` None: there is no such
    thread. Raises ThreadNotFound or ThreadForbidden (chat_accept() in chat/sql/accept.sql
    applies the same rule inside its statement, and says which in its outcome)."""
    if owner_id is None:
        raise ThreadNotFound("No such thread.")
    if owner_id != user_id:
        raise ThreadForbidden("No such thread.")


def thread_access(user_id: int, thread_id: UUID | str) -> Thread:
    """The thread if `user_id` owns it. Raises ThreadNotFound or ThreadForbidden."""
    thread = Thread.objects.filter(pk=_as_uuid(thread_id)).first()
    thread_owner_check(thread.owner_id if thread else None, user_id)
    assert thread is not None
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


TITLE_MAX_CHARS = 60  # a list entry's worth; the column holds 200 (a person's own rename)


def thread_title_from_message(text: str) -> str:
    """A thread's title from its first message: one line, cut at a word near TITLE_MAX_CHARS."""
    line = " ".join(text.split())
    if len(line) <= TITLE_MAX_CHARS:
        return line
    cut = line[: TITLE_MAX_CHARS - 1]
    word_end = cut.rfind(" ")
    if word_end >= TITLE_MAX_CHARS // 2:
        cut = cut[:word_end]
    return cut.rstrip(" ,.;:-") + "…"


def thread_rename(user_id: int, thread_id: UUID | str, title: str) -> Thread:
    """Give the caller's thread a title of their own (blank: the next message titles it
    again). Raises ThreadNotFound (someone else's thread too)."""
    with transaction.atomic():
        # The lock orders a rename with a first message titling the thread at the same time.
        thread = _locked_owned(user_id, thread_id)
        thread.title = " ".join(title.split())
        thread.save(update_fields=["title"])
    return thread


def thread_delete(user_id: int, thread_id: UUID | str) -> None:
    """Delete the caller's thread with its events and turns (CASCADE): from now on it is 404
    over HTTP and 4404 on a socket, those already open closed at once (each web process's hub
    is told; its audit would find it within seconds anyway). Raises ThreadNotFound (someone
    else's thread too)."""
    with transaction.atomic():
        # Locked first, so a message being accepted into it either commits before the delete
        # (and goes with it) or finds no thread.
        thread = _locked_owned(user_id, thread_id)
        deleted = thread.pk
        thread.delete()
        transaction.on_commit(lambda: publish_control("thread_deleted", deleted))


def _locked_owned(user_id: int, thread_id: UUID | str) -> Thread:
    """The caller's thread, its row locked for the rest of the transaction (as chat_accept()
    locks it). Raises ThreadNotFound or ThreadForbidden."""
    thread = Thread.objects.select_for_update().filter(pk=_as_uuid(thread_id)).first()
    thread_owner_check(thread.owner_id if thread else None, user_id)
    assert thread is not None
    return thread


def _as_uuid(value: UUID | str) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(value)
    except (TypeError, ValueError):
        raise ThreadNotFound("No such thread.") from None
