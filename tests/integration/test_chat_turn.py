"""One chat turn end to end, as a browser sees it: HTTP 202, then frames on the socket."""

from __future__ import annotations

import uuid
from typing import Any

from tests.integration.stack import LiveStack, is_terminal, typing_off


def send(stack: LiveStack, token: str, thread_id: str | None, text: str, **extra: Any) -> Any:
    headers = extra.pop("headers", {})
    with stack.client(token, **headers) as http:
        response = http.post("/api/chat/", json={"message": text, "thread_id": thread_id, **extra})
    assert response.status_code == 202, response.text
    return response


def test_it_delivers_a_turn_as_the_contract_orders_it(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    cid = str(uuid.uuid4())
    with live_stack.socket(new_thread, owner[1], last_seq=0) as ws:
        connected = ws.frame()
        assert connected["type"] == "chat_status" and connected["event"] == "connected"
        assert connected["payload"]["head_seq"] == 0
        accepted = send(
            live_stack,
            owner[1],
            new_thread,
            "Hello. Is anyone there?",
            headers={"X-Correlation-ID": cid},
        )
        frames = ws.until(typing_off)

    body = accepted.json()
    assert accepted.headers["X-Correlation-ID"] == cid
    assert body["ok"] is True and body["status"] == "queued" and body["correlation_id"] == cid
    assert body["thread_id"] == new_thread and body["seq"] == 1

    events = [f["event"] for f in frames]
    assert events[0] == "user_message" and events[1] == "typing"
    assert events[-2:] == ["assistant_message", "typing"]
    assert set(events[2:-2]) == {"token"} and len(events[2:-2]) >= 2

    user, reply = frames[0], frames[-2]
    assert user["seq"] == 1 and user["payload"]["text"] == "Hello. Is anyone there?"
    assert user["payload"]["message_id"] == body["message_id"]
    assert reply["seq"] == 2 and reply["in_reply_to"] == 1 and reply["type"] == "chat_message"
    assert reply["payload"]["cancelled"] is False and reply["payload"]["recommendations"] == []
    deltas = [f for f in frames if f["event"] == "token"]
    offsets = [f["payload"]["offset"] for f in deltas]
    assert offsets == sorted(offsets) and offsets[0] == 0
    assert "".join(f["payload"]["text"] for f in deltas) == reply["payload"]["text"]
    assert all(f["seq"] is None and f["in_reply_to"] == 1 for f in frames[1:-2])
    assert {f["correlation_id"] for f in frames} == {cid}
    assert all(f["v"] == 1 and f["thread_id"] == new_thread for f in frames)


def test_it_uses_the_active_thread_when_none_is_named(
    live_stack: LiveStack, user_token: Any
) -> None:
    _, token = user_token()
    first = send(live_stack, token, None, "one").json()
    second = send(live_stack, token, None, "two").json()
    assert first["thread_id"] == second["thread_id"]
    assert first["seq"] == 1 and second["seq"] > first["seq"]


def test_it_answers_a_resend_with_the_first_response(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    client_msg_id = str(uuid.uuid4())
    with live_stack.socket(new_thread, owner[1], last_seq=0) as ws:
        ws.frame()
        first = send(live_stack, owner[1], new_thread, "only once", client_msg_id=client_msg_id)
        ws.until(typing_off)
        again = send(live_stack, owner[1], new_thread, "only once", client_msg_id=client_msg_id)

    assert again.json()["idempotent"] is True and first.json()["idempotent"] is False
    for key in ("thread_id", "message_id", "seq", "client_msg_id", "correlation_id"):
        assert again.json()[key] == first.json()[key]
    with live_stack.client(owner[1]) as http:
        page = http.get(f"/api/chat/threads/{new_thread}/events/").json()
    assert [e["event"] for e in page["events"]] == ["user_message", "assistant_message"]


# Each message asks for something else, so each reply shows which message it answers.
BURST = [
    ("need a plumber in Lefkosa", "plumber"),
    ("scuba diving in Kyrenia", "diving"),
    ("fish restaurant in Girne", "fish restaurants"),
    ("rent a car in Famagusta", "hire cars"),
    ("electrician in Iskele", "electrician"),
    ("horse riding near Kyrenia", "horse riding"),
    ("kebab in Lefkosa", "kebab"),
    ("SUV hire in Girne", "SUVs"),
]


def test_it_answers_a_burst_once_each_and_in_order(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.socket(new_thread, owner[1], last_seq=0) as ws:
        ws.frame()
        for text, _ in BURST:
            send(live_stack, owner[1], new_thread, text)
        durable: list[dict[str, Any]] = []
        while sum(map(is_terminal, durable)) < len(BURST):
            frame = ws.frame(timeout=30)
            if frame["seq"] is not None:
                durable.append(frame)

    assert [f["seq"] for f in durable] == list(range(1, 2 * len(BURST) + 1))
    users = [f for f in durable if f["event"] == "user_message"]
    replies = [f for f in durable if is_terminal(f)]
    assert [u["payload"]["text"] for u in users] == [text for text, _ in BURST]
    # Each reply answers its own message, in the order they were sent.
    assert [r["in_reply_to"] for r in replies] == [u["seq"] for u in users]
    for (_, topic), reply, user in zip(BURST, replies, users, strict=True):
        assert reply["event"] == "assistant_message" and reply["seq"] > user["seq"]
        assert topic in reply["payload"]["text"], (topic, reply["payload"]["text"])


def test_it_recommends_cards_that_come_back_identically_from_history(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.socket(new_thread, owner[1], last_seq=0) as ws:
        ws.frame()
        send(live_stack, owner[1], new_thread, "2 bed flat in Kyrenia under £800 a month")
        reply = next(f for f in ws.until(typing_off) if is_terminal(f))

    cards = reply["payload"]["recommendations"]
    assert reply["payload"]["agent"] == "local" and reply["payload"]["degraded"] is False
    assert 1 <= len(cards) <= 4
    for card in cards:
        assert card["category"] == "property_rent_long" and card["city"] == "Girne"
        assert card["metadata"]["bedrooms"] == 2 and card["price"]["amount"] <= 800
        assert (card["price"]["currency"], card["price"]["period"]) == ("GBP", "month")
    with live_stack.client(owner[1]) as http:
        stored = http.get(f"/api/chat/threads/{new_thread}/events/").json()["events"][-1]
        image = http.get(cards[0]["image_url"])
    assert stored == reply  # the stored event is the frame, cards included
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/svg+xml"
    with live_stack.socket(new_thread, owner[1], last_seq=1) as ws:
        ws.frame()
        assert ws.frame() == reply


def test_threads_started_at_once_by_one_user_all_succeed(
    live_stack: LiveStack, owner: tuple[Any, str]
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def start(_: int) -> int:
        with live_stack.client(owner[1]) as http:
            return http.post("/api/chat/threads/", json={}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(start, range(16)))
    assert statuses == [201] * 16
    with live_stack.client(owner[1]) as http:
        threads = http.get("/api/chat/threads/").json()["threads"]
    assert len(threads) == 16 and sum(t["is_active"] for t in threads) == 1


def test_the_reply_is_in_the_language_the_client_asks_for_and_stays_in_it(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.socket(new_thread, owner[1], last_seq=0) as ws:
        ws.frame()
        send(live_stack, owner[1], new_thread, "2 bed flat in Kyrenia up to 800", language="ru")
        first = next(f for f in ws.until(typing_off) if is_terminal(f))
        send(live_stack, owner[1], new_thread, "3+1, 1200")  # no hint, no language of its own
        second = next(f for f in ws.until(typing_off) if is_terminal(f))
    for reply in (first, second):
        assert reply["event"] == "assistant_message"
        assert reply["payload"]["text"].startswith("Нашёл"), reply["payload"]["text"]
        assert reply["payload"]["recommendations"]
    assert {c["metadata"]["bedrooms"] for c in second["payload"]["recommendations"]} == {3}
