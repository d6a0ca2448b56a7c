"""Reading one message, in English (or as agents.local.tr_ru_to_en reads it into English): what
it is about (the intent), and the facts it states (the slots)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from agents.local import en_to_slots_vocabulary as vocab
from agents.local.tokens import fold, fuzzy_find, number, words
from agents.local.tr_ru_to_en import canonical
from catalog.places import AREAS, area_names, district_names

# The listing families a message can be about; property splits further (rent/sale, term).
PROPERTY, CAR, SERVICE, ACTIVITY, RESTAURANT = (
    "property",
    "car_rental",
    "service",
    "activity",
    "restaurant",
)
SMALL_TALK, GENERAL_INFO = "small_talk", "general_info"

_CURRENCY_WORDS = {
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "quid": "GBP",
    "sterling": "GBP",
    "stg": "GBP",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "₺": "TRY",
    "try": "TRY",
    "tl": "TRY",
    "lira": "TRY",
    "liras": "TRY",
    "$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
}
_AMOUNT = r"(?P<num>\d{1,3}(?:[,.]\d{3})+|\d+(?:[.,]\d+)?)\s?(?P<k>k\b|m\b|million\b|mil\b)?"
_CURRENCY = r"£|€|₺|gbp|pounds?|quid|sterling|stg|euros?|eur|lira|liras|tl|try|usd|dollars?"
_CUR_AFTER = r"\s?(?P<cur>" + _CURRENCY + r")\b"
_BUDGET_PATTERNS = [
    re.compile(r"(?P<cur>[£€₺$])\s?" + _AMOUNT),
    re.compile(_AMOUNT + _CUR_AFTER),
    re.compile(
        r"(?:budget(?:\s(?:is|of))?|under|below|max(?:imum)?|up\sto|upto|less\sthan|"
        r"no\smore\sthan|not\smore\sthan|around|about|within|cheaper\sthan|at\smost)"
        r"\s(?:of\s|is\s|about\s|around\s)?" + _AMOUNT + r"(?!\s?(?:bed|br|night|day|week|"
        r"month|year|people|person|guest|adult|hour|min|km|m2|sqm|seat))"
    ),
]
_PERIODS = [
    (
        re.compile(r"^\s?(?:per|a|an|each|every|/|p/?)\s?(?:night|nt)\b|^\s?nightly\b|^\s?pn\b"),
        "night",
    ),
    (
        re.compile(
            r"^\s?(?:per|a|each|every|/|p/?)\s?(?:month|mo|mth)\b|^\s?monthly\b|^\s?pcm\b"
            r"|^\s?pm\b"
        ),
        "month",
    ),
    (re.compile(r"^\s?(?:per|a|each|every|/|p/?)\s?day\b|^\s?daily\b"), "day"),
    (re.compile(r"^\s?(?:per|an|a|each|every|/|p/?)\s?(?:hour|hr)\b|^\s?hourly\b"), "hour"),
]
_BEDROOMS = re.compile(
    r"\b(?P<n>\d+|one|two|three|four|five|six)\s?(?:-\s?)?(?:bed(?:room)?s?|br|bdr|bdrm|bhk|"
    r"bedroomed)\b|\b(?P<tr>\d)\s?\+\s?1\b"
)
_PARTY = [
    # "me and 2 mates": the speaker counts too
    re.compile(
        r"\b(?P<a>me)\sand\s(?P<b>\d+|one|two|three|four|five|six)\s(?:mates|friends|"
        r"others|colleagues)\b"
    ),
    re.compile(
        r"\b(?P<a>\d+|two|three|four|five|six|seven|eight|nine|ten)\s(?:adults?|grown"
        r"\s?ups)\s(?:(?:and|&|\+|with)\s)?(?P<b>\d+|one|two|three|four|five|six)\s(?:kids?|children"
        r"|child|teens?|babies|baby)\b"
    ),
    re.compile(
        r"\b(?:we\sare|we're|there\sare|party\sof|group\sof|family\sof|table\sfor|for)"
        r"\s(?P<a>\d+|two|three|four|five|six|seven|eight|nine|ten|twelve)"
        r"(?![,.]?\d)(?!\s?(?:bed|br|night|day|week|month|year|hour|k\b|pound|euro|lira|"
        r"gbp|eur|tl|£|€|-bed|\+))(?:\s(?:people|persons|person|guests|adults|of\sus|pax))?"
        r"\b"
    ),
    re.compile(
        r"\b(?P<a>\d+|two|three|four|five|six|seven|eight|nine|ten)\s?(?:people|persons|"
        r"guests|adults|pax|ppl|of\sus)\b"
    ),
]
_COUPLE = re.compile(
    r"\b(?:a\scouple\b(?!\sof)|my\s(?:wife|husband|partner|girlfriend|"
    r"boyfriend)\sand\s(?:i|me)\b|me\sand\smy\s(?:wife|husband|partner|"
    r"girlfriend|boyfriend)\b|for\stwo\b(?!\s?(?:night|week|day|month|bed)))"
)
_KIDS = re.compile(
    r" (?:kids?|children|child|toddlers?|teens?|babies|baby|family|families|son|daughter) "
)
_SOLO = re.compile(r"\b(?:just\sme|on\smy\sown|solo|by\smyself)\b")
_DURATION = re.compile(
    r"\b(?:for\s)?(?P<n>\d+|a|an|one|two|three|four|five|six|seven|ten|couple\sof|few)\s"
    r"(?P<unit>nights?|days?|weeks?|months?|years?)\b"
)
_PRICE_END = re.compile(r"(?:\d\s?k?|[£€₺$]|\b(?:" + _CURRENCY + r"))\s?(?:per\s|/\s?)?$")
_FREQUENCY_END = re.compile(r"(?:once|twice|times|every|per)\s$")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_MONTH = r"(?P<{}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"  # noqa: E501
# A number right before a price period is a price, with or without a currency: "150 a night".
_PRICED = re.compile(
    _AMOUNT + r"(?=\s?(?:(?:per|a|an|each|/|p/?)\s?(?:night|nt|month|mo|mth|day|hour|hr)\b|"
    r"(?:pcm|pn|pm|nightly|monthly|daily|hourly)\b))"
)
# A number on its own, when nothing else claims it, is the budget: "2 bed apartment lefkosa 500".
_BARE_AMOUNT = re.compile(
    r"(?<![\d+\-/.,:£€₺$])\b(?P<num>\d{1,3}(?:,\d{3})+|\d{2,7})(?:\s?(?P<k>k\b|m\b|million\b))?"
    r"(?![\d.,:%+\-]|\s?(?:-|to\b|bed|br|bdr|night|nt\b|day|week|month|year|hour|hr|min|people|"
    r"person|persons|guest|adult|kid|child|pax|ppl|of\sus|km|m2|sqm|seat|st\b|nd\b|rd\b|th\b|"
    r"x\b|am\b|pm\b|room|star)|\s" + _MONTH.format("after") + r"\b)"
)
_DATE_RANGES = [
    # 12-19 July, 12th to 19th of July
    re.compile(
        r"\b(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s?(?:-|to|until|till|–)\s?(?P<d2>\d{1,2})"
        r"(?:st|nd|rd|th)?\s(?:of\s)?" + _MONTH.format("m2")
    ),
    # 12 July to 2 August
    re.compile(
        r"\b(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?"
        + _MONTH.format("m1")
        + r"\s?(?:-|to|until|till|–)\s?(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?"
        + _MONTH.format("m2")
    ),
    # July 12 to 19, July 12 - August 2
    re.compile(
        _MONTH.format("m1") + r"\s(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s?(?:-|to|until|till|–)"
        r"\s?(?:" + _MONTH.format("m2") + r"\s)?(?P<d2>\d{1,2})"
    ),
]
_GENERAL_TOPICS = {
    "weather",
    "climate",
    "temperature",
    "rain",
    "currency",
    "money",
    "exchange",
    "visa",
    "visas",
    "passport",
    "border",
    "crossing",
    "checkpoint",
    "drive",
    "driving",
    "left",
    "airport",
    "ercan",
    "larnaca",
    "transfer",
    "safe",
    "safety",
    "language",
    "speak",
    "time zone",
    "timezone",
    "electricity",
    "plug",
    "plugs",
    "socket",
    "hospital",
    "healthcare",
    "doctor",
    "school",
    "schools",
    "university",
    "universities",
    "internet",
    "cost of living",
    "expensive",
    "beaches",
    "beach",
    "history",
    "castle",
    "tip",
    "tipping",
    "residency",
    "residence permit",
    "bank",
    "banks",
    "atm",
    "sim",
    "mobile",
    "bus",
    "taxi",
    "ferry",
    "best area",
    "which area",
    "where to live",
    "tell me about",
    "what is",
    "how do i",
    "how to",
    "is it",
}
_SPACED = re.compile(r"[^a-z0-9£€₺$+/&'.,-]+|[.,](?!\d)")
_QUESTION_START = re.compile(r"(?:what|how|is|are|do|does|can|where|when|which|why|should|tell)\b")


@dataclass(frozen=True)
class Budget:
    amount: Decimal
    currency: str
    period: str | None  # None until known: the domain then says (month, night, day...)

    def as_dict(self) -> dict[str, Any]:
        amount = (
            int(self.amount) if self.amount == self.amount.to_integral() else float(self.amount)
        )
        return {"amount": amount, "currency": self.currency, "period": self.period}


@dataclass
class Reading:
    """What one message says. Empty fields: the message did not say."""

    family: str | None = None  # PROPERTY, CAR, SERVICE, ACTIVITY, RESTAURANT
    deal: str | None = None  # "rent" or "sale" (property)
    term: str | None = None  # "long" or "short" (property rent)
    conversational: str | None = None  # SMALL_TALK or GENERAL_INFO
    slots: dict[str, Any] = field(default_factory=dict)
    features: list[str] = field(default_factory=list)

    @property
    def says_anything(self) -> bool:
        return bool(self.family or self.deal or self.term or self.slots or self.features)


@lru_cache(maxsize=4096)
def read(text: str, today: date) -> Reading:
    """Cached: every turn re-reads the thread's earlier messages. Callers must not mutate it."""
    return _read(text, today)


def _read(text: str, today: date) -> Reading:
    text = canonical(text)  # Turkish and Russian read as the English below knows them
    folded = fold(text)
    # Words and the signs that carry meaning here, one space apart, padded for phrase lookups.
    padded = " " + " ".join(_SPACED.sub(" ", folded).split()) + " "
    tokens = words(text)
    reading = Reading()
    _read_place(padded, tokens, reading)
    _read_budget(folded, reading)
    _read_bedrooms(padded, reading)
    _read_party(padded, reading)
    _read_duration_and_dates(padded, today, reading)
    _read_relative_dates(padded, today, reading)
    asks = "?" in folded or bool(_QUESTION_START.match(padded.strip()))
    _read_family(padded, tokens, asks, reading)
    if reading.family or {"district", "kind", "bedrooms"} & set(reading.slots):
        # A plain number beside what is wanted is its budget ("2 bed apartment lefkosa 500");
        # on its own ("250k") it says too little.
        _read_bare_budget(folded, reading)
    _read_term(padded, reading)
    reading.features = [t for t in tokens if t in vocab.FEATURE_WORDS]
    if _KIDS.search(padded):
        reading.slots["with_kids"] = True
    budget: Budget | None = reading.slots.get("budget")
    if not reading.family and (reading.term or (budget and budget.period in ("night", "month"))):
        reading.family = PROPERTY  # "a week in Bafra at €90 a night" is about a place to stay
    if not reading.family and not reading.deal:
        reading.conversational = _conversational(padded, tokens, asks, bool(reading.slots))
    return reading


def _has(padded: str, phrases: set[str] | dict[str, str]) -> bool:
    return any(f" {p} " in padded for p in phrases)


def _first(padded: str, phrases: dict[str, str]) -> str | None:
    """The value of the phrase found earliest in the text (longest first at one place)."""
    found = [(padded.find(f" {p} "), -len(p), v) for p, v in phrases.items() if f" {p} " in padded]
    return min(found)[2] if found else None


def _read_place(padded: str, tokens: list[str], reading: Reading) -> None:
    areas, districts = area_names(), district_names()
    area = _first(padded, areas) or fuzzy_find(tokens, areas)
    if area:
        reading.slots["area"], reading.slots["district"] = area, AREAS[area]
        return
    district = _first(padded, districts) or fuzzy_find(tokens, districts)
    if district:
        reading.slots["district"] = district


def _read_budget(folded: str, reading: Reading) -> None:
    for pattern in (*_BUDGET_PATTERNS, _PRICED):
        match = pattern.search(folded)
        if match is None:
            continue
        amount = _amount(match.group("num"), match.group("k"))
        groups = match.groupdict()
        currency = _CURRENCY_WORDS.get(groups["cur"], "GBP") if groups.get("cur") else None
        if currency is None:  # "under 900 pounds": the currency may follow the amount
            after = re.match(_CUR_AFTER, folded[match.end() :])
            currency = _CURRENCY_WORDS[after.group("cur")] if after else "GBP"
        rest = folded[match.end() :]
        rest = re.sub(r"^" + _CUR_AFTER, "", rest)
        period = next((p for rx, p in _PERIODS if rx.search(rest)), None)
        if period is None:  # "per night 80 euro", "aylık 700 sterlin": the period came first
            period = _period_before(folded[: match.start()])
        reading.slots["budget"] = Budget(amount, currency, period)
        return


_PERIOD_BEFORE = [
    (re.compile(r"(?:per\s(?:night|nt)|nightly|a\snight)\s(?:max\s|under\s|budget\s)*$"), "night"),
    (
        re.compile(r"(?:per\s(?:month|mo)|monthly|pcm|a\smonth)\s(?:max\s|under\s|budget\s)*$"),
        "month",
    ),
    (re.compile(r"(?:per\sday|daily|a\sday)\s(?:max\s|under\s|budget\s)*$"), "day"),
    (re.compile(r"(?:per\shour|hourly|an\shour)\s(?:max\s|under\s|budget\s)*$"), "hour"),
]


def _period_before(before: str) -> str | None:
    """The price period written just before the amount, as Turkish and Russian often do."""
    before = " " + " ".join(_SPACED.sub(" ", before).split()[-4:]) + " "
    return next((p for rx, p in _PERIOD_BEFORE if rx.search(before)), None)


def _read_bare_budget(folded: str, reading: Reading) -> None:
    """A plain number nothing else explains is the budget ("studio iskele 70")."""
    if "budget" in reading.slots:
        return
    for match in _BARE_AMOUNT.finditer(folded):
        amount = _amount(match.group("num"), match.group("k"))
        if amount < 20 or (match.group("k") is None and 2020 <= amount <= 2040):
            continue  # a count, or a year
        currency_after = re.match(_CUR_AFTER, folded[match.end() :])
        currency = _CURRENCY_WORDS[currency_after.group("cur")] if currency_after else "GBP"
        reading.slots["budget"] = Budget(amount, currency, _period_before(folded[: match.start()]))
        return


def _amount(raw: str, multiplier: str | None) -> Decimal:
    if re.fullmatch(r"\d{1,3}(?:[,.]\d{3})+", raw):
        value = Decimal(raw.replace(",", "").replace(".", ""))
    else:
        value = Decimal(raw.replace(",", "."))
    return value * {None: 1, "k": 1000}.get(multiplier, 1_000_000)


def _read_bedrooms(padded: str, reading: Reading) -> None:
    match = _BEDROOMS.search(padded)
    if match:
        count = number(match.group("n")) if match.group("n") else int(match.group("tr"))
        reading.slots["bedrooms"] = count
    elif " studio " in padded or " studios " in padded:
        reading.slots["bedrooms"] = 0


def _read_party(padded: str, reading: Reading) -> None:
    for pattern in _PARTY:
        match = pattern.search(padded)
        if match:
            groups = match.groupdict()
            size = (number(groups["a"]) or 0) + (number(groups.get("b") or "") or 0)
            if size:
                reading.slots["party_size"] = size
                return
    if _COUPLE.search(padded):
        reading.slots["party_size"] = 2
    elif _SOLO.search(padded):
        reading.slots["party_size"] = 1


def _read_duration_and_dates(padded: str, today: date, reading: Reading) -> None:
    for pattern in _DATE_RANGES:
        match = pattern.search(padded)
        if match:
            groups = match.groupdict()
            end_month = _MONTHS[groups["m2"][:3]] if groups.get("m2") else None
            start_month = _MONTHS[groups["m1"][:3]] if groups.get("m1") else end_month
            start = _next_date(today, start_month or 1, int(groups["d1"]))
            end = start and _next_date(start, end_month or start_month or 1, int(groups["d2"]))
            if start and end and end > start:
                reading.slots["dates"] = {"start": start.isoformat(), "end": end.isoformat()}
                reading.slots["duration"] = {"amount": (end - start).days, "unit": "night"}
                return
    for match in _DURATION.finditer(padded):
        raw = match.group("n")
        amount = 2 if raw == "couple of" else (3 if raw == "few" else number(raw))
        # "a night" right after a price is its period ("£80 a night"), and "once a week" a
        # frequency: neither is a length of stay.
        before = padded[: match.start()]
        if raw in ("a", "an") and (_PRICE_END.search(before) or _FREQUENCY_END.search(before)):
            continue
        if amount:
            reading.slots["duration"] = {"amount": amount, "unit": match.group("unit").rstrip("s")}
            return


_WEEKDAYS = {
    day: number
    for number, day in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
_WEEKEND = re.compile(r" (?:the |this )?weekend ")
_DAYS_OF_UNIT = {"night": 1, "day": 1, "week": 7}


def _read_relative_dates(padded: str, today: date, reading: Reading) -> None:
    """Dates said relative to today ("tomorrow for 3 nights", "this weekend", "cumartesi'den
    2 gece"): a start, and an end from the stay's length (a weekend ends on Sunday)."""
    if "dates" in reading.slots:
        return
    duration = reading.slots.get("duration")
    weekend = bool(_WEEKEND.search(padded))
    if weekend:
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        start = today if today.weekday() >= 5 else friday
    elif " tomorrow " in padded:
        start = today + timedelta(days=1)
    elif " tonight " in padded or " today " in padded:
        start = today
    else:
        named = [n for day, n in _WEEKDAYS.items() if f" {day} " in padded]
        if not named:
            return
        start = today + timedelta(days=(named[0] - today.weekday()) % 7)
    if duration and duration["unit"] in _DAYS_OF_UNIT:
        end = start + timedelta(days=duration["amount"] * _DAYS_OF_UNIT[duration["unit"]])
    elif weekend:
        end = start + timedelta(days=6 - start.weekday())
        reading.slots["duration"] = {"amount": (end - start).days, "unit": "night"}
    else:
        return  # a start alone is no stay yet
    if end > start:
        reading.slots["dates"] = {"start": start.isoformat(), "end": end.isoformat()}


def _next_date(after: date, month: int, day: int) -> date | None:
    for year in (after.year, after.year + 1):
        try:
            candidate = date(year, month, day)
        except ValueError:
            return None
        if candidate >= after - timedelta(days=1):
            return candidate
    return None


def _read_family(padded: str, tokens: list[str], asks: bool, reading: Reading) -> None:
    """Which kind of listing the message is about, most specific vocabulary first."""
    slots = reading.slots
    if _has(padded, vocab.RULES_WORDS) and asks:
        return  # "can foreigners buy property?" asks about the rules, not for listings
    service = _first(padded, vocab.SERVICE_KINDS)
    if service:
        reading.family, slots["kind"] = SERVICE, service
        return
    activity = _first(padded, vocab.ACTIVITY_KINDS)
    restaurant = _first(padded, vocab.RESTAURANT_KINDS)
    eats = _has(padded, vocab.RESTAURANT_WORDS)
    if activity and not (eats and activity == "boat_trip"):
        reading.family, slots["kind"] = ACTIVITY, activity
        return
    if restaurant or eats:
        reading.family = RESTAURANT
        if restaurant:
            slots["kind"] = restaurant
        return
    car_words = re.sub(r" car (?=park|parking)", " ", padded)
    if (
        _has(car_words, vocab.CAR_WORDS)
        or _has(car_words, vocab.CAR_ONLY_KINDS)
        or (_hiring(car_words) and _first(car_words, vocab.CAR_KINDS))
        or fuzzy_find(tokens, {"vehicle": "car"})
    ):
        reading.family = CAR
        kind = _first(car_words, vocab.CAR_KINDS)
        if kind:
            slots["kind"] = kind
        return
    property_kind = _first(padded, vocab.PROPERTY_KINDS) or fuzzy_find(tokens, vocab.PROPERTY_KINDS)
    renting, buying = _has(padded, vocab.RENT_WORDS), _has(padded, vocab.SALE_WORDS)
    if (
        property_kind
        or renting
        or buying
        or _has(padded, vocab.PROPERTY_WORDS)
        or "bedrooms" in slots
    ):
        reading.family = PROPERTY
        if property_kind:
            slots["kind"] = property_kind
        reading.deal = "sale" if buying and not renting else ("rent" if renting else None)
        return
    if _has(padded, vocab.SERVICE_WORDS):
        reading.family = SERVICE
    elif _has(padded, vocab.ACTIVITY_WORDS):
        reading.family = ACTIVITY
    elif fuzzy_find(tokens, {"restaurant": "x", "restaurants": "x"}):
        reading.family = RESTAURANT


def _hiring(padded: str) -> bool:
    """Hiring something with no home in sight: "jeep hire", "rent a mercedes"."""
    return _has(padded, vocab.RENT_WORDS | {"hire", "hiring"}) and not _has(
        padded, set(vocab.PROPERTY_KINDS) | vocab.PROPERTY_WORDS
    )


def _read_term(padded: str, reading: Reading) -> None:
    budget: Budget | None = reading.slots.get("budget")
    duration = reading.slots.get("duration")
    if budget and budget.period in ("night", "month"):
        reading.term = "short" if budget.period == "night" else "long"
    elif "dates" in reading.slots or (duration and duration["unit"] in ("night", "week")):
        reading.term = "short"
    elif duration and duration["unit"] in ("month", "year"):
        reading.term = "long" if duration["amount"] >= 3 or duration["unit"] == "year" else None
    elif _has(padded, vocab.LONG_TERM_WORDS - {"month", "months", "year", "years"}):
        reading.term = "long"
    elif _has(padded, vocab.SHORT_TERM_WORDS - {"night", "nights", "week", "weeks"}):
        reading.term = "short"


def _conversational(padded: str, tokens: list[str], asks: bool, states_facts: bool) -> str | None:
    if _has(padded, _GENERAL_TOPICS) and (asks or len(tokens) > 2):
        return GENERAL_INFO
    if _has(padded, vocab.GREETINGS | vocab.THANKS | vocab.FAREWELLS | vocab.CHAT):
        return SMALL_TALK
    if not states_facts and asks:
        return GENERAL_INFO
    return None
