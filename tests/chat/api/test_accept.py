"""`POST /api/chat/` on the event loop (chat/api/accept.py), driven in process as an ASGI app,
against the real PostgreSQL and Redis; and the DRF view answering the same bad requests alike.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from django.conf import settings as django_settings
from django.test import Client

from accounts.tokens import access_token_issue
from chat.admission import backlog_keys
from chat.api.accept import PATH, accept_message
from chat.models import Event, Turn, TurnState
from chat.threads import thread_create
from easy_islanders.redis import redis_client
from tests.chat.capture import committed, published, run_async


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]

    @property
    def code(self) -> str:
        return str(self.body["error"]["code"])

    @property
    def fields(self) -> Any:
        return self.body["error"].get("fields")


@dataclass(frozen=True)
class Sender:
    user: Any
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def rate_key(user_id: int) -> str:
    return f"ei:rate:chat_send:{user_id}"


JSON = {"Content-Type": "application/json"}


def asgi_post(
    body: bytes | dict[str, Any], headers: dict[str, str], chunks: list[bytes] | None = None
) -> Answer:
    """The loop's answer to one POST /api/chat/ (sent in `chunks` if given)."""
    raw = json.dumps(body).encode() if isinstance(body, dict) else body
    return run_async(_asgi_post(raw, headers, chunks))


async def _asgi_post(body: bytes, headers: dict[str, str], chunks: list[bytes] | None) -> Answer:
    sent = {"Host": "127.0.0.1", **headers}
    if chunks is None:
        sent.setdefault("Content-Length", str(len(body)))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in sent.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    app: Any = ApplicationCommunicator(accept_message, scope)  # type: ignore[no-untyped-call]
    parts = chunks if chunks is not None else [body]
    for i, part in enumerate(parts):
        more = i < len(parts) - 1
        await app.send_input({"type": "http.request", "body": part, "more_body": more})
    start = await app.receive_output(5)
    end = await app.receive_output(5)
    await app.wait(5)
    assert start["type"] == "http.response.start" and end["type"] == "http.response.body"
    response_headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
    assert int(response_headers["content-length"]) == len(end["body"])
    return Answer(start["status"], response_headers, json.loads(end["body"]))


def drf_post(body: bytes | dict[str, Any], headers: dict[str, str]) -> Answer:
    """The DRF view's answer to the same request (Django's test client, through the
    middleware)."""
    raw = json.dumps(body).encode() if isinstance(body, dict) else body
    others = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    response = Client().generic("POST", PATH, raw, content_type, headers=others)
    return Answer(
        response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.json()
    )


@pytest.fixture(autouse=True)
def queue(settings: Any) -> Iterator[str]:
    """The broker queue the accepted turns go to: each test's own."""
    name = f"test-accept-{uuid.uuid4().hex[:10]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = name
    yield name
    redis_client().delete(*backlog_keys())


@pytest.fixture
def make_sender(make_user: Callable[..., Any]) -> Iterator[Callable[[], Sender]]:
    """Committed users with access tokens, and no messages counted against their rate."""
    made: list[Sender] = []

    def make() -> Sender:
        user = make_user()
        redis_client().delete(rate_key(user.pk))
        made.append(Sender(user, access_token_issue(user)))
        return made[-1]

    yield make
    for sender in made:
        redis_client().delete(rate_key(sender.user.pk))


@pytest.fixture
def sender(make_sender: Callable[[], Sender]) -> Sender:
    return make_sender()


def queued_task_turn_ids(queue: str) -> list[str]:
    """The turn ids of the `chat.run_turn` tasks waiting on the queue."""
    ids = []
    for item in redis_client().lrange(queue, 0, -1):
        args, _, _ = json.loads(base64.b64decode(json.loads(item)["body"]))
        ids.append(str(args[0]))
    return ids


# --- Accepted --------------------------------------------------------------------------------


@committed
def test_a_message_is_accepted_stored_announced_and_queued(sender: Sender, queue: str) -> None:
    thread = thread_create(sender.user.pk)
    chosen = uuid.uuid4()
    body = {"message": "  Merhaba, Girne'de daire?  ", "client_msg_id": str(chosen)}
    with published(thread.pk) as frames:
        answer = asgi_post(
            {**body, "language": "tr"}, {**JSON, **sender.auth, "X-Correlation-ID": "cid-accept-1"}
        )
    assert answer.status == 202, answer.body
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["x-correlation-id"] == "cid-accept-1"
    event = Event.objects.get(pk=answer.body["message_id"])
    assert answer.body == {
        "ok": True,
        "thread_id": str(thread.pk),
        "message_id": str(event.pk),
        "seq": 1,
        "client_msg_id": str(chosen),
        "correlation_id": "cid-accept-1",
        "status": "queued",
        "idempotent": False,
    }
    assert (event.kind, event.content, event.meta) == (
        "user_message",
        "Merhaba, Girne'de daire?",
        {"language": "tr"},
    )
    turn = Turn.objects.get(request=event)
    assert (turn.state, turn.seq, turn.correlation_id) == (TurnState.QUEUED, 1, "cid-accept-1")
    assert frames.events() == ["user_message"]
    assert frames.frames[0]["payload"]["message_id"] == str(event.pk)
    assert queued_task_turn_ids(queue) == [str(turn.pk)]


@committed
def test_a_resend_with_the_same_client_msg_id_is_idempotent(sender: Sender, queue: str) -> None:
    thread = thread_create(sender.user.pk)
    body = {"message": "hello", "client_msg_id": str(uuid.uuid4())}
    first = asgi_post(body, {**JSON, **sender.auth})
    with published(thread.pk) as frames:
        again = asgi_post({**body, "message": "hello again"}, {**JSON, **sender.auth})
    assert (first.status, again.status) == (202, 202)
    assert again.body["idempotent"] is True and first.body["idempotent"] is False
    same = ("thread_id", "message_id", "seq", "client_msg_id", "correlation_id")
    assert {k: again.body[k] for k in same} == {k: first.body[k] for k in same}
    assert Event.objects.filter(thread_id=thread.pk).count() == 1
    assert Turn.objects.filter(thread_id=thread.pk).count() == 1
    assert frames.frames == []  # announced once
    assert len(queued_task_turn_ids(queue)) == 1  # queued once


# --- Refused ---------------------------------------------------------------------------------


@committed
def test_without_a_token_it_is_401_with_www_authenticate(sender: Sender) -> None:
    for headers, code in [
        ({}, "not_authenticated"),
        ({"Authorization": "Token abc"}, "not_authenticated"),
        ({"Authorization": "Bearer not-a-jwt"}, "token_invalid"),
        ({"Authorization": f"Bearer {sender.token} extra"}, "token_invalid"),
    ]:
        answer = asgi_post({"message": "hi"}, {**JSON, **headers})
        assert (answer.status, answer.code) == (401, code), headers
        assert answer.headers["www-authenticate"] == 'Bearer realm="api"'
    assert not Event.objects.filter(thread__owner=sender.user).exists()


@committed
def test_an_inactive_users_token_is_refused(sender: Sender) -> None:
    type(sender.user).objects.filter(pk=sender.user.pk).update(is_active=False)
    answer = asgi_post({"message": "hi"}, {**JSON, **sender.auth})
    assert (answer.status, answer.code) == (401, "token_invalid")


@committed
def test_a_body_over_the_limit_is_413(sender: Sender, settings: Any) -> None:
    limit = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    huge = b'{"message": "' + b"x" * limit + b'"}'
    declared = asgi_post(huge, {**JSON, **sender.auth})
    assert (declared.status, declared.code) == (413, "payload_too_large")
    # No Content-Length: counted as it arrives.
    chunked = asgi_post(b"", {**JSON, **sender.auth}, chunks=[huge[:1000], huge[1000:]])
    assert (chunked.status, chunked.code) == (413, "payload_too_large")
    just = asgi_post({"message": "x" * 10}, {**JSON, **sender.auth, "Content-Length": str(limit)})
    assert just.status != 413


@committed
def test_a_body_that_is_not_json_is_415(sender: Sender) -> None:
    answer = asgi_post(b'{"message": "hi"}', {"Content-Type": "text/plain", **sender.auth})
    assert (answer.status, answer.code) == (415, "unsupported_media_type")
    assert answer.body["error"]["message"] == 'Unsupported media type "text/plain" in request.'


@committed
def test_a_body_that_does_not_parse_is_400_invalid_json(sender: Sender) -> None:
    answer = asgi_post(b'{"message": "hi"', {**JSON, **sender.auth})
    assert (answer.status, answer.code) == (400, "invalid_json")


@committed
@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"message": "hi", "language": "xx"}, {"language": ['"xx" is not a valid choice.']}),
        ({"message": "hi", "thread_id": "nope"}, {"thread_id": ["Must be a valid UUID."]}),
        ({"message": "hi", "client_msg_id": 7}, {"client_msg_id": ["Must be a valid UUID."]}),
        ({"message": "hi", "colour": "red"}, {"colour": ["Unknown field."]}),
        ({"text": "hi"}, {"text": ["Unknown field."]}),
        ({}, {"message": ["This field is required."]}),
        ({"message": None}, {"message": ["This field may not be null."]}),
    ],
)
def test_a_bad_field_is_400_invalid_request_naming_it(
    sender: Sender, body: dict[str, Any], fields: dict[str, list[str]]
) -> None:
    answer = asgi_post(body, {**JSON, **sender.auth})
    assert (answer.status, answer.code, answer.fields) == (400, "invalid_request", fields)
    assert answer.body["error"]["message"] == "The request body is invalid."


@committed
def test_past_the_rate_it_is_429_with_retry_after(
    sender: Sender, settings: Any, queue: str
) -> None:
    settings.CHAT_SEND_RATE = "2/min"
    statuses = [asgi_post({"message": f"m{i}"}, {**JSON, **sender.auth}).status for i in range(2)]
    refused = asgi_post({"message": "one too many"}, {**JSON, **sender.auth})
    assert statuses == [202, 202]
    assert (refused.status, refused.code) == (429, "throttled")
    wait = int(refused.headers["retry-after"])
    assert 59 <= wait <= 60
    assert refused.body["error"]["message"] == (
        f"Request was throttled. Expected available in {wait} seconds."
    )
    assert Event.objects.filter(thread__owner=sender.user).count() == 2


@committed
def test_past_the_backlog_it_is_503_overloaded(sender: Sender, settings: Any, queue: str) -> None:
    settings.CHAT_MAX_BACKLOG = 1
    assert asgi_post({"message": "first"}, {**JSON, **sender.auth}).status == 202
    refused = asgi_post({"message": "second"}, {**JSON, **sender.auth})
    assert (refused.status, refused.code, refused.headers["retry-after"]) == (
        503,
        "overloaded",
        "5",
    )


# --- The DRF view answers alike --------------------------------------------------------------

BAD_REQUESTS: list[tuple[bytes | dict[str, Any], dict[str, str]]] = [
    (b'{"message": "hi"', JSON),
    (b'{"message": "hi"}', {"Content-Type": "text/plain"}),
    (b"[1, 2]", JSON),
    ({"message": "hi", "language": "xx"}, JSON),
    ({"message": "hi", "thread_id": "nope"}, JSON),
    ({"message": "hi", "colour": "red", "size": 2}, JSON),
    ({"message": 42}, JSON),
    ({"message": "   "}, JSON),
    ({"message": "hi", "thread_id": str(uuid.uuid4())}, JSON),
    ({"message": "hi"}, {**JSON, "Accept": "text/html"}),
    (b'{"message": "' + b"x" * django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE + b'"}', JSON),
    ({"message": "x" * (django_settings.CHAT_MAX_MESSAGE_CHARS + 1)}, JSON),
]


@committed
def test_the_drf_view_answers_the_same_bad_requests_alike(sender: Sender) -> None:
    for body, headers in BAD_REQUESTS:
        sent = {**headers, **sender.auth}
        loop, drf = asgi_post(body, sent), drf_post(body, sent)
        assert (loop.status, loop.body) == (drf.status, drf.body), (body, headers)
        assert loop.headers.get("retry-after") == drf.headers.get("retry-after")
        assert loop.status >= 400
    assert not Event.objects.filter(thread__owner=sender.user).exists()


@committed
def test_the_drf_view_refuses_a_missing_token_alike() -> None:
    for headers in ({}, {"Authorization": "Bearer garbage"}):
        loop, drf = (
            asgi_post({"message": "hi"}, {**JSON, **headers}),
            drf_post({"message": "hi"}, {**JSON, **headers}),
        )
        assert (loop.status, loop.body) == (drf.status, drf.body)
        assert loop.status == 401
        assert loop.headers["www-authenticate"] == drf.headers["www-authenticate"]


@committed
def test_the_drf_view_throttles_alike_with_the_same_retry_after(
    make_sender: Callable[[], Sender], settings: Any, queue: str
) -> None:
    settings.CHAT_SEND_RATE = "1/min"
    sender = make_sender()
    assert asgi_post({"message": "first"}, {**JSON, **sender.auth}).status == 202
    answers = []
    for post in (asgi_post, drf_post):
        # As if 23 s of the window were left: both read the same window's end.
        redis_client().pexpire(rate_key(sender.user.pk), 23_000)
        answers.append(post({"message": "again"}, {**JSON, **sender.auth}))
    loop, drf = answers
    assert (loop.status, loop.body) == (drf.status, drf.body)
    assert loop.status == 429 and loop.code == "throttled"
    assert loop.headers["retry-after"] == drf.headers["retry-after"] == "23"


@committed
def test_the_drf_view_is_overloaded_alike(sender: Sender, settings: Any, queue: str) -> None:
    settings.CHAT_MAX_BACKLOG = 2
    redis_client().lpush(queue, "task-1", "task-2")
    loop, drf = (post({"message": "hi"}, {**JSON, **sender.auth}) for post in (asgi_post, drf_post))
    assert (loop.status, loop.body) == (drf.status, drf.body)
    assert (loop.status, loop.headers["retry-after"], drf.headers["retry-after"]) == (503, "5", "5")


@pytest.mark.django_db
def test_the_drf_view_accepts_with_the_same_fields(sender: Sender) -> None:
    chosen = str(uuid.uuid4())
    answer = drf_post(
        {"message": "hi", "client_msg_id": chosen, "language": "en"}, {**JSON, **sender.auth}
    )
    assert answer.status == 202, answer.body
    assert set(answer.body) == {
        "ok",
        "thread_id",
        "message_id",
        "seq",
        "client_msg_id",
        "correlation_id",
        "status",
        "idempotent",
    }
    assert (answer.body["client_msg_id"], answer.body["status"]) == (chosen, "queued")
    event = Event.objects.get(pk=answer.body["message_id"])
    assert event.meta == {"language": "en"} and event.thread.owner_id == sender.user.pk
