"""The same twelve deals, written the ways real exports and the programs people re-save them with write them,
give the same numbers. Each shape is one a CRM or a spreadsheet writes (the files of the earlier surveys):

- a plain UTF-8 CSV with ISO times (an API dump);
- the CSV of a spreadsheet in the language's locale (Excel in Russian: ``;``, «14.02.2024 10:00», «100 000,00»
  with a no-break space, a BOM; Excel in English: ``2/14/2024 10:00``, «100,000.00»; WPS in Chinese:
  «2024/2/14 10:00»);
- a legacy code page (cp1251, GB18030, cp1252) and Excel's «Unicode text» (UTF-16, tabs, CRLF);
- every value quoted with a total row and blank lines under the table (a report);
- an .xlsx of typed cells, an .xlsx with a title above the header and money as text with its currency, an Excel 97
  .xls, an HTML table saved as .xls (Bitrix24's «Экспорт в Excel»);
- the columns in another order with an unnamed empty column and a note holding a line break and the separator;
- ISO times with a ``T`` and ``Z`` (HubSpot's and Salesforce's APIs); the CSV inside a .zip.
- dates in words («14 февраля 2024 г.», «Feb 14, 2024 10:00 AM», «2024年2月14日») and money with its unit («руб.»,
  «USD», 元); Excel's day numbers for dates; a JSON answer of an API; a LibreOffice .ods;
- the newest deals first under Excel's ``sep=`` line; two pages pasted with the header again and a separator
  ending every line; stage names padded with a tab, a line break or spaces and in capitals in a won and a lost row.

In English, Russian and Chinese (headers, stage names, managers). The deals are survey 22's (tests/unit/
test_survey22.py): 6 open, 3 won for 1,475,000.50, 3 lost at a closing stage, won cycles 30, 20, 40 days.
Worked out by hand from that list: the first manager holds the deals 1, 3, 5, 7, 9, 11, the won 7 and 9
(150,000 + 75,000 = 225,000); the second 2, 4, 6, 8, 10, 12, the won 8 (1,250,000.50). Sources alternate (odd
deals the first), 6 each.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import zipfile

import openpyxl
import pytest
import xlwt

from funnel.importer import import_file
from tests.unit.test_crm_exports_spreadsheets import _ods, outcome, reached
from tests.unit.test_survey22 import CLOSING, DEALS, OUTCOME

LANGS = {
    "en": dict(header=["Deal ID", "Deal Name", "Stage", "Amount", "Created Date", "Close Date", "Owner", "Lead Source"],
               stages=["Qualification", "Needs Analysis", "Proposal", "Negotiation"], won="Closed Won",
               lost="Closed Lost", managers=["Anna Smith", "Oleg Petrov"], sources=["Web", "Referral"],
               name="Deal {n}", total="Total", currency="$", legacy="cp1252"),
    "ru": dict(header=["ID", "Название", "Этап сделки", "Бюджет", "Дата создания", "Дата закрытия", "Ответственный",
                       "Источник"],
               stages=["Первичный контакт", "Переговоры", "Принимают решение", "Согласование договора"],
               won="Успешно реализовано", lost="Закрыто и не реализовано", managers=["Анна Смирнова", "Олег Петров"],
               sources=["Сайт", "Рекомендация"], name="Сделка №{n}", total="Итого", currency="₽", legacy="cp1251"),
    "zh": dict(header=["商机编号", "商机名称", "商机阶段", "金额", "创建时间", "结束日期", "负责人", "来源"],
               stages=["初步接洽", "需求确认", "方案报价", "谈判审核"], won="赢单", lost="输单",
               managers=["王芳", "李强"], sources=["官网", "转介绍"], name="项目{n}", total="合计", currency="¥",
               legacy="gb18030"),
}


def _stage(lang: dict, kind: str, k: int) -> str:
    return lang["won"] if kind == "won" else lang["lost"] if kind == "lost" else lang["stages"][k - 1]


def _records(lang: dict) -> list[list]:
    """id, name, stage, amount, created, closed, manager, source: typed Python values."""
    return [[n, lang["name"].format(n=n), _stage(lang, kind, k), amount, created, closed, lang["managers"][m],
             lang["sources"][(n + 1) % 2]] for n, kind, k, amount, m, created, closed in DEALS]


def _locale_date(code: str, d: dt.datetime) -> str:
    return {"ru": f"{d:%d.%m.%Y %H:%M}", "en": f"{d.month}/{d.day}/{d.year} {d:%H:%M}",
            "zh": f"{d.year}/{d.month}/{d.day} {d:%H:%M}"}[code]


def _locale_money(code: str, x: float, symbol: str = "") -> str:
    if code == "ru":
        return f"{x:,.2f}".replace(",", "\u00a0").replace(".", ",") + (f" {symbol}" if symbol else "")
    return f"{symbol}{x:,.2f}"


def _text_rows(code: str, *, dates, money) -> list[list[str]]:
    lang = LANGS[code]
    return [lang["header"]] + [[str(n), name, stage, money(amount), dates(created), dates(closed) if closed else "",
                                manager, source]
                               for n, name, stage, amount, created, closed, manager, source in _records(lang)]


def _write_csv(rows, *, sep=",", encoding="utf-8", quoting=csv.QUOTE_MINIMAL, newline="\n") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, quoting=quoting, lineterminator=newline).writerows(rows)
    return buf.getvalue().encode(encoding)


def _iso(d: dt.datetime) -> str:
    return f"{d:%Y-%m-%d %H:%M:%S}"


def plain_csv(code):
    return _write_csv(_text_rows(code, dates=_iso, money=lambda x: f"{x:.2f}")), "deals.csv"


def locale_csv(code):
    rows = _text_rows(code, dates=lambda d: _locale_date(code, d), money=lambda x: _locale_money(code, x))
    return _write_csv(rows, sep=";" if code == "ru" else ",", encoding="utf-8-sig"), "export.csv"


def legacy_csv(code):
    rows = _text_rows(code, dates=lambda d: _locale_date(code, d), money=lambda x: _locale_money(code, x))
    return _write_csv(rows, sep=";" if code == "ru" else ",", encoding=LANGS[code]["legacy"]), "export.csv"


def unicode_text(code):
    rows = _text_rows(code, dates=lambda d: _locale_date(code, d), money=lambda x: _locale_money(code, x))
    return _write_csv(rows, sep="\t", encoding="utf-16", newline="\r\n"), "export.txt"


def quoted_report_with_total(code):
    rows = _text_rows(code, dates=_iso, money=lambda x: f"{x:.2f}")
    total = sum(d[3] for d in DEALS)
    rows += [[LANGS[code]["total"], "", "", f"{total:.2f}", "", "", "", ""], [""] * 8, []]
    return _write_csv(rows, quoting=csv.QUOTE_ALL, newline="\r\n"), "report.csv"


def _book(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def typed_xlsx(code):
    return _book([LANGS[code]["header"], *_records(LANGS[code])]), "deals.xlsx"


def titled_xlsx_money_as_text(code):
    lang = LANGS[code]
    rows = _text_rows(code, dates=lambda d: _locale_date(code, d),
                      money=lambda x: _locale_money(code, x, lang["currency"]))
    return _book([[f"{lang['name'].format(n='')} — 2024-05-01"], [], *rows]), "report.xlsx"


def biff_xls(code):
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    when = xlwt.easyxf(num_format_str="DD.MM.YYYY HH:MM")
    for r, row in enumerate([LANGS[code]["header"], *_records(LANGS[code])]):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write(r, c, value, when)
            elif value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), "deals.xls"


def html_xls(code):
    rows = _text_rows(code, dates=lambda d: _locale_date(code, d), money=lambda x: _locale_money(code, x))
    cells = ["<tr>" + "".join(f"<{t}>{html.escape(v)}</{t}>" for v in row) + "</tr>"
             for t, row in zip(["th"] + ["td"] * (len(rows) - 1), rows, strict=True)]
    page = ('<html><head><meta http-equiv="Content-type" content="text/html;charset=utf-8" /></head><body>'
            '<table border="1">' + "\n".join(cells) + "</table></body></html>")
    return page.encode(), "deal_list.xls"


def reordered_with_an_empty_column_and_notes(code):
    rows = _text_rows(code, dates=_iso, money=lambda x: f"{x:.2f}")
    note = {"en": "Call back,\nafter the demo", "ru": "Перезвонить;\nпосле демо", "zh": "回访，\n演示后"}[code]
    out = [[*reversed(row), "", "Notes" if i == 0 else note] for i, row in enumerate(rows)]
    return _write_csv(out, sep=";" if code == "ru" else ","), "deals.csv"


def api_iso_times(code):
    return _write_csv(_text_rows(code, dates=lambda d: f"{d:%Y-%m-%dT%H:%M:%S.000Z}",
                                 money=lambda x: f"{x:.2f}")), "deals.csv"


def zipped_csv(code):
    data, name = plain_csv(code)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr(name, data)
    return buf.getvalue(), "export.zip"


_MONTHS = {"ru": ["января", "февраля", "марта"], "en": ["Jan", "Feb", "Mar"]}


def _worded_date(code: str, d: dt.datetime) -> str:
    if code == "ru":
        return f"{d.day} {_MONTHS['ru'][d.month - 1]} {d.year} г. {d:%H:%M}"
    if code == "en":
        return f"{_MONTHS['en'][d.month - 1]} {d.day}, {d.year} {d.hour % 12 or 12}:{d:%M} {'AM' if d.hour < 12 else 'PM'}"
    return f"{d.year}年{d.month}月{d.day}日 {d:%H:%M}"


def dates_in_words_money_with_units(code):
    unit = {"ru": lambda x: f"{x:,.0f}".replace(",", " ") + (f",{round(x % 1 * 100):02d}" if x % 1 else "") + " руб.",
            "en": lambda x: f"USD {x:,.2f}", "zh": lambda x: f"{x:,.2f}元"}[code]
    return _write_csv(_text_rows(code, dates=lambda d: _worded_date(code, d), money=unit)), "deals.csv"


def stage_names_as_typed_by_hand(code):
    """Spaces around some stage names and another case in one won and one lost row (a list edited by hand, or
    two CRM versions): the commoner spelling names the stage (two of three won and lost rows keep theirs)."""
    rows = _text_rows(code, dates=_iso, money=lambda x: f"{x:.2f}")
    for n in (7, 10):
        rows[n][2] = rows[n][2].upper()
    for n, pad in ((1, " {}"), (5, "{}  "), (6, "\t{} ")):
        rows[n][2] = pad.format(rows[n][2])
    return _write_csv(rows), "deals.csv"


def json_api_records(code):
    lang = LANGS[code]
    keys = lang["header"]
    records = [{k: (v.strftime("%Y-%m-%dT%H:%M:%S+00:00") if isinstance(v, dt.datetime) else v)
                for k, v in zip(keys, row, strict=True)} for row in _records(lang)]
    return json.dumps({"result": records, "total": len(records)}, ensure_ascii=False).encode(), "deals.json"


def libreoffice_ods(code):
    return _ods([LANGS[code]["header"], *_records(LANGS[code])], tail=""), "deals.ods"


def newest_first_with_an_excel_sep_line(code):
    """CRMs list the newest deals first (amoCRM, Bitrix24); a ``sep=`` line tells Excel the separator."""
    rows = _text_rows(code, dates=lambda d: _locale_date(code, d), money=lambda x: _locale_money(code, x))
    sep = ";" if code == "ru" else ","
    return f"sep={sep}\n".encode() + _write_csv([rows[0], *reversed(rows[1:])], sep=sep), "export.csv"


def two_pages_pasted_with_trailing_separators(code):
    """Two pages of an export pasted one under the other, the second with its header again; 1C and some
    Excel macros end every line with the separator."""
    rows = _text_rows(code, dates=_iso, money=lambda x: f"{x:.2f}")
    pasted = [rows[0], *rows[1:7], rows[0], *rows[7:]]
    return _write_csv([[*row, ""] for row in pasted], sep=";"), "export.csv"


def excel_serial_dates(code):
    """Dates as Excel's day numbers (a sheet downloaded through an API unformatted, or a column whose format
    was cleared): 45336.416666… is 2024-02-14 10:00."""
    def serial(d: dt.datetime) -> str:
        return repr((d - dt.datetime(1899, 12, 30)).total_seconds() / 86400)
    return _write_csv(_text_rows(code, dates=serial, money=lambda x: f"{x:.2f}")), "deals.csv"


SHAPES = [newest_first_with_an_excel_sep_line, two_pages_pasted_with_trailing_separators, excel_serial_dates,
          dates_in_words_money_with_units, stage_names_as_typed_by_hand, json_api_records, libreoffice_ods,
          plain_csv, locale_csv, legacy_csv, unicode_text, quoted_report_with_total, typed_xlsx,
          titled_xlsx_money_as_text, biff_xls, html_xls, reordered_with_an_empty_column_and_notes, api_iso_times,
          zipped_csv]


@pytest.mark.parametrize("code", sorted(LANGS))
@pytest.mark.parametrize("shape", SHAPES, ids=lambda f: f.__name__)
def test_the_same_deals_give_the_same_numbers_in_every_file_shape(mem_store, shape, code):
    lang = LANGS[code]
    data, file_name = shape(code)
    info, _built, _draft = import_file(mem_store, data, file_name)
    assert outcome(mem_store, info) == OUTCOME
    assert reached(mem_store, info) == list(zip([*lang["stages"], lang["won"]], CLOSING, strict=True))
    with mem_store.connect() as con:
        managers = con.execute(f"""SELECT manager, count(*), count(*) FILTER (WHERE status = 'won'),
                                          sum(amount) FILTER (WHERE status = 'won')
                                   FROM ds_{info.id}.deals GROUP BY manager ORDER BY manager""").fetchall()
        sources = con.execute(f"SELECT source, count(*) FROM ds_{info.id}.deals GROUP BY ALL").fetchall()
    first, second = lang["managers"]
    assert sorted(managers) == sorted([(first, 6, 2, 225000.0), (second, 6, 1, 1250000.5)])
    assert sorted(sources) == sorted((s, 6) for s in lang["sources"])
