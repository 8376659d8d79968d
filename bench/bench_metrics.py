"""Query benchmark: everything behind the Overview and Funnel pages at 1M deals (+ ~4M stage events).

The dataset is the generated CRM export of bench_import, imported once into a store under
bench/out/. Each engine function is timed on a fresh connection (as a page run opens one), over
the whole dataset. Baseline in the same run: the same computations in plain pandas on the deals
table already loaded in memory (loading it is not timed — pandas gets the benefit of the doubt).
Engine and pandas runs alternate, so both see the same moments of machine load.
Usage: ``python -m bench.bench_metrics [--deals N] [--repeat K]``.
"""

from __future__ import annotations

import argparse
from datetime import date

import pandas as pd

from bench.common import OUT, generate_crm_files, timed_pair
from funnel.importer import import_file
from funnel.metrics import (
    Selection,
    cohorts,
    deals_behind,
    metrics_json,
    outcomes_by_group,
    overview,
    stage_funnel,
)
from funnel.spec import FunnelSpec
from funnel.store import Store


def store_with(n_deals: int):
    path = OUT / f"store_{n_deals}" / "funnel.duckdb"
    store = Store(path)
    if not store.datasets():
        deals, history = generate_crm_files(n_deals, OUT)
        import_file(store, deals, deals.name, history=history, history_name=history.name)
    return store, store.info(store.datasets()[0]["id"])


def engine_cases(store, info):
    all_time = FunnelSpec()
    year = FunnelSpec(date_from=date(2025, 1, 1), date_to=date(2025, 6, 30))
    by_source = FunnelSpec(filters={"source": ["google", "email"]})

    def on(fn):
        def call():
            with store.connect() as con:
                return fn(con)
        return call

    return {
        "overview: KPIs + funnel + previous period + drop-offs (period)": on(lambda c: overview(c, info, year)),
        "overview: all time": on(lambda c: overview(c, info, all_time)),
        "funnel: stage table, filtered by 2 sources": on(lambda c: stage_funnel(c, info, by_source)),
        "funnel: outcomes by manager": on(lambda c: outcomes_by_group(c, info, all_time, "manager")),
        "funnel: cohorts by month": on(lambda c: cohorts(c, info, all_time, "month")),
        "drill: deals that reached stage 3 (first 10,000 rows + total)": on(
            lambda c: deals_behind(c, info, all_time, Selection(kind="reached", position=3))),
        "CLI metrics --json": on(lambda c: metrics_json(c, info, all_time)),
    }


def pandas_cases(df: pd.DataFrame, n_stages: int):
    def funnel(d):
        reached = [(d["furthest_pos"] >= k).sum() for k in range(1, n_stages + 1)]
        lost_here = d[d["status"] == "lost"].groupby("furthest_pos").size()
        open_here = d[d["status"] == "open"].groupby("furthest_pos").size()
        return reached, lost_here, open_here

    def kpis(d):
        won = d[d["status"] == "won"]
        counts = d["status"].value_counts()
        return (counts, won["amount"].sum(), won["amount"].mean(), won["amount"].median(),
                won["cycle_days"].median(), won["cycle_days"].quantile(0.9))

    def period(d, start, end):
        created = d["created_at"]
        return d[(created >= start) & (created < end)]

    def overview_pd():
        cur = period(df, pd.Timestamp("2025-01-01"), pd.Timestamp("2025-07-01"))
        prev = period(df, pd.Timestamp("2024-07-02"), pd.Timestamp("2025-01-01"))
        return funnel(cur), kpis(cur), kpis(prev)

    def cohorts_pd():
        month = df["created_at"].dt.to_period("M")
        return df.groupby([month, "furthest_pos"]).size(), df.groupby([month, "status"]).size()

    return {
        "overview: KPIs + funnel + previous period + drop-offs (period)": overview_pd,
        "overview: all time": lambda: (funnel(df), kpis(df)),
        "funnel: stage table, filtered by 2 sources": lambda: funnel(df[df["source"].isin(["google", "email"])]),
        "funnel: outcomes by manager": lambda: [(m, kpis(g), funnel(g)) for m, g in df.groupby("manager")],
        "funnel: cohorts by month": cohorts_pd,
        "drill: deals that reached stage 3 (first 10,000 rows + total)": lambda: (
            (df["furthest_pos"] >= 3).sum(), df[df["furthest_pos"] >= 3].head(10_000)),
        "CLI metrics --json": lambda: (funnel(df), kpis(df)),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--deals", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=9)
    args = ap.parse_args()
    store, info = store_with(args.deals)
    with store.connect() as con:
        df = con.execute(f"SELECT * FROM ds_{info.id}.deals").df()
        n_stages = con.execute(f"SELECT max(position) FROM ds_{info.id}.stages").fetchone()[0]
    print(f"dataset: {len(df):,} deals, {len(info.pipelines)} pipeline(s), {n_stages} funnel stages")
    engine, base = engine_cases(store, info), pandas_cases(df, n_stages)
    total_engine = total_pandas = 0.0
    print(f"{'computation':<64} {'engine s':>9} {'pandas s':>9} {'ratio':>7}")
    for name, fn in engine.items():
        fn()  # warm the OS file cache; every timed run still opens its own connection
        e, p = timed_pair(fn, base[name], args.repeat)
        total_engine += e if name.startswith("overview: KPIs") else 0
        total_pandas += p if name.startswith("overview: KPIs") else 0
        print(f"{name:<64} {e:>9.3f} {p:>9.3f} {p / e:>6.1f}x")
    print(f"behind the Overview page (period view): engine {total_engine:.3f} s, pandas {total_pandas:.3f} s")


if __name__ == "__main__":
    main()
