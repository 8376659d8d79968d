"""Numbers as people read them: thousands grouped, Russian with a decimal comma and no-break
spaces, ``None``/NaN as "—". Shared by figures, pages and the statistics wording."""

from __future__ import annotations

DASH = "—"


def fmt_int(value: int | float | None, lang: str = "en") -> str:
    if value is None or value != value:  # None or NaN
        return DASH
    text = f"{round(value):,}"
    return text.replace(",", "\u00a0") if lang == "ru" else text


def fmt_pct(value: float | None, lang: str = "en", digits: int = 1) -> str:
    if value is None or value != value:
        return DASH
    text = f"{value * 100:.{digits}f}%"
    return text.replace(".", ",").replace("%", "\u00a0%") if lang == "ru" else text


def fmt_num(value: float | None, lang: str = "en", digits: int = 0) -> str:
    if value is None or value != value:
        return DASH
    text = f"{value:,.{digits}f}"
    if lang == "ru":
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


COMPACT = {"en": ((1e9, "B"), (1e6, "M"), (1e3, "K")), "ru": ((1e9, "\u00a0млрд"), (1e6, "\u00a0млн"), (1e3, "\u00a0тыс."))}


def fmt_compact(value: float | None, lang: str = "en") -> str:
    """Big money in a KPI tile, three significant digits: 79,806,500 -> "79.8M" / "79,8 млн",
    293,412 -> "293K" / "293 тыс." (so a Russian value fits a tile; the exact value is in the tooltip)."""
    if value is None or value != value:
        return DASH
    for size, suffix in COMPACT.get(lang, COMPACT["en"]):
        if abs(value) >= size:
            scaled = value / size
            return fmt_num(scaled, lang, 0 if abs(scaled) >= 99.95 else 1) + suffix
    return fmt_num(value, lang)
