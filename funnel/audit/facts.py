"""Per-deal facts the audit reads, derived once at import: ``last_entry_at`` on the deals table.

``last_entry_at`` is the deal's last stage entry in its history (the largest ``entered_at`` of its
events, a lost stage's entry included; NULL without a history). For an open deal it is when the
deal entered the stage it sits in, so its age there is one subtraction instead of a join of every
stage entry with the deals; for a stay (``funnel/velocity/stays.py``) it says whether the deal
entered another stage after it: a stay was *left by an entry* when it started before the deal's
last entry (the time in stage of ``audit_stage_times.sql``).

The import computes it in the same per-deal aggregate of the events as the furthest position
(``funnel/importer/derive.py``: one pass, no update of the stored deals after). A dataset imported
before it has no such column:
:func:`deals_with_facts` then derives the column in a subquery (same numbers, slower).
"""

from __future__ import annotations

from ..dataset import DatasetInfo
from ..sql import render, run

COLUMN = "last_entry_at"


def has_facts(con, info: DatasetInfo) -> bool:
    try:
        run(con, render("SELECT last_entry_at FROM {deals} LIMIT 0", deals=info.tables["deals"]))
    except Exception:  # noqa: BLE001 - each engine names a missing column differently (DuckDB: BinderException)
        return False
    return True


def deals_with_facts(con, info: DatasetInfo) -> str:
    """The deals with ``last_entry_at`` as a FROM item: the stored table, or a subquery deriving it."""
    if has_facts(con, info):
        return info.tables["deals"]
    return "(" + render("SELECT d.*, f.last_entry_at FROM {deals} AS d LEFT JOIN (SELECT deal_id, "
                        "max(entered_at) AS last_entry_at FROM {events} GROUP BY deal_id) AS f "
                        "ON f.deal_id = d.deal_id", deals=info.tables["deals"], events=info.tables["events"]) + ")"
