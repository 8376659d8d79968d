"""Compact dates (``20240105``: SAP, 1C, Chinese ERPs, database dumps) and month-only dates (``2024-01``),
through funnel.importer.import_file and the mapper.

A column of yyyymmdd numbers is a date column only under a header that names a date (mapping.matcher's
DATE_WORDS) and when every sampled cell is a real day of 1990..2100: an ``ID`` or an ``Amount`` of such
numbers stays what it is. A column of months without a day is not read as dates (a day would be made up);
the import says so (``date.month_only``). Every expected value is read off the small file in the test, the
calendar arithmetic in the comments.
"""

import json
from datetime import datetime as D

import pytest

from funnel.errors import FunnelError
from funnel.importer import import_file
from funnel.mapping import cell_kinds as sv
from funnel.mapping.matcher import propose_mapping
from funnel.quality_report import finding_text


def _import(store, tmp_path, text: str, name: str = "deals.csv", **kw):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    info, built, _draft = import_file(store, path, **kw)
    return info, built


def _fields(info) -> dict[str, str]:
    return info.meta["mapping"]["fields"]


def _deals(store, info) -> dict[str, tuple]:
    with store.connect() as con:
        rows = con.execute(f"SELECT deal_id, created_at, closed_at, cycle_days, amount FROM ds_{info.id}.deals"
                           ).fetchall()
    return {r[0]: r[1:] for r in rows}


def _findings(store, info, code: str) -> list[tuple]:
    with store.connect() as con:
        return con.execute(f"SELECT column_name, value, detail FROM ds_{info.id}.quality "
                           "WHERE code = $c AND row_no IS NULL ORDER BY column_name", {"c": code}).fetchall()


def _codes(store, info) -> set[str]:
    with store.connect() as con:
        return {r[0] for r in con.execute(f"SELECT DISTINCT code FROM ds_{info.id}.quality").fetchall()}


# ---------------------------------------------------------------- compact dates

def test_compact_created_and_closed_are_dates_and_give_the_cycle(mem_store, tmp_path):
    text = ("ID,Name,Stage,Amount,Created,Closed\n"
            "1,A,Won,100,20240105,20240108\n"      # 5 -> 8 January: 3 days
            "2,B,Won,200,20240106,20240109\n"      # 6 -> 9 January: 3 days
            "3,C,Lost,300,20240107,20240131\n"     # 7 -> 31 January: 24 days
            "4,D,Proposal,400,20240110,\n")        # open, no close
    info, built = _import(mem_store, tmp_path, text)
    assert _fields(info)["created_at"] == "Created" and _fields(info)["closed_at"] == "Closed"
    assert built["rows_rejected"] == 0
    assert _deals(mem_store, info) == {
        "1": (D(2024, 1, 5), D(2024, 1, 8), 3.0, 100.0),
        "2": (D(2024, 1, 6), D(2024, 1, 9), 3.0, 200.0),
        "3": (D(2024, 1, 7), D(2024, 1, 31), 24.0, 300.0),
        "4": (D(2024, 1, 10), None, None, 400.0),
    }
    assert not _findings(mem_store, info, "date.no_created_column")


def test_compact_dates_with_a_time_under_russian_and_chinese_headers(mem_store, tmp_path):
    ru = ("ID;Название;Этап;Сумма;Дата создания;Дата закрытия\n"
          "1;А;Успешно реализовано;1000;20240105 093000;20240107 180000\n"   # 5 Jan 09:30 -> 7 Jan 18:00
          "2;Б;Переговоры;2000;20240229 120000;\n")                           # a leap day
    info, built = _import(mem_store, tmp_path, ru, name="ru.csv")
    assert built["rows_rejected"] == 0
    deals = _deals(mem_store, info)
    # 2 days 8 h 30 min = 2 + 8.5 / 24 days
    assert deals["1"][:3] == (D(2024, 1, 5, 9, 30), D(2024, 1, 7, 18, 0), pytest.approx(2 + 8.5 / 24))
    assert deals["2"][:2] == (D(2024, 2, 29, 12, 0), None)
    zh = ("编号,商机名称,阶段,金额,创建日期\n"
          "1,甲,赢单,1000,20231231235959\n"
          "2,乙,谈判,2000,20240101000000\n")
    info, built = _import(mem_store, tmp_path, zh, name="zh.csv")
    assert _fields(info)["created_at"] == "创建日期" and built["rows_rejected"] == 0
    assert {k: v[0] for k, v in _deals(mem_store, info).items()} == {
        "1": D(2023, 12, 31, 23, 59, 59), "2": D(2024, 1, 1)}


def test_a_database_dump_date_column(mem_store, tmp_path):
    # a Brazilian schema's DT_ prefix says «date» (DT_CRIACAO: the creation)
    text = ("ID,NM_CLIENTE,ETAPA,VL_TOTAL,DT_CRIACAO\n"
            "7,Ana,Proposta,1500,20230315\n"
            "8,Rui,Proposta,2500,20230401\n")
    info, _built = _import(mem_store, tmp_path, text)
    assert _fields(info)["created_at"] == "DT_CRIACAO"
    assert {k: v[0] for k, v in _deals(mem_store, info).items()} == {"7": D(2023, 3, 15), "8": D(2023, 4, 1)}


def test_an_id_and_an_amount_of_eight_digits_stay_an_id_and_an_amount(mem_store, tmp_path):
    text = ("ID,Name,Stage,Amount,Created\n"
            "20240105,A,Won,20240105,2024-02-01\n"
            "20240106,B,Lost,20240106,2024-02-02\n")
    info, built = _import(mem_store, tmp_path, text)
    assert _fields(info) == {"deal_id": "ID", "deal_name": "Name", "stage": "Stage", "amount": "Amount",
                             "created_at": "Created"}
    assert built["rows_rejected"] == 0
    deals = _deals(mem_store, info)
    assert set(deals) == {"20240105", "20240106"}
    assert deals["20240105"][0] == D(2024, 2, 1) and deals["20240105"][3] == 20240105.0
    assert deals["20240106"][3] == 20240106.0
    # no date column at all: the eight-digit id and amount are not taken for one
    info, _built = _import(mem_store, tmp_path, "ID,Name,Stage,Amount\n20240105,A,Won,20240107\n"
                                                "20240106,B,Lost,20240108\n", name="nodate.csv")
    assert _fields(info) == {"deal_id": "ID", "deal_name": "Name", "stage": "Stage", "amount": "Amount"}
    assert _deals(mem_store, info)["20240105"][3] == 20240107.0


def test_eight_digits_that_are_no_day_are_no_date():
    headers = ["ID", "Stage", "Created"]
    assert "created_at" in propose_mapping(headers, [["1", "Won", "20240105"], ["2", "Lost", "20240106"]]).fields
    for bad in ("20241305",   # month 13
                "20240230",   # 30 February
                "19000101",   # before 1990
                "12345678"):  # year 1234
        smp = [["1", "Won", "20240105"], ["2", "Lost", bad]]
        assert "created_at" not in propose_mapping(headers, smp).fields, bad
    # a header that names no date: «Number» of 8-digit days is no date field
    m = propose_mapping(["ID", "Stage", "Number"], [["1", "Won", "20240105"]])
    assert "created_at" not in m.fields


def test_a_compact_year_outside_1990_to_2100_is_an_unreadable_date(mem_store, tmp_path):
    # mapped by hand: 20240105 reads, 19000101 (beyond the sample check) does not: deal 2 is kept
    # without a creation date, its cell named with its value as a warning
    text = ("ID,Stage,Created\n"
            "1,Won,20240105\n"
            "2,Won,19000101\n")
    info, built = _import(mem_store, tmp_path, text, mapping_pairs=["created_at=Created"])
    assert built["rows_rejected"] == 0
    assert {k: v[0] for k, v in _deals(mem_store, info).items()} == {"1": D(2024, 1, 5), "2": None}
    with mem_store.connect() as con:
        unread = con.execute(f"SELECT code, severity, row_no, column_name, value FROM ds_{info.id}.quality "
                             "WHERE code = 'date.unreadable' AND row_no IS NOT NULL").fetchall()
    assert unread == [("date.unreadable", "warning", 3, "Created", "19000101")]


def test_compact_cell_kind():
    assert sv.is_compact_date("20240105") and sv.is_compact_date("20240105 093000")
    assert sv.is_compact_date("20240105093000")
    assert not sv.is_compact_date("20240105 250000")  # hour 25
    assert not sv.is_compact_date("2024010") and not sv.is_compact_date("202401050")
    assert sv.all_compact_dates(["20240105", "N/A"]) and not sv.all_compact_dates(["N/A"])


# ---------------------------------------------------------------- months without a day

@pytest.mark.parametrize("month", ["2024-01", "2024/1", "01.2024", "1/2024", "2024年1月", "Jan-24", "Jan 2024",
                                   "January 2024", "январь 2024", "янв. 2024 г."])
def test_month_only_spellings(month):
    assert sv.is_month_only(month) and not sv.is_date(month)


@pytest.mark.parametrize("value", ["2024-01-05", "Jan 5, 2024", "2024-13", "13.2024", "Jan 24", "20240105",
                                   "Mayor 2024"])
def test_not_month_only(value):
    assert not sv.is_month_only(value)


def test_a_month_only_created_column_is_said_not_read(mem_store, tmp_path):
    text = ("ID,Name,Stage,Amount,Created\n"
            "1,A,Won,100,2024-01\n"
            "2,B,Lost,200,2024-02\n")
    info, built = _import(mem_store, tmp_path, text)
    assert "created_at" not in _fields(info) and built["rows_rejected"] == 0
    assert {k: v[0] for k, v in _deals(mem_store, info).items()} == {"1": None, "2": None}
    (found,) = _findings(mem_store, info, "date.month_only")
    assert found[:2] == ("Created", "2024-01")
    detail = found[2]
    assert json.loads(detail)["field_key"] == "mapping.field.created_at"
    assert finding_text("date.month_only", detail, "en").startswith(
        "«Created» looks like the «Created at» field, but its cells name only a month, without the day "
        "(e.g. «2024-01»)")
    assert finding_text("date.month_only", detail, "ru").startswith(
        "Столбец «Created» похож на поле «Дата создания», но в его ячейках только месяц")
    assert finding_text("date.month_only", detail, "zh").startswith("“Created”看起来是“创建时间”列")
    # the creation is still said to be missing, and the month column is not offered as a date to map
    assert "date.no_created_column_at_all" in _codes(mem_store, info)
    assert not _findings(mem_store, info, "date.no_created_column")


def test_month_only_beside_a_real_date_column_names_only_the_real_one(mem_store, tmp_path):
    text = ("Deal ID;Дата создания;Этап;Дата изменения статуса;Дата окончания\n"
            "1;январь 2024;Счёт;15.02.2024;01.03.2024\n"
            "2;февраль 2024;Счёт;16.02.2024;02.03.2024\n")
    info, _built = _import(mem_store, tmp_path, text)
    assert "created_at" not in _fields(info)
    (found,) = _findings(mem_store, info, "date.month_only")
    assert found[:2] == ("Дата создания", "январь 2024")
    (other,) = _findings(mem_store, info, "date.no_created_column")
    assert json.loads(other[2])["columns"] == "«Дата окончания»"  # the status change is mapped: not offered


def test_a_full_date_column_is_no_month_only_column(mem_store, tmp_path):
    text = ("ID,Stage,Created\n1,Won,2024-01-05\n2,Lost,2024-01-06\n")
    info, _built = _import(mem_store, tmp_path, text)
    assert _fields(info)["created_at"] == "Created"
    assert "date.month_only" not in _codes(mem_store, info)


def test_a_month_column_mapped_by_hand_is_still_refused(mem_store, tmp_path):
    # by hand, as before: every row's date is unreadable (no first-of-month made up)
    text = "ID,Stage,Created\n1,Won,2024-01\n2,Lost,2024-02\n"
    with pytest.raises(FunnelError):
        _import(mem_store, tmp_path, text, mapping_pairs=["created_at=Created"])
