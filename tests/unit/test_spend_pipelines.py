"""Spend per source when a source feeds two pipelines: the pipeline the cost was divided by is named, and the
source's leads in the other pipelines (not in the denominator) are counted and said, in JSON and in words.

The hand file (12 deals, 2 pipelines; a spend file of January 2024):

=========  ========  =======  =========================================
pipeline   source    created  outcome
=========  ========  =======  =========================================
Sales      Web       Jan      W1 won 2000, W2 lost, W3 lost, W4 open
Sales      Ads       Jan      A1 won 1000, A2 lost, A3 open
Sales      Referral  Jan      R1 won 500
Renewals   Web       Jan      V1 won 300, V2 lost
Renewals   Web       Feb      V3 open (a month the spend file does not cover)
Renewals   Referral  Jan      V4 won 400
=========  ========  =======  =========================================

Spend: Web 1,000 and Ads 600 in January. Sales has 8 deals, Renewals 4: Sales is shown unless one is picked.

By hand, pipeline Sales: Web 4 leads → CPL 1000 / 4 = 250, 1 won → CAC 1000, ROMI (2000 − 1000) / 1000 = 1;
not counted: Web's 2 January leads in Renewals (V3 is February, outside the spend file's months).
Ads 3 leads → CPL 200, CAC 600, ROMI (1000 − 600) / 600 = 2/3; no lead elsewhere.
Pipeline Renewals: Web 2 leads → CPL 500, 1 won → CAC 1000, ROMI (300 − 1000) / 1000 = −0.7; not counted: 4 in
Sales. Ads 0 leads → no CPL; not counted: 3 in Sales (and no «no deal comes from Ads» warning: 3 deals do).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from funnel.audit.spend import known_sources, read_spend, spend_report
from funnel.metrics.context import resolve
from funnel.metrics.fixture import SALES, make_dataset
from funnel.spec import FunnelSpec
from tests.conftest import ROOT

RENEWALS = [("Offer", "open"), ("Renewed", "won"), ("Churned", "lost")]


def _d(deal_id, pipeline, source, status, created="2024-01-10", amount=None):
    won, lost = status == "won", status == "lost"
    stage = {"Sales": ("Won" if won else "Lost" if lost else "Lead"),
             "Renewals": ("Renewed" if won else "Churned" if lost else "Offer")}[pipeline]
    top = 4 if pipeline == "Sales" else 2
    return dict(deal_id=deal_id, pipeline=pipeline, source=source, status=status, stage=stage,
                furthest_pos=top if won else 1, amount=amount, created_at=created,
                closed_at=None if status == "open" else "2024-01-25")


DEALS = [_d("W1", "Sales", "Web", "won", amount=2000.0), _d("W2", "Sales", "Web", "lost"),
         _d("W3", "Sales", "Web", "lost"), _d("W4", "Sales", "Web", "open"),
         _d("A1", "Sales", "Ads", "won", amount=1000.0), _d("A2", "Sales", "Ads", "lost"), _d("A3", "Sales", "Ads", "open"),
         _d("R1", "Sales", "Referral", "won", amount=500.0),
         _d("V1", "Renewals", "Web", "won", amount=300.0), _d("V2", "Renewals", "Web", "lost"),
         _d("V3", "Renewals", "Web", "open", created="2024-02-10"),
         _d("V4", "Renewals", "Referral", "won", amount=400.0)]
SPEND = b"date,source,cost\n2024-01-05,Web,1000\n2024-01-07,Ads,600\n"


@pytest.fixture
def ds():
    con = duckdb.connect()
    return con, make_dataset(con, stages={"Sales": SALES, "Renewals": RENEWALS}, deals=DEALS)


def _report(con, info, pipeline=None):
    ctx = resolve(con, info, FunnelSpec(pipeline=pipeline))
    spend = read_spend(con, SPEND, "spend.csv", known_sources(con, ctx, every_pipeline=True))
    return spend, spend_report(con, ctx, spend.rows)


def test_the_pipeline_shown_is_named_and_the_other_pipelines_leads_counted(ds):
    con, info = ds
    _, report = _report(con, info)
    assert report["pipeline"] == "Sales"
    rows = {r["source"]: r for r in report["sources"]}
    web, ads = rows["Web"], rows["Ads"]
    assert (web["spend"], web["leads"], web["cpl"], web["won"], web["cac"], web["romi"]) == (1000, 4, 250, 1, 1000, 1)
    assert web["other_pipelines"] == {"Renewals": 2}  # V1, V2 in January; V3 (February) is outside the spend months
    assert (ads["leads"], ads["cpl"], ads["cac"]) == (3, 200, 600) and ads["romi"] == pytest.approx(2 / 3)
    assert ads["other_pipelines"] == {}
    jan = next(r for r in report["months"] if r["source"] == "Web")
    assert (jan["month"], jan["leads"], jan["other_pipelines"]) == ("2024-01", 4, {"Renewals": 2})


def test_the_other_pipeline_picked(ds):
    con, info = ds
    spend, report = _report(con, info, "Renewals")
    assert report["pipeline"] == "Renewals"
    rows = {r["source"]: r for r in report["sources"]}
    web, ads = rows["Web"], rows["Ads"]
    assert (web["leads"], web["cpl"], web["won"], web["cac"], web["revenue"]) == (2, 500, 1, 1000, 300)
    assert web["romi"] == pytest.approx(-0.7) and web["other_pipelines"] == {"Sales": 4}
    assert (ads["leads"], ads["cpl"], ads["other_pipelines"]) == (0, None, {"Sales": 3})
    # Ads feeds Sales: the spend file's Ads is no unknown source («no deal comes from «Ads»» was false)
    assert [i.code for i in spend.issues] == []


def test_one_pipeline_has_no_other_pipelines():
    con = duckdb.connect()
    info = make_dataset(con, stages={"Sales": SALES}, deals=[d for d in DEALS if d["pipeline"] == "Sales"])
    _, report = _report(con, info)
    assert report["pipeline"] == "Sales" and all(r["other_pipelines"] == {} for r in report["sources"])


# -- the command line, on the same 12 deals written as a CSV ---------------------------------------------------


def _files(tmp_path):
    deals = tmp_path / "deals.csv"
    lines = ["deal_id,pipeline,stage,status,source,amount,created_at,closed_at"]
    for d in DEALS:
        lines.append(",".join(str(d[k] if d[k] is not None else "") for k in
                              ("deal_id", "pipeline", "stage", "status", "source", "amount", "created_at", "closed_at")))
    deals.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spend = tmp_path / "spend.csv"
    spend.write_bytes(SPEND)
    return deals, spend


def _cli(*args, lang="en"):
    out = subprocess.run([sys.executable, "-m", "funnel", *args], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "FUNNEL_LANG": lang})
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_segments_json_names_the_pipeline_and_the_leads_left_out(tmp_path):
    deals, spend = _files(tmp_path)
    doc = json.loads(_cli("segments", str(deals), "--by", "source", "--spend", str(spend), "--json"))
    assert doc["pipeline"] == "Sales" and doc["pipelines"] == {"Sales": 8, "Renewals": 4}
    assert doc["spend"]["pipeline"] == "Sales"
    web = next(r for r in doc["spend"]["sources"] if r["source"] == "Web")
    assert (web["leads"], web["cpl"], web["other_pipelines"]) == (4, 250, {"Renewals": 2})


def test_segments_text_says_which_pipeline_and_the_leads_left_out(tmp_path):
    deals, spend = _files(tmp_path)
    text = _cli("segments", str(deals), "--by", "source", "--spend", str(spend))
    assert "“Sales”: 8 of 12 deals" in text  # the pipeline line of metrics and managers
    assert "Web: 2 leads in «Renewals»" in text
    ru = _cli("segments", str(deals), "--by", "source", "--spend", str(spend), lang="ru")
    assert "Воронка «Sales»: сделок 8 из 12" in ru
    assert "Web: 2 лида в «Renewals»" in ru
