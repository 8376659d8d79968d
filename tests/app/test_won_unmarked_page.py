"""The Overview of a file in which nothing marks a deal as won: dashes with their reason, not a revenue of 0
(tests/unit/test_won_unmarked.py has the numbers)."""

from __future__ import annotations

from funnel.cli import main as cli_main
from tests.unit.test_survey34 import _import
from tests.unit.test_won_unmarked import NO_WIN, REVERSED


def test_the_overview_says_it_beside_dashes(tmp_path, capsys, overview):
    """The page's tiles: «—» for the win rate and the revenue, each with the reason, and the warning that says
    how to name the sale (in Russian)."""
    _import(tmp_path, capsys, NO_WIN, "pipeline.csv")
    at = overview("ru")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Выручка"] == "—" and tiles["Доля выигранных"] == "—", tiles
    assert any("не отмечена как выигранная или проигранная" in w.value for w in at.warning)
    assert sum("ни флажок не отмечают сделку как выигранную" in c.value for c in at.caption) >= 2


def test_the_cycle_tile_says_which_won_deals_were_closed_before_their_creation(tmp_path, capsys, overview):
    """Of 3 won deals one has a cycle (10 days), one closed before it was created, one lacks its close."""
    path = tmp_path / "deals.csv"
    path.write_text(REVERSED, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path), "--stages", "Lead,Won"]) == 0
    capsys.readouterr()
    at = overview("en")
    assert any(c.value == "Cycle measured on 1 of 3 won deals; closed before they were created (left out): 1"
               for c in at.caption), [c.value for c in at.caption]
