"""Which agent answers turns in this process: the local agent, or an LLM with it as fallback."""

from __future__ import annotations

from functools import cache

import openai
from django.conf import settings

from agents.base import Agent
from agents.providers.instant import InstantAgent
from agents.providers.local import LocalAgent
from agents.providers.openai_compatible import OpenAICompatibleAgent
from agents.resilience import RetryPolicy, WithFallback


@cache
def supervisor_agent() -> Agent:
    if settings.CHAT_AGENT == "instant":
        return InstantAgent()
    local = LocalAgent()
    if settings.CHAT_AGENT == "local" or not settings.LLM_BASE_URL:
        return local
    client = openai.OpenAI(
        base_url=settings.LLM_BASE_URL,
        # Local OpenAI-compatible servers often need no key, but the SDK insists on one.
        api_key=settings.LLM_API_KEY or "unused",
        timeout=settings.LLM_TIMEOUT_SECS,
        max_retries=0,  # our RetryPolicy retries, within the turn's deadline
    )
    llm = OpenAICompatibleAgent(client, settings.LLM_MODEL, settings.LLM_TIMEOUT_SECS)
    return WithFallback(llm, local, RetryPolicy(attempts=settings.LLM_MAX_ATTEMPTS))
