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
