"""Plain answers to the general questions newcomers to North Cyprus ask most, in English,
Turkish and Russian."""

from __future__ import annotations

from agents.local.reply_texts import EN, RU, TR, text
from agents.local.tokens import fold
from agents.local.tr_ru_to_en import canonical

# (words that mark the topic, the answer). First match wins, so specific topics come first.
FACTS: list[tuple[tuple[str, ...], dict[str, str]]] = [
    (
        ("weather", "climate", "temperature", "rain", "hot", "cold"),
        {
            EN: (
                "North Cyprus has hot, dry summers (often 35 °C in July and August) and mild, "
                "rainy winters around 10–18 °C. Spring and autumn are the most pleasant months to"
                " visit."
            ),
            TR: (
                "Kuzey Kıbrıs'ta yazlar sıcak ve kuru (temmuz ve ağustosta sık sık 35 °C), kışlar"
                " ılık ve yağışlı, 10–18 °C civarındadır. İlkbahar ve sonbahar ziyaret için en "
                "hoş aylardır."
            ),
            RU: (
                "На Северном Кипре жаркое сухое лето (в июле и августе часто 35 °C) и мягкая "
                "дождливая зима, около 10–18 °C. Весна и осень — самое приятное время для "
                "поездки."
            ),
        },
    ),
    (
        ("currency", "money", "exchange", "lira", "atm", "bank", "cash"),
        {
            EN: (
                "The local currency is the Turkish lira (TRY), but rents and car hire are often "
                "quoted in pounds sterling or euros. Cards are widely accepted and ATMs are easy "
                "to find."
            ),
            TR: (
                "Yerel para birimi Türk lirasıdır (TRY), ama kiralar ve araba kiralama çoğu zaman"
                " sterlin veya euro ile fiyatlandırılır. Kartlar yaygın olarak kabul edilir ve "
                "ATM bulmak kolaydır."
            ),
            RU: (
                "Местная валюта — турецкая лира (TRY), но аренду жилья и машин часто указывают в "
                "фунтах стерлингов или евро. Карты принимают почти везде, банкоматов много."
            ),
        },
    ),
    (
        ("drive", "driving", "left", "licence", "license"),
        {
            EN: (
                "Traffic drives on the left, as in the UK. A foreign or international driving "
                "licence is fine for visitors, and hire cars come with local insurance."
            ),
            TR: (
                "Trafik, İngiltere'deki gibi soldan akar. Ziyaretçiler için yabancı veya "
                "uluslararası ehliyet yeterlidir; kiralık arabalar yerel sigortayla gelir."
            ),
            RU: (
                "Движение левостороннее, как в Великобритании. Туристам достаточно иностранных "
                "или международных прав, а прокатные машины идут с местной страховкой."
            ),
        },
    ),
    (
        ("airport", "ercan", "larnaca", "transfer", "fly", "flight"),
        {
            EN: (
                "Most visitors fly into Ercan (ECN), about 40 minutes from Girne, or into Larnaca"
                " in the south and cross at a checkpoint. Many car-hire firms deliver to Ercan."
            ),
            TR: (
                "Ziyaretçilerin çoğu Girne'ye yaklaşık 40 dakika uzaklıktaki Ercan'a (ECN) ya da "
                "güneydeki Larnaka'ya uçup bir sınır kapısından geçer. Birçok araç kiralama "
                "firması arabayı Ercan'a teslim eder."
            ),
            RU: (
                "Большинство прилетает в Эрджан (ECN), примерно в 40 минутах от Girne, или в "
                "Ларнаку на юге и пересекает границу на КПП. Многие прокатные компании подают "
                "машину в Эрджан."
            ),
        },
    ),
    (
        ("visa", "passport", "border", "crossing", "checkpoint", "residency", "residence"),
        {
            EN: (
                "UK and EU visitors need no visa for short stays; a passport or ID card is "
                "enough. Crossing to the south at the checkpoints is routine. Longer stays need a"
                " residence permit."
            ),
            TR: (
                "İngiltere ve AB'den gelenler kısa kalışlar için vizeye ihtiyaç duymaz; pasaport "
                "veya kimlik kartı yeterlidir. Sınır kapılarından güneye geçmek olağandır. Uzun "
                "kalışlar için oturma izni gerekir."
            ),
            RU: (
                "Гражданам Великобритании и ЕС для коротких поездок виза не нужна — достаточно "
                "паспорта или ID-карты. Переход на юг через КПП — обычное дело. Для долгого "
                "пребывания нужен вид на жительство."
            ),
        },
    ),
    (
        ("language", "speak", "english", "turkish"),
        {
            EN: (
                "Turkish is the official language, and English is widely spoken in Girne, in the "
                "universities and by most landlords, agencies and businesses that serve expats."
            ),
            TR: (
                "Resmî dil Türkçedir; İngilizce Girne'de, üniversitelerde ve yabancılara hizmet "
                "veren ev sahiplerinin, emlakçıların ve işletmelerin çoğunda yaygın olarak "
                "konuşulur."
            ),
            RU: (
                "Официальный язык — турецкий; английский широко распространён в Girne, в "
                "университетах и у большинства арендодателей, агентств и компаний, работающих с "
                "иностранцами."
            ),
        },
    ),
    (
        ("electricity", "plug", "plugs", "socket", "power"),
        {
            EN: (
                "The mains supply is 230 V with UK-style three-pin plugs, so British chargers work."
            ),
            TR: (
                "Şebeke elektriği 230 V'tur ve İngiltere tipi üç uçlu fişler kullanılır; İngiliz "
                "şarj cihazları çalışır."
            ),
            RU: (
                "Напряжение в сети 230 В, розетки британского типа с тремя штырьками — "
                "понадобится переходник для европейских вилок."
            ),
        },
    ),
    (
        ("safe", "safety", "crime"),
        {
            EN: (
                "North Cyprus is generally very safe, with low crime; the usual care with "
                "valuables applies in busy places."
            ),
            TR: (
                "Kuzey Kıbrıs genel olarak çok güvenlidir ve suç oranı düşüktür; kalabalık "
                "yerlerde değerli eşyalara her zamanki özen yeterlidir."
            ),
            RU: (
                "Северный Кипр в целом очень безопасен, преступность низкая; в людных местах "
                "достаточно обычной осторожности с ценными вещами."
            ),
        },
    ),
    (
        ("university", "universities", "student", "students", "school", "schools"),
        {
            EN: (
                "There are large international universities in Lefkoşa and Gazimağusa (such as "
                "EMU), and several English-medium schools around Girne."
            ),
            TR: (
                "Lefkoşa ve Gazimağusa'da büyük uluslararası üniversiteler (DAÜ gibi), Girne "
                "çevresinde de İngilizce eğitim veren birkaç okul vardır."
            ),
            RU: (
                "В Lefkoşa и Gazimağusa есть крупные международные университеты (например, EMU), "
                "а вокруг Girne — несколько англоязычных школ."
            ),
        },
    ),
    (
        ("area", "live", "where", "best"),
        {
            EN: (
                "Girne (Kyrenia) is the favourite of expats: harbour, beaches and mountains. "
                "Lefkoşa (Nicosia) is the lively capital, Gazimağusa (Famagusta) a university "
                "town, İskele has Long Beach and new developments, and Güzelyurt is green and "
                "quiet."
            ),
            TR: (
                "Girne, limanı, plajları ve dağlarıyla yabancıların gözdesidir. Lefkoşa canlı "
                "başkenttir, Gazimağusa bir üniversite şehri, İskele'de Long Beach ve yeni "
                "projeler var, Güzelyurt ise yeşil ve sakindir."
            ),
            RU: (
                "Girne (Кирения) — любимое место экспатов: гавань, пляжи и горы. Lefkoşa "
                "(Никосия) — оживлённая столица, Gazimağusa (Фамагуста) — студенческий город, в "
                "İskele — Long Beach и новые комплексы, а Güzelyurt — зелёный и тихий."
            ),
        },
    ),
    (
        ("beach", "beaches", "swim", "sea"),
        {
            EN: (
                "Favourite beaches include Alagadi (turtles), Escape Beach near Girne, Long Beach"
                " in İskele and the wild Golden Beach on the Karpaz peninsula."
            ),
            TR: (
                "Sevilen plajlar arasında Alagadi (kaplumbağalar), Girne yakınındaki Escape "
                "Beach, İskele'deki Long Beach ve Karpaz yarımadasındaki vahşi Altın Kum vardır."
            ),
            RU: (
                "Популярные пляжи — Алагади (черепахи), Escape Beach у Girne, Long Beach в İskele"
                " и дикий Golden Beach на полуострове Карпас."
            ),
        },
    ),
    (
        ("cost", "expensive", "cheap", "prices", "living"),
        {
            EN: (
                "Living costs are moderate: a 2-bedroom flat in Girne rents for about £450–1,500 "
                "a month, a meal out is £10–30 and a hire car £20–50 a day."
            ),
            TR: (
                "Yaşam maliyeti orta düzeydedir: Girne'de 2 yatak odalı bir daire ayda yaklaşık "
                "£450–1.500, dışarıda bir yemek £10–30, kiralık araba günde £20–50'dir."
            ),
            RU: (
                "Жизнь здесь умеренно дорогая: квартира с 2 спальнями в Girne стоит около £450–1 "
                "500 в месяц, обед в ресторане — £10–30, машина напрокат — £20–50 в день."
            ),
        },
    ),
]


def general_answer(question: str, language: str = EN) -> str:
    """The answer to a general question in the language; the offer of help when no topic
    is known. Turkish and Russian questions are read through their English words."""
    said = f" {fold(question)} {canonical(question)} "
    for topics, answers in FACTS:
        if any(f" {topic} " in said or f" {topic}?" in said for topic in topics):
            return answers.get(language, answers[EN])
    return text(language, "help")
