"""Numbers of the bundled B2B sample worked out straight from its CSV files with pandas (never from
the engine): a deal's furthest stage is the furthest of its history and its current stage; the last
stage of the manifest's order is the sale."""

from __future__ import annotations

import pandas as pd

from funnel.sample_datasets import SAMPLE_DIR, manifest


def b2b_furthest() -> pd.Series:
    entry = manifest()[0]
    order = {s: i for i, s in enumerate(entry["stages"], start=1)}
    deals = pd.read_csv(SAMPLE_DIR / entry["file"], dtype=str).drop_duplicates("ID")
    hist = pd.read_csv(SAMPLE_DIR / entry["history"], dtype=str)
    pos_hist = hist.assign(p=hist["Этап"].map(order)).groupby("ID сделки")["p"].max()
    pos_now = deals.set_index("ID")["Этап сделки"].map(order)
    return pd.concat([pos_now, pos_hist.reindex(pos_now.index)], axis=1).max(axis=1).fillna(1)


def b2b_reached(position: int) -> int:
    return int((b2b_furthest() >= position).sum())
