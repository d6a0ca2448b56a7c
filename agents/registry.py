"""Which agent answers turns in this process (the local agent, or an LLM with it as fallback),
and what a person is told when a turn fails.

With agents.base, the whole of what the rest of the project uses of agents/. Light to import:
the agents, the LLM client and the local agent's language tools load on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.conf import settings

from agents.base import Agent


@cache
def supervisor_agent() -> Agent:
    if settings.CHAT_AGENT == "instant":
        from agents.providers.instant import InstantAgent

        return InstantAgent()
    from agents.local.agent import LocalAgent

    local = LocalAgent()
    if settings.CHAT_AGENT == "local" or not settings.LLM_BASE_URL:
        return local
    import httpx2  # the HTTP client of the openai SDK (its own fork of httpx)
    import openai

    from agents.providers.openai_compatible import OpenAICompatibleAgent
    from agents.resilience import RetryPolicy, WithFallback

    streams = settings.WORKER_CONCURRENCY  # one per turn a worker may run at once
    client = openai.AsyncOpenAI(
        base_url=settings.LLM_BASE_URL,
        # Local OpenAI-compatible servers often need no key, but the SDK insists on one.
        api_key=settings.LLM_API_KEY or "unused",
        timeout=settings.LLM_TIMEOUT_SECS,
        max_retries=0,  # our RetryPolicy retries, within the turn's deadline
        http_client=openai.DefaultAsyncHttpxClient(
            limits=httpx2.Limits(max_connections=streams, max_keepalive_connections=streams),
            timeout=settings.LLM_TIMEOUT_SECS,
        ),
    )
    llm = OpenAICompatibleAgent(client, settings.LLM_MODEL, settings.LLM_TIMEOUT_SECS)
    return WithFallback(llm, local, RetryPolicy(attempts=settings.LLM_MAX_ATTEMPTS))


def failure_text(code: str, said: Iterable[tuple[str, str | None]]) -> str | None:
    """The failure message for `code` in the language the person writes in (`said`: the
    thread's user messages, oldest first, each (text, client language hint or None)); None
    when the code has no worded message. `said` is read only when there is a message to word,
    so it may be a generator that queries the thread."""
    from agents.local.language import conversation_language
    from agents.local.reply_texts import EN, TEXT, text

    if code not in TEXT[EN]:
        return None
    return text(conversation_language(said), code)
