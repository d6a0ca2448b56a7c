"""What every agent is: (thread history, message) → streamed text pieces, then recommendations.

The interface the rest of the project uses (with agents.registry): value types only, and no
import of any agent, so importing it costs nothing.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol

# The languages the assistant speaks (ISO 639-1), English first: where a thread starts.
LANGUAGES: Final = ("en", "tr", "ru")


@dataclass(frozen=True)
class HistoryMessage:
    role: Literal["user", "assistant"]
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AgentRequest:
    thread_id: str
    message: str
    # Earlier messages of the thread, oldest first: the agent's only memory.
    history: tuple[HistoryMessage, ...]
    correlation_id: str
    # When the turn must have ended (epoch seconds): retries must not run past it.
    deadline_at: float = float("inf")
    # The client's hint for the reply's language (one of LANGUAGES); None: read the messages.
    # Earlier messages carry theirs in `meta["language"]`.
    language: str | None = None


@dataclass(frozen=True)
class TextPiece:
    text: str


@dataclass(frozen=True)
class FinalAnswer:
    """The end of a reply: its recommendation cards (the contract's RecItem dicts)."""

    recommendations: list[dict[str, Any]] = field(default_factory=list)
    # True when the configured LLM failed and the local agent answered instead.
    degraded: bool = False
    # The agent that actually answered, when not the one asked (a fallback).
    agent: str | None = None


AgentChunk = TextPiece | FinalAnswer


class Agent(Protocol):
    name: str

    def stream(self, request: AgentRequest) -> AsyncGenerator[AgentChunk, None]:
        """Yield the reply as TextPieces, then exactly one FinalAnswer (an async generator:
        a worker runs its turns on one event loop, so an agent must never block it)."""
        ...
