"""Request and response shapes of the chat API (validated at the edge, published as OpenAPI)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agents.base import LANGUAGES
from easy_islanders.serializers import JsonInteger, RejectUnknownFields


class StrictCharField(serializers.CharField):
    """A string, and only a string: DRF's CharField would turn 123 into "123"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return str(super().to_internal_value(data))


class StrictUUIDField(serializers.UUIDField):
    """A UUID written as a string: DRF's UUIDField would turn 7 into 00000000-...-000000000007."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "string",
        "minLength": 1,
        "maxLength": settings.CHAT_MAX_MESSAGE_CHARS,
        # Some character that is not white space, and no NUL (PostgreSQL text cannot hold it).
        "pattern": r"^[^\u0000]*[^\s\u0000][^\u0000]*$",
    }
)
class MessageField(StrictCharField):
    """The message text. Its rules are the domain's (chat.messages.message_clean: 400
    empty_message, 413 message_too_long); the OpenAPI document states them for clients."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data == "":
            return data  # the domain answers it (empty_message)
        return super().run_validation(data)


# Non-empty here: allow_blank adds the empty string as a oneOf alternative, and a pattern that
# also matched "" would make it match twice (invalid under oneOf).
@extend_schema_field({"type": "string", "maxLength": 200, "pattern": r"^[^\u0000]+$"})
class TitleField(StrictCharField):
    """A thread's title, maybe empty: any text but NUL (PostgreSQL text cannot hold it)."""


class SendMessageRequest(RejectUnknownFields):
    """A message; with no thread_id it goes to the caller's active thread."""

    message = MessageField(trim_whitespace=False)
    thread_id = StrictUUIDField(required=False, allow_null=True)
    client_msg_id = StrictUUIDField(required=False, allow_null=True)
    language = serializers.ChoiceField(
        choices=list(LANGUAGES),
        required=False,
        help_text="The reply's language (the client's hint); absent: read from the message.",
    )


class MessageAccepted(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    thread_id = serializers.UUIDField()
    message_id = serializers.UUIDField()
    seq = serializers.IntegerField()
    client_msg_id = serializers.UUIDField()
    correlation_id = serializers.CharField()
    status = serializers.CharField()
    idempotent = serializers.BooleanField()


class ThreadCreateRequest(RejectUnknownFields):
    """A new thread, optionally titled; it becomes the caller's active thread."""

    title = TitleField(required=False, allow_blank=True, max_length=200)


class ThreadRenameRequest(RejectUnknownFields):
    """The thread's new title; blank gives it back to its next message."""

    title = TitleField(allow_blank=True, max_length=200)


class ThreadOut(serializers.Serializer[Any]):
    thread_id = serializers.UUIDField(source="id")
    title = serializers.CharField()
    is_active = serializers.BooleanField()
    head_seq = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    last_activity_at = serializers.DateTimeField()


class ThreadList(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    threads = ThreadOut(many=True)


class EventsQuery(serializers.Serializer[Any]):
    after_seq = serializers.IntegerField(min_value=0, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)

    def to_internal_value(self, data: Any) -> Any:
        # DRF reads `?limit=` as "not given"; a parameter present without a value is an error.
        blank = [name for name, _ in self.fields.items() if data.get(name) == ""]
        if blank:
            raise serializers.ValidationError(
                {name: ["A valid integer is required."] for name in blank}
            )
        return super().to_internal_value(data)


class EventsPage(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    events = serializers.ListField(child=serializers.DictField())
    head_seq = serializers.IntegerField()
    has_more = serializers.BooleanField()


class CancelRequest(RejectUnknownFields):
    """Which turn to cancel (its message's seq); none: the running or waiting one."""

    in_reply_to = JsonInteger(required=False, allow_null=True, min_value=1)


class CancelAccepted(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["cancel_requested", "nothing_to_cancel"])
    in_reply_to = serializers.IntegerField(allow_null=True)
