"""Figures shared across sessions (ui/figures.py): remembered under the exact bytes of their inputs,
so the same rows, words and language give the one figure built, and any other dataset's numbers,
another language or other words give their own figure (never a figure of someone else's data)."""

from __future__ import annotations

import pytest

from funnel import charts
from funnel.metrics.stages import StageRow
from ui import figures

ROWS_A = [StageRow("Lead", 1, 100, None, 1.0, 40, 30, 10), StageRow("Won", 2, 60, 0.6, 0.6, None, None, None)]
ROWS_B = [StageRow("Lead", 1, 100, None, 1.0, 50, 30, 20), StageRow("Won", 2, 50, 0.5, 0.5, None, None, None)]
LABELS = {"reached": "Reached", "step": "step", "cumulative": "total"}


@pytest.fixture(autouse=True)
def empty():
    figures.clear()
    yield
    figures.clear()


def _built() -> int:
    return figures.STATS["built"]


def test_the_same_inputs_give_the_one_figure_built():
    before = _built()
    first = figures.funnel_figure(ROWS_A, LABELS, "en")
    again = figures.funnel_figure(list(ROWS_A), dict(LABELS), "en")  # equal copies, as a cache hit returns
    assert again is first and _built() == before + 1
    assert first.to_dict() == charts.funnel_figure(ROWS_A, LABELS, "en").to_dict()  # what the builder draws


def test_other_numbers_another_language_or_other_words_are_other_figures():
    a = figures.funnel_figure(ROWS_A, LABELS, "en")
    b = figures.funnel_figure(ROWS_B, LABELS, "en")  # same stage names, another dataset's counts
    assert b is not a
    assert list(a.data[0].x) == [100, 60] and list(b.data[0].x) == [100, 50]
    ru = figures.funnel_figure(ROWS_A, LABELS, "ru")
    assert ru is not a and ru.layout.separators == ",\u00a0" and a.layout.separators == ".,"  # CLDR decimal, group
    worded = figures.funnel_figure(ROWS_A, {**LABELS, "step": "шаг"}, "en")
    assert worded is not a and "шаг" in worded.data[0].text[1]


def test_keyword_arguments_are_part_of_the_key():
    a = figures.overlay_figure(ROWS_A, ROWS_B, "Q1", "Q2", labels=LABELS, lang="en")
    b = figures.overlay_figure(ROWS_A, ROWS_B, "Q1", "Q2", labels=LABELS, lang="ru")
    assert a is not b and [t.name for t in a.data] == ["Q1", "Q2"]
    assert figures.overlay_figure(ROWS_A, ROWS_B, "Q1", "Q2", labels=LABELS, lang="en") is a


def test_inputs_that_cannot_be_pickled_are_built_every_time():
    calls = []

    def build(value):
        calls.append(value)
        return object()

    shared = figures.shared(build)
    unpicklable = lambda: None  # noqa: E731 - a lambda cannot be pickled
    assert shared(unpicklable) is not shared(unpicklable)
    assert len(calls) == 2
    assert shared(1) is shared(1) and len(calls) == 3


def test_the_oldest_figures_are_dropped_beyond_the_limit(monkeypatch):
    monkeypatch.setattr(figures, "MAX_FIGURES", 2)
    first = figures.funnel_figure(ROWS_A, LABELS, "en")
    figures.funnel_figure(ROWS_B, LABELS, "en")
    figures.funnel_figure(ROWS_A, LABELS, "ru")  # a third: the first one is dropped
    assert figures.funnel_figure(ROWS_A, LABELS, "en") is not first
