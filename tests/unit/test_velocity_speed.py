"""The speed-ups of issue 10's benchmark goal count what the plain definitions count: the timing's
interval counting, the open book's row_no table, and ages compared in sorted order."""

from __future__ import annotations

import numpy as np
import pytest

from funnel.velocity.forecast import (
    Durations,
    OpenBook,
    _dense_keys,
    _stayed_and_closed_by,
    age_adjusted,
    close_month_probabilities,
)


def test_stayed_and_closed_by_counts_by_hand():
    # won deals: (stay, days to close) = (2, 10), (6, 8), (9, 20), (12, 12); open deals aged 1, 5, 10.
    ref = Durations.of([2.0, 6, 9, 12], [10.0, 8, 20, 12])
    alive, closed = _stayed_and_closed_by(ref, np.array([1.0, 5, 10]), np.array([0.0, 7.0]))
    # age 1: all 4 stayed longer; closed within 1 day: none; within 8: (6, 8) -> 1
    # age 5: (6, 8), (9, 20), (12, 12); within 5: none; within 12: (6, 8), (12, 12) -> 2
    # age 10: (12, 12); within 10: none; within 17: (12, 12) -> 1
    assert alive.tolist() == [4, 3, 1]
    assert closed.tolist() == [[0, 1], [0, 2], [0, 1]]


def test_close_month_probabilities_keep_the_deals_order():
    # the deals come unsorted; each gets its own row back. Won after 10, 20, 30, 40 days;
    # month bounds 0, 11, 40 days: age 15 -> of 20, 30, 40: Jan (<= 26) 20, Feb (<= 55) 30, 40;
    # age 5 -> of all four: Jan (<= 16) 10, Feb (<= 45) 20, 30, 40
    book = OpenBook(np.array([1, 1]), np.array([15.0, 5.0]), np.zeros(2, bool), np.array([1.0, 1.0]),
                    np.array(["open", "open"], object), np.array([None, None], "datetime64[us]"))
    q = close_month_probabilities(book, {1: np.array([10.0, 20, 30, 40])}, np.array([0.0, 11.0, 40.0]))
    assert q[0] == pytest.approx([1 / 3, 2 / 3])
    assert q[1] == pytest.approx([1 / 4, 3 / 4])


def test_age_adjusted_with_equal_ages_by_hand():
    # won after 10, 20; lost after 30; three open deals aged 20, 5, 20 (ties).
    # Age 20: longer won none (20 is not longer), lost 30; open waited >= 20: two -> 0 / 3.
    # Age 5: won 10, 20; lost 30; open: all three -> 2 / 6.
    book = OpenBook(np.array([1, 1, 1]), np.array([20.0, 5, 20]), np.zeros(3, bool), np.ones(3),
                    np.array(["open"] * 3, object), np.array([None] * 3, "datetime64[us]"))
    p = age_adjusted(book, {"won": {1: np.array([10.0, 20])}, "lost": {1: np.array([30.0])}})
    assert p.tolist() == pytest.approx([0.0, 2 / 6, 0.0])


def test_dense_keys_keep_row_numbers_and_replace_sparse_ones():
    deals, stays = np.array([1, 2, 5]), np.array([5, 1, 3])
    keys, stay_keys = _dense_keys(deals, stays)
    assert keys.tolist() == [1, 2, 5] and stay_keys.tolist() == [5, 1, 3]  # row numbers: used as they are
    # a warehouse's own keys, far apart: the deal's index, and a stay of no listed deal past them
    keys, stay_keys = _dense_keys(np.array([7, 10 ** 12]), np.array([10 ** 12, 8, 7]))
    assert keys.tolist() == [0, 1] and stay_keys.tolist() == [1, 2, 0]
