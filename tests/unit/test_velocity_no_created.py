"""Deals with no creation date (Maven's `sales_pipeline.csv`, a CRM view exported without «Created»):
they were created before any date, so they are open on every date until they close. They had been
left out of the pipeline on a date, the waterfall, the forecast's open deals and the back-test (every
"open at T" tested ``created_at <= T``, never true for an empty date), so a file without creation
dates showed 0 open deals. Values worked out by hand from the rows below."""

from __future__ import annotations

from datetime import datetime

import pytest

from funnel.importer import import_file
from funnel.metrics import Selection, deals_behind
from funnel.spec import FunnelSpec
from funnel.velocity.common import parse_when
from funnel.velocity.forecast import forecast
from funnel.velocity.pipeline import snapshot, waterfall

# no creation date column; stages Lead → Won, «Lost» lost; close dates only
ROWS = ("Deal ID,Stage,Amount,Closed\n"
        "1,Lead,100,\n"
        "2,Lead,200,\n"
        "3,Won,400,2024-02-10\n"
        "4,Lost,50,2024-02-12\n")


@pytest.fixture
def dataset(mem_store):
    info, _built, _ = import_file(mem_store, ROWS.encode(), "no_created.csv", stages=["Lead", "Won"])
    with mem_store.connect() as con:
        yield con, mem_store.info(info.id)


def test_the_pipeline_on_a_date_counts_deals_without_a_creation_date(dataset):
    con, info = dataset
    assert info.capabilities.no_created == 4  # what the Pipeline page's note and `pipeline --json` say
    # Feb 11: 1 and 2 open, 4 closes on Feb 12 (still open), 3 closed on Feb 10 -> 3 deals, 350
    snap = snapshot(con, info, FunnelSpec(), parse_when("2024-02-11"))
    assert (snap.open_deals, snap.amount) == (3, 350.0)
    # Mar 1: 1 and 2, at Lead (no history: their current stage)
    snap = snapshot(con, info, FunnelSpec(), parse_when("2024-03-01"))
    assert [(r.stage, r.open_deals, r.amount) for r in snap.rows] == [("Lead", 2, 300.0)]
    ids = sorted(deals_behind(con, info, FunnelSpec(), Selection("open_at", until=parse_when("2024-03-01"))
                              ).frame["deal_id"])
    assert ids == ["1", "2"]


def test_the_waterfall_starts_with_them_open(dataset):
    con, info = dataset
    # Feb 1 -> Mar 1: start = all four (none closed by Feb 1), new 0, won 1 (3), lost 1 (4), end 2
    wf = waterfall(con, info, FunnelSpec(), parse_when("2024-02-01"), parse_when("2024-03-01"))
    assert {k: wf.bars[k].deals for k in ("start", "new", "won", "lost", "end")} == {
        "start": 4, "new": 0, "won": 1, "lost": 1, "end": 2}
    assert wf.bars["start"].amount == 750.0 and wf.identity_holds()


def test_the_forecast_keeps_their_stage_probability_and_gives_them_no_month(dataset):
    con, info = dataset
    fc = forecast(con, info, FunnelSpec(), datetime(2024, 3, 1, 12), runs=500, seed=1)
    # closed: 3 won (reached Lead and Won), 4 lost (reached Lead): P(won | Lead) = 1/2
    # open: 1 and 2 at Lead: weighted 300 × 1/2 = 150; their age is unknown (no creation date, no
    # history): the plain 1/2, and no close month -> all of it undated, nothing in the months
    assert fc.open_deals == 2
    assert fc.weighted_pipeline == pytest.approx(150.0)
    assert fc.age_adjusted == pytest.approx(150.0) and fc.undated == pytest.approx(150.0)
    assert sum(v for _m, v in fc.by_month) == 0.0


def test_pipeline_json_counts_them_and_says_so(tmp_path, capsys):
    import json

    from funnel.cli import main

    path = tmp_path / "no_created.csv"
    path.write_text(ROWS, encoding="utf-8")
    assert main(["--data-dir", str(tmp_path / "store"), "import", str(path), "--stages", "Lead,Won"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path / "store"), "pipeline", "1", "--as-of", "2024-03-01", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["snapshot"] == [{"stage": "Lead", "open_deals": 2, "amount": 300.0}]
    assert doc["no_created"] == 4
