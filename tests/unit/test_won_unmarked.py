"""A file in which nothing marks a deal as won (no won stage, status or flag) has no revenue of 0 and no win rate:
they are unknown (survey 35: the Overview's «Выручка 0» beside a sheet whose sale nothing named). A won stage that
is known and holds no deal yet is a revenue of 0, as before."""

from __future__ import annotations

from funnel.cli import main as cli_main
from tests.unit.test_survey34 import _import, _metrics

# six open deals along four stages of a company's own; no stage, status or flag says won or lost
NO_WIN = ("Deal,Stage,Amount,Created\n"
          "A1,Lead,100,2024-01-01\n"
          "A2,Lead,200,2024-01-02\n"
          "A3,Meeting,300,2024-01-03\n"
          "A4,Meeting,400,2024-01-04\n"
          "A5,Proposal,500,2024-01-05\n"
          "A6,Contract,600,2024-01-06\n")


def test_nothing_marks_a_win_so_revenue_and_win_rate_are_unknown(tmp_path, capsys):
    out = _import(tmp_path, capsys, NO_WIN, "pipeline.csv")
    assert "No stage or status marks a deal as won" in out
    doc = _metrics(tmp_path, capsys)
    # the won count is unknown too, not 0 (session 49: nothing could mark one won); won / all with it
    assert (doc["deals"], doc["won"], doc["lost"], doc["open"]) == (6, None, 0, 6)
    assert doc["won_unmarked"] is True and doc["win_rate_all"] is None
    assert doc["won_unmarked_reason"] == "metrics.reason.won_unmarked"
    assert doc["revenue"] is None and doc["win_rate"] is None and doc["avg_deal_size"] is None


def test_the_cli_says_why_in_the_users_language(tmp_path, capsys, monkeypatch):
    _import(tmp_path, capsys, NO_WIN, "pipeline.csv")
    monkeypatch.setenv("FUNNEL_LANG", "ru")
    assert cli_main(["--data-dir", str(tmp_path), "metrics", "1"]) == 0
    out = capsys.readouterr().out
    assert "доля выигранных и выручка неизвестны, а не 0" in out and "--won" in out


def test_naming_the_won_stage_gives_the_revenue(tmp_path, capsys):
    """«Contract» named the sale: A6 is won, 600; the other five stay open, so no win rate beyond 1 of 1 closed."""
    _import(tmp_path, capsys, NO_WIN, "pipeline.csv")
    assert cli_main(["--data-dir", str(tmp_path), "edit", "1", "--won", "Contract"]) == 0
    capsys.readouterr()
    doc = _metrics(tmp_path, capsys)
    assert doc["won_unmarked"] is False
    assert (doc["won"], doc["revenue"], doc["win_rate"]) == (1, 600.0, 1.0)


def test_a_known_won_stage_without_deals_yet_is_a_revenue_of_zero(tmp_path, capsys):
    """The order given ends in «Paid», the sale, which no deal has reached yet: nothing won is a fact, revenue 0."""
    path = tmp_path / "pipeline.csv"
    path.write_text(NO_WIN, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path), "--stages",
                     "Lead,Meeting,Proposal,Contract,Paid"]) == 0
    capsys.readouterr()
    doc = _metrics(tmp_path, capsys)
    assert doc["won_unmarked"] is False
    assert (doc["won"], doc["revenue"]) == (0, 0.0)


# three won deals: W1 10 days (1 → 11 March), W2 closed on 1 March before its creation on 5 March, W3 with no close
REVERSED = ("Deal,Stage,Amount,Created,Closed\n"
            "W1,Won,100,2024-03-01,2024-03-11\n"
            "W2,Won,200,2024-03-05,2024-03-01\n"
            "W3,Won,300,2024-03-02,\n"
            "L1,Lost,50,2024-03-01,2024-03-04\n")


def test_a_deal_closed_before_its_creation_is_counted_apart_from_one_without_a_date(tmp_path, capsys):
    path = tmp_path / "deals.csv"
    path.write_text(REVERSED, encoding="utf-8")
    assert cli_main(["--data-dir", str(tmp_path), "import", str(path), "--stages", "Lead,Won"]) == 0
    capsys.readouterr()
    doc = _metrics(tmp_path, capsys)
    assert (doc["won"], doc["cycle_deals"], doc["cycle_reversed"], doc["median_cycle_days"]) == (3, 1, 1, 10.0)


def test_no_cycle_when_every_won_deal_closed_before_it_was_created(tmp_path, capsys):
    from funnel.metrics.outcomes import Outcomes, _fill_money

    out = Outcomes(won=2)
    _fill_money(out, {"won_with_amount": 2, "revenue": 300, "avg_deal_size": 150, "median_deal_size": 150,
                      "won_with_cycle": 0, "won_reversed": 2})
    assert out.median_cycle_days is None and out.cycle_reversed == 2
    assert out.reasons["median_cycle_days"] == "metrics.reason.no_cycle_reversed"
