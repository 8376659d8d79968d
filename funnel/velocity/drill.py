"""The deals behind velocity, pipeline and forecast numbers: extra kinds of
:class:`funnel.metrics.Selection` (``since`` / ``until`` / ``min_days`` carry the dates).

Each kind is the very condition its number was counted with (same open-at-T rule, same stays), so
the deals listed are the deals counted. One exception is said on the page: ``stayed`` lists deals,
while time in stage counts stays (a deal that visited a stage twice is one deal, two stays).
"""

from __future__ import annotations

from typing import Any

from ..dataset import DatasetInfo
from ..errors import FunnelError
from ..metrics.drill import OFF_ORDER
from ..sql import ident, render
from .stays import stays_sql

CLOSED = "CASE WHEN closed_at < created_at THEN created_at ELSE closed_at END"
KINDS = ("open_at", "in_stage", "off_order_at", "unknown_at", "unweighted_at", "stayed", "created_between", "won_between",
         "lost_between", "moved_forward", "moved_back", "in_stage_week", "moved", "snapshot_bar")
# "in_stage_week": in stage ``position`` at the end of the week starting ``since`` (a Monday), as pipeline_weekly.sql
# counts it up to the as-of ``until``: a stay counts from the week it starts until the week it ends (a stay ended
# after ``until`` is still running; a closed deal's stay with no end is left out)
_IN_WEEK = ("row_no IN (SELECT w.row_no FROM {stays} AS w WHERE w.kind = 'open' AND w.position = $v_pos "
            "AND w.entered_at <= $v_until AND NOT (w.left_at IS NULL AND w.status <> 'open') "
            "AND date_trunc('week', w.entered_at) <= $v_week "
            "AND NOT (w.left_at IS NOT NULL AND w.left_at <= $v_until AND date_trunc('week', w.left_at) <= $v_week))")


# "moved": a row of the waterfall's stage movements, pipeline_flows.sql's rule deal by deal between ``since`` (A) and
# ``until`` (B): a deal live in (A, B] (created by B; open, or closed after A, or created after A with a close date),
# from ``position`` (None: created after A, «new»; 0: open at A at no known stage; k: the open stay covering A is at k)
# to ``value`` ("won" / "lost": closed so by B; "0": open at B at no known stage; "k": the open stay covering B is at k).
# The query's raw close time, not :data:`CLOSED`: for a deal created by B both read the same
_LIVE = ("(created_at IS NULL OR created_at <= $v_until) AND (status = 'open' OR closed_at > $v_since "
         "OR (closed_at IS NOT NULL AND created_at > $v_since))")
_STARTED = "(created_at IS NULL OR created_at <= $v_since)"


def _moved(stays: str, sel, params: dict[str, Any]) -> str:
    """The condition of one movement (see ``_LIVE``): the deals the waterfall's table counts in that row."""
    if sel.since is None or sel.value is None:
        raise FunnelError("metrics.unknown_drill_kind", kind=str(sel.kind))
    params["v_since"] = sel.since

    def at(param: str, position: int, name: str) -> str:
        covering = f"SELECT c.row_no, c.position FROM ({_covering(stays, param)}) AS c"
        if position == 0:  # NOT EXISTS, not NOT IN (a nested loop on Spark, see _snapshot_bar)
            return f"NOT EXISTS (SELECT 1 FROM ({covering}) AS k WHERE k.row_no = s.row_no)"
        params[name] = position
        return f"row_no IN (SELECT k.row_no FROM ({covering}) AS k WHERE k.position = ${name})"

    if sel.position is None:
        source = f"NOT {_STARTED}"
    else:
        source = f"{_STARTED} AND {at('v_since', int(sel.position), 'v_from')}"
    if sel.value not in ("won", "lost") and not str(sel.value).isdigit():
        raise FunnelError("metrics.unknown_drill_kind", kind=str(sel.kind))
    if sel.value in ("won", "lost"):
        target = f"status = '{sel.value}' AND closed_at <= $v_until"
    else:
        target = f"(status = 'open' OR closed_at > $v_until) AND {at('v_until', int(sel.value), 'v_to')}"
    return f"{_LIVE} AND {source} AND {target}"


# "snapshot_bar": a bar of the comparison with the previous snapshot (funnel/velocity/snapshots.py, whose rules these
# are, deal by deal over this dataset's deals): ``value`` the bar, ``previous`` the earlier dataset, ``since`` its
# date (its latest timestamp; None: no deal of it closed before it). A deal «removed» is in no list: it is not in
# this dataset, so «start» lists the deals open then that are still here (the page says how many are not).
_SNAPSHOT_BARS = ("start", "new", "won", "lost", "end", "forward", "back")


def _snapshot_bar(info: DatasetInfo, sel, where: str) -> tuple[str, dict[str, Any]]:
    if sel.previous is None or sel.value not in _SNAPSHOT_BARS:
        raise FunnelError("metrics.unknown_drill_kind", kind=str(sel.kind))
    prev = ident(f"ds_{int(sel.previous)}", "deals")
    # ``where``'s unqualified columns name the previous snapshot's deals inside these subqueries (the innermost
    # scope): the page's filters narrow them as snapshot_compare.sql narrows its side ``a``
    # EXISTS, not IN: ``NOT (x IN (subquery))`` is a null-aware anti join that Spark runs as a nested loop (a
    # 40,000-visitor dataset's «new» bar ran for minutes); NOT EXISTS on the deal id is an anti join everywhere
    in_a = render("EXISTS (SELECT 1 FROM {prev} AS pa WHERE pa.deal_id = s.deal_id AND ({where}))",
                  prev=prev, where=where)
    was_open = render("EXISTS (SELECT 1 FROM {prev} AS pa WHERE pa.deal_id = s.deal_id AND ({where}) "
                      "AND pa.status = 'open')", prev=prev, where=where)
    params: dict[str, Any] = {}
    if sel.since is None:
        closed_before = "FALSE"
    else:
        closed_before = "(closed_at IS NOT NULL AND closed_at <= $v_prev_at)"
        params["v_prev_at"] = sel.since
    counted = f"({was_open} OR status = 'open' OR (NOT {in_a} AND NOT {closed_before}))"
    if sel.value == "start":
        return was_open, {}
    if sel.value == "new":
        return f"NOT {was_open} AND (status = 'open' OR (NOT {in_a} AND NOT {closed_before}))", params
    if sel.value == "end":
        return "status = 'open'", {}
    if sel.value in ("won", "lost"):
        return f"status = '{sel.value}' AND {counted}", params
    moved = render("deal_id IN (SELECT pa.deal_id FROM (SELECT p0.deal_id, p0.stage FROM {prev} AS p0 "
                   "WHERE ({where}) AND p0.status = 'open') AS pa "
                   "JOIN {stages} AS sa ON sa.pipeline = $p_pipeline AND sa.kind = 'open' AND sa.stage = pa.stage "
                   "JOIN {deals} AS pb ON pb.deal_id = pa.deal_id WHERE pb.stage_pos {op} sa.position)",
                   prev=prev, stages=info.tables["stages"], deals=info.tables["deals"], where=where,
                   op=">" if sel.value == "forward" else "<")
    return f"status = 'open' AND {moved}", {}


def _open_at(param: str) -> str:
    # a deal without a creation date was created before any date (pipeline_snapshot.sql)
    return (f"((created_at IS NULL OR created_at <= ${param}) AND (status = 'open' OR "
            f"(closed_at IS NOT NULL AND {CLOSED} > ${param})))")


def _covering(stays: str, param: str, alias: str = "c") -> str:
    return (f"SELECT {alias}.row_no, {alias}.position, {alias}.entered_at FROM {stays} AS {alias} "
            f"WHERE {alias}.kind = 'open' AND {alias}.entered_at <= ${param} "
            f"AND ({alias}.left_at IS NULL OR {alias}.left_at > ${param})")


def _no_history(stays: str) -> str:
    """The drill query's deal ``s`` has no stay: no stage history (the snapshot counts it at its current stage)."""
    return render("NOT EXISTS (SELECT 1 FROM {stays} AS h WHERE h.row_no = s.row_no)", stays=stays)


def velocity_condition(info: DatasetInfo, sel, where: str = "pipeline = $p_pipeline") -> tuple[str, dict[str, Any]]:
    """SQL condition over the drill query's columns (deals columns) and its parameters; ``where``: the page's
    filters (the spec's WHERE), which a snapshot bar applies to the previous snapshot's deals as its count does."""
    if sel.kind == "snapshot_bar":
        return _snapshot_bar(info, sel, where)
    if sel.until is None:
        raise FunnelError("metrics.unknown_drill_kind", kind=str(sel.kind))
    stays = stays_sql(info)
    params: dict[str, Any] = {"v_until": sel.until}
    if sel.kind == "open_at":
        return _open_at("v_until"), params
    if sel.kind == "in_stage":
        if sel.position is None:
            raise FunnelError("metrics.drill_needs_stage", kind=sel.kind)
        params["v_pos"] = int(sel.position)
        old = ""
        if sel.min_days is not None:
            params["v_secs"] = float(sel.min_days) * 86_400
            old = " AND EXTRACT(EPOCH FROM CAST($v_until AS TIMESTAMP)) - EXTRACT(EPOCH FROM c.entered_at) > $v_secs"
        covering = f"row_no IN (SELECT row_no FROM ({_covering(stays, 'v_until')}) AS c WHERE position = $v_pos{old})"
        if sel.min_days is None:  # the snapshot counts a deal without history at its current stage
            covering = f"({covering} OR (stage_pos = $v_pos AND {_no_history(stays)}))"
        return f"{_open_at('v_until')} AND {covering}", params
    if sel.kind in ("off_order_at", "unknown_at"):  # the snapshot's rows apart from the steps (pipeline.py)
        no_history = _no_history(stays)
        off_order = render(OFF_ORDER, stages=info.tables["stages"])
        if sel.kind == "off_order_at":
            if sel.value is None:
                raise FunnelError("metrics.drill_needs_stage", kind=sel.kind)
            params["v_stage"] = sel.value
            return f"{_open_at('v_until')} AND {off_order} AND stage = $v_stage AND {no_history}", params
        at_a_step = (f"stage_pos IN (SELECT st.position FROM {info.tables['stages']} AS st "
                     "WHERE st.kind = 'open' AND st.pipeline = s.pipeline)")
        return (f"{_open_at('v_until')} AND ((NOT {no_history} AND row_no NOT IN "
                f"(SELECT c.row_no FROM ({_covering(stays, 'v_until')}) AS c)) OR "
                f"({no_history} AND NOT {off_order} AND NOT COALESCE({at_a_step}, FALSE)))"), params
    if sel.kind == "unweighted_at":  # the forecast's deals at the positions ``values`` (0: none): open_book's rule
        positions = [int(v) for v in sel.values or ()]
        params.update({f"v_p{i}": p for i, p in enumerate(positions)})
        listed = ", ".join(f"$v_p{i}" for i in range(len(positions))) or "NULL"
        covering = f"SELECT c.row_no, c.position FROM ({_covering(stays, 'v_until')}) AS c"
        return (f"{_open_at('v_until')} AND (row_no IN (SELECT row_no FROM ({covering}) AS k WHERE position IN ({listed})) "
                f"OR (row_no NOT IN (SELECT row_no FROM ({covering}) AS k) AND COALESCE(stage_pos, 0) IN ({listed})))"), params
    if sel.kind == "stayed":
        if sel.position is None:
            raise FunnelError("metrics.drill_needs_stage", kind=sel.kind)
        params["v_pos"] = int(sel.position)
        return (f"row_no IN (SELECT st.row_no FROM {stays} AS st WHERE st.kind = 'open' AND st.position = $v_pos "
                f"AND st.left_at <= $v_until)"), params
    if sel.kind == "in_stage_week":
        if sel.position is None or sel.since is None:
            raise FunnelError("metrics.drill_needs_stage", kind=sel.kind)
        params.update(v_pos=int(sel.position), v_week=sel.since)
        return render(_IN_WEEK, stays=stays), params
    since = "" if sel.since is None else " AND {col} > $v_since"
    if sel.since is not None:
        params["v_since"] = sel.since
    if sel.kind == "created_between":
        return "created_at <= $v_until" + since.format(col="created_at"), params
    if sel.kind in ("won_between", "lost_between"):
        status = sel.kind.split("_")[0]
        return f"status = '{status}' AND {CLOSED} <= $v_until" + since.format(col=CLOSED), params
    if sel.kind in ("moved_forward", "moved_back"):
        if sel.since is None:
            raise FunnelError("metrics.unknown_drill_kind", kind=str(sel.kind))
        op = ">" if sel.kind == "moved_forward" else "<"
        moved = (f"row_no IN (SELECT a.row_no FROM ({_covering(stays, 'v_since', 'a')}) AS a "
                 f"JOIN ({_covering(stays, 'v_until', 'b')}) AS b ON b.row_no = a.row_no "
                 f"WHERE b.position {op} a.position)")
        return f"{_open_at('v_since')} AND {_open_at('v_until')} AND {moved}", params
    if sel.kind == "moved":
        return _moved(stays, sel, params), params
    raise FunnelError("metrics.unknown_drill_kind", kind=str(sel.kind))
