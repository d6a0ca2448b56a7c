"""The web chat in Turkish and Russian: the picker switches the interface, the choice is
remembered, messages go out with the language, and the local agent answers in it with cards.

The scripted LLM refuses the turn (a 400 is not retried), so the reply is the local agent's
own, in the person's language, marked as answered offline."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import is_phone, screenshot
from tests.e2e.helpers import open_conversations
from tests.fake_llm import Behaviour, FakeLLM


def switch_to(page: Page, language: str, new_conversation: str) -> None:
    """The picker is in the conversation list (a drawer on a phone)."""
    open_conversations(page)
    page.get_by_test_id("language-picker").select_option(language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_test_id("new-thread")).to_have_text(new_conversation)
    if is_phone(page):
        page.keyboard.press("Escape")


def send_and_capture_language(page: Page, text: str) -> str:
    with page.expect_request(re.compile(r"/api/chat/$")) as sent:
        page.get_by_test_id("composer-input").fill(text)
        page.get_by_test_id("composer-send").click()
    body = sent.value.post_data_json
    assert isinstance(body, dict) and body["message"] == text
    return str(body["language"])


def test_turkish_interface_message_and_reply(page: Page, e2e_llm: FakeLLM) -> None:
    switch_to(page, "tr", "Yeni sohbet")
    expect(page.get_by_test_id("composer-send")).to_have_text("Gönder")
    expect(page.get_by_test_id("connection-status")).to_have_text("Bağlandı")
    e2e_llm.then(Behaviour(status=400))
    sent = send_and_capture_language(page, "girnede kiralik 2+1 daire ayda 800 sterline kadar")
    assert sent == "tr"
    reply = page.locator('[data-testid="message-assistant"][data-seq]').last
    expect(reply).to_contain_text("buldum")
    expect(reply).to_contain_text("Çevrimdışı asistan yanıtladı.")
    cards = reply.get_by_test_id("rec-card")
    expect(cards.first).to_be_visible()
    expect(cards.first.locator(".price")).to_contain_text("aylık")
    expect(cards.first).to_contain_text("Girne")
    system = e2e_llm.requests[-1].body["messages"][0]["content"]
    assert "reply in Turkish" in system
    screenshot(page, "turkish")

    page.reload()  # the choice is remembered
    expect(page.get_by_test_id("connection-status")).to_have_attribute("data-state", "connected")
    expect(page.locator("html")).to_have_attribute("lang", "tr")
    expect(page.get_by_test_id("composer-send")).to_have_text("Gönder")
    expect(page.get_by_test_id("language-picker")).to_have_value("tr")


def test_russian_interface_message_and_reply(page: Page, e2e_llm: FakeLLM) -> None:
    switch_to(page, "ru", "Новый разговор")
    expect(page.get_by_test_id("composer-send")).to_have_text("Отправить")
    expect(page.get_by_test_id("connection-status")).to_have_text("Подключено")
    expect(page.get_by_test_id("composer-input")).to_have_attribute(
        "placeholder", re.compile("квартиру")
    )
    e2e_llm.then(Behaviour(status=400))
    sent = send_and_capture_language(
        page, "снять квартиру в кирении на долгий срок, 2 спальни, до 800 фунтов"
    )
    assert sent == "ru"
    reply = page.locator('[data-testid="message-assistant"][data-seq]').last
    expect(reply).to_contain_text("Нашёл")
    expect(reply).to_contain_text("Ответил офлайн-ассистент.")
    cards = reply.get_by_test_id("rec-card")
    expect(cards.first).to_be_visible()
    expect(cards.first.locator(".price")).to_contain_text("в месяц")
    system = e2e_llm.requests[-1].body["messages"][0]["content"]
    assert "reply in Russian" in system
    screenshot(page, "russian")
