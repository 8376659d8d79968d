"""Stays: one row per time a deal sat in a funnel stage (``funnel/queries/velocity_stays.sql``).

Every velocity and pipeline question reads stays. Deriving them is a window over the whole
history (seconds at 4M events), so the import stores them once as the dataset's ``stays`` table
(:func:`derive_stays`, called from ``funnel/importer/derive.py``; ``meta["stays_table"]`` holds
:data:`STAYS_VERSION`). A dataset imported before reads the same query as a subquery instead:
same numbers, slower.

Each stay also carries its deal's status, created / closed time, amount and current stage, and
its own duration (``stay_days``) and first-visit flags: a page then scans the stays alone instead
of joining 4M stays to 1M deals (:func:`deal_stays`). Only a filter on another deal column
(manager, source, ...) needs the deals, as a semi-join on ``row_no``.
"""

from __future__ import annotations

from ..dataset import DatasetInfo
from ..sql import ident, load, render, run

TEMP_TABLE = "imp_stays"
STAYS_VERSION = 3  # older tables (1 or True, 2) lack columns: read through the subquery


def derive_stays(con, into: str | None = None) -> None:
    """``imp_stays`` from the import's temp tables (``imp_events``, ``imp_deals``, ``imp_stages``).
    ``into``: an import writing in place builds ``<into>.stays`` (the dataset's table) instead."""
    sql = render(load("velocity_stays"), events=ident("imp_events"), deals=ident("imp_deals"),
                 stages=ident("imp_stages"))
    target = render("CREATE TABLE {t} AS ", t=ident(into, "stays")) if into else \
        render("CREATE OR REPLACE TEMP TABLE {t} AS ", t=ident(TEMP_TABLE))
    # ordered so that a date's stays sit in few row groups: min/max pruning skips the rest
    run(con, target + "SELECT * FROM (" + sql + ") AS s ORDER BY deal_first, until_at")


def stored_stays(info: DatasetInfo) -> bool:
    """Whether the dataset keeps this version's stays table (older ones are derived at query time)."""
    return info.meta.get("stays_table") == STAYS_VERSION and info.id is not None


def stays_sql(info: DatasetInfo) -> str:
    """The stays of a dataset as a FROM item: its stored table, or the derivation as a subquery."""
    if stored_stays(info):
        return ident(info.schema, "stays")
    # one line without the comments: query templates name their fragments in comment lines too
    body = " ".join(line.strip() for line in load("velocity_stays").splitlines()
                    if line.strip() and not line.lstrip().startswith("--"))
    return "(" + render(body, **info.tables) + ")"


def deal_stays(info: DatasetInfo, ctx) -> str:
    """The stays of the deals that pass ``ctx.where`` as a FROM item (binds ``ctx.where.params``).

    Without column filters the where names only the pipeline, status, created_at and closed_at,
    which every stay carries with its deal's values: the stays are filtered alone. A filter on any
    other deal column keeps the stays whose deal passes it (a semi-join on ``row_no``).
    """
    template = ("(SELECT * FROM {stays} WHERE {where})" if not ctx.spec.filters else
                "(SELECT * FROM {stays} WHERE row_no IN (SELECT row_no FROM {deals} WHERE {where}))")
    return render(template, stays=stays_sql(info), deals=info.tables["deals"], where=ctx.where.sql)
