"""Numbers, money and dates as people of each language read them, by Babel's CLDR data: groups
(1,172 / 1 172 with a no-break space / 1,172), the decimal sign, the percent pattern
(12.5% / 12,5 % / 12.5%), currency symbols and date formats. ``None``/NaN is "—".
Shared by figures, pages and the statistics wording; the language codes are those of
:mod:`funnel.i18n` (its ``LOCALES`` maps them onto Babel locales)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from babel.dates import format_skeleton, format_time
from babel.numbers import format_compact_decimal, format_currency, format_decimal, format_percent

from .i18n import date_text, locale

DASH = "—"


def _missing(value: object) -> bool:
    return value is None or value != value  # None or NaN


@lru_cache(maxsize=1 << 16)
def _babel_number(kind: str, value: object, pattern: str, lang: str) -> str:
    """Babel's formatting of one number (~0.3 ms a call, hundreds per page run): remembered for
    the process, since the same numbers come back on every rerun and for every viewer."""
    fn = format_percent if kind == "percent" else format_decimal
    return fn(value, format=pattern, locale=locale(lang))  # type: ignore[arg-type]  # a number, kept hashable


def _number(kind: str, value: object, pattern: str, lang: str) -> str:
    try:
        return _babel_number(kind, value, pattern, lang)
    except TypeError:  # an unhashable number type: format it without the memo
        return _babel_number.__wrapped__(kind, value, pattern, lang)


def _digits(digits: int) -> str:
    return "." + "0" * digits if digits > 0 else ""


def fmt_int(value: int | float | None, lang: str = "en") -> str:
    """A count, rounded: 1172 -> "1,172" / "1 172" / "1,172"."""
    if value is None or _missing(value):
        return DASH
    return _number("decimal", round(value), "#,##0", lang)


def fmt_num(value: float | None, lang: str = "en", digits: int = 0) -> str:
    """A number with exactly ``digits`` decimals: 1172.5 -> "1,172.5" / "1 172,5"."""
    if value is None or _missing(value):
        return DASH
    return _number("decimal", value, "#,##0" + _digits(digits), lang)


def fmt_pct(value: float | None, lang: str = "en", digits: int = 1) -> str:
    """A share as a percentage in the language's pattern: 0.125 -> "12.5%" / "12,5 %"."""
    if value is None or _missing(value):
        return DASH
    if value and abs(value) * 100 < 10 ** -digits:
        # a share too small for ``digits`` decimals gets two significant digits: 5 of 45,700 is «0,011 %»,
        # never «0,0 %» beside a goal that some did reach (session 50, an ad report's goal conversion)
        digits = min(6, 1 - math.floor(math.log10(abs(value) * 100)))
    pattern = locale(lang).percent_formats[None].pattern.replace("#,##0", "#,##0" + _digits(digits), 1)
    return _number("percent", value, pattern, lang)


def fmt_money(value: float | None, currency: str | None, lang: str = "en", digits: int = 0) -> str:
    """An amount with its currency symbol where the code is known (ISO 4217: "RUB" -> 1 234 ₽,
    $1,234); without a currency, the plain number."""
    if value is None or _missing(value):
        return DASH
    code = (currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        return fmt_num(value, lang, digits)
    return format_currency(value, code, locale=locale(lang), currency_digits=False,
                           format=None if digits else _no_decimals(lang))


def _no_decimals(lang: str) -> str:
    pattern = locale(lang).currency_formats["standard"].pattern.split(";")[0]
    return re.sub(r"0\.0+", "0", pattern)


def fmt_date(value: date | None, lang: str = "en") -> str:
    """05.03.2024 / Mar 5, 2024 / 2024年3月5日 (never ISO on screen)."""
    return DASH if value is None else date_text(value, lang)


def fmt_datetime(value: datetime | None, lang: str = "en") -> str:
    """A moment to the second, as the language writes it: 05.03.2024 14:07:09 / Mar 5, 2024, 2:07:09 PM /
    2024年3月5日 14:07:09 (Babel's medium time; an audit trail needs the seconds)."""
    if value is None:
        return DASH
    return f"{date_text(value.date(), lang)} {format_time(value, 'medium', locale=locale(lang))}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def fmt_p(value: float | None, lang: str = "en") -> str:
    """A p-value as the language writes numbers, to two significant digits: 0.012 / 0,012; a tiny one as
    1.9·10⁻³² / 1,9·10⁻³² (survey 51: Python's «1.9e-32» in Russian text)."""
    if value is None or value != value:
        return DASH
    if value == 0 or value >= 1e-4:
        digits = 0 if value == 0 else max(1, 1 - math.floor(math.log10(value)))  # two significant digits
        return fmt_num(value, lang, min(digits, 5))
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{fmt_num(float(mantissa), lang, 1)}·10{str(int(exponent)).translate(_SUPERSCRIPT)}"


COHORT_SKELETONS = {"month": "yMMM", "quarter": "yQQQ"}


def fmt_cohort(key: date | None, unit: str, lang: str = "en") -> str:
    """A cohort's name: May 2025 / май 2025 г. / 2025年5月, Q2 2025 / 2-й кв. 2025 г. / 2025年第2季度;
    a week by the date it starts."""
    if key is None:
        return DASH
    skeleton = COHORT_SKELETONS.get(unit)
    return format_skeleton(skeleton, key, locale=locale(lang)) if skeleton else fmt_date(key, lang)


def fmt_compact(value: float | None, lang: str = "en") -> str:
    """Big money in a KPI tile, three significant digits in the language's short units:
    79,806,500 -> "79.8M" / "79,8 млн" / "7981万", 293,412 -> "293K" / "293 тыс." / "29.3万"
    (so a value fits a tile; the exact value is in the tooltip)."""
    if value is None or _missing(value):
        return DASH
    if abs(value) < 1000:
        return fmt_num(value, lang)
    try:
        return _compact(value, lang)
    except TypeError:  # an unhashable number type: format it without the memo
        return _compact.__wrapped__(value, lang)


@lru_cache(maxsize=1 << 14)
def _compact(value: float, lang: str) -> str:
    """:func:`fmt_compact` of a value of 1,000 or more (Babel's compact format, ~1 ms: remembered)."""
    loc = locale(lang)
    text = format_compact_decimal(value, format_type="short", fraction_digits=1, locale=loc)
    if not re.search(r"[^\d\s.,\u00a0-]", text):  # below the language's first short unit (zh: 万)
        return fmt_num(value, lang)
    whole = re.match(r"-?(\d+)", text.replace(loc.number_symbols["latn"]["group"], ""))
    if whole and len(whole.group(1)) >= 3:
        text = format_compact_decimal(value, format_type="short", fraction_digits=0, locale=loc)
    return text


def fmt_unit_cost(value: float | None, lang: str = "en") -> str:
    """A cost per lead or per sale: below 1,000 with its cents (a CPL of 4.71 is not «5»: 6 % off), else as
    :func:`fmt_compact`."""
    if value is None or _missing(value):
        return DASH
    return fmt_num(value, lang, 2) if abs(value) < 1000 else fmt_compact(value, lang)


RATE_KPIS = ("win_rate", "win_rate_all", "close_rate", "fit_rate")


def kpi_delta(key: str, change: Any, lang: str = "en", pp: str = "pp") -> str | None:
    """The tile's change against the previous period: points for rates, per cent for the rest.

    ``None`` (no delta shown) when either period has no value. A previous value of 0 has no
    relative change, so the absolute one is shown.
    """
    if change is None or change.change_abs is None:
        return None
    sign = "+" if change.change_abs >= 0 else "-"
    if key in RATE_KPIS:
        return f"{sign}{fmt_num(abs(change.change_abs) * 100, lang, 1)} {pp}"
    if change.change_rel is None:
        return f"{sign}{fmt_num(abs(change.change_abs), lang, 1 if key.endswith('_days') else 0)}"
    return f"{sign}{fmt_pct(abs(change.change_rel), lang)}"


# The units a duration is read in, with their length in days (a web visitor's steps take minutes)
DURATION_UNITS = (("second", 1 / 86400), ("minute", 1 / 1440), ("hour", 1 / 24), ("day", 1.0))


def duration_unit(days: list[float | None]) -> tuple[str, float]:
    """The largest unit (name, its length in days) in which the typical (median) of ``days`` is at
    least 1: a page of stays lasting minutes reads «12.7 min», not «0.0088 days»."""
    values = sorted(v for v in days if v is not None and v > 0)
    typical = values[len(values) // 2] if values else 1.0
    for name, size in reversed(DURATION_UNITS):
        if typical >= size:
            return name, size
    return DURATION_UNITS[0]


def unit_name(unit: str, lang: str = "en") -> str:
    """A duration unit's short name in the language (CLDR): min / мин / 分钟."""
    from babel.units import get_unit_name

    return get_unit_name(f"duration-{unit}", length="short", locale=locale(lang)) or unit
