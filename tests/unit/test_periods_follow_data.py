"""Periods count back from the data's latest date; the previous period is the right one and is
compared only where the data covers it; hostile period parameters fall back with a note."""

from datetime import date

import duckdb
import pytest

from funnel.metrics.fixture import story_dataset
from funnel.metrics.periods import period_range, previous_of, previous_period, previous_range
from funnel.spec import FunnelSpec
from ui.filters import data_today, read_params


@pytest.fixture(scope="module")
def story():
    con = duckdb.connect()
    return con, story_dataset(con)  # dates 2024-01-01 .. 2024-02-22


def test_presets_count_back_from_the_datasets_latest_date(story):
    _con, info = story
    assert data_today(info) == date(2024, 2, 22)  # D10 closed 2024-02-22, the latest date
    spec, notes = read_params({"period": ["last_12m"]}, info, data_today(info))
    assert (spec.date_from, spec.date_to, notes) == (date(2023, 2, 23), date(2024, 2, 22), [])
    spec, _ = read_params({"period": ["this_month"]}, info, data_today(info))
    assert (spec.date_from, spec.date_to) == (date(2024, 2, 1), date(2024, 2, 22))


@pytest.mark.parametrize(("start", "end", "expected"), [
    # this month (not over yet) -> the whole previous calendar month
    (date(2026, 11, 1), date(2026, 11, 15), (date(2026, 10, 1), date(2026, 10, 31))),
    (date(2026, 3, 1), date(2026, 3, 31), (date(2026, 2, 1), date(2026, 2, 28))),
    # a quarter (91 days) -> the quarter before (90 days), not 91 days back
    (date(2026, 4, 1), date(2026, 6, 30), (date(2026, 1, 1), date(2026, 3, 31))),
    (date(2026, 1, 1), date(2026, 3, 31), (date(2025, 10, 1), date(2025, 12, 31))),
    # any other range -> the same number of days right before
    (date(2024, 1, 10), date(2024, 1, 19), (date(2023, 12, 31), date(2024, 1, 9))),
])
def test_previous_range(start, end, expected):
    assert previous_range(start, end) == expected


def test_previous_period_only_where_the_data_covers_it(story):
    con, info = story
    # January 2024 vs December 2023: the data starts 2024-01-01, nothing to compare with
    jan = FunnelSpec(date_from=date(2024, 1, 1), date_to=date(2024, 1, 31))
    assert previous_of(info, jan)[2] == "capabilities.previous_not_covered"
    cmp = previous_period(con, info, jan)
    assert cmp.reason == "capabilities.previous_not_covered"
    assert cmp.kpis["deals"].change_rel is None  # no "-100 %" against an empty December
    # February vs January: covered. Sales pipeline created in Jan: D1 D2 D3 D4 (4); in Feb: D5..D10 (6)
    feb = FunnelSpec(date_from=date(2024, 2, 1), date_to=date(2024, 2, 29))
    cmp = previous_period(con, info, feb)
    assert cmp.reason is None and (cmp.previous_from, cmp.previous_to) == (date(2024, 1, 1), date(2024, 1, 31))
    assert (cmp.kpis["deals"].current, cmp.kpis["deals"].previous) == (6, 4)


@pytest.mark.parametrize(("params", "codes"), [
    ({"period": ["custom"], "from": ["0001-01-01"], "to": ["9999-12-31"]},
     ["audit.url.bad_date", "audit.url.bad_date"]),
    ({"period": ["custom"], "from": ["9999-12-31"], "to": ["0001-01-01"]},
     ["audit.url.bad_date", "audit.url.bad_date"]),
    ({"period": ["custom"], "from": ["2024-02-10"], "to": ["2024-01-05"]}, ["audit.url.reversed"]),
    ({"period": ["yesterday"]}, ["audit.url.bad_value"]),
    ({"closed": ["yes"], "wr": ["x"], "date": ["when"]}, ["audit.url.bad_value"] * 3),
    ({"pipeline": ["Nope"]}, ["audit.url.bad_value"]),
])
def test_hostile_period_params_fall_back_with_a_note(story, params, codes):
    con, info = story
    spec, notes = read_params(params, info, data_today(info))
    assert [code for code, _ in notes] == codes
    if "reversed" in codes[0]:
        assert (spec.date_from, spec.date_to) == (date(2024, 1, 5), date(2024, 2, 10))
    else:
        assert spec.date_from is None and spec.date_to is None  # all time
    previous_period(con, info, spec)  # and the engine copes: no OverflowError


def test_presets_are_still_calendar_presets():
    today = date(2026, 11, 23)
    assert period_range("last_quarter", today) == (date(2026, 7, 1), date(2026, 9, 30))
