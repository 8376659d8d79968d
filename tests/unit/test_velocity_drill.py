# ruff: noqa: F811  (the story fixture is imported, then named as a test argument)
"""The deals behind velocity and pipeline numbers are the deals counted (velocity story, by hand)."""

from __future__ import annotations

import pytest

from funnel.errors import FunnelError
from funnel.metrics import Selection, deals_behind
from funnel.spec import FunnelSpec
from funnel.velocity.common import parse_when
from funnel.velocity.pipeline import snapshot, waterfall
from tests.unit.velocity_story import AS_OF, story  # noqa: F401 (story: a fixture)


def ids(con, info, sel):
    return sorted(deals_behind(con, info, FunnelSpec(), sel).frame["deal_id"])


def test_in_stage_and_stuck(story):
    con, info = story
    # at Mar 1: Qualified holds D (history) and F (no history, current stage); D waited 50 days
    assert ids(con, info, Selection("in_stage", position=2, until=AS_OF)) == ["D", "F"]
    assert ids(con, info, Selection("in_stage", position=2, until=AS_OF, min_days=2.7)) == ["D"]
    assert ids(con, info, Selection("in_stage", position=2, until=AS_OF, min_days=60)) == []
    assert ids(con, info, Selection("open_at", until=AS_OF)) == ["D", "E", "F", "I"]


def test_stayed_lists_deals_with_a_finished_stay(story):
    con, info = story
    # Proposal stays finished by Mar 1: A, B (twice), C, I
    assert ids(con, info, Selection("stayed", position=3, until=AS_OF)) == ["A", "B", "C", "I"]


def test_waterfall_bars_open_their_deals(story):
    con, info = story
    a, b = parse_when("2024-02-02"), parse_when("2024-02-29")
    wf = waterfall(con, info, FunnelSpec(), a, b)
    kinds = {"start": ("open_at", None, a), "new": ("created_between", a, b), "won": ("won_between", a, b),
             "lost": ("lost_between", a, b), "end": ("open_at", None, b), "forward": ("moved_forward", a, b),
             "back": ("moved_back", a, b)}
    for bar, (kind, since, until) in kinds.items():
        listed = ids(con, info, Selection(kind, since=since, until=until))
        assert len(listed) == wf.bars[bar].deals, bar
    assert ids(con, info, Selection("moved_forward", since=a, until=b)) == ["I"]
    assert ids(con, info, Selection("lost_between", since=a, until=b)) == ["G"]


def test_snapshot_cells_open_their_deals(story):
    con, info = story
    when = parse_when("2024-01-05")
    for row in snapshot(con, info, FunnelSpec(), when).rows:
        assert len(ids(con, info, Selection("in_stage", position=row.position, until=when))) == row.open_deals


def test_velocity_kinds_need_their_dates(story):
    con, info = story
    with pytest.raises(FunnelError):
        deals_behind(con, info, FunnelSpec(), Selection("open_at"))
    with pytest.raises(FunnelError):
        deals_behind(con, info, FunnelSpec(), Selection("moved_back", until=AS_OF))
