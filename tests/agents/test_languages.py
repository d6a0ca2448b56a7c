"""Turkish, Russian and mixed messages: read as general rules, answered in the person's
language, the language kept for the thread."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from agents.base import AgentRequest, HistoryMessage
from agents.evaluation.run import language_of
from agents.local.agent import LocalAgent
from agents.local.conversation import conversation_after
from agents.local.en_to_slots import Budget, read
from agents.local.language import conversation_language, detect_language
from agents.local.tr_ru_to_en import canonical

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "district", "area"),
    [
        ("Lapta'da", "Girne", "Lapta"),
        ("laptada", "Girne", "Lapta"),
        ("Gazimağusa'dan", "Gazimağusa", None),
        ("girnede", "Girne", None),
        ("girne'ye", "Girne", None),
        ("lefkosadan", "Lefkoşa", None),
        ("Mağusa'da", "Gazimağusa", None),
        ("alsancağa", "Girne", "Alsancak"),
        ("yeni erenköy'de", "İskele", "Yeni Erenköy"),
        ("в Фамагусте", "Gazimağusa", None),
        ("в Газимагусе", "Gazimağusa", None),
        ("из Кирении", "Girne", None),
        ("в Гирне", "Girne", None),
        ("в Никосии", "Lefkoşa", None),
        ("в Лефкоше", "Lefkoşa", None),
        ("в Искеле", "İskele", None),
        ("Гюзельюрт", "Güzelyurt", None),
        ("в Морфу", "Güzelyurt", None),
        ("в Лонг Бич", "İskele", "Long Beach"),
    ],
)
def test_places_are_read_under_turkish_suffixes_and_russian_endings(
    text: str, district: str, area: str | None
) -> None:
    slots = read(f"{text} villa", TODAY).slots
    assert (slots.get("district"), slots.get("area")) == (district, area)


@pytest.mark.parametrize(
    ("text", "budget"),
    [
        ("1000 sterlin", Budget(Decimal(1000), "GBP", None)),
        ("ayda 600 sterline kadar", Budget(Decimal(600), "GBP", "month")),
        ("gecelik 80 euro", Budget(Decimal(80), "EUR", "night")),
        ("100 bin sterlin altinda", Budget(Decimal(100_000), "GBP", None)),
        ("en fazla 15 bin tl", Budget(Decimal(15_000), "TRY", None)),
        ("5 milyon tl'ye kadar", Budget(Decimal(5_000_000), "TRY", None)),
        ("до 800 фунтов", Budget(Decimal(800), "GBP", None)),
        ("не дороже 100 тысяч евро", Budget(Decimal(100_000), "EUR", None)),
        ("50 лир в день", Budget(Decimal(50), "TRY", "day")),
        ("600 евро в месяц", Budget(Decimal(600), "EUR", "month")),
    ],
)
def test_budgets_in_turkish_and_russian(text: str, budget: Budget) -> None:
    assert read(f"araba {text}" if "лир" in text else text, TODAY).slots.get("budget") == budget


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ("3+1 villa", {"bedrooms": 3, "kind": "villa"}),
        ("1+0 daire", {"bedrooms": 0, "kind": "studio"}),
        ("3 günlük araba", {"duration": {"amount": 3, "unit": "day"}}),
        ("haftalık bungalov", {"duration": {"amount": 1, "unit": "week"}, "kind": "bungalow"}),
        ("6 kişiyiz villa", {"party_size": 6, "kind": "villa"}),
        ("12-19 aralık villa", {"dates": {"start": "2026-12-12", "end": "2026-12-19"}}),
        ("2 спальни квартира", {"bedrooms": 2, "kind": "apartment"}),
        ("вилла на неделю, нас 4", {"duration": {"amount": 1, "unit": "week"}, "party_size": 4}),
        ("вилла с 3 по 10 января", {"dates": {"start": "2027-01-03", "end": "2027-01-10"}}),
        # Russian counts the living room: 3 rooms are 2 bedrooms (Turkish 2+1), 1 a studio
        ("трехкомнатная квартира", {"bedrooms": 2, "kind": "apartment"}),
        ("квартира 3 комнаты", {"bedrooms": 2}),
        ("2-комнатная квартира", {"bedrooms": 1}),
        ("однокомнатная квартира", {"bedrooms": 0}),
        ("ucuz otel", {"kind": None}),
    ],
)
def test_sizes_dates_and_parties(text: str, slots: dict[str, object]) -> None:
    read_slots = read(text, TODAY).slots
    assert {k: read_slots.get(k) for k in slots} == slots


@pytest.mark.parametrize(
    ("says", "intent", "district"),
    [
        (["Lapta'da kiralık 3+1 villa 1000 sterlin"], "property_rent_long", "Girne"),
        (["Gazimağusa'dan ucuz araba"], "car_rental", "Gazimağusa"),
        (["Снять машину в Фамагусте на неделю"], "car_rental", "Gazimağusa"),
        (["2 bed apartment lefkosa 500"], "property_rent_long", "Lefkoşa"),
        (["studio iskele 70"], "property_rent_short", "İskele"),
        (["gırnede satılık vılla"], "property_sale", "Girne"),  # dotless i for i: a typo
        (["kyrenia'da kiralik daire, long term"], "property_rent_long", "Girne"),
    ],
)
def test_the_issues_messages_are_understood(says: list[str], intent: str, district: str) -> None:
    state, read_intent = conversation_after(says, TODAY)
    assert read_intent == intent and state.slots.get("district") == district


def test_a_price_that_fits_more_than_one_kind_of_let_is_still_asked_about() -> None:
    state, intent = conversation_after(["a house to rent in Girne for 300"], TODAY)
    assert intent == "property_rent"  # 300 in Girne: a dear night or a cheap month? ask
    assert state.assumed is None


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("Lapta'da kiralık 3+1 villa 1000 sterlin", "tr"),
        ("girnede kiralik daire ariyorum", "tr"),
        ("merhaba", "tr"),
        ("Снять машину в Фамагусте на неделю", "ru"),
        ("квартира в Girne, 2 спальни", "ru"),
        ("2 bed apartment lefkosa 500", "en"),
        ("a villa in Çatalköy with a pool", "en"),
        ("2+1 lapta 500", None),
        ("Girne", None),
    ],
)
def test_the_language_of_a_message(message: str, language: str | None) -> None:
    assert detect_language(message) == language


def test_the_language_is_kept_and_a_hint_wins() -> None:
    assert conversation_language([("merhaba", None), ("2+1 lapta 500", None)]) == "tr"
    assert conversation_language([("привет", None), ("hello", None)]) == "en"
    assert conversation_language([("2 bed flat", "ru")]) == "ru"
    assert conversation_language([("girnede daire", "en"), ("500", None)]) == "en"
    assert conversation_language([]) == "en"


def test_canonical_reading_leaves_english_alone() -> None:
    assert canonical("2 bed flat in Kyrenia under £800 a month") == (
        "2 bed flat in kyrenia under £800 a month"
    )
    assert canonical("we're 6, there's a pool, I'd like data") == (
        "we're 6, there's a pool, i'd like data"
    )


def ask(message: str, history: tuple[HistoryMessage, ...] = (), hint: str | None = None) -> str:
    request = AgentRequest(
        thread_id="t", message=message, history=history, correlation_id="c", language=hint
    )
    return LocalAgent(today=lambda: TODAY).answer(request).text


@pytest.mark.parametrize(
    ("message", "language"),
    [
        ("merhaba", "tr"),
        ("girnede kiralik daire", "tr"),  # the question: long-term or holiday?
        ("satılık daire", "tr"),  # where and what budget?
        ("girnede 5 yatak odali satilik penthouse 50 bin", "tr"),  # nothing found
        ("yabancılar kıbrısta ev alabilir mi?", "tr"),
        ("tesekkurler", "tr"),
        ("привет", "ru"),
        ("хочу снять квартиру в кирении", "ru"),
        ("купить дом", "ru"),
        ("какая погода в декабре?", "ru"),
        ("пентхаус на продажу в фамагусте до 10 тысяч фунтов", "ru"),
        ("спасибо", "ru"),
    ],
)
def test_every_kind_of_reply_is_in_the_persons_language(message: str, language: str) -> None:
    assert language_of(ask(message)) == language


def test_the_reply_says_what_was_assumed() -> None:
    text = ask("2 bed apartment lefkosa 500")
    assert "I took £500 as a monthly rent" in text
    assert "aylık kira olarak aldım" in ask("1+1 daire lefkosa 400")
    assert "плату за месяц" in ask("студия в искеле 300")


def test_the_thread_keeps_its_language_and_its_hint() -> None:
    earlier = (HistoryMessage("user", "girnede kiralik daire ariyorum"),)
    assert language_of(ask("2+1, 700", earlier)) == "tr"
    hinted = (HistoryMessage("user", "a flat in Girne", {"language": "ru"}),)
    assert language_of(ask("2 bedrooms, 700", hinted)) == "en"  # this message tells: English
    assert language_of(ask("700", hinted)) == "ru"  # this one does not: the hint before holds


@pytest.mark.parametrize(
    ("text", "dates", "duration"),
    [
        ("villa for the weekend", ("2026-11-27", "2026-11-29"), 2),
        ("villa tomorrow for 3 nights", ("2026-11-27", "2026-11-30"), 3),
        ("yarından itibaren 3 gece villa", ("2026-11-27", "2026-11-30"), 3),
        ("hafta sonu için daire", ("2026-11-27", "2026-11-29"), 2),
        ("cumartesi 2 gecelik daire", ("2026-11-28", "2026-11-30"), 2),
        ("квартира на выходные", ("2026-11-27", "2026-11-29"), 2),
        ("с субботы на 2 ночи вилла", ("2026-11-28", "2026-11-30"), 2),
    ],
)
def test_dates_said_relative_to_today(text: str, dates: tuple[str, str], duration: int) -> None:
    slots = read(text, TODAY).slots  # TODAY is a Thursday
    assert slots.get("dates") == {"start": dates[0], "end": dates[1]}
    assert slots.get("duration") == {"amount": duration, "unit": "night"}


def test_a_day_without_a_length_of_stay_is_no_dates() -> None:
    assert "dates" not in read("boat trip on saturday", TODAY).slots


def test_with_kids_puts_family_friendly_activities_first() -> None:
    text = ask("things to do with kids in Kyrenia")
    assert "Family-friendly ones come first" in text
    _, intent = conversation_after(["things to do with kids in Kyrenia"], TODAY)
    cards = (
        LocalAgent(today=lambda: TODAY)
        .answer(
            AgentRequest(
                thread_id="t",
                message="things to do with kids in Kyrenia",
                history=(),
                correlation_id="c",
            )
        )
        .cards
    )
    assert intent == "activity" and cards
    assert "Family friendly" in cards[0]["badges"]
    assert "aileye uygun" in ask("girnede cocuklarla yapilacak seyler")
    assert "для семей" in ask("чем заняться с детьми в кирении")
