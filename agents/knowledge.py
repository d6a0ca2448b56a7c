"""Plain answers to the general questions newcomers to North Cyprus ask most."""

from __future__ import annotations

from agents.language import fold

# (words that mark the topic, the answer). First match wins, so specific topics come first.
FACTS: list[tuple[tuple[str, ...], str]] = [
    (
        ("weather", "climate", "temperature", "rain", "hot", "cold"),
        "North Cyprus has hot, dry summers (often 35 °C in July and August) and mild, rainy "
        "winters around 10–18 °C. Spring and autumn are the most pleasant months to visit.",
    ),
    (
        ("currency", "money", "exchange", "lira", "atm", "bank", "cash"),
        "The local currency is the Turkish lira (TRY), but rents and car hire are often quoted "
        "in pounds sterling or euros. Cards are widely accepted and ATMs are easy to find.",
    ),
    (
        ("drive", "driving", "left", "licence", "license"),
        "Traffic drives on the left, as in the UK. A foreign or international driving licence is "
        "fine for visitors, and hire cars come with local insurance.",
    ),
    (
        ("airport", "ercan", "larnaca", "transfer", "fly", "flight"),
        "Most visitors fly into Ercan (ECN), about 40 minutes from Girne, or into Larnaca in the "
        "south and cross at a checkpoint. Many car-hire firms deliver to Ercan.",
    ),
    (
        ("visa", "passport", "border", "crossing", "checkpoint", "residency", "residence"),
        "UK and EU visitors need no visa for short stays; a passport or ID card is enough. "
        "Crossing to the south at the checkpoints is routine. Longer stays need a residence "
        "permit.",
    ),
    (
        ("language", "speak", "english", "turkish"),
        "Turkish is the official language, and English is widely spoken in Girne, in the "
        "universities and by most landlords, agencies and businesses that serve expats.",
    ),
    (
        ("electricity", "plug", "plugs", "socket", "power"),
        "The mains supply is 230 V with UK-style three-pin plugs, so British chargers work.",
    ),
    (
        ("safe", "safety", "crime"),
        "North Cyprus is generally very safe, with low crime; the usual care with valuables "
        "applies in busy places.",
    ),
    (
        ("university", "universities", "student", "students", "school", "schools"),
        "There are large international universities in Lefkoşa and Gazimağusa (such as EMU), "
        "and several English-medium schools around Girne.",
    ),
    (
        ("area", "live", "where", "best"),
        "Girne (Kyrenia) is the favourite of expats: harbour, beaches and mountains. Lefkoşa "
        "(Nicosia) is the lively capital, Gazimağusa (Famagusta) a university town, İskele has "
        "Long Beach and new developments, and Güzelyurt is green and quiet.",
    ),
    (
        ("beach", "beaches", "swim", "sea"),
        "Favourite beaches include Alagadi (turtles), Escape Beach near Girne, Long Beach in "
        "İskele and the wild Golden Beach on the Karpaz peninsula.",
    ),
    (
        ("cost", "expensive", "cheap", "prices", "living"),
        "Living costs are moderate: a 2-bedroom flat in Girne rents for about £450–1,500 a "
        "month, a meal out is £10–30 and a hire car £20–50 a day.",
    ),
]

HELP = (
    "I can find long-term and holiday rentals, homes for sale, hire cars, local services, "
    "activities and restaurants anywhere in North Cyprus. Tell me what you need, where, and "
    "your budget."
)


def general_answer(question: str) -> str:
    text = f" {fold(question)} "
    for topics, answer in FACTS:
        if any(f" {topic} " in text or f" {topic}?" in text for topic in topics):
            return answer
    return HELP
