"""A close date written as the midnight of a time zone east of UTC, in UTC, is the next day's date.

A Chinese CRM's web form (an antd date picker serialised with ``toISOString``) writes the close date 11 March
picked in Beijing as «2024-03-10T16:00:00.000Z»; amoCRM's API keeps a date field of a Moscow account as the unix
time of 21:00 UTC the day before (public example: a booking app's ``"checkinTime":"2021-11-10T16:00:00.000Z"``
beside ``"checkoutTime":"2021-11-11T16:00:00.000Z"``, find_string id 1130635). Every close then has one time of
day; the importer already read such a column as days, but cut it to the UTC day: 10 March, a day early, and
every cycle a day short. A time after noon is now the next day; noon and before stay the day written
(Bitrix24's «2020-03-12T03:00:00+03:00» is the 12th, ``test_crm_exports_cn_ru``)."""

from __future__ import annotations

import pytest

from funnel.importer import import_file


def _deals(close_time: str) -> str:
    """Two won deals and a lost one, closed on 11, 22 and 25 March where the CRM's users are; one open.
    Creations are real instants (UTC): 1 March 02:00, 2 March 06:30, 5 March 01:15, 8 March 08:45."""
    close = {"11": f"2024-03-10T{close_time}.000Z", "22": f"2024-03-21T{close_time}.000Z",
             "25": f"2024-03-24T{close_time}.000Z"}
    return ("id,name,stage,amount,owner,createTime,closeDate\n"
            f"1,甲,赢单,50000,张伟,2024-03-01T02:00:00.000Z,{close['11']}\n"
            f"2,乙,赢单,80000,李娜,2024-03-02T06:30:00.000Z,{close['22']}\n"
            f"3,丙,输单,30000,张伟,2024-03-05T01:15:00.000Z,{close['25']}\n"
            "4,丁,方案报价,60000,李娜,2024-03-08T08:45:00.000Z,\n")


def _read(mem_store, text: str):
    info, _built, _ = import_file(mem_store, text.encode(), "opportunities.csv")
    with mem_store.connect() as con:
        rows = {r[0]: (str(r[1])[:10] if r[1] else None, r[2]) for r in con.execute(
            f"SELECT deal_id, closed_at, cycle_days FROM ds_{info.id}.deals").fetchall()}
        said = con.execute(f"SELECT code, column_name, value, n FROM ds_{info.id}.quality "
                           "WHERE code LIKE 'date.day_only%'").fetchall()
    return rows, said


@pytest.mark.parametrize("close_time", ["16:00:00", "21:00:00"])  # midnight in Beijing, in Moscow
def test_a_close_after_noon_in_every_row_is_the_next_days_date(mem_store, close_time):
    rows, said = _read(mem_store, _deals(close_time))
    # calendar days (a close known only to its day): 1 → 11 March 10; 2 → 22 March 20; 5 → 25 March 20
    assert rows["1"] == ("2024-03-11", 10)
    assert rows["2"] == ("2024-03-22", 20)
    assert rows["3"] == ("2024-03-25", 20)
    assert rows["4"] == (None, None)
    assert said == [("date.day_only_next", "closeDate", close_time, 3)]


@pytest.mark.parametrize("close_time", ["03:00:00", "12:00:00"])  # midnight in Brazil; noon, which some tools write
def test_a_close_at_noon_or_before_stays_the_day_written(mem_store, close_time):
    rows, said = _read(mem_store, _deals(close_time))
    # 1 → 10 March 9; 2 → 21 March 19; 5 → 24 March 19
    assert rows["1"] == ("2024-03-10", 9)
    assert rows["2"] == ("2024-03-21", 19)
    assert rows["3"] == ("2024-03-24", 19)
    assert said == [("date.day_only", "closeDate", close_time, 3)]


def test_the_finding_says_the_next_day_in_the_readers_language():
    from funnel.i18n import t

    assert "next day" in t("quality.date.day_only_next", "en")
    assert "следующий день" in t("quality.date.day_only_next", "ru")
    assert "次日" in t("quality.date.day_only_next", "zh")


def test_a_wall_clock_time_after_noon_stays_the_day_written(mem_store):
    """Survey 45: ПланФикс writes its close at 18:00 and OKKI at 15:00, the CRM's own hour with no zone: the day
    written (read as the next day, every cycle was a day long: 26 for 25)."""
    text = ("id,stage,amount,createTime,closeDate\n"
            "1,赢单,50000,2024-03-01 10:00,2024-03-11 18:00\n"
            "2,赢单,80000,2024-03-02 14:30,2024-03-22 18:00\n"
            "3,输单,30000,2024-03-05 09:00,2024-03-25 18:00\n"
            "4,方案报价,60000,2024-03-08 08:45,\n")
    rows, said = _read(mem_store, text)
    # calendar days: 1 → 11 March 10; 2 → 22 March 20
    assert rows["1"] == ("2024-03-11", 10) and rows["2"] == ("2024-03-22", 20)
    assert said == [("date.day_only", "closeDate", "18:00:00", 3)]
