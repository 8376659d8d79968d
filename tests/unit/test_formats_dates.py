"""Date spellings of real exports and the day/month order of a file, through funnel.importer.import_file.

Every expected timestamp is read off the small CSV written in the test (the calendar arithmetic is in
the comments); the weekdays written in the files are the true ones (16 February 2023 was a Thursday).
"""

from datetime import datetime as D

from funnel.importer import import_file


def _import(store, tmp_path, text: str, name: str = "deals.csv", encoding: str = "utf-8", **kw):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    info, built, _draft = import_file(store, path, **kw)
    return info, built


def _dates(store, info) -> dict[str, tuple]:
    with store.connect() as con:
        rows = con.execute(f"SELECT deal_id, created_at, closed_at FROM ds_{info.id}.deals").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def _findings(store, info, code: str) -> list[tuple]:
    with store.connect() as con:
        return con.execute(f"SELECT column_name, value, detail FROM ds_{info.id}.quality "
                           "WHERE code = $c AND row_no IS NULL ORDER BY column_name", {"c": code}).fetchall()


# ---------------------------------------------------------------- 1. spellings that were rejected

def test_excel_day_month_name_year_and_a_weekday_before_the_date(mem_store, tmp_path):
    text = ("Deal ID,Created,Closed,Stage,Status\n"
            "1,2-Feb-23,12-Feb-23,Deal,Won\n"                                     # Excel d-mmm-yy
            "2,02-Feb-2023,14-Feb-2023,Deal,Won\n"                                # dd-mmm-yyyy
            '3,"Thursday, April 6, 2023","Sunday, April 16, 2023",Deal,Won\n'     # weekday, month day, year
            "4,\"Thu, 6 Apr 2023\",\"Mon, 1 May 2023\",Deal,Lost\n")              # RFC 2822's day, d mon yyyy
    info, built = _import(mem_store, tmp_path, text)
    assert built["rows_rejected"] == 0
    assert _dates(mem_store, info) == {
        "1": (D(2023, 2, 2), D(2023, 2, 12)),   # «23» is 2023 (%y), not the year 23
        "2": (D(2023, 2, 2), D(2023, 2, 14)),
        "3": (D(2023, 4, 6), D(2023, 4, 16)),
        "4": (D(2023, 4, 6), D(2023, 5, 1)),
    }


def test_russian_month_names_genitive_abbreviated_with_year_mark_and_weekday(mem_store, tmp_path):
    text = ("ID;Дата создания;Дата закрытия;Этап;Статус\n"
            "1;1 февраля 2023 г.;11 февраля 2023 г.;Счёт;Выиграна\n"
            "2;02 фев 2023;02 мар 2023;Счёт;Выиграна\n"
            "3;16 февраля 2023 г., 15:38;четверг, 16 февраля 2023 г., 15:38:04;Счёт;Проиграна\n"
            "4;3 Сент. 2022;Пятница, 3 марта 2023 г., 09:05:00;Счёт;Выиграна\n"  # capital letters too
            "5;5 мая 2023 г.;4 нояб. 2023;Счёт;Выиграна\n")
    info, built = _import(mem_store, tmp_path, text, encoding="cp1251")
    assert built["rows_rejected"] == 0
    assert _dates(mem_store, info) == {
        "1": (D(2023, 2, 1), D(2023, 2, 11)),
        "2": (D(2023, 2, 2), D(2023, 3, 2)),
        "3": (D(2023, 2, 16, 15, 38), D(2023, 2, 16, 15, 38, 4)),
        "4": (D(2022, 9, 3), D(2023, 3, 3, 9, 5)),   # сент. = September; 3 March 2023 was a Friday
        "5": (D(2023, 5, 5), D(2023, 11, 4)),        # мая = May (genitive of май), нояб. = November
    }


def test_chinese_and_japanese_12_hour_markers(mem_store, tmp_path):
    # 下午 / 午後 = PM, 上午 / 午前 = AM; 12 PM is noon (12:05), 12 AM is midnight (00:30)
    text = ("商机编号,创建时间,成交日期,销售阶段,商机状态\n"
            "1,2023/6/5 下午2:30,2023/6/10 下午2:30,谈判,赢单\n"                # 2:30 PM = 14:30
            "2,2023/6/5 上午 09:05,2018/9/28 下午 05:58,谈判,赢单\n"           # 05:58 PM = 17:58
            "3,2023年8月16日 下午2:02:51,2023年8月17日 上午11:00:00,谈判,输单\n"
            "4,2023/02/01 午前9:05,2023/02/11 午後2:05,谈判,赢单\n"             # 午後2:05 = 14:05
            "5,2023/02/02 午後12:05,2023/02/03 午前12:30,谈判,赢单\n"
            "6,2023/02/03 10:00,2023/02/05 10:00,谈判,赢单\n")                  # 24-hour times in the same column
    info, built = _import(mem_store, tmp_path, text, encoding="gb18030")
    assert built["rows_rejected"] == 0
    assert _dates(mem_store, info) == {
        "1": (D(2023, 6, 5, 14, 30), D(2023, 6, 10, 14, 30)),
        "2": (D(2023, 6, 5, 9, 5), D(2018, 9, 28, 17, 58)),
        "3": (D(2023, 8, 16, 14, 2, 51), D(2023, 8, 17, 11, 0, 0)),
        "4": (D(2023, 2, 1, 9, 5), D(2023, 2, 11, 14, 5)),
        "5": (D(2023, 2, 2, 12, 5), D(2023, 2, 3, 0, 30)),
        "6": (D(2023, 2, 3, 10, 0), D(2023, 2, 5, 10, 0)),
    }
