"""agents/ as the rest of the project sees it: agents.base and agents.registry, light to import,
and the failure messages in the person's language."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agents.base import LANGUAGES
from agents.registry import failure_text, supervisor_agent

ROOT = Path(__file__).resolve().parents[2]
TURKISH = "Girne'de kiralık daire arıyorum"
RUSSIAN = "Ищу квартиру в Кирении на долгий срок"
ENGLISH = "I'm looking for a flat in Kyrenia"
UNTOLD = "2+1 lapta 500"  # numbers and a place name: no language of its own
FAILURES = {
    ("agent_error", "en"): "Sorry, I could not answer that just now. Please try again.",
    ("agent_error", "tr"): "Üzgünüm, şu anda yanıt veremedim. Lütfen tekrar deneyin.",
    ("agent_error", "ru"): "Извините, сейчас не получилось ответить. Попробуйте ещё раз.",
    ("deadline_exceeded", "en"): "Sorry, that took too long to answer. Please try again.",
    ("deadline_exceeded", "tr"): "Üzgünüm, yanıt çok uzun sürdü. Lütfen tekrar deneyin.",
    ("deadline_exceeded", "ru"): (
        "Извините, ответ занял слишком много времени. Попробуйте ещё раз."
    ),
}
SAID_IN = {"en": ENGLISH, "tr": TURKISH, "ru": RUSSIAN}


def modules_after(statement: str) -> set[str]:
    """The modules loaded in a fresh interpreter after running `statement`."""
    probe = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout))


def test_the_interface_loads_no_agent_and_no_language_tools() -> None:
    loaded = modules_after("import agents.base, agents.registry")
    assert {m for m in loaded if m.startswith("agents")} == {
        "agents",
        "agents.base",
        "agents.registry",
    }
    assert "openai" not in loaded and "catalog.places" not in loaded


def test_the_probe_sees_what_the_agents_load() -> None:
    # The check above could pass by looking in the wrong place; this one shows it does not.
    loaded = modules_after("from agents.registry import failure_text; failure_text('x', [])")
    assert {"agents.local.language", "agents.local.reply_texts"} <= loaded
    assert "agents.local.tr_ru_to_en_lexicon" in loaded


def test_the_languages_are_english_turkish_and_russian() -> None:
    assert LANGUAGES == ("en", "tr", "ru")


@pytest.mark.parametrize(("code", "language"), sorted(FAILURES))
def test_a_failure_is_worded_in_the_language_the_person_writes_in(code: str, language: str) -> None:
    assert failure_text(code, [(SAID_IN[language], None)]) == FAILURES[code, language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_that_does_not_tell_keeps_the_threads_language(language: str) -> None:
    said = [(SAID_IN[language], None), (UNTOLD, None)]
    assert failure_text("agent_error", said) == FAILURES["agent_error", language]


def test_the_clients_hint_wins_for_its_message_and_the_latest_message_decides() -> None:
    assert failure_text("agent_error", [(ENGLISH, "ru")]) == FAILURES["agent_error", "ru"]
    said: list[tuple[str, str | None]] = [(RUSSIAN, None), (TURKISH, None)]
    assert failure_text("deadline_exceeded", said) == FAILURES["deadline_exceeded", "tr"]
    said = [(TURKISH, "tr"), (ENGLISH, None)]
    assert failure_text("deadline_exceeded", said) == FAILURES["deadline_exceeded", "en"]


def test_a_thread_with_nothing_said_is_answered_in_english() -> None:
    assert failure_text("agent_error", []) == FAILURES["agent_error", "en"]
    messages: Iterator[tuple[str, str | None]] = iter([(UNTOLD, None)])  # any iterable
    assert failure_text("agent_error", messages) == FAILURES["agent_error", "en"]


def test_a_code_with_no_worded_message_has_none() -> None:
    assert failure_text("no_such_failure", [(TURKISH, None)]) is None
    assert failure_text("", [(RUSSIAN, "ru")]) is None


def test_what_was_said_is_read_only_for_a_code_with_a_message() -> None:
    read: list[str] = []

    def said() -> Iterator[tuple[str, str | None]]:
        read.append("read")
        yield RUSSIAN, None

    assert failure_text("no_such_failure", said()) is None
    assert read == []
    assert failure_text("agent_error", said()) == FAILURES["agent_error", "ru"]
    assert read == ["read"]


@pytest.fixture
def fresh_supervisor() -> Iterator[None]:
    supervisor_agent.cache_clear()
    yield
    supervisor_agent.cache_clear()


@pytest.mark.usefixtures("fresh_supervisor")
@pytest.mark.parametrize(
    ("chat_agent", "llm_base_url", "name"),
    [
        ("auto", "", "local"),
        ("local", "http://llm.invalid/v1", "local"),
        ("instant", "", "instant"),
        ("auto", "http://llm.invalid/v1", "openai"),
    ],
)
def test_the_supervisor_agent_follows_the_settings(
    settings: Any, chat_agent: str, llm_base_url: str, name: str
) -> None:
    settings.CHAT_AGENT, settings.LLM_BASE_URL = chat_agent, llm_base_url
    assert supervisor_agent().name == name
