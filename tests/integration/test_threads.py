"""Conversation titles, rename and delete over the live stack: the owner's only; a deleted
thread is 404 over HTTP and 4404 on the socket for its owner."""

from __future__ import annotations

from typing import Any

from tests.integration.stack import LiveStack, typing_off
from tests.integration.test_chat_turn import send


def thread(stack: LiveStack, token: str, thread_id: str) -> Any:
    with stack.client(token) as http:
        return http.get(f"/api/chat/threads/{thread_id}/")


def listed(stack: LiveStack, token: str) -> list[dict[str, Any]]:
    with stack.client(token) as http:
        response = http.get("/api/chat/threads/")
    assert response.status_code == 200, response.text
    threads: list[dict[str, Any]] = response.json()["threads"]
    return threads


def test_a_thread_is_titled_by_its_first_message(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    assert thread(live_stack, owner[1], new_thread).json()["title"] == ""
    send(live_stack, owner[1], new_thread, "  Two bed flat\nin Kyrenia, long term  ")
    send(live_stack, owner[1], new_thread, "something else entirely")
    body = thread(live_stack, owner[1], new_thread).json()
    assert body["title"] == "Two bed flat in Kyrenia, long term"
    assert [t["title"] for t in listed(live_stack, owner[1]) if t["thread_id"] == new_thread] == [
        "Two bed flat in Kyrenia, long term"
    ]


def test_the_list_is_sorted_by_last_activity(live_stack: LiveStack, owner: tuple[Any, str]) -> None:
    with live_stack.client(owner[1]) as http:
        older = http.post("/api/chat/threads/", json={}).json()["thread_id"]
        newer = http.post("/api/chat/threads/", json={}).json()["thread_id"]
    assert [t["thread_id"] for t in listed(live_stack, owner[1])][:2] == [newer, older]
    send(live_stack, owner[1], older, "back to the first one")
    threads = listed(live_stack, owner[1])
    assert [t["thread_id"] for t in threads][:2] == [older, newer]
    times = [t["last_activity_at"] for t in threads]
    assert times == sorted(times, reverse=True)


def test_the_owner_renames_and_a_blank_title_is_given_back_to_the_next_message(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    send(live_stack, owner[1], new_thread, "first words")
    with live_stack.client(owner[1]) as http:
        renamed = http.patch(f"/api/chat/threads/{new_thread}/", json={"title": " Villa  hunt "})
        assert renamed.status_code == 200, renamed.text
        assert renamed.json()["title"] == "Villa hunt"
        assert http.patch(f"/api/chat/threads/{new_thread}/", json={"title": 7}).status_code == 400
        assert http.patch(f"/api/chat/threads/{new_thread}/", json={}).status_code == 400
        too_long = http.patch(f"/api/chat/threads/{new_thread}/", json={"title": "x" * 201})
        assert too_long.status_code == 400
        assert http.patch(f"/api/chat/threads/{new_thread}/", json={"title": ""}).status_code == 200
    send(live_stack, owner[1], new_thread, "next words")
    assert thread(live_stack, owner[1], new_thread).json()["title"] == "next words"


def test_another_user_can_neither_read_rename_nor_delete(
    live_stack: LiveStack, owner: tuple[Any, str], outsider: tuple[Any, str], new_thread: str
) -> None:
    send(live_stack, owner[1], new_thread, "mine")
    with live_stack.client(outsider[1]) as http:
        assert http.get(f"/api/chat/threads/{new_thread}/").status_code == 404
        renamed = http.patch(f"/api/chat/threads/{new_thread}/", json={"title": "theirs"})
        assert renamed.status_code == 404 and "mine" not in renamed.text
        assert http.delete(f"/api/chat/threads/{new_thread}/").status_code == 404
    body = thread(live_stack, owner[1], new_thread).json()
    assert body["title"] == "mine" and body["head_seq"] >= 1


def test_a_deleted_thread_is_gone_everywhere_for_its_owner(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.socket(new_thread, owner[1]) as ws:
        assert ws.frame()["event"] == "connected"
        send(live_stack, owner[1], new_thread, "hello")
        ws.until(typing_off)
    with live_stack.client(owner[1]) as http:
        deleted = http.delete(f"/api/chat/threads/{new_thread}/")
        assert deleted.status_code == 204 and deleted.content == b""
        assert http.get(f"/api/chat/threads/{new_thread}/").status_code == 404
        assert http.get(f"/api/chat/threads/{new_thread}/events/").status_code == 404
        assert (
            http.patch(f"/api/chat/threads/{new_thread}/", json={"title": "x"}).status_code == 404
        )
        assert http.post(f"/api/chat/threads/{new_thread}/cancel/", json={}).status_code == 404
        again = http.post("/api/chat/", json={"message": "still there?", "thread_id": new_thread})
        assert again.status_code == 404
        assert http.delete(f"/api/chat/threads/{new_thread}/").status_code == 404
    assert new_thread not in {t["thread_id"] for t in listed(live_stack, owner[1])}
    with live_stack.socket(new_thread, owner[1]) as ws:
        assert ws.close_code() == 4404
        assert ws.received == []


def test_deleting_a_thread_mid_turn_leaves_the_worker_serving_others(
    live_stack: LiveStack, owner: tuple[Any, str]
) -> None:
    with live_stack.client(owner[1]) as http:
        doomed = http.post("/api/chat/threads/", json={}).json()["thread_id"]
        other = http.post("/api/chat/threads/", json={}).json()["thread_id"]
    send(live_stack, owner[1], doomed, "a question whose thread goes away")
    with live_stack.client(owner[1]) as http:
        assert http.delete(f"/api/chat/threads/{doomed}/").status_code == 204
    with live_stack.socket(other, owner[1]) as ws:
        assert ws.frame()["event"] == "connected"
        send(live_stack, owner[1], other, "and another")
        frames = ws.until(typing_off, timeout=30)
    assert any(f["event"] == "assistant_message" for f in frames)


def test_a_socket_open_on_a_deleted_thread_closes_4404_at_once(
    live_stack: LiveStack, owner: tuple[Any, str], new_thread: str
) -> None:
    with live_stack.socket(new_thread, owner[1]) as ws:
        assert ws.frame()["event"] == "connected"
        with live_stack.client(owner[1]) as http:
            assert http.delete(f"/api/chat/threads/{new_thread}/").status_code == 204
        # Told through the hub, well before its 5 s audit would find the thread gone.
        assert ws.close_code(timeout=2) == 4404
