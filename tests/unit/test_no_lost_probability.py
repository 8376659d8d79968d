"""A file that records won deals and never a lost one (Olist's leads beside its closed deals): P(won |
reached) among closed deals would read 100 % at every stage, and the forecast would weigh every open
deal at 100 %. There the open deals count as not won, as the win rate does (won / all deals, README).
Values by hand from the five deals below."""

from __future__ import annotations

from datetime import datetime

import pytest

from funnel.importer import import_file
from funnel.metrics.probability import stage_probability
from funnel.spec import FunnelSpec
from funnel.velocity.forecast import forecast

ROWS = ("Deal ID,Stage,Amount,Created,Closed\n"
        "1,Lead,100,2024-01-01,\n"
        "2,Lead,100,2024-01-02,\n"
        "3,Demo,100,2024-01-03,\n"
        "4,Won,300,2024-01-04,2024-01-20\n"
        "5,Won,500,2024-01-05,2024-01-25\n")


@pytest.fixture
def no_lost(mem_store):
    info, _built, _ = import_file(mem_store, ROWS.encode(), "no_lost.csv", stages=["Lead", "Demo", "Won"])
    with mem_store.connect() as con:
        yield con, mem_store.info(info.id)


def test_open_deals_count_as_not_won_when_no_lost_deal_is_recorded(no_lost):
    con, info = no_lost
    probs = stage_probability(con, info, FunnelSpec())
    # reached: Lead 5, Demo 3 (deals 3, 4, 5), Won 2; won 2 -> 2/5, 2/3, 1
    assert [(r.stage, r.n, r.won) for r in probs.rows] == [("Lead", 5, 2), ("Demo", 3, 2), ("Won", 2, 2)]
    assert [r.p_won for r in probs.rows] == pytest.approx([0.4, 2 / 3, 1.0])
    assert probs.open_as_not_won
    # as of Jan 21 (the back-test's view): all five exist, only deal 4 is won by then -> 1/5, 1/3
    then = stage_probability(con, info, FunnelSpec(), as_of=datetime(2024, 1, 21))
    assert [r.p_won for r in then.rows[:2]] == pytest.approx([0.2, 1 / 3])


def test_the_weighted_pipeline_uses_them(no_lost):
    con, info = no_lost
    fc = forecast(con, info, FunnelSpec(), datetime(2024, 2, 1), runs=200, seed=1)
    # open: 1 and 2 at Lead (100 each) x 0.4, 3 at Demo (100) x 2/3 (it had been 300 at 100 %)
    assert fc.weighted_pipeline == pytest.approx(200 * 0.4 + 100 * 2 / 3)


def test_the_cli_says_so(tmp_path, capsys):
    import json

    from funnel.cli import main

    path = tmp_path / "no_lost.csv"
    path.write_text(ROWS, encoding="utf-8")
    store = str(tmp_path / "store")
    assert main(["--data-dir", store, "import", str(path), "--stages", "Lead,Demo,Won"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", store, "forecast", "1", "--as-of", "2024-02-01", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["open_as_not_won"] is True
    assert [r["p_won"] for r in doc["stage_probability"]] == pytest.approx([0.4, 0.6667, 1.0])
    assert main(["--data-dir", store, "velocity", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["reasons"]["win_rate"] == "polish.no_lost.velocity"
