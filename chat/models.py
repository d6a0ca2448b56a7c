"""The chat flow's state: threads, their durable events, and the turns that answer them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Thread(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_threads"
    )
    title = models.CharField(max_length=200, blank=True)
    # The thread `POST /api/chat/` uses when the client names none.
    is_active = models.BooleanField(default=True)
    # The seq of the newest durable event; allocated under this row's lock (chat/sql/).
    head_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The caller's threads, newest activity first.
            models.Index(fields=["owner", "-last_activity_at"], name="thread_owner_activity"),
        ]
        constraints = [
            # Two concurrent first messages must not each create an "active" thread.
            models.UniqueConstraint(
                fields=["owner"], condition=Q(is_active=True), name="one_active_thread_per_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"thread {self.id}"


class EventKind(models.TextChoices):
    USER_MESSAGE = "user_message"
    ASSISTANT_MESSAGE = "assistant_message"
    TURN_FAILED = "turn_failed"


class Role(models.TextChoices):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"


class Event(models.Model):
    """A durable event of a thread: stored before it is sent, numbered by a gapless `seq`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    role = models.CharField(max_length=16, choices=Role.choices)
    content = models.TextField(blank=True)
    # Kind-specific fields: recommendations, agent, degraded, cancelled, error code...
    meta = models.JSONField(default=dict, blank=True)
    client_msg_id = models.UUIDField(null=True, blank=True)
    in_reply_to = models.PositiveBigIntegerField(null=True, blank=True)
    # Indexed for chat_trace: "what happened to this message?"
    correlation_id = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Its index also serves replay: WHERE thread_id = ? AND seq > ? ORDER BY seq.
            models.UniqueConstraint(fields=["thread", "seq"], name="event_seq_unique_per_thread"),
            # A resend with the same client_msg_id must find the first message, never add one.
            models.UniqueConstraint(
                fields=["thread", "client_msg_id"],
                condition=Q(client_msg_id__isnull=False),
                name="event_client_msg_id_unique_per_thread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.seq} of thread {self.thread_id}"


class TurnState(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


UNFINISHED_STATES = (TurnState.QUEUED, TurnState.RUNNING)


class Turn(models.Model):
    """The work of answering one user message, from queued to exactly one terminal state."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="turns")
    request = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="turn")
    # The seq of the user message: turns of one thread run in this order.
    seq = models.PositiveBigIntegerField()
    state = models.CharField(max_length=16, choices=TurnState.choices, default=TurnState.QUEUED)
    reply = models.OneToOneField(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="reply_to_turn"
    )
    correlation_id = models.CharField(max_length=64, db_index=True)  # for chat_trace
    attempts = models.PositiveSmallIntegerField(default=0)
    # The worker (Celery hostname) running it; a turn whose worker stopped beating is re-queued.
    claimed_by = models.CharField(max_length=200, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    # When it was last handed to the broker: a queued turn not claimed for long is handed again.
    enqueued_at = models.DateTimeField(default=timezone.now)
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    first_token_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "seq"], name="turn_seq_unique_per_thread"),
        ]
        indexes = [
            # "Is an earlier turn of this thread unfinished?" and "which turn is next?":
            # only unfinished turns are indexed, so the index stays as small as the backlog.
            models.Index(
                fields=["thread", "seq"],
                condition=Q(state__in=UNFINISHED_STATES),
                name="turn_unfinished_by_thread",
            ),
            # The backlog oldest-first, for sweeping stale turns and the queue-age metric.
            models.Index(
                fields=["queued_at"],
                condition=Q(state__in=UNFINISHED_STATES),
                name="turn_unfinished_by_age",
            ),
        ]

    def __str__(self) -> str:
        return f"turn {self.id} ({self.state})"
