"""The open chat sockets of this web process, by thread: the one list the hub fans frames out
through, the audit judges, and shutdown or a deactivated account closes."""

from __future__ import annotations

from chat.sockets.session import Session


class Registry:
    def __init__(self) -> None:
        self._by_thread: dict[str, set[Session]] = {}

    def __len__(self) -> int:
        return sum(len(group) for group in self._by_thread.values())

    def add(self, session: Session) -> bool:
        """Hold the socket; True when it is the first of its thread here."""
        group = self._by_thread.setdefault(session.thread_key, set())
        group.add(session)
        return len(group) == 1

    def discard(self, session: Session) -> bool:
        """Let the socket go; True when it was the last of its thread here."""
        group = self._by_thread.get(session.thread_key)
        if group is None or session not in group:
            return False
        group.remove(session)
        if group:
            return False
        del self._by_thread[session.thread_key]
        return True

    def of_thread(self, thread_key: str) -> set[Session]:
        return self._by_thread.get(thread_key, set())

    def thread_keys(self) -> list[str]:
        return list(self._by_thread)

    def sessions(self) -> list[Session]:
        return [session for group in self._by_thread.values() for session in group]

    def of_user(self, user_id: int) -> list[Session]:
        return [session for session in self.sessions() if session.user_id == user_id]
