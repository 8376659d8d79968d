"""monday.com board groups: each group's title becomes a column of its items.

"Export board to Excel" writes the board's name, then per group its title on a row of its own, the
header again and the group's items (nworbdier/orderly_flow ``src/lib/excel-import.js`` parses exactly
that). :func:`staging._repeated_headers` already deletes the repeated headers and the titles above them
(reason ``section``); the titles were lost with them, and a board whose groups are its stages («Leads»,
«Negotiation», «Won») or months lost that information. Here each row gets the title of the group it sits
in, as a new column ``Group``: the first group's title is the one-cell row right above the header
(:func:`title_above`: a workbook's, or a CSV's the board saved from Excel as CSV), the others the
``section`` rows. ``Group`` is an attribute, never taken for the stage unasked: a column of that name is
as often a segment as a stage, and monday's own «Status» column usually holds the stage. A board whose
groups are its stages maps it by hand (``--map stage=Group``); the import's note names the groups.

Nothing happens unless at least one section row was found: a plain list never gets the column.

Subitems (:func:`drop_subitems`): an item with subitems is followed by the subitems' own header row
(«Subitems, Name, Owner, …», shifted one column right of the board's) and one row per subitem, its first
cell empty. They are tasks under the deal, not deals: read as rows, the header row's «Date» under «Deal
Value» made the whole amount column unreadable and each subitem was rejected for want of an id.
"""

from __future__ import annotations

from ..sql import ident, render, run

GROUP_HEADER = "Group"
SUBITEMS = "subitems"


def title_above(rows, top: int) -> str | None:
    """The text of the row right above the header when it is the row's only cell (a board's first
    group title; the board's name is the row above it), else None. ``rows``: the sheet's or the CSV
    sample's rows, ``top``: the header's first row (0-based)."""
    if top < 1:
        return None
    cells = [str(v).strip() for v in rows[top - 1] if v is not None and str(v).strip()]
    return cells[0] if len(cells) == 1 else None


def board_group_column(con, table: str, headers: list[str], sections: list[tuple[int, str]],
                       first_title: str | None, file_name: str) -> tuple[list[str], list[tuple[str, dict]]]:
    """Add the ``Group`` column (see the module's doc). ``sections``: the deleted title rows (row number,
    title); ``first_title``: the title above the header, if any. Returns the headers and the notes."""
    if not sections or any(h.strip().casefold() == GROUP_HEADER.casefold() for h in headers):
        return headers, []
    starts = [0] + [row_no for row_no, _text in sections]
    titles = [first_title] + [text for _row_no, text in sections]
    width = len(headers)
    run(con, render("ALTER TABLE {t} ADD COLUMN {c} VARCHAR", t=ident(table), c=ident(f"c{width}")))
    run(con, render("""UPDATE {t} SET {c} = g.title FROM (
            SELECT t.row_no AS r, g.title FROM {t} AS t
            ASOF JOIN (SELECT unnest($starts) AS k, unnest($titles) AS title) AS g ON t.row_no >= g.k) AS g
        WHERE {t}.row_no = g.r""", t=ident(table), c=ident(f"c{width}")), {"starts": starts, "titles": titles})
    names = ", ".join(dict.fromkeys(t for t in titles if t))
    return headers + [GROUP_HEADER], [("nocode.board_groups", {"n": len(titles), "file": file_name,
                                                                "groups": names[:300]})]


def drop_subitems(con, table: str, headers: list[str]) -> list[tuple[int, str]]:
    """Delete a monday.com board's subitem blocks (see the module's doc): a row «Subitems, Name, …» and
    the rows under it whose first cell is empty, up to the next item. Only under a board's header
    («Name, Subitems, …»). Returns the rows deleted (row number, text); the quality report lists them
    as ``quality.file.skipped_subitem``, the import's note (``nocode.subitems``) counts them."""
    if len(headers) < 2 or [h.strip().casefold() for h in headers[:2]] != ["name", SUBITEMS]:
        return []
    first, second = ident("c0"), ident("c1")
    blocks = render("""SELECT s.row_no AS k, (SELECT min(n.row_no) FROM {t} AS n
                               WHERE n.row_no > s.row_no AND trim(COALESCE(n.{a}, '')) <> '') AS stop
                        FROM {t} AS s
                        WHERE lower(trim(s.{a})) = $sub AND lower(trim(s.{b})) = 'name'""",
                    t=ident(table), a=first, b=second)
    gone = run(con, render("""SELECT t.row_no, COALESCE(t.{a}, t.{b}) FROM {t} AS t, ({blocks}) AS b
                              WHERE t.row_no >= b.k AND (b.stop IS NULL OR t.row_no < b.stop)
                              ORDER BY t.row_no""", t=ident(table), a=first, b=second, blocks=blocks),
               {"sub": SUBITEMS}).fetchall()
    if gone:
        run(con, render("DELETE FROM {t} WHERE list_contains($rows, row_no)", t=ident(table)),
            {"rows": [int(r) for r, _text in gone]})
    return [(int(r), (text or "").strip()[:200]) for r, text in gone]
