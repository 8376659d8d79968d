"""Plotly's own numbers in the reader's locale.

Plotly formats axis ticks itself with d3-format, which knows no locale: ``.0%`` writes "10%" on a
Russian screen, where CLDR wants "10 %" (a no-break space) and a decimal comma. So every figure
gets the language's decimal and group signs as ``layout.separators`` (from Babel), and share axes
get explicit ticks written by :func:`funnel.formats.fmt_pct` (``tickvals`` + ``ticktext``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .formats import fmt_pct
from .i18n import locale

# every figure's ``autotypenumbers``: a category that looks like a number (a HubSpot pipeline's stage
# «95211147», a manager's id) stays a name; Plotly's default turned the funnel's stage axis into a
# linear axis of millions
STRICT = "strict"


def separators(lang: str) -> str:
    """Plotly's ``separators``: the decimal sign then the group sign (".," / ", " / ".,")."""
    symbols = locale(lang).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


def _nice_step(raw: float) -> float:
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw - 1e-12)


def percent_ticks(values: Iterable[float | None], lang: str, n: int = 5, top: float | None = None) -> dict:
    """``tickvals``/``ticktext`` for an axis of shares (0.1 = 10 %) from 0 up to the largest value
    (or ``top``), about ``n`` ticks, each written in the language's percent pattern."""
    if top is None:
        top = max((v for v in values if v is not None and math.isfinite(v)), default=0.0)
    top = top if top > 0 else 1.0
    step = _nice_step(top / n)
    digits = next(d for d in range(4) if abs(round(step * 100, d) - step * 100) < 1e-9 or d == 3)
    ticks = [round(i * step, 10) for i in range(int(math.ceil(top / step - 1e-9)) + 1)]
    return {"tickmode": "array", "tickvals": ticks, "ticktext": [fmt_pct(v, lang, digits) for v in ticks]}


LOG_PAD = 0.05  # a log axis runs this share of its decades past its first and last ticks (a marker's half)


def log_ticks(values: Iterable[float | None], lang: str, most: int = 12) -> dict:
    """``tickvals``/``ticktext`` and ``range`` for a log axis of days: 1-2-5 steps covering the values
    (0.5, 1, 2, 5, 10, ...), each written by :func:`funnel.formats.fmt_num` (a decimal comma in Russian).
    More than ``most`` ticks: 1-5 steps only, then powers of ten only, so the labels do not crowd (a
    phone's plot holds about 7 upright). The range runs from the first tick to the last and
    :data:`LOG_PAD` of the span past them, so the largest value sits inside the axis, before a tick
    (plotly's own range ended at it: a 272-day marker on the plot's edge past the last tick, 200).

    Plotly's own labels on a log axis show only the leading digit of minor ticks (0.5 reads "5"),
    and d3-format knows no locale."""
    from .formats import fmt_num

    finite = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    low, high = (min(finite), max(finite)) if finite else (1.0, 10.0)
    steps = [round(m * 10.0 ** e, 10) for e in range(math.floor(math.log10(low)) - 1, math.floor(math.log10(high)) + 2)
             for m in (1, 2, 5)]
    for leading in ("125", "15", "1"):  # thinner and thinner until the ticks are few enough
        kept = [v for v in steps if f"{v:e}"[0] in leading]
        first = max(v for v in kept if v <= low * (1 + 1e-9))  # from the tick at or below the smallest value
        last = min(v for v in kept if v >= high * (1 - 1e-9))  # to the tick at or above the largest
        ticks = [v for v in kept if first <= v <= last]
        if len(ticks) <= most:
            break
    digits = [max(0, -math.floor(math.log10(v) + 1e-9)) for v in ticks]
    ends = math.log10(ticks[0]), math.log10(ticks[-1])
    pad = LOG_PAD * max(ends[1] - ends[0], 1.0)
    return {"tickmode": "array", "tickvals": ticks, "ticktext": [fmt_num(v, lang, d) for v, d in zip(ticks, digits, strict=True)],
            "range": [round(ends[0] - pad, 6), round(ends[1] + pad, 6)]}


def value_ticks(values: Iterable[float | None], lang: str, n: int = 5, *, money: bool = True) -> dict:
    """``tickvals``/``ticktext`` for an axis from 0 up to the largest value: amounts written short in
    the language (2 млн, 2M, 200万, by :func:`funnel.formats.fmt_compact`; plotly's own SI suffix
    writes "2M" on every screen), counts as whole numbers (no 5.5 shown as "5")."""
    from .formats import fmt_compact, fmt_int

    top = max((v for v in values if v is not None and math.isfinite(v)), default=0.0)
    top = top if top > 0 else 1.0
    step = _nice_step(top / n)
    if not money:
        step = max(1.0, float(math.ceil(step)))
    ticks = [round(i * step, 10) for i in range(int(math.ceil(top / step - 1e-9)) + 1)]
    text = [fmt_compact(v, lang) if money else fmt_int(v, lang) for v in ticks]
    return {"tickmode": "array", "tickvals": ticks, "ticktext": text}
