"""Velocity / pipeline / forecast benchmark at 1M deals (~4.4M stage events): engine vs plain pandas.

The dataset is bench/common.py's generated CRM export, imported once into its own store under
bench/out/ (the import derives the stays table). pandas gets the same canonical tables already in
memory — deals, and the stays the import derived (loading them is not timed) — and computes the
same numbers with groupby / boolean masks. Engine and pandas runs alternate (bench.common.timed_pair).
The Monte Carlo is the same numpy code on both sides, so the forecast compares the data work.
Usage: ``python -m bench.bench_velocity [--deals N] [--repeat K] [--only NAME_PART]``.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from bench.common import OUT, generate_crm_files, timed_pair
from funnel.importer import import_file
from funnel.metrics.context import resolve
from funnel.spec import FunnelSpec
from funnel.store import Store
from funnel.velocity.backtest import backtest
from funnel.velocity.common import add_months, latest_timestamp, month_end, month_start
from funnel.velocity.forecast import (
    Durations,
    OpenBook,
    age_adjusted,
    close_month_probabilities,
    month_bounds,
    simulate,
)
from funnel.velocity.forecast import forecast as engine_forecast
from funnel.velocity.pipeline import snapshot, waterfall
from funnel.velocity.time_in_stage import km_median, time_in_stage

DAY = 86_400.0
# the stays as the history gives them (pandas derives the per-deal facts itself from deals)
STAY_COLUMNS = "row_no, pipeline, position, kind, entered_at, left_at"


def store_with(n_deals: int):
    path = OUT / f"store_velocity_{n_deals}" / "funnel.duckdb"
    store = Store(path)
    if not store.datasets():
        deals, history = generate_crm_files(n_deals, OUT)
        import_file(store, deals, deals.name, history=history, history_name=history.name)
    return store, store.info(store.datasets()[0]["id"])


def frames(store, info):
    with store.connect() as con:
        deals = con.sql(f"SELECT * FROM {info.tables['deals']}").df()
        stays = con.sql(f"SELECT {STAY_COLUMNS} FROM ds_{info.id}.stays").df()
        stages = con.sql(f"SELECT * FROM {info.tables['stages']}").df()
    return deals, stays, stages


# -- plain pandas ------------------------------------------------------------------------------------
def pd_time_in_stage(deals, stays, as_of):
    s = stays[(stays["kind"] == "open") & (stays["entered_at"] <= as_of)].merge(
        deals[["row_no", "status"]], on="row_no")
    s = s[~(s["left_at"].isna() & (s["status"] != "open"))]
    done = s["left_at"] <= as_of
    s["stay"] = np.where(done, (s["left_at"] - s["entered_at"]).dt.total_seconds() / DAY, np.nan)
    s["open_age"] = np.where(~done, (as_of - s["entered_at"]).dt.total_seconds() / DAY, np.nan)
    q = s.groupby("position")["stay"].quantile([0.1, 0.25, 0.5, 0.75, 0.9]).unstack()
    out = s.groupby("position").agg(n=("stay", "count"), mean=("stay", "mean"), open_n=("open_age", "count"))
    out = out.join(q)
    p90 = s["position"].map(q[0.9])
    out["over"] = (s["open_age"] > p90).groupby(s["position"]).sum()
    return out


def pd_covering(stays, when):
    return stays[(stays["kind"] == "open") & (stays["entered_at"] <= when)
                 & (stays["left_at"].isna() | (stays["left_at"] > when))]


def pd_open_at(deals, when):
    closed = deals["closed_at"].where(deals["closed_at"] >= deals["created_at"], deals["created_at"])
    return deals[(deals["created_at"] <= when) & ((deals["status"] == "open") | (closed > when))]


def pd_snapshot(deals, stays, as_of):
    live = pd_open_at(deals, as_of)[["row_no", "amount", "stage_pos"]]
    cover = pd_covering(stays, as_of)[["row_no", "position"]]
    merged = live.merge(cover, on="row_no", how="left")
    has = merged["row_no"].isin(stays["row_no"].unique())
    merged["position"] = merged["position"].where(merged["position"].notna() | has, merged["stage_pos"])
    return merged.groupby("position", dropna=False).agg(n=("row_no", "size"), amount=("amount", "sum"))


def pd_waterfall(deals, stays, a, b):
    closed = deals["closed_at"].where(deals["closed_at"] >= deals["created_at"], deals["created_at"])
    d = deals.assign(closed=closed)
    d = d[(d["created_at"] <= b) & ((d["status"] == "open") | d["closed_at"].notna())]
    live = d[(d["status"] == "open") | (d["closed"] > a)]
    pa = pd_covering(stays, a)[["row_no", "position"]].rename(columns={"position": "pa"})
    pb = pd_covering(stays, b)[["row_no", "position"]].rename(columns={"position": "pb"})
    f = live.merge(pa, on="row_no", how="left").merge(pb, on="row_no", how="left")
    start = f["created_at"] <= a
    done = (f["status"] != "open") & (f["closed"] <= b)
    amount = f["amount"].fillna(0)
    out = {"start": start, "new": ~start, "won": done & (f["status"] == "won"), "lost": done & (f["status"] == "lost"),
           "end": ~done, "forward": start & ~done & (f["pb"] > f["pa"]), "back": start & ~done & (f["pb"] < f["pa"])}
    return {k: (int(m.sum()), float(amount[m].sum())) for k, m in out.items()}


def pd_book(deals, stays, when):
    """The deals open at ``when`` with their stage, age in it and later outcome (an OpenBook)."""
    live = pd_open_at(deals, when)[["row_no", "amount", "stage_pos", "created_at", "status", "closed_at"]]
    cover = pd_covering(stays, when)[["row_no", "position", "entered_at"]]
    book = live.merge(cover, on="row_no", how="left")
    return OpenBook(book["position"].fillna(book["stage_pos"].astype("float64")).fillna(0).to_numpy(int),
                    ((when - book["entered_at"].fillna(book["created_at"])).dt.total_seconds() / DAY).to_numpy(),
                    book["position"].isna().to_numpy(), book["amount"].fillna(0).to_numpy(float),
                    book["status"].to_numpy(object), book["closed_at"].to_numpy("datetime64[us]"))


def pd_remaining(deals, stays, when):
    """Per outcome and stage the closed deals' first stay there and days from entering it to closing."""
    closed = deals[deals["status"].isin(["won", "lost"]) & (deals["closed_at"] <= when)]
    first = stays[stays["kind"] == "open"].merge(closed[["row_no", "status", "closed_at"]], on="row_no",
                                                 suffixes=("_stay", ""))
    first = first.sort_values("entered_at").drop_duplicates(["row_no", "position"])  # the first stay there
    first = first[first["entered_at"] <= first["closed_at"]]
    first["days"] = (first["closed_at"] - first["entered_at"]).dt.total_seconds() / DAY
    first["stay"] = (first["left_at"] - first["entered_at"]).dt.total_seconds() / DAY
    return closed, {s: {int(p): Durations.of(g["stay"].to_numpy(), g["days"].to_numpy())
                        for p, g in part.groupby("position")} for s, part in first.groupby("status")}


def pd_forecast(deals, stays, as_of, runs=10_000, seed=42):
    ob = pd_book(deals, stays, as_of)
    closed, remaining = pd_remaining(deals, stays, as_of)
    # P(won | reached) among closed deals
    last = int(closed["furthest_pos"].max())
    reached = {k: closed["furthest_pos"].clip(upper=last) >= k for k in range(1, last + 1)}
    p_by = {k: (closed["status"][m] == "won").mean() for k, m in reached.items()}
    weighted = float((ob.amount * np.array([p_by.get(int(x), 0.0) for x in ob.position])).sum())
    p_now = age_adjusted(ob, remaining)
    q = close_month_probabilities(ob, remaining.get("won", {}), month_bounds(as_of, 6))
    sims = simulate(p_now, q, ob.amount, runs, seed)
    return weighted, np.quantile(sims[:, 0], [0.1, 0.5, 0.9])


def pd_backtest(deals, stays, as_of, months=6):
    """Each of the last ``months`` months forecast from its first day's open deals, against what they won."""
    out = []
    for k in range(months, 0, -1):
        first = add_months(month_start(as_of), -k)
        start, end = datetime.combine(first, datetime.min.time()), month_end(first)
        ob = pd_book(deals, stays, start)
        _closed, remaining = pd_remaining(deals, stays, start)
        p = age_adjusted(ob, remaining)
        q = close_month_probabilities(ob, remaining.get("won", {}), month_bounds(start, 1))[:, 0]
        won = (ob.status == "won") & (ob.closed > np.datetime64(start)) & (ob.closed <= np.datetime64(end))
        out.append((first, float((ob.amount * p * q).sum()), float(ob.amount[won].sum())))
    return out


def pd_time_in_stage_km(deals, stays, as_of):
    """pd_time_in_stage and, per stage, the Kaplan–Meier median (the same scipy call on every stay)."""
    out = pd_time_in_stage(deals, stays, as_of)
    s = stays[(stays["kind"] == "open") & (stays["entered_at"] <= as_of)].merge(deals[["row_no", "status"]], on="row_no")
    s = s[~(s["left_at"].isna() & (s["status"] != "open"))]
    ended = (s["left_at"] <= as_of).to_numpy()
    end = s["left_at"].where(ended, as_of)
    s = s.assign(days=(end - s["entered_at"]).dt.total_seconds() / DAY, ended=ended.astype(int))
    out["km"] = pd.Series({p: km_median(g["days"].to_numpy(), g["ended"].to_numpy()) for p, g in s.groupby("position")})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="", help="run only the computations whose name contains this")
    args = parser.parse_args()
    store, info = store_with(args.deals)
    deals, stays, _stages = frames(store, info)
    with store.connect() as con:
        as_of = latest_timestamp(con, info)
        pipeline = resolve(con, info, FunnelSpec()).pipeline
    deals = deals[deals["pipeline"] == pipeline]
    a, b = as_of - timedelta(days=120), as_of - timedelta(days=90)
    spec = FunnelSpec()

    def on(fn):
        def call():
            with store.connect() as con:
                return fn(con)
        return call

    cases = {
        "time in stage (percentiles, open over p90)": (
            on(lambda c: time_in_stage(c, info, spec, as_of, with_km=False)),
            lambda: pd_time_in_stage(deals, stays, as_of)),
        "pipeline as of a date (per stage)": (
            on(lambda c: snapshot(c, info, spec, a)), lambda: pd_snapshot(deals, stays, a)),
        "waterfall between two dates": (
            on(lambda c: waterfall(c, info, spec, a, b)), lambda: pd_waterfall(deals, stays, a, b)),
        "forecast (as of a past date, Monte Carlo 10,000 runs)": (
            on(lambda c: engine_forecast(c, info, spec, a, plan=1e8)), lambda: pd_forecast(deals, stays, a)),
        "back-test: 6 months' forecast vs actual": (
            on(lambda c: backtest(c, info, spec, a)), lambda: pd_backtest(deals, stays, a)),
        "time in stage with the Kaplan–Meier medians": (
            on(lambda c: time_in_stage(c, info, spec, as_of)), lambda: pd_time_in_stage_km(deals, stays, as_of)),
    }
    print(f"{args.deals:,} deals, {len(stays):,} stays; as of {as_of:%Y-%m-%d %H:%M}; medians of {args.repeat}")
    print(f"{'computation':<56} {'engine':>9} {'pandas':>9} {'ratio':>7}")
    for name, (engine, baseline) in cases.items():
        if args.only not in name:
            continue
        e, p = timed_pair(engine, baseline, args.repeat)
        print(f"{name:<56} {e:>8.3f}s {p:>8.3f}s {p / e:>6.1f}x")


if __name__ == "__main__":
    start = datetime.now()
    main()
    print(f"total {datetime.now() - start}")
