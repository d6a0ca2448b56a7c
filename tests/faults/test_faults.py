"""Each guarantee of the contract, with the fault it names injected into real processes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
import redis
from websockets.sync.client import connect

from tests.fake_llm import Behaviour, FakeLLM
from tests.faults.clients import Conversation, settle_and_judge
from tests.faults.system import System
from tests.integration.stack import ROOT

pytestmark = pytest.mark.faults

MakeSystem = Callable[..., System]
MakeConversations = Callable[..., list[Conversation]]


def send_all(convos: list[Conversation], messages: int) -> None:
    """Every conversation sends its messages, all conversations at once."""
    threads = [
        threading.Thread(target=lambda c=c: [c.send(f"message {i}") for i in range(messages)])
        for c in convos
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)


def under_fault(convos: list[Conversation], inject: Callable[[], None], messages: int = 3) -> None:
    """Conversations send their messages; once turns are streaming, the fault strikes; then
    every invariant is checked."""
    sender = threading.Thread(target=send_all, args=(convos, messages))
    sender.start()
    time.sleep(1.5)
    inject()
    sender.join(120)
    judged(convos)


def judged(convos: list[Conversation], *, failures_expected: bool = False) -> None:
    verdict = settle_and_judge(convos)
    print(f"\n{verdict.line()}")
    assert verdict.accepted > 0
    assert verdict.ok, (verdict.line(), verdict.socket_violations[:10])
    # Faults the system recovers from must not cost the person their answer.
    assert failures_expected or verdict.failed == 0, verdict.line()


def test_a_worker_killed_mid_turn_loses_and_repeats_nothing(
    make_system: MakeSystem, conversations: MakeConversations
) -> None:
    system = make_system(workers=2)

    def kill_a_worker() -> None:
        system.kill(system.workers[0], signal.SIGKILL)
        system.start_worker()  # the supervisor brings a worker back

    under_fault(conversations(system, 6), kill_a_worker)


def test_redis_restarted_empty_loses_no_accepted_turn(
    make_system: MakeSystem, conversations: MakeConversations
) -> None:
    system = make_system(workers=1)

    def restart_redis_empty() -> None:
        system.redis.stop()  # queue, channel layer, stream text and heartbeats: all gone
        time.sleep(2)
        system.redis.start()  # back, and empty

    under_fault(conversations(system, 6), restart_redis_empty)


def test_a_redis_blip_leaves_no_socket_deaf_and_no_typing_on(
    make_system: MakeSystem, conversations: MakeConversations
) -> None:
    """Redis stops and is back a fraction of a second later while replies stream to open
    sockets: frames published meanwhile are lost, yet every socket gets every durable event
    once and in order and no typing indicator stays on, without reconnecting."""
    system = make_system(workers=1)
    convos = conversations(system, 12)

    def blip() -> None:
        system.redis.stop()
        time.sleep(0.3)
        system.redis.start()

    under_fault(convos, blip)
    assert [c.reconnects for c in convos] == [0] * len(convos), "a socket had to reconnect"
    assert sum(len(c.terminals) for c in convos) == 36


def test_a_restarted_web_server_says_going_away_and_clients_lose_nothing(
    make_system: MakeSystem, conversations: MakeConversations
) -> None:
    system = make_system(workers=1)
    convos = conversations(system, 4)

    def restart_the_web_server() -> None:
        host = system.hosts[0]
        system.stop_web(host)
        system.start_web(int(host.rsplit(":", 1)[1]))

    under_fault(convos, restart_the_web_server)
    assert sum(c.closes[1001] for c in convos) >= 1


def test_two_web_and_two_worker_processes_behave_as_one(
    make_system: MakeSystem, conversations: MakeConversations
) -> None:
    system = make_system(webs=2, workers=2)
    convos = conversations(system, 6)  # sockets spread over both web processes
    for convo in convos:
        convo.web_index += 1  # and each posts to the other one
    send_all(convos, 3)
    judged(convos)


def test_a_turn_past_its_deadline_fails_and_ends_typing(
    make_system: MakeSystem, conversations: MakeConversations, slow_llm: FakeLLM
) -> None:
    system = make_system(workers=1, CHAT_TURN_DEADLINE_SECS="6")
    slow_llm.then(Behaviour(text=["so "] * 40, piece_delay_secs=0.5))  # 20 s: too slow
    (convo,) = conversations(system, 1)
    seq = convo.send("this will take too long")
    assert seq is not None
    judged([convo], failures_expected=True)
    failed = convo.terminals[seq]
    assert (failed["event"], failed["payload"]["code"]) == ("turn_failed", "deadline_exceeded")


def test_cancel_stops_generation_and_keeps_the_partial_text(
    make_system: MakeSystem, conversations: MakeConversations, slow_llm: FakeLLM
) -> None:
    system = make_system(workers=1)
    slow_llm.then(Behaviour(text=[f"word{i} " for i in range(60)], piece_delay_secs=0.1))
    (convo,) = conversations(system, 1)
    seq = convo.send("tell me a long story")
    assert seq is not None
    _wait(lambda: len(convo.streamed.get(seq, "")) > 20, 10, "the reply to start streaming")
    cancelled_at = time.monotonic()
    assert convo.cancel(seq) == 202
    _wait(lambda: seq in convo.terminals, 10, "the cancelled reply")
    assert time.monotonic() - cancelled_at < 2  # generation stopped promptly
    reply = convo.terminals[seq]["payload"]
    assert reply["cancelled"] is True and 0 < len(reply["text"]) < len("word00 " * 60)
    assert convo.streamed[seq].startswith(reply["text"][: len(convo.streamed[seq]) - 10])
    judged([convo])


def test_a_socket_that_joins_mid_stream_gets_the_text_so_far_then_the_rest(
    make_system: MakeSystem,
    conversations: MakeConversations,
    slow_llm: FakeLLM,
    fault_database: tuple[str, str],
) -> None:
    system = make_system(workers=1)
    slow_llm.then(Behaviour(text=[f"w{i} " for i in range(30)], piece_delay_secs=0.08))
    (convo,) = conversations(system, 1)
    seq = convo.send("stream something")
    assert seq is not None
    _wait(lambda: len(convo.streamed.get(seq, "")) > 15, 10, "the stream to be under way")
    frames: list[dict[str, Any]] = []
    url = (
        f"ws://{system.hosts[0]}/ws/chat/{convo.thread_id}/?token={fault_database[1]}"
        f"&last_seq={seq}"
    )
    with connect(url, open_timeout=5) as late:
        while not frames or frames[-1]["event"] != "assistant_message":
            frames.append(json.loads(late.recv(timeout=10)))
    deltas = [f for f in frames if f["event"] == "token"]
    assert deltas[0]["payload"]["offset"] == 0 and len(deltas[0]["payload"]["text"]) > 15
    text = ""
    for delta in deltas:
        assert delta["payload"]["offset"] == len(text), "a repeated or missing character"
        text += delta["payload"]["text"]
    assert text == frames[-1]["payload"]["text"]
    judged([convo])


def test_a_worker_stopped_with_sigterm_finishes_its_turns(
    make_system: MakeSystem, conversations: MakeConversations
) -> None:
    system = make_system(workers=1)
    convos = conversations(system, 3)
    for convo in convos:
        convo.send("finish me")
    time.sleep(0.8)
    system.workers[0].popen.send_signal(signal.SIGTERM)  # warm shutdown
    system.workers[0].popen.wait(60)
    system.start_worker()
    judged(convos)


def test_a_socket_closed_at_token_expiry_resumes_with_a_new_token_and_loses_nothing(
    make_system: MakeSystem, conversations: MakeConversations, fault_database: tuple[str, str]
) -> None:
    system = make_system(workers=1, CHAT_TOKEN_EXPIRING_LEAD_SECS="1")
    short = system.manage("issue_token", "faults", "--ttl", "3")
    (convo,) = conversations(system, 1)
    convo.stop()  # listen again, now with the short-lived token
    convo.token, convo.renewed_token = short, fault_database[1]
    convo._stop.clear()
    convo.listen()
    for i in range(4):
        assert convo.send(f"message {i}") is not None
        time.sleep(1)
    judged([convo])
    assert convo.closes[4401] == 1


def test_the_backlog_shows_in_metrics_and_chat_doctor_says_what_is_wrong(
    make_system: MakeSystem, conversations: MakeConversations
) -> None:
    system = make_system(workers=0)
    host = f"http://{system.hosts[0]}"
    convos = conversations(system, 3)
    for convo in convos:
        assert convo.send("anyone there?") is not None
    time.sleep(1.5)
    metrics = httpx.get(f"{host}/metrics").text
    assert 'chat_queue_depth{queue="chat"} 3.0' in metrics
    age = float(metrics.split('chat_queue_oldest_age_seconds{queue="chat"} ')[1].split()[0])
    assert age >= 1
    assert "chat_workers_alive 0.0" in metrics
    sick = doctor(system, host)
    assert sick.returncode == 1 and "FAIL Celery workers" in sick.stdout
    assert "start a worker" in sick.stdout
    system.start_worker()
    judged(convos)
    healthy = doctor(system, host)
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "healthy" in healthy.stdout
    system.redis.stop()
    no_redis = doctor(system, host)
    assert no_redis.returncode == 1 and "FAIL Redis" in no_redis.stdout
    assert "REDIS_URL" in no_redis.stdout


def doctor(system: System, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "chat_doctor", "--url", url, "--timeout", "10"],
        cwd=ROOT,
        env=system.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.soak
def test_soak_many_threads_with_every_fault(
    make_system: MakeSystem, conversations: MakeConversations
) -> None:
    system = make_system(webs=2, workers=2)
    convos = conversations(system, 30)
    sender = threading.Thread(target=send_all, args=(convos, 5))
    sender.start()
    time.sleep(2)
    system.kill(system.workers[0], signal.SIGKILL)
    system.start_worker()
    time.sleep(2)
    system.redis.stop()
    time.sleep(2)
    system.redis.start()
    time.sleep(2)
    host = system.hosts[0]
    system.stop_web(host)
    system.start_web(int(host.rsplit(":", 1)[1]))
    sender.join(300)
    judged(convos)


def _wait(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_sockets_closed_by_their_client_at_any_moment_release_their_place(
    make_system: MakeSystem, fault_database: tuple[str, str], slow_llm: FakeLLM
) -> None:
    """One person switches conversations 25 times, closing each socket right after the
    reply, mid-stream or while frames are being sent: every socket is accepted (no 4429),
    and afterwards no place, gauge or subscription of theirs is left."""
    system = make_system(workers=1, CHAT_MAX_SOCKETS_PER_USER="3")
    quick = Behaviour(text=[f"piece {i}. " for i in range(6)], piece_delay_secs=0.05)
    slow_llm.then(*[quick] * 25)
    token, host = fault_database[1], system.hosts[0]
    threads = [system.new_thread(token) for _ in range(3)]
    moments = ["after the reply", "mid-stream", "during a send"]
    for cycle in range(25):
        thread_id, moment = threads[cycle % 3], moments[cycle % 3]
        with connect(f"ws://{host}/ws/chat/{thread_id}/?token={token}", open_timeout=5) as ws:
            first = json.loads(ws.recv(timeout=10))
            assert first["event"] == "connected", (cycle, moment, first)
            response = httpx.post(
                f"http://{host}/api/chat/",
                json={"message": f"cycle {cycle}", "thread_id": thread_id},
                headers={"Authorization": f"Bearer {token}"},
                timeout=10,
            )
            assert response.status_code == 202, response.text
            wanted = {"after the reply": "assistant_message", "mid-stream": "token"}.get(moment)
            while wanted is not None and json.loads(ws.recv(timeout=20))["event"] != wanted:
                pass
    slots = redis.Redis.from_url(system.redis.url)
    user_id = jwt.decode(token, options={"verify_signature": False})["user_id"]
    channels = [f"ei:chat:thread:{t}" for t in threads]

    def released() -> bool:
        metrics = httpx.get(f"http://{host}/metrics").text
        subscribed = slots.pubsub_numsub(*channels)
        return (
            "chat_ws_connections 0.0" in metrics
            and slots.zcard(f"ei:ws:user:{user_id}") == 0
            and all(count == 0 for _, count in subscribed)
        )

    _wait(released, 10, "every socket's place, gauge and subscription to be released")
