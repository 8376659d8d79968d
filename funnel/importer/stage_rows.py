"""A deals file with one row per stage a deal entered, read as the deals plus their stage history.

CRM reports write deals this way: a HubSpot report on "Date entered stage" (``Record ID, Deal Name,
Deal Stage, Date entered stage, Date left, Original Source, Amount, Deal owner``: each deal on as
many rows as stages it entered), a Bitrix24 or amoCRM stage report with the deal's columns beside
it. Read as a plain deal list, the first row of each deal was kept and the rest dropped as
duplicates: every deal sat at its first stage and no deal was won or lost.

Such a file is recognised when the mapped deal id repeats, its rows name different stages, and a
column whose header says "entered" (or a stage date: ``Stage date``, ``Дата перехода``, 进入时间)
holds dates; a change log of the deal's whole state (``audit_id, changed_at, deal_id, amount, stage``), whose
rows mostly change something other than the stage, is read so too when its deals' stages change. Then the whole file is the stage history (``history.load_history``, as a second file
would be), and each deal is its latest row by that date: the stage it is in now, with the
columns of that row, entered at that row's date (the close time of a deal closed there). Without a
creation date column, a deal's first entry is its creation.
"""

from __future__ import annotations

import dataclasses
import re

from ..mapping import normalize_header
from ..mapping.shapes import HistoryMapping
from ..readers import RawTable
from ..sql import ident, render, run
from .columns import read_date

# a header naming when a row's stage was entered
# (or when the row was written, in a change log of the deal's whole state: ``audit_id, changed_at, deal_id,
# amount, stage``, each row a deal as it was after a change)
CHANGED = re.compile(r"^chang|changed|^изменен|^дата изменения|变更时间")
ENTERED = re.compile(r"enter|stage.*(date|time)|(date|time).*stage|перех|вход|этап.*дат|дат.*этап|进入|阶段.*(时间|日期)|"
                     + CHANGED.pattern)
PARSED_SHARE = 0.9  # of the column's non-empty cells that must read as dates
DEALS_TABLE = "raw_main_deals"


def is_change_log(header: str) -> bool:
    """Whether the rows' date column is when a change was written (a change log), not a stage's entry."""
    return bool(CHANGED.search(normalize_header(header) or ""))


def entered_column(headers: list[str], taken: set[int]) -> int | None:
    """The first column whose header says when a stage was entered, not one of ``taken``."""
    for i, header in enumerate(headers):
        if i not in taken and ENTERED.search(normalize_header(header) or ""):
            return i
    return None


def split_stage_rows(con, raw: RawTable, mapping) -> tuple[RawTable, HistoryMapping, int] | None:
    """(one row per deal, the history's columns, the stage rows read) when ``raw`` holds one row per
    stage a deal entered, else None. ``mapping``: the deals mapping proposed for ``raw``; its
    creation date, when it has none, becomes the deal's first entry (a column added to the deals)."""
    fields = mapping.fields
    if "deal_id" not in fields or "stage" not in fields:
        return None
    d, s = fields["deal_id"], fields["stage"]
    # HubSpot's per-stage "Date entered <stage>" columns belong to one stage each, not to a row
    e = entered_column(raw.headers, {d, s, *mapping.stage_entered})
    if e is None:
        return None
    deal, stage, entered = ident(f"c{d}"), ident(f"c{s}"), ident(f"c{e}")
    rows, ids, pairs = run(con, render(
        "SELECT count({d}), count(DISTINCT {d}), count(DISTINCT ({d}, {s})) FROM {t} WHERE {d} IS NOT NULL",
        d=deal, s=stage, t=ident(raw.table))).fetchone()
    # ids repeat, and most repeats name another stage (not a list with a few duplicated rows); in a change
    # log most rows change something else (the amount, the close date): some deals' stages change
    change_log = is_change_log(raw.headers[e])
    if rows == ids or (pairs == ids if change_log else (pairs - ids) * 2 < rows - ids):
        return None
    ts, _ambiguous, profile = read_date(con, raw.table, f"c{e}")
    filled, parsed = run(con, render("SELECT count({c}), count({ts}) FROM {t}", c=entered, ts=ts,
                                     t=ident(raw.table))).fetchone()
    if not filled or parsed < PARSED_SHARE * filled:
        return None
    n = len(raw.headers)
    for name in [f for f, i in fields.items() if i == e]:  # a date of one stage row, not of the deal
        del fields[name]
    first = "created_at" not in fields
    # the first entry's time; instants (Unix time, offsets) as written, so that the import reads them in the
    # dataset's zone (chosen after this split on the Data page) like the history's own
    instants = profile is not None and bool(profile.epoch_ms or profile.utc_offsets)
    first_entry = "arg_min({e}, {ts}) OVER (PARTITION BY {d})" if instants else \
        "strftime(min({ts}) OVER (PARTITION BY {d}), '%Y-%m-%d %H:%M:%S')"
    created = render(", " + first_entry + " AS {c}", e=entered, ts=ts, d=deal, c=ident(f"c{n}")) if first else ""
    # the latest row of each deal (rows without an id are kept: the import reports them)
    run(con, render("""CREATE OR REPLACE TEMP TABLE {out} AS SELECT * EXCLUDE (k) FROM (
            SELECT *{created}, row_number() OVER (PARTITION BY {d} ORDER BY {ts} DESC NULLS LAST, row_no DESC) AS k
            FROM {t}) AS r
        WHERE {d} IS NULL OR k = 1""", out=ident(DEALS_TABLE), created=created, d=deal, ts=ts, t=ident(raw.table)))
    n_deals = run(con, render("SELECT count(*) FROM {t}", t=ident(DEALS_TABLE))).fetchone()[0]
    headers = [*raw.headers, f"min({raw.headers[e]})"] if first else list(raw.headers)
    if first:
        fields["created_at"] = n
    # the latest row's date is when the deal entered the stage it is in: a closed deal's close time
    fields.setdefault("stage_changed_at", e)
    mapping.extras.pop(e, None)
    deals = dataclasses.replace(raw, table=DEALS_TABLE, headers=headers, n_rows=n_deals)
    return deals, HistoryMapping(d, s, e, fields.get("pipeline")), rows
