"""HTTP adapters of the chat domain: parse, authorize, call one function, serialize."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.requests import request_user_id
from chat.admission import admission
from chat.api.accept import language_meta, message_fields
from chat.api.serializers import (
    CancelAccepted,
    CancelRequest,
    EventsPage,
    EventsQuery,
    MessageAccepted,
    SendMessageRequest,
    ThreadCreateRequest,
    ThreadList,
    ThreadOut,
    ThreadRenameRequest,
)
from chat.events import durable_envelope
from chat.history import events_page
from chat.messages import message_accept
from chat.threads import (
    thread_access,
    thread_create,
    thread_delete,
    thread_rename,
    threads_of,
)
from chat.turns.lifecycle import turn_cancel
from easy_islanders.parsers import BoundedJSONParser, CurlJSONParser
from observability.correlation import current_correlation_id, new_correlation_id

THREAD_LIST_LIMIT = 100


class SendMessageView(APIView):
    """The message accept's documentation, and its DRF adapter: the event loop answers
    `POST /api/chat/` itself (chat/api/accept.py) unless CHAT_ACCEPT_ON_LOOP is off. Both run
    the same field check, limiter and errors (tests/integration/test_http_errors.py holds the
    two equal); SendMessageRequest documents the body."""

    parser_classes = [BoundedJSONParser, CurlJSONParser]

    @extend_schema(
        request=SendMessageRequest,
        responses={202: MessageAccepted},
        summary="Send a message; its turn runs in the background.",
    )
    def post(self, request: Request) -> Response:
        user_id = request_user_id(request)
        admission(user_id).enforce()
        fields = message_fields(request.data)
        accepted = message_accept(
            user_id=user_id,
            text=fields["message"],
            thread_id=fields.get("thread_id"),
            client_msg_id=fields.get("client_msg_id"),
            correlation_id=current_correlation_id() or new_correlation_id(),
            meta=language_meta(fields.get("language")),
        )
        return Response(
            MessageAccepted({"ok": True, **asdict(accepted)}).data, status=status.HTTP_202_ACCEPTED
        )


class ThreadWriteThrottle(ScopedRateThrottle):
    """New threads and renames per user (THREAD_WRITE_RATE): each is a row and a list entry on
    every device; reading the list is not counted."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        return request.method not in {"POST", "PATCH"} or super().allow_request(request, view)


class ThreadsView(APIView):
    throttle_classes = [ThreadWriteThrottle]
    throttle_scope = "thread_write"

    @extend_schema(responses={200: ThreadList}, summary="The caller's threads, newest first.")
    def get(self, request: Request) -> Response:
        threads = threads_of(request_user_id(request))[:THREAD_LIST_LIMIT]
        return Response({"ok": True, "threads": ThreadOut(threads, many=True).data})

    @extend_schema(
        request=ThreadCreateRequest,
        responses={201: ThreadOut},
        summary="Start a new thread; it becomes the active one.",
    )
    def post(self, request: Request) -> Response:
        body = ThreadCreateRequest(data=request.data)
        body.is_valid(raise_exception=True)
        thread = thread_create(request_user_id(request), body.validated_data.get("title", ""))
        return Response({"ok": True, **ThreadOut(thread).data}, status=status.HTTP_201_CREATED)


class ThreadDetailView(APIView):
    parser_classes = [BoundedJSONParser, CurlJSONParser]
    throttle_classes = [ThreadWriteThrottle]
    throttle_scope = "thread_write"

    @extend_schema(
        operation_id="chat_thread_retrieve",
        responses={200: ThreadOut},
        summary="One of the caller's threads.",
    )
    def get(self, request: Request, thread_id: str) -> Response:
        thread = thread_access(request_user_id(request), thread_id)
        return Response({"ok": True, **ThreadOut(thread).data})

    @extend_schema(
        operation_id="chat_thread_rename",
        request=ThreadRenameRequest,
        responses={200: ThreadOut},
        summary="Rename a thread (a blank title: its next message names it).",
    )
    def patch(self, request: Request, thread_id: str) -> Response:
        body = ThreadRenameRequest(data=request.data)
        body.is_valid(raise_exception=True)
        thread = thread_rename(request_user_id(request), thread_id, body.validated_data["title"])
        return Response({"ok": True, **ThreadOut(thread).data})

    @extend_schema(
        operation_id="chat_thread_delete",
        request=None,
        responses={204: None},
        summary="Delete a thread with its messages: from then on it is 404 (socket: 4404).",
    )
    def delete(self, request: Request, thread_id: str) -> Response:
        thread_delete(request_user_id(request), thread_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadEventsView(APIView):
    @extend_schema(
        parameters=[EventsQuery],
        responses={200: EventsPage},
        summary="Durable events of a thread in seq order (history and catch-up).",
    )
    def get(self, request: Request, thread_id: str) -> Response:
        query = EventsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        thread = thread_access(request_user_id(request), thread_id)
        limit: int = query.validated_data["limit"]
        events = events_page(thread.pk, query.validated_data["after_seq"], limit + 1)
        page: dict[str, Any] = {
            "ok": True,
            "events": [durable_envelope(e) for e in events[:limit]],
            # Read after the thread: events stored in between would otherwise lie past the
            # page's head.
            "head_seq": max(thread.head_seq, events[-1].seq if events else 0),
            "has_more": len(events) > limit,
        }
        return Response(page)


class CancelTurnView(APIView):
    parser_classes = [BoundedJSONParser, CurlJSONParser]

    @extend_schema(
        request=CancelRequest,
        responses={202: CancelAccepted},
        summary="Cancel the running (or waiting) turn; its partial reply is kept.",
    )
    def post(self, request: Request, thread_id: str) -> Response:
        body = CancelRequest(data=request.data)  # no body is {}; a JSON null is refused
        body.is_valid(raise_exception=True)
        turn = turn_cancel(
            request_user_id(request), thread_id, body.validated_data.get("in_reply_to")
        )
        return Response(
            {
                "ok": True,
                "status": "cancel_requested" if turn else "nothing_to_cancel",
                "in_reply_to": turn.seq if turn else body.validated_data.get("in_reply_to"),
            },
            status=status.HTTP_202_ACCEPTED,
        )
