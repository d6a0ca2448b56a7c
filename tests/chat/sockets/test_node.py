"""The socket node (chat/sockets/node.py): shutdown's goodbye, control messages from other
processes (a thread deleted, an account deactivated), and each socket's place in the gauge and
in its user's slots."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from django.contrib.auth import get_user_model

from chat.sockets import closes
from chat.sockets.node import SocketNode
from chat.sockets.slots import _slots_key
from chat.threads import thread_create, thread_delete
from chat.turns.lifecycle import turn_cancel
from easy_islanders.redis import async_redis_client
from observability.metrics import WS_CONNECTIONS
from tests.chat.sockets.support import Person, off_loop, open_connected, open_socket, run


def gauge() -> float:
    return float(WS_CONNECTIONS._value.get())


def test_close_all_says_goodbye_with_1001_to_every_socket(
    make_person: Callable[[], Person],
) -> None:
    one, other = make_person(), make_person()
    threads = [thread_create(one.id), thread_create(one.id), thread_create(other.id)]
    owners = [one, one, other]

    async def scenario() -> tuple[list[int], int, int]:
        node = SocketNode(cancel=turn_cancel)
        sockets = [
            (await open_connected(node, t.pk, p.token))[0]
            for t, p in zip(threads, owners, strict=True)
        ]
        await node.close_all()
        codes = [await s.close_code() for s in sockets]
        closed = sum(s.closed for s in node.registry.sessions())
        for s in sockets:
            await s.disconnect(closes.GOING_AWAY)
        return codes, closed, len(node.registry)

    codes, closed, left = run(scenario)
    assert codes == [closes.GOING_AWAY] * 3
    assert closed == 3  # close_all returned once every socket had been closed
    assert left == 0


def test_a_deleted_thread_closes_its_sockets_with_4404_and_no_other(person: Person) -> None:
    doomed = thread_create(person.id)
    kept = thread_create(person.id)

    async def scenario() -> tuple[list[int], str]:
        node = SocketNode(cancel=turn_cancel)
        first, _ = await open_connected(node, doomed.pk, person.token)
        second, _ = await open_connected(node, doomed.pk, person.token)
        other, _ = await open_connected(node, kept.pk, person.token)
        await off_loop(thread_delete, person.id, doomed.pk)  # announced after its commit
        codes = [await first.close_code(), await second.close_code()]
        await other.send({"type": "ping"})
        answer = str((await other.frame())["event"])
        for s in (first, second, other):
            await s.disconnect()
        return codes, answer

    codes, answer = run(scenario)
    assert codes == [closes.NOT_FOUND, closes.NOT_FOUND]
    assert answer == "pong"


def test_a_deactivated_account_has_its_sockets_closed_with_4401(
    make_person: Callable[[], Person],
) -> None:
    leaving, staying = make_person(), make_person()
    threads = [thread_create(leaving.id), thread_create(staying.id)]

    def deactivate() -> None:
        user = get_user_model().objects.get(pk=leaving.id)
        user.is_active = False
        user.save()  # every process is told (chat/signals.py)

    async def scenario() -> tuple[int, str]:
        node = SocketNode(cancel=turn_cancel)
        gone, _ = await open_connected(node, threads[0].pk, leaving.token)
        kept, _ = await open_connected(node, threads[1].pk, staying.token)
        await off_loop(deactivate)
        code = await gone.close_code()
        await kept.send({"type": "ping"})
        answer = str((await kept.frame())["event"])
        await gone.disconnect()
        await kept.disconnect()
        return code, answer

    assert run(scenario) == (closes.UNAUTHORIZED, "pong")


def test_admit_and_leave_keep_the_gauge_and_the_users_slots_right(
    make_person: Callable[[], Person],
) -> None:
    owner, outsider = make_person(), make_person()
    thread = thread_create(owner.id)

    async def slots() -> int:
        return int(await async_redis_client().zcard(_slots_key(owner.id)))

    async def scenario() -> list[tuple[float, int]]:
        node = SocketNode(cancel=turn_cancel)
        base = gauge()
        seen = [(gauge() - base, await slots())]
        first, _ = await open_connected(node, thread.pk, owner.token)
        second, _ = await open_connected(node, thread.pk, owner.token)
        seen.append((gauge() - base, await slots()))
        refused = await open_socket(node, thread.pk, outsider.token)  # 4403: never admitted
        assert await refused.close_code() == closes.FORBIDDEN
        await refused.ended()
        seen.append((gauge() - base, await slots()))
        await first.disconnect()
        seen.append((gauge() - base, await slots()))
        await second.disconnect()
        seen.append((gauge() - base, await slots()))
        return seen

    assert run(scenario) == [(0, 0), (2, 2), (2, 2), (1, 1), (0, 0)]


def test_a_socket_cancelled_mid_stream_still_leaves_the_gauge_and_the_hub(person: Person) -> None:
    thread = thread_create(person.id)

    async def scenario() -> tuple[float, int]:
        node = SocketNode(cancel=turn_cancel)
        base = gauge()
        socket, _ = await open_connected(node, thread.pk, person.token)
        assert gauge() - base == 1
        socket.cancel()  # the server task is cancelled (a server shutting down hard)
        for _ in range(100):
            if len(node.registry) == 0 and gauge() == base:
                break
            await asyncio.sleep(0.01)
        return gauge() - base, len(node.registry)

    assert run(scenario) == (0, 0)
