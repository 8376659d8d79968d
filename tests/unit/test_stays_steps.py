"""The import builds the stays step by step from velocity_stays.sql; the query-time fallback runs
the same file as one query. Both give the stays worked out by hand below."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from funnel.importer import import_file
from funnel.sql import load
from funnel.velocity.stays import stays_sql, stays_steps

DEALS = ("Deal ID,Stage,Status,Created,Closed,Amount\n"
         "D1,Won,won,2024-01-01,2024-01-20,100\n"
         "D2,Qualified,open,2024-01-02,,200\n"
         "D3,Lead,lost,2024-01-03,2024-01-06,300\n")
HISTORY = ("deal_id,stage,entered_at\n"
           "D1,Lead,2024-01-01 00:00:00\n"
           "D1,Qualified,2024-01-03 00:00:00\n"
           "D1,Lead,2024-01-04 00:00:00\n"          # back: a second visit of Lead
           "D1,Proposal,2024-01-10 00:00:00\n"
           "D1,Won,2024-01-20 00:00:00\n"
           "D2,Lead,2024-01-02 00:00:00\n"
           "D2,Qualified,2024-01-05 00:00:00\n"     # open: this stay runs
           "D3,Lead,2024-01-03 00:00:00\n")         # lost 2024-01-06: its last stay ends at the close
STAGES = ["Lead", "Qualified", "Proposal", "Won"]
FAR = dt.datetime(9999, 12, 31)


def _day(d: int) -> dt.datetime:
    return dt.datetime(2024, 1, d)


# (deal, stage, entered, left, next position, stay_days, first_visit, deal_first): a stay ends at
# the next entry, the last one of a closed deal at its close, an open deal's last one never
EXPECTED = {
    ("D1", "Lead", _day(1), _day(3), 2, 2.0, True, True),
    ("D1", "Qualified", _day(3), _day(4), 1, 1.0, True, False),
    ("D1", "Lead", _day(4), _day(10), 3, 6.0, False, False),
    ("D1", "Proposal", _day(10), _day(20), 4, 10.0, True, False),
    ("D1", "Won", _day(20), _day(20), None, 0.0, True, False),
    ("D2", "Lead", _day(2), _day(5), 2, 3.0, True, True),
    ("D2", "Qualified", _day(5), None, None, None, True, False),
    ("D3", "Lead", _day(3), _day(6), None, 3.0, True, True),
}
# stage_durations: the finished stays of each open stage. Lead: 2 (D1), 3 (D2), 3 (D3), 6 (D1) days;
# percentile_cont (R's type 7, h = (n - 1) p + 1 between the floor(h)-th value and the next):
# p10 h = 1.3 -> 2 + 0.3 x 1 = 2.3; p25 h = 1.75 -> 2.75; p50 h = 2.5 -> 3; p75 h = 3.25 ->
# 3 + 0.25 x 3 = 3.75; p90 h = 3.7 -> 3 + 0.7 x 3 = 5.1; mean 14 / 4 = 3.5. Qualified: D1's one day
# (D2's stay runs); Proposal: D1's ten days; Won is no open stage: none.
DURATIONS = [
    (1, 4, 2.3, 2.75, 3.0, 3.75, 5.1, 3.5, 14.0),
    (2, 1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0),
    (3, 1, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0),
]


def _rows(con, from_item: str, deals: str) -> list[tuple]:
    return con.execute(f"SELECT d.deal_id, s.stage, s.entered_at, s.left_at, s.next_position, s.stay_days, "
                       f"s.first_visit, s.deal_first, s.until_at FROM {from_item} AS s "
                       f"JOIN {deals} AS d ON d.row_no = s.row_no").fetchall()


def test_steps_are_the_files_own_with_items():
    steps = stays_steps()
    assert [name for name, _ in steps] == ["stays_moves", "stays_facts", None]
    text = load("velocity_stays")
    (_, moves), (_, facts), (_, final) = steps
    # each step is the body of the file's WITH item of its name, verbatim: one text of the logic
    for name, body in steps[:2]:
        assert f"{name} AS (\n    -- begin step: {name}\n{body}    -- end step: {name}\n)" in text
    assert text.endswith(final) and final.startswith("SELECT")
    assert "{stays_moves}" in facts and "{stays_facts}" in final
    assert "{stays_moves}" not in final and "{stays_" not in moves


def test_stored_stays_match_the_hand_computed_ones_and_the_one_query(file_store):
    info, _built, _draft = import_file(file_store, DEALS.encode(), "deals.csv", history=HISTORY.encode(),
                                       history_name="history.csv", stages=STAGES)
    assert stays_sql(info).endswith('"stays"')  # the stored table, built by the steps
    fallback = dataclasses.replace(info, meta={**info.meta, "stays_table": None})  # the one query
    with file_store.connect() as con:
        stored = _rows(con, stays_sql(info), info.tables["deals"])
        derived = _rows(con, stays_sql(fallback), info.tables["deals"])
        order = con.execute(f"SELECT deal_first, until_at FROM {stays_sql(info)}").fetchall()
        durations = con.execute(f"SELECT position, n, p10_days, p25_days, median_days, p75_days, p90_days, "
                                f"mean_days, sum_days FROM ds_{info.id}.stage_durations "
                                f"WHERE pipeline = '' ORDER BY position").fetchall()
    assert sorted(stored, key=repr) == sorted(derived, key=repr)
    assert {r[:8] for r in stored} == EXPECTED and len(stored) == len(EXPECTED)
    assert all(r[8] == (r[3] or FAR) for r in stored)  # until_at: the end, or the far future while running
    assert order == sorted(order)  # stored by (deal_first, until_at): zone maps prune "covers T"
    assert [(r[0], r[1]) for r in durations] == [(d[0], d[1]) for d in DURATIONS]
    for row, hand in zip(durations, DURATIONS, strict=True):
        assert row[2:] == pytest.approx(hand[2:], abs=1e-12)


# first_visit when a deal skips ahead and comes back: E1 goes Lead -> Proposal -> Qualified (below
# the highest stage so far, yet its first time there) -> Lead -> Proposal -> Qualified (each again);
# E2 starts in Proposal, then enters Lead twice at one instant (Qualified between them in the file,
# so neither is a repeat the import collapses): one of the two is the first visit, not both, not neither.
MOVES_DEALS = ("Deal ID,Stage,Status,Created\n"
               "E1,Qualified,open,2024-01-01\n"
               "E2,Qualified,open,2024-01-01\n")
MOVES_HISTORY = ("deal_id,stage,entered_at\n"
                 "E1,Lead,2024-01-01 00:00:00\n"
                 "E1,Proposal,2024-01-02 00:00:00\n"
                 "E1,Qualified,2024-01-03 00:00:00\n"
                 "E1,Lead,2024-01-04 00:00:00\n"
                 "E1,Proposal,2024-01-05 00:00:00\n"
                 "E1,Qualified,2024-01-06 00:00:00\n"
                 "E2,Proposal,2024-01-01 00:00:00\n"
                 "E2,Lead,2024-01-02 00:00:00\n"
                 "E2,Qualified,2024-01-02 00:00:00\n"
                 "E2,Lead,2024-01-02 00:00:00\n")
# (deal, stage, entered, first_visit), E1's by hand from the moves above
E1_VISITS = [("Lead", _day(1), True), ("Proposal", _day(2), True), ("Qualified", _day(3), True),
             ("Lead", _day(4), False), ("Proposal", _day(5), False), ("Qualified", _day(6), False)]


def test_first_visits_after_a_skip_and_a_return_and_at_one_instant(file_store):
    info, _built, _draft = import_file(file_store, MOVES_DEALS.encode(), "deals.csv",
                                       history=MOVES_HISTORY.encode(), history_name="history.csv", stages=STAGES)
    fallback = dataclasses.replace(info, meta={**info.meta, "stays_table": None})
    with file_store.connect() as con:
        stored = _rows(con, stays_sql(info), info.tables["deals"])
        derived = _rows(con, stays_sql(fallback), info.tables["deals"])
    assert sorted(stored, key=repr) == sorted(derived, key=repr)
    e1 = sorted(((r[1], r[2], r[6]) for r in stored if r[0] == "E1"), key=lambda r: r[1])
    assert e1 == E1_VISITS
    e2 = [(r[1], r[2], r[6]) for r in stored if r[0] == "E2"]
    # E2's stays: Proposal on the 1st, Lead twice and Qualified on the 2nd
    assert sorted((stage, entered) for stage, entered, _ in e2) == [
        ("Lead", _day(2)), ("Lead", _day(2)), ("Proposal", _day(1)), ("Qualified", _day(2))]
    assert sorted(first for stage, _, first in e2 if stage == "Lead") == [False, True]
    assert [first for stage, _, first in e2 if stage != "Lead"] == [True, True]
