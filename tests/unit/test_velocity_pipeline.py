# ruff: noqa: F811  (the story fixture is imported, then named as a test argument)
"""Pipeline as of a date, weekly series and the waterfall on the velocity story (by hand), and the
waterfall identity start + new - won - lost = end (moves net to zero) on every fixture."""

from __future__ import annotations

from datetime import datetime

import duckdb

from funnel.spec import FunnelSpec
from funnel.velocity.common import parse_when
from funnel.velocity.pipeline import snapshot, waterfall, weekly
from tests.unit.velocity_story import AS_OF, story, velocity_story  # noqa: F401 (story: a fixture)


def per_stage(snap):
    return {r.stage: (r.open_deals, r.amount) for r in snap.rows}


def test_snapshot_early_in_january(story):
    con, info = story
    snap = snapshot(con, info, FunnelSpec(), parse_when("2024-01-05"))
    # end of Jan 5: A in Qualified (Jan 3 -> 6), B in Proposal (Jan 4 -> 8), C in Lead (created Jan 5)
    assert per_stage(snap) == {"Lead": (1, 400.0), "Qualified": (1, 1000.0), "Proposal": (1, 3000.0),
                               "Contract": (0, 0.0)}


def test_snapshot_today_counts_a_deal_without_history_at_its_current_stage(story):
    con, info = story
    snap = snapshot(con, info, FunnelSpec(), AS_OF)
    # open: E Lead 700; D Qualified 500 and F (no history) Qualified 900; I Contract 2000
    assert per_stage(snap) == {"Lead": (1, 700.0), "Qualified": (2, 1400.0), "Proposal": (0, 0.0),
                               "Contract": (1, 2000.0)}
    assert snap.without_history == 1 and not snap.stages_are_current


def test_waterfall_january(story):
    con, info = story
    wf = waterfall(con, info, FunnelSpec(), parse_when("2024-01-05"), parse_when("2024-02-05"))
    bars = {k: (v.deals, v.amount) for k, v in wf.bars.items()}
    # start A B C; new D G I; won A B; lost C G; end D I; nobody open at both ends
    assert bars == {"start": (3, 4400.0), "new": (3, 3100.0), "forward": (0, 0.0), "back": (0, 0.0),
                    "won": (2, 4000.0), "lost": (2, 1000.0), "end": (2, 2500.0)}
    assert wf.identity_holds()


def test_waterfall_february_with_a_forward_move(story):
    con, info = story
    wf = waterfall(con, info, FunnelSpec(), parse_when("2024-02-02"), parse_when("2024-02-29"))
    bars = {k: (v.deals, v.amount) for k, v in wf.bars.items()}
    # start D (Qualified), G (Lead), I (Qualified, entered Feb 2); new E, F; lost G; end D E F I;
    # I moved Qualified -> Contract; D stayed; F has no history (not a move either way)
    assert bars == {"start": (3, 3100.0), "new": (2, 1600.0), "forward": (1, 2000.0), "back": (0, 0.0),
                    "won": (0, 0.0), "lost": (1, 600.0), "end": (4, 4100.0)}
    assert wf.movements[(2, "4")].deals == 1  # Qualified -> Contract
    assert wf.movements[(None, "0")].deals == 1  # F: new, stage unknown (no history)


def test_waterfall_back_move(story):
    con, info = story
    # B: Proposal at end of Jan 7, Qualified at Jan 8 12:00
    wf = waterfall(con, info, FunnelSpec(), parse_when("2024-01-07"), parse_when("2024-01-08 12:00:00"))
    assert (wf.bars["back"].deals, wf.bars["back"].amount) == (1, 3000.0)
    assert wf.identity_holds()


def test_weekly_series_ends_at_the_snapshot(story):
    con, info = story
    series = weekly(con, info, FunnelSpec(), AS_OF)
    last = series[series["week"] == series["week"].max()].set_index("stage")["open_deals"].to_dict()
    # the week of Mar 1 (history-only: F is not in the series)
    assert last == {"Lead": 1, "Qualified": 1, "Proposal": 0, "Contract": 1}
    # week of Jan 8 (Mon) ends Sun Jan 14 24:00: A won Jan 11; B in Proposal; C in Proposal; D Qualified
    week = series[series["week"] == datetime(2024, 1, 8)].set_index("stage")["open_deals"].to_dict()
    assert week == {"Lead": 0, "Qualified": 1, "Proposal": 2, "Contract": 0}


def test_without_history_moves_are_unknown_but_totals_hold():
    con = duckdb.connect()
    info = velocity_story(con, history=[])
    wf = waterfall(con, info, FunnelSpec(), parse_when("2024-01-05"), parse_when("2024-02-05"))
    assert wf.bars["forward"] is None and wf.bars["back"] is None
    assert wf.identity_holds() and wf.bars["start"].deals == 3
    snap = snapshot(con, info, FunnelSpec(), AS_OF)
    assert snap.stages_are_current and weekly(con, info, FunnelSpec(), AS_OF).empty
