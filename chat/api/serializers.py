"""Request and response shapes of the chat API (validated at the edge, published as OpenAPI)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


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


class SendMessageRequest(serializers.Serializer[Any]):
    # Emptiness and length are the domain's rules (400 empty_message, 413 message_too_long).
    message = StrictCharField(allow_blank=True, trim_whitespace=False)
    thread_id = StrictUUIDField(required=False, allow_null=True)
    client_msg_id = StrictUUIDField(required=False, allow_null=True)


class MessageAccepted(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    thread_id = serializers.UUIDField()
    message_id = serializers.UUIDField()
    seq = serializers.IntegerField()
    client_msg_id = serializers.UUIDField()
    correlation_id = serializers.CharField()
    status = serializers.CharField()
    idempotent = serializers.BooleanField()


class ThreadCreateRequest(serializers.Serializer[Any]):
    title = StrictCharField(required=False, allow_blank=True, max_length=200)


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


class EventsPage(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    events = serializers.ListField(child=serializers.DictField())
    head_seq = serializers.IntegerField()
    has_more = serializers.BooleanField()


class CancelRequest(serializers.Serializer[Any]):
    in_reply_to = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class CancelAccepted(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["cancel_requested", "nothing_to_cancel"])
    in_reply_to = serializers.IntegerField(allow_null=True)
