"""The Data page speaks of visitors and steps for an ad report or a web funnel (``ui.words.data_key``).

An ad report (Facebook's shape: campaign_id, impressions, clicks, total_conversion, approved_conversion) was read as
visitors' step counts since session 48, yet the page around it said «Stage order», «the last stage is the sale»
(«последний этап — продажа», «最后一个阶段是成交»), offered a CRM's stages as the paste box's example («Новая
заявка, Встреча проведена, КП отправлено, Оплачено») and, once imported, «A table of stage counts … no deal lists»
under the quality title and «Change this dataset: columns, stage order, won/lost stages» over the edit panel. A CRM's
table of stage counts keeps the deals' words.
"""

from __future__ import annotations

import pytest

from funnel.importer import import_file
from funnel.store import Store
from tests.app.conftest import open_page, uploaded

FB_ADS = ("ad_id,campaign_id,age,impressions,clicks,total_conversion,approved_conversion\n"
          "1,916,30-34,7000,10,2,1\n2,916,35-39,18000,20,4,0\n3,936,30-34,700,5,1,0\n")
CRM_COUNTS = "Stage,Count\nNew lead,120\nQualified,60\nProposal,25\nWon,9\n"

# what each language says of an ad report's steps, and the deals' words it must not say there
STEPS = {
    "en": ("Step order", "the last step is the goal", "Impressions\nClicks", ("sale", "deal", "stage order")),
    "ru": ("Порядок шагов", "последний шаг — цель", "Показы\nКлики", ("продаж", "сделк", "этап")),
    "zh": ("步骤顺序", "最后一步是目标", "展示\n点击", ("成交", "交易", "阶段")),
}


def _texts(at) -> str:
    return " ".join(str(e.value) for e in [*at.caption, *at.subheader, *at.markdown, *at.warning, *at.info])


@pytest.mark.parametrize("lang", ["en", "ru", "zh"])
def test_an_uploaded_ad_report_is_ordered_as_steps(data_dir, lang):
    title, hint, example, not_said = STEPS[lang]
    at = uploaded("fb_ads.csv", FB_ADS.encode(), lang=lang)
    assert any(s.value == title for s in at.subheader), [s.value for s in at.subheader]
    funnel = {"en": "**Funnel: ", "ru": "**Воронка: ", "zh": "**漏斗："}[lang]  # was «Pipeline:», «销售管道：»
    assert any(m.value.startswith(funnel) for m in at.markdown), [m.value for m in at.markdown]
    captions = [c.value for c in at.caption]
    shown = next((c for c in captions if hint in c), None)
    assert shown is not None, captions
    box = at.text_area[0]
    assert box.placeholder.startswith(example)
    said = " ".join([shown, box.help, box.placeholder, title]).lower()
    assert not any(w in said for w in not_said), said


def test_an_uploaded_crm_table_of_stage_counts_keeps_the_stages(data_dir):
    at = uploaded("crm_counts.csv", CRM_COUNTS.encode())
    assert any(s.value == "Stage order" for s in at.subheader)
    assert any("the last stage is the sale" in c.value for c in at.caption)
    assert "Meeting held" in at.text_area[0].placeholder


@pytest.fixture(scope="module")
def ads(data_dir) -> str:
    info, _built, _ = import_file(Store(data_dir / "funnel.duckdb"), FB_ADS.encode(), "fb_ads.csv")
    return str(info.id)


@pytest.mark.parametrize(("lang", "caption", "edit", "line"), [
    ("en", "A table of step counts (visitors who reached each step)", "Change this dataset: columns, step order",
     "Step counts · rows read: 3"),
    ("ru", "Таблица количеств по шагам (посетители, дошедшие до шага)", "Изменить набор: столбцы, порядок шагов",
     "Количества по шагам · строк прочитано: 3"),
    ("zh", "步骤计数表（到达各步骤的访客）", "修改此数据集：列、步骤顺序", "步骤计数 · 读取行数：3"),
])
def test_a_stored_ad_report_is_said_as_visitors_steps(ads, lang, caption, edit, line):
    at = open_page("pages/data.py", lang=lang, ds=ads)
    text = _texts(at)
    assert caption in text, text
    assert any(e.label == edit for e in at.expander), [e.label for e in at.expander]
    assert line in text, text
