"""The pages of a two-pipeline file where Support's wins cannot be told (no won stage, status or flag of its own; a
lost stage «Closed lost»): «—» with the reason, never 0 (session 50). tests/unit/test_pipes50_won_unknown.py has the
numbers: Support 7 deals, 2 lost, 5 open, the default pipeline (Sales has 6); Sales win rate 2 / 4 = 50 %, weighted
pipeline 100 × 0.5 + 200 × 1 = 250."""

from __future__ import annotations

import pytest

from funnel.cli import main as cli_main
from funnel.formats import fmt_pct
from funnel.i18n import t
from tests.app.conftest import open_page, store_at
from tests.unit.test_pipes50_won_unknown import TWO

REASON = "pipes49.reason.won_unmarked_pipeline"


@pytest.fixture(scope="module")
def two(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pipes50")
    path = folder / "two.csv"
    path.write_text(TWO, encoding="utf-8")
    assert cli_main(["--data-dir", str(folder / "store"), "import", str(path)]) == 0
    with store_at(folder / "store"):
        yield


def test_overview_says_the_win_rate_is_unknown_not_zero(two):
    """No filter: Support, «—» for the win rate with the reason under it (was «0,0 %»); the warning names Support.
    Sales: 50 %."""
    at = open_page("pages/overview.py", lang="ru", ds="1")
    tiles = {m.label: m.value for m in at.metric}
    assert tiles[t("pages.tile.win_rate", "ru")] == "—" and tiles[t("pages.tile.revenue", "ru")] == "—", tiles
    assert t(REASON, "ru") in [c.value for c in at.caption]
    assert any("«Support»" in w.value and "неизвестны, а не 0" in w.value for w in at.warning)
    sales = {m.label: m.value for m in open_page("pages/overview.py", lang="ru", ds="1", pipeline="Sales").metric}
    assert sales[t("pages.tile.win_rate", "ru")] == fmt_pct(0.5, "ru")


def test_funnel_line_says_why_its_win_rate_is_a_dash(two):
    at = open_page("pages/funnel.py", lang="en", ds="1")
    assert any("Win rate **—**" in m.value for m in at.markdown), [m.value for m in at.markdown]
    assert t(REASON, "en") in [c.value for c in at.caption]
    assert not any("0.0%" in m.value for m in at.markdown)


def test_pipeline_page_has_no_forecast_of_zeros(two):
    """Support: the reason instead of the four tiles, the by-month table and the probability chart; Sales: 250."""
    at = open_page("pages/pipeline.py", lang="en", ds="1")
    assert t("pipes50.forecast.won_unmarked_pipeline", "en") in [i.value for i in at.info]
    assert t("velocity.kpi.weighted", "en") not in [m.label for m in at.metric]
    assert t("pipes50.probability.none", "en") in [c.value for c in at.caption]
    sales = {m.label: m.value for m in open_page("pages/pipeline.py", lang="en", ds="1", pipeline="Sales").metric}
    assert sales[t("velocity.kpi.weighted", "en")] == "250"


def test_managers_of_support_read_dashes_with_one_reason(two):
    """Vera (6 deals, 1 lost) and Boris (1 lost): win rate «—» (was 0 %), the reason once for the five «—» columns;
    the steps' note no longer says «the win rates above are measured»."""
    at = open_page("pages/managers.py", lang="ru", ds="1")
    table = at.dataframe[0].value
    assert list(table[t("metrics.kpi.win_rate", "ru")]) == ["—", "—"]
    said = [c.value for c in at.caption if c.value.endswith(t(REASON, "ru"))]
    assert len(said) == 1 and said[0].startswith(t("metrics.kpi.won", "ru") + ", "), said
    assert any("«Support»" in w.value for w in at.warning)
    assert not any("Доли выигранных выше измерены" in i.value for i in at.info)
    sales = open_page("pages/managers.py", lang="ru", ds="1", pipeline="Sales").dataframe[0].value
    assert list(sales[t("metrics.kpi.win_rate", "ru")]) == [fmt_pct(0.5, "ru")] * 2
