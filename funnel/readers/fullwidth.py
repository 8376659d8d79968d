"""Full-width digits (「１２３４」, «２０２４年３月１日»): what a Chinese or Japanese input method types in its full-width
mode, in hand-kept sheets. The number and date readers know ASCII digits only, so such cells were rejected as bad
numbers or dates (survey 22: revenue 380,000 of 730,000). A column whose sample holds a full-width digit gets its
full-width digits and number signs written as ASCII (NFKC's mapping of these characters, done in SQL over the
staged column); the import says which columns. Other columns, and every other character, are left as they are."""

from __future__ import annotations

from ..sql import ident, render, run
from .staging import RawTable

FULL = "０１２３４５６７８９．，：／－＋％"
HALF = "0123456789.,:/-+%"
SAMPLE_ROWS = 2000


def fold_fullwidth(con, raw: RawTable) -> None:
    """Rewrite the full-width digits of the columns whose first rows have one (see the module docstring)."""
    cols = [f"c{i}" for i in range(len(raw.headers))]
    if not cols:
        return
    flags = [render("bool_or(regexp_matches({c}, '[０-９]'))", c=ident(c)) for c in cols]
    found = render("SELECT " + ", ".join(flags) + " FROM (SELECT * FROM {t} LIMIT $n)", t=ident(raw.table))
    # fetchall: a result left open would stop the next sheet's rows from being registered (con.register)
    folded = [k for k, flag in enumerate(run(con, found, {"n": SAMPLE_ROWS}).fetchall()[0]) if flag]
    if folded and not run(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = $t",
                          {"t": raw.table}).fetchall()[0][0]:
        return  # a view over another table (never one of the readers' own): left as it reads
    if folded:  # one pass over the table for every such column
        sets = ", ".join(render("{c} = translate({c}, $full, $half)", c=ident(cols[k])) for k in folded)
        run(con, render("UPDATE {t} SET " + sets, t=ident(raw.table)), {"full": FULL, "half": HALF})
        raw.notes.append(("readers.fullwidth", {"file": raw.file_name, "n": len(folded),
                                                "columns": ", ".join(f"«{raw.headers[k]}»" for k in folded[:5])}))
