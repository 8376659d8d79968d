"""Group-header rows: a report's grouping value written once, on a row of its own, above its rows.

A report grouped by a field writes the field's value on a row above the group's rows and not on
the rows themselves: Salesforce's summary report grouped by Stage, printed or saved formatted
(«Stage: Prospecting (2 records)», the deals, "Subtotal", …, "Grand Totals (8 records)"), the banded
reports of other tools ("Region: West", its rows, "Subtotal West"), and 1C's reports built with СКД and
saved to Excel (a manager's name «Иванов И.И.» with his totals in the sum columns, then a stage with its
totals, then the deals; «Итого» at the end). Read as they were, such a file had no stage column and
was refused, or its group rows became deals without an id.

:func:`group_header_rows` finds such rows in a staged table (after the totals and footers are gone),
gives each detail row its groups' values as new columns and deletes the group rows (listed as
skipped, reason ``group``). A deal list with an occasional one-cell row (a note, a title, a deal with
a name only) must keep its rows, so the pattern must hold across the file:

- a group row's first filled cell is text and every other filled cell is a number (a subtotal);
- it is marked as a group («Field: Value», «Value (N records)», «Value (N)»), or its numbers are the
  sums of its rows' cells in their columns (1C writes a bare name with its totals);
- group rows come in runs of at most D rows (D levels: manager, then stage), the first run has D, and
  every run sits directly above at least one detail row; two groups at least on the deepest level,
  and nearly every detail row under a group.

Cost: one aggregate (how many rows fill fewer cells than the fullest rows); nothing more when there
are fewer than two such rows, or more than :data:`MAX_GROUP_ROWS`. Then only those rows are read, and the rows between them counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..sql import ident, render, run
from .values import ColumnProfile, number_sql

MIN_GROUPS = 2  # group rows on the deepest level: one alone is a note
MAX_GROUP_ROWS = 20_000  # more sparse rows than this: an event log or a sparse list, not a report
MAX_DEPTH = 4  # Salesforce groups by up to 3 fields (4 in Lightning); 1C reports seldom nest deeper
UNCOVERED_SHARE = 10  # at most one detail row in this many may sit above the first group row
MISMATCH_LISTED = 20

# «Stage: Closed Won (2 records)», «Ответственный: Иванов И.И.», «Prospecting (2)», «Closed Won»; Chinese
# reports' «阶段：初步接洽（3条）» (full-width colon and parentheses folded first, 条 glued to its number)
_LABEL = re.compile(r"^(?:(?P<field>[^\W\d_][^\d:]{0,39}?)\s*:\s*)?(?P<value>.+?)"
                    r"(?:\s*\(\s*(?P<n>\d+)(?:\s*\w+)?\s*\))?$")
# a cell's value is not folded as a header is (headers.clean_header): the label's own punctuation is
_FULL_WIDTH = str.maketrans({"：": ":", "（": "(", "）": ")", "\u3000": " "})
_NUMBER = re.compile(r"^[\s\d.,%()$€£¥₽+\-\u00a0\u202f']*\d[\s\d.,%()$€£¥₽+\-\u00a0\u202f']*$")
# a person as 1C writes a responsible user: «Иванов И.И.», «Petrov P. P.»
_PERSON = re.compile(r"^[A-ZА-ЯЁ][a-zа-яё'\-]+\s+[A-ZА-ЯЁ]\.\s?(?:[A-ZА-ЯЁ]\.)?$")
# a person's first name and surname («Анна Смирнова», «John Smith»): a group's title that is no stage
_FULL_NAME = re.compile(r"^[A-ZА-ЯЁ][a-zа-яё'\-]+\s+[A-ZА-ЯЁ][a-zа-яё'\-]+$")


@dataclass
class _Group:
    row_no: int
    column: int  # the label's column
    text: str
    field: str | None
    value: str
    said: int | None  # the record count the label gives
    numbers: dict[int, str]  # column -> subtotal cell
    rows: int = 0  # detail rows directly below (before the next group row)
    level: int = 0


def parse_label(text: str) -> tuple[str | None, str, int | None, bool]:
    """(field, value, record count, marked): «Stage: Prospecting (2 records)» -> ("Stage",
    "Prospecting", 2, True), «阶段：初步接洽（3条）» -> ("阶段", "初步接洽", 3, True); a bare «Иванов И.И.» ->
    (None, "Иванов И.И.", None, False)."""
    m = _LABEL.match(text.strip().translate(_FULL_WIDTH))
    if m is None:  # the pattern matches any non-empty text; kept for the type checker
        return None, text.strip(), None, False
    field = m.group("field").strip() if m.group("field") else None
    said = int(m.group("n")) if m.group("n") else None
    return field, m.group("value").strip(), said, field is not None or said is not None


def filled_sql(width: int) -> str:
    """SQL: how many cells of a staged row are not empty."""
    return " + ".join(render("CASE WHEN {c} IS NULL THEN 0 ELSE 1 END", c=ident(f"c{k}")) for k in range(width))


def group_header_rows(con, table: str, headers: list[str], file_name: str, banners: frozenset[int] = frozenset()
                      ) -> tuple[list[str], list[tuple[int, str]], list[tuple[str, dict]]]:
    """Turn a report's group-header rows into columns of its detail rows (see the module's doc).
    ``banners``: row numbers whose one value the workbook merges across the table: marked as groups (a
    hand-made report's «Анна Смирнова» over her deals, survey 22). Returns the headers, the group rows
    deleted (row number, label) and the notes for the report."""
    width = len(headers)
    if width < 2:
        return headers, [], []
    filled = filled_sql(width)
    histogram = run(con, render("SELECT {f} AS n, count(*) FROM {t} GROUP BY n", f=filled,
                                t=ident(table))).fetchall()
    if not histogram:
        return headers, [], []
    widest = max(n for n, _count in histogram)  # a detail row fills more cells than its group's row
    sparse = sum(count for n, count in histogram if 0 < n < widest)
    if sparse < MIN_GROUPS or sparse > MAX_GROUP_ROWS:
        return headers, [], []
    cells = ", ".join(ident(f"c{k}") for k in range(width))
    rows = run(con, render("SELECT row_no, {cells} FROM {t} WHERE {f} < $widest ORDER BY row_no",
                           cells=cells, t=ident(table), f=filled), {"widest": widest}).fetchall()
    groups = _candidates(rows)
    if len(groups) < MIN_GROUPS:
        return headers, [], []
    before = _count_rows(con, table, groups)
    levels = _levels(groups)
    if levels is None or not _covered(groups, before) or not _marked_or_summed(con, table, groups, banners):
        return headers, [], []
    names = _column_names(groups, levels, headers)
    headers = _write_columns(con, table, headers, groups, levels, names)
    skipped = [(g.row_no, g.text) for g in groups]
    notes: list[tuple[str, dict]] = [("readers.group_rows", {"n": len(groups), "file": file_name,
                                                             "columns": ", ".join(names)})]
    notes += _count_mismatches(groups, file_name)
    return headers, skipped, notes


def _candidates(rows) -> list[_Group]:
    """The sparse rows that can be group headers: a text label first, numbers after it. They must all
    have their label in one column (the report's grouping column)."""
    out = []
    for row_no, *cells in rows:
        present = [(k, v.strip()) for k, v in enumerate(cells) if v is not None and v.strip()]
        if not present:
            continue
        (column, label), rest = present[0], present[1:]
        if _NUMBER.match(label) or not all(_NUMBER.match(v) for _k, v in rest):
            continue
        field, value, said, _marked = parse_label(label)
        out.append(_Group(int(row_no), column, label, field, value, said, dict(rest)))
    if not out:
        return []
    columns = {g.column for g in out}
    return out if len(columns) == 1 else []


def _count_rows(con, table: str, groups: list[_Group]) -> int:
    """Set each group's ``rows`` (the rows between it and the next group row); returns the number of
    rows above the first group row."""
    starts = [g.row_no for g in groups]
    counts = dict(run(con, render("""SELECT g.k, count(*) - 1 FROM {t} AS t
        ASOF JOIN (SELECT unnest($starts) AS k) AS g ON t.row_no >= g.k GROUP BY g.k""", t=ident(table)),
                      {"starts": starts}).fetchall())
    for g in groups:
        g.rows = int(counts.get(g.row_no, 0))
    return int(run(con, render("SELECT count(*) FROM {t} WHERE row_no < $first", t=ident(table)),
                   {"first": starts[0]}).fetchone()[0])


def _levels(groups: list[_Group]) -> int | None:
    """Give each group its level from the runs of group rows: a run of r rows under a depth of D sets
    levels D-r .. D-1 (a new manager's row comes with his first stage's row). None when the rows do not
    read as groups: a run without a detail row below, deeper than the first run, or too deep."""
    runs: list[list[_Group]] = [[]]
    for g in groups:
        runs[-1].append(g)
        if g.rows > 0:
            runs.append([])
    if runs[-1]:  # group rows at the end with nothing under them
        return None
    runs.pop()
    depth = len(runs[0])
    if depth > MAX_DEPTH or any(len(r) > depth for r in runs):
        return None
    for r in runs:
        for k, g in enumerate(r):
            g.level = depth - len(r) + k
    for level in range(depth):  # a field named on a level is named by all its rows, and one only
        fields = {g.field for g in groups if g.level == level}
        if len(fields) > 1:
            return None
    if sum(1 for g in groups if g.level == depth - 1) < MIN_GROUPS:
        return None
    return depth


def _covered(groups: list[_Group], before: int) -> bool:
    return before * UNCOVERED_SHARE <= sum(g.rows for g in groups)


def _marked_or_summed(con, table: str, groups: list[_Group], banners: frozenset[int] = frozenset()) -> bool:
    """Every group row is marked as one, or carries subtotals: at least one of its numbers is the sum of
    that column over the rows under it (its level's extent). A deal with a name and an amount only is
    neither (its amount is not the sum of the rows after it)."""
    bare = {g.row_no for g in groups if not parse_label(g.text)[3] and not (g.row_no in banners and not g.numbers)}
    if not bare:
        return True
    if any(not g.numbers for g in groups if g.row_no in bare):
        return False
    columns = sorted({k for g in groups if g.row_no in bare for k in g.numbers})
    # (decimal mark, column) -> group row -> (its own cell, the sum of the rows directly under it)
    sums: dict[tuple[str, int], dict[int, tuple[float | None, float]]] = {}
    for decimal in (".", ","):
        profile = ColumnProfile("number", 0, 0, decimal=decimal)
        select = ", ".join(render("max({v}) FILTER (WHERE t.row_no = g.k), sum({v}) FILTER (WHERE t.row_no > g.k)",
                                  v=number_sql(render("t.{c}", c=ident(f"c{k}")), profile)) for k in columns)
        result = run(con, render("""SELECT g.k, {select} FROM {t} AS t
            ASOF JOIN (SELECT unnest($starts) AS k) AS g ON t.row_no >= g.k GROUP BY g.k""",
                                 select=select, t=ident(table)), {"starts": [g.row_no for g in groups]}).fetchall()
        for start, *values in result:
            for n, column in enumerate(columns):
                own, below = values[2 * n], values[2 * n + 1]
                sums.setdefault((decimal, column), {})[int(start)] = (own, float(below or 0))
    return all(_sums_match(groups, index, sums) for index, g in enumerate(groups) if g.row_no in bare)


def _sums_match(groups: list[_Group], index: int, sums) -> bool:
    """Whether one of the group's numbers is the sum of its column over the rows of its extent: from its
    row to the next group row of its level or above."""
    g = groups[index]
    extent = [g]
    for h in groups[index + 1:]:
        if h.level <= g.level:
            break
        extent.append(h)
    for (_decimal, column), by_start in sums.items():
        own = by_start.get(g.row_no, (None, 0.0))[0]
        if column not in g.numbers or own is None:
            continue
        total = sum(by_start.get(h.row_no, (None, 0.0))[1] for h in extent)
        if abs(total - own) <= 0.005 * max(1.0, abs(own)):
            return True
    return False


def _column_names(groups: list[_Group], depth: int, headers: list[str]) -> list[str]:
    """A header per level: the labels' field name («Stage»), else «Stage» for values that read as
    stages, «Manager» for people written as 1C writes them (surname and initials), else «Group N»."""
    from ..mapping.stage_ladder import rung
    from ..mapping.status import classify_stage_name

    names = []
    for level in range(depth):
        mine = [g for g in groups if g.level == level]
        field = mine[0].field
        values = sorted({g.value for g in mine})
        if field:
            name = field
        elif 2 * sum(1 for v in values if rung(v) is not None or classify_stage_name(v)) >= len(values):
            name = "Stage"
        elif 2 * sum(1 for v in values if _PERSON.match(v) or _FULL_NAME.match(v)) >= len(values):
            name = "Manager"
        else:
            name = f"Group {level + 1}"
        while name in names:
            name = f"{name} {level + 1}"
        names.append(name)
    return names


def _write_columns(con, table: str, headers: list[str], groups: list[_Group], depth: int,
                   names: list[str]) -> list[str]:
    """Rebuild the table without the group rows, each row with the values of the groups above it: a
    new column per level, or the file's own column of that name where its cell is empty."""
    state: list[str | None] = [None] * depth
    values: list[list[str | None]] = [[] for _ in range(depth)]
    for g in groups:
        state[g.level] = g.value
        for deeper in range(g.level + 1, depth):
            state[deeper] = None
        for level in range(depth):
            values[level].append(state[level])
    width = len(headers)
    folded = [h.strip().lower() for h in headers]
    selects = []
    for k in range(width):
        own = [level for level, name in enumerate(names) if name.strip().lower() == folded[k]]
        cell = ident(f"c{k}")
        selects.append(render("COALESCE(t.{c}, g.{v}) AS {c}", c=cell, v=ident(f"v{own[0]}")) if own
                       else render("t.{c}", c=cell))
    added = [level for level, name in enumerate(names) if name.strip().lower() not in folded]
    for n, level in enumerate(added):
        selects.append(render("g.{v} AS {c}", v=ident(f"v{level}"), c=ident(f"c{width + n}")))
    params: dict[str, list] = {"starts": [g.row_no for g in groups]}
    unnests = ", ".join(render("unnest($v{n}) AS {v}", n=str(level), v=ident(f"v{level}")) for level in range(depth))
    params.update({f"v{level}": values[level] for level in range(depth)})
    run(con, render("""CREATE OR REPLACE TEMP TABLE {t} AS SELECT t.row_no, {cells} FROM {t} AS t
        ASOF LEFT JOIN (SELECT unnest($starts) AS k, {unnests}) AS g ON t.row_no >= g.k
        WHERE g.k IS NULL OR t.row_no <> g.k ORDER BY t.row_no""", t=ident(table), cells=", ".join(selects),
                    unnests=unnests), params)
    return headers + [names[level] for level in added]


def _count_mismatches(groups: list[_Group], file_name: str) -> list[tuple[str, dict]]:
    """A finding per group whose label's record count («(2 records)») differs from the rows found under
    it (all its sub-groups' rows)."""
    out = []
    for index, g in enumerate(groups):
        if g.said is None:
            continue
        found = g.rows
        for h in groups[index + 1:]:
            if h.level <= g.level:
                break
            found += h.rows
        if found != g.said:
            out.append(("readers.group_count_mismatch", {"group": g.text[:200], "said": g.said, "n": found,
                                                         "file": file_name}))
    return out[:MISMATCH_LISTED]
