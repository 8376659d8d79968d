"""Figures that read on a phone (390 px) and on a laptop alike: tick labels wrapped into lines,
heights worked out from what a figure holds.

Python cannot know the reader's screen (Streamlit draws a figure at its column's width), so a
figure is laid out for the narrowest one it must serve: long names go on rows, wrapped, where a
phone has the height to give, rather than side by side, where it has no width.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

ELLIPSIS = "…"
# a date axis (months, cohorts) writes this many ticks at most: a phone's ~300 px plot holds four
# «апр. 2025 г.» at -30°, ~62 px each
DATE_TICKS = 4


def text_width(text: str) -> int:
    """Characters a label takes, a Chinese (wide) character counting as two: «收入» is 4, "Won" 3."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _chunks(word: str, width: int) -> list[str]:
    """A word wider than a line (Chinese has no spaces) cut into pieces of at most ``width``."""
    out, piece = [], ""
    for ch in word:
        if piece and text_width(piece + ch) > width:
            out.append(piece)
            piece = ""
        piece += ch
    return [*out, piece] if piece else out


def wrap_lines(text: str, width: int, max_lines: int = 3) -> list[str]:
    """``text`` broken at spaces into lines of at most ``width`` (:func:`text_width`); a word wider
    than a line is cut. Past ``max_lines`` the last line kept ends with «…» (the figure's hover
    carries the whole name). Plain text in, plain text out."""
    lines: list[str] = []
    for word in str(text).split():
        for piece in _chunks(word, width):
            if lines and text_width(lines[-1] + " " + piece) <= width:
                lines[-1] += " " + piece
            else:
                lines.append(piece)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and text_width(last + ELLIPSIS) > width:
            last = last[:-1].rstrip()
        lines = [*lines[:max_lines - 1], last + ELLIPSIS]
    return lines or [""]


def wrap_label(text: str, width: int, max_lines: int = 3) -> str:
    """:func:`wrap_lines` as plotly text: each line escaped (:func:`funnel.charts.esc`), joined by ``<br>``."""
    from .charts import esc  # here, not above: funnel.charts uses this module's tick helpers

    return "<br>".join(esc(line) for line in wrap_lines(text, width, max_lines))


def line_count(label: str) -> int:
    """Lines of a wrapped plotly label (:func:`wrap_label`)."""
    return label.count("<br>") + 1


def tick_step(count: int, most: int) -> int:
    """Every how many of ``count`` ticks (months, cohorts) an axis writes one so it writes ``most`` at
    most: 18 months, 4 at most → every 5th (1, 6, 11, 16); 16 → every 4th; 4 → each one."""
    return max(1, -(-count // max(1, most)))


def spaced(items: Sequence[T], most: int) -> list[T]:
    """Every :func:`tick_step`-th of ``items`` from the first: the ticks a category axis writes."""
    return list(items[::tick_step(len(items), most)])
