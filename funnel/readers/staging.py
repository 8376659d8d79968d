"""The staged table every reader produces, and the clean-up all readers share.

A staged table has ``row_no INTEGER`` (the row a spreadsheet user would see) and
``c0 .. c{n-1} VARCHAR`` (cell text, surrounding whitespace stripped, empty = NULL). After
loading, rows that are blank, report totals/footers, the header repeated, or a section's title
above a repeated header (monday.com writes each group of a board as its name, then the header, then
its items) are removed and listed in ``skipped``; empty trailing columns without a header (Bitrix24's
trailing ``;``) are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import FunnelError
from ..sql import ident, render, run

SKIPPED_LISTED = 1000
# trim_cells rewrites cells in place while they are at most one in this many rows, else rebuilds
REWRITE_SHARE = 10

# First non-empty cell of a totals row (Salesforce, 1C, Excel pivots) or a report footer.
TOTAL_PATTERN = (r"(?i)^((grand )?(sub-?)?totals?|итого|итоги|всего|合计|总计)\s*([:(].*)?$"
                 r"|^(итого|всего|итоги)\s")
FOOTER_PATTERN = r"(?i)^(confidential information\b|copyright \(c\))"


@dataclass
class SkippedRow:
    row_no: int
    reason: str  # 'blank' | 'total' | 'footer' | 'header' | 'section'
    text: str


@dataclass
class RawTable:
    table: str
    headers: list[str]
    n_rows: int
    file_name: str
    kind: str  # 'csv' | 'xlsx' | 'xls' | 'html'
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    sheets: list[str]
    header_row: int
    skipped: list[SkippedRow] = field(default_factory=list)
    notes: list[tuple[str, dict]] = field(default_factory=list)
    # False when the CSV file has no quote character at all: then no cell can hold a line break
    # (an unquoted line break ends the record), and limits.check_staged need not look for one
    quoted: bool = True


def cell_sql(column: str) -> str:
    """SQL for a cleaned cell: surrounding spaces stripped, empty text as NULL.

    Only spaces: ``trim(x, <set>)`` costs ~2.5 s per 10M cells against ~0.4 s for ``trim(x)``;
    tabs or line breaks around a value are rare and stay (a number or date cell with them is
    reported as unparsable by the importer).
    """
    return render("NULLIF(trim({c}), '')", c=ident(column))


def untrimmed_cell_sql(column: str) -> str:
    """A cell with empty text as NULL but not yet stripped: :func:`trim_cells` strips, afterwards,
    only the cells that begin or end with a space (``trim`` on every cell cost ~0.7 s per 10M
    cells; a check that reads each cell's first and last byte costs about a third of that)."""
    return render("NULLIF({c}, '')", c=ident(column))


def staged_cells_sql(width: int, cell=cell_sql, only: set[int] | None = None) -> str:
    """The select list ``<cell(c0)> AS c0, ...`` of a staged table's ``width`` columns; ``only``:
    the columns ``cell`` applies to, the others passed through as they are."""
    return ", ".join(render("{v} AS {c}", v=cell(f"c{i}") if only is None or i in only else ident(f"c{i}"),
                            c=ident(f"c{i}")) for i in range(width))


def trim_cells(con, table: str, width: int) -> None:
    """Make a table staged with :func:`untrimmed_cell_sql` what :func:`cell_sql` would have staged:
    the cells with a space at either end are stripped (most files have none). A few such cells
    are rewritten in place; many (a padded export) rebuild the table once instead, since an
    ``UPDATE`` keeps the old and new versions of every cell it touches in memory."""
    spaced = [render("(prefix({c}, ' ') OR suffix({c}, ' '))", c=ident(f"c{i}")) for i in range(width)]
    counts_sql = ", ".join(render("count(*) FILTER (WHERE {x})", x=x) for x in spaced)
    *counts, n_rows = run(con, render("SELECT {n}, count(*) FROM {t}", t=ident(table), n=counts_sql)).fetchone()
    columns = [i for i, n in enumerate(counts) if n]
    if not columns:
        return
    if sum(counts) * REWRITE_SHARE <= n_rows:
        for i in columns:
            run(con, render("UPDATE {t} SET {c} = {cell} WHERE {x}", t=ident(table), c=ident(f"c{i}"),
                            cell=cell_sql(f"c{i}"), x=spaced[i]))
        return
    run(con, render("CREATE OR REPLACE TEMP TABLE {t} AS SELECT row_no, {cells} FROM {t}", t=ident(table),
                    cells=staged_cells_sql(width, only=set(columns))))


# Every first character a TOTAL_PATTERN or FOOTER_PATTERN match can begin with, as code points:
# their alternatives' first letters g, s, t, и, в, c, 合, 总 with every case variant RE2's (?i) folds
# them with (ſ is an s, ᲀ a в; checked over all of Unicode in tests/unit/test_readers_csv.py).
# The patterns' regex runs only on rows whose first cell begins with one of them.
TOTAL_FIRST_CHARS = tuple(sorted(ord(ch) for ch in "gGsSſtTиИвВᲀcC合总"))


def finish_table(con, table: str, headers: list[str], file_name: str,
                 skipped: list[SkippedRow]) -> tuple[list[str], int, list[SkippedRow], list[tuple[str, dict]]]:
    """Drop blank/total/footer rows and empty unnamed trailing columns; count what is left."""
    notes: list[tuple[str, dict]] = []
    first = "COALESCE(" + ", ".join(ident(f"c{i}") for i in range(len(headers))) + ")"
    where = render("{f} IS NULL OR CASE WHEN ord({f}) IN ({firsts}) THEN regexp_matches({f}, $total) "
                   "OR regexp_matches({f}, $footer) ELSE false END", f=first,
                   firsts=", ".join(str(c) for c in TOTAL_FIRST_CHARS))
    params = {"total": TOTAL_PATTERN, "footer": FOOTER_PATTERN}
    rows = run(con, render("SELECT row_no, {f}, regexp_matches({f}, $footer) FROM {t} WHERE {w} ORDER BY row_no",
                           f=first, t=ident(table), w=where), params).fetchall()
    if rows:
        run(con, render("DELETE FROM {t} WHERE {w}", t=ident(table), w=where), params)
    for row_no, text, footer in rows:
        reason = "blank" if text is None else ("footer" if footer else "total")
        skipped.append(SkippedRow(int(row_no), reason, (text or "")[:200]))
    skipped += _repeated_headers(con, table, headers)
    skipped.sort(key=lambda s: s.row_no)
    headers = _drop_empty_trailing(con, table, headers)
    n_rows = int(run(con, render("SELECT count(*) FROM {t}", t=ident(table))).fetchall()[0][0])
    if n_rows == 0:
        raise FunnelError("file.no_rows", file=file_name)
    if skipped:
        notes.append(("readers.skipped_rows", {"n": len(skipped), "file": file_name}))
    if len(skipped) > SKIPPED_LISTED:
        skipped = skipped[:SKIPPED_LISTED]
    return headers, n_rows, skipped, notes


def _repeated_headers(con, table: str, headers: list[str]) -> list[SkippedRow]:
    """Delete the rows that repeat the header, and the one-cell row right above each (its section's
    title: monday.com's group names "Won", "Lost" became deals without a stage). A row repeats the
    header when its cells equal their column's header, two at least, all but one in five: a board
    exported with masked columns (skylark's monday.com deals: «Nezuko,,,Deal Status,Close Date (A),…»)
    repeats its header with the masked cells changed or empty, while ``Stage,Owner,100`` is a deal."""
    named = [(i, h) for i, h in enumerate(headers) if h]
    if len(named) < 2:
        return []
    probe = list(dict.fromkeys(named[:2] + named[-2:]))  # a repeat keeps one of these, or it is not one
    cells = ", ".join(ident(f"c{k}") for k in range(len(headers)))
    # plain equality (cells may still hold their padding here): ~free, where trim() cost 0.3 s of CPU
    # at 3.2M rows; a repeated header written with padded cells stays a row the import reports
    found = run(con, render("SELECT row_no, {cells} FROM {t} WHERE {probe}", cells=cells, t=ident(table),
                            probe=" OR ".join(render("{c} = $h" + str(n), c=ident(f"c{i}"))
                                              for n, (i, _h) in enumerate(probe))),
                {f"h{n}": h for n, (_i, h) in enumerate(probe)}).fetchall()

    def repeats_header(row) -> bool:
        present = [(k, v.strip()) for k, v in enumerate(row) if v is not None and v.strip()]
        same = sum(1 for k, v in present if v == headers[k])
        return same >= 2 and 4 * (len(present) - same) <= same

    repeats = [int(r[0]) for r in found if repeats_header(r[1:])]
    if not repeats:
        return []
    out = [SkippedRow(r, "header", " | ".join(h for h in headers if h)[:200]) for r in repeats]
    above = run(con, render("""SELECT t.row_no, COALESCE({cells}) FROM {t} AS t
        WHERE t.row_no IN (SELECT (SELECT max(p.row_no) FROM {t} AS p WHERE p.row_no < r.k)
                           FROM (SELECT unnest($rows) AS k) AS r)
          AND {one} = 1""", cells=cells, t=ident(table),
                            one=" + ".join(render("CASE WHEN {c} IS NULL THEN 0 ELSE 1 END", c=ident(f"c{k}"))
                                           for k in range(len(headers)))),
                {"rows": repeats}).fetchall()
    out += [SkippedRow(int(row_no), "section", (text or "").strip()[:200]) for row_no, text in above
            if row_no not in repeats]
    run(con, render("DELETE FROM {t} WHERE list_contains($rows, row_no)", t=ident(table)),
        {"rows": [s.row_no for s in out]})
    return out


def _drop_empty_trailing(con, table: str, headers: list[str]) -> list[str]:
    k = len(headers)
    while k > 1 and headers[k - 1] == "":
        k -= 1
    if k == len(headers):
        return headers
    counts = run(con, render("SELECT {cols} FROM {t}", t=ident(table), cols=", ".join(
        f"count({ident(f'c{i}')})" for i in range(k, len(headers))))).fetchall()[0]
    keep = len(headers)
    while keep > k and counts[keep - 1 - k] == 0:
        keep -= 1
    for i in range(keep, len(headers)):
        run(con, render("ALTER TABLE {t} DROP COLUMN {c}", t=ident(table), c=ident(f"c{i}")))
    return headers[:keep]


def pad(headers: list[str], width: int) -> list[str]:
    return headers + [""] * (width - len(headers))
