"""An ad report's counts (Facebook's shape: campaign, impressions, link_clicks, purchases, amount_spent) are worded as
steps and their conversions on every page, not as a CRM's stages and deals.

Before: the Overview's tiles were «Доля выигранных — » and «Средний чек — » (win rate, average deal) with «counts of
visitors have no deals won or lost» under each; the Funnel page's table headed the steps «Этап»; the Data page's
«Import into» help and refresh note kept «порядок этапов» and «выигрышные/проигрышные этапы»; the report had a
chapter «Где теряются сделки», a table «Этапы» of «Этап», «С этапа / На этап», and «нет отдельных сделок».

AD_REPORT by hand: impressions 10 000 + 5 000 + 15 000 = 30 000; link_clicks 400 + 300 + 300 = 1 000;
purchases 20 + 30 + 10 = 60. The goal is the last step, purchases: 60 reached it; goal conversion 60 / 30 000 =
0.002 = 0.2 %.
"""

from __future__ import annotations

import pytest

from funnel.importer import import_file
from funnel.metrics.goal import goal
from funnel.metrics.stages import StageRow
from funnel.store import Store
from tests.app.conftest import open_page, uploaded
from tests.unit.test_report import report_of
from tests.unit.test_report_headline48 import page_text

AD_REPORT = ("campaign,impressions,link_clicks,purchases,amount_spent\n"
             "Spring sale,10000,400,20,150.00\nRetargeting,5000,300,30,90.00\nLookalike,15000,300,10,160.00\n")

TILES = {
    "ru": (["На первом шаге", "Дошли до цели", "Конверсия в цель"], ["30\xa0000", "60", "0,2\xa0%"]),
    "zh": (["首步数量", "到达目标", "目标转化率"], ["30,000", "60", "0.2%"]),
}
DEAL_TILES = {"ru": ("Доля выигранных", "Средний чек", "Выручка"), "zh": ("赢单率", "平均成交额", "收入")}


def _row(stage: str, position: int, reached: int) -> StageRow:
    return StageRow(stage, position, reached, None, None, None, None, None)


def test_the_goal_is_the_last_step_of_the_first():
    found = goal([_row("impressions", 1, 30000), _row("link_clicks", 2, 1000), _row("purchases", 3, 60)])
    assert found is not None and (found.step, found.reached, found.first_step, found.first) == (
        "purchases", 60, "impressions", 30000)
    assert found.conversion == pytest.approx(0.002)
    assert goal([_row("impressions", 1, 30000)]) is None  # one step converts into nothing
    assert goal([_row("a", 1, 0), _row("b", 2, 0)]).conversion is None  # nothing at the first step: no share


@pytest.fixture(scope="module")
def ads(data_dir) -> str:
    info, _built, _ = import_file(Store(data_dir / "funnel.duckdb"), AD_REPORT.encode(), "fb_campaigns.csv")
    return str(info.id)


@pytest.mark.parametrize("lang", ["ru", "zh"])
def test_the_overview_shows_the_goal_not_a_win_rate(ads, lang):
    at = open_page("pages/overview.py", lang=lang, ds=ads)
    labels, values = TILES[lang]
    assert [m.label for m in at.metric] == labels
    assert [m.value for m in at.metric] == values
    captions = " ".join(c.value for c in at.caption)
    assert ("«purchases»" if lang == "ru" else "“purchases”") in captions, captions
    assert not any(word in m.label for m in at.metric for word in DEAL_TILES[lang])


@pytest.mark.parametrize(("lang", "columns", "cohorts"), [
    ("ru", ["Шаг", "Дошли", "От предыдущего", "От первого", "Отсев"], "Когорты по первому визиту"),
    ("zh", ["步骤", "到达", "占上一步", "占首步", "流失"], "按首次访问划分的群组"),
])
def test_the_funnel_table_heads_steps(ads, lang, columns, cohorts):
    at = open_page("pages/funnel.py", lang=lang, ds=ads)
    table = at.dataframe[0].value
    assert list(table.columns) == columns
    assert list(table[columns[1]]) == ["30\xa0000", "1\xa0000", "60"] if lang == "ru" else ["30,000", "1,000", "60"]
    assert cohorts in [s.value for s in at.subheader]


@pytest.mark.parametrize(("lang", "said", "stage"), [("ru", "порядок шагов", "этап"), ("zh", "步骤顺序", "阶段")])
def test_the_import_step_into_an_ad_dataset_keeps_steps(ads, lang, said, stage):
    at = uploaded("fb_campaigns_week2.csv", AD_REPORT.replace("Lookalike,15000", "Lookalike,16000").encode(), lang=lang)
    into = at.selectbox(key="import_into")
    assert said in into.help and stage not in into.help, into.help
    if lang == "zh":  # the one unnamed funnel of an ad report is no «main sales pipeline» (主销售管道)
        assert "**漏斗：（主漏斗）**" in [m.value for m in at.markdown], [m.value for m in at.markdown]
    into.set_value(int(ads)).run()
    note = " ".join(i.value for i in at.info)
    assert said in note and stage not in note, note


@pytest.mark.parametrize(("lang", "said", "not_said"), [
    ("ru", ("Где уходят посетители", "Шаги Шаг Дошли", "С шага На шаг", "Дошли до цели 60",
            "Конверсия в цель 0,2 %", "нет отдельных посетителей"),
     ("Где теряются сделки", "Доля выигранных", "Средний чек", "С этапа", "Проиграны здесь", "отдельных сделок")),
    ("zh", ("访客在哪里流失", "起始步骤", "到达目标 60", "目标转化率 0.2%"),
     ("交易在哪里流失", "赢单率（", "起始阶段", "单个交易")),
])
def test_the_report_speaks_of_steps_and_the_goal(data_dir, ads, lang, said, not_said):
    store = Store(data_dir / "funnel.duckdb")
    text = page_text(report_of(store, store.info(int(ads)), lang=lang))
    assert all(s in text for s in said), [s for s in said if s not in text]
    assert not any(s in text for s in not_said), [s for s in not_said if s in text]
