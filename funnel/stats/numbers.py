"""Small helpers that keep every statistics result JSON-safe.

NaN and infinities become ``None`` where a result is computed, so
``json.dumps(result.to_json(), allow_nan=False)`` always works and a page never shows "nan".
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import SupportsFloat, SupportsInt, cast


def clean(value: object) -> float | None:
    """``value`` as a finite float, or ``None`` for None / NaN / inf / non-numbers."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def as_count(value: object) -> int | None:
    """A non-negative whole number (``3`` or ``3.0``), else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Integral):  # int, numpy integers (mypy does not model the numbers tower: casts)
        whole = int(cast(SupportsInt, value))
        return whole if whole >= 0 else None
    if isinstance(value, Real):
        number = float(cast(SupportsFloat, value))
        return int(number) if math.isfinite(number) and number.is_integer() and number >= 0 else None
    return None


def valid_alpha(alpha: object) -> bool:
    number = clean(alpha)
    return number is not None and 0.0 < number < 1.0
