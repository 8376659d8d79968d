"""Which rows of a file are its column titles: one row, or two (group titles above column names),
found or given by the user (``import --header-row N`` / ``N-M``, the Data page's "Header on row").

Chinese CRMs (CordysCRM's 商机 export) and many hand-made Chinese and Russian sheets write a header
of two rows: the upper row holds group titles merged over several columns («基本信息» over
商机名称 / 客户名称 / 商机阶段, «Сделка» over «Название / Этап / Сумма»), the lower row the column
names; a column merged down over both rows (序号, 负责人) has its name in the upper row only. In a
workbook a merged cell's text sits in its top-left cell, so the upper row reads as a few titles with
empty cells after them; a CSV saved from such a sheet reads the same.

Two rows are taken as the header (:func:`two_row_spans`) only when all of this holds:

- the upper row has two filled cells at least, fewer than the lower row, each a title (text: no
  number, no date, no «Field: value»);
- every upper title is either a group, followed by at least one empty cell (its merged span; in a
  workbook the merged range itself), with the lower row filled under the whole span, or a column of
  its own (span of one) whose lower cell is empty or repeats it (merged down); one group at least;
- the lower row is titles too (no numbers, no dates), and its texts do not recur in their columns
  below (a data row's stage or manager does), except on rows that repeat the lower row itself;
- the rows below hold data: one of the next few has a number or a date.

pandas writes a MultiIndex header's group title over each of its columns (``,Deal,Deal,Pipeline,Pipeline,Team``):
such repeats read as one merged title, and a title over a single column whose name differs (``Team`` over
``Owner``) is a group of one when two groups at least span several columns.

So a title above the header (a single cell, or 1C's «Параметры:» rows) and a full header followed by
a first deal of text only are read as before. The columns are then named by the lower row, by the
upper title where the lower cell is empty (numbered past the group's first column: «Даты 2»), and
«group name» where one name is under two groups. In a workbook, a group merged across its columns may
leave a column under it without a name of its own (that column is then «Даты 2»); a CSV cannot say its
groups, so there every column under one must be named.

A one-row header with a title merged across columns (:func:`merged_titles`): the title names its first
column, the others «title 2», «title 3».
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..errors import FunnelError
from . import sniff
from .headers import clean_header

HeaderRows = tuple[int, int]  # 1-based first and last row of the header: (3, 3) one row, (3, 4) two
DATA_LOOKAHEAD = 5  # rows under the header in which a number or a date shows the data
RECUR_LOOKAHEAD = 200  # rows under the header in which a column name must not recur as a value

_DIGIT = re.compile(r"\d")
# a field with its value, «Период: 01.01.2024», "Report: Deals": a title's line, not a group title
_FIELD_VALUE = re.compile(r"[:：]\s*\S")
_HEADER_ROWS = re.compile(r"^\s*(\d{1,7})\s*(?:[-–—:]\s*(\d{1,7})\s*)?$")


@dataclass
class Header:
    """The header found or given: ``top`` .. ``bottom`` (0-based record indices), the column names."""

    top: int
    bottom: int
    names: list[str]
    notes: list[tuple[str, dict]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.bottom - self.top + 1


def parse_header_rows(text: str | int | None) -> HeaderRows | None:
    """``"3"`` -> (3, 3), ``"3-4"`` -> (3, 4); None for nothing given. Two rows must be adjacent."""
    if text is None or text == "":
        return None
    m = _HEADER_ROWS.match(str(text))
    if m is None:
        raise FunnelError("file.header_row_invalid", value=str(text))
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) else first
    if first < 1 or last - first not in (0, 1):
        raise FunnelError("file.header_row_invalid", value=str(text))
    return first, last


def header_rows_text(rows: HeaderRows) -> str:
    """(3, 3) -> "3", (3, 4) -> "3-4" (as ``--header-row`` takes it)."""
    return str(rows[0]) if rows[0] == rows[1] else f"{rows[0]}-{rows[1]}"


def choose_header(records: list[list[str | None]], file_name: str, *, given: HeaderRows | None = None,
                  merged: list | None = None, complete: bool = True) -> Header:
    """The header of ``records`` (a sample of a CSV file, or a sheet's rows): the rows ``given`` by
    the user, else found (:func:`sniff.find_header`, then two rows when :func:`two_row_spans` says so).
    ``merged``: a workbook's merged ranges ``((top, left), (bottom, right))``, 0-based; ``complete``:
    whether ``records`` hold the whole file (a row past them is past its end)."""
    width = max((len(r) for r in records), default=0)
    if given is not None:
        return _given(records, file_name, given, merged or [], complete, width)
    hdr = sniff.find_header(records)
    if hdr is None:
        raise FunnelError("file.no_header", file=file_name)
    for top in (hdr - 1, hdr):
        if top < 0 or top + 1 >= len(records):
            continue
        upper = records[top]
        spans = two_row_spans(records, top, merged or [], width)
        if spans is None and (collapsed := _repeats_blanked(upper)) is not None:
            # pandas' MultiIndex columns: each group title written over every column of its group
            upper = collapsed
            spans = two_row_spans([*records[:top], upper, *records[top + 1:]], top, merged or [], width, lone=True)
        if spans is not None:
            names = two_row_names(upper, records[top + 1], spans, width)
            note = ("readers.header_two_rows", {"first": top + 1, "second": top + 2, "file": file_name})
            return Header(top, top + 1, names, [note])
    names = [clean_header(c) for c in records[hdr]]
    notes = [("readers.header_row", {"row": hdr + 1, "file": file_name})] if hdr > 0 else []
    notes += merged_titles(names, records, hdr, merged or [], file_name)
    return Header(hdr, hdr, names, notes)


def _merged_across(merged: list, row: int) -> dict[int, int]:
    """A workbook's ranges merged across columns on ``row`` alone: first column -> last column."""
    return {left: right for (top, left), (bottom, right) in merged if top == row == bottom and right > left}


def merged_titles(names: list[str], records, row: int, merged: list, file_name: str) -> list[tuple[str, dict]]:
    """A one-row header whose title is merged across columns (Excel's «Сумма» over the amount and its currency,
    «Контакт» over a name and a phone): the title names its first column, the others under it, empty in the sheet,
    are named «Сумма 2», «Сумма 3» (changed in ``names``) when they hold values below; they were nameless («»), not
    offered by name on the Data page nor mappable with ``--map``. Said in a note per title."""
    notes = []
    for left, right in sorted(_merged_across(merged, row).items()):
        title = names[left] if left < len(names) else ""
        if not title:
            continue
        given = []
        for j in range(left + 1, min(right, len(names) - 1) + 1):
            if not names[j] and any(j < len(r) and _text(r[j]) for r in records[row + 1:row + 1 + RECUR_LOOKAHEAD]):
                names[j] = f"{title} {j - left + 1}"
                given.append(names[j])
        if given:
            notes.append(("import50.header_merged", {"file": file_name, "title": title, "n": right - left + 1,
                                                     "names": ", ".join(f"«{n}»" for n in given)}))
    return notes


def _given(records, file_name: str, given: HeaderRows, merged: list, complete: bool, width: int) -> Header:
    first, last = given
    for row in range(first, last + 1):
        if row > len(records):
            if complete:
                raise FunnelError("file.header_row_past_end", file=file_name, row=row, n=len(records))
            raise FunnelError("file.header_row_too_far", file=file_name, row=row, limit=len(records))
        if not sniff.effective_width(records[row - 1]):
            raise FunnelError("file.header_row_empty", file=file_name, row=row)
    if first == last:
        names = [clean_header(c) for c in records[first - 1]]
        notes = [("readers.header_given", {"row": first, "file": file_name}),
                 *merged_titles(names, records, first - 1, merged, file_name)]
        return Header(first - 1, first - 1, names, notes)
    top = first - 1
    spans = _spans(records[top], top, merged, width)
    names = two_row_names(records[top], records[top + 1], spans, width)
    return Header(top, top + 1, names, [("readers.header_given_two", {"first": first, "second": last,
                                                                       "file": file_name})])


def _text(cell) -> str:
    return "" if cell is None else str(cell).strip()


def _filled(record) -> list[int]:
    return [i for i, c in enumerate(record) if _text(c)]


def _title(text: str) -> bool:
    """A column or group title: text with no digit and no «Field: value»."""
    return bool(text) and not _DIGIT.search(text) and not _FIELD_VALUE.search(text)


def _spans(upper, top: int, merged: list, width: int) -> list[tuple[int, int]]:
    """(first, last column) of each filled upper cell: its merged range on that row when the workbook
    has one, else up to the next filled cell (the last one to the table's width)."""
    filled = _filled(upper)
    ranges = {left: (bottom, right) for (t, left), (bottom, right) in merged if t == top}
    out = []
    for k, i in enumerate(filled):
        if i in ranges:
            bottom, right = ranges[i]
            out.append((i, right if bottom == top else i))  # merged down over both rows: a column of its own
            continue
        end = (filled[k + 1] - 1) if k + 1 < len(filled) else width - 1
        out.append((i, max(i, end)))
    return out


def _repeats_blanked(upper) -> list | None:
    """The upper row with each title that repeats the cell before it left empty (pandas writes a
    MultiIndex column's group over every one of its columns: ``,Deal,Deal,Pipeline,Pipeline,Team``), so
    that each run reads as one merged title; None when no title repeats."""
    out = list(upper)
    for i in range(len(out) - 1, 0, -1):
        if _text(out[i]) and _text(out[i]) == _text(out[i - 1]):
            out[i] = None
    return out if out != list(upper) else None


def two_row_spans(records, top: int, merged: list, width: int, lone: bool = False) -> list[tuple[int, int]] | None:
    """The spans of the upper row's titles when ``records[top]`` and ``records[top + 1]`` are a
    two-row header (see the module's doc), else None. ``lone``: a title over one column whose name
    differs is a group of one (pandas' MultiIndex), when two groups at least span several columns; so
    too when two titles at least are merged across columns of the row."""
    upper, lower = records[top], records[top + 1]
    above, below = _filled(upper), _filled(lower)
    if len(above) < 2 or len(above) >= len(below):
        return None
    if not all(_title(_text(upper[i])) for i in above) or not all(_title(_text(lower[i])) for i in below):
        return None
    if sniff.parameter_row([_text(upper[i]) for i in above]):
        return None
    spans = _spans(upper, top, merged, width)
    groups = sum(1 for start, end in spans if end > start)
    # a workbook's group titles merged across their columns (pandas' to_excel merges them): a group of one too
    lone = lone or sum(1 for (t, left), (bottom, right) in merged if t == top == bottom and right > left) >= 2
    said = _merged_across(merged, top)
    for start, end in spans:
        if end > start:
            under = [j < len(lower) and bool(_text(lower[j])) for j in range(start, end + 1)]
            # a CSV's group needs every column under it named; a workbook's merged range says the group itself,
            # and a column under it without a name of its own is named after it («Даты 2»: two_row_names)
            if not all(under) and not (start in said and any(under)):
                return None
        elif start < len(lower) and _text(lower[start]) and _text(lower[start]) != _text(upper[start]) \
                and not (lone and groups >= 2):
            return None
    if groups == 0:
        return None
    after = records[top + 2:]
    if not any(_DIGIT.search(_text(c)) for r in after[:DATA_LOOKAHEAD] for c in r):
        return None
    if _names_recur(lower, below, after[:RECUR_LOOKAHEAD]):
        return None
    return spans


def _names_recur(lower, below: list[int], after) -> bool:
    """Whether a lower-row text is a value of its column below (a data row, not names), leaving out
    rows that repeat the lower row on half its cells (a header repeated inside the file)."""
    names = {i: _text(lower[i]) for i in below}
    for record in after:
        same = [i for i, name in names.items() if i < len(record) and _text(record[i]) == name]
        if same and 2 * len(same) < len(names):
            return True
    return False


def two_row_names(upper, lower, spans: list[tuple[int, int]], width: int) -> list[str]:
    """Column names of a two-row header: the lower row's, the upper title where the lower cell is
    empty; a name found under two groups or more becomes «group name» under each."""
    group_of: dict[int, str] = {}
    first_of: dict[int, int] = {}  # a group's column -> the group's first column
    own: dict[int, str] = {}
    for start, end in spans:
        label = clean_header(upper[start])
        if end > start:
            group_of.update({j: label for j in range(start, end + 1)})
            first_of.update({j: start for j in range(start, end + 1)})
        else:
            own[start] = label
    names = []
    for j in range(width):
        sub = clean_header(lower[j]) if j < len(lower) else ""
        # a group's column without a name of its own: the group's title, numbered past its first column («Даты 2»)
        grouped = group_of.get(j, "") if j == first_of.get(j) or not group_of.get(j) \
            else f"{group_of[j]} {j - first_of[j] + 1}"
        names.append(sub or own.get(j) or grouped)
    counts = Counter(n for n in names if n)
    for j, name in enumerate(names):
        sub = clean_header(lower[j]) if j < len(lower) else ""
        if sub and counts[name] > 1 and j in group_of and group_of[j]:
            names[j] = f"{group_of[j]} {sub}"
    return names
