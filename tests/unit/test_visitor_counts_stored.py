"""A counts dataset imported before its headers were known as visitors reads as visitors when it is opened.

The import wrote its verdict into the catalog (``meta["counted"] = "visitors"``, and ``counts_visitors`` in the stored
capabilities); an ad report imported before session 48 (Facebook's «impressions, clicks, total_conversion») or before
``ad_clicks`` was known has neither, so its A/B page said «needs about N more leads» of impressions until it was
edited or imported again. Now the wording follows from what the catalog keeps of the dataset (its step columns and
order, a long table's count column), derived again under the new capabilities rules when the store is opened.

The old store is built here by importing the file and writing its catalog entry back the old way: no ``counted``,
capabilities stored under rules 5 with ``counts_visitors`` false.
"""

from __future__ import annotations

import json

import pytest

from funnel.capabilities import RULES
from funnel.importer import import_file
from funnel.store import Store

FB_ADS = ("ad_id,campaign_id,age,impressions,clicks,total_conversion,approved_conversion\n"
          "1,916,30-34,7000,10,2,1\n2,916,35-39,18000,20,4,0\n3,936,30-34,700,5,1,0\n")
AD_CLICKS = "campaign_id,ad_clicks,conversions\n901,40,3\n902,60,5\n"
USERS_LONG = "step,users\nLanding,1000\nSignup,120\nPaid,9\n"
CRM_COUNTS = "Stage,Count\nNew lead,120\nQualified,60\nProposal,25\nWon,9\n"


def _old_store(tmp_path, text: str) -> tuple[Store, int]:
    """The file imported, then its catalog entry written as an import of an older version wrote it."""
    path = tmp_path / "report.csv"
    path.write_text(text, encoding="utf-8")
    store = Store(tmp_path / "store" / "funnel.duckdb")
    info, _built, _ = import_file(store, path)
    with store.writing() as con:
        meta = json.loads(con.execute("SELECT meta FROM datasets WHERE id = ?", [info.id]).fetchone()[0])
        meta.pop("counted", None)
        meta["capabilities"]["counts_visitors"] = False
        meta["capabilities"]["rules"] = 5
        con.execute("UPDATE datasets SET meta = ? WHERE id = ?", [json.dumps(meta), info.id])
    return store, info.id


@pytest.mark.parametrize("text", [FB_ADS, AD_CLICKS, USERS_LONG], ids=["facebook_ads", "ad_clicks", "users_long"])
def test_an_old_store_of_visitor_counts_reads_visitors(tmp_path, text):
    store, ds = _old_store(tmp_path, text)
    assert "counted" not in store.row(ds)["meta"]  # the old way: no verdict kept
    caps = Store(store.path).info(ds).capabilities
    assert caps.counts_visitors and caps.of_visitors
    assert caps.why_not("deals") == "roles48b.reason.counts_no_visitors"


def test_an_old_store_of_crm_counts_still_reads_deals(tmp_path):
    store, ds = _old_store(tmp_path, CRM_COUNTS)
    caps = Store(store.path).info(ds).capabilities
    assert not caps.counts_visitors and caps.why_not("deals") == "metrics.reason.counts_no_deals"


def test_stored_capabilities_of_the_current_rules_are_not_derived_again(tmp_path):
    """Today's import stores the verdict under today's rules: read as stored."""
    path = tmp_path / "ads.csv"
    path.write_text(FB_ADS, encoding="utf-8")
    store = Store(tmp_path / "store" / "funnel.duckdb")
    info, _built, _ = import_file(store, path)
    meta = store.row(info.id)["meta"]
    assert meta["capabilities"]["rules"] == RULES and meta["capabilities"]["counts_visitors"]
    assert meta["counted"] == "visitors"


def test_an_ad_report_says_it_has_no_deals_won_or_lost_not_which_deals(tmp_path):
    """The Overview's win rate tile and the pages' view caption said «Aggregate counts do not say which deals were
    won, lost or still open» and «conversions are between the stage counts» under Facebook's impressions."""
    from funnel.metrics import outcomes
    from funnel.spec import FunnelSpec
    from ui.filters import view_caption

    store, ds = _old_store(tmp_path, FB_ADS)
    info = Store(store.path).info(ds)
    with store.connect() as con:
        out = outcomes(con, info, FunnelSpec())
    # impressions 7000 + 18000 + 700 = 25,700 at the first step; no outcome of a deal
    assert out.deals == 25700 and out.won is None
    assert out.reasons["won"] == out.reasons["win_rate"] == "visitors49.reason.counts_no_outcome"
    assert view_caption(FunnelSpec(), lambda key, **_kw: key, info) == "visitors49.view_counts"
    (tmp_path / "crm").mkdir()
    crm_store, crm = _old_store(tmp_path / "crm", CRM_COUNTS)
    crm_info = Store(crm_store.path).info(crm)
    with crm_store.connect() as con:
        assert outcomes(con, crm_info, FunnelSpec()).reasons["won"] == "metrics.reason.counts_no_outcome"
    assert view_caption(FunnelSpec(), lambda key, **_kw: key, crm_info) == "pages.view.counts"
