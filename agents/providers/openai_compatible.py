"""Any OpenAI-compatible chat-completions endpoint, streaming, with catalog search as a tool.

The LLM writes the words; the cards come only from our catalog, through `search_listings`,
and every constraint the person stated (read by the same understanding as the local agent)
is forced onto each search, so an LLM cannot recommend what the person ruled out.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import openai

from agents.base import AgentChunk, AgentRequest, FinalAnswer, TextPiece
from agents.local.conversation import DEFAULT_PERIOD, Conversation, conversation_after
from agents.local.en_to_slots import Budget
from agents.local.language import reply_language
from agents.local.slots_to_reply import CARD_LIMIT, listing_query
from agents.providers.event_stream import completion_deltas
from agents.resilience import LLMError, TransientLLMError
from catalog.cards import rec_item
from catalog.models import Category, District
from catalog.places import AREAS
from catalog.search import listings_search
from easy_islanders.blocking import in_thread
from observability.metrics import LLM_LATENCY, LLM_REQUESTS

MAX_TOOL_ROUNDS = 2
SYSTEM_PROMPT = """You are the Easy Islanders assistant for North Cyprus: long-term and holiday \
rentals, homes for sale, car hire, local services, activities and restaurants. Districts: \
Girne (Kyrenia), Lefkoşa (Nicosia), Gazimağusa (Famagusta), İskele (Trikomo), Güzelyurt \
(Morphou). For anything the person wants to find, call search_listings and describe only the \
listings it returns; never invent listings or prices. Ask one short question when something \
that matters (where, budget, long or short stay) is missing. Answer briefly and warmly, in the \
person's language."""
# The language of the thread, named for the model (the local agent answers in the same one).
LANGUAGE_NAMES = {"en": "English", "tr": "Turkish", "ru": "Russian"}
LANGUAGE_RULE = "Write your whole reply in {name}, whatever language the listings are written in."
SEARCH_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "search_listings",
        "description": "Search the Easy Islanders catalog. Returns matching listings.",
        "parameters": {
            "type": "object",
            "properties": {
                "category": {"type": "string", "enum": [c.value for c in Category]},
                "district": {"type": "string", "description": "Local district name"},
                "area": {"type": "string"},
                "kind": {
                    "type": "string",
                    "description": "e.g. apartment, villa, suv, plumber, diving, fish",
                },
                "bedrooms": {"type": "integer"},
                "max_price": {"type": "number"},
                "currency": {"type": "string", "enum": ["GBP", "EUR", "TRY"]},
                "period": {"type": "string", "enum": ["month", "night", "day", "hour"]},
                "text": {"type": "string", "description": "Wishes to rank by: sea view, pool"},
            },
            "required": ["category"],
        },
    },
}
_OUTCOMES = {
    openai.APITimeoutError: "timeout",
    openai.APIConnectionError: "connection_error",
    openai.RateLimitError: "rate_limited",
}
_TRANSIENT = (
    openai.APITimeoutError,
    openai.APIConnectionError,
    openai.RateLimitError,
    openai.InternalServerError,
)


class OpenAICompatibleAgent:
    name = "openai"

    def __init__(
        self,
        client: openai.AsyncOpenAI,
        model: str,
        timeout_secs: float,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._client, self._model, self._timeout = client, model, timeout_secs
        self._today = today

    async def stream(self, request: AgentRequest) -> AsyncGenerator[AgentChunk, None]:
        said = [m.text for m in request.history if m.role == "user"] + [request.message]
        stated, intent = conversation_after(said, self._today())
        language = LANGUAGE_NAMES[reply_language(request)]
        system = f"{SYSTEM_PROMPT}\n{LANGUAGE_RULE.format(name=language)}"
        messages: list[dict[str, Any]] = [{"role": "system", "content": system}]
        messages += [{"role": m.role, "content": m.text} for m in request.history]
        messages.append({"role": "user", "content": request.message})
        cards: dict[str, dict[str, Any]] = {}
        for round_ in range(MAX_TOOL_ROUNDS + 1):
            asked: dict[int, dict[str, str]] = {}
            tools = round_ < MAX_TOOL_ROUNDS
            async with aclosing(self._complete(messages, request, tools, asked)) as pieces:
                async for piece in pieces:
                    yield piece
            calls = [c for c in asked.values() if c["name"] == "search_listings"]
            if not calls:
                break
            messages.append(
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": c["id"],
                            "type": "function",
                            "function": {"name": c["name"], "arguments": c["arguments"]},
                        }
                        for c in calls
                    ],
                }
            )
            for call in calls:
                found = await in_thread(self._search, call, stated, intent)
                cards.update({card["id"]: card for card in found})
                summary = [
                    {
                        "id": c["id"],
                        "title": c["title"],
                        "place": c["subtitle"],
                        "price": c["price_display"],
                        "badges": c["badges"],
                    }
                    for c in found
                ]
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": call["id"],
                        "content": json.dumps({"listings": summary}),
                    }
                )
        yield FinalAnswer(recommendations=list(cards.values())[:CARD_LIMIT])

    async def _complete(
        self,
        messages: list[dict[str, Any]],
        request: AgentRequest,
        tools: bool,
        calls: dict[int, dict[str, str]],
    ) -> AsyncGenerator[TextPiece, None]:
        """Stream one completion's text; the tool calls it asks for are put in `calls`."""
        remaining = request.deadline_at - time.time()
        if remaining <= 1:
            raise TransientLLMError("no time left before the turn's deadline")
        started, outcome, first_piece = time.perf_counter(), "ok", True
        try:
            # The SDK makes the request (auth, base URL, timeout, its error types); the events
            # are read by agents/providers/event_stream.py, at a quarter of the SDK's CPU.
            async with self._client.chat.completions.with_streaming_response.create(
                model=self._model,
                messages=messages,  # type: ignore[arg-type]
                stream=True,
                tools=[SEARCH_TOOL] if tools else openai.omit,  # type: ignore[list-item]
                timeout=min(self._timeout, remaining),
                extra_headers={"X-Correlation-ID": request.correlation_id},
            ) as response:
                async for delta in completion_deltas(response.iter_lines()):
                    if first_piece:
                        first_piece = False
                        LLM_LATENCY.labels(self.name, "first_piece").observe(
                            time.perf_counter() - started
                        )
                    if delta.get("content"):
                        yield TextPiece(delta["content"])
                    for call in delta.get("tool_calls") or []:
                        _add_tool_call(calls, call)
        except _TRANSIENT as exc:
            outcome = _OUTCOMES.get(type(exc), "server_error")
            raise TransientLLMError(f"{type(exc).__name__}") from exc
        except openai.APIStatusError as exc:
            outcome = "server_error" if exc.status_code >= 500 else "client_error"
            error = TransientLLMError if exc.status_code >= 500 else LLMError
            raise error(f"HTTP {exc.status_code}") from exc
        except (openai.APIError, ValueError) as exc:  # a stream that is not valid SSE/JSON
            outcome = "malformed"
            raise TransientLLMError(f"malformed stream ({type(exc).__name__})") from exc
        except Exception as exc:
            # The SDK wraps its HTTP client's errors while it makes the request, not while the
            # body is read: a stream that stalls past the timeout or is cut arrives as the
            # client's own ReadTimeout or ReadError.
            outcome = "broken_stream"
            raise TransientLLMError(f"stream broke ({type(exc).__name__})") from exc
        except (GeneratorExit, asyncio.CancelledError):
            outcome = "abandoned"  # the turn stopped (cancelled) while streaming
            raise
        finally:
            LLM_REQUESTS.labels(self.name, outcome).inc()
            LLM_LATENCY.labels(self.name, "total").observe(time.perf_counter() - started)

    def _search(
        self, call: dict[str, str], stated: Conversation, intent: str
    ) -> list[dict[str, Any]]:
        try:
            args = json.loads(call["arguments"] or "{}")
        except ValueError:
            args = {}
        if not isinstance(args, dict):
            args = {}
        # The person's own words decide the kind of listing when they said it.
        category = intent if intent in Category.values else args.get("category")
        if category not in Category.values:
            return []
        slots = _consistent({**_slots_from_args(args), **stated.resolved_slots()}, category)
        features = str(args.get("text") or "").split() + stated.features
        listings = listings_search(listing_query(category, slots, features))
        return [rec_item(listing) for listing in listings]


def _add_tool_call(calls: dict[int, dict[str, str]], call: dict[str, Any]) -> None:
    """A tool call arrives in pieces, by index: its id and name once, its arguments in parts."""
    entry = calls.setdefault(call.get("index", 0), {"id": "", "name": "", "arguments": ""})
    function = call.get("function") or {}
    if call.get("id"):
        entry["id"] = call["id"]
    if function.get("name"):
        entry["name"] = function["name"]
    if function.get("arguments"):
        entry["arguments"] += function["arguments"]


def _consistent(slots: dict[str, Any], category: str) -> dict[str, Any]:
    """Drop what the LLM added that cannot hold with the rest (or does not exist)."""
    if slots.get("district") not in District.values:
        slots.pop("district", None)
    area = slots.get("area")
    if area not in AREAS or (slots.get("district") and AREAS[area] != slots["district"]):
        slots.pop("area", None)
    budget = slots.get("budget")
    if isinstance(budget, Budget) and budget.period is None:
        slots["budget"] = Budget(budget.amount, budget.currency, DEFAULT_PERIOD.get(category))
    return slots


def _slots_from_args(args: dict[str, Any]) -> dict[str, Any]:
    """The LLM's search arguments as slots (used only where the person stated nothing)."""
    slots: dict[str, Any] = {k: args[k] for k in ("district", "area", "kind") if args.get(k)}
    if isinstance(args.get("bedrooms"), int):
        slots["bedrooms"] = args["bedrooms"]
    try:
        if args.get("max_price") is not None:
            slots["budget"] = Budget(
                Decimal(str(args["max_price"])),
                str(args.get("currency") or "GBP"),
                args.get("period"),
            )
    except InvalidOperation:
        pass
    return slots
