"""Two snapshots instead of a history: most amoCRM / Bitrix24 users can only "export today". Import
today's export with ``--previous DATASET`` (or pick the previous one on the Data page); deals are
matched by id and the waterfall and stage movements come from comparing the two.

Rules (README "Two snapshots"), A = the previous snapshot (as of its latest timestamp), B = this one:
``start`` = open in A (A's amount); ``end`` = open in B; ``new`` = in B and not open in A, unless
it was already closed in A or closed in B before A's date (then it is history, not a change);
``won`` / ``lost`` = closed so in B among start + new (B's amount); ``removed`` = open in A and
missing from B (deleted, or moved out of the export); ``changed`` (amount only) = B − A of the deals
open in A and still in B; ``forward`` / ``back`` = open in both, at a later / earlier stage
(stages matched by name). Identity: start + new − won − lost − removed = end (deals), and
start + new + changed − won − lost − removed = end (amount).
"""

from __future__ import annotations

import json

import numpy as np

from ..dataset import DatasetInfo
from ..errors import FunnelError
from ..metrics.context import resolve
from ..metrics.filters import column_of, known_columns, query
from ..spec import FunnelSpec
from ..sql import fetch_frame, ident, render, run
from .common import latest_timestamp
from .pipeline import BARS, Bar, Waterfall

LINK = "previous_snapshot"
# the earlier snapshot's data when linked (its file's hash): a refresh of the earlier dataset replaces
# its data (meta "refreshed" {at, hash}, dataset_edit.refresh), and the link then says so
LINK_HASH = "previous_snapshot_hash"
LINK_KEYS = (LINK, LINK_HASH)
FEW_COMMON = 0.05  # under this share of the smaller snapshot's deals matched by id: "is it the same CRM?"


def link_previous(store, dataset_id: int, previous_id: int) -> None:
    """Remember in the dataset's catalog row that ``previous_id`` is its earlier snapshot, and which
    data of it (its file's hash)."""
    if int(previous_id) == int(dataset_id):
        raise FunnelError("velocity.previous_self", dataset=previous_id)
    store.info(previous_id)  # exists, or a clear error
    prev_row = store.row(previous_id)
    row = store.row(dataset_id)
    meta = {**row["meta"], LINK: int(previous_id), LINK_HASH: _data_hash(prev_row["meta"], prev_row["source_hash"])}
    with store.writing() as con:
        run(con, "UPDATE datasets SET meta = $m, version = version + 1 WHERE id = $id",
            {"m": json.dumps(meta, ensure_ascii=False), "id": int(dataset_id)})


def _data_hash(meta: dict, source_hash: str | None) -> str | None:
    """The hash of the file a dataset's data now comes from: its last refresh's, else its import's."""
    return (meta.get("refreshed") or {}).get("hash") or source_hash


def previous_of(info: DatasetInfo) -> int | None:
    value = info.meta.get(LINK)
    return int(value) if value is not None else None


def check_link(prev: DatasetInfo, info: DatasetInfo) -> None:
    """Refuse a linked comparison whose earlier snapshot was replaced by a refresh after the link was
    made: it would compare this snapshot with another week's data."""
    linked = info.meta.get(LINK_HASH)
    refreshed = prev.meta.get("refreshed") or {}
    if previous_of(info) == int(prev.id) and linked and refreshed.get("hash") and refreshed["hash"] != linked:
        raise FunnelError("velocity.previous_replaced", dataset=prev.id, name=prev.name,
                          date=str(refreshed.get("at", ""))[:10], later=info.id)


def compare(con, prev: DatasetInfo, info: DatasetInfo, spec: FunnelSpec) -> Waterfall:
    """The waterfall and stage movements from snapshot ``prev`` to snapshot ``info``. Refused when the
    linked earlier snapshot was replaced by a refresh, or is not earlier than this one; ``notes`` say
    when almost no deal id is in both, or the earlier one has no deal in this pipeline."""
    check_link(prev, info)
    a_date = latest_timestamp(con, prev)
    b_date = latest_timestamp(con, info)
    if a_date is not None and b_date is not None and a_date >= b_date:
        raise FunnelError("velocity.previous_not_earlier", dataset=prev.id, name=prev.name, date_from=str(a_date),
                          date_to=str(b_date), later=info.id)
    _check_filters(prev, info, spec)
    ctx = resolve(con, info, spec)
    return _waterfall(con, prev, info, ctx, a_date, b_date, _notes(con, prev, info, ctx))


def _check_filters(prev: DatasetInfo, info: DatasetInfo, spec: FunnelSpec) -> None:
    """The page's filters narrow both snapshots (snapshot_compare.sql): refuse, naming the column, a filter on a
    column the earlier snapshot stores under another name or not at all, rather than compare a filtered snapshot
    with a whole one (every deal of the others then «removed»)."""
    for column, _values in spec.filters:
        here = column_of(info, column)
        if here not in known_columns(prev) or column_of(prev, column) != here:
            header = info.mapped_headers.get(here) or info.extra_columns.get(here) or column
            raise FunnelError("velocity.previous_lacks_filter", column=str(header), dataset=prev.id, name=prev.name)


def waterfall(con, prev: DatasetInfo, info: DatasetInfo, spec: FunnelSpec) -> Waterfall:
    """The movements from ``prev`` to ``info`` as the comparison's query gives them, with no check of
    which snapshot is earlier (:func:`compare` checks; the engines' conformance runs the query on a
    dataset against itself)."""
    return _waterfall(con, prev, info, resolve(con, info, spec), latest_timestamp(con, prev),
                      latest_timestamp(con, info), [])


def _waterfall(con, prev: DatasetInfo, info: DatasetInfo, ctx, a_date, b_date, notes: list) -> Waterfall:
    sql = query("snapshot_compare", info, prev=ident(f"ds_{int(prev.id)}", "deals"), where=ctx.where.sql)
    f = fetch_frame(con, sql, dict(ctx.where.params))
    if f.empty:
        return Waterfall(a_date, b_date, {b: Bar(0, 0.0) for b in (*BARS, "removed", "changed")}, {}, notes=notes)
    was_open = f["was_open"].to_numpy(bool)
    in_a, in_b = f["in_a"].to_numpy(bool), f["in_b"].to_numpy(bool)
    status = f["status_b"].fillna("").to_numpy(object)
    closed = f["closed_at"].to_numpy("datetime64[us]")
    closed_before_a = ~np.isnat(closed) & (closed <= np.datetime64(a_date)) if a_date else np.zeros(len(f), bool)
    new = ~was_open & in_b & ((status == "open") | (~in_a & ~closed_before_a))
    counted = was_open | new
    groups = {
        "start": was_open, "new": new, "end": in_b & (status == "open"),
        "won": in_b & counted & (status == "won"), "lost": in_b & counted & (status == "lost"),
        "removed": was_open & ~in_b,
    }
    from_pos = f["from_pos"].to_numpy(float)
    to_pos = f["to_pos"].to_numpy(float)
    both = was_open & groups["end"]
    groups["forward"] = both & (to_pos > from_pos)
    groups["back"] = both & (to_pos < from_pos)
    amount_a, amount_b = f["amount_a"].fillna(0).to_numpy(float), f["amount_b"].fillna(0).to_numpy(float)
    bars = {}
    for name, mask in groups.items():
        money = amount_a if name in ("start", "removed") else amount_b
        bars[name] = Bar(int(mask.sum()), float(money[mask].sum()))
    kept = was_open & in_b
    bars["changed"] = Bar(int((kept & (amount_b != amount_a)).sum()), float((amount_b - amount_a)[kept].sum()))
    movements: dict[tuple[int | None, str], Bar] = {}
    for i in np.nonzero(counted & in_b)[0]:
        src = None if not was_open[i] else (int(from_pos[i]) if from_pos[i] == from_pos[i] else 0)
        dst = status[i] if status[i] in ("won", "lost") else str(int(to_pos[i]) if to_pos[i] == to_pos[i] else 0)
        prev_bar = movements.get((src, dst), Bar(0, 0.0))
        movements[(src, dst)] = Bar(prev_bar.deals + 1, prev_bar.amount + float(amount_b[i]))
    return Waterfall(a_date, b_date, bars, movements, notes=notes)


def _notes(con, prev: DatasetInfo, info: DatasetInfo, ctx) -> list[tuple[str, dict]]:
    """What makes a comparison say little: (almost) no deal id in both snapshots (another CRM's export),
    or no deal of this pipeline in the earlier one (a pipeline renamed: the comparison filters the
    earlier snapshot by this one's pipeline name)."""
    pipeline = ctx.where.params.get("p_pipeline")
    a, b = ident(f"ds_{int(prev.id)}", "deals"), info.tables["deals"]
    n_a, n_b, common, in_pipeline = run(con, render(
        """SELECT (SELECT count(*) FROM {a}), (SELECT count(*) FROM {b}),
                  (SELECT count(*) FROM {b} AS pb JOIN {a} AS pa ON pa.deal_id = pb.deal_id),
                  (SELECT count(*) FROM {a} WHERE pipeline = $p)""", a=a, b=b), {"p": pipeline}).fetchall()[0]
    notes: list[tuple[str, dict]] = []
    if n_a and n_b and common < FEW_COMMON * min(n_a, n_b):
        notes.append(("velocity.snapshot_no_common" if common == 0 else "velocity.snapshot_few_common",
                      {"dataset": prev.id, "name": prev.name, "common": common, "n": n_b}))
    if n_a and pipeline is not None and not in_pipeline:
        names = [r[0] for r in run(con, render("SELECT DISTINCT pipeline FROM {a} ORDER BY 1 LIMIT 6", a=a)).fetchall()]
        notes.append(("velocity.snapshot_no_pipeline", {"dataset": prev.id, "name": prev.name, "pipeline": pipeline,
                                                        "pipelines": ", ".join(f"«{p}»" for p in names[:5])}))
    # open in both, but at a stage of the earlier one this order lacks: forward / back cannot tell its move
    unmatched = run(con, render("""SELECT pa.stage, count(*) AS n FROM {a} AS pa JOIN {b} AS pb ON pb.deal_id = pa.deal_id
                                   WHERE pa.pipeline = $p AND pa.status = 'open' AND pb.status = 'open'
                                   AND pa.stage NOT IN (SELECT stage FROM {s} WHERE pipeline = $p)
                                   GROUP BY 1 ORDER BY n DESC, 1""", a=a, b=b, s=info.tables["stages"]),
                    {"p": pipeline}).fetchall()
    if unmatched:  # a stage renamed in the CRM: its deals' moves cannot be told, said
        notes.append(("velocity.snapshot_stages_unmatched", {
            "dataset": prev.id, "name": prev.name, "n": sum(n for _s, n in unmatched),
            "stages": ", ".join(f"«{st}»" for st, _n in unmatched[:5])}))
    return notes


def compare_datasets(store, info: DatasetInfo, spec: FunnelSpec, previous_id: int | None = None) -> Waterfall | None:
    """The comparison with the dataset's linked (or the given) previous snapshot; None without one."""
    previous_id = previous_id if previous_id is not None else previous_of(info)
    if previous_id is None:
        return None
    prev = store.info(previous_id)
    with store.connect() as con:
        return compare(con, prev, info, spec)
