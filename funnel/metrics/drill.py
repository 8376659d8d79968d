"""Drill-down: the deals behind any number on a page.

A :class:`Selection` names the number (kind, and where relevant the stage position, the group value
and the cohort); :func:`deals_behind` returns those deals. The selection is translated into the very
conditions the counting queries use (same spec WHERE, same furthest-position rule), so the total
behind a number always equals the number.

At most ``LIMIT`` rows are fetched: without a sort the first ones by deal id, with a sort the top
ones (ties broken by deal id). Always ordered: an engine that reads in parallel (ClickHouse, Spark,
DuckDB on many threads) returns rows in no fixed order, and a page must show the same deals twice. The total is counted only when the page is full.
Rows come through Arrow (several times faster than ``.df()`` for text columns); missing text
is then NaN, as in any pandas string column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from ..dataset import DatasetInfo
from ..errors import FunnelError
from ..spec import FunnelSpec
from ..sql import fetch_frame, ident, render, run
from .cohorts import COHORT_SQL
from .context import resolve
from .filters import check_column, query, value_in

if TYPE_CHECKING:  # pandas costs ~0.5 s to import: only a drill-down that returns rows pays it
    import pandas as pd

LIMIT = 10_000  # rows on screen; a download holds every deal (every_deal_behind)
COLUMNS = ("deal_id", "deal_name", "stage", "status", "amount", "manager", "source", "variant",
           "created_at", "closed_at", "lost_reason")
KINDS = ("all", "reached", "drop_off", "lost_here", "open_here", "won", "lost", "open", "closed",
         "lost_stage_unknown", "open_off_order", "cohort", "decided", "stuck", "reactivation", "backward_move", "skipped_stage",
         "lost_at", "open_in_stage", "left_stage")
# "closed": the deals behind a win rate (won / closed), the won and the lost (survey 46: the tile listed the won only)
_BY_STATUS = {"won": "status = 'won'", "lost": "status = 'lost'", "open": "status = 'open'",
              "closed": "status IN ('won', 'lost')",
              "lost_stage_unknown": "status = 'lost' AND lost_stage_known = FALSE"}
# open at a stage the pipeline's stages do not list (a paused status): metrics_open_off_order.sql's rule, over the
# drill query's deals ``s``; {stages}: the dataset's stages table
OFF_ORDER = ("(status = 'open' AND stage_pos IS NULL AND stage IS NOT NULL AND NOT EXISTS "
             "(SELECT 1 FROM {stages} AS o WHERE o.pipeline = s.pipeline AND o.stage = s.stage))")


@dataclass(frozen=True)
class Selection:
    """Which number: e.g. ``Selection("lost_here", position=3, by="source", value="ads")``."""

    kind: str = "all"
    position: int | None = None
    by: str | None = None
    value: str | None = None
    cohort_unit: str | None = None
    cohort_key: date | None = None
    # several cohorts of ``cohort_unit`` at once: the months a spend file covers (a source's leads, the
    # Sources and segments page's spend table)
    cohort_keys: tuple[date, ...] | None = None
    # velocity / pipeline kinds (funnel/velocity/drill.py): an instant, an optional earlier one, an age
    until: datetime | None = None
    since: datetime | None = None
    min_days: float | None = None
    # the audit's selections (funnel/audit): "decided" = entered step ``position`` and left it (not
    # open there); "stuck" = open at ``position`` for more than ``days`` before ``as_of``;
    # "reactivation" = lost at ``position`` or later, with an amount, for one of ``values`` (reasons);
    # "backward_move" / "skipped_stage" = a deal whose history went back / skipped a stage (no position);
    # "lost_at" = lost at ``position`` with that stage recorded (the lost-reason Pareto's rows); "open_in_stage" =
    # open now in stage ``position`` with a stage history (the stage-times table's «open» column); "left_stage" = a
    # finished stay in stage ``position`` (the stage-times table's «left the stage» column: it counts the stays)
    days: float | None = None
    as_of: datetime | None = None
    values: tuple[str, ...] | None = None
    amount_from: float | None = None  # amount band [from, to) of a drivers finding
    amount_to: float | None = None
    # "snapshot_bar" (funnel/velocity/drill.py): the dataset id of the previous snapshot a bar compares with
    previous: int | None = None


@dataclass
class DrillResult:
    frame: pd.DataFrame
    total: int
    truncated: bool
    reason: str | None = None


def _position_sql(kind: str, position: int | None, last: int | None) -> str:
    if position is None:
        raise FunnelError("metrics.drill_needs_stage", kind=kind)
    op = ">=" if kind == "reached" or position == last else "="
    status = {"lost_here": " AND status = 'lost'", "open_here": " AND status = 'open'"}.get(kind, "")
    return f"pos {op} $s_pos{status}"


def selection_where(info: DatasetInfo, sel: Selection, last: int | None,
                    where: str = "pipeline = $p_pipeline") -> tuple[str, dict[str, Any]]:
    """SQL condition (over the drill query's columns) and parameters for one selection; ``where``: the spec's
    WHERE, which a velocity selection may apply to other deals too (a previous snapshot's)."""
    from ..velocity.drill import KINDS as VELOCITY_KINDS
    from ..velocity.drill import velocity_condition

    if sel.kind not in KINDS and sel.kind not in VELOCITY_KINDS:
        raise FunnelError("metrics.unknown_drill_kind", kind=str(sel.kind))
    parts: list[str] = ["1 = 1"]
    params: dict[str, Any] = {}
    if sel.kind in VELOCITY_KINDS:
        cond, params = velocity_condition(info, sel, where)
        parts.append(cond)
    elif sel.kind in ("reached", "drop_off", "lost_here", "open_here"):
        parts.append(_position_sql(sel.kind, sel.position, last))
        params["s_pos"] = int(sel.position)
    elif sel.kind in _BY_STATUS:
        parts.append(_BY_STATUS[sel.kind])
    elif sel.kind == "open_off_order":
        parts.append(render(OFF_ORDER, stages=info.tables["stages"]))
    elif sel.kind in AUDIT_KINDS:
        sql, more = _audit_sql(info, sel)
        parts.append(sql)
        params.update(more)
    if sel.amount_from is not None:
        parts.append("amount >= $s_amount_from")
        params["s_amount_from"] = float(sel.amount_from)
    if sel.amount_to is not None:
        parts.append("amount < $s_amount_to")
        params["s_amount_to"] = float(sel.amount_to)
    if sel.by is not None:
        sql, values = value_in(ident(check_column(info, sel.by)), (sel.value,), "s_grp")
        parts.append(sql)
        params.update(values)
    if sel.cohort_unit is not None and sel.cohort_keys is None:
        if sel.cohort_unit not in COHORT_SQL or sel.cohort_key is None:
            raise FunnelError("metrics.unknown_cohort_unit", unit=str(sel.cohort_unit))
        parts.append(f"{COHORT_SQL[sel.cohort_unit]} = $s_cohort")
        params["s_cohort"] = datetime.combine(sel.cohort_key, time.min)
    if sel.cohort_keys is not None:
        if sel.cohort_unit not in COHORT_SQL:
            raise FunnelError("metrics.unknown_cohort_unit", unit=str(sel.cohort_unit))
        keys = {f"s_cohorts_{i}": datetime.combine(k, time.min) for i, k in enumerate(sel.cohort_keys)}
        parts.append(f"{COHORT_SQL[sel.cohort_unit]} IN ({', '.join('$' + k for k in keys) or 'NULL'})")
        params.update(keys)
    return " AND ".join(parts), params


AUDIT_KINDS = ("decided", "stuck", "reactivation", "backward_move", "skipped_stage", "lost_at", "open_in_stage",
               "left_stage")
_MOVES = {"backward_move": "position < prev_pos", "skipped_stage": "position > prev_pos + 1"}


def _audit_sql(info: DatasetInfo, sel: Selection) -> tuple[str, dict[str, Any]]:
    """The audit's selections (see :class:`Selection`), with the same rules as funnel/audit."""
    if sel.kind in _MOVES:  # the deals behind the data-quality counts of the history
        return f"deal_id IN ({query('audit_history_moves', info, move=_MOVES[sel.kind])})", {}
    if sel.position is None:
        raise FunnelError("metrics.drill_needs_stage", kind=sel.kind)
    params: dict[str, Any] = {"s_pos": int(sel.position)}
    if sel.kind == "decided":
        return "pos >= $s_pos AND NOT (status = 'open' AND pos = $s_pos)", params
    if sel.kind == "lost_at":  # audit_lost_reasons.sql's position of a lost deal whose stage is known
        return "status = 'lost' AND lost_stage_known AND pos = $s_pos", params
    if sel.kind == "open_in_stage":  # audit_stage_times.sql's open_now: open in the stage, with a last stage entry
        entered = render("SELECT deal_id FROM {events}", events=info.tables["events"])
        return f"status = 'open' AND stage_pos = $s_pos AND deal_id IN ({entered})", params
    if sel.kind == "left_stage":  # audit_stage_times.sql's n_left: the stays there with an end (left_at set)
        from ..velocity.stays import stays_sql

        left = render("SELECT f.row_no FROM {stays} AS f WHERE f.position = $s_pos AND f.left_at IS NOT NULL",
                      stays=stays_sql(info))
        return f"row_no IN ({left})", params
    if sel.kind == "stuck":
        params.update(s_days=float(sel.days or 0.0), s_as_of=sel.as_of)
        last_entry = render("SELECT deal_id FROM {events} GROUP BY deal_id "
                            "HAVING date_diff('second', max(entered_at), $s_as_of) > $s_days * 86400",
                            events=info.tables["events"])
        return f"status = 'open' AND stage_pos = $s_pos AND deal_id IN ({last_entry})", params
    reasons, more = value_in(ident("lost_reason"), tuple(sel.values or ()), "s_reason")
    params.update(more)
    return f"status = 'lost' AND lost_stage_known AND pos >= $s_pos AND amount > 0 AND ({reasons})", params


def _order(sort: str | None, descending: bool) -> str:
    """``ORDER BY`` for the page: the sort column then the deal id, or the deal id alone."""
    if sort is None:
        return f"ORDER BY {ident('deal_id')}"
    column = sort if sort in COLUMNS else "deal_id"
    return f"ORDER BY {ident(column)} {'DESC' if descending else 'ASC'} NULLS LAST, {ident('deal_id')}"


def deals_behind(con, info: DatasetInfo, spec: FunnelSpec, selection: Selection,
                 sort: str | None = None, descending: bool = False) -> DrillResult:
    """The deals behind one number (at most 10,000 rows) and how many there are in all."""
    why = info.capabilities.why_not("deals")
    if why:
        import pandas as pd

        return DrillResult(pd.DataFrame(columns=list(COLUMNS)), 0, False, why)
    where, cond, params = _conditions(con, info, spec, selection)
    frame = fetch_frame(con, query("metrics_drill", info, where=where, selection=cond,
                                   order=_order(sort, descending), limit=f"LIMIT {LIMIT}"), params)
    total = len(frame)
    if total >= LIMIT:
        count = query("metrics_drill_count", info, where=where, selection=cond)
        total = int(run(con, count, params).fetchone()[0])
    return DrillResult(frame, total, total > len(frame))


def every_deal_behind(con, info: DatasetInfo, spec: FunnelSpec, selection: Selection,
                      sort: str | None = None, descending: bool = False) -> pd.DataFrame:
    """Every deal behind one number, in the dialog's order: what a download holds (no row limit)."""
    if info.capabilities.why_not("deals"):
        import pandas as pd

        return pd.DataFrame(columns=list(COLUMNS))
    where, cond, params = _conditions(con, info, spec, selection)
    return fetch_frame(con, query("metrics_drill", info, where=where, selection=cond,
                                  order=_order(sort, descending), limit=""), params)


def _conditions(con, info: DatasetInfo, spec: FunnelSpec, selection: Selection) -> tuple[str, str, dict[str, Any]]:
    """(the spec's WHERE, the selection's condition, their parameters) for the drill queries."""
    ctx = resolve(con, info, spec)
    cond, params = selection_where(info, selection, ctx.positions[-1] if ctx.positions else None, ctx.where.sql)
    return ctx.where.sql, cond, {**ctx.where.params, **params}
