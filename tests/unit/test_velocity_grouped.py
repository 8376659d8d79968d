# ruff: noqa: F811  (the story fixture is imported, then named as a test argument)
"""The speed-ups of issue 10 point 10 give the numbers of the plain computations: durations read
grouped with a count (Kaplan–Meier medians, the forecast's reference deals), the back-test's
reference deals read once for all its months, the timing's sample taken from counts."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pytest

from funnel.metrics.context import resolve
from funnel.spec import FunnelSpec
from funnel.velocity.forecast import (
    Durations,
    OpenBook,
    References,
    _longer,
    _tie_bounds,
    _timing_sample,
    age_adjusted,
    read_references,
    remaining_times,
)
from funnel.velocity.time_in_stage import km_median
from tests.unit.velocity_story import story  # noqa: F401 (story: a fixture)


def test_km_median_from_counts_by_hand():
    # stays 2, 2, 2 (ended), 5 (still running), 7, 9 (ended): at t=2 S = 1 - 3/6 = 0.5 -> median 2
    assert km_median(np.array([2.0, 5, 7, 9]), np.array([1, 0, 1, 1]), np.array([3, 1, 1, 1])) == 2.0
    # 2 (ended) once, 5 (running) twice, 7 (ended) once: S(2) = 3/4, S(7) = 3/4 * 0 = 0 -> median 7
    assert km_median(np.array([2.0, 5, 7]), np.array([1, 0, 1]), np.array([1, 2, 1])) == 7.0
    # the same stays one row each give the same medians
    assert km_median(np.array([2.0, 2, 2, 5, 7, 9]), np.array([1, 1, 1, 0, 1, 1])) == 2.0
    assert km_median(np.array([2.0, 5, 5, 7]), np.array([1, 0, 0, 1])) == 7.0


def test_longer_counts_grouped_durations_by_hand():
    # durations 10 (once), 20 (twice), 30 (once), 40 (three times)
    r, count = np.array([40.0, 10, 30, 20]), np.array([3, 1, 1, 2])
    # longer than 15: 20, 20, 30, 40 × 3 = 6; than 30: 40 × 3 = 3 (30 itself is not longer); 45: 0; 5: all 7
    assert _longer(r, np.array([15.0, 30, 45, 5]), count).tolist() == [6, 3, 0, 7]
    assert _longer(np.repeat(r, count), np.array([15.0, 30, 45, 5])).tolist() == [6, 3, 0, 7]


def test_tie_bounds_by_hand():
    # ages 1, 2, 2, 2, 5: fewer than each: 0, 1, 1, 1, 4; at most each: 1, 4, 4, 4, 5
    before, after = _tie_bounds(np.array([1.0, 2, 2, 2, 5]))
    assert before.tolist() == [0, 1, 1, 1, 4] and after.tolist() == [1, 4, 4, 4, 5]
    assert [a.tolist() for a in _tie_bounds(np.zeros(0))] == [[], []]
    # with them, _longer gives what it gives without: 20 x 2 and 40 longer than 15, only 40 than 30
    r, count, x = np.array([40.0, 20]), np.array([1, 2]), np.array([15.0, 30, 30])
    assert _longer(r, x, count, x_sorted=True, after=_tie_bounds(x)[1]).tolist() == [3, 1, 1]


def test_age_adjusted_from_grouped_references_by_hand():
    # stage 1 (as the hand test of test_velocity_forecast): won after 10, 20, 30, 40 days, lost after
    # 5, 25; open at ages 15 and 50 -> 3 / 6 and 0. Here read as References rows, 20 twice as one row
    # with count 2 among rows of another stage and a later as-of (closed_by 1: not counted at 0).
    refs = References(won=np.array([True, True, True, False, True, False, True]),
                      position=np.array([1, 1, 1, 1, 2, 1, 1]),
                      closed_by=np.array([0, 0, 0, 0, 0, 0, 1]),
                      stay=np.array([10.0, 30, 40, 5, 99, 25, 60]),
                      remaining=np.array([10.0, 30, 40, np.nan, 99, np.nan, 60]),
                      count=np.array([1, 1, 1, 1, 4, 1, 5]))
    refs = References(*(np.r_[x, y] for x, y in zip(
        (refs.won, refs.position, refs.closed_by, refs.stay, refs.remaining, refs.count),
        (np.array([True]), np.array([1]), np.array([0]), np.array([20.0]), np.array([20.0]), np.array([1])),
        strict=True)))
    book = OpenBook(np.array([1, 1]), np.array([15.0, 50.0]), np.zeros(2, bool), np.array([100.0, 100.0]),
                    np.array(["open", "open"], object), np.array([None, None], "datetime64[us]"))
    assert age_adjusted(book, refs.by_stage(0)) == pytest.approx([0.5, 0.0])
    # as of the later time the five 60-day winners count too: age 15 -> 8 / 11, age 50 -> 5 / 6
    assert age_adjusted(book, refs.by_stage(1)) == pytest.approx([8 / 11, 5 / 6])


def test_timing_sample_from_counts_is_the_sample_of_every_deal():
    # 1,500 won deals in few distinct stays (ties), remaining days spread: the sample of 1,000 by
    # (stay, remaining) order read from the grouped rows equals the one read from every deal sorted
    rng = np.random.default_rng(3)
    stay = rng.choice([1.0, 5.0, 5.5, 12.0], 1500)
    remaining = stay + rng.integers(0, 40, 1500)
    pairs, count = np.unique(np.c_[stay, remaining], axis=0, return_counts=True)
    shuffled = rng.permutation(len(pairs))
    grouped = _timing_sample(Durations(pairs[shuffled, 0], pairs[shuffled, 1], count[shuffled], ordered=False))
    order = np.lexsort((remaining, stay))
    keep = np.unique(np.linspace(0, 1499, 1000).round().astype(int))
    assert grouped.stay.tolist() == stay[order][keep].tolist()
    assert grouped.remaining.tolist() == remaining[order][keep].tolist()
    # 3 deals only: all of them, ordered by stay
    few = _timing_sample(Durations(np.array([9.0, 2.0]), np.array([10.0, 3.0]), np.array([1, 2]), ordered=False))
    assert few.stay.tolist() == [2.0, 2.0, 9.0] and few.remaining.tolist() == [3.0, 3.0, 10.0]


def test_references_read_once_equal_one_read_per_as_of(story):
    con, info = story
    ctx = resolve(con, info, FunnelSpec())
    times = [datetime(2024, 1, 12), datetime(2024, 1, 16), datetime(2024, 2, 1), datetime(2024, 3, 1)]
    once = read_references(con, info, ctx, times)
    for k, when in enumerate(times):
        each = remaining_times(con, info, ctx, when)
        got = once.by_stage(k)
        for outcome in ("won", "lost"):
            assert sorted(got[outcome]) == sorted(each[outcome])
            for pos, d in each[outcome].items():
                g = got[outcome][pos]
                assert sorted(np.repeat(g.stay, g.count).tolist()) == sorted(np.repeat(d.stay, d.count).tolist())
    # by the story's hand values: by Jan 16 A (won, Jan 11) and C (lost, Jan 15) had closed
    jan16 = once.by_stage(1)
    assert sum(len(d) for d in jan16["won"].values()) > 0 and sum(len(d) for d in jan16["lost"].values()) > 0
    assert once.by_stage(0)["lost"] == {}  # C closed on Jan 15: after Jan 12
