"""The Overview of an amoCRM export whose sale the company renamed: the sale taken from the close dates is said
beside the numbers that rest on it, until the user names it (tests/unit/test_won_by_close_date.py has the
numbers)."""

from __future__ import annotations

from funnel.cli import main as cli_main
from tests.unit.test_won_by_close_date import HEADER, LOST, OPEN, SIGNED


def _import(tmp_path, capsys) -> None:
    path = tmp_path / "amocrm_export.csv"
    path.write_text(HEADER + OPEN + SIGNED + LOST, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path)]) == 0
    capsys.readouterr()


def test_the_overview_says_which_stage_was_taken_for_the_sale(tmp_path, capsys, overview):
    """Win rate 3 / 5 = 60 %, revenue 180,000 (hand), with the note naming «Договор подписан» in Russian."""
    _import(tmp_path, capsys)
    at = overview("ru")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Доля выигранных"] == "60,0\xa0%", tiles
    assert any("Продажей считается этап «Договор подписан»" in i.value for i in at.info)


def test_naming_the_sale_ends_the_note(tmp_path, capsys, overview):
    _import(tmp_path, capsys)
    assert cli_main(["--data-dir", str(tmp_path), "edit", "1", "--won", "Договор подписан"]) == 0
    capsys.readouterr()
    at = overview("en")
    assert not any("The sale is taken to be" in i.value for i in at.info)
    assert {m.label: m.value for m in at.metric}["Win rate"] == "60.0%"
