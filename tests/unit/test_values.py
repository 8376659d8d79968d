"""Column typing and parse expressions, on hand-written values with hand-worked results."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from funnel.readers.values import bool_sql, date_sql, number_sql, profile_column


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()


def column(con, values):
    con.execute('CREATE OR REPLACE TEMP TABLE t (row_no INTEGER, "c0" VARCHAR)')
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))


def parsed(con, expr):
    return [r[0] for r in con.execute(f"SELECT {expr} FROM t ORDER BY row_no").fetchall()]


def dates(con, values, **kw):
    column(con, values)
    prof = profile_column(con, "t", "c0", prefer="date", **kw)
    return prof, parsed(con, date_sql('"c0"', prof))


def numbers(con, values):
    column(con, values)
    prof = profile_column(con, "t", "c0", prefer="number")
    return prof, parsed(con, number_sql('"c0"', prof))


def test_russian_dates_with_and_without_time(con):
    prof, got = dates(con, ["03.02.2024 11:42:17", "19.02.2024", "1.3.2024 10:00", None])
    # 19 in the first part settles day-first: 03.02 is 3 February.
    assert prof.kind == "date" and prof.date_order == "dmy" and not prof.ambiguous
    assert got == [datetime(2024, 2, 3, 11, 42, 17), datetime(2024, 2, 19), datetime(2024, 3, 1, 10, 0), None]
    assert prof.non_empty == 3 and prof.parsed == 3


def test_us_dates_with_lower_case_am_pm(con):
    prof, got = dates(con, ["02/03/2024 11:42:17 am", "02/19/2024 04:05:40 pm", "3/28/2024 4:40 PM",
                            "12/31/2024 12:05 am"])
    # 19 and 28 in the second part settle month-first; 04 pm = 16 h, 12:05 am = 00:05.
    assert prof.date_order == "mdy" and not prof.ambiguous
    assert got == [datetime(2024, 2, 3, 11, 42, 17), datetime(2024, 2, 19, 16, 5, 40),
                   datetime(2024, 3, 28, 16, 40), datetime(2024, 12, 31, 0, 5)]


def test_day_first_slashes_from_the_whole_column(con):
    prof, got = dates(con, ["02/03/2024", "25/03/2024"])
    assert prof.date_order == "dmy" and got == [datetime(2024, 3, 2), datetime(2024, 3, 25)]


@pytest.mark.parametrize("values, hint, order, first", [
    (["02/03/2024", "04/05/2024"], None, "mdy", datetime(2024, 2, 3)),   # '/' defaults to month first
    (["02.03.2024", "04.05.2024"], None, "dmy", datetime(2024, 3, 2)),   # '.' defaults to day first
    (["02/03/2024", "04/05/2024"], "dmy", "dmy", datetime(2024, 3, 2)),  # the hint wins
])
def test_ambiguous_day_month(con, values, hint, order, first):
    prof, got = dates(con, values, date_order_hint=hint)
    assert prof.ambiguous and prof.date_order == order and got[0] == first


def test_iso_variants_share_one_offset_keep_wall_clock(con):
    prof, got = dates(con, ["2024-02-03T08:42:17+03:00", "2024-02-03T09:42:17.500+03:00",
                            "2024-03-28 16:40", "2024-03-31"])
    assert prof.date_order == "ymd"
    assert got == [datetime(2024, 2, 3, 8, 42, 17), datetime(2024, 2, 3, 9, 42, 17, 500000),
                   datetime(2024, 3, 28, 16, 40), datetime(2024, 3, 31)]


def test_salesforce_z_times(con):
    _prof, got = dates(con, ["2024-02-03T09:42:17.000Z", "2024-03-28T15:40:05.000Z"])
    assert got == [datetime(2024, 2, 3, 9, 42, 17), datetime(2024, 3, 28, 15, 40, 5)]


def test_mixed_offsets_convert_to_utc(con):
    _prof, got = dates(con, ["2024-02-03T08:42:17Z", "2024-02-03T09:42:17+03:00"])
    # 09:42:17 at +03:00 is 06:42:17 UTC.
    assert got == [datetime(2024, 2, 3, 8, 42, 17), datetime(2024, 2, 3, 6, 42, 17)]


def test_excel_serials_and_epoch_ms(con):
    prof, got = dates(con, ["45352.5", "45292", "1704067200000", "12"])
    # 45292 = 2024-01-01 (1899-12-30 + 45292 days); 45352 = 2024-01-01 + 31 + 29 days = 2024-03-01,
    # .5 of a day = 12:00. 1704067200000 ms = 1704067200 s = 2024-01-01 00:00 UTC. 12 is out of range.
    assert prof.excel_serial and prof.epoch_ms
    assert got == [datetime(2024, 3, 1, 12), datetime(2024, 1, 1), datetime(2024, 1, 1), None]


def test_serials_not_guessed_without_date_preference(con):
    column(con, ["45352", "45292"])
    assert profile_column(con, "t", "c0").kind == "number"


def test_russian_numbers(con):
    prof, got = numbers(con, ["1 250 000,00", "12,5", "(1 000)", "1\u00a0000,5", "1\u202f000", "0", None,
                              "185 000 ₽", "5 000 руб.", "300 р."])
    assert prof.decimal == ","
    assert got == [1250000.0, 12.5, -1000.0, 1000.5, 1000.0, 0.0, None, 185000.0, 5000.0, 300.0]


def test_western_numbers_currency_and_suffixes(con):
    prof, got = numbers(con, ["$1,234,567.00", "1,234", "45k", "1.2M", "€5", "USD 10", "10 EUR",
                              "£7.50", "¥300", "RUB 9", "-5", "1'000", "45 тыс.", "2 млн", "3к", "n/a"])
    assert prof.decimal == "."
    assert got == [1234567.0, 1234.0, 45000.0, 1200000.0, 5.0, 10.0, 10.0, 7.5, 300.0, 9.0, -5.0,
                   1000.0, 45000.0, 2000000.0, 3000.0, None]
    assert prof.non_empty == 16 and prof.parsed == 15


def test_dot_thousands_vote_for_decimal_comma(con):
    prof, got = numbers(con, ["1.250.000", "2.500,75"])
    assert prof.decimal == "," and got == [1250000.0, 2500.75]


@pytest.mark.parametrize("text, value", [
    ("Да", True), ("Нет", False), ("yes", True), ("No", False), ("Y", True), ("n", False),
    ("true", True), ("FALSE", False), ("1", True), ("0", False), ("Истина", True), ("Ложь", False),
    ("是", True), ("否", False), ("maybe", None), (None, None),
    # ticked and unticked boxes (☑️ with its emoji variation selector), a cross; a bare x is no answer
    ("✓", True), ("✔", True), ("☑\ufe0f", True), ("✅", True), ("✗", False), ("☐", False), ("❌", False),
    ("x", None),
])
def test_booleans(con, text, value):
    column(con, [text])
    assert parsed(con, bool_sql('"c0"')) == [value]


def test_kind_detection_without_preference(con):
    for values, kind in [(["Да", "Нет", "Да"], "bool"), (["1", "0", "1"], "number"),
                         (["2024-01-01", "2024-02-01"], "date"), (["Acme", "Beta"], "text"),
                         ([None, ""], "empty")]:
        column(con, values)
        assert profile_column(con, "t", "c0").kind == kind, values


def test_values_are_never_pasted_into_sql(con):
    evil = "'); DROP TABLE t; --"
    column(con, [evil, "2024-01-01"])
    prof = profile_column(con, "t", "c0", prefer="date")
    assert evil not in date_sql('"c0"', prof)
    assert parsed(con, date_sql('"c0"', prof)) == [None, datetime(2024, 1, 1)]
    assert con.execute("SELECT count(*) FROM t").fetchall() == [(2,)]
