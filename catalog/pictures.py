"""A listing's pictures, drawn here as SVG (nothing is fetched or stored).

Each listing has PICTURE_COUNT views: what it is (a villa or a block of flats, a convertible or a
minivan, a plate of fish or a pizza, a plumber's wrench, a boat), then a view that depends on
the category (a room inside, the dashboard, the shop front, the van, the route), then where it
is. Sizes, colours and small details vary per listing, stable across runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from html import escape

from catalog.models import Listing

PICTURE_COUNT = 3
WIDTH, HEIGHT = 320, 200

PALETTES = {
    "property_rent_long": ("#0e7490", "#a5f3fc"),
    "property_rent_short": ("#c2410c", "#fed7aa"),
    "property_sale": ("#4d7c0f", "#d9f99d"),
    "car_rental": ("#1d4ed8", "#bfdbfe"),
    "service": ("#6d28d9", "#ddd6fe"),
    "activity": ("#be123c", "#fecdd3"),
    "restaurant": ("#a16207", "#fef08a"),
}
VIEW_NAMES = ("outside", "inside", "map")

_HOME_CATEGORIES = ("property_rent_long", "property_rent_short", "property_sale")


class _Seed:
    """Per-listing numbers, the same on every run."""

    def __init__(self, listing_id: int, view: int) -> None:
        self.bytes = hashlib.sha256(f"{listing_id}:{view}".encode()).digest()

    def pick(self, index: int, low: int, high: int) -> int:
        return low + self.bytes[index % len(self.bytes)] % (high - low + 1)


def listing_picture(listing: Listing, view: int) -> str:
    """The SVG of one view (0 ≤ view < PICTURE_COUNT) of the listing."""
    dark, light = PALETTES.get(listing.category, ("#334155", "#e2e8f0"))
    seed = _Seed(int(listing.pk), view)
    if view == 0:
        body = _subject(listing, seed, dark)
    elif view == 1:
        body = _detail(listing, seed, dark, light)
    else:
        body = _map(listing, seed, dark)
    label = f"{listing.kind.replace('_', ' ')} · {listing.area}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{light}"/>{body}'
        f'<rect y="170" width="{WIDTH}" height="30" fill="{dark}" opacity="0.92"/>'
        f'<text x="12" y="190" font-family="sans-serif" font-size="14" fill="#fff">'
        f"{escape(label)}</text></svg>"
    )


# --- View 0: what it is ------------------------------------------------------------------------


def _subject(listing: Listing, seed: _Seed, dark: str) -> str:
    if listing.category in _HOME_CATEGORIES:
        return _sky_and_sea(seed) + _HOMES.get(listing.kind, _apartment)(seed, dark)
    if listing.category == "car_rental":
        return _road(seed) + _car(listing.kind, seed, dark)
    if listing.category == "restaurant":
        return _table(listing.kind, seed, dark)
    if listing.category == "service":
        return _service_icon(listing.kind, dark)
    return _activity_scene(listing.kind, seed, dark)


def _sky_and_sea(seed: _Seed) -> str:
    sun_x = seed.pick(0, 30, 290)
    return (
        f'<circle cx="{sun_x}" cy="36" r="18" fill="#facc15"/>'
        '<rect y="118" width="320" height="52" fill="#38bdf8" opacity="0.7"/>'
        '<rect y="150" width="320" height="20" fill="#a3a380"/>'
    )


def _windows(x: int, y: int, cols: int, rows: int, w: int, h: int, gap: int) -> str:
    return "".join(
        f'<rect x="{x + c * (w + gap)}" y="{y + r * (h + gap)}" width="{w}" height="{h}" '
        'fill="#e0f2fe" stroke="#0f172a" stroke-width="1"/>'
        for r in range(rows)
        for c in range(cols)
    )


def _villa(seed: _Seed, dark: str) -> str:
    x = seed.pick(1, 60, 110)
    return (
        f'<rect x="{x}" y="80" width="150" height="72" fill="#fafaf9" stroke="{dark}"/>'
        f'<path d="M{x - 10} 82 L{x + 75} 44 L{x + 160} 82Z" fill="#b45309"/>'
        + _windows(x + 12, 92, 4, 2, 22, 18, 12)
        + f'<rect x="{x - 40}" y="154" width="110" height="12" rx="4" fill="#0ea5e9"/>'
        f'<path d="M{x + 180} 152 v-52" stroke="#78350f" stroke-width="5"/>'
        f'<path d="M{x + 180} 100 q-24 -4 -30 10 M{x + 180} 100 q24 -4 30 10 '
        f'M{x + 180} 100 q-10 -20 -26 -20 M{x + 180} 100 q10 -20 26 -20" '
        'stroke="#15803d" stroke-width="6" fill="none"/>'
    )


def _apartment(seed: _Seed, dark: str) -> str:
    x, floors = seed.pick(1, 70, 150), seed.pick(2, 4, 6)
    top = 152 - floors * 22
    return (
        f'<rect x="{x}" y="{top}" width="110" height="{floors * 22}" fill="#f5f5f4" '
        f'stroke="{dark}"/>'
        + _windows(x + 10, top + 6, 4, floors, 18, 12, 8)
        + "".join(
            f'<rect x="{x - 4}" y="{top + 18 + f * 22}" width="118" height="3" fill="{dark}"/>'
            for f in range(floors - 1)
        )
    )


def _penthouse(seed: _Seed, dark: str) -> str:
    x = seed.pick(1, 80, 160)
    return (
        f'<rect x="{x}" y="48" width="100" height="104" fill="#e7e5e4" stroke="{dark}"/>'
        + _windows(x + 10, 72, 4, 4, 16, 12, 8)
        + f'<rect x="{x + 10}" y="28" width="80" height="20" fill="#7dd3fc" stroke="{dark}"/>'
        f'<path d="M{x - 6} 48 h112" stroke="{dark}" stroke-width="3"/>'
        f'<path d="M{x - 6} 40 h16 M{x + 90} 40 h16" stroke="{dark}" stroke-width="2"/>'
    )


def _bungalow(seed: _Seed, dark: str) -> str:
    x = seed.pick(1, 40, 120)
    return (
        f'<rect x="{x}" y="108" width="170" height="44" fill="#fef3c7" stroke="{dark}"/>'
        f'<path d="M{x - 12} 110 L{x + 85} 80 L{x + 182} 110Z" fill="#9a3412"/>'
        + _windows(x + 14, 118, 3, 1, 26, 18, 16)
        + f'<rect x="{x + 130}" y="122" width="18" height="30" fill="{dark}"/>'
        + "".join(
            f'<circle cx="{x - 20 + i * 14}" cy="150" r="9" fill="#16a34a"/>' for i in range(3)
        )
    )


def _studio(seed: _Seed, dark: str) -> str:
    x = seed.pick(1, 100, 180)
    return (
        f'<rect x="{x}" y="96" width="70" height="56" fill="#fff7ed" stroke="{dark}"/>'
        f'<rect x="{x - 4}" y="90" width="78" height="8" fill="{dark}"/>'
        f'<rect x="{x + 10}" y="110" width="26" height="20" fill="#e0f2fe" stroke="#0f172a"/>'
        f'<rect x="{x + 46}" y="118" width="14" height="34" fill="{dark}"/>'
    )


_HOMES: dict[str, Callable[[_Seed, str], str]] = {
    "villa": _villa,
    "apartment": _apartment,
    "penthouse": _penthouse,
    "bungalow": _bungalow,
    "studio": _studio,
}


def _road(seed: _Seed) -> str:
    hill = seed.pick(3, 60, 100)
    return (
        f'<path d="M0 {hill} Q100 {hill - 40} 200 {hill} T320 {hill} V150 H0Z" fill="#86efac"/>'
        '<rect y="140" width="320" height="30" fill="#475569"/>'
        '<path d="M0 156 h320" stroke="#f8fafc" stroke-width="2" stroke-dasharray="16 12"/>'
    )


# length, body height, roof height, roof start and end (fractions of length), ground clearance
_CAR_SHAPES: dict[str, tuple[int, int, int, float, float, int]] = {
    "economy": (130, 26, 24, 0.22, 0.78, 8),
    "compact": (150, 26, 24, 0.25, 0.75, 8),
    "suv": (165, 36, 30, 0.18, 0.88, 14),
    "convertible": (155, 24, 0, 0.35, 0.55, 6),
    "minivan": (180, 36, 34, 0.08, 0.95, 10),
    "luxury": (190, 24, 22, 0.3, 0.72, 6),
}


def _car(kind: str, seed: _Seed, dark: str) -> str:
    length, body, roof, start, end, clearance = _CAR_SHAPES.get(kind, _CAR_SHAPES["compact"])
    x = seed.pick(4, 20, 300 - length)
    base = 146 - clearance
    top = base - body
    shape = (
        f'<rect x="{x}" y="{top}" width="{length}" height="{body}" rx="10" fill="{dark}"/>'
        if roof
        else f'<rect x="{x}" y="{top}" width="{length}" height="{body}" rx="8" fill="{dark}"/>'
    )
    if roof:
        a, b = x + int(length * start), x + int(length * end)
        shape += (
            f'<path d="M{a - 12} {top} L{a} {top - roof} L{b} {top - roof} L{b + 10} {top}Z" '
            f'fill="{dark}"/>'
            f'<path d="M{a - 4} {top - 2} L{a + 4} {top - roof + 5} L{b - 2} {top - roof + 5} '
            f'L{b + 4} {top - 2}Z" fill="#e0f2fe"/>'
        )
        if kind == "suv":
            shape += f'<path d="M{a} {top - roof - 4} h{b - a}" stroke="#0f172a" stroke-width="3"/>'
    else:  # a convertible: the windscreen and the people in it
        a = x + int(length * start)
        shape += (
            f'<path d="M{a} {top} l10 -16" stroke="#0f172a" stroke-width="3"/>'
            f'<circle cx="{a + 28}" cy="{top - 8}" r="7" fill="#fcd34d"/>'
            f'<circle cx="{a + 56}" cy="{top - 8}" r="7" fill="#a16207"/>'
        )
    wheels = "".join(
        f'<circle cx="{cx}" cy="{base}" r="{clearance + 6}" fill="#0f172a"/>'
        f'<circle cx="{cx}" cy="{base}" r="5" fill="#cbd5e1"/>'
        for cx in (x + length // 5, x + length - length // 5)
    )
    return shape + wheels + f'<circle cx="{x + length - 4}" cy="{top + 8}" r="4" fill="#fde047"/>'


def _table(kind: str, seed: _Seed, dark: str) -> str:
    cx = seed.pick(5, 120, 200)
    plate = (
        '<rect width="320" height="170" fill="#78350f" opacity="0.25"/>'
        f'<circle cx="{cx}" cy="88" r="66" fill="#fff" stroke="#d6d3d1" stroke-width="4"/>'
        f'<path d="M{cx - 96} 40 v96 M{cx + 96} 40 v96" stroke="#a8a29e" stroke-width="6" '
        'stroke-linecap="round"/>'
    )
    return plate + _FOODS.get(kind, _meze)(cx, dark)


def _fish(cx: int, dark: str) -> str:
    return (
        f'<path d="M{cx - 44} 88 Q{cx} 52 {cx + 30} 88 Q{cx} 124 {cx - 44} 88Z" fill="#94a3b8"/>'
        f'<path d="M{cx + 28} 88 l22 -16 v32Z" fill="#64748b"/>'
        f'<circle cx="{cx - 26}" cy="84" r="3" fill="#0f172a"/>'
        f'<circle cx="{cx + 10}" cy="116" r="8" fill="#fde047"/>'
    )


def _pizza(cx: int, dark: str) -> str:
    slices = "".join(
        f'<path d="M{cx} 88 L{cx + 48} 88 A48 48 0 0 0 {cx + 34} 54Z" fill="#fbbf24" '
        f'stroke="#b45309" transform="rotate({i * 60} {cx} 88)"/>'
        for i in range(6)
    )
    dots = "".join(
        f'<circle cx="{cx + dx}" cy="{88 + dy}" r="6" fill="#dc2626"/>'
        for dx, dy in ((-20, -14), (18, -22), (24, 14), (-12, 24), (2, 0))
    )
    return slices + dots


def _skewers(cx: int, dark: str) -> str:
    return "".join(
        f'<path d="M{cx - 50} {70 + i * 18} h100" stroke="#a8a29e" stroke-width="3"/>'
        + "".join(
            f'<rect x="{cx - 40 + j * 18}" y="{63 + i * 18}" width="14" height="14" rx="3" '
            f'fill="{"#7c2d12" if j % 2 else "#16a34a"}"/>'
            for j in range(5)
        )
        for i in range(3)
    )


def _cup(cx: int, dark: str) -> str:
    return (
        f'<rect x="{cx - 26}" y="66" width="52" height="50" rx="8" fill="{dark}"/>'
        f'<path d="M{cx + 26} 78 q18 0 18 14 q0 14 -18 14" stroke="{dark}" stroke-width="6" '
        'fill="none"/>'
        f'<path d="M{cx - 10} 58 q-6 -10 0 -20 M{cx + 6} 58 q-6 -10 0 -20" stroke="#a8a29e" '
        'stroke-width="3" fill="none"/>'
        f'<circle cx="{cx - 40}" cy="120" r="10" fill="#d97706"/>'
    )


def _steak(cx: int, dark: str) -> str:
    return (
        f'<path d="M{cx - 40} 80 q10 -30 50 -24 q36 8 30 40 q-8 30 -50 24 q-40 -8 -30 -40Z" '
        'fill="#7f1d1d"/>'
        f'<path d="M{cx - 20} 74 l40 30 M{cx - 4} 66 l36 26" stroke="#451a03" stroke-width="4"/>'
        f'<rect x="{cx - 50}" y="118" width="40" height="8" rx="4" fill="#fbbf24"/>'
    )


def _sushi(cx: int, dark: str) -> str:
    return "".join(
        f'<circle cx="{cx + dx}" cy="{88 + dy}" r="15" fill="#0f172a"/>'
        f'<circle cx="{cx + dx}" cy="{88 + dy}" r="10" fill="#fff"/>'
        f'<circle cx="{cx + dx}" cy="{88 + dy}" r="5" fill="#f97316"/>'
        for dx, dy in ((-32, -16), (0, -24), (32, -16), (-20, 16), (20, 16))
    )


def _salad(cx: int, dark: str) -> str:
    return "".join(
        f'<ellipse cx="{cx + dx}" cy="{88 + dy}" rx="18" ry="9" fill="{color}" '
        f'transform="rotate({dx * 3} {cx + dx} {88 + dy})"/>'
        for (dx, dy), color in zip(
            ((-28, -18), (10, -28), (30, 0), (-6, 20), (-34, 12), (16, 26)),
            ("#16a34a", "#4ade80", "#22c55e", "#dc2626", "#65a30d", "#facc15"),
            strict=True,
        )
    )


def _meze(cx: int, dark: str) -> str:
    return "".join(
        f'<circle cx="{cx + dx}" cy="{88 + dy}" r="17" fill="#fff" stroke="#d6d3d1" '
        f'stroke-width="2"/><circle cx="{cx + dx}" cy="{88 + dy}" r="12" fill="{color}"/>'
        for (dx, dy), color in zip(
            ((-30, -22), (8, -30), (34, 4), (-4, 26), (-36, 14)),
            ("#fef3c7", "#dc2626", "#65a30d", "#f5f5f4", "#a16207"),
            strict=True,
        )
    )


_FOODS: dict[str, Callable[[int, str], str]] = {
    "fish": _fish,
    "italian": _pizza,
    "kebab": _skewers,
    "cafe": _cup,
    "steakhouse": _steak,
    "sushi": _sushi,
    "vegetarian": _salad,
    "meze": _meze,
}

_SERVICE_ICONS = {
    "plumber": '<path d="M130 120 l40 -40 m-10 -10 a16 16 0 1 1 20 20" stroke="{c}" '
    'stroke-width="12" fill="none" stroke-linecap="round"/>'
    '<path d="M180 60 v50 h-20" stroke="#0ea5e9" stroke-width="8" fill="none"/>',
    "electrician": '<path d="M170 36 L130 96 h28 L146 140 L192 76 h-28Z" fill="{c}"/>',
    "cleaner": '<rect x="130" y="80" width="50" height="56" rx="6" fill="{c}"/>'
    '<path d="M136 80 q19 -30 38 0" stroke="{c}" stroke-width="5" fill="none"/>'
    '<path d="M200 60 l6 12 l12 6 l-12 6 l-6 12 l-6 -12 l-12 -6 l12 -6Z" fill="#facc15"/>',
    "handyman": '<path d="M120 130 l50 -50" stroke="#78350f" stroke-width="10" '
    'stroke-linecap="round"/><rect x="160" y="50" width="44" height="22" rx="4" fill="{c}" '
    'transform="rotate(45 182 61)"/>',
    "ac_repair": '<rect x="100" y="50" width="120" height="40" rx="8" fill="#fff" stroke="{c}" '
    'stroke-width="4"/><path d="M160 100 v40 M142 110 l36 20 M178 110 l-36 20" stroke="#0ea5e9" '
    'stroke-width="5"/>',
    "gardener": '<path d="M160 140 v-50" stroke="#15803d" stroke-width="6"/>'
    '<path d="M160 96 q-40 -10 -40 -50 q40 0 40 50 q0 -50 40 -50 q0 40 -40 50" fill="{c}"/>',
    "pool_maintenance": '<rect x="90" y="70" width="140" height="60" rx="10" fill="#0ea5e9"/>'
    '<path d="M100 100 q15 -10 30 0 t30 0 t30 0 t30 0" stroke="#fff" stroke-width="4" '
    'fill="none"/><path d="M210 40 v70" stroke="{c}" stroke-width="6"/>',
    "movers": '<rect x="110" y="60" width="60" height="60" fill="#d97706" stroke="{c}" '
    'stroke-width="3"/><rect x="170" y="80" width="44" height="40" fill="#f59e0b" '
    'stroke="{c}" stroke-width="3"/><path d="M110 90 h60 M140 60 v60" stroke="{c}"/>',
    "lawyer": '<path d="M160 40 v96 M110 60 h100 M130 136 h60" stroke="{c}" stroke-width="6"/>'
    '<path d="M110 60 l-16 36 h32Z M210 60 l-16 36 h32Z" fill="{c}"/>',
    "accountant": '<rect x="120" y="40" width="80" height="100" rx="8" fill="{c}"/>'
    '<rect x="130" y="50" width="60" height="22" fill="#ecfccb"/>'
    + "".join(
        f'<rect x="{130 + c * 22}" y="{80 + r * 18}" width="16" height="12" fill="#fff"/>'
        for r in range(3)
        for c in range(3)
    ),
    "translator": '<rect x="90" y="46" width="90" height="54" rx="12" fill="{c}"/>'
    '<rect x="150" y="80" width="90" height="54" rx="12" fill="#fff" stroke="{c}" '
    'stroke-width="3"/><text x="110" y="80" font-family="sans-serif" font-size="22" '
    'fill="#fff">EN</text><text x="176" y="114" font-family="sans-serif" font-size="22" '
    'fill="#0f172a">TR</text>',
}


def _service_icon(kind: str, dark: str) -> str:
    icon = _SERVICE_ICONS.get(kind, _SERVICE_ICONS["handyman"]).replace("{c}", dark)
    return f'<circle cx="160" cy="88" r="74" fill="#fff" opacity="0.8"/>{icon}'


def _activity_scene(kind: str, seed: _Seed, dark: str) -> str:
    sea = '<rect y="90" width="320" height="80" fill="#0ea5e9"/>'
    hills = '<path d="M0 130 L70 60 L140 120 L210 50 L320 130 V170 H0Z" fill="#65a30d"/>'
    x = seed.pick(6, 60, 220)
    if kind in ("diving", "snorkeling"):
        bubbles = "".join(
            f'<circle cx="{x + 20 + i * 4}" cy="{120 - i * 14}" r="{3 + i}" fill="#e0f2fe"/>'
            for i in range(4)
        )
        return (
            '<rect width="320" height="170" fill="#0369a1"/>'
            f'<ellipse cx="{x}" cy="130" rx="34" ry="10" fill="{dark}"/>'
            f'<circle cx="{x - 30}" cy="126" r="9" fill="#fcd34d"/>{bubbles}'
            f'<path d="M{x + 60} 150 q10 -12 20 0 q-10 12 -20 0Z" fill="#f97316"/>'
        )
    if kind in ("boat_trip", "kayaking"):
        hull = (
            f'<path d="M{x - 50} 96 h100 l-16 22 h-68Z" fill="{dark}"/>'
            f'<path d="M{x} 96 v-56 l34 50Z" fill="#fff"/>'
            if kind == "boat_trip"
            else f'<ellipse cx="{x}" cy="100" rx="50" ry="7" fill="{dark}"/>'
            f'<path d="M{x - 40} 70 l80 40" stroke="#78350f" stroke-width="4"/>'
            f'<circle cx="{x}" cy="86" r="8" fill="#fcd34d"/>'
        )
        return sea + hull
    if kind == "paragliding":
        return (
            hills + f'<path d="M{x - 40} 50 q40 -30 80 0" stroke="{dark}" stroke-width="12" '
            f'fill="none"/><path d="M{x - 36} 52 L{x} 96 L{x + 36} 52" stroke="#0f172a" '
            f'fill="none"/><circle cx="{x}" cy="100" r="6" fill="#0f172a"/>'
        )
    if kind == "wine_tasting":
        return "".join(
            f'<path d="M{100 + i * 60} 60 h36 q0 40 -18 44 q-18 -4 -18 -44Z" fill="#7f1d1d"/>'
            f'<path d="M{118 + i * 60} 104 v40 M{106 + i * 60} 144 h24" stroke="#475569" '
            'stroke-width="3"/>'
            for i in range(2)
        )
    if kind == "yoga":
        return (
            '<circle cx="250" cy="50" r="22" fill="#facc15"/>'
            f'<rect x="{x - 50}" y="140" width="100" height="8" rx="4" fill="{dark}"/>'
            f'<circle cx="{x}" cy="90" r="9" fill="#0f172a"/>'
            f'<path d="M{x} 100 v24 l-24 16 M{x} 124 l24 16 M{x} 106 l-26 -20 M{x} 106 l26 -20" '
            'stroke="#0f172a" stroke-width="5" fill="none"/>'
        )
    # hiking, jeep safari, horse riding: a trail over the hills
    mover = (
        f'<rect x="{x - 26}" y="120" width="52" height="22" rx="4" fill="{dark}"/>'
        f'<circle cx="{x - 14}" cy="144" r="8" fill="#0f172a"/>'
        f'<circle cx="{x + 14}" cy="144" r="8" fill="#0f172a"/>'
        if kind == "jeep_safari"
        else f'<ellipse cx="{x}" cy="128" rx="26" ry="10" fill="{dark}"/>'
        f'<path d="M{x - 18} 134 v14 M{x + 18} 134 v14 M{x + 24} 124 l12 -16" '
        'stroke="#0f172a" stroke-width="4"/>'
        if kind == "horse_riding"
        else f'<circle cx="{x}" cy="112" r="7" fill="#0f172a"/><path d="M{x} 119 v18 l-10 14 '
        f'M{x} 137 l10 14 M{x} 124 l14 -6" stroke="#0f172a" stroke-width="4" fill="none"/>'
    )
    return (
        hills
        + '<path d="M0 160 Q160 110 320 150" stroke="#d6d3d1" stroke-width="8" '
        + (f'fill="none"/>{mover}')
    )


# --- View 1: a closer look ---------------------------------------------------------------------


def _detail(listing: Listing, seed: _Seed, dark: str, light: str) -> str:
    if listing.category in _HOME_CATEGORIES:
        return _room(listing, seed, dark)
    if listing.category == "car_rental":
        return _dashboard(listing, dark)
    if listing.category == "restaurant":
        return _shop_front(seed, dark)
    if listing.category == "service":
        return _van(seed, dark)
    return _route(seed, dark)


def _room(listing: Listing, seed: _Seed, dark: str) -> str:
    beds = listing.bedrooms or 0
    sofa_x = seed.pick(7, 30, 150)
    pool = "pool" in " ".join(str(f) for f in listing.attributes.get("features", []))
    view = "#0ea5e9" if "sea view" in listing.attributes.get("features", []) else "#86efac"
    return (
        '<rect y="130" width="320" height="40" fill="#d6d3d1"/>'
        f'<rect x="190" y="30" width="100" height="70" fill="{view}" stroke="#78716c" '
        'stroke-width="6"/><path d="M240 30 v70" stroke="#78716c" stroke-width="4"/>'
        + ('<rect x="196" y="84" width="88" height="10" fill="#22d3ee"/>' if pool else "")
        + f'<rect x="{sofa_x}" y="104" width="120" height="34" rx="8" fill="{dark}"/>'
        f'<rect x="{sofa_x}" y="88" width="120" height="22" rx="8" fill="{dark}" opacity="0.8"/>'
        + "".join(
            f'<rect x="{16 + i * 26}" y="20" width="20" height="14" rx="3" fill="#fff" '
            f'stroke="{dark}"/>'
            for i in range(beds)
        )
    )


def _dashboard(listing: Listing, dark: str) -> str:
    automatic = listing.attributes.get("transmission") == "automatic"
    seats = int(listing.attributes.get("seats", 5))
    gear = (
        '<text x="226" y="150" font-family="sans-serif" font-size="26" fill="#fff">A</text>'
        if automatic
        else '<path d="M214 128 v24 M230 128 v24 M246 128 v24 M214 140 h32" stroke="#fff" '
        'stroke-width="3"/>'
    )
    return (
        '<rect width="320" height="70" fill="#7dd3fc"/>'
        '<path d="M0 70 Q160 40 320 70 V170 H0Z" fill="#1e293b"/>'
        f'<circle cx="110" cy="120" r="40" fill="none" stroke="{dark}" stroke-width="10"/>'
        f'<path d="M70 120 h80 M110 120 v40" stroke="{dark}" stroke-width="8"/>'
        f'<rect x="200" y="118" width="60" height="40" rx="8" fill="{dark}"/>{gear}'
        + "".join(
            f'<circle cx="{24 + i * 12}" cy="90" r="4" fill="#e2e8f0"/>' for i in range(seats)
        )
    )


def _shop_front(seed: _Seed, dark: str) -> str:
    stripes = "".join(
        f'<rect x="{40 + i * 30}" y="40" width="15" height="26" fill="#fff"/>' for i in range(8)
    )
    tables = "".join(
        f'<ellipse cx="{60 + i * 90}" cy="150" rx="22" ry="6" fill="#78350f"/>'
        f'<path d="M{60 + i * 90} 150 v16" stroke="#78350f" stroke-width="4"/>'
        for i in range(seed.pick(8, 2, 3))
    )
    return (
        '<rect x="40" y="40" width="240" height="110" fill="#fafaf9"/>'
        f'<rect x="40" y="40" width="240" height="26" fill="{dark}"/>{stripes}'
        '<rect x="60" y="80" width="80" height="50" fill="#fde68a" stroke="#78350f"/>'
        '<rect x="180" y="80" width="40" height="70" fill="#78350f"/>' + tables
    )


def _van(seed: _Seed, dark: str) -> str:
    x = seed.pick(9, 30, 110)
    return (
        '<rect y="140" width="320" height="30" fill="#475569"/>'
        f'<rect x="{x}" y="80" width="130" height="56" rx="6" fill="#fff" stroke="{dark}" '
        f'stroke-width="3"/><path d="M{x + 130} 96 h30 l20 22 v18 h-50Z" fill="{dark}"/>'
        f'<rect x="{x + 12}" y="94" width="70" height="12" rx="3" fill="{dark}"/>'
        + "".join(f'<circle cx="{cx}" cy="140" r="12" fill="#0f172a"/>' for cx in (x + 28, x + 150))
    )


def _route(seed: _Seed, dark: str) -> str:
    points = [(30 + i * 65, seed.pick(10 + i, 40, 140)) for i in range(5)]
    path = " L".join(f"{x} {y}" for x, y in points)
    return (
        '<rect width="320" height="170" fill="#fef9c3"/>'
        f'<path d="M{path}" stroke="{dark}" stroke-width="5" stroke-dasharray="10 6" '
        'fill="none"/>'
        + "".join(f'<circle cx="{x}" cy="{y}" r="7" fill="{dark}"/>' for x, y in points)
    )


# --- View 2: where it is -----------------------------------------------------------------------

# The districts on a rough map of the north of the island (x, y in the 320 by 170 frame).
_DISTRICT_AT = {
    "Girne": (130, 60),
    "Lefkoşa": (150, 110),
    "Gazimağusa": (240, 120),
    "İskele": (250, 80),
    "Güzelyurt": (60, 95),
}


def _map(listing: Listing, seed: _Seed, dark: str) -> str:
    x, y = _DISTRICT_AT.get(listing.district, (160, 90))
    x, y = x + seed.pick(11, -10, 10), y + seed.pick(12, -8, 8)
    return (
        '<rect width="320" height="170" fill="#7dd3fc"/>'
        '<path d="M20 100 Q40 60 100 56 Q160 40 220 58 Q280 50 310 20 Q300 70 270 110 '
        'Q230 150 170 140 Q100 150 50 130 Q20 120 20 100Z" fill="#fef3c7" stroke="#a16207"/>'
        f'<path d="M{x} {y} q-14 -18 0 -30 q14 12 0 30Z" fill="{dark}"/>'
        f'<circle cx="{x}" cy="{y - 18}" r="5" fill="#fff"/>'
        f'<text x="{min(x + 12, 230)}" y="{y - 12}" font-family="sans-serif" font-size="13" '
        f'fill="#0f172a">{escape(listing.district)}</text>'
    )
