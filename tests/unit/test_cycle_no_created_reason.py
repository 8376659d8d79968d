"""A deal file in Maven's shape (``opportunity_id, …, deal_stage, engage_date, close_date, close_value``: a close date
and a date the deal entered «Engaging», no creation date) has no sales cycle, which is close date − creation date
(DOMAIN.md). The Overview tile said «Won deals lack a created or closed date.» (vague: the close dates are there)
while the report said which date is missing and what to map; both now give one reason (``cycle_rules.no_cycle_reason``):
«The sales cycle is close date minus creation date, and no creation date was read from this file. Map the creation
date column on the Data page (command line: import --map created_at=COLUMN).»

The small file is written here in Maven's shape (three won deals, one lost, one engaging, one prospecting); the real
``sales_pipeline.csv`` is read from ../shared when it is there."""

from __future__ import annotations

import pytest

from funnel.i18n import t
from funnel.importer import import_file
from funnel.metrics.context import resolve
from funnel.metrics.outcomes import outcomes_by
from funnel.spec import FunnelSpec
from funnel.store import Store
from tests.conftest import shared_path
from tests.unit.test_report import report_of

MAVEN_SHAPED = ("opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
                "OP01,Anna Snelling,GTX Basic,Acme,Won,2017-01-02,2017-01-20,550\n"
                "OP02,Anna Snelling,GTX Pro,Betasoloin,Won,2017-01-05,2017-02-10,4821\n"
                "OP03,Cecily Lampkin,MG Special,Cancity,Lost,2017-01-07,2017-01-30,0\n"
                "OP04,Cecily Lampkin,GTX Basic,Isdom,Engaging,2017-02-01,,\n"
                "OP05,Anna Snelling,MG Special,Acme,Prospecting,,,\n"
                "OP06,Cecily Lampkin,GTX Pro,Cancity,Won,2017-02-03,2017-03-01,4900\n")
REASON = "velocity.reason.no_created"


def tile_reason(store, info) -> tuple[int, str]:
    with store.connect(info) as con:
        out = outcomes_by(con, resolve(con, info, FunnelSpec()))[None]
    assert out.median_cycle_days is None and out.p90_cycle_days is None
    assert out.reasons["median_cycle_days"] == out.reasons["p90_cycle_days"]
    return out.won, out.reasons["median_cycle_days"]


def test_maven_shaped_file_gets_one_specific_reason_everywhere(tmp_path):
    store = Store(":memory:")
    path = tmp_path / "sales_pipeline_small.csv"
    path.write_text(MAVEN_SHAPED, encoding="utf-8")
    info, _built, _draft = import_file(store, path, path.name)
    assert tile_reason(store, info) == (3, REASON)  # the Overview tile's (was metrics.reason.no_cycle)
    en = t(REASON, "en")
    assert "no creation date was read" in en and "created_at" in en  # which date, what to map
    for lang in ("en", "ru", "zh"):
        report = report_of(store, info, lang=lang)
        kpis = {row[0]: row[4] for row in report.section("kpis").tables[0].rows}
        said = t(REASON, lang)
        assert kpis[t("report.kpi.median_cycle_days", lang)] == said, lang
        assert kpis[t("report.kpi.p90_cycle_days", lang)] == said, lang
        assert t("report48.summary.no_cycle", lang, reason=said) in report.section("summary").paragraphs, lang


def test_real_maven_file_gets_the_same_reason():
    """Maven's sales_pipeline.csv: 4,238 won deals, none with a creation date."""
    path = shared_path("datasets", "maven_crm_sales_opportunities", "sales_pipeline.csv")
    store = Store(":memory:")
    info, _built, _draft = import_file(store, path, path.name)
    assert tile_reason(store, info) == (4238, REASON)
    assert info.capabilities.why_not("cycle") == REASON


@pytest.mark.parametrize("lang", ["ru", "zh"])
def test_the_reason_is_translated(lang):
    assert t(REASON, lang) != t(REASON, "en")
