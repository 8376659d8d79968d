"""A close known only to its day counts calendar days from the creation's day: surveys 37 and 38 worked the
hand values as a reader and the CRMs do (created 1 March 10:15, closed 26 March: 25 days) and the app gave 24.57
(the close taken at midnight). A close with its time keeps the exact difference; a close on the creation's day
is 0, never negative."""

from __future__ import annotations

from funnel.importer import import_file
from tests.unit.test_crm_exports_combined import deal_rows

HEADER = "ID,Этап сделки,Бюджет,Дата создания,Дата закрытия\n"


def _cycles(store, rows: str, timezone: str | None = None) -> dict:
    info, _built, _ = import_file(store, (HEADER + rows).encode(), "deals.csv", timezone=timezone)
    return {k: v[0] for k, v in deal_rows(store, info, "cycle_days").items()}


def test_a_close_known_to_its_day_counts_calendar_days(mem_store):
    """1 Mar 10:15 -> 26 Mar: 25 days; 28 Feb 23:50 -> 1 Mar (2024, a leap year): 2 days (28 Feb -> 29 Feb ->
    1 Mar); a close on the creation's day: 0."""
    got = _cycles(mem_store, "1,Успешно реализовано,100,01.03.2024 10:15,26.03.2024\n"
                             "2,Успешно реализовано,100,28.02.2024 23:50,01.03.2024\n"
                             "3,Успешно реализовано,100,05.03.2024 18:00,05.03.2024\n"
                             "4,Переговоры,100,06.03.2024 09:00,\n")
    assert got == {"1": 25, "2": 2, "3": 0, "4": None}


def test_a_close_with_its_time_keeps_the_exact_difference(mem_store):
    """1 Mar 10:00 -> 11 Mar 16:00: 10 days and 6 hours = 10.25; 2 Mar 12:00 -> 3 Mar 00:00, a close at midnight,
    is read as the day: 1 calendar day (it would be 0.5 by the clock)."""
    got = _cycles(mem_store, "1,Успешно реализовано,100,01.03.2024 10:00,11.03.2024 16:00\n"
                             "2,Успешно реализовано,100,02.03.2024 12:00,03.03.2024 00:00\n"
                             "3,Успешно реализовано,100,04.03.2024 09:00,05.03.2024 09:30\n")
    assert got["1"] == 10.25 and got["2"] == 1
    assert abs(got["3"] - (1 + 0.5 / 24)) < 1e-9


def test_dates_on_both_sides_are_their_difference(mem_store):
    got = _cycles(mem_store, "1,Успешно реализовано,100,01.03.2024,26.03.2024\n"
                             "2,Успешно реализовано,100,01.03.2024,01.03.2024\n")
    assert got == {"1": 25, "2": 0}
