"""What a few sample cells of a column look like: dates, numbers, booleans, free text.

Used only to break ties and veto absurd matches (a ``Closed`` column of Yes/No is a flag, of dates a
close date); the importer parses values properly later.
"""

from __future__ import annotations

import re
from datetime import date

from ..readers.values import (
    AMOUNT_CODE_WORDS,
    CHECK_MARKS,
    COMPACT_YEARS,
    FALSE_WORDS,
    NO_DATE_PATTERN,
    NONE_WORDS,
    TRUE_WORDS,
    WEEKDAY_WORDS,
    reads_as_date,
)

_DATE = re.compile(
    r"^\s*(?:\d{4}-\d{1,2}-\d{1,2}(?:[ t]\d{1,2}:\d{2}.*)?"          # ISO
    r"|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?:,?\s+\d{1,2}:\d{2}.*)?"      # 03.02.2024, 3/28/2024 4:40 PM
    r"|\d{4}年\d{1,2}月\d{1,2}日.*"                                    # 2024年3月28日
    r"|\d{4}[/.]\d{1,2}[/.]\d{1,2}(?:\s*(?:上午|下午|午前|午後)?\s*\d{1,2}:\d{2}.*)?"  # 2024/03/28 [下午2:30], 2024.03.28
    r"|(?:mon|tue|wed|thu|fri|sat|sun)\w*,?\s+\w+\s+\d{1,2}.*"        # Sat, Oct 11
    r"|(?:понедельник|вторник|среда|четверг|пятница|суббота|воскресенье),?\s+\d{1,2}\s+[а-я]{3,}.*"
    r"|\d{1,2}-[a-z]{3,9}-\d{2}(?:\d{2})?"                            # 2-Feb-23 (Excel d-mmm-yy)
    r"|\d{1,2}\s+[a-zа-я]{3,}\.?,?\s+\d{4}.*"                         # 3 Feb 2024, 15 Apr, 2021 00:02
    r"|[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}.*"                              # Apr 15, 2021
    r"|\d{10}(?:\d{3})?)\s*$",                                        # epoch seconds / ms
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^\(?-?[\d\s\u00a0\u202f.,'’]+\)?$")  # 12’000.00: Swiss separators (Metabase's option)
# currency signs and words around an amount (the ones readers.values strips): R$ before $; an ISO code
# before or after the number (USD 1,200.00; 1,200.00 USD)
_CURRENCY_CHARS = re.compile(r"r\$|[₽$€£¥￥元円%₸₴₹?]|人民币|бел\.?\s?руб\.?|руб\.?|р\.|тенге|тг\.?|грн\.?|сўм|сум|сом|"
                             r"^(?:" + AMOUNT_CODE_WORDS + r")(?=[\s\d(+-])|[a-z]{3}$", re.IGNORECASE)
# a multiplier written after the number (readers.values._SUFFIX): 12万, 1,5 млн, 45 тыс., $1.2K
_MULTIPLIER = re.compile(r"(?<=[\d\s\u00a0])(?:тыс\.?|млн\.?|млрд\.?|mln|bn|万|亿|k|к|m|м|b)$", re.IGNORECASE)
BOOL_WORDS = set(TRUE_WORDS) | set(FALSE_WORDS)  # the one vocabulary, readers.values


def column(samples: list[list[str | None]] | None, idx: int) -> list[str]:
    """The non-empty sample cells of column ``idx`` (ragged rows are fine)."""
    out = []
    for row in samples or []:
        if idx < len(row) and row[idx] is not None and str(row[idx]).strip():
            out.append(str(row[idx]).strip())
    return out


def values(samples: list[list[str | None]] | None, idx: int) -> list[str]:
    """Like :func:`column`, without the "no value" words (``не закрыта``, ``-``, ``N/A``)."""
    return [v for v in column(samples, idx) if v.casefold() not in NONE_WORDS]


# a weekday before a date, full or abbreviated («Thu, 6 Apr 2023», «пт, 5 января 2024», «Пт 05.01.2024»): the
# date after it decides (readers.values drops it the same way before reading)
_WEEKDAY = re.compile("^" + WEEKDAY_WORDS + r"(?=\d)", re.IGNORECASE)


def is_date(v: str) -> bool:
    """A date as a sample cell shows it, or one the column reader reads (readers.values.reads_as_date: a
    spelling this quick pattern lacks, «01.03.2024 г.», «01-мар-24», «2024-03-01 下午2:30»)."""
    return bool(_DATE.match(_WEEKDAY.sub("", v, count=1))) or is_excel_serial(v) or reads_as_date(v)


# yyyymmdd [hhmmss] (readers.values._COMPACT), and ISO 8601's basic format with a T, yyyymmddThhmm[ss] with
# an offset or none (readers.values._COMPACT_T): a date only under a header that names one (mapping.matcher)
# (an upper-case T, as the strptime format that reads it has)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?: ?(\d{2})(\d{2})(\d{2})|T(\d{2})(\d{2})(\d{2})?"
                      r"(?:[Zz]|[+-]\d{2}:?\d{2})?)?$")


def is_compact_date(v: str) -> bool:
    """«20240105», «20240105 093000», «20240105093000», «20240105T093000[Z]»: a real day of the years
    COMPACT_YEARS (and a real time); «20241305» or «12345678» is not one."""
    m = _COMPACT.match(v.strip())
    if not m or not COMPACT_YEARS[0] <= int(m[1]) <= COMPACT_YEARS[1]:
        return False
    try:
        date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return False
    hour, minute, second = (m[4], m[5], m[6]) if m[4] is not None else (m[7], m[8], m[9])
    return hour is None or int(hour) < 24 and int(minute) < 60 and int(second or 0) < 60


_NO_DATE = re.compile(NO_DATE_PATTERN)


def is_no_date(v: str) -> bool:
    """A system's "no date" (readers.values.NO_DATE_PATTERN: SAP's «00000000», MySQL's «0000-00-00», .NET's
    «0001-01-01»): an empty cell of a date column, as the "no value" words are."""
    return bool(_NO_DATE.fullmatch(v.strip().lower()))


def dated(values: list[str]) -> list[str]:
    """The sample cells of a date column that say something: the "no value" words and the "no date"
    placeholders (:func:`is_no_date`) left out."""
    return [v for v in values if v.casefold() not in NONE_WORDS and not is_no_date(v)]


def all_compact_dates(values: list[str]) -> bool:
    """Every sample cell (the "no value" words and "no date" placeholders aside) is a compact date, and
    there is one: a close date of «00000000» on its open deals is still a column of dates."""
    values = dated(values)
    return bool(values) and all(is_compact_date(v) for v in values)


# A month without its day: «2024-01», «2024/1», «01.2024», «2024年1月», Excel's mmm-yy «Jan-24», «Jan 2024»,
# «January 2024», «январь 2024», «янв. 2024 г.»: not a date the importer reads (a day would be made up)
_MONTH = r"(?:0?[1-9]|1[0-2])"
_MONTH_NAME = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?"
               r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
               r"|(?:янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек)[а-яё]*)\.?")
_MONTH_ONLY = re.compile(rf"^(?:\d{{4}}[-/.]{_MONTH}|{_MONTH}[-/.]\d{{4}}|\d{{4}}\s*年\s*{_MONTH}\s*月"
                         rf"|{_MONTH_NAME}(?:\s*[-'’]\s*\d{{2}}|[-\s]\s*\d{{4}}(?:\s*г\.?)?))$", re.IGNORECASE)


def is_month_only(v: str) -> bool:
    return bool(_MONTH_ONLY.match(v.strip()))


# A day without its year: «3月1日», «1 марта», «Mar 1», «01.03» (a time may follow): a copied list view writes
# the current year's dates so; the year would be made up (survey 22)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_NO_YEAR = re.compile(rf"^(?:{_MONTH}\s*月\s*{_DAY}\s*日|{_DAY}\s+{_MONTH_NAME}|{_MONTH_NAME}\s+{_DAY}"
                      rf"|(?:0[1-9]|[12]\d|3[01])\.(?:0[1-9]|1[0-2]))(?:,?\s+\d{{1,2}}(?::\d{{2}}|时\d{{1,2}}分)(?::\d{{2}})?)?$", re.IGNORECASE)


def is_without_year(v: str) -> bool:
    return bool(_NO_YEAR.match(v.strip()))


def is_excel_serial(v: str) -> bool:
    try:
        x = float(v)
    except ValueError:
        return False
    return 20000 <= x <= 80000  # 1954..2119 in the 1900 date system


def is_number(v: str) -> bool:
    text = _MULTIPLIER.sub("", _CURRENCY_CHARS.sub("", v).strip()).strip()
    return bool(text) and bool(_NUMBER.match(text)) and any(c.isdigit() for c in text)


# a first group of 0 is no thousands group: «0.045» is a rate (GA4's «Session key event rate»), never 45
_THOUSANDS = re.compile(r"^-?[1-9]\d{0,2}(?:[.,'\s\u00a0\u202f]\d{3})+$")


def is_whole_number(v: str) -> bool:
    """A number cell without a fractional part: «1,234», «1 234», «12.00» are whole; «0.5», «0,25» and
    «10515.315» (five digits before the dot: no thousands group) are not."""
    text = _CURRENCY_CHARS.sub("", v).strip().strip("()")
    if not is_number(text):
        return False
    cut = max(text.rfind("."), text.rfind(","))
    if cut < 0:
        return True
    tail = text[cut + 1:]
    return set(tail) <= {"0"} or len(tail) == 3 and bool(_THOUSANDS.match(text))


def is_bool(v: str) -> bool:
    return v.strip().casefold() in BOOL_WORDS


CHECKS = {"date": is_date, "number": is_number, "bool": is_bool}


def share(values: list[str], check) -> float:
    return sum(1 for v in values if check(v)) / len(values) if values else 1.0


def fits_kind(values: list[str], kind: str) -> bool:
    """False when most sample values cannot be of ``kind`` (no samples: no veto)."""
    check = CHECKS.get(kind)
    values = dated(values) if kind == "date" else [v for v in values if v.casefold() not in NONE_WORDS]
    if check is None or not values:
        return True
    if kind == "bool" and len({v.casefold() for v in values}) == 1 and values[0].casefold() in CHECK_MARKS:
        return True  # a checkbox column: one mark («x», ✓) on its ticked rows
    if kind == "bool" and any(_count_above_one(v) for v in values):
        return False  # «Deals won» 3, 1 (a report's count per owner): no flag, whatever its header (survey 27)
    return share(values, check) >= 0.5


def _count_above_one(v: str) -> bool:
    """A number that no yes/no cell writes (0 and 1 are; 3 is a count)."""
    try:
        return float(v.replace(",", ".")) not in (0.0, 1.0)
    except ValueError:
        return False


def is_free_text(values: list[str], max_chars: int) -> bool:
    return any("\n" in v or len(v) > max_chars for v in values)
