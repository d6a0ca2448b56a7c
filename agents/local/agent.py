"""The embedded agent: rules and the catalog, no network. The default, and the fallback."""

from __future__ import annotations

import re
from collections.abc import AsyncGenerator, Callable
from datetime import date

from agents.base import AgentChunk, AgentRequest, FinalAnswer, TextPiece
from agents.local.conversation import conversation_after
from agents.local.language import reply_language
from agents.local.slots_to_reply import Answer, answer
from agents.local.tokens import readable
from easy_islanders.blocking import in_thread

# Split after a sentence's closing punctuation and its space; the pieces join to the text.
_AFTER_SENTENCE = re.compile(r"(?<=[.!?] )")


class LocalAgent:
    name = "local"

    def __init__(self, today: Callable[[], date] = date.today) -> None:
        self._today = today

    async def stream(self, request: AgentRequest) -> AsyncGenerator[AgentChunk, None]:
        # Language analysis and a catalog query: off the event loop the turns share.
        reply = await in_thread(self.answer, request)
        for sentence in _AFTER_SENTENCE.split(reply.text):
            if sentence:
                yield TextPiece(sentence)
        yield FinalAnswer(recommendations=reply.cards)

    def answer(self, request: AgentRequest) -> Answer:
        said = [readable(m.text) for m in request.history if m.role == "user"]
        message = readable(request.message)
        state, intent = conversation_after([*said, message], self._today())
        return answer(intent, state, message, reply_language(request))
