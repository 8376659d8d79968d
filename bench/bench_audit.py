"""Audit benchmark: ``diagnose`` (every finding code) at 1M deals (+ ~4.4M stage events).

The dataset is the generated CRM export of bench_import, imported once into a store under
bench/out/ (shared with bench_metrics). Baseline in the same run: the same counting in plain pandas
on the deals and events tables already loaded in memory (loading them is not timed): the stage
tallies overall and per manager, source, amount band and period, won-deal money, time in stage
(next entry per deal), the open deals' age and stuck counts, lost deals per stage / manager /
reason. The engine and pandas runs alternate. Usage: ``python -m bench.bench_audit [--deals N] [--repeat K]
[--parts]``; ``--parts`` first times every query ``diagnose`` runs (named by its .sql file's first
comment line, summed per name), to see which finding's query costs what.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np
import pandas as pd

from bench.bench_metrics import store_with
from bench.common import timed_pair
from funnel.audit.diagnose import diagnose, diagnose_json
from funnel.spec import FunnelSpec


def pandas_audit(deals: pd.DataFrame, events: pd.DataFrame, as_of: pd.Timestamp) -> dict:
    pos = deals["furthest_pos"].fillna(1).clip(lower=1)
    d = deals.assign(pos=pos)
    out = {"overall": d.groupby(["pos", "status"]).size()}
    for column in ("manager", "source"):
        out[column] = d.groupby([column, "pos", "status"]).size()
    bands = pd.qcut(d["amount"].where(d["amount"] > 0), 4, labels=False)
    out["band"] = d.assign(band=bands).groupby(["band", "pos", "status"]).size()
    recent = d["created_at"] >= as_of - pd.Timedelta(days=90)
    previous = (d["created_at"] >= as_of - pd.Timedelta(days=180)) & ~recent
    period = np.where(recent, "recent", np.where(previous, "previous", None))
    out["period"] = d.assign(period=period).groupby(["period", "source", "pos", "status"]).size()
    won = d[d["status"] == "won"]
    out["money"] = won.groupby("manager")["amount"].agg(["sum", "mean", "median"])
    out["cycle"] = won["cycle_days"].quantile([0.5, 0.9])
    e = events.sort_values(["deal_id", "entered_at"])
    left = e.groupby("deal_id")["entered_at"].shift(-1)
    days = (left - e["entered_at"]).dt.total_seconds() / 86400
    durations = pd.DataFrame({"position": e["position"], "days": days}).dropna()
    p90 = durations.groupby("position")["days"].quantile(0.9)
    out["p50"] = durations.groupby("position")["days"].quantile(0.5)
    last = e[left.isna()][["deal_id", "entered_at"]]
    open_deals = d[d["status"] == "open"][["deal_id", "stage_pos", "amount"]].merge(last, on="deal_id")
    age = (as_of - open_deals["entered_at"]).dt.total_seconds() / 86400
    out["stuck"] = (age > open_deals["stage_pos"].map(p90)).groupby(open_deals["stage_pos"]).sum()
    lost = d[d["status"] == "lost"]
    out["lost"] = lost.groupby(["pos", "manager", "lost_reason"], dropna=False).size()
    return out


class TimedConnection:
    """A connection whose ``execute`` adds its time to ``totals`` under the query's name (the first
    ``-- name:`` comment of its .sql file, else the statement's first words)."""

    def __init__(self, con, totals: dict[str, float]):
        self._con, self._totals = con, totals

    def execute(self, sql_text: str, *args):
        first = sql_text.lstrip().split("\n", 1)[0]
        name = first[3:].split(":", 1)[0] if first.startswith("--") else " ".join(first.split()[:4])[:60]
        start = time.perf_counter()
        try:
            return self._con.execute(sql_text, *args)
        finally:
            self._totals[name] += time.perf_counter() - start

    def __getattr__(self, name):
        return getattr(self._con, name)


def parts(store, info) -> None:
    totals: dict[str, float] = defaultdict(float)
    with store.connect() as con:
        start, cpu = time.perf_counter(), time.process_time()
        diagnose(TimedConnection(con, totals), info, FunnelSpec())
        total, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"diagnose: {total:.3f} s wall ({cpu:.3f} s CPU of this process, all threads), "
          f"of which SQL {sum(totals.values()):.3f} s")
    for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds:7.3f} s  {name}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--parts", action="store_true", help="time each query of diagnose first")
    args = parser.parse_args()
    store, info = store_with(args.deals)
    if args.parts:
        parts(store, info)
    with store.connect() as con:
        deals = con.sql(f"SELECT * FROM ds_{info.id}.deals").df()
        events = con.sql(f"SELECT * FROM ds_{info.id}.events").df()
        doc = diagnose_json(diagnose(con, info, FunnelSpec()), info)
    as_of = max(deals["created_at"].max(), deals["closed_at"].max(), events["entered_at"].max())

    def engine():
        with store.connect() as con:
            return diagnose(con, info, FunnelSpec())

    if args.repeat < 1:
        return
    eng, pdt = timed_pair(engine, lambda: pandas_audit(deals, events, as_of), args.repeat)
    print(f"deals {args.deals:,}; findings {len(doc['findings'])}; runs {args.repeat} each, alternating")
    print(f"diagnose (engine)          median {eng:.3f} s")
    print(f"same counting in pandas    median {pdt:.3f} s   ratio {pdt / eng:.2f}x")


if __name__ == "__main__":
    main()
