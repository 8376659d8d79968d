"""Stays: one row per time a deal sat in a funnel stage (``funnel/queries/velocity_stays.sql``).

Every velocity and pipeline question reads stays. Deriving them is a window over the whole
history (seconds at 4M events), so the import stores them once as the dataset's ``stays`` table
(:func:`derive_stays`, called from ``funnel/importer/derive.py``; ``meta["stays_table"]`` says so).
A dataset imported before that reads the same query as a subquery instead: same numbers, slower.
"""

from __future__ import annotations

from ..dataset import DatasetInfo
from ..sql import ident, load, render, run

TEMP_TABLE = "imp_stays"


def derive_stays(con) -> None:
    """``imp_stays`` from the import's temp tables (``imp_events``, ``imp_deals``, ``imp_stages``)."""
    sql = render(load("velocity_stays"), events=ident("imp_events"), deals=ident("imp_deals"),
                 stages=ident("imp_stages"))
    run(con, render("CREATE OR REPLACE TEMP TABLE {t} AS ", t=ident(TEMP_TABLE)) + sql)


def stays_sql(info: DatasetInfo) -> str:
    """The stays of a dataset as a FROM item: its stored table, or the derivation as a subquery."""
    if info.meta.get("stays_table"):
        return ident(info.schema, "stays")
    # one line without the comments: query templates name their fragments in comment lines too
    body = " ".join(line.strip() for line in load("velocity_stays").splitlines()
                    if line.strip() and not line.lstrip().startswith("--"))
    return "(" + render(body, **info.tables) + ")"
