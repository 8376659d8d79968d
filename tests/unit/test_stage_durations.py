"""The import's stored stage durations (velocity_stage_durations.sql) give percentile_cont's type-7
percentiles, the mean and the sum of the finished stays, worked out here by numpy from the rows."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from funnel.sql import load, render

PERCENTILES = (10, 25, 50, 75, 90)


def _durations(rows: list[tuple]) -> dict[tuple, tuple]:
    con = duckdb.connect()
    con.execute("CREATE TABLE s (pipeline VARCHAR, position INTEGER, kind VARCHAR, left_at TIMESTAMP, stay_days DOUBLE)")
    con.executemany("INSERT INTO s VALUES (?, ?, ?, ?, ?)", rows)
    out = con.execute(render(load("velocity_stage_durations"), stays="s")).fetchall()
    return {(r[0], r[1]): r[2:] for r in out}


def test_a_hand_worked_stage():
    # 2, 3, 3, 6 days: h = 3p + 1; p10 1.3 -> 2 + 0.3 = 2.3; p25 1.75 -> 2.75; p50 2.5 -> 3;
    # p75 3.25 -> 3 + 0.25 x 3 = 3.75; p90 3.7 -> 3 + 0.7 x 3 = 5.1; mean 3.5, sum 14
    t = "2024-01-10"
    rows = [("", 1, "open", t, d) for d in (3.0, 6.0, 2.0, 3.0)]
    rows += [("", 1, "open", None, None), ("", 2, "won", t, 9.0)]  # running; no open stage: left out
    got = _durations(rows)
    assert list(got) == [("", 1)]
    n, *values = got[("", 1)]
    assert n == 4
    assert values == pytest.approx([2.3, 2.75, 3.0, 3.75, 5.1, 3.5, 14.0], abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_stages_with_ties_match_numpy(seed):
    """Many ties (durations drawn from a few values) and groups of 1, 2 and hundreds of stays."""
    rng = np.random.default_rng(seed)
    rows, expected = [], {}
    for pipeline, position, size in (("A", 1, 1), ("A", 2, 2), ("A", 3, 500), ("B", 1, 37), ("B", 2, 3)):
        days = rng.choice([0.0, 0.5, 1.25, 2.0, 7.0, 30.0], size=size) + rng.integers(0, 3, size=size)
        rows += [(pipeline, position, "open", "2024-01-10", float(d)) for d in days]
        expected[(pipeline, position)] = (size, *np.percentile(days, PERCENTILES), days.mean(), days.sum())
    got = _durations(rows)
    assert set(got) == set(expected)
    for key, want in expected.items():
        assert got[key][0] == want[0]
        assert got[key][1:] == pytest.approx(want[1:], rel=1e-12, abs=1e-12), key
