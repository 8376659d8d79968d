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


# ---------------------------------------------------------------- 2. one day/month order per file

def test_javascript_locale_strings_and_dotted_year_first_dates(mem_store, tmp_path):
    # toLocaleString('ru-RU') writes «13.01.2024, 09:05:00», ('en-US') «1/13/2024, 9:05:00 AM» (a comma before
    # the time); Chinese and Korean sheets «2024.01.13»
    text = ("Deal ID;Created;Closed;Stage;Status\n"
            "1;13.01.2024, 09:05:00;20.01.2024, 17:30:00;Deal;Won\n"
            "2;14.01.2024, 9:05;21.01.2024, 18:00;Deal;Lost\n")
    info, built = _import(mem_store, tmp_path, text)
    assert built["rows_rejected"] == 0
    assert _dates(mem_store, info) == {"1": (D(2024, 1, 13, 9, 5), D(2024, 1, 20, 17, 30)),
                                       "2": (D(2024, 1, 14, 9, 5), D(2024, 1, 21, 18, 0))}
    text = ('Deal ID,Created,Closed,Stage,Status\n'
            '1,"1/13/2024, 9:05:00 AM","1/20/2024, 5:30:00 PM",Deal,Won\n'
            '2,"1/14/2024, 12:05:00 PM","1/21/2024, 12:00:00 AM",Deal,Lost\n')
    info, built = _import(mem_store, tmp_path, text, name="us.csv")
    assert built["rows_rejected"] == 0
    # 12:05 PM is five past noon, 12:00 AM midnight
    assert _dates(mem_store, info) == {"1": (D(2024, 1, 13, 9, 5), D(2024, 1, 20, 17, 30)),
                                       "2": (D(2024, 1, 14, 12, 5), D(2024, 1, 21, 0, 0))}
    text = "Deal ID,Created,Closed,Stage,Status\n1,2024.01.13,2024.01.20 17:30,Deal,Won\n"
    info, built = _import(mem_store, tmp_path, text, name="zh.csv")
    assert built["rows_rejected"] == 0
    assert _dates(mem_store, info) == {"1": (D(2024, 1, 13), D(2024, 1, 20, 17, 30))}


def test_an_abbreviated_russian_weekday_before_the_date_still_finds_the_column(mem_store, tmp_path):
    # 5 January 2024 was a Friday (пт), 12 January too
    text = ("Deal ID;Создана;Закрыта;Этап;Статус\n"
            "1;пт, 5 января 2024 г., 10:00;пт, 12 января 2024 г., 18:30;Сделка;Выиграна\n"
            "2;Пт 05.01.2024;Пт 12.01.2024;Сделка;Проиграна\n")
    info, built = _import(mem_store, tmp_path, text)
    assert built["rows_rejected"] == 0
    assert _dates(mem_store, info) == {"1": (D(2024, 1, 5, 10, 0), D(2024, 1, 12, 18, 30)),
                                       "2": (D(2024, 1, 5), D(2024, 1, 12))}


def test_a_column_that_settles_day_first_settles_it_for_the_other_columns_and_the_history(mem_store, tmp_path):
    # «Created» has 13/01/2023 and 20/01/2023: day first is settled. «Closed» has only days <= 12 and was
    # read month first on its own (03/02/2023 as 2 March); now it takes the file's order.
    deals_csv = ("Deal ID,Created,Closed,Stage,Status\n"
                 "1,13/01/2023,03/02/2023,Contract,Won\n"
                 "2,20/01/2023,04/03/2023,Contract,Won\n"
                 "3,01/02/2023,,Proposal,Open\n")
    history_csv = ("deal_id,stage,entered_at\n"
                   "1,Proposal,02/01/2023\n"     # all <= 12: read with the deals file's order, 2 January
                   "1,Contract,01/02/2023\n"     # 1 February
                   "2,Proposal,05/02/2023\n"     # 5 February
                   "2,Contract,06/03/2023\n")    # 6 March
    (tmp_path / "history.csv").write_text(history_csv)
    info, built = _import(mem_store, tmp_path, deals_csv, history=tmp_path / "history.csv")
    assert _dates(mem_store, info) == {
        "1": (D(2023, 1, 13), D(2023, 2, 3)),   # cycle 18 + 3 = 21 days (month first: 48)
        "2": (D(2023, 1, 20), D(2023, 3, 4)),   # cycle 11 + 28 + 4 = 43 days
        "3": (D(2023, 2, 1), None),
    }
    with mem_store.connect() as con:
        events = con.execute(f"SELECT deal_id, stage, entered_at FROM ds_{info.id}.events "
                             "WHERE stage IN ('Proposal', 'Contract') ORDER BY deal_id, entered_at").fetchall()
    assert ("1", "Proposal", D(2023, 1, 2)) in events and ("2", "Contract", D(2023, 3, 6)) in events
    assert _findings(mem_store, info, "date.ambiguous_order") == []


# ---------------------------------------------------------------- 3. nothing settles it: say which order

def _warning_text(store, info, lang):
    from funnel.quality_report import finding_text

    rows = _findings(store, info, "date.ambiguous_order")
    return {column: finding_text("date.ambiguous_order", detail, lang) for column, _value, detail in rows}


def test_semicolon_file_with_every_day_under_13_is_read_day_first_and_says_so(mem_store, tmp_path):
    text = ("Deal ID;Created;Stage;Status\n"
            "1;03/04/2023;Proposal;Open\n"
            "2;05/06/2023;Proposal;Open\n")
    info, _built = _import(mem_store, tmp_path, text)
    assert _dates(mem_store, info) == {"1": (D(2023, 4, 3), None), "2": (D(2023, 6, 5), None)}
    en = _warning_text(mem_store, info, "en")["Created"]
    assert "read day first (03/04/2023 as April 3, 2023, not March 4, 2023)" in en
    assert "separated by semicolons" in en
    ru = _warning_text(mem_store, info, "ru")["Created"]
    assert "«день, месяц» (03/04/2023 — это 3 апреля 2023\u202fг., а не 4 марта 2023\u202fг.)" in ru  # Babel: NNBSP before г.
    zh = _warning_text(mem_store, info, "zh")["Created"]
    assert "“日在前”读取（03/04/2023 读作 2023年4月3日，而不是 2023年3月4日）" in zh


def test_comma_file_without_locale_evidence_is_read_month_first_and_says_so(mem_store, tmp_path):
    text = ("Deal ID,Created,Stage,Status\n"
            "1,03/04/2023,Proposal,Open\n")
    info, _built = _import(mem_store, tmp_path, text)
    assert _dates(mem_store, info) == {"1": (D(2023, 3, 4), None)}
    en = _warning_text(mem_store, info, "en")["Created"]
    assert "read month first (03/04/2023 as March 4, 2023, not April 3, 2023)" in en
    assert "most often American" in en


def test_decimal_comma_amounts_and_day_first_headers_are_locale_evidence(mem_store, tmp_path):
    amounts = ("Deal ID,Created,Amount,Stage,Status\n"
               '1,03/04/2023,"1234,50",Proposal,Open\n'
               '2,05/06/2023,"99,90",Proposal,Open\n')
    info, _built = _import(mem_store, tmp_path, amounts)
    assert _dates(mem_store, info)["1"] == (D(2023, 4, 3), None)   # 3 April: day first
    assert "decimal comma" in _warning_text(mem_store, info, "en")["Created"]
    headers = ("ID,Fecha de creación,Etapa,Estado\n"
               "1,03/04/2023,Propuesta,Abierta\n")
    info, _built = _import(mem_store, tmp_path, headers, name="es.csv")
    assert _dates(mem_store, info)["1"] == (D(2023, 4, 3), None)
    assert "column names are in a language" in _warning_text(mem_store, info, "en")["Fecha de creación"]


def test_fewer_deals_closed_before_created_decides_when_both_dates_are_ambiguous(mem_store, tmp_path):
    # deal 1: day first 2 Jan -> 1 Mar (fine); month first 1 Feb -> 3 Jan... of 01/03: 3 January, before
    # it was created. Deal 2: day first 5 Feb -> 6 Mar, month first 2 May -> 3 Jun: both fine.
    # Day first: 0 deals closed before created, month first: 1 -> day first, in a comma file.
    text = ("Deal ID,Created,Closed,Stage,Status\n"
            "1,02/01/2023,01/03/2023,Contract,Won\n"
            "2,05/02/2023,06/03/2023,Contract,Won\n")
    info, _built = _import(mem_store, tmp_path, text)
    assert _dates(mem_store, info) == {"1": (D(2023, 1, 2), D(2023, 3, 1)), "2": (D(2023, 2, 5), D(2023, 3, 6))}
    texts = _warning_text(mem_store, info, "en")
    assert set(texts) == {"Created", "Closed"}
    assert all("more deals would close before they were created" in x for x in texts.values())


def test_a_warning_stored_before_it_had_parameters_keeps_its_plain_sentence():
    from funnel.quality_report import finding_text

    # datasets imported earlier stored detail "" (or the preset's "dmy"): no placeholders shown
    assert finding_text("date.ambiguous_order", "", "en") == "Day/month order could not be decided from the data"
    assert finding_text("date.ambiguous_order", "dmy", "ru") == "Порядок дня и месяца не определить по данным"
