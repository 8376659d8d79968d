"""Typed-in A/B numbers as text: ``"A=120/1000,B=150/1000"`` (counts), ``"A=100:2500:90000"``
(n, sum, sum of squares) and an expected split (``"50,50"`` or ``"A=1,B=1"``).

Shared by the command line (``funnel.stats_cli``) and the A/B page; bad text raises
:class:`InputError` carrying the catalog key of its message and the text itself.
"""

from __future__ import annotations


class InputError(ValueError):
    def __init__(self, key: str, value: str):
        super().__init__(key)
        self.key, self.value = key, value


def _pairs(text: str, key: str) -> list[tuple[str, str]]:
    pairs = []
    for item in (text or "").split(","):
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise InputError(key, text)
        pairs.append((name.strip(), value.strip()))
    if len({n for n, _ in pairs}) != len(pairs):
        raise InputError(key, text)
    return pairs


def parse_counts(text: str) -> dict[str, tuple[int, int]]:
    """``"A=120/1000,B=150/1000"`` -> ``{"A": (1000, 120), "B": (1000, 150)}`` (n, conversions)."""
    out = {}
    for name, value in _pairs(text, "stats.cli.error.counts"):
        conv, sep, leads = value.partition("/")
        if not sep or not conv.strip().isdigit() or not leads.strip().isdigit():
            raise InputError("stats.cli.error.counts", text)
        out[name] = (int(leads), int(conv))
    return out


def parse_means(text: str) -> dict[str, tuple[int, float, float]]:
    """``"A=100:2500:90000"`` -> ``{"A": (100, 2500.0, 90000.0)}`` (n, sum, sum of squares)."""
    out = {}
    for name, value in _pairs(text, "stats.cli.error.means"):
        parts = value.split(":")
        try:
            if len(parts) != 3 or not parts[0].strip().isdigit():
                raise ValueError(value)
            out[name] = (int(parts[0]), float(parts[1]), float(parts[2]))
        except ValueError as exc:
            raise InputError("stats.cli.error.means", text) from exc
    return out


def parse_split(text: str | None) -> list[float] | dict[str, float] | None:
    """``"50,50"`` -> ``[50.0, 50.0]``; ``"A=1,B=1"`` -> ``{"A": 1.0, "B": 1.0}``."""
    if not text:
        return None
    try:
        if "=" in text:
            return {name: float(value) for name, value in _pairs(text, "stats.cli.error.split")}
        return [float(x) for x in text.split(",")]
    except ValueError as exc:
        raise InputError("stats.cli.error.split", text) from exc
