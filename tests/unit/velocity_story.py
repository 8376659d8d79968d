"""The velocity story: nine deals with a dated stage history, every number worked out by hand in
the tests that use it (tests/unit/test_velocity_*.py)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from funnel.metrics.fixture import make_dataset
from funnel.sql import render

STAGES = {"Sales": [("Lead", "open"), ("Qualified", "open"), ("Proposal", "open"), ("Contract", "open"),
                    ("Won", "won"), ("Lost", "lost")]}
POS = {"Lead": 1, "Qualified": 2, "Proposal": 3, "Contract": 4, "Won": 5, "Lost": None}
AS_OF = datetime(2024, 3, 1)

DEALS = [
    # A: straight through (skips Contract), won 1000 in 10 days.
    dict(deal_id="A", status="won", stage="Won", furthest_pos=5, amount=1000.0, manager="Ann",
         created_at="2024-01-01", closed_at="2024-01-11"),
    # B: Proposal -> back to Qualified -> Proposal again (a revisit of both), won 3000 in 20 days.
    dict(deal_id="B", status="won", stage="Won", furthest_pos=5, amount=3000.0, manager="Bob",
         created_at="2024-01-01", closed_at="2024-01-21"),
    # C: skips Qualified, lost at Proposal (the history records the move to Lost).
    dict(deal_id="C", status="lost", stage="Lost", furthest_pos=3, amount=400.0, manager="Ann",
         created_at="2024-01-05", closed_at="2024-01-15"),
    # D: open, stuck at Qualified since 2024-01-11 (50 days at AS_OF).
    dict(deal_id="D", status="open", stage="Qualified", stage_pos=2, furthest_pos=2, amount=500.0,
         manager="Bob", created_at="2024-01-10"),
    # E: open at Lead since 2024-02-25 (5 days at AS_OF).
    dict(deal_id="E", status="open", stage="Lead", stage_pos=1, furthest_pos=1, amount=700.0, manager="Ann",
         created_at="2024-02-25"),
    # F: open at Qualified, no history at all.
    dict(deal_id="F", status="open", stage="Qualified", stage_pos=2, furthest_pos=2, amount=900.0,
         manager="Bob", created_at="2024-02-20"),
    # G: lost at Lead; the history has no Lost row (Pipedrive style): the stay ends when it closed.
    dict(deal_id="G", status="lost", stage="Lead", furthest_pos=1, amount=600.0, manager="Ann",
         created_at="2024-02-01", closed_at="2024-02-04"),
    # I: open at Contract since 2024-02-10 (20 days at AS_OF): nobody ever left Contract.
    dict(deal_id="I", status="open", stage="Contract", stage_pos=4, furthest_pos=4, amount=2000.0,
         manager="Bob", created_at="2024-02-01"),
]

HISTORY = [
    ("A", "Lead", "2024-01-01"), ("A", "Qualified", "2024-01-03"), ("A", "Proposal", "2024-01-06"),
    ("A", "Won", "2024-01-11"),
    ("B", "Lead", "2024-01-01"), ("B", "Qualified", "2024-01-02"), ("B", "Proposal", "2024-01-04"),
    ("B", "Qualified", "2024-01-08"), ("B", "Proposal", "2024-01-09"), ("B", "Won", "2024-01-21"),
    ("C", "Lead", "2024-01-05"), ("C", "Proposal", "2024-01-07"), ("C", "Lost", "2024-01-15"),
    ("D", "Lead", "2024-01-10"), ("D", "Qualified", "2024-01-11"),
    ("E", "Lead", "2024-02-25"),
    ("G", "Lead", "2024-02-01"),
    ("I", "Lead", "2024-02-01"), ("I", "Qualified", "2024-02-02"), ("I", "Proposal", "2024-02-03"),
    ("I", "Contract", "2024-02-10"),
]


def add_events(con, info, history) -> None:
    rows = [(deal, "Sales", stage, POS[stage], datetime.fromisoformat(when)) for deal, stage, when in history]
    if rows:
        con.executemany(render("INSERT INTO {t} VALUES (?, ?, ?, ?, ?)", t=info.tables["events"]), rows)


def velocity_story(con, dataset_id: int = 1, history=HISTORY):
    # as an import with a history file records it (what the dataset's capabilities are derived from)
    mapping = {"history": {"deal_id": "Deal ID", "stage": "Stage", "entered_at": "Date"}} if history else {}
    info = make_dataset(con, stages=STAGES, deals=DEALS, dataset_id=dataset_id, meta={"mapping": mapping})
    add_events(con, info, history)
    return info


@pytest.fixture
def story():
    """(connection, DatasetInfo) of the velocity story in a fresh in-memory database."""
    con = duckdb.connect()
    info = velocity_story(con)
    yield con, info
    con.close()
