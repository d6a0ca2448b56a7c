"""A placeholder agent that states what it understood. The supervisor agent replaces it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from agents.base import AgentChunk, AgentRequest, FinalAnswer, TextPiece

# Split after each sentence's closing punctuation and space, so the pieces join to the reply.
_AFTER_SENTENCE = re.compile(r"(?<=[.!?] )")


class EchoAgent:
    name = "echo"

    def stream(self, request: AgentRequest) -> Iterator[AgentChunk]:
        earlier = sum(1 for message in request.history if message.role == "user")
        reply = (
            f"You said: “{request.message}”. "
            f"I understood it as message {earlier + 1} of this conversation. "
            "The full assistant is on its way; for now I can only repeat what I heard."
        )
        for sentence in _AFTER_SENTENCE.split(reply):
            if sentence:
                yield TextPiece(sentence)
        yield FinalAnswer()
