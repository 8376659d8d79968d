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

import re

from ..dataset import DatasetInfo
from ..sql import ident, load, render, run

# 4: no deal_id, no stay_rank, a stage_durations table beside it. 3 (deal_id and stay_rank too) is
# read as it is, without the durations; older tables (1 or True, 2) lack columns: read through the
# subquery.
STAYS_VERSION = 4
READABLE_VERSIONS = (3, 4)
# the tables an import derives beside the canonical ones (a dataset of this version has both)
DERIVED_TABLES = ("stays", "stage_durations")
# A step of velocity_stays.sql: "-- begin step: <name>" ... "-- end step: <name>" on lines of their own.
_STEP = re.compile(r"^[ \t]*-- begin step: (\w+)\n(.*?)^[ \t]*-- end step: \1\n", re.MULTILINE | re.DOTALL)
# the deals' and the events' columns the stays join on (velocity_stays.sql's key fragments)
BY_DEAL_ID = {"deal_key": ident("deal_id"), "event_key": ident("deal_id")}
# the import's: its events still carry the deal's row_no as deal_row (an integer join, not a text one)
BY_DEAL_ROW = {"deal_key": ident("row_no"), "event_key": ident("deal_row")}


def stays_steps() -> list[tuple[str | None, str]]:
    """The query ``velocity_stays.sql`` cut at its marked steps: ``(name, SELECT)`` pairs in order,
    where a SELECT reads the steps before it as the placeholders ``{<their names>}``; the last pair is
    ``(None, the final SELECT)``. :func:`stays_query` puts them together as one query: one text of the
    stays logic, run whole or one step at a time."""
    text = load("velocity_stays")
    steps: list[tuple[str | None, str]] = [(m.group(1), m.group(2)) for m in _STEP.finditer(text)]
    last_step_end = text.rindex("-- end step:")
    final = text[text.index("\n", last_step_end) + 1:]
    return [*steps, (None, final[final.index("SELECT"):])]


def stays_query(tables: dict[str, str], keys: dict[str, str] | None = None) -> str:
    """The stays as one query over ``tables`` (quoted ``events``, ``deals``, ``stages``), the events
    joined to the deals on ``keys`` (:data:`BY_DEAL_ID` unless given): each step written out as a
    subquery where a later one reads it. Not as the file's WITH items: DuckDB materialises a WITH
    item read more than once, and a materialised one inside a subquery beside the deals' derived
    facts (``funnel/audit/facts.py``) fails to bind (DuckDB 2.0, "Failed to bind column reference").
    The per-deal step is then computed three times: this form serves only datasets stored without
    a stays table (imported before it existed) and the warehouses of the attach path (built once)."""
    names = {**tables, **(keys or BY_DEAL_ID)}
    for name, body in stays_steps():
        sql = render(body, **names)
        if name is None:
            return sql
        names[name] = "(\n" + sql + ")"
    raise AssertionError("velocity_stays.sql has a final SELECT")


def derive_stays(con, into: str | None = None, keys: dict[str, str] = BY_DEAL_ROW) -> None:
    """``imp_stays`` and ``imp_stage_durations`` from the import's temp tables (``imp_events``,
    ``imp_deals``, ``imp_stages``), the events joined to the deals on ``keys``: a deals file's events
    still carry their deal's ``deal_row`` (:data:`BY_DEAL_ROW`), an event log's only the id. ``into``:
    an import writing in place builds ``<into>.stays`` and ``<into>.stage_durations`` (the dataset's
    tables) instead.

    The steps of ``velocity_stays.sql`` are built one at a time into temp tables, each dropped
    once nothing after it reads it: a statement then holds only its own step's rows (the
    one-statement form spilled at the store's 400MB budget), and the sort for the stored order
    runs over the narrow per-stay rows instead of the 19 finished columns. That order is
    (deal_first, until_at) so that a date's stays sit in few row groups and min/max pruning skips
    the rest. The join of the deal's columns reads the sorted rows in parallel, a row group at a
    time per thread, and each thread writes its own row groups: every stored row group holds one
    run of the sorted rows (the same min/max as a globally sorted table's; measured at 1M: the same
    groups pruned), only the groups' sequence differs, which pruning does not read.
    """
    names = {"events": ident("imp_events"), "deals": ident("imp_deals"), "stages": ident("imp_stages"), **keys}
    steps, previous = stays_steps(), None
    for k, (name, body) in enumerate(steps):
        sql = render(body, **names)
        if name is None:
            run(con, _create(into, "stays") + sql)
        else:
            names[name] = ident(f"imp_{name}")
            last_step = k == len(steps) - 2  # the step the final SELECT joins the deals' columns to
            if last_step:
                sql = render("SELECT * FROM ({q}) AS s ORDER BY deal_first, until_at", q=sql)
            run(con, render("CREATE OR REPLACE TEMP TABLE {t} AS {q}", t=names[name], q=sql))
            if last_step:  # its rows carry every column the durations read: no pass over the stored stays
                run(con, _create(into, "stage_durations")
                    + render(load("velocity_stage_durations"), stays=names[name]))
        if previous:  # consumed: each step reads only the one before it
            run(con, render("DROP TABLE {t}", t=previous))
        previous = names[name] if name else None


def _create(into: str | None, table: str) -> str:
    """``CREATE TABLE <into>.<table> AS`` (an import writing in place), else the temp ``imp_<table>``."""
    return (render("CREATE TABLE {t} AS ", t=ident(into, table)) if into else
            render("CREATE OR REPLACE TEMP TABLE {t} AS ", t=ident(f"imp_{table}")))


def derived_tables(info_meta: dict) -> tuple[str, ...]:
    """The derived tables a dataset with this meta has (none, the stays, or both)."""
    version = info_meta.get("stays_table")
    if version == STAYS_VERSION:
        return DERIVED_TABLES
    return ("stays",) if version else ()


def stored_stays(info: DatasetInfo) -> bool:
    """Whether the dataset keeps this version's stays table (older ones are derived at query time)."""
    return info.meta.get("stays_table") in READABLE_VERSIONS and info.id is not None


def stored_durations(info: DatasetInfo) -> bool:
    """Whether the dataset keeps the finished stays' percentiles per stage (``stage_durations``)."""
    return info.meta.get("stays_table") == STAYS_VERSION and info.id is not None


def stays_sql(info: DatasetInfo) -> str:
    """The stays of a dataset as a FROM item: its stored table, or the derivation as a subquery."""
    if stored_stays(info):
        return ident(info.schema, "stays")
    # one line without the comments: query templates name their fragments in comment lines too
    body = " ".join(line.strip() for line in stays_query(info.tables).splitlines()
                    if line.strip() and not line.lstrip().startswith("--"))
    return "(" + body + ")"


def deal_stays(info: DatasetInfo, ctx) -> str:
    """The stays of the deals that pass ``ctx.where`` as a FROM item (binds ``ctx.where.params``).

    Without column filters the where names only the pipeline, status, created_at and closed_at,
    which every stay carries with its deal's values: the stays are filtered alone. A filter on any
    other deal column keeps the stays whose deal passes it (a semi-join on ``row_no``).
    """
    template = ("(SELECT * FROM {stays} WHERE {where})" if not ctx.spec.filters else
                "(SELECT * FROM {stays} WHERE row_no IN (SELECT row_no FROM {deals} WHERE {where}))")
    return render(template, stays=stays_sql(info), deals=info.tables["deals"], where=ctx.where.sql)
