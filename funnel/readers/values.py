"""Typing a staged text column: is it dates, numbers or booleans, and SQL to parse it.

SQL counts, Python reasons: one GROUP BY turns the whole column into *shapes* (digits replaced
by ``9``, lower-cased, e.g. ``99.99.9999 99:99:99``) with counts and the largest first/second
date part; Python classifies the shapes and decides the day/month order, the decimal mark and
which ``strptime`` formats to try. The parse expressions are DuckDB SQL built only from the
(already quoted) column and constants — values are never pasted into SQL.

Choices (documented for the quality report):
- Day/month order is decided from the whole column: a first part > 12 settles ``dmy``, a second
  part > 12 settles ``mdy``; otherwise the hint, else ``mdy`` for ``/`` and ``dmy`` for ``.``,
  and the profile says ``ambiguous`` (the importer then decides it once per file:
  importer/columns.py ``file_dates`` and :func:`with_day_month_order`).
- Time zones: exports give wall-clock local time. When every value with an offset (``Z``,
  ``+03:00``, `` UTC``) carries the same offset, the offset is dropped and the wall-clock time kept;
  when offsets differ, values are converted to UTC so they stay comparable.
- Instants (Unix time, a value with an offset) and the dataset time zone: with a zone
  (``ColumnProfile.timezone``, funnel/timezones.py) every instant is converted to that zone's
  wall-clock time, each from its own offset (the one-shared-offset case too); plain wall-clock
  values (``15.01.2024 10:00``, ``2024-01-15``, Excel serials) are never shifted. DuckDB's ICU does
  the conversion (``AT TIME ZONE`` with an IANA name, DST included). :func:`instant_sql` tells the
  instants apart, for the import's note of what was read how (importer/instants.py).
- Excel serial dates: 1900 system, epoch 1899-12-30, only 20000..80000 (1954..2119).
- Epoch milliseconds: exactly 13 digits (HubSpot API), read as UTC.
- Compact dates ``yyyymmdd [hhmmss]`` (``20240105``) and ISO 8601's basic format with a T (``20240105T093000``,
  ``20240105T0930``, ``20240105T093000Z``, ``20240105T093000+0300``): only in a column profiled for a date,
  years 1990..2100; an offset is read as the extended format's (``2024-01-05T09:30:00Z``) is: time zones, above.
- A system's "no date" (SAP's ``00000000``, MySQL's ``0000-00-00``, .NET's ``0001-01-01``: :data:`NO_DATE_PATTERN`)
  is an empty cell, as a "no value" word (:data:`NONE_WORDS`) is: never a date, never a bad row.
- Decimal mark per column: ``,`` when more values read as decimal comma (``1 250 000,00``,
  ``1.250,5``) than decimal point; a lone ``1,234`` is read as thousands. A ``1.234`` (a dot before
  three digits, no other dot in the column) is thousands when the column shows a decimal-comma locale
  (``1.234 €``, ``₽``, ``R$``, ``руб``, or amounts with a decimal comma), else a decimal point, flagged
  as a doubt (``ColumnProfile.dot_groups``). A cell with both marks (``1.000,00``, ``1,200.00``) is
  read in its own style whatever the column's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..money import AMOUNT_CODES
from ..sql import ident, render, run
from ..timezones import zone_literal

MAX_SHAPES = 500
SERIAL_RANGE = (20000, 80000)

# The one yes/no vocabulary of the product (EN, RU, ZH, DE, ES, FR, PT, CS), lower case: the mapper's
# sample checks (mapping.cell_kinds) and the SQL parse below both read it.
# «checked» / «unchecked»: a checkbox as Airtable's CSV writes it (an unticked box is an empty cell there)
TRUE_WORDS = ("yes", "y", "true", "t", "1", "on", "да", "д", "истина", "是", "对", "真", "ja", "j", "wahr",
              "sí", "si", "verdadero", "oui", "vrai", "sim", "ano", "checked",
              # a ticked box as a sheet or a no-code table writes it (APITable's checkbox parser reads ☑️)
              "✓", "✔", "✔\ufe0f", "☑", "☑\ufe0f", "✅", "так",  # так: Ukrainian yes
              "√")  # a Chinese sheet's tick (survey 35: «赢单» ticked √ was a row rejected)
FALSE_WORDS = ("no", "n", "false", "f", "0", "off", "нет", "н", "ложь", "否", "不是", "假", "nein", "falsch",
               "falso", "non", "faux", "não", "nao", "ne", "unchecked",
               "✗", "✘", "☐", "☒", "❌", "✖", "✖\ufe0f", "ні",  # ні: Ukrainian no
               "×")  # a Chinese sheet's cross
# The one mark a checkbox column writes on its ticked rows, the others left empty: Airtable's «checked», a
# tick, or a sheet's «x» / «+»; in such a column an empty cell is an unticked box (importer/columns.py)
CHECK_MARKS = ("checked", "✓", "✔", "✔\ufe0f", "☑", "☑\ufe0f", "✅", "x", "+", "*", "v", "√")
# Text a CRM writes for "no value" in a date or number column: an empty cell, not a bad row
# (amoCRM writes «не закрыта» in «Дата закрытия» of every open deal).
NONE_WORDS = ("-", "--", "—", "–", "n/a", "na", "n.a.", "#n/a", "none", "null", "nil", "never", "not closed",
              "нет", "не закрыта", "не закрыто", "не закрыт", "н/д", "отсутствует", "无", "暂无", "没有",
              "не закрита", "не закрито", "немає",  # Ukrainian
              "keine", "ninguno", "aucun", "aucune",
              "nat",  # pandas' missing date (to_html, to_string); its «NaN» stays a reported amount, as before
              "(no value)",  # HubSpot's empty property in an export (reference audit: was «cannot be read», fix the file)
              "\\n")  # MySQL's NULL in a dump (\N), folded to lower case
# The "no date" a system writes in a date field that has none: read as an empty cell, as NONE_WORDS are (an
# open deal's close date), never as a date nor a bad row. SAP/ABAP's initial DATS and TIMS («00000000»,
# «00000000 000000», «00000000000000»); MySQL's zero date and datetime («0000-00-00», «0000-00-00 00:00:00»);
# .NET's DateTime.MinValue and Go's zero time, midnight of 1 January of the year 1, as ISO («0001-01-01»,
# «0001-01-01T00:00:00Z», «0001-01-01T00:00:00.0000000») and in .NET's culture formats (ru «01.01.0001 0:00:00»,
# en-US «1/1/0001 12:00:00 AM», zh-CN «0001/1/1 0:00:00»). One pattern over the trimmed, lower-case cell, read by
# date_sql (RE2) and by the mapper's sample checks (mapping.cell_kinds.is_no_date); each one holds «000».
NO_DATE_PATTERN = (r"0{8}(?: ?0{6})?"
                   r"|(?:0000-00-00|0001-01-01)(?:[ t]0?0:00(?::00(?:\.0+)?)?(?: ?(?:z|utc|gmt|[+-]00:?00))?)?"
                   r"|0?1[./-]0?1[./-]0001(?:,? (?:0?0:00(?::00)?|12:00(?::00)? ?am))?"
                   r"|0001/0?1/0?1(?: 0?0:00(?::00)?)?")

_TIME = r"( 9{1,2}:99(:99)?)?"
# Month names: "15 apr, 2021 00:02:00" (Zoho), "apr 15, 2021", "15 april 2021 3:05 pm"
# an offset after a time («+03:00», as the "gmt" step writes «GMT+3»): read by the offset rules (_OFFSET_SQL)
_TIME_OFFSET = r"( ?[+-]99:?99)?"
_MONTH_DMY = re.compile(r"^9{1,2} [a-z]{3,9}\.?,? 9{4}(,? 9{1,2}:99(:99)?( ?[ap]m)?" + _TIME_OFFSET + ")?$")
_MONTH_MDY = re.compile(r"^[a-z]{3,9}\.? 9{1,2},? 9{4}(,? 9{1,2}:99(:99)?( ?[ap]m)?" + _TIME_OFFSET + ")?$")
# a 12-hour time too, as a Chinese marker before it leaves it («2024-03-01 下午2:30»: "ampm" below)
_ISO = re.compile(r"^9{4}-9{1,2}-9{1,2}([ t]9{1,2}:99(:99(\.9+)?)?( [ap]m)?)? ?(z|utc|gmt|[+-]99:?99)?$")
# a two-digit year too: 1C and Russian spreadsheets write «01.03.24»
_DOT = re.compile(r"^9{1,2}[.-]9{1,2}[.-](?:9{4}|99)(?: 9{1,2}:99(?::99)?" + _TIME_OFFSET + ")?$")
_DOT_SHORT = re.compile(r"^9{1,2}[.-]9{1,2}[.-]99(?!9)")
# a two-digit year too: a Salesforce org with a short date format writes «02/23/26 08:55 PM»
_SLASH = re.compile(r"^9{1,2}/9{1,2}/(?:9{4}|99)( 9{1,2}:99(:99)? ?([ap]m)?)?$")
_SLASH_SHORT = re.compile(r"^9{1,2}/9{1,2}/99(?!9)")
# An offset only after a time, so that dd-mm-yyyy keeps its year. « UTC» and « GMT» (BigQuery's and
# Salesforce reports' text timestamps: 2023-09-26 15:15:00.000000 UTC) are +00:00.
# ISO 8601's basic format has no colon: its offset follows the time's digits after the T («20240105T093000Z»).
_OFFSET_SQL = "(?i)(:\\d\\d(?:\\.\\d+)?|\\dt\\d{4}(?:\\d\\d)?)\\s?(z|utc|gmt|[+-]\\d\\d:?\\d\\d)$"
_SERIAL = re.compile(r"^9{5}(\.9+)?$")
# Chinese exports (issue 15): year first, 2024/03/05 or 2024年3月5日 [14:07[:05]]; never ambiguous.
# A 12-hour time (下午2:30, Japanese 午前9:05) is « 2:30 pm» here once _normal_shape has moved its marker.
_YMD = re.compile(r"^9{4}(/9{1,2}/9{1,2}|\.9{1,2}\.9{1,2}|年9{1,2}月9{1,2}日)( ?9{1,2}:99(:99)?( [ap]m)?)?$")
# Excel's d-mmm-yy and dd-mmm-yyyy: «2-Feb-23», «02-Feb-2023»
_MONTH_DASH = re.compile(r"^9{1,2}-[a-z]{3,9}-(99|9{4})$")
# Jira's dd/MMM/yy h:mm a: «01/Mar/24 10:00 AM» (its CSV export's Created, Updated, Resolved; survey 40)
_MONTH_SLASH = re.compile(r"^9{1,2}/[a-z]{3,9}/(99|9{4})( 9{1,2}:99(:99)?( ?[ap]m)?)?$")
# Compact year-first dates, yyyymmdd [hhmmss] («20240105», «20240105 093000», «20240105093000»: SAP's, 1C's and
# Chinese ERPs' exports, database dumps): only in a column read as a date (a mapped date field, whose header
# names a date: mapping.matcher), and only years COMPACT_YEARS (any other such number is no date, date_sql)
_COMPACT = re.compile(r"^9{8}( ?9{6})?$")
COMPACT_YEARS = (1990, 2100)
_COMPACT_FORMATS = ("%Y%m%d %H%M%S", "%Y%m%d%H%M%S", "%Y%m%d")
# ISO 8601's basic format with a T, under the same condition: «20240105T093000», «20240105T0930», and with an
# offset («20240105T093000Z», «20240105T093000+0300»), which is read as the extended format's
# («2024-01-05T09:30:00Z»): see the module docstring's time zones
_COMPACT_T = re.compile(r"^9{8}t9{4}(99)?(z|[+-]99:?99)?$")
_COMPACT_T_FORMATS = ("%Y%m%dT%H%M%S", "%Y%m%dT%H%M")
# SQL: a compact value of either kind, whose year date_sql checks against COMPACT_YEARS
_COMPACT_SQL = "(?i)\\d{8}(?: ?\\d{6}|t\\d{4}(?:\\d{2})?(?:z|[+-]\\d{2}:?\\d{2})?)?"

# Spellings made readable before strptime, each step only in a column that has it (the same step runs
# on the values in SQL, date_sql, and on their shapes in Python, _normal_shape):
# - "weekday": a weekday before the date is dropped («Thursday, April 6, 2023», «Thu, 6 Apr 2023»,
#   «четверг, 16 февраля 2023 г., 15:38:04»);
# - "year_mark": the Russian «г.» after the year is dropped («1 февраля 2023 г.»);
# - "ru_month": a Russian month name (genitive «февраля», nominative «февраль», abbreviations «фев»,
#   «февр.», «сент.») becomes the English abbreviation %b reads: DuckDB knows English month names only;
# - "ampm": a Chinese or Japanese 12-hour marker before the time (下午2:30, 上午 09:05, 午前9:05, 午後2:05)
#   becomes am/pm after it: 下午 and 午後 are PM, 上午 and 午前 AM (12 PM is noon, 12 AM midnight);
# - "range": a date range keeps its first date: Notion writes a Date property with an end date as
#   «January 5, 2024 → February 1, 2024» (and its CSV export the same), and the start is when it began;
# - "ordinal": an English ordinal day loses its suffix («January 5th 2024», «March 1st, 2024»: moment.js's
#   ``Do``, which tools built on it write);
# - "cn_time": a Chinese time in words, «14时30分[15秒]» (WPS, hand-typed sheets), is «14:30[:15]»;
# - "gmt": an offset written «GMT+3», «GMT+03:00», «UTC+3» or JavaScript's «GMT+0300 (Москва, стандартное
#   время)» is «+03:00», which the offset rules read;
# - "comma_time": a comma between a numeric date and its time is a space («05.01.2024, 10:00:00»,
#   «1/5/2024, 10:00:00 AM»: JavaScript's toLocaleString in Russian and US English, which web apps'
#   exports write);
# - "hour_offset": an offset of hours only after a time, «2023-02-24 03:01:01.147+00», «…10:00:00+03» (PostgreSQL's
#   and DuckDB's text of a timestamp with time zone: dlt, database dumps), is «+00:00», which the offset rules read.
WEEKDAY_WORDS = (r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|понедельник|вторник|среда|четверг|пятница"
                  r"|суббота|воскресенье|пн|вт|ср|чт|пт|сб|вс)\.?,?\s+")
_RU_MONTH_WORD = r"(^|[\s,.-])(янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек)[а-яё]*\.?"
RU_MONTHS = {"янв": "jan", "фев": "feb", "мар": "mar", "апр": "apr", "май": "may", "мая": "may",
             "июн": "jun", "июл": "jul", "авг": "aug", "сен": "sep", "окт": "oct", "ноя": "nov", "дек": "dec"}
AMPM_WORDS = {"上午": "am", "午前": "am", "下午": "pm", "午後": "pm"}
_DATE_STEPS = ("net_date", "range", "weekday", "year_mark", "ru_month", "ampm", "ordinal", "comma_time", "cn_time",
               "gmt", "hour_offset")
# (step, regex over a value in SQL, regex over its shape in Python)
_STEP_PATTERNS = {
    # .NET's JSON date (WCF, ASP.NET, OData v2: FreshOffice's ``"date_start": "/Date(1709287200000)/"``, survey 44):
    # unix milliseconds, an offset after them only saying the writer's zone; read as the milliseconds
    "net_date": (r"^/date\((-?\d{10,13})(?:[+-]\d{4})?\)/$", r"^/date\((-?9{10,13})(?:[+-]9{4})?\)/$"),
    "weekday": ("^" + WEEKDAY_WORDS, "^" + WEEKDAY_WORDS),
    "year_mark": (r"(\d{4})\s*г\.?", r"(9{4})\s*г\.?"),
    "ru_month": (_RU_MONTH_WORD, _RU_MONTH_WORD),
    "ampm": (r"\s*(上午|午前|下午|午後)\s*(\d{1,2}:\d\d(?::\d\d)?)", r"\s*(上午|午前|下午|午後)\s*(9{1,2}:99(?::99)?)"),
    "range": (r"\s*→.*$", r"\s*→.*$"),
    "ordinal": (r"(\d)(?:st|nd|rd|th)\b", r"(9)(?:st|nd|rd|th)\b"),
    "comma_time": (r"^(\d{1,4}[./-]\d{1,2}[./-]\d{2,4}),\s*(\d{1,2}:)", r"^(9{1,4}[./-]9{1,2}[./-]9{2,4}),\s*(9{1,2}:)"),
    "cn_time": (r"\s*(\d{1,2})[时時点點](\d{1,2})分(?:(\d{1,2})秒)?$", r"\s*(9{1,2})[时時点點](9{1,2})分(?:(9{1,2})秒)?$"),
    "gmt": (r"\s*(?:gmt|utc)([+-])(\d{1,2})(?::?(\d\d))?(?:\s*\(.*\))?$", r"\s*(?:gmt|utc)([+-])(9{1,2})(?::?(99))?(?:\s*\(.*\))?$"),
    "hour_offset": (r"(:\d\d(?:\.\d+)?)([+-]\d\d)$", r"(:99(?:\.9+)?)([+-]99)$"),
}
_SHAPE_STEPS = {step: re.compile(py) for step, (_sql, py) in _STEP_PATTERNS.items()}
# Unix time in a date column: milliseconds (13 digits, JavaScript, HubSpot's API) or seconds (10 digits,
# amoCRM's API v4 ``created_at``); only where the column is read as a date (a mapped date field)
_EPOCH = re.compile(r"^(?:9{13}|9{10})$")
EPOCH_SECONDS = (946684800, 4102444800)  # 2000-01-01 .. 2100-01-01

# R$ (Brazil) before $; ￥ is the full-width ¥ of Chinese and Japanese exports; 元 / 人民币 / 円 the yuan and yen;
# the currencies amoCRM and Bitrix24 accounts in Kazakhstan, Ukraine, Uzbekistan, Kyrgyzstan and Belarus write
# after their amounts (₸ / тг / тенге, ₴ / грн, сум, сом, BYN)
# (RUR, the rouble's old code, and RMB, the yuan's common name, beside money.AMOUNT_CODES)
AMOUNT_CODE_WORDS = "|".join(code.lower() for code in (*AMOUNT_CODES, "RUR", "RMB"))
# «?»: a sign the file's encoding could not hold (Excel's ANSI «CSV» of «150 000,00 ₽» in cp1251, «¥150,000.00» in
# GBK: «150 000,00 ?», «?150,000.00»; survey 35): the number is read, no currency assumed
_CURRENCY = (r"(бел\.?\s?руб\.?|руб\.?|р\.|р$|₽|r\$|\$|€|£|¥|￥|人民币|元|円|₸|₴|₹|тенге|тг\.?|грн\.?|сўм|сум|сом|\?|"
             + AMOUNT_CODE_WORDS + ")")
_SPACES = r"[\s\x{00a0}\x{202f}\x{0027}\x{2019}]"
# 万 is ten thousand and 亿 a hundred million (Chinese: «12万», «1.2万元»)
_SUFFIX = r"(тыс\.?|млн\.?|млрд\.?|mln|bn|k|к|m|м|b|万|亿)$"
_NUMBER_TAIL = re.compile(r"^\(?[-+−]?[\d.,]*\d[\d.,]*\)?$")
_PY_CURRENCY = re.compile(_CURRENCY)
_PY_SUFFIX = re.compile(_SUFFIX)


@dataclass(frozen=True)
class ColumnProfile:
    kind: str  # 'date' | 'number' | 'bool' | 'text' | 'empty'
    non_empty: int
    parsed: int
    date_order: str | None = None  # 'dmy' | 'mdy' | 'ymd'
    ambiguous: bool = False
    date_formats: tuple[str, ...] = ()
    excel_serial: bool = False
    epoch_ms: bool = False  # unix time, in milliseconds or seconds (_EPOCH)
    decimal: str | None = None
    utc_offsets: str | None = None  # 'drop' (one shared offset) | 'utc' (mixed) | None
    date_steps: tuple[str, ...] = ()  # spellings rewritten before strptime (_DATE_STEPS)
    # a column of whole amounts with a dot before three digits (``1.234``, ``12.500``): 'thousands' when
    # the column's other signs say the dot groups thousands (read so), 'ambiguous' when nothing does
    # (read as a decimal point, and the import says so)
    dot_groups: str | None = None
    # the dataset's time zone (an IANA name): instants are read as its wall-clock time; None: as written
    # (Unix time in UTC, offsets as above)
    timezone: str | None = None
    # times on a 12-hour clock («4/12/2024 10:00 AM»): the US way, whatever another column's order (FileDates)
    twelve_hour: bool = False
    # slash dates with a two-digit year first, «24/01/05» (Redash's REDASH_DATE_FORMAT=YY/MM/DD): told by
    # their values (_year_first), read year/month/day, and said (date.year_first)
    year_first: bool = False


@dataclass
class _Shape:
    shape: str
    n: int
    p1: int | None
    p2: int | None
    lo: float | None
    hi: float | None
    p3: int | None = None  # the largest third date part
    lo1: int | None = None  # the smallest first date part
    d1: int | None = None  # distinct first parts
    d3: int | None = None  # distinct third parts


def _shapes(con, table: str, column: str) -> tuple[int, list[_Shape]]:
    """Shapes of the column's values with counts (one cheap GROUP BY over the whole column).

    Staged cells are already stripped and empty ones NULL (see staging.cell_sql): no trim here,
    which halves the cost of this pass over millions of cells.
    """
    sql = render("""
        SELECT translate({col}, '0123456789', '9999999999') AS shape, count(*) AS n,
               sum(count(*)) OVER () AS total
        FROM {table} WHERE {col} IS NOT NULL AND {col} <> ''
        GROUP BY 1 ORDER BY n DESC LIMIT $limit""", col=ident(column), table=ident(table))
    merged: dict[str, int] = {}
    rows = run(con, sql, {"limit": 4 * MAX_SHAPES}).fetchall()
    total = rows[0][2] if rows else 0
    for shape, n, _total in rows:
        key = shape.lower()
        merged[key] = merged.get(key, 0) + int(n)
    top = sorted(merged.items(), key=lambda kv: -kv[1])[:MAX_SHAPES]
    return int(total), [_Shape(k, n, None, None, None, None) for k, n in top]


def _part_stats(con, table: str, column: str, shapes: list[_Shape]) -> None:
    """Fill the largest first/second date part and the numeric range of the given shapes."""
    stats = _by_shape(con, table, column, shapes, """
        max(TRY_CAST(regexp_extract({col}, '^(\\d+)', 1) AS BIGINT)),
        max(TRY_CAST(regexp_extract({col}, '^\\d+\\D(\\d+)', 1) AS BIGINT)),
        min(TRY_CAST({col} AS DOUBLE)), max(TRY_CAST({col} AS DOUBLE))""")
    for s in shapes:
        if s.shape in stats:
            s.p1, s.p2, s.lo, s.hi = stats[s.shape]


def _short_year_stats(con, table: str, column: str, shapes: list[_Shape]) -> None:
    """Fill the third part's largest value and the first and third parts' spread of slash dates with a
    two-digit year (``99/99/99``), which :func:`_year_first` weighs; no pass for any other column."""
    short = [s for s in shapes if _SLASH.match(s.shape) and _SLASH_SHORT.match(s.shape)]
    stats = _by_shape(con, table, column, short, """
        max(TRY_CAST(regexp_extract({col}, '^\\d+\\D\\d+\\D(\\d+)', 1) AS BIGINT)),
        min(TRY_CAST(regexp_extract({col}, '^(\\d+)', 1) AS BIGINT)),
        count(DISTINCT regexp_extract({col}, '^(\\d+)', 1)),
        count(DISTINCT regexp_extract({col}, '^\\d+\\D\\d+\\D(\\d+)', 1))""")
    for s in short:
        if s.shape in stats:
            s.p3, s.lo1, s.d1, s.d3 = stats[s.shape]


def _by_shape(con, table: str, column: str, shapes: list[_Shape], aggregates: str) -> dict[str, tuple]:
    """``aggregates`` (SQL over ``{col}``) of the column's values of each of ``shapes``, by shape; one pass."""
    if not shapes:
        return {}
    sql = render("SELECT lower(translate({col}, '0123456789', '9999999999')) AS shape, " + aggregates + """
        FROM {table} WHERE lower(translate({col}, '0123456789', '9999999999')) IN (SELECT unnest($shapes))
        GROUP BY 1""", col=ident(column), table=ident(table))
    return {r[0]: r[1:] for r in run(con, sql, {"shapes": [s.shape for s in shapes]}).fetchall()}


def profile_column(con, table: str, column: str, *, prefer: str | None = None,
                   date_order_hint: str | None = None, count: bool = True) -> ColumnProfile:
    """Profile one staged VARCHAR column over all its rows.

    ``count=False`` skips the pass that counts parsable values when there is only one candidate
    kind (the importer counts unparsable values itself while it types the column); ``parsed`` is
    then -1.
    """
    non_empty, shapes = _shapes(con, table, column)
    if not non_empty:
        return ColumnProfile("empty", 0, 0)
    candidates = []
    if prefer in (None, "date"):
        _part_stats(con, table, column, [s for s in shapes if _DOT.match(s.shape) or _SLASH.match(s.shape)
                                         or (prefer == "date" and _SERIAL.match(s.shape))])
        _short_year_stats(con, table, column, shapes)
        date = _date_profile(shapes, non_empty, prefer == "date", date_order_hint)
        candidates.append(replace(date, utc_offsets=_offset_policy(con, table, column, shapes)))
    if prefer in (None, "number"):
        candidates.append(_number_profile(shapes, non_empty))
    if prefer in (None, "bool"):
        candidates.append(ColumnProfile("bool", non_empty, 0))
    if not count and len(candidates) == 1:
        return replace(candidates[0], parsed=-1)
    best = None
    for cand in candidates:
        parsed = _count_parsed(con, table, column, cand)
        cand = replace(cand, parsed=parsed)
        if best is None or parsed > best.parsed:
            best = cand
    if prefer is None and best.parsed < 0.9 * non_empty:
        return ColumnProfile("text", non_empty, non_empty)
    return best


def _count_parsed(con, table: str, column: str, profile: ColumnProfile) -> int:
    expr = {"date": date_sql, "number": number_sql}.get(profile.kind)
    sql_expr = expr(ident(column), profile) if expr else bool_sql(ident(column))
    return int(run(con, render("SELECT count({e}) FROM {t}", e=sql_expr, t=ident(table))).fetchall()[0][0])


def _normal_shape(shape: str) -> tuple[str, tuple[str, ...]]:
    """The shape as date_sql's rewriting steps leave its values, and the steps that changed it."""
    used = []
    for step in _DATE_STEPS:
        rx = _SHAPE_STEPS[step]
        if not rx.search(shape):
            continue
        used.append(step)
        if step in ("weekday", "range"):
            shape = rx.sub("", shape, count=1)
        elif step in ("year_mark", "ordinal", "net_date"):
            shape = rx.sub(r"\1", shape)
        elif step == "comma_time":
            shape = rx.sub(r"\1 \2", shape)
        elif step == "cn_time":
            shape = rx.sub(lambda m: " " + m[1] + ":" + m[2] + (":" + m[3] if m[3] else ""), shape)
        elif step == "gmt":
            shape = rx.sub(lambda m: m[1] + m[2].rjust(2, "9") + ":" + (m[3] or "99"), shape)
        elif step == "hour_offset":
            shape = rx.sub(r"\1\2:99", shape)
        elif step == "ru_month":
            shape = rx.sub(lambda m: m[1] + RU_MONTHS[m[2]], shape)
        else:
            shape = rx.sub(lambda m: " " + m[2] + " " + AMPM_WORDS[m[1]], shape)
    return shape, tuple(used)


def _date_profile(shapes: list[_Shape], non_empty: int, preferred: bool, hint: str | None) -> ColumnProfile:
    steps: set[str] = set()
    normal = []
    for s in shapes:
        shape, used = _normal_shape(s.shape)
        steps.update(used)
        normal.append(replace(s, shape=shape) if used else s)
    shapes = normal
    iso = [s for s in shapes if _ISO.match(s.shape)]
    dot = [s for s in shapes if _DOT.match(s.shape)]
    slash = [s for s in shapes if _SLASH.match(s.shape)]
    ymd = [s for s in shapes if _YMD.match(s.shape)]
    serial = preferred and any(_SERIAL.match(s.shape) and s.lo is not None and SERIAL_RANGE[0] <= s.lo
                               and s.hi <= SERIAL_RANGE[1] for s in shapes)
    epoch = (preferred or "net_date" in steps) and any(_EPOCH.match(s.shape) for s in shapes)
    compact = preferred and any(_COMPACT.match(s.shape) for s in shapes)
    compact_t = preferred and any(_COMPACT_T.match(s.shape) for s in shapes)
    year_first = _year_first(slash)
    if year_first:
        slash = []  # read by their own formats below, never day or month first
    order, ambiguous = _day_month_order(dot + slash, hint, "/" if sum(s.n for s in slash) >= sum(
        s.n for s in dot) else ".")
    formats: list[str] = []
    if iso:
        formats += _iso_formats()
    if dot:
        formats += _dmy_formats(".", order) + _dmy_formats("-", order)
    if slash:
        formats += _dmy_formats("/", order)
    short = _short_year(_dmy_formats("/", order)) if any(_SLASH_SHORT.match(s.shape) for s in slash) else []
    if any(_DOT_SHORT.match(s.shape) for s in dot):
        short += _short_year(_dmy_formats(".", order) + _dmy_formats("-", order))
    if ymd:
        formats += _ymd_formats()
    if year_first:
        short += [f.replace("%Y", "%y") for f in _ymd_formats() if f.startswith("%Y/")]
    if compact:
        formats += _COMPACT_FORMATS
    if compact_t:
        formats += _COMPACT_T_FORMATS
    if not dot and not slash:
        order = "ymd" if iso or ymd or compact or compact_t or year_first else None
    if any(_MONTH_DMY.match(s.shape) for s in shapes):
        formats += _month_formats(day_first=True)
    if any(_MONTH_MDY.match(s.shape) for s in shapes):
        formats += _month_formats(day_first=False)
    dash = [s for s in shapes if _MONTH_DASH.match(s.shape)]
    if any(s.shape.endswith("-99") for s in dash):  # %y before %Y (see _short_year)
        short += ["%d-%b-%y", "%d-%B-%y"]
    if dash:
        formats += ["%d-%b-%Y", "%d-%B-%Y"]
    slashed = [s for s in shapes if _MONTH_SLASH.match(s.shape)]
    if slashed:
        months = [d + t for d in ("%d/%b/%Y", "%d/%B/%Y")
                  for t in (" %I:%M %p", " %I:%M:%S %p", " %H:%M", " %H:%M:%S", "")]
        if any(re.match(r"^9{1,2}/[a-z]+/99(?!9)", s.shape) for s in slashed):
            short += _short_year(months)
        formats += months
    formats = short + _by_frequency(formats, shapes)
    return ColumnProfile("date", non_empty, 0, order, ambiguous and bool(dot or slash), tuple(formats),
                         bool(serial), bool(epoch), None,
                         date_steps=tuple(step for step in _DATE_STEPS if step in steps) if formats or epoch else (),
                         twelve_hour=any(s.shape.endswith(("am", "pm")) for s in slash), year_first=year_first)


_DIGITS = str.maketrans("0123456789", "9999999999")


def reads_as_date(value: str) -> bool:
    """One cell is a date the column reader reads: its spelling steps (``_DATE_STEPS``), then one of the
    formats its shape gives (``_date_profile``). The mapper's quick look at sample cells (mapping.cell_kinds)
    asks this too, so a column the reader reads is never left out as "no date" (survey 22: «01.03.2024 г.»,
    «01-мар-24», «мар 1, 2024»)."""
    shape = value.strip().lower().translate(_DIGITS)
    return "9" in shape and len(shape) <= 64 and _shape_reads_as_date(shape)


@lru_cache(maxsize=4096)
def _shape_reads_as_date(shape: str) -> bool:
    normal, steps = _normal_shape(shape)
    if "net_date" in steps:  # /Date(1709287200000)/: unix time, whatever the column
        return bool(_EPOCH.match(normal))
    formats = _date_profile([_Shape(shape, 1, None, None, None, None)], 1, False, None).date_formats
    return any(_format_shape(f).match(normal) for f in formats)


def _offset_policy(con, table: str, column: str, shapes: list[_Shape]) -> str | None:
    """'drop' when every value with an offset has the same one, 'utc' when they differ."""
    if not any((_ISO.match(s.shape) or _COMPACT_T.match(s.shape)) and re.search(r"(z|utc|gmt|[+-]99:?99)$", s.shape)
               for s in shapes):
        return None
    # a "no date" (Go's zero time «0001-01-01T00:00:00Z») is no instant: its Z says nothing of the others'
    sql = render("SELECT count(DISTINCT upper(regexp_extract(trim({c}), $re, 2))) FROM {t} "
                 "WHERE regexp_matches(trim({c}), $re) AND NOT {none}", c=ident(column), t=ident(table),
                 none=no_date_sql(ident(column)))
    return "drop" if run(con, sql, {"re": _OFFSET_SQL}).fetchall()[0][0] <= 1 else "utc"


def with_day_month_order(profile: ColumnProfile, order: str) -> ColumnProfile:
    """``profile`` with its day/month formats (``%d.%m.%Y …``, ``%m/%d/%Y …``) read in ``order`` ('dmy' or
    'mdy'): another column of the file, a preset or the file's locale decided what the values could not.
    Only a format that starts with the day and the month is turned (never ``%Y-%m-%d``)."""
    if profile.date_order not in ("dmy", "mdy") or order == profile.date_order:
        return profile
    turned = tuple(f[3:5] + f[2] + f[:2] + f[5:] if {f[:2], f[3:5]} == {"%d", "%m"} and f[2] == f[5:6]
                   and f[2] in "./-" else f for f in profile.date_formats)
    return replace(profile, date_order=order, date_formats=turned)


def _day_month_order(shapes: list[_Shape], hint: str | None, main_sep: str) -> tuple[str, bool]:
    first = sum(s.n for s in shapes if (s.p1 or 0) > 12)
    second = sum(s.n for s in shapes if (s.p2 or 0) > 12)
    if first and first >= second:
        return "dmy", False
    if second:
        return "mdy", False
    if hint in ("dmy", "mdy"):
        return hint, bool(shapes)
    return ("mdy" if main_sep == "/" else "dmy"), bool(shapes)


def _year_first(slash: list[_Shape]) -> bool:
    """Whether slash dates with a two-digit year are written year first, «24/01/05» (Redash's YY/MM/DD): every
    one of them so shaped, none with a month above 12 or a third part above 31, the first part above 12
    somewhere (no month) but within three years and taking three values at most, while the third takes more
    (days of the month spread; years of a pipeline cluster). Read day first, every date was wrong (survey 25:
    a median cycle of 5,675 days)."""
    if not slash or not all(_SLASH_SHORT.match(s.shape) and s.p1 is not None and s.p2 is not None
                            and s.p3 is not None and s.lo1 is not None for s in slash):
        return False
    p1, lo1 = max(s.p1 or 0 for s in slash), min(s.lo1 or 0 for s in slash)
    p2, p3 = max(s.p2 or 0 for s in slash), max(s.p3 or 0 for s in slash)
    d1, d3 = max(s.d1 or 0 for s in slash), max(s.d3 or 0 for s in slash)
    return p1 > 12 and p2 <= 12 and p3 <= 31 and p1 - lo1 <= 3 and d1 <= 3 and d3 >= 4 and d3 > d1


def _by_frequency(formats: list[str], shapes: list[_Shape]) -> list[str]:
    """Formats in the order of how many values they fit: try_strptime stops at the first match."""
    patterns = [(f, _format_shape(f)) for f in formats]
    weight = dict.fromkeys(formats, 0)
    for s in shapes:
        for fmt, pattern in patterns:
            if pattern.match(s.shape):
                weight[fmt] += s.n
                break
    return sorted(formats, key=lambda f: -weight[f])


def _format_shape(fmt: str) -> re.Pattern[str]:
    """A regex over value shapes (digits as 9, lower case) for one strptime format."""
    parts = {"%Y": "9{4}", "%y": "99", "%m": "9{1,2}", "%d": "9{1,2}", "%H": "9{1,2}", "%I": "9{1,2}", "%M": "99",
             "%S": "99", "%f": "9+", "%n": "9+", "%p": "[ap]m", "%b": "[a-z]{3}", "%B": "[a-z]{3,9}"}
    out = "".join(parts.get(piece, re.escape(piece.lower())) for piece in re.split(r"(%[a-zA-Z])", fmt))
    return re.compile("^" + out + r"( ?(z|[+-]99:?99))?$")


def _iso_formats() -> list[str]:
    """ISO layouts. Fractions of a second read with ``%n`` (1 to 9 digits: .NET and Creatio write seven,
    ``2025-10-07T05:22:00.5796877Z``; ``%f`` stops at six), rounded to the microsecond."""
    out = []
    for sep in ("T", " "):
        out += [f"%Y-%m-%d{sep}%H:%M:%S.%n", f"%Y-%m-%d{sep}%H:%M:%S", f"%Y-%m-%d{sep}%H:%M"]
    return out + ["%Y-%m-%d", "%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d %I:%M %p"]


def _dmy_formats(sep: str, order: str) -> list[str]:
    date = sep.join(("%d", "%m", "%Y") if order == "dmy" else ("%m", "%d", "%Y"))
    times = [" %H:%M:%S", " %H:%M"]
    if sep == "/":
        times = [" %I:%M:%S %p", " %I:%M %p", " %I:%M:%S%p", " %I:%M%p"] + times
    return [date + t for t in times] + [date]


def _short_year(formats: list[str]) -> list[str]:
    """``formats`` with a two-digit year (``%y``: 00-68 are 2000-2068, 69-99 the 1900s, as DuckDB reads
    them), to be tried before every other: ``%Y`` reads «26» as the year 26, while ``%y`` never takes a
    four-digit year (its last two digits are left over)."""
    return [f.replace("%Y", "%y") for f in formats if "%Y" in f]


def _month_formats(day_first: bool) -> list[str]:
    out = []
    for month in ("%b", "%B"):
        for comma in (",", ""):
            date = f"%d {month}{comma} %Y" if day_first else f"{month} %d{comma} %Y"
            for sep in (" ", ", "):
                out += [date + sep + t for t in ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p")]
            out.append(date)
    return out


def _ymd_formats() -> list[str]:
    dates = ("%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
    return [d + t for d in dates for t in (" %H:%M:%S", " %H:%M", "%H:%M:%S", "%H:%M", " %I:%M:%S %p", " %I:%M %p", "")]


# Signs of a locale that writes a decimal comma, so that a dot groups thousands: a currency sign after
# the number (German, French, Russian: «1.234 €», «850 ₽») or a sign of such a currency anywhere (€, ₽,
# R$, руб)
_COMMA_LOCALE = re.compile(r"€|₽|r\$|руб|9[\s\u00a0\u202f]*(£|р\.|kr|zł|₺|₴|₸|тг|тенге|грн|сум|сўм|сом)")


def _number_profile(shapes: list[_Shape], non_empty: int) -> ColumnProfile:
    """The decimal mark of a number column (module docstring). A dot before exactly three digits
    (``1.234``, ``12.500``) is a thousands dot or a decimal point; when every value with a dot is of that
    form, the dots group thousands if the column shows a decimal-comma locale (:data:`_COMMA_LOCALE`, or
    other values with a decimal comma), else they stay decimal points and ``dot_groups`` says
    'ambiguous'."""
    comma = dot = grouped = other_dots = 0
    locale = False
    for s in shapes:
        core = _PY_SUFFIX.sub("", re.sub(r"[\s\u00a0\u202f'’]", "", _PY_CURRENCY.sub("", s.shape)))
        core = core.strip("()+-−")
        if not _NUMBER_TAIL.match(core):
            continue
        locale = locale or bool(_COMMA_LOCALE.search(s.shape))
        if re.fullmatch(r"9{1,3}\.999", core):
            grouped += s.n
        elif "." in core and not re.fullmatch(r"9{1,3}(\.999)+|9*(\.999)*,9+", core):
            other_dots += s.n  # 1.5, 1234.567, 1,234.56: a decimal point
        if re.fullmatch(r"9*(\.999)*,9+", core) and not re.fullmatch(r"9{1,3}(,999)+", core):
            comma += s.n
        elif re.fullmatch(r"9{1,3}(\.999){2,}", core):
            comma += s.n
        elif re.fullmatch(r"9*(,999)*\.9+", core) and not re.fullmatch(r"9{1,3}(\.999)+", core):
            dot += s.n
    if grouped and not other_dots:  # every dot is before three digits (so no decimal point was counted)
        if locale or comma:
            return ColumnProfile("number", non_empty, 0, decimal=",", dot_groups="thousands")
        return ColumnProfile("number", non_empty, 0, decimal=".", dot_groups="ambiguous")
    return ColumnProfile("number", non_empty, 0, decimal="," if comma > dot else ".")


def _clean_number(column_sql: str) -> str:
    x = f"lower(trim({column_sql}))"
    x = f"replace({x}, '−', '-')"
    x = f"regexp_replace({x}, '^\\((.*)\\)$', '-\\1')"
    x = f"regexp_replace({x}, '{_CURRENCY}', '', 'g')"
    return f"regexp_replace({x}, '{_SPACES}', '', 'g')"


def number_sql(column_sql: str, profile: ColumnProfile) -> str:
    """SQL: the column as DOUBLE (NULL when it does not read as a number)."""
    x = _clean_number(column_sql)
    suffix = f"regexp_extract({x}, '{_SUFFIX}', 1)"
    mult = (f"CASE {suffix} WHEN '' THEN 1 WHEN 'k' THEN 1e3 WHEN 'к' THEN 1e3 WHEN 'тыс' THEN 1e3 "
            "WHEN 'тыс.' THEN 1e3 WHEN 'b' THEN 1e9 WHEN 'bn' THEN 1e9 WHEN 'млрд' THEN 1e9 "
            "WHEN 'млрд.' THEN 1e9 WHEN '万' THEN 1e4 WHEN '亿' THEN 1e8 ELSE 1e6 END")
    bare = f"regexp_replace({x}, '{_SUFFIX}', '')"
    comma = f"replace(regexp_replace({bare}, '\\.(\\d{{3}})', '\\1', 'g'), ',', '.')"
    point = f"regexp_replace({bare}, ',(\\d{{3}})', '\\1', 'g')"
    # a cell with both marks says its own style (``EUR 1.000,00`` in a column of ``USD 1,200.00``): the
    # last mark is the decimal one, whatever the column's
    # Indian grouping, lakhs and crores (₹1,20,000.50: two digits between the commas before the last three):
    # never a decimal comma
    body = (f"CASE WHEN regexp_full_match({bare}, '[-+]?\\d{{1,2}}(,\\d{{2}})+,\\d{{3}}(\\.\\d+)?') "
            f"THEN replace({bare}, ',', '') "
            f"WHEN regexp_full_match({bare}, '[-+]?\\d{{1,3}}(\\.\\d{{3}})+,\\d+') THEN {comma} "
            f"WHEN regexp_full_match({bare}, '[-+]?\\d{{1,3}}(,\\d{{3}})+\\.\\d+') THEN {point} "
            f"ELSE {comma if profile.decimal == ',' else point} END")
    valid = f"regexp_full_match({body}, '[-+]?(\\d+\\.?\\d*|\\.\\d+)(e[-+]?\\d+)?')"
    value = f"TRY_CAST({body} AS DOUBLE) * ({mult})"
    # 1e309 reads as infinity: not a number a deal can have (the row is rejected, value shown)
    return f"(CASE WHEN {valid} AND isfinite({value}) THEN {value} END)"


def _word_list(words) -> str:
    return ", ".join("'" + w.replace("'", "''") + "'" for w in words)


def none_word_sql(column_sql: str) -> str:
    """SQL: TRUE when the cell is a "no value" word (:data:`NONE_WORDS`)."""
    return f"(lower(trim({column_sql})) IN ({_word_list(NONE_WORDS)}))"


def raw_value_sql(column_sql: str) -> str:
    """SQL: the cell's text for the rejected-row check: NULL when empty or a "no value" word."""
    return f"(CASE WHEN {none_word_sql(column_sql)} THEN NULL ELSE NULLIF(trim({column_sql}), '') END)"


def no_date_sql(column_sql: str) -> str:
    """SQL: TRUE when the cell is a system's "no date" (:data:`NO_DATE_PATTERN`: ``00000000``, ``0000-00-00``,
    ``0001-01-01``); the cheap ``000`` test first, the pattern only on the cells that hold it."""
    return (f"(contains({column_sql}, '000') AND "
            f"regexp_full_match(lower(trim({column_sql})), {_constant(NO_DATE_PATTERN)}))")


def raw_date_value_sql(column_sql: str) -> str:
    """SQL: :func:`raw_value_sql` of a date column: a "no date" (:func:`no_date_sql`) is empty too."""
    return f"(CASE WHEN {no_date_sql(column_sql)} THEN NULL ELSE {raw_value_sql(column_sql)} END)"


def date_sql(column_sql: str, profile: ColumnProfile) -> str:
    """SQL: the column as TIMESTAMP (NULL when it does not read as a date, or is a "no value" word or a "no date");
    instants in ``profile.timezone``'s wall-clock time when it is set (module docstring)."""
    x = _value_sql(column_sql, profile)
    zone = zone_literal(profile.timezone) if profile.timezone else None

    def local(utc: str) -> str:  # a TIMESTAMP in UTC as the zone's wall-clock time
        return utc if zone is None else f"timezone({zone}, timezone('UTC', {utc}))"

    branches = [f"WHEN {none_word_sql(column_sql)} OR {no_date_sql(column_sql)} THEN CAST(NULL AS TIMESTAMP)"]
    if profile.excel_serial:
        lo, hi = SERIAL_RANGE
        branches.append(
            f"WHEN regexp_full_match({x}, '\\d{{5}}(\\.\\d+)?') AND TRY_CAST({x} AS DOUBLE) BETWEEN {lo} AND {hi} "
            f"THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(TRY_CAST({x} AS DOUBLE) * 86400) AS BIGINT) * 1000000)")
    if profile.epoch_ms:
        millis, seconds = local(f"epoch_ms(TRY_CAST({x} AS BIGINT))"), local(f"epoch_ms(TRY_CAST({x} AS BIGINT) * 1000)")
        branches.append(f"WHEN regexp_full_match({x}, '\\d{{13}}') THEN {millis}")
        lo, hi = EPOCH_SECONDS
        branches.append(f"WHEN regexp_full_match({x}, '\\d{{10}}') AND TRY_CAST({x} AS BIGINT) BETWEEN {lo} AND {hi} "
                        f"THEN {seconds}")
    if any(f.startswith("%Y%m%d") for f in profile.date_formats):  # 20240105 is a date, 19000101 or 30000101 none
        lo, hi = COMPACT_YEARS
        branches.append(f"WHEN regexp_full_match({x}, '{_COMPACT_SQL}') "
                        f"AND TRY_CAST(left({x}, 4) AS INTEGER) NOT BETWEEN {lo} AND {hi} THEN CAST(NULL AS TIMESTAMP)")
    formats = "[" + ", ".join("'" + f + "'" for f in profile.date_formats) + "]"
    offset = _OFFSET_SQL
    # mixed offsets are converted to UTC, or to the dataset's zone; one shared offset too when a zone is given
    if profile.date_formats and (profile.utc_offsets == "utc" or profile.utc_offsets and zone):
        tz = f"regexp_replace(regexp_replace({x}, '(?i)(\\d)\\s?(z|utc|gmt)$', '\\1+00:00'), '(:\\d\\d)\\s([+-]\\d\\d)', '\\1\\2')"
        to_zone = zone or "'UTC'"
        tz_formats = "[" + ", ".join("'" + f + "%z'" for f in profile.date_formats if "%H" in f) + "]"
        branches.append(f"WHEN regexp_matches({x}, '{offset}') THEN "
                        f"CAST(try_strptime({tz}, {tz_formats}) AT TIME ZONE {to_zone} AS TIMESTAMP)")
    fallback = "CAST(NULL AS TIMESTAMP)"
    if profile.date_formats:  # %n (fractions of 1 to 9 digits) reads as TIMESTAMP_NS: cast to microseconds
        fallback = f"CAST(try_strptime(regexp_replace({x}, '{offset}', '\\1'), {formats}) AS TIMESTAMP)"
    return f"(CASE {' '.join(branches)} ELSE {fallback} END)"


def _value_sql(column_sql: str, profile: ColumnProfile) -> str:
    """SQL: the cell as :func:`date_sql` reads it (trimmed, its spelling steps applied)."""
    x = f"trim({column_sql})"
    return _rewrite_sql(render("lower({x})", x=x), profile.date_steps) if profile.date_steps else x


def instant_sql(column_sql: str, profile: ColumnProfile) -> str:
    """SQL: TRUE where :func:`date_sql` reads the cell as an instant (Unix time, or a time with an
    offset: ``Z``, ``UTC``, ``GMT``, ``+03:00``): the values a dataset time zone converts."""
    x = _value_sql(column_sql, profile)
    found = []
    if profile.epoch_ms:
        lo, hi = EPOCH_SECONDS
        found += [f"regexp_full_match({x}, '\\d{{13}}')",
                  f"(regexp_full_match({x}, '\\d{{10}}') AND TRY_CAST({x} AS BIGINT) BETWEEN {lo} AND {hi})"]
    if profile.utc_offsets and profile.date_formats:
        found.append(f"(regexp_matches({x}, '{_OFFSET_SQL}') AND NOT {no_date_sql(column_sql)})")
    return "(" + " OR ".join(found) + ")" if found else "FALSE"


def offset_sql(column_sql: str, profile: ColumnProfile) -> str:
    """SQL: the offset a cell is written with, upper case (``Z``, ``UTC``, ``+03:00``), '' when none (a "no
    date" has none: :func:`no_date_sql`)."""
    return (f"(CASE WHEN {no_date_sql(column_sql)} THEN '' "
            f"ELSE upper(regexp_extract({_value_sql(column_sql, profile)}, '{_OFFSET_SQL}', 2)) END)")


def _rewrite_sql(x: str, steps: tuple[str, ...]) -> str:
    """SQL: the (lower-case) value ``x`` after the spelling steps (see _DATE_STEPS). The patterns and
    words are constants of this module, written as SQL string literals by :func:`_constant`."""
    for step in steps:
        pattern = _constant(_STEP_PATTERNS[step][0])
        if step in ("weekday", "range"):
            x = render("regexp_replace({x}, {p}, '')", x=x, p=pattern)
        elif step in ("year_mark", "net_date"):
            x = render("regexp_replace({x}, {p}, '\\1')", x=x, p=pattern)
        elif step == "ordinal":
            x = render("regexp_replace({x}, {p}, '\\1', 'g')", x=x, p=pattern)
        elif step == "comma_time":
            x = render("regexp_replace({x}, {p}, '\\1 \\2')", x=x, p=pattern)
        elif step == "cn_time":  # «14时30分» -> « 14:30», «14时30分15秒» -> « 14:30:15»
            x = render("regexp_replace(regexp_replace({x}, {p}, ' \\1:\\2:\\3'), ':$', '')", x=x, p=pattern)
        elif step == "gmt":  # «gmt+3» -> «+03:00» (the hour padded to two digits, the minutes 00 when absent)
            x = render("regexp_replace(regexp_replace(regexp_replace({x}, {p}, '\\1\\2:\\3'), "
                       "'([+-])(\\d):', '\\10\\2:'), ':$', ':00')", x=x, p=pattern)
        elif step == "hour_offset":  # «…:01+00» -> «…:01+00:00»
            x = render("regexp_replace({x}, {p}, '\\1\\2:00')", x=x, p=pattern)
        else:  # a word translated by a CASE: a Russian month's stem, a Chinese or Japanese am/pm marker
            words, group, keep = (RU_MONTHS, 2, "'\\1'") if step == "ru_month" else (AMPM_WORDS, 1, "' \\2 '")
            cases = " ".join(render("WHEN {w} THEN {e}", w=_constant(w), e=_constant(e)) for w, e in words.items())
            found = render("regexp_extract({x}, {p}, {g})", x=x, p=pattern, g=str(group))
            x = render("regexp_replace({x}, {p}, {keep} || (CASE {found} {cases} ELSE '' END))",
                       x=x, p=pattern, keep=keep, found=found, cases=cases)
    return x


def _constant(text: str) -> str:
    """A constant of this module as an SQL string literal (never a user's value: those are bound)."""
    return "'" + text.replace("'", "''") + "'"


def bool_sql(column_sql: str) -> str:
    """SQL: the column as BOOLEAN (:data:`TRUE_WORDS` / :data:`FALSE_WORDS`)."""
    x = f"lower(trim({column_sql}))"
    yes = _word_list(TRUE_WORDS)
    no = _word_list(FALSE_WORDS)
    return f"(CASE WHEN {x} IN ({yes}) THEN TRUE WHEN {x} IN ({no}) THEN FALSE END)"
