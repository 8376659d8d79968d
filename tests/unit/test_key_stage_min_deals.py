"""The key stage (DOMAIN.md: the stage with the largest jump in P(won | reached)) is named only where at
least 30 closed deals reached it, everywhere: ``forecast --json`` named «Proposal» from 4 closed deals while
the audit, which asks for 30, named none (survey of session 48, a 12-deal hand file).

By hand: Lead 100 closed deals, 20 won (20 %); Meeting 40 closed, 16 won (40 %, a rise of 20 points);
Proposal 4 closed, 4 won (100 %, a rise of 60 points but on 4 deals); Won. The key stage is Meeting.
With Meeting at 20 closed deals too, no stage qualifies: no key stage."""

from __future__ import annotations

import pytest

from funnel.metrics.probability import StageProbability, key_stage


def _row(stage: str, position: int, n: int, won: int) -> StageProbability:
    return StageProbability(stage, position, n, won, won / n if n else None, None, None)


def test_a_rise_on_a_handful_of_deals_is_not_the_key_stage():
    rows = [_row("Lead", 1, 100, 20), _row("Meeting", 2, 40, 16), _row("Proposal", 3, 4, 4), _row("Won", 4, 4, 4)]
    key = key_stage(rows)
    assert key is not None and (key.stage, key.previous_stage) == ("Meeting", "Lead")
    assert (key.p_before, key.p_at) == (pytest.approx(0.2), pytest.approx(0.4))


def test_no_key_stage_when_no_later_stage_has_thirty_closed_deals():
    rows = [_row("Lead", 1, 100, 20), _row("Meeting", 2, 20, 8), _row("Proposal", 3, 4, 4), _row("Won", 4, 4, 4)]
    assert key_stage(rows) is None
