"""The failure policy around an LLM: retry what is transient, then answer locally.

Transient failures (timeouts, lost connections, 429, 5xx, a malformed stream) are retried
with exponential backoff and jitter while the turn's deadline allows and nothing has been
streamed yet. Then, or at once for any other failure, the fallback agent answers and the reply
is marked degraded. Only a failing fallback ends the turn in an error.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass, replace

from agents.base import Agent, AgentChunk, AgentRequest, FinalAnswer, TextPiece
from agents.local.language import reply_language
from agents.local.reply_texts import EN, text

logger = logging.getLogger(__name__)

# The note before the local agent's answer, in the person's language (English shown here).
DEGRADED_NOTE = text(EN, "degraded")


class LLMError(Exception):
    """The LLM provider failed in a way that retrying will not fix (auth, bad request)."""


class TransientLLMError(LLMError):
    """The LLM provider failed in a way that may pass (timeout, 429, 5xx, broken stream)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    base_delay_secs: float = 0.5
    max_delay_secs: float = 4.0
    # Time kept back for the fallback to answer before the turn's deadline.
    fallback_reserve_secs: float = 2.0

    def delay(self, attempt: int) -> float:
        """Full-jitter backoff: up to base·2^(attempt-1), capped."""
        ceiling = min(self.max_delay_secs, self.base_delay_secs * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)


class WithFallback:
    def __init__(self, primary: Agent, fallback: Agent, policy: RetryPolicy) -> None:
        self.primary, self.fallback, self.policy = primary, fallback, policy
        self.name = primary.name

    async def stream(self, request: AgentRequest) -> AsyncGenerator[AgentChunk, None]:
        emitted = False
        for attempt in range(1, self.policy.attempts + 1):
            try:
                # Closed at once if the turn stops streaming (its HTTP stream with it).
                async with aclosing(self.primary.stream(request)) as chunks:
                    async for chunk in chunks:
                        emitted = emitted or isinstance(chunk, TextPiece)
                        yield chunk
                return
            except TransientLLMError as exc:
                if emitted or not self._may_retry(attempt, request):
                    self._log_fallback(exc, attempt)
                    break
                delay = self.policy.delay(attempt)
                logger.warning(
                    "llm_retry",
                    extra={
                        "provider": self.primary.name,
                        "attempt": attempt,
                        "error": str(exc),
                        "delay_s": round(delay, 3),
                    },
                )
                await asyncio.sleep(delay)
            except Exception as exc:
                self._log_fallback(exc, attempt)
                break
        async for chunk in self._fall_back(request, emitted):
            yield chunk

    def _may_retry(self, attempt: int, request: AgentRequest) -> bool:
        if attempt >= self.policy.attempts:
            return False
        ready_at = time.time() + self.policy.delay(attempt) + self.policy.fallback_reserve_secs
        return ready_at < request.deadline_at

    async def _fall_back(
        self, request: AgentRequest, emitted: bool
    ) -> AsyncGenerator[AgentChunk, None]:
        # Text already streamed stays (clients have shown it); the fallback's answer follows.
        note = text(reply_language(request), "degraded")
        yield TextPiece(("\n\n" if emitted else "") + note)
        async with aclosing(self.fallback.stream(request)) as chunks:
            async for chunk in chunks:
                if isinstance(chunk, FinalAnswer):
                    chunk = replace(chunk, degraded=True, agent=self.fallback.name)
                yield chunk

    def _log_fallback(self, exc: Exception, attempts: int) -> None:
        # Our own exceptions carry a safe description; anything else only by its type.
        reason = str(exc) if isinstance(exc, LLMError) else type(exc).__name__
        logger.error(
            "llm_fallback",
            extra={"provider": self.primary.name, "attempts": attempts, "error": reason},
        )
