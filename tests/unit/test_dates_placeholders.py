"""What real systems write for "no date", and two more ways of naming a date, through
funnel.importer.import_file and the mapper.

- A system's "no date" is an empty cell, as amoCRM's «не закрыта» is (readers.values.NONE_WORDS): SAP/ABAP's
  initial DATS and TIMS (``00000000``, ``00000000 000000``, ``00000000000000``), MySQL's zero date
  (``0000-00-00``, ``0000-00-00 00:00:00``), .NET's DateTime.MinValue and Go's zero time (``0001-01-01``,
  ``0001-01-01T00:00:00Z``, ``01.01.0001 0:00:00``, ``1/1/0001 12:00:00 AM``, ``0001/1/1 0:00:00``): never a
  date of the year 0 or 1, never a rejected row. Like the "no value" words it is not counted in the
  quality report: an open deal's empty close says nothing wrong, and a missing creation is said row by row
  (``date.missing_created``) whatever the cell held.

Every expected value is read off the small file in the test, the calendar arithmetic in the comments.
"""

import json
import re
from datetime import datetime as D

import pytest

from funnel.mapping import cell_kinds as sv
from funnel.mapping.matcher import propose_mapping
from tests.unit.test_dates_compact import _deals, _fields, _import


def _quality(store, info) -> list[tuple]:
    """(code, column, value, n) of the summary rows (row_no NULL)."""
    with store.connect() as con:
        return con.execute(f"SELECT code, column_name, value, n FROM ds_{info.id}.quality "
                           "WHERE row_no IS NULL ORDER BY code, column_name").fetchall()


def _codes(store, info) -> set[str]:
    return {row[0] for row in _quality(store, info)}


def _rows_of(store, info, code: str) -> list[tuple]:
    with store.connect() as con:
        return con.execute(f"SELECT row_no, column_name, value FROM ds_{info.id}.quality "
                           "WHERE code = $c AND row_no IS NOT NULL ORDER BY row_no", {"c": code}).fetchall()


# ---------------------------------------------------------------- 1. a system's "no date" is empty

@pytest.mark.parametrize("value", [
    "00000000", "00000000 000000", "00000000000000",                     # SAP DATS, DATS + TIMS
    "0000-00-00", "0000-00-00 00:00:00",                                 # MySQL
    "0001-01-01", "0001-01-01 00:00:00", "0001-01-01T00:00:00",          # .NET DateTime.MinValue
    "0001-01-01T00:00:00.0000000", "0001-01-01T00:00:00Z",               # .NET «o», Go's zero time
    "01.01.0001", "01.01.0001 0:00:00", "1/1/0001 12:00:00 AM", "0001/1/1 0:00:00"])  # ru, en-US, zh-CN
def test_no_date_spellings(value):
    assert sv.is_no_date(value) and sv.is_no_date(f" {value.lower()} ")


@pytest.mark.parametrize("value", ["0001-01-02", "0001-01-01 09:30:00", "2001-01-01", "01.01.2001", "1/1/2001",
                                   "10000000", "0000", "000000", "20240105", "00000001"])
def test_not_no_date(value):
    assert not sv.is_no_date(value)


def test_sap_close_dates_of_open_deals_are_empty(mem_store, tmp_path):
    # three of the five close dates are SAP's initial date: the column is still the close date
    text = ("ID,Name,Stage,Amount,Created,Closed\n"
            "1,A,Won,100,20240105,20240108\n"                # 5 -> 8 January: 3 days
            "2,B,Proposal,200,20240106,00000000\n"           # open
            "3,C,Proposal,300,20240107,00000000 000000\n"    # open (DATS + TIMS)
            "4,D,Proposal,400,20240110,00000000000000\n"     # open
            "5,E,Lost,500,20240111,20240131\n")              # 11 -> 31 January: 20 days
    info, built = _import(mem_store, tmp_path, text)
    assert _fields(info)["closed_at"] == "Closed" and _fields(info)["created_at"] == "Created"
    assert built["rows_rejected"] == 0 and built["n_deals"] == 5
    assert _deals(mem_store, info) == {
        "1": (D(2024, 1, 5), D(2024, 1, 8), 3.0, 100.0),
        "2": (D(2024, 1, 6), None, None, 200.0),
        "3": (D(2024, 1, 7), None, None, 300.0),
        "4": (D(2024, 1, 10), None, None, 400.0),
        "5": (D(2024, 1, 11), D(2024, 1, 31), 20.0, 500.0),
    }
    assert not any(row[1] == "Closed" for row in _quality(mem_store, info))  # nothing said of the close dates


def test_mostly_initial_dates_are_still_a_date_column():
    headers = ["ID", "Stage", "Closed"]
    smp = [["1", "Won", "20240108"], ["2", "Open", "00000000"], ["3", "Open", "00000000"],
           ["4", "Open", "00000000"]]
    assert propose_mapping(headers, smp).fields["closed_at"] == 2
    # under a header that names no date, «00000000» is no date either
    assert "closed_at" not in propose_mapping(["ID", "Stage", "Number"], smp).fields
    assert "created_at" not in propose_mapping(["ID", "Stage", "Number"], smp).fields


def test_mysql_zero_dates_are_empty(mem_store, tmp_path):
    text = ("id,name,stage,amount,created_at,closed_at\n"
            "1,A,Won,1000,2024-01-05 09:30:00,2024-01-07 18:00:00\n"   # 2 days 8 h 30 min
            "2,B,Proposal,2000,2024-01-06 10:00:00,0000-00-00 00:00:00\n"
            "3,C,Proposal,3000,2024-01-08 11:00:00,0000-00-00\n")
    info, built = _import(mem_store, tmp_path, text)
    assert built["rows_rejected"] == 0 and "reject.bad_date" not in _codes(mem_store, info)
    deals = _deals(mem_store, info)
    assert deals["1"][:3] == (D(2024, 1, 5, 9, 30), D(2024, 1, 7, 18), pytest.approx(2 + 8.5 / 24))
    assert deals["2"][:3] == (D(2024, 1, 6, 10), None, None)
    assert deals["3"][:3] == (D(2024, 1, 8, 11), None, None)


def test_dotnet_min_value_is_no_close_in_the_year_one(mem_store, tmp_path):
    # an ISO column (read by the one-format fast path): 0001-01-01 parses, and is still no date
    iso = ("Id,Title,Stage,Amount,CreatedOn,ClosedOn\n"
           "1,A,Won,100,2024-01-05,2024-01-09\n"     # 5 -> 9 January: 4 days
           "2,B,Proposal,200,2024-01-06,0001-01-01\n")
    info, built = _import(mem_store, tmp_path, iso)
    assert _fields(info)["closed_at"] == "ClosedOn" and built["rows_rejected"] == 0
    assert _deals(mem_store, info) == {"1": (D(2024, 1, 5), D(2024, 1, 9), 4.0, 100.0),
                                       "2": (D(2024, 1, 6), None, None, 200.0)}
    assert not _codes(mem_store, info) & {"date.closed_before_created", "deals.closed_no_outcome"}
    # ru-RU's DateTime.MinValue.ToString()
    ru = ("ID;Название;Этап;Сумма;Дата создания;Дата закрытия\n"
          "1;А;Успешно реализовано;1000;05.01.2024 10:00:00;17.01.2024 18:00:00\n"   # 12 days 8 h
          "2;Б;Переговоры;2000;06.01.2024 11:00:00;01.01.0001 0:00:00\n")
    info, built = _import(mem_store, tmp_path, ru, name="ru.csv")
    assert built["rows_rejected"] == 0
    deals = _deals(mem_store, info)
    assert deals["1"][:3] == (D(2024, 1, 5, 10), D(2024, 1, 17, 18), pytest.approx(12 + 8 / 24))
    assert deals["2"][:3] == (D(2024, 1, 6, 11), None, None)
    assert "date.closed_before_created" not in _codes(mem_store, info)
    # en-US's: 1/15 settles month first
    us = ("ID,Name,Stage,Amount,Created,Closed\n"
          "1,A,Won,100,1/15/2024 9:30:00 AM,1/17/2024 6:00:00 PM\n"   # 15 Jan 09:30 -> 17 Jan 18:00
          "2,B,Proposal,200,1/16/2024 10:00:00 AM,1/1/0001 12:00:00 AM\n")
    info, built = _import(mem_store, tmp_path, us, name="us.csv")
    assert built["rows_rejected"] == 0
    deals = _deals(mem_store, info)
    assert deals["1"][:3] == (D(2024, 1, 15, 9, 30), D(2024, 1, 17, 18), pytest.approx(2 + 8.5 / 24))
    assert deals["2"][:3] == (D(2024, 1, 16, 10), None, None)
    # zh-CN's
    zh = ("编号,商机名称,阶段,金额,创建时间,成交日期\n"
          "1,甲,赢单,1000,2024/1/5 9:30:00,2024/1/6 9:30:00\n"   # one day
          "2,乙,谈判,2000,2024/1/6 10:00:00,0001/1/1 0:00:00\n")
    info, built = _import(mem_store, tmp_path, zh, name="zh.csv")
    assert built["rows_rejected"] == 0
    deals = _deals(mem_store, info)
    assert deals["1"][:3] == (D(2024, 1, 5, 9, 30), D(2024, 1, 6, 9, 30), 1.0)
    assert deals["2"][:3] == (D(2024, 1, 6, 10), None, None)


def test_go_zero_time_does_not_turn_a_shared_offset_into_utc(mem_store, tmp_path):
    # every real close is at +03:00 (kept as the clock time there); the zero time's Z is no second offset
    text = ("ID,Name,Stage,Amount,Created,Closed\n"
            "1,A,Won,100,2024-01-05T09:30:00+03:00,2024-01-06T09:30:00+03:00\n"   # one day
            "2,B,Proposal,200,2024-01-06T09:30:00+03:00,0001-01-01T00:00:00Z\n")
    info, built = _import(mem_store, tmp_path, text)
    assert built["rows_rejected"] == 0
    assert _deals(mem_store, info) == {"1": (D(2024, 1, 5, 9, 30), D(2024, 1, 6, 9, 30), 1.0, 100.0),
                                       "2": (D(2024, 1, 6, 9, 30), None, None, 200.0)}
    # one instant in «Closed», at the offset it shares with no other
    assert ("tz.instants_offset", "Closed", None, 1) in _quality(mem_store, info)
    assert "tz.instants_utc" not in _codes(mem_store, info)


def test_a_no_date_creation_is_said_as_a_none_word_is(mem_store, tmp_path):
    # «-» and «00000000» in the creation: both an empty creation, said row by row the same way
    text = ("ID,Name,Stage,Amount,Created,Closed\n"
            "1,A,Won,100,20240105,20240108\n"
            "2,B,Proposal,200,-,00000000\n"
            "3,C,Proposal,300,00000000,00000000\n")
    info, built = _import(mem_store, tmp_path, text)
    assert built["rows_rejected"] == 0
    assert {k: v[:2] for k, v in _deals(mem_store, info).items()} == {
        "1": (D(2024, 1, 5), D(2024, 1, 8)), "2": (None, None), "3": (None, None)}
    # file rows 3 and 4 (the header is row 1)
    assert _rows_of(mem_store, info, "date.missing_created") == [(3, "Created", None), (4, "Created", None)]
    assert "reject.bad_date" not in _codes(mem_store, info)


# ---------------------------------------------------------------- 2. ISO 8601's basic format with a T

def test_basic_format_under_a_date_header(mem_store, tmp_path):
    text = ("ID,Name,Stage,Amount,Created,Closed\n"
            "1,A,Won,100,20240105T093000,20240107T1800\n"      # 5 Jan 09:30 -> 7 Jan 18:00: 2 d 8 h 30 min
            "2,B,Lost,200,20240106T0930,20240106T120000\n"     # 6 Jan 09:30 -> 12:00: 2 h 30 min
            "3,C,Proposal,300,20240110T000000,\n")             # open
    info, built = _import(mem_store, tmp_path, text)
    assert _fields(info)["created_at"] == "Created" and _fields(info)["closed_at"] == "Closed"
    assert built["rows_rejected"] == 0
    deals = _deals(mem_store, info)
    assert deals["1"][:3] == (D(2024, 1, 5, 9, 30), D(2024, 1, 7, 18), pytest.approx(2 + 8.5 / 24))
    assert deals["2"][:3] == (D(2024, 1, 6, 9, 30), D(2024, 1, 6, 12), pytest.approx(2.5 / 24))
    assert deals["3"][:3] == (D(2024, 1, 10), None, None)
    assert not _codes(mem_store, info) & {"tz.instants_utc", "tz.instants_offset"}  # no offset: no instant


_BASIC = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})?$")


def _extended(basic: str) -> str:
    """20240105T093000+0300 -> 2024-01-05T09:30:00+03:00: the same instant in ISO's extended format."""
    m = _BASIC.match(basic)
    assert m is not None, basic
    year, month, day, hour, minute, second, zone = m.groups()
    zone = zone[:3] + ":" + zone[3:] if zone and zone[0] in "+-" else zone or ""
    return f"{year}-{month}-{day}T{hour}:{minute}" + (f":{second}" if second else "") + zone


@pytest.mark.parametrize("cells, zone, created, code", [
    # one shared Z: dropped, the clock time kept (said: read in UTC)
    (("20240105T093000Z", "20240106T1015Z"), None, (D(2024, 1, 5, 9, 30), D(2024, 1, 6, 10, 15)), "tz.instants_utc"),
    # one shared +0300: the clock time there kept (said, with the offset)
    (("20240105T093000+0300", "20240106T101500+0300"), None, (D(2024, 1, 5, 9, 30), D(2024, 1, 6, 10, 15)),
     "tz.instants_offset"),
    # offsets that differ: both in UTC, 09:30 at +03:00 is 06:30 UTC
    (("20240105T093000+0300", "20240106T093000Z"), None, (D(2024, 1, 5, 6, 30), D(2024, 1, 6, 9, 30)),
     "tz.instants_utc"),
    # a dataset zone: Moscow is UTC+3 (no DST since 2014), 09:30Z is 12:30 there
    (("20240105T093000Z", "20240106T093000Z"), "Europe/Moscow", (D(2024, 1, 5, 12, 30), D(2024, 1, 6, 12, 30)),
     "tz.converted"),
    # Shanghai is UTC+8: 09:30 at +03:00 is 06:30 UTC, 14:30 in Shanghai
    (("20240105T093000+0300", "20240106T0930+0300"), "Asia/Shanghai", (D(2024, 1, 5, 14, 30), D(2024, 1, 6, 14, 30)),
     "tz.converted"),
])
def test_basic_format_offsets_read_as_the_extended_format(mem_store, tmp_path, cells, zone, created, code):
    read = {}
    for name, spell in (("basic", str), ("extended", _extended)):
        text = ("ID,Name,Stage,Amount,Created\n"
                f"1,A,Won,100,{spell(cells[0])}\n"
                f"2,B,Lost,200,{spell(cells[1])}\n")
        info, built = _import(mem_store, tmp_path, text, name=f"{name}.csv", timezone=zone)
        assert built["rows_rejected"] == 0
        deals = _deals(mem_store, info)
        read[name] = (deals["1"][0], deals["2"][0])
        assert (code, "Created", None, 2) in _quality(mem_store, info), name
    assert read["basic"] == read["extended"] == created


def test_basic_format_offset_named_as_written(mem_store, tmp_path):
    text = "ID,Stage,Created\n1,Won,20240105T093000+0300\n2,Lost,20240106T093000+0300\n"
    info, _built = _import(mem_store, tmp_path, text)
    with mem_store.connect() as con:
        (detail,), = con.execute(f"SELECT detail FROM ds_{info.id}.quality WHERE code = 'tz.instants_offset'"
                                 ).fetchall()
    assert json.loads(detail) == {"column": "Created", "offset": "+0300", "n": 2}


def test_basic_format_outside_a_date_header_stays_text(mem_store, tmp_path):
    text = ("ID,Name,Stage,Amount,Ref\n"
            "1,A,Won,100,20240105T093000\n"
            "2,B,Lost,200,20240106T0930Z\n")
    info, built = _import(mem_store, tmp_path, text)
    assert "created_at" not in _fields(info) and "closed_at" not in _fields(info)
    assert built["rows_rejected"] == 0
    with mem_store.connect() as con:
        refs = dict(con.execute(f"SELECT deal_id, x_ref FROM ds_{info.id}.deals").fetchall())
    assert refs == {"1": "20240105T093000", "2": "20240106T0930Z"}
    assert "created_at" not in propose_mapping(["ID", "Stage", "Ref"], [["1", "Won", "20240105T093000"]]).fields


def test_basic_format_cell_kind():
    for good in ("20240105T093000", "20240105T0930", "20240105T093000Z", "20240105T093000+0300",
                 "20240105T093000-05:00", "20240105T0930+0300"):
        assert sv.is_compact_date(good), good
    for bad in ("20240105T2500",     # hour 25
                "20240105T096000",   # minute 60
                "20241305T093000",   # month 13
                "19000105T093000",   # before 1990
                "20240105T09300",    # five digits of time
                "20240105t093000",   # a lower-case t (no strptime format reads it)
                "20240105T093000+3"):
        assert not sv.is_compact_date(bad), bad


def test_a_basic_year_outside_1990_to_2100_is_an_unreadable_date(mem_store, tmp_path):
    # mapped by hand: 20240105T093000 reads, 19000105T093000 does not: deal 2 is kept without it, named
    text = "ID,Stage,Created\n1,Won,20240105T093000\n2,Won,19000105T093000Z\n"
    info, built = _import(mem_store, tmp_path, text, mapping_pairs=["created_at=Created"])
    assert built["rows_rejected"] == 0
    assert {k: v[0] for k, v in _deals(mem_store, info).items()} == {"1": D(2024, 1, 5, 9, 30), "2": None}
    assert _rows_of(mem_store, info, "date.unreadable") == [(3, "Created", "19000105T093000Z")]


# ---------------------------------------------------------------- 3. headers that name a date without «date»

_WON_OPEN = {"ru": ("Успешно реализовано", "Переговоры"), "zh": ("赢单", "谈判"), "uk": ("Успішно реалізовано", "Переговори")}


@pytest.mark.parametrize("header, lang", [
    ("Создана", "ru"), ("Создан", "ru"), ("Создано", "ru"), ("Дата создания", "ru"),   # amoCRM, 1C
    ("Створено", "uk"), ("Створена", "uk"),
    ("创建时间", "zh"), ("创建日期", "zh"), ("创建于", "zh")])
def test_compact_creation_under_a_header_that_names_it(mem_store, tmp_path, header, lang):
    won, open_ = _WON_OPEN[lang]
    text = (f"ID,Name,Stage,Amount,{header}\n"
            f"1,A,{won},100,20240105\n"
            f"2,B,{open_},200,20240229\n")   # a leap day
    info, built = _import(mem_store, tmp_path, text)
    assert _fields(info)["created_at"] == header and built["rows_rejected"] == 0
    assert {k: v[0] for k, v in _deals(mem_store, info).items()} == {"1": D(2024, 1, 5), "2": D(2024, 2, 29)}


@pytest.mark.parametrize("header, lang", [("Закрыта", "ru"), ("Закрыто", "ru"), ("关闭日期", "zh"), ("成交日期", "zh")])
def test_compact_close_under_a_header_that_names_it(mem_store, tmp_path, header, lang):
    won, open_ = _WON_OPEN[lang]
    text = (f"ID,Name,Stage,Amount,Дата создания,{header}\n"
            f"1,A,{won},100,20240105,20240108\n"     # 5 -> 8 January: 3 days
            f"2,B,{open_},200,20240106,00000000\n")  # open
    info, built = _import(mem_store, tmp_path, text)
    assert _fields(info)["closed_at"] == header and built["rows_rejected"] == 0
    assert _deals(mem_store, info) == {"1": (D(2024, 1, 5), D(2024, 1, 8), 3.0, 100.0),
                                       "2": (D(2024, 1, 6), None, None, 200.0)}


@pytest.mark.parametrize("header", ["Изменена", "Изменено", "Обновлена", "Змінено"])
def test_a_modified_column_is_named_as_the_files_date(mem_store, tmp_path, header):
    # no field takes the time a deal was last changed; without a creation, the import names it as the
    # file's date column, to map by hand if it is one
    text = (f"ID,Name,Stage,Amount,{header}\n"
            "1,A,Успешно реализовано,100,20240105\n"
            "2,B,Переговоры,200,20240106\n")
    info, _built = _import(mem_store, tmp_path, text)
    assert "created_at" not in _fields(info)
    with mem_store.connect() as con:
        found = con.execute(f"SELECT value, detail FROM ds_{info.id}.quality "
                            "WHERE code = 'date.no_created_column'").fetchall()
    assert found == [(header, json.dumps({"columns": f"«{header}»"}, ensure_ascii=False))]
    assert "date.no_created_column_at_all" not in _codes(mem_store, info)


def test_the_participle_alone_names_a_date():
    headers = ["ID", "Stage", "Кем создана", "Причина закрытия", "Сделка закрыта"]
    smp = [["1", "Won", "20240105", "20240106", "20240107"]]
    assert not {"created_at", "closed_at"} & set(propose_mapping(headers, smp).fields)


def test_eight_digit_ids_and_amounts_stay_beside_a_russian_date_header(mem_store, tmp_path):
    text = ("Номер;Название;Этап;Сумма;Создана;Закрыта\n"
            "20240105;А;Успешно реализовано;20240107;20240105;20240108\n"
            "20240106;Б;Переговоры;20240108;20240106;00000000\n")
    info, built = _import(mem_store, tmp_path, text)
    assert _fields(info) == {"deal_id": "Номер", "deal_name": "Название", "stage": "Этап", "amount": "Сумма",
                             "created_at": "Создана", "closed_at": "Закрыта"}
    assert built["rows_rejected"] == 0
    assert _deals(mem_store, info) == {"20240105": (D(2024, 1, 5), D(2024, 1, 8), 3.0, 20240107.0),
                                       "20240106": (D(2024, 1, 6), None, None, 20240108.0)}


def test_onec_closed_flag_stays_a_flag_beside_compact_dates():
    # 1C's «Закрыта» is its closed flag (Да / Нет): a header that names a date, cells that are none
    h = ["Дата", "Номер", "Наименование", "Этап", "Статус", "Сумма", "Закрыта", "Дата завершения"]
    rows = [["20240203", "00001", "Поставка", "Переговоры", "Выиграна", "1 250 000,00", "Да", "20240219"],
            ["20240204", "00002", "Аудит", "Переговоры", "В работе", "90 000,00", "Нет", ""]]
    m = propose_mapping(h, rows)
    assert m.fields["closed_flag"] == 6 and m.fields["closed_at"] == 7 and m.fields["created_at"] == 0
