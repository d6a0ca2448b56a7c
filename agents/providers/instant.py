"""An agent that answers at once with a fixed reply: for load tests, so that what is measured
is the chat system itself (HTTP, queue, worker, database, sockets), not the agent."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from agents.base import AgentChunk, AgentRequest, FinalAnswer, TextPiece


class InstantAgent:
    name = "instant"

    async def stream(self, request: AgentRequest) -> AsyncGenerator[AgentChunk, None]:
        yield TextPiece("Thanks, got it. ")
        yield TextPiece("This is the instant agent.")
        yield FinalAnswer()
