"""The Pipeline page's snapshot names the deals it used to call «(stage unknown)», and counts every deal open on the date.

A ПланФикс task list (survey 37's six tasks with three put off, as in test_leftovers_h1.py): 1 Новая 10,000, 2 В работе
15,000, 3 КП отправлено 25,000 (open); 4 Завершенная won 50,000 (created Mar 4, closed Mar 14), 5 Завершенная won
30,000 (Mar 5 → Mar 25 10:00), 6 Отклоненная lost 20,000 (Mar 6 → Mar 8); 7, 8, 9 Отложенная 40,000, 5,000, 7,000 (open,
created Mar 7, 8, 9). The guessed order leaves «Отложенная» out (``stages.paused``); there is no stage history.

By hand, at the end of Mar 10, 2024: open are 1, 2, 3, 4, 5, 7, 8, 9 (6 closed on the 8th) = 8 deals, 182,000.
- Новая 1 (10,000), В работе 1 (15,000), КП отправлено 1 (25,000): their current stages;
- «Отложенная» 3 (52,000): open now at a status the order leaves out; named, not «(stage unknown)»;
- (stage unknown) 2 (4 and 5, 80,000): open on the 10th, won since; the file keeps only the stage they closed at.
Before: «Отложенная»'s three were «(stage unknown)» and 4 and 5 were not counted at all (6 open for 8).
At the latest date (Mar 25 10:00, deal 5's close): open 1, 2, 3, 7, 8, 9 = 6: no unknown row.
"""

from __future__ import annotations

import json

import pytest

from funnel.cli import main as cli_main
from funnel.metrics import Selection, deals_behind
from funnel.spec import FunnelSpec
from funnel.store import Store
from funnel.velocity.common import parse_when
from funnel.velocity.pipeline import snapshot
from tests.unit.test_leftovers_h1 import PLANFIX  # the nine tasks above


def _cli_json(tmp_path, capsys, *args: str) -> dict:
    assert cli_main(["--data-dir", str(tmp_path / "store"), *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def planfix(tmp_path, capsys):
    path = tmp_path / "Задачи.csv"
    path.write_text(PLANFIX, encoding="utf-8")
    _cli_json(tmp_path, capsys, "import", str(path))
    return tmp_path


def _ids(con, info, sel) -> list[str]:
    return sorted(deals_behind(con, info, FunnelSpec(), sel).frame["deal_id"])


def test_pipeline_json_names_the_status_the_order_leaves_out_and_counts_deals_closed_since(planfix, capsys):
    doc = _cli_json(planfix, capsys, "pipeline", "1", "--as-of", "2024-03-10")
    assert doc["snapshot"] == [
        {"stage": "Новая", "open_deals": 1, "amount": 10_000},
        {"stage": "В работе", "open_deals": 1, "amount": 15_000},
        {"stage": "КП отправлено", "open_deals": 1, "amount": 25_000},
        {"stage": "Отложенная", "open_deals": 3, "amount": 52_000, "off_order": True},
        {"stage": None, "open_deals": 2, "amount": 80_000}]
    latest = _cli_json(planfix, capsys, "pipeline", "1")
    assert [(r["stage"], r["open_deals"]) for r in latest["snapshot"]] == [
        ("Новая", 1), ("В работе", 1), ("КП отправлено", 1), ("Отложенная", 3)]


def test_pipeline_text_says_the_status_is_no_step(planfix, capsys):
    assert cli_main(["--data-dir", str(planfix / "store"), "pipeline", "1", "--as-of", "2024-03-10"]) == 0
    out = capsys.readouterr().out
    assert "52,000.00  (not a step of the funnel)" in out and "(stage unknown)" in out


def test_every_row_opens_to_the_deals_it_counts(planfix):
    store = Store(str(planfix / "store" / "funnel.duckdb"))
    info = store.info(1)
    t = parse_when("2024-03-10")
    with store.connect() as con:
        snap = snapshot(con, info, FunnelSpec(), t)
        assert snap.open_deals == 8 and snap.amount == pytest.approx(182_000)
        assert _ids(con, info, Selection("open_at", until=t)) == ["1", "2", "3", "4", "5", "7", "8", "9"]
        assert _ids(con, info, Selection("off_order_at", value="Отложенная", until=t)) == ["7", "8", "9"]
        assert _ids(con, info, Selection("unknown_at", until=t)) == ["4", "5"]
        assert _ids(con, info, Selection("in_stage", position=1, until=t)) == ["1"]
        # before deals 7, 8, 9 were created (end of Mar 6): none put off yet; 4, 5 and 6 (lost on the 8th) open then,
        # closed now, their stage then unknown
        early = parse_when("2024-03-06")
        assert [(r.stage, r.open_deals) for r in snapshot(con, info, FunnelSpec(), early).rows if r.position is None] \
            == [(None, 3)]
        assert _ids(con, info, Selection("unknown_at", until=early)) == ["4", "5", "6"]
        assert _ids(con, info, Selection("off_order_at", value="Отложенная", until=early)) == []


def test_a_history_that_starts_later_is_the_unknown_row_and_opens_to_its_deals(tmp_path, capsys):
    """Deal X created Jan 1 enters «Qualified» on Jan 10 (its history starts there), Y is at «Lead» from Jan 2. At the
    end of Jan 5: X open, stage unknown; Y at Lead. At the end of Jan 12: X at Qualified, Y at Lead; no unknown row."""
    deals = tmp_path / "deals.csv"
    deals.write_text("id,stage,created,amount\nX,Qualified,2024-01-01,100\nY,Lead,2024-01-02,200\n", encoding="utf-8")
    history = tmp_path / "history.csv"
    history.write_text("deal_id,stage,entered_at\nX,Qualified,2024-01-10\nY,Lead,2024-01-02\n", encoding="utf-8")
    _cli_json(tmp_path, capsys, "import", str(deals), "--history", str(history), "--stages", "Lead,Qualified,Won")
    store = Store(str(tmp_path / "store" / "funnel.duckdb"))
    info = store.info(1)
    with store.connect() as con:
        jan5 = parse_when("2024-01-05")
        assert [(r.stage, r.open_deals, r.amount) for r in snapshot(con, info, FunnelSpec(), jan5).rows] == [
            ("Lead", 1, 200.0), ("Qualified", 0, 0.0), (None, 1, 100.0)]
        assert _ids(con, info, Selection("unknown_at", until=jan5)) == ["X"]
        jan12 = parse_when("2024-01-12")
        assert [r.stage for r in snapshot(con, info, FunnelSpec(), jan12).rows] == ["Lead", "Qualified"]
        assert _ids(con, info, Selection("unknown_at", until=jan12)) == []


def test_the_overview_says_which_of_a_steps_open_deals_are_put_off(planfix):
    """The first step's drop-off: reached Новая 9, В работе 4, so 5 stopped: lost 1 (deal 6, its stage not recorded),
    open 4 (deal 1 and the put-off 7, 8, 9): 3 of the 4 at «Отложенная». Later steps hold none of them."""
    from funnel.metrics.overview import overview

    store = Store(str(planfix / "store" / "funnel.duckdb"))
    info = store.info(1)
    with store.connect() as con:
        ov = overview(con, info, FunnelSpec())
    first = next(d for d in ov.drop_offs if d["stage_from"] == "Новая")
    assert (first["count"], first["lost_here"], first["open_here"]) == (5, 1, 4)
    assert (first["open_off_order"], first["off_order_stages"]) == (3, ["Отложенная"])
    assert all(d["open_off_order"] == 0 for d in ov.drop_offs if d["stage_from"] != "Новая")
    assert {"code": "metrics.finding.open_off_order", "n": 3, "stages": "«Отложенная»"} in ov.outcomes.findings


def test_the_russian_report_says_it_beside_the_drop_off(planfix, capsys):
    out = planfix / "r.html"
    assert cli_main(["--data-dir", str(planfix / "store"), "report", "1", "--format", "html", "--lang", "ru",
                     "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Из оставшихся открытыми 3 — в статусе «Отложенная», которого нет в порядке воронки." in text
    assert "Открытых сделок в статусе вне порядка воронки («Отложенная»): 3." in text


def test_the_finding_opens_to_the_put_off_deals(planfix):
    store = Store(str(planfix / "store" / "funnel.duckdb"))
    info = store.info(1)
    with store.connect() as con:
        assert _ids(con, info, Selection("open_off_order")) == ["7", "8", "9"]


def test_the_reports_pipeline_table_marks_the_status(planfix):
    out = planfix / "r.html"
    assert cli_main(["--data-dir", str(planfix / "store"), "report", "1", "--format", "html", "--lang", "en",
                     "--out", str(out)]) == 0
    assert "Отложенная (not a step of the funnel)" in out.read_text(encoding="utf-8")


def test_metrics_json_and_text_say_the_put_off_deals(planfix, capsys):
    doc = _cli_json(planfix, capsys, "metrics", "1")
    assert doc["open_off_order"] == [{"stage": "Отложенная", "deals": 3}]
    assert cli_main(["--data-dir", str(planfix / "store"), "metrics", "1"]) == 0
    assert "! 3 open deals are at «Отложенная», a status outside the funnel order" in capsys.readouterr().out


def test_the_forecast_says_which_open_deals_it_weighs_at_nothing(planfix, capsys):
    """Open on Mar 25: 1 Новая 10,000, 2 В работе 15,000, 3 КП отправлено 25,000, and 7, 8, 9 at «Отложенная» (no step:
    no win probability) 52,000. Closed deals: 4 and 5 won (reached every stage), 6 lost at the first stage (its stage
    not recorded). P(won | reached Новая) = 2/3, В работе 2/2, КП отправлено 2/2. Weighted pipeline by hand:
    10,000 × 2/3 + 15,000 + 25,000 = 46,666.67; the three put-off deals (52,000) weighed at 0, said."""
    doc = _cli_json(planfix, capsys, "forecast", "1")
    assert doc["weighted_pipeline"] == pytest.approx(46_666.67, abs=0.01)
    assert doc["no_probability"] == {"deals": 3, "amount": 52_000}
    assert cli_main(["--data-dir", str(planfix / "store"), "forecast", "1"]) == 0
    assert "Not in the weighted pipeline: 3 open deals (52,000.00)" in capsys.readouterr().out
    store = Store(str(planfix / "store" / "funnel.duckdb"))
    info = store.info(1)
    with store.connect() as con:
        latest = parse_when("2024-03-25 10:00:00")
        assert _ids(con, info, Selection("unweighted_at", until=latest, values=("0",))) == ["7", "8", "9"]


def test_deals_at_stages_no_closed_deal_reached_are_said_too(tmp_path, capsys):
    """L lost at Lead (the only closed deal); X sits at Proposal (its history), Y at Lead, W at Qualified. P(won | Lead)
    = 0/1; Qualified and Proposal: no closed deal reached them (a won deal would have reached every stage), no
    probability. Weighted: Y 200 × 0 = 0; W's 400 and X's 100 weighed at 0 for want of a probability, said (2 deals,
    500), and their list is W and X (X covered by its Proposal stay on the date, W by its Qualified one)."""
    deals = tmp_path / "deals.csv"
    deals.write_text("id,stage,created,closed,amount\nX,Proposal,2024-01-01,,100\nY,Lead,2024-01-02,,200\n"
                     "L,Lost,2024-01-01,2024-01-09,300\nW,Qualified,2024-01-03,,400\n", encoding="utf-8")
    history = tmp_path / "history.csv"
    history.write_text("deal_id,stage,entered_at\nX,Lead,2024-01-01\nX,Proposal,2024-01-10\nY,Lead,2024-01-02\n"
                       "L,Lead,2024-01-01\nL,Lost,2024-01-09\n"
                       "W,Lead,2024-01-03\nW,Qualified,2024-01-04\n", encoding="utf-8")
    _cli_json(tmp_path, capsys, "import", str(deals), "--history", str(history), "--stages",
              "Lead,Qualified,Proposal,Won")
    doc = _cli_json(tmp_path, capsys, "forecast", "1", "--as-of", "2024-01-12")
    assert doc["weighted_pipeline"] == pytest.approx(0.0)
    assert doc["no_probability"] == {"deals": 2, "amount": 500.0}
    store = Store(str(tmp_path / "store" / "funnel.duckdb"))
    info = store.info(1)
    with store.connect() as con:
        assert _ids(con, info, Selection("unweighted_at", until=parse_when("2024-01-12"), values=("2", "3"))) == [
            "W", "X"]
