"""Everything the local agent says to people, in English, Turkish and Russian.

Place names stay as the catalog writes them ("Girne", "Lapta, Girne") and are never declined:
Turkish and Russian sentences put them where no case ending is needed ("Girne bölgesinde",
"в районе Girne").
"""

from __future__ import annotations

from decimal import Decimal

from agents.base import LANGUAGES

EN, TR, RU = LANGUAGES

# Sentences, by key; `{name}` fields are filled by agents.local.slots_to_reply.
TEXT: dict[str, dict[str, str]] = {
    EN: {
        "ask_term": (
            "Happy to help you find a place{place}. Are you after a long-term rental (paid "
            "monthly) or a holiday let (paid per night)?"
        ),
        "ask_place_budget": (
            "Let's find you {what}. Which area do you have in mind — {districts} — and what is "
            "your budget?"
        ),
        "none_found": (
            "I couldn't find any {looking_for} right now. Would you like to raise the budget or "
            "look in a nearby area?"
        ),
        "found": "I found {count} {matches}: {looking_for}.",
        "match_one": "match",
        "match_many": "matches",
        "top": "The top match is {title} at {price}.",
        "follow_dates": (
            "Tell me your dates and how many of you are coming, and I'll narrow it down."
        ),
        "follow_days": "How many days do you need the car for?",
        "follow_bedrooms": "How many bedrooms do you need?",
        "follow_party": "How many of you will be dining?",
        "follow_refine": "Want me to refine these by area, price or anything else?",
        "assumed_property_rent_long": (
            "I took {budget} as a monthly rent, so these are long-term rentals; say if you "
            "meant a holiday let."
        ),
        "assumed_property_rent_short": (
            "I took {budget} as a nightly price, so these are holiday rentals; say if you "
            "meant a long-term rental."
        ),
        "assumed_property_sale": (
            "I took {budget} as a purchase price, so these are homes for sale; say if you "
            "meant to rent."
        ),
        "assumed_family": "Family-friendly ones come first, since children are coming.",
        "welcome": "You're welcome! Anything else I can find for you?",
        "goodbye": "Goodbye, and enjoy the island!",
        "how_are_you": "I'm very well, thank you! What can I help you find today?",
        "who": "I'm the Easy Islanders assistant. {help}",
        "hello": "Hello! {help}",
        "help": (
            "I can find long-term and holiday rentals, homes for sale, hire cars, local "
            "services, activities and restaurants anywhere in North Cyprus. Tell me what you "
            "need, where, and your budget."
        ),
        "districts": (
            "Girne (Kyrenia), Lefkoşa (Nicosia), Gazimağusa (Famagusta), İskele or Güzelyurt "
            "(Morphou)"
        ),
        "in_area": " in {area}, {district}",
        "in_district": " in {district}",
        "up_to": " up to {price}",
        "studio": "studio",
        "bedrooms": "{count}-bedroom",
        "degraded": "(Our main assistant is unavailable right now, so here is a quick answer.) ",
        "agent_error": "Sorry, I could not answer that just now. Please try again.",
        "deadline_exceeded": "Sorry, that took too long to answer. Please try again.",
    },
    TR: {
        "ask_term": (
            "Size{place} bir yer bulmaktan memnuniyet duyarım. Uzun dönem kiralık mı (aylık "
            "ödemeli), yoksa tatil için günlük kiralık mı (gecelik ödemeli) arıyorsunuz?"
        ),
        "ask_place_budget": (
            "Hemen {what} arayalım. Hangi bölgeyi düşünüyorsunuz — {districts} — ve bütçeniz "
            "ne kadar?"
        ),
        "none_found": (
            "Şu anda {looking_for} bulamadım. Bütçeyi biraz artırmak ya da yakındaki bir "
            "bölgeye bakmak ister misiniz?"
        ),
        "found": "{count} {matches} buldum: {looking_for}.",
        "match_one": "sonuç",
        "match_many": "sonuç",
        "top": "En uygun seçenek: {title}, {price}.",
        "follow_dates": (
            "Tarihlerinizi ve kaç kişi geleceğinizi yazarsanız seçenekleri daraltabilirim."
        ),
        "follow_days": "Arabaya kaç gün ihtiyacınız var?",
        "follow_bedrooms": "Kaç yatak odası istiyorsunuz?",
        "follow_party": "Kaç kişi yemek yiyeceksiniz?",
        "follow_refine": "Bölgeye, fiyata ya da başka bir şeye göre daraltmamı ister misiniz?",
        "assumed_property_rent_long": (
            "{budget} tutarını aylık kira olarak aldım, bu yüzden uzun dönem kiralıklara "
            "baktım; günlük kiralık demek istediyseniz yazmanız yeterli."
        ),
        "assumed_property_rent_short": (
            "{budget} tutarını gecelik fiyat olarak aldım, bu yüzden günlük kiralıklara "
            "baktım; uzun dönem demek istediyseniz yazmanız yeterli."
        ),
        "assumed_property_sale": (
            "{budget} tutarını satın alma fiyatı olarak aldım, bu yüzden satılıklara baktım; "
            "kiralık demek istediyseniz yazmanız yeterli."
        ),
        "assumed_family": "Çocuklar da geleceği için aileye uygun olanları öne aldım.",
        "welcome": "Rica ederim! Sizin için başka bir şey bulabilir miyim?",
        "goodbye": "Hoşça kalın, adanın tadını çıkarın!",
        "how_are_you": "Çok iyiyim, teşekkür ederim! Bugün size ne bulayım?",
        "who": "Ben Easy Islanders asistanıyım. {help}",
        "hello": "Merhaba! {help}",
        "help": (
            "Kuzey Kıbrıs'ın her yerinde uzun dönem ve günlük kiralık evler, satılık evler, "
            "kiralık arabalar, yerel hizmetler, aktiviteler ve restoranlar bulabilirim. Ne "
            "aradığınızı, nerede ve bütçenizi yazın."
        ),
        "districts": "Girne, Lefkoşa, Gazimağusa, İskele veya Güzelyurt",
        "in_area": " {area} ({district}) bölgesinde",
        "in_district": " {district} bölgesinde",
        "up_to": ", en fazla {price}",
        "studio": "stüdyo",
        "bedrooms": "{count} yatak odalı",
        "degraded": (
            "(Ana asistanımız şu anda kullanılamıyor, bu yüzden kısa bir yanıt veriyorum.) "
        ),
        "agent_error": "Üzgünüm, şu anda yanıt veremedim. Lütfen tekrar deneyin.",
        "deadline_exceeded": "Üzgünüm, yanıt çok uzun sürdü. Lütfen tekrar deneyin.",
    },
    RU: {
        "ask_term": (
            "С радостью помогу найти жильё{place}. Вам нужна долгосрочная аренда (оплата "
            "помесячно) или жильё на отдых (оплата посуточно)?"
        ),
        "ask_place_budget": (
            "Давайте подберём {what}. Какой район вам интересен — {districts} — и какой у вас "
            "бюджет?"
        ),
        "none_found": (
            "Сейчас не нашёл: {looking_for}. Может, увеличим бюджет или посмотрим соседний район?"
        ),
        "found": "Нашёл {count} {matches}: {looking_for}.",
        "match_one": "вариант",
        "match_few": "варианта",
        "match_many": "вариантов",
        "top": "Лучший вариант — {title}, {price}.",
        "follow_dates": "Напишите даты и сколько вас будет, и я сужу поиск.",
        "follow_days": "На сколько дней вам нужна машина?",
        "follow_bedrooms": "Сколько спален вам нужно?",
        "follow_party": "Сколько человек будет за столом?",
        "follow_refine": "Уточнить по району, цене или чему-то ещё?",
        "assumed_property_rent_long": (
            "Я понял {budget} как плату за месяц, поэтому показываю долгосрочную аренду; "
            "если вы имели в виду посуточно, напишите."
        ),
        "assumed_property_rent_short": (
            "Я понял {budget} как цену за ночь, поэтому показываю жильё посуточно; если вы "
            "имели в виду долгосрочную аренду, напишите."
        ),
        "assumed_property_sale": (
            "Я понял {budget} как цену покупки, поэтому показываю жильё на продажу; если вы "
            "хотели арендовать, напишите."
        ),
        "assumed_family": "Раз с вами дети, сначала показываю варианты для семей.",
        "welcome": "Пожалуйста! Что ещё для вас найти?",
        "goodbye": "До свидания, хорошего отдыха на острове!",
        "how_are_you": "Всё отлично, спасибо! Что для вас найти сегодня?",
        "who": "Я ассистент Easy Islanders. {help}",
        "hello": "Здравствуйте! {help}",
        "help": (
            "Я могу найти долгосрочную аренду и жильё посуточно, дома на продажу, машины "
            "напрокат, местных мастеров, развлечения и рестораны по всему Северному Кипру. "
            "Напишите, что нужно, где и какой бюджет."
        ),
        "districts": (
            "Girne (Кирения), Lefkoşa (Никосия), Gazimağusa (Фамагуста), İskele (Искеле) "
            "или Güzelyurt (Морфу)"
        ),
        "in_area": " в районе {area}, {district}",
        "in_district": " в районе {district}",
        "up_to": ", до {price}",
        "studio": "студия",
        "bedrooms": "спален: {count}",
        "degraded": "(Основной ассистент сейчас недоступен, поэтому отвечаю коротко.) ",
        "agent_error": "Извините, сейчас не получилось ответить. Попробуйте ещё раз.",
        "deadline_exceeded": "Извините, ответ занял слишком много времени. Попробуйте ещё раз.",
    },
}

# What is searched for, by intent (as the object of "find you …" / "bulamadım" / "подберём").
WHAT: dict[str, dict[str, str]] = {
    EN: {
        "property_rent_long": "long-term rentals",
        "property_rent_short": "holiday rentals",
        "property_sale": "homes for sale",
        "car_rental": "hire cars",
        "service": "local pros",
        "activity": "activities",
        "restaurant": "restaurants",
    },
    TR: {
        "property_rent_long": "uzun dönem kiralık ev",
        "property_rent_short": "günlük kiralık ev",
        "property_sale": "satılık ev",
        "car_rental": "kiralık araba",
        "service": "usta ve hizmet",
        "activity": "aktivite",
        "restaurant": "restoran",
    },
    RU: {
        "property_rent_long": "долгосрочная аренда",
        "property_rent_short": "жильё посуточно",
        "property_sale": "недвижимость на продажу",
        "car_rental": "машины напрокат",
        "service": "местные мастера",
        "activity": "развлечения",
        "restaurant": "рестораны",
    },
}

# The catalog's kinds, as people call them (plural where the language would say so).
KIND: dict[str, dict[str, str]] = {
    EN: {
        "ac_repair": "air-conditioning engineers",
        "boat_trip": "boat trips",
        "jeep_safari": "jeep safaris",
        "horse_riding": "horse riding",
        "wine_tasting": "wine tastings",
        "pool_maintenance": "pool services",
        "suv": "SUVs",
        "fish": "fish restaurants",
        "meze": "meze restaurants",
    },
    TR: {
        "apartment": "daire",
        "villa": "villa",
        "bungalow": "bungalov",
        "penthouse": "çatı katı daire",
        "studio": "stüdyo daire",
        "economy": "ekonomik araba",
        "compact": "kompakt araba",
        "suv": "SUV",
        "convertible": "üstü açık araba",
        "minivan": "minivan",
        "luxury": "lüks araba",
        "plumber": "tesisatçı",
        "electrician": "elektrikçi",
        "cleaner": "temizlikçi",
        "handyman": "tamirci",
        "ac_repair": "klima servisi",
        "gardener": "bahçıvan",
        "pool_maintenance": "havuz bakımı",
        "movers": "nakliyeci",
        "lawyer": "avukat",
        "accountant": "muhasebeci",
        "translator": "tercüman",
        "diving": "dalış",
        "snorkeling": "şnorkel turu",
        "boat_trip": "tekne turu",
        "jeep_safari": "jeep safari",
        "paragliding": "yamaç paraşütü",
        "horse_riding": "at binme",
        "hiking": "doğa yürüyüşü",
        "kayaking": "deniz kanosu",
        "wine_tasting": "şarap tadımı",
        "yoga": "yoga dersi",
        "meze": "meze restoranı",
        "fish": "balık restoranı",
        "kebab": "kebapçı",
        "italian": "İtalyan restoranı",
        "cafe": "kafe",
        "steakhouse": "et restoranı",
        "sushi": "suşi restoranı",
        "vegetarian": "vejetaryen restoran",
    },
    RU: {
        "apartment": "квартиры",
        "villa": "виллы",
        "bungalow": "бунгало",
        "penthouse": "пентхаусы",
        "studio": "студии",
        "economy": "машины эконом-класса",
        "compact": "компактные машины",
        "suv": "внедорожники",
        "convertible": "кабриолеты",
        "minivan": "минивэны",
        "luxury": "машины люкс-класса",
        "plumber": "сантехники",
        "electrician": "электрики",
        "cleaner": "уборка",
        "handyman": "мастера на час",
        "ac_repair": "ремонт кондиционеров",
        "gardener": "садовники",
        "pool_maintenance": "обслуживание бассейнов",
        "movers": "грузчики и переезд",
        "lawyer": "юристы",
        "accountant": "бухгалтеры",
        "translator": "переводчики",
        "diving": "дайвинг",
        "snorkeling": "снорклинг",
        "boat_trip": "морские прогулки",
        "jeep_safari": "джип-сафари",
        "paragliding": "полёты на параплане",
        "horse_riding": "конные прогулки",
        "hiking": "пешие походы",
        "kayaking": "прогулки на каяках",
        "wine_tasting": "дегустации вин",
        "yoga": "йога",
        "meze": "рестораны мезе",
        "fish": "рыбные рестораны",
        "kebab": "кебабные",
        "italian": "итальянские рестораны",
        "cafe": "кафе",
        "steakhouse": "стейк-хаусы",
        "sushi": "суши-бары",
        "vegetarian": "вегетарианские рестораны",
    },
}

_SYMBOLS = {"GBP": "£", "EUR": "€", "TRY": "₺"}
_PERIOD: dict[str, dict[str, str]] = {
    EN: {"month": "/month", "night": "/night", "day": "/day", "hour": "/hour"},
    TR: {"month": "/ay", "night": "/gece", "day": "/gün", "hour": "/saat"},
    RU: {"month": "/мес", "night": "/ночь", "day": "/день", "hour": "/час"},
}
_PER_PERSON = {EN: " per person", TR: " kişi başı", RU: " с человека"}
_THOUSANDS = {EN: ",", TR: ".", RU: " "}
_DECIMAL = {EN: ".", TR: ",", RU: ","}


def text(language: str, key: str, **fields: object) -> str:
    """A sentence in the language (English when the language or the key is unknown)."""
    sentence = TEXT.get(language, TEXT[EN]).get(key) or TEXT[EN][key]
    return sentence.format(**fields)


def what(language: str, intent: str) -> str:
    return WHAT.get(language, WHAT[EN]).get(intent, WHAT[EN].get(intent, intent))


def kind_name(language: str, kind: str, intent: str) -> str:
    """The kind in the language; English forms the plural from the catalog's word."""
    if language in (TR, RU):
        return KIND[language].get(kind, kind.replace("_", " "))
    noun = KIND[EN].get(kind)
    if noun is None:
        noun = kind.replace("_", " ") + ("s" if intent != "activity" else "")
    return noun


def price_text(
    amount: Decimal, currency: str, period: str | None, per_person: bool, language: str
) -> str:
    """A price as the reply writes it: "£1,200/month", "£1.200/ay", "£1 200/мес"."""
    language = language if language in LANGUAGES else EN
    whole = amount == amount.to_integral()
    number = f"{amount:,.0f}" if whole else f"{amount:,.2f}"
    number = number.replace(",", "\0").replace(".", _DECIMAL[language])
    number = number.replace("\0", _THOUSANDS[language])
    shown = f"{_SYMBOLS.get(currency, currency + ' ')}{number}"
    if period:
        return shown + _PERIOD[language][period]
    return shown + (_PER_PERSON[language] if per_person else "")


def plural_key(language: str, count: int) -> str:
    """Which form of "match" a count takes: Russian has three (1 / 2–4 / 5+)."""
    if language == RU:
        if count % 10 == 1 and count % 100 != 11:
            return "match_one"
        if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
            return "match_few"
        return "match_many"
    return "match_one" if count == 1 else "match_many"
