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
from ..metrics.filters import query
from ..spec import FunnelSpec
from ..sql import fetch_frame, ident, run
from .common import latest_timestamp
from .pipeline import BARS, Bar, Waterfall

LINK = "previous_snapshot"


def link_previous(store, dataset_id: int, previous_id: int) -> None:
    """Remember in the dataset's catalog row that ``previous_id`` is its earlier snapshot."""
    if int(previous_id) == int(dataset_id):
        raise FunnelError("velocity.previous_self", dataset=previous_id)
    store.info(previous_id)  # exists, or a clear error
    row = store.row(dataset_id)
    meta = {**row["meta"], LINK: int(previous_id)}
    with store.writing() as con:
        run(con, "UPDATE datasets SET meta = $m, version = version + 1 WHERE id = $id",
            {"m": json.dumps(meta, ensure_ascii=False), "id": int(dataset_id)})


def previous_of(info: DatasetInfo) -> int | None:
    value = info.meta.get(LINK)
    return int(value) if value is not None else None


def compare(con, prev: DatasetInfo, info: DatasetInfo, spec: FunnelSpec) -> Waterfall:
    """The waterfall and stage movements from snapshot ``prev`` to snapshot ``info``."""
    ctx = resolve(con, info, spec)
    a_date = latest_timestamp(con, prev)
    b_date = latest_timestamp(con, info)
    sql = query("snapshot_compare", info, prev=ident(f"ds_{int(prev.id)}", "deals"), where=ctx.where.sql)
    f = fetch_frame(con, sql, dict(ctx.where.params))
    if f.empty:
        return Waterfall(a_date, b_date, {b: Bar(0, 0.0) for b in (*BARS, "removed", "changed")}, {})
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
    return Waterfall(a_date, b_date, bars, movements)


def compare_datasets(store, info: DatasetInfo, spec: FunnelSpec, previous_id: int | None = None) -> Waterfall | None:
    """The comparison with the dataset's linked (or the given) previous snapshot; None without one."""
    previous_id = previous_id if previous_id is not None else previous_of(info)
    if previous_id is None:
        return None
    prev = store.info(previous_id)
    with store.connect() as con:
        return compare(con, prev, info, spec)
