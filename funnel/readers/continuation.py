"""Continuation rows: a deal written over several rows, its own cells only on the first.

CordysCRM's 商机 export, and 1C / Bitrix24 product-row lists saved from Excel, write one row per
product of a deal and merge the deal's cells (id, name, stage, amount, dates, manager) down over
its rows: the first row has them, the rows under it only the product's cells (product, quantity).
Read row by row, each of those rows became a deal without an id or a stage (or was refused). They
are the deal's, not deals: left out (listed as skipped rows, reason ``continuation``: the quality
report's ``quality.file.skipped_continuation``) and counted in a note per file (``readers.continuation_rows``). Nothing is summed: a merged amount is the deal's, written once on its first row.

- A workbook says it itself (:func:`merged_blocks`): vertical merged ranges of the same rows over
  two columns at least and over half the filled cells of their first row are a deal's rows; the rows
  under the first are its continuation. One merged column (a Salesforce formatted report's stage
  over the deals of its group) is a group's value, filled down as before.
- A CSV file saved from such a sheet, or a workbook without merged ranges, has the deal's cells
  empty on its continuation rows (:func:`fold_continuations`). The rows with the first column filled
  (a deal's id or number; filled on the first row) are a deal's first rows, the others may continue
  one; the key columns are those filled on 95 % at least of the first rows and on fewer than half the
  others (a product's columns are filled on both; a deal's are empty under it). A row continues the
  deal above it when every key cell is empty, it fills at most half the columns, and one of its cells
  is text (a product's name; a row of numbers only is a total, refused as before). Two key columns at
  least, and not every column: a list whose rows without an id still have their name and stage folds
  nothing. Cost: one aggregate of the first column, and a look at the first rows for a repeated one, when
every row has it.

Bitrix24's deal list with the product column (funnel/importer/deals.py ``_product_lines``) repeats
the deal's id on every product row: no row there has its key cells empty, so it is not folded here.
"""

from __future__ import annotations

from collections import Counter

from ..sql import ident, render, run

KEY_SHARE = 0.95  # a key column is filled on at least this share of a deal's first rows
MIN_KEYS = 2
# rows looked at for a first cell repeated from the row above, before every row is (a window over the file)
REPEAT_PROBE = 2_000
# a cell that is not a number (a product's name): a row of numbers only under the deals is a total
TEXT = r"[^\d\s.,%()$€£¥₽'+\-\x{00a0}\x{202f}]"


def merged_blocks(rows: list[list[str | None]], merged: list, first: int) -> list[tuple[int, int]]:
    """(first, last row) 0-based of each deal written over several rows with merged cells, among the
    rows from ``first`` on: vertical ranges one column wide over the same rows, two columns at least
    and at least half the filled cells of the block's first row."""
    spans = Counter((top, bottom) for (top, left), (bottom, right) in merged
                    if left == right and bottom > top and top >= first)
    blocks = []
    for (top, bottom), columns in spans.items():
        if top >= len(rows):
            continue
        filled = sum(1 for c in rows[top] if c is not None and str(c).strip())
        if columns >= MIN_KEYS and 2 * columns >= filled:
            blocks.append((top, bottom))
    return sorted(blocks)


def drop_rows(con, table: str, width: int, file_name: str, row_nos: list[int]
              ) -> tuple[list[tuple[int, str]], list[tuple[str, dict]]]:
    """Delete the continuation rows a workbook's merged ranges show (row numbers as staged); returns
    the rows deleted (row number, text) and the note."""
    if not row_nos:
        return [], []
    condition = "list_contains($rows, row_no)"
    return _fold(con, table, width, file_name, condition, {"rows": sorted(row_nos)})


def fold_continuations(con, table: str, width: int, file_name: str
                       ) -> tuple[list[tuple[int, str]], list[tuple[str, dict]]]:
    """Find and delete continuation rows by their empty key cells (see the module's doc)."""
    if width < MIN_KEYS + 1:
        return [], []
    cells = [ident(f"c{k}") for k in range(width)]
    lead = cells[0]  # a deal's first column (its id or number) starts its first row
    # a row starts a deal when its first cell is filled and not the row above's: Shopify's order export
    # repeats the order's «Name» (#1001) on each of its line items, the order's own cells on the first only
    start = render("({c} IS NOT NULL AND {c} IS DISTINCT FROM lag({c}) OVER (ORDER BY row_no))", c=lead)
    n, with_lead, first = run(con, render(
        "SELECT count(*), count({c}), (SELECT {c} FROM {t} WHERE row_no = (SELECT min(row_no) FROM {t})) FROM {t}",
        c=lead, t=ident(table))).fetchone()
    if first is None:
        return [], []
    if with_lead == n and not _keys(con, table, cells, start, render(
            "row_no <= (SELECT min(row_no) FROM {t}) + {k}", t=ident(table), k=str(REPEAT_PROBE))):
        # every row has its first cell, and in the first rows no repeated one leaves the deal's cells empty (a
        # stage history, a product list repeating the whole deal): no window over the whole file
        return [], []
    keys = _keys(con, table, cells, start, "true")
    if not keys:
        return [], []
    others = [cells[k] for k in range(width) if k not in keys]
    condition = render("NOT {start} AND ({keys}) AND ({filled}) * 2 <= {width} AND ({text})", start=start,
                       keys=" AND ".join(render("{c} IS NULL", c=cells[k]) for k in keys),
                       filled=" + ".join(render("CASE WHEN {c} IS NULL THEN 0 ELSE 1 END", c=c) for c in others),
                       width=str(width),
                       # a product's name, never the repeated number alone («D1» and nothing else is a sparse row)
                       text=" OR ".join(render("regexp_matches({c}, $text)", c=c) for c in others if c != lead)
                       or "false")
    return _fold(con, table, width, file_name, condition, {"text": TEXT} if "$text" in condition else {})


def _keys(con, table: str, cells: list[str], start: str, where: str) -> list[int]:
    """The key columns among the rows ``where`` holds: filled on nearly every row that starts a deal, empty
    on most of the others; none when no row continues, too few, or every column is one."""
    counts = run(con, render("SELECT count(*), count(*) FILTER (WHERE _start), {counts} FROM "
                             "(SELECT *, {start} AS _start FROM {t} WHERE {where}) AS r", t=ident(table),
                             start=start, where=where, counts=", ".join(
        render("count({c}) FILTER (WHERE _start), count({c}) FILTER (WHERE NOT _start)", c=c) for c in cells))
    ).fetchone()
    n, starts, counts = counts[0], counts[1], counts[2:]
    without = n - starts
    if not without:
        return []
    keys = [k for k in range(len(cells)) if counts[2 * k] >= KEY_SHARE * starts and 2 * counts[2 * k + 1] < without]
    return keys if MIN_KEYS <= len(keys) < len(cells) else []


def _fold(con, table: str, width: int, file_name: str, condition: str, params: dict
          ) -> tuple[list[tuple[int, str]], list[tuple[str, dict]]]:
    cells = ", ".join(ident(f"c{k}") for k in range(width))
    found = run(con, render("""SELECT row_no, text, COALESCE(lag(cont) OVER (ORDER BY row_no), false) AS after
        FROM (SELECT row_no, ({cond}) AS cont, concat_ws(' | ', {cells}) AS text FROM {t}) AS f
        QUALIFY cont ORDER BY row_no""", cond=condition, cells=cells, t=ident(table)), params).fetchall()
    if not found:
        return [], []
    rows = [int(r[0]) for r in found]
    run(con, render("DELETE FROM {t} WHERE list_contains($gone, row_no)", t=ident(table)), {"gone": rows})
    deals = sum(1 for r in found if not r[2])  # a run of continuation rows belongs to the deal above it
    skipped = [(int(r), (text or "")[:200]) for r, text, _after in found]
    return skipped, [("readers.continuation_rows", {"n": len(rows), "deals": deals, "file": file_name})]
